"""Rules, scopes, packs and the registry; the built-in packs are ``county-plan`` and
``waivers``."""

from reliefkit.rules._core import (
    SECTIONS,
    Citation,
    Context,
    Finding,
    Kind,
    Pack,
    Parameter,
    Rule,
    Severity,
    Violation,
    as_date,
    parse_sections,
)
from reliefkit.rules._discover import import_rule_modules
from reliefkit.rules._ledger import Ledger, build_ledger, ledger, target_of, village_of
from reliefkit.rules._memo import IdentityMemo
from reliefkit.rules._registry import (
    ENTRY_POINT_GROUP,
    Registry,
    all_rules,
    builtin_registry,
    check_selectors,
    default_registry,
    get_pack,
    get_rule,
    load_entry_points,
    matches,
)
from reliefkit.rules._scope import Scope, field, itself, nothing, record_scope
from reliefkit.rules._sql_dates import iso_weekday
from reliefkit.rules._units import paired, resolve_target, resolve_unit
from reliefkit.rules.waivers import problem_of

__all__ = [
    "ENTRY_POINT_GROUP",
    "SECTIONS",
    "Citation",
    "Context",
    "Finding",
    "IdentityMemo",
    "Kind",
    "Ledger",
    "Pack",
    "Parameter",
    "Registry",
    "Rule",
    "Scope",
    "Severity",
    "Violation",
    "all_rules",
    "as_date",
    "build_ledger",
    "builtin_registry",
    "check_selectors",
    "default_registry",
    "field",
    "get_pack",
    "get_rule",
    "import_rule_modules",
    "iso_weekday",
    "itself",
    "ledger",
    "load_entry_points",
    "matches",
    "nothing",
    "paired",
    "parse_sections",
    "problem_of",
    "record_scope",
    "resolve_target",
    "resolve_unit",
    "target_of",
    "village_of",
]
