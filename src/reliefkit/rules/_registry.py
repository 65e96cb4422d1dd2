"""The registry: which packs exist, which run by default, and look-up by code or name.

``check``, ``admit``, ``violating`` and the CLI take ``registry=`` and use
:func:`default_registry` otherwise. Modelled on svcs's ``Registry``: packs register into an
object you own, so a test or an embedding system can run its own set of packs.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator

from reliefkit.exceptions import UnknownRuleError
from reliefkit.rules._core import Pack, Rule


class Registry:
    """Packs by name; each prefix and each code belongs to one pack."""

    def __init__(self) -> None:
        self._packs: dict[str, Pack] = {}
        self._default: list[str] = []

    def register(self, pack: Pack, *, default: bool = False) -> Pack:
        """Add a pack; ``default`` packs run when ``check`` names none.

        A pack name, prefix or rule code already taken is refused, naming both packs.
        """
        for other in self._packs.values():
            if other.name == pack.name:
                raise ValueError(f"pack={pack.name!r}: a pack of this name is registered")
            if other.prefix == pack.prefix:
                raise ValueError(
                    f"pack {pack.name!r}: prefix {pack.prefix!r} is taken by pack {other.name!r}"
                )
            taken = sorted(set(pack.rules) & set(other.rules))
            if taken:
                raise ValueError(
                    f"pack {pack.name!r}: codes {taken} are taken by pack {other.name!r}"
                )
        for rule in pack.rules.values():
            for code in rule.defers_to:
                if code not in pack.rules:
                    raise ValueError(f"{rule.code}: defers to {code!r}, not a rule of its pack")
                if pack.rules[code].scope is not rule.scope:
                    raise ValueError(f"{rule.code}: defers to {code}, a rule of another scope")
        self._packs[pack.name] = pack
        if default:
            self._default.append(pack.name)
        return pack

    @property
    def default_packs(self) -> tuple[str, ...]:
        """Names of the packs ``check`` runs when none is named."""
        return tuple(self._default)

    @property
    def always(self) -> tuple[Pack, ...]:
        """Packs that run with every ``check`` and ``admit`` (the waiver rules)."""
        return tuple(p for p in self._packs.values() if p.always)

    def packs(self) -> list[Pack]:
        """Every pack, in registration order."""
        return list(self._packs.values())

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules())

    def rules(self) -> list[Rule]:
        """Every rule, sorted by code."""
        return sorted((r for p in self._packs.values() for r in p.rules.values()), key=_code)

    def codes(self) -> frozenset[str]:
        """Every code."""
        return frozenset(c for p in self._packs.values() for c in p.rules)

    def rule(self, code_or_name: str) -> Rule:
        """The rule with this code (case-insensitive) or name (``cross-township-solicitation``).

        One code as a str; anything else (a list of codes) is a ``TypeError``.
        """
        if not isinstance(code_or_name, str):
            raise TypeError(
                f"code={code_or_name!r}: expected one rule code or name as a str, such as "
                "'CP101' or 'cross-township-solicitation'"
            )
        wanted = code_or_name.strip()
        for pack in self._packs.values():
            found = pack.rules.get(wanted.upper())
            if found is not None:
                return found
            for rule in pack.rules.values():
                if rule.name == wanted.lower():
                    return rule
        names = [r.code for r in self.rules()] + [r.name for r in self.rules()]
        close = difflib.get_close_matches(wanted, names, n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise UnknownRuleError(
            f"code={code_or_name!r}: no rule has this code or name{hint}; see `reliefkit rules`"
        )

    def pack(self, name: str) -> Pack:
        """The pack with this name (``county-plan``) or prefix (``CP``)."""
        for pack in self._packs.values():
            if name in (pack.name, pack.prefix):
                return pack
        known = ", ".join(sorted(self._packs))
        raise UnknownRuleError(f"pack={name!r}: no such pack; known: {known}")


def _code(rule: Rule) -> str:
    return rule.code


def matches(code: str, selectors: Iterable[str]) -> bool:
    """Whether ``code`` is named by one of ``selectors`` (codes or prefixes, ruff-style)."""
    return any(code.startswith(s.strip().upper()) for s in selectors)


def check_selectors(selectors: Iterable[str], known: Iterable[str], *, option: str) -> None:
    """Refuse selectors that match no known code (a typo would otherwise select nothing)."""
    codes = list(known)
    for selector in selectors:
        if not any(c.startswith(selector.strip().upper()) for c in codes):
            raise UnknownRuleError(f"{option}={selector!r}: matches no rule code")


_DEFAULT: Registry | None = None


def default_registry() -> Registry:
    """The library's registry: the county-plan pack (run by default) and the waiver rules."""
    global _DEFAULT
    if _DEFAULT is None:
        from reliefkit.rules.county_plan import PACK as COUNTY_PLAN
        from reliefkit.rules.waivers import PACK as WAIVERS

        registry = Registry()
        registry.register(COUNTY_PLAN, default=True)
        registry.register(WAIVERS)
        _DEFAULT = registry
    return _DEFAULT


def all_rules() -> list[Rule]:
    """Every rule of the default registry, sorted by code."""
    return default_registry().rules()


def get_rule(code: str) -> Rule:
    """The rule of the default registry with this code or name."""
    return default_registry().rule(code)


def get_pack(name: str) -> Pack:
    """The pack of the default registry with this name or prefix."""
    return default_registry().pack(name)
