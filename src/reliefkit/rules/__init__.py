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
from reliefkit.rules._ledger import Ledger, build_ledger, ledger, target_of, village_of
from reliefkit.rules._memo import IdentityMemo
from reliefkit.rules._registry import (
    Registry,
    all_rules,
    check_selectors,
    default_registry,
    get_pack,
    get_rule,
    matches,
)
from reliefkit.rules._scope import Scope, field, itself, nothing, record_scope
from reliefkit.rules._units import paired, resolve_target, resolve_unit
from reliefkit.rules.waivers import problem_of

__all__ = [
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
    "check_selectors",
    "default_registry",
    "field",
    "get_pack",
    "get_rule",
    "itself",
    "ledger",
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
