"""The waiver pack (RK): invalid (RK001), expired (RK002) and unused (RK003) waivers.

It runs with every ``check`` and ``admit`` (``select``/``ignore`` apply to its codes too);
who may grant a waiver is its ``grantor_sector`` parameter.
"""

from reliefkit.rules.waivers import (  # noqa: F401  (each module registers its rule)
    rk001_invalid_waiver,
    rk002_expired_waiver,
    rk003_unused_waiver,
)
from reliefkit.rules.waivers._pack import PACK, problem_of

__all__ = ["PACK", "problem_of"]
