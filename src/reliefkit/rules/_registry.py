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

The same checks run earlier and later too: ``Pack(...)`` refuses a malformed name or prefix,
``@PACK.rule(...)`` refuses a malformed declaration (:func:`declaration_problems`), and a
rule declared in a pack that is already registered is checked by every registry holding the
pack (:meth:`Registry.problems`) and refused, leaving the pack as it was. Every refusal is a
:class:`~reliefkit.exceptions.RegistrationError` naming the pack.

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
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from importlib import metadata
from typing import Any

from reliefkit.exceptions import PackLoadWarning, RegistrationError, UnknownRuleError
from reliefkit.rules._core import CODE, PREFIX, Citation, Pack, Parameter, Rule, parse_sections

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


def _words(text: str) -> str:
    """``text`` as lower-case words joined by '-': ``My County`` → ``my-county``."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def pack_problems(name: object, prefix: object) -> list[str]:
    """What is wrong with a pack's name and prefix (``Pack(...)`` refuses them)."""
    problems = []
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        near = _words(name) if isinstance(name, str) else ""
        hint = f" (did you mean {near!r}?)" if near and _NAME.fullmatch(near) else ""
        problems.append(
            f"name={name!r}: expected lower-case words joined by '-', like 'my-county'{hint}"
        )
    if not isinstance(prefix, str) or not PREFIX.fullmatch(prefix):
        near = prefix.upper() if isinstance(prefix, str) else ""
        hint = f" (did you mean {near!r}?)" if PREFIX.fullmatch(near) else ""
        problems.append(f"prefix={prefix!r}: expected 2-4 capitals, like 'MC'{hint}")
    return problems


def _code_problems(code: str, prefix: str) -> list[str]:
    if CODE.fullmatch(code) and prefix_of(code) == prefix:
        return []
    return [
        f"{code}: not a code of prefix {prefix!r} "
        f"(expected {prefix} and three digits, like {prefix}101)"
    ]


def _name_problems(code: str, name: str) -> list[str]:
    if _NAME.fullmatch(name):
        return []
    near = _words(name)
    hint = f" (did you mean {near!r}?)" if near and _NAME.fullmatch(near) else ""
    return [f"{code}: name={name!r}: expected lower-case words joined by '-'{hint}"]


def _citation_problems(code: str, citations: Sequence[Citation]) -> list[str]:
    if citations and all(
        isinstance(c, Citation) and c.source.strip() and c.clause.strip() for c in citations
    ):
        return []
    return [
        f"{code}: cites no clause (every rule cites its source and clause: "
        "cites=[Citation(source, clause, summary, summary_zh)])"
    ]


def _text_problems(code: str, texts: Mapping[str, object]) -> list[str]:
    return [
        f"{code}: {field} is empty (texts are in English and Chinese)"
        for field, text in texts.items()
        if not str(text).strip()
    ]


def _parameter_problems(
    code: str, names: Iterable[str], parameters: Mapping[str, Parameter]
) -> list[str]:
    return [
        f"{code}: reads parameter {name!r}, which the pack does not declare"
        f"{_hint(name, parameters)} (declare it with PACK.parameter)"
        for name in names
        if name not in parameters
    ]


def declaration_problems(
    pack: Pack,
    *,
    code: str,
    name: str,
    cites: Sequence[Citation],
    params: Sequence[str],
    judge: Callable[..., object],
    texts: Mapping[str, str],
) -> list[str]:
    """What ``@pack.rule(...)`` refuses in a declaration: a code taken in the pack or not of
    its prefix, a name that is not lower-case words joined by '-', no citation, an empty
    text, a parameter the pack does not declare, a judge without a docstring whose sections
    (``What it checks:`` at least) are the rule's reference."""
    problems = []
    if code in pack.rules:
        problems.append(f"{code}: already declared in this pack (a code is never reused)")
    problems += _code_problems(code, pack.prefix)
    problems += _name_problems(code, name)
    problems += _citation_problems(code, cites)
    problems += _text_problems(code, texts)
    problems += _parameter_problems(code, params, pack.parameters)
    if "What it checks" not in parse_sections(getattr(judge, "__doc__", None) or ""):
        function = getattr(judge, "__name__", repr(judge))
        problems.append(
            f"{code}: the judge {function}() has no docstring section 'What it checks:'; a "
            "rule's docstring is its reference, in the sections What it checks / Why it "
            "matters / Example / Compliant / References (see docs/rule-anatomy.md)"
        )
    return problems


class Registry:
    """Packs by name; each prefix and each code belongs to one pack."""

    def __init__(self) -> None:
        self._packs: dict[str, Pack] = {}
        self._default: list[str] = []
        # The distribution each installed pack came from (load_entry_points), to name it.
        self._origins: dict[str, str] = {}

    def register(self, pack: Pack, *, default: bool = False) -> Pack:
        """Add a pack; ``default`` packs run when ``check`` names none.

        A pack that is not well formed, or whose name, prefix, codes or rule names are taken,
        is refused with a :class:`~reliefkit.exceptions.RegistrationError` (a ``ValueError``)
        listing every problem, each naming the pack (and the other pack, for what is taken);
        the registry is then unchanged. A rule declared in the pack later is checked the
        same way (see :meth:`problems`).
        """
        if not isinstance(pack, Pack):
            raise TypeError(f"pack={pack!r}: expected a reliefkit.rules.Pack")
        if pack.name in self._packs:
            problems = [f"a pack of this name is registered{self._from(pack.name)}"]
        else:
            problems = self.problems(pack)
        if problems:
            raise RegistrationError(pack.name, problems)
        self._packs[pack.name] = pack
        if default:
            self._default.append(pack.name)
        pack._registries.add(self)
        return pack

    def problems(self, pack: Pack) -> list[str]:
        """What this registry refuses in ``pack``, against the other packs it holds: for a
        pack it does not hold, why it may not be registered; for one it holds, what a rule
        declared since (``@pack.rule`` asks every registry holding the pack) breaks."""
        others = [p for p in self._packs.values() if p is not pack]
        found = [*self._clashes(pack, others), *_malformed(pack), *self._deferrals(pack, others)]
        return list(dict.fromkeys(found))

    def _from(self, name: str) -> str:
        """`` (distribution reliefkit-pack-x 0.1.0)`` for an installed pack."""
        origin = self._origins.get(name)
        return f" (distribution {origin})" if origin else ""

    def _clashes(self, pack: Pack, others: list[Pack]) -> Iterator[str]:
        """What the pack would take from a registered one: name, prefix, codes, rule names."""
        names = {r.name: r.code for r in pack.rules.values()}
        for other in others:
            owner = f"pack {other.name!r}{self._from(other.name)}"
            if other.name == pack.name:
                yield f"a pack of this name is registered{self._from(other.name)}"
                continue
            if other.prefix == pack.prefix:
                # Its codes are the other's codes too: the prefix says it all.
                yield f"prefix {pack.prefix!r} is taken by {owner}"
            else:
                if pack.prefix.startswith(other.prefix) or other.prefix.startswith(pack.prefix):
                    # Selectors are prefixes (ruff-style): --select CP would also pick CPX101.
                    yield (
                        f"prefix {pack.prefix!r} overlaps prefix {other.prefix!r} of {owner} "
                        "(a selector of one would select the other's codes)"
                    )
                taken = sorted(set(pack.rules) & set(other.rules))
                if taken:
                    yield f"codes {taken} are taken by {owner}"
            for rule in other.rules.values():
                if rule.name in names:
                    yield (
                        f"{names[rule.name]}: name {rule.name!r} is taken by {rule.code} of {owner}"
                    )

    def _deferrals(self, pack: Pack, others: list[Pack]) -> Iterator[str]:
        """Deferrals between this pack and the registered ones, checked both ways, and
        cycles of deferrals across packs. A pack whose prefix is taken is not the pack the
        others' deferrals name: only its own deferrals are checked."""
        packs = {p.prefix: p for p in others if p.name != pack.name}
        for rule in pack.rules.values():
            for code in rule.defers_to:
                other = packs.get(prefix_of(code))
                if other is not None and other.prefix != pack.prefix:
                    yield from _deferral(rule, code, other, pack.name)
        if pack.prefix in packs:
            return
        for other in packs.values():
            for rule in other.rules.values():
                for code in rule.defers_to:
                    if prefix_of(code) == pack.prefix:
                        yield from _deferral(rule, code, pack, other.name, qualify=True)
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
        if CODE.fullmatch(wanted.upper()) and prefix_of(wanted.upper()) not in {
            p.prefix for p in self._packs.values()
        }:
            why = missing_code(wanted, self)
            raise UnknownRuleError(f"code={code_or_name!r}: {why}; see `reliefkit rules`")
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
        raise UnknownRuleError(f"pack={name!r}: {missing_pack(name, self)}")


def installed_hint() -> str:
    """``is the pack installed?``, saying when installed packs are left out."""
    hint = "is the pack installed?"
    return f"{hint} ({NO_PLUGINS} is set)" if plugins_disabled() else hint


def missing_pack(name: str, registry: Registry) -> str:
    """Why ``name`` names no pack of ``registry``: the nearest name, the known ones, and
    whether it is installed (when nothing is near, or installed packs are left out)."""
    packs = registry.packs()
    known = [p.name for p in packs] + [p.prefix for p in packs]
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.75)  # a typo, not a likeness
    hint = f" (did you mean {close[0]}?)" if close else ""
    text = f"no such pack{hint}; known: {', '.join(p.name for p in packs)}"
    if not close or plugins_disabled():
        text += f"; {installed_hint()}"
    return text


def missing_code(code: str, registry: Registry) -> str:
    """Why no rule has ``code`` (or no code starts with it): the nearest code of the pack
    its prefix names, or, for a prefix no pack has, the nearest prefix and whether the pack
    is installed."""
    wanted = code.strip().upper()
    prefix = prefix_of(wanted)
    packs = {p.prefix: p for p in registry.packs()}
    if not prefix:
        return f"no rule code starts with {code!r} (a code is a prefix and three digits: CP101)"
    if prefix in packs:
        return f"no rule has code {code!r}{_hint(wanted, packs[prefix].rules)}"
    if any(p.startswith(prefix) for p in packs):
        return f"no rule has code {code!r}{_hint(wanted, registry.codes())}"
    near = difflib.get_close_matches(prefix, sorted(packs), n=1)
    hint = f" (did you mean {near[0]}{wanted[len(prefix) :]}?)" if near else ""
    return f"no pack has prefix {prefix!r}{hint}; {installed_hint()}"


def _deferral(
    rule: Rule, code: str, target: Pack, owner: str, *, qualify: bool = False
) -> Iterator[str]:
    """Whether ``rule`` (of pack ``owner``) may defer to ``code`` of pack ``target``; with
    ``qualify`` the rule is named with its pack (it is not of the pack being registered,
    under whose name the problem is listed)."""
    who = f"{rule.code} of pack {owner!r}" if qualify else rule.code
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
        yield from _code_problems(rule.code, pack.prefix)
        yield from _name_problems(rule.code, rule.name)
        yield from _citation_problems(rule.code, rule.citations)
        fields = ("title", "title_zh", "remedy", "remedy_zh")
        yield from _text_problems(rule.code, {f: getattr(rule, f) for f in fields})
        yield from _parameter_problems(rule.code, rule.params, pack.parameters)
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
            if isinstance(exc, RegistrationError):
                # One line: the warning is shown as one line on the command line.
                reason = f"pack {exc.pack!r} refused: " + "; ".join(exc.problems)
            else:
                reason = str(exc) or type(exc).__name__
                if not isinstance(exc, TypeError):
                    reason = f"{type(exc).__name__}: {reason}"
            warnings.warn(
                f"reliefkit: skipped the pack of entry point {entry_point.name!r} "
                f"({entry_point.value}) in group {group!r} of distribution "
                f"{_distribution(entry_point)}: {reason}",
                PackLoadWarning,
                stacklevel=2,
            )
            continue
        registry._origins[pack.name] = _distribution(entry_point)
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
    kind = type(value).__name__
    article = "an" if kind[:1].lower() in "aeiou" else "a"
    raise TypeError(f"it names {article} {kind}, not a Pack or a callable returning one")


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
