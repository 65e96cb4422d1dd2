"""The registry: which packs exist, which run by default, and look-up by code or name.

``check``, ``admit``, ``violating`` and the CLI take ``registry=`` and use
:func:`default_registry` otherwise. Modelled on svcs's ``Registry``: packs register into an
object you own, so a test or an embedding system can run its own set of packs.

Registration validates a pack as a whole and refuses it, listing every problem with a
did-you-mean hint where a near name exists: a name, prefix, code or rule name taken by
another pack (naming both), a code outside the pack's prefix, a rule with no citation or
without its English and Chinese texts, a parameter the pack does not declare, a deferral to
an unknown rule, to a rule of another scope, or in a cycle. A rule may defer to a rule of
another pack (``PW201`` to ``CP123``): the deferral is checked when both packs are
registered, in whichever order; until the other pack arrives it is inert (the engine judges
the deferring rule on its own).

The default registry holds the built-in packs, then the packs installed under the
entry-point group ``reliefkit.packs`` (:data:`ENTRY_POINT_GROUP`), loaded when it is first
built, never at ``import reliefkit``; ``RELIEFKIT_NO_PLUGINS=1`` leaves them out. A pack that
fails to load or register is skipped with a :class:`~reliefkit.exceptions.PackLoadWarning`.
"""

from __future__ import annotations

import difflib
import graphlib
import os
import re
import warnings
from collections.abc import Iterable, Iterator
from importlib import metadata
from typing import Any

from reliefkit.exceptions import PackLoadWarning, RegistrationError, UnknownRuleError
from reliefkit.rules._core import CODE, Pack, Rule

ENTRY_POINT_GROUP = "reliefkit.packs"
"""The entry-point group third-party packs are installed under."""

NO_PLUGINS = "RELIEFKIT_NO_PLUGINS"
"""The environment variable that, set to ``1`` (or ``true``/``yes``), keeps installed packs out
of the default registry."""

_LETTERS = re.compile(r"[A-Z]+")
_NAME = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")


def _hint(wanted: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(wanted, sorted(known), n=1)
    return f" (did you mean {close[0]}?)" if close else ""


def prefix_of(code: str) -> str:
    """The pack prefix of a rule code: ``CP`` of ``CP101``."""
    found = _LETTERS.match(code)
    return found.group(0) if found else ""


class Registry:
    """Packs by name; each prefix and each code belongs to one pack."""

    def __init__(self) -> None:
        self._packs: dict[str, Pack] = {}
        self._default: list[str] = []

    def register(self, pack: Pack, *, default: bool = False) -> Pack:
        """Add a pack; ``default`` packs run when ``check`` names none.

        A pack that is not well formed, or whose name, prefix, codes or rule names are taken,
        is refused with a :class:`~reliefkit.exceptions.RegistrationError` (a ``ValueError``)
        listing every problem, each naming the pack (and the other pack, for what is taken);
        the registry is then unchanged.
        """
        if not isinstance(pack, Pack):
            raise TypeError(f"pack={pack!r}: expected a reliefkit.rules.Pack")
        problems = [*self._clashes(pack), *_malformed(pack), *self._deferrals(pack)]
        if problems:
            raise RegistrationError(pack.name, problems)
        self._packs[pack.name] = pack
        if default:
            self._default.append(pack.name)
        return pack

    def _clashes(self, pack: Pack) -> Iterator[str]:
        """What the pack would take from a registered one: name, prefix, codes, rule names."""
        names = {r.name: r.code for r in pack.rules.values()}
        for other in self._packs.values():
            if other.name == pack.name:
                yield "a pack of this name is registered"
                continue
            if other.prefix == pack.prefix:
                yield f"prefix {pack.prefix!r} is taken by pack {other.name!r}"
            elif pack.prefix.startswith(other.prefix) or other.prefix.startswith(pack.prefix):
                # Selectors are prefixes (ruff-style): --select CP would also pick CPX101.
                yield (
                    f"prefix {pack.prefix!r} overlaps prefix {other.prefix!r} of pack "
                    f"{other.name!r} (a selector of one would select the other's codes)"
                )
            taken = sorted(set(pack.rules) & set(other.rules))
            if taken:
                yield f"codes {taken} are taken by pack {other.name!r}"
            for rule in other.rules.values():
                if rule.name in names:
                    yield (
                        f"{names[rule.name]}: name {rule.name!r} is taken by {rule.code} of "
                        f"pack {other.name!r}"
                    )

    def _deferrals(self, pack: Pack) -> Iterator[str]:
        """Deferrals between this pack and the registered ones, checked both ways, and
        cycles of deferrals across packs."""
        packs = {p.prefix: p for p in self._packs.values() if p.name != pack.name}
        for rule in pack.rules.values():
            for code in rule.defers_to:
                other = packs.get(prefix_of(code))
                if other is not None:
                    yield from _deferral(rule, code, other, pack.name)
        for other in packs.values():
            for rule in other.rules.values():
                for code in rule.defers_to:
                    if prefix_of(code) == pack.prefix:
                        yield from _deferral(rule, code, pack, other.name)
        graph: dict[str, set[str]] = {}
        for each in (*packs.values(), pack):
            for rule in each.rules.values():
                graph[rule.code] = set(rule.defers_to)
        try:
            graphlib.TopologicalSorter(graph).prepare()
        except graphlib.CycleError as exc:
            cycle = " -> ".join(exc.args[1])
            yield f"deferrals form a cycle ({cycle}): each rule would silence the other"

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


def _deferral(rule: Rule, code: str, target: Pack, owner: str) -> Iterator[str]:
    """Whether ``rule`` (of pack ``owner``) may defer to ``code`` of pack ``target``."""
    who = rule.code if target.name == owner else f"{rule.code} of pack {owner!r}"
    other = target.rules.get(code)
    if other is None:
        where = "its pack" if target.name == owner else f"pack {target.name!r}"
        # The nearest code among those it could defer to: same scope, not itself.
        near = [c for c, r in target.rules.items() if r.scope is rule.scope and c != rule.code]
        yield f"{who} defers to {code}, not a rule of {where}{_hint(code, near)}"
    elif other.scope is not rule.scope:
        yield (
            f"{who} defers to {code}, a rule of another scope ({other.scope.name!r}, not "
            f"{rule.scope.name!r}): a deferral silences a rule on the same subject"
        )


def _malformed(pack: Pack) -> Iterator[str]:
    """What is wrong with a pack on its own."""
    for key, rule in sorted(pack.rules.items()):
        if not isinstance(rule, Rule):
            yield f"{key}: {type(rule).__name__} is not a reliefkit Rule"
            continue
        if key != rule.code:
            yield f"{key}: holds rule {rule.code}"
        if not CODE.fullmatch(rule.code) or prefix_of(rule.code) != pack.prefix:
            yield (
                f"{rule.code}: not a code of prefix {pack.prefix!r} "
                f"(expected {pack.prefix} and three digits, like {pack.prefix}101)"
            )
        if not _NAME.fullmatch(rule.name):
            yield f"{rule.code}: name={rule.name!r}: expected lower-case words joined by '-'"
        if not rule.citations or any(
            not c.source.strip() or not c.clause.strip() for c in rule.citations
        ):
            yield f"{rule.code}: cites no clause (every rule cites its source and clause)"
        for field in ("title", "title_zh", "remedy", "remedy_zh"):
            if not str(getattr(rule, field)).strip():
                yield f"{rule.code}: {field} is empty (texts are in English and Chinese)"
        for name in rule.params:
            if name not in pack.parameters:
                yield (
                    f"{rule.code}: reads parameter {name!r}, which the pack does not "
                    f"declare{_hint(name, pack.parameters)}"
                )
        for code in rule.defers_to:
            if not CODE.fullmatch(code):
                yield f"{rule.code}: defers to {code!r}, not a rule code (like CP101)"
            elif code == rule.code:
                yield f"{rule.code}: defers to itself"
            elif prefix_of(code) == pack.prefix:
                yield from _deferral(rule, code, pack, pack.name)


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


def builtin_registry() -> Registry:
    """A new registry of the built-in packs only: the county plan (run by default), the
    waiver rules (run always) and the law packs (donations law, fiscal funds, targeted
    poverty: run when named); no installed pack."""
    from reliefkit.rules.county_plan import PACK as COUNTY_PLAN
    from reliefkit.rules.fiscal_funds import PACK as FISCAL_FUNDS
    from reliefkit.rules.public_welfare import PACK as DONATIONS_LAW
    from reliefkit.rules.targeted_poverty import PACK as TARGETED_POVERTY
    from reliefkit.rules.waivers import PACK as WAIVERS

    registry = Registry()
    registry.register(COUNTY_PLAN, default=True)
    registry.register(WAIVERS)
    registry.register(DONATIONS_LAW)
    registry.register(FISCAL_FUNDS)
    registry.register(TARGETED_POVERTY)
    return registry


def default_registry() -> Registry:
    """The library's registry: the built-in packs, then the packs installed under the
    ``reliefkit.packs`` entry-point group (unless ``RELIEFKIT_NO_PLUGINS=1``), built once, when
    first asked for."""
    global _DEFAULT
    if _DEFAULT is None:
        registry = builtin_registry()
        # Set before the plugins load: a pack module that asks for the default registry
        # while it is imported gets this one, not a second build.
        _DEFAULT = registry
        if not plugins_disabled():
            load_entry_points(registry)
    return _DEFAULT


def plugins_disabled() -> bool:
    """Whether ``RELIEFKIT_NO_PLUGINS`` asks to leave installed packs out."""
    return os.environ.get(NO_PLUGINS, "").strip().lower() in ("1", "true", "yes", "on")


def load_entry_points(
    registry: Registry,
    *,
    group: str = ENTRY_POINT_GROUP,
    entry_points: Iterable[metadata.EntryPoint] | None = None,
) -> list[Pack]:
    """Register the packs installed under the entry-point ``group`` into ``registry``.

    An entry point names a :class:`Pack`, registered as not run by default (``check`` runs it
    when named: ``packs=["my-county"]``, ``--pack my-county``), or a callable taking no
    argument that returns a ``Pack`` or a pair ``(pack, default)``. One that fails to load,
    to be called or to register is skipped with a
    :class:`~reliefkit.exceptions.PackLoadWarning` naming its distribution, the entry point
    and the reason. Returns the packs registered, in the order of their distributions' and
    entry points' names.
    """
    found = metadata.entry_points(group=group) if entry_points is None else entry_points
    loaded: list[Pack] = []
    for entry_point in sorted(found, key=_entry_point_key):
        try:
            pack, default = _pack_of(entry_point.load())
            registry.register(pack, default=default)
        except Exception as exc:  # a broken plugin must never break reliefkit
            reason = str(exc) or type(exc).__name__
            if not isinstance(exc, (TypeError, RegistrationError)):
                reason = f"{type(exc).__name__}: {reason}"
            warnings.warn(
                f"reliefkit: skipped the pack of entry point {entry_point.name!r} "
                f"({entry_point.value}) in group {group!r} of distribution "
                f"{_distribution(entry_point)}: {reason}",
                PackLoadWarning,
                stacklevel=2,
            )
            continue
        loaded.append(pack)
    return loaded


def _pack_of(value: Any) -> tuple[Pack, bool]:
    """The pack an entry point names, and whether it runs by default."""
    if isinstance(value, Pack):
        return value, False
    if callable(value):
        made = value()
        if isinstance(made, Pack):
            return made, False
        if (
            isinstance(made, tuple)
            and len(made) == 2
            and isinstance(made[0], Pack)
            and isinstance(made[1], bool)
        ):
            return made[0], made[1]
        raise TypeError(
            f"it returned {type(made).__name__}, not a Pack or a pair (Pack, default: bool)"
        )
    raise TypeError(f"it names a {type(value).__name__}, not a Pack or a callable returning one")


def _entry_point_key(entry_point: metadata.EntryPoint) -> tuple[str, str]:
    return (_distribution(entry_point), entry_point.name)


def _distribution(entry_point: metadata.EntryPoint) -> str:
    dist = getattr(entry_point, "dist", None)
    if dist is None:
        return "(unknown)"
    return f"{dist.name} {dist.version}"


def all_rules() -> list[Rule]:
    """Every rule of the default registry, sorted by code."""
    return default_registry().rules()


def get_rule(code: str) -> Rule:
    """The rule of the default registry with this code or name."""
    return default_registry().rule(code)


def get_pack(name: str) -> Pack:
    """The pack of the default registry with this name or prefix."""
    return default_registry().pack(name)
