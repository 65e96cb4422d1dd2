"""Rules, citations, findings and the rule packs (``county-plan``)."""

from reliefkit.rules._core import (
    SECTIONS,
    Citation,
    Context,
    Finding,
    Pack,
    Parameter,
    Rule,
    Severity,
    Violation,
    as_date,
    parse_sections,
)
from reliefkit.rules._ledger import Ledger, build_ledger, ledger
from reliefkit.rules._registry import (
    DEFAULT_PACKS,
    PACKS,
    all_rules,
    check_selectors,
    get_pack,
    get_rule,
    matches,
)

__all__ = [
    "DEFAULT_PACKS",
    "PACKS",
    "SECTIONS",
    "Citation",
    "Context",
    "Finding",
    "Ledger",
    "Pack",
    "Parameter",
    "Rule",
    "Severity",
    "Violation",
    "all_rules",
    "as_date",
    "build_ledger",
    "check_selectors",
    "get_pack",
    "get_rule",
    "ledger",
    "matches",
    "parse_sections",
]
