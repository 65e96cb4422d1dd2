"""The registry of packs and rules: look-up by code, prefix and pack name."""

from __future__ import annotations

from collections.abc import Iterable

from reliefkit.exceptions import UnknownRuleError
from reliefkit.rules._core import Pack, Rule
from reliefkit.rules.county_plan import PACK as COUNTY_PLAN

PACKS: dict[str, Pack] = {COUNTY_PLAN.name: COUNTY_PLAN}
"""Every registered pack by name."""

DEFAULT_PACKS: tuple[str, ...] = (COUNTY_PLAN.name,)


def all_rules() -> list[Rule]:
    """Every registered rule, sorted by code."""
    return sorted((r for p in PACKS.values() for r in p.rules.values()), key=lambda r: r.code)


def get_rule(code: str) -> Rule:
    """The rule with this code (case-insensitive)."""
    wanted = code.strip().upper()
    for pack in PACKS.values():
        if wanted in pack.rules:
            return pack.rules[wanted]
    raise UnknownRuleError(f"code={code!r}: no rule has this code; see `reliefkit rules`")


def get_pack(name: str) -> Pack:
    """The pack with this name (``county-plan``) or prefix (``CP``)."""
    for pack in PACKS.values():
        if name in (pack.name, pack.prefix):
            return pack
    raise UnknownRuleError(f"pack={name!r}: no such pack; known: {', '.join(sorted(PACKS))}")


def matches(code: str, selectors: Iterable[str]) -> bool:
    """Whether ``code`` is named by one of ``selectors`` (codes or prefixes, ruff-style)."""
    return any(code.startswith(s.strip().upper()) for s in selectors)


def check_selectors(selectors: Iterable[str], known: Iterable[str]) -> None:
    """Refuse selectors that match no known code (a typo would otherwise select nothing)."""
    codes = list(known)
    for selector in selectors:
        if not any(c.startswith(selector.strip().upper()) for c in codes):
            raise UnknownRuleError(f"select={selector!r}: matches no rule code")
