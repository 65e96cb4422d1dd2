"""reliefkit: rules-as-code for poverty-relief programs.

Load a campaign, ``check`` it against cited rule packs, and ask ``admit`` whether a new
record would break a rule before storing it::

    import reliefkit as rk

    data = rk.load("examples/county-2015")
    report = rk.check(data, as_of="2015-12-31")
    decision = rk.admit(data, new_solicitation, as_of="2015-10-10")

    province = rk.load_campaigns("province")       # many county campaigns, one source
    reports = rk.check(province, as_of="2015-12-31")
"""

from reliefkit._checking import check
from reliefkit.engine import admit
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
from reliefkit.io import dump, load, load_campaigns
from reliefkit.models import Campaigns, Dataset, DateRange, Money
from reliefkit.report import CampaignsReport, Decision, Outcome, Report
from reliefkit.rules import Citation, Finding, Rule, Severity, all_rules, get_rule

__version__ = "0.1.0"

__all__ = [
    "Campaigns",
    "CampaignsReport",
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
    "load_campaigns",
]
