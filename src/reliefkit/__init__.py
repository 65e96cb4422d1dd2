"""reliefkit: rules-as-code for poverty-relief programs.

Load a campaign, ``check`` it against cited rule packs, and ask ``admit`` whether a new
record would break a rule before storing it::

    import reliefkit as rk

    data = rk.load("examples/county-2015")
    report = rk.check(data, as_of="2015-12-31")
    decision = rk.admit(data, new_solicitation, as_of="2015-10-10")
"""

from reliefkit.engine import admit, check
from reliefkit.exceptions import (
    CannotViolateError,
    IntegrityError,
    InvalidMoneyError,
    InvalidValueError,
    LoadError,
    ParameterError,
    ReliefkitError,
    UnknownRuleError,
)
from reliefkit.io import dump, load
from reliefkit.models import Dataset, DateRange, Money
from reliefkit.report import Decision, Outcome, Report
from reliefkit.rules import Citation, Finding, Rule, Severity, all_rules, get_rule

__version__ = "0.1.0"

__all__ = [
    "CannotViolateError",
    "Citation",
    "Dataset",
    "DateRange",
    "Decision",
    "Finding",
    "IntegrityError",
    "InvalidMoneyError",
    "InvalidValueError",
    "LoadError",
    "Money",
    "Outcome",
    "ParameterError",
    "ReliefkitError",
    "Report",
    "Rule",
    "Severity",
    "UnknownRuleError",
    "__version__",
    "admit",
    "all_rules",
    "check",
    "dump",
    "get_rule",
    "load",
]
