"""Hypothesis strategies for reliefkit records and whole campaigns (needs ``reliefkit[testing]``).

::

    from hypothesis import given
    from reliefkit.testing import datasets, violating

    @given(datasets())                      # compliant by default
    def test_export_keeps_compliance(data): ...

    @given(violating("CP101"))              # (dataset, subjects): breaks CP101 exactly once
    def test_my_checker_flags_it(case): ...

The names below are loaded on first use, so that ``import reliefkit.testing`` (which the
pytest plugin does) never fails without Hypothesis; using a strategy without it raises an
``ImportError`` that says what to install.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reliefkit.testing._assertions import assert_compliant
    from reliefkit.testing._datasets import datasets
    from reliefkit.testing._records import record_batches_for, records_for
    from reliefkit.testing._strategies import (
        activities,
        audits,
        campaigns,
        departments,
        disbursements,
        donations,
        donors,
        exit_plans,
        funds,
        households,
        money,
        pairings,
        people,
        pledges,
        projects,
        register_type_strategies,
        resident_ids,
        solicitations,
        townships,
        villages,
        waivers,
        work_plans,
        work_teams,
    )
    from reliefkit.testing._violations import violating

__all__ = [
    "activities",
    "assert_compliant",
    "audits",
    "campaigns",
    "datasets",
    "departments",
    "disbursements",
    "donations",
    "donors",
    "exit_plans",
    "funds",
    "households",
    "money",
    "pairings",
    "people",
    "pledges",
    "projects",
    "record_batches_for",
    "records_for",
    "register_type_strategies",
    "resident_ids",
    "solicitations",
    "townships",
    "villages",
    "violating",
    "waivers",
    "work_plans",
    "work_teams",
]

_HOME = {
    "assert_compliant": "_assertions",
    "datasets": "_datasets",
    "record_batches_for": "_records",
    "records_for": "_records",
    "violating": "_violations",
}
_MISSING = (
    "reliefkit.testing needs Hypothesis, which is not installed: pip install 'reliefkit[testing]'"
)


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module 'reliefkit.testing' has no attribute {name!r}")
    module = _HOME.get(name, "_strategies")
    if module != "_assertions":
        try:
            import hypothesis  # noqa: F401
        except ImportError as exc:
            raise ImportError(_MISSING, name="hypothesis") from exc
    value = getattr(importlib.import_module(f"reliefkit.testing.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
