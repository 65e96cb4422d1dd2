"""The waiver pack (RK): invalid (RK001), expired (RK002) and unused (RK003) waivers.

It runs with every ``check`` and ``admit`` (``select``/``ignore`` apply to its codes too);
who may grant a waiver is its ``grantor_sector`` parameter. Each rule's module is found and
imported here.
"""

from reliefkit.rules._discover import import_rule_modules
from reliefkit.rules.waivers._pack import PACK, problem_of

import_rule_modules(__name__, __path__, PACK)

__all__ = ["PACK", "problem_of"]
