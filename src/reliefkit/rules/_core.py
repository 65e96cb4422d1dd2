"""Rules as data: metadata plus a plain function. The engine stamps code, severity and citation.

A rule is about the subjects of one :class:`~reliefkit.rules.Scope` (a fund, a township, a
solicitation, …); ``where`` narrows them to those in its reach, and ``judge`` yields the
violations of one subject, handed to it typed. The scope enumerates subjects for ``check``
and follows a record's changes for ``admit``: both paths run the same ``judge``.
"""

from __future__ import annotations

import functools
import re
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from enum import StrEnum
from typing import Any

import attrs
import pendulum

from reliefkit._display import render_html
from reliefkit._privacy import masked_repr, printable, safe_in
from reliefkit.exceptions import ParameterError
from reliefkit.models import Campaign, DateRange, Queries, to_date
from reliefkit.rules._scope import Scope
from reliefkit.rules.recipes import Apply, Bounds, Recipe

__all__ = [
    "Citation",
    "Context",
    "Finding",
    "Kind",
    "Pack",
    "Parameter",
    "Rule",
    "Severity",
    "Violation",
]


class Severity(StrEnum):
    """How serious a finding is: ``error`` (forbidden or required), ``warning``, ``info``."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Sort rank: errors first."""
        return _RANK[self]


_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


@attrs.frozen
class Citation:
    """A clause of a source text: ``county-plan §三(一)``.

    ``summary`` and ``summary_zh`` say in a few words, in English and in Chinese, what the
    clause asks (a paraphrase, never the source's own words); :meth:`summary_in` picks one.
    Identity is the source and the clause.
    """

    source: str
    clause: str
    summary: str = attrs.field(default="", eq=False)
    summary_zh: str = attrs.field(default="", eq=False)
    in_force: DateRange | None = attrs.field(default=None, eq=False)
    """When the clause is law (``None``: whenever its rule is)."""
    confidence: str = attrs.field(default="V", eq=False)
    """How sure we are of it: a mark of :data:`CONFIDENCE`."""

    def __attrs_post_init__(self) -> None:
        if self.confidence not in CONFIDENCE:
            raise ValueError(
                f"citation {self.source} {self.clause}: confidence={self.confidence!r}: "
                f"expected one of {sorted(CONFIDENCE)}"
            )

    def in_force_on(self, day: pendulum.Date | None) -> bool:
        """Whether the clause is law on ``day`` (always, for ``None`` or an undated clause)."""
        return day is None or self.in_force is None or day in self.in_force

    def summary_in(self, lang: str = "en") -> str:
        """The summary in ``en`` or ``zh``; a citation without a Chinese summary (a
        third-party pack's) keeps its English one."""
        return (self.summary_zh or self.summary) if lang == "zh" else self.summary

    def __str__(self) -> str:
        return f"{self.source} {self.clause}"


CONFIDENCE: dict[str, str] = {
    "V": "verified in the statute or an official page",
    "V2": "read in a secondary copy",
    "R": "recalled, not verified",
    "I": "our reading of an ambiguous text",
}
"""Confidence marks of citations and parameter values (``V`` needs no caveat)."""


def _subjects(ids: Iterable[str]) -> tuple[str, ...]:
    return tuple(ids)


@attrs.frozen
class Violation:
    """What a rule function yields: subjects (main first), messages, and the evidence.

    ``kind`` says whether the record(s) assert something wrong (a breach) or the main
    subject still lacks something another record would supply (an obligation, met by
    ``due``); left empty, it is the rule's first declared kind.
    """

    subjects: tuple[str, ...] = attrs.field(converter=_subjects, repr=masked_repr)
    message: str = attrs.field(repr=masked_repr)
    message_zh: str = attrs.field(repr=masked_repr)
    evidence: Mapping[str, Any] = attrs.field(factory=dict, eq=False, repr=masked_repr)
    kind: Kind | None = attrs.field(default=None, eq=False)
    due: pendulum.Date | None = attrs.field(default=None, eq=False)
    on: pendulum.Date | None = attrs.field(default=None, eq=False)
    """The date of the act judged (a dated rule's engine sets it): the citations and
    parameter values in force on it are the finding's."""


class Kind(StrEnum):
    """Breach (something a record asserts is wrong) or obligation (something still lacking)."""

    BREACH = "breach"
    OBLIGATION = "obligation"


@attrs.frozen(order=False)
class Finding:
    """A violation stamped by the engine with the rule's code, severity, citations and remedy.

    Identity is ``(code, subjects)``; findings sort by ``(severity, code, subjects)``.
    A finding keeps what its rule wrote; personal data is made safe when it is shown: the
    repr, :meth:`to_dict` and every report rendering pass through :mod:`reliefkit._privacy`.
    """

    code: str
    severity: Severity
    subjects: tuple[str, ...] = attrs.field(repr=masked_repr)
    message: str = attrs.field(eq=False, repr=masked_repr)
    message_zh: str = attrs.field(eq=False, repr=masked_repr)
    evidence: Mapping[str, Any] = attrs.field(eq=False, factory=dict, repr=masked_repr)
    citations: tuple[Citation, ...] = attrs.field(eq=False, default=())
    remedy: str = attrs.field(eq=False, default="")
    remedy_zh: str = attrs.field(eq=False, default="")
    name: str = attrs.field(eq=False, default="")
    # Not part of a finding's identity: one rule can yield both kinds.
    kind: Kind = attrs.field(eq=False, default=Kind.BREACH)
    due: pendulum.Date | None = attrs.field(eq=False, default=None)
    caveats: tuple[str, ...] = attrs.field(eq=False, default=())
    """What the finding rests on that is not verified (a parameter value or a clause
    marked other than ``V``)."""

    @property
    def identity(self) -> tuple[str, tuple[str, ...]]:
        """``(code, subjects)``: two findings are the same when these agree."""
        return (self.code, self.subjects)

    @property
    def subject(self) -> str:
        """The main subject (the first)."""
        return self.subjects[0]

    def sort_key(self) -> tuple[int, str, tuple[str, ...]]:
        """``(severity rank, code, subjects)``."""
        return (self.severity.rank, self.code, self.subjects)

    def localized_message(self, lang: str = "en") -> str:
        """The message in ``en`` or ``zh``."""
        return self.message_zh if lang == "zh" else self.message

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of ``reliefkit.report.v1`` (personal data made safe)."""
        out: dict[str, Any] = safe_in(
            {
                "code": self.code,
                "severity": self.severity.value,
                "subjects": list(self.subjects),
                "message": self.message,
                "message_zh": self.message_zh,
                "citations": [str(c) for c in self.citations],
                "evidence": {str(k): _jsonable(v) for k, v in self.evidence.items()},
                "remedy": self.remedy,
            }
        )
        if self.caveats:
            out["caveats"] = list(self.caveats)
        return out

    def __str__(self) -> str:
        """``CP101 error S1, T01, T02: message`` on one line, personal data masked."""
        subjects = ", ".join(self.subjects)
        return printable(f"{self.code} {self.severity.value} {subjects}: {self.message}")

    def _repr_html_(self) -> str:
        return render_html(self)


def _jsonable(value: Any) -> Any:
    if isinstance(value, str | int | bool) or value is None:
        return value
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value) if isinstance(value, set | frozenset) else value
        return [_jsonable(v) for v in items]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if hasattr(value, "yuan"):
        return str(value.yuan)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


@attrs.frozen
class ParameterValue:
    """One era of a parameter: the value in force over ``in_force``, its legal source and
    how sure we are of it (a mark of :data:`CONFIDENCE`)."""

    in_force: DateRange
    value: Any
    source: Citation
    confidence: str = "V"

    def __attrs_post_init__(self) -> None:
        if self.confidence not in CONFIDENCE:
            raise ValueError(
                f"confidence={self.confidence!r}: expected one of {sorted(CONFIDENCE)}"
            )

    @property
    def verified(self) -> bool:
        """Whether the value needs no caveat."""
        return self.confidence == "V"


@attrs.frozen
class Parameter:
    """A dated value a rule reads (deadline, window, purpose lists), era by era.

    ``values`` holds the eras in date order, each with its range, value, source and
    confidence; the value in force on the campaign's first day is used. A caller can
    override it per check by name.
    """

    name: str
    values: tuple[ParameterValue, ...]
    doc: str
    check: Callable[[Any], object] | None = attrs.field(default=None, eq=False, repr=False)

    @property
    def source(self) -> Citation:
        """The source of the latest era."""
        return self.values[-1].source

    @property
    def confidence(self) -> str:
        """The confidence mark of the latest era."""
        return self.values[-1].confidence

    @property
    def latest(self) -> Any:
        """The value of the latest era."""
        return self.values[-1].value

    def validate(self, value: Any) -> None:
        """Refuse an override the rules cannot read, naming the parameter and the value."""
        if self.check is None:
            return
        try:
            self.check(value)
        except (ValueError, TypeError) as exc:
            raise ParameterError(f"params[{self.name!r}]={value!r}: {exc}") from exc

    def era_on(self, day: pendulum.Date) -> ParameterValue:
        """The era in force on ``day`` (the latest that started on or before it)."""
        found: ParameterValue | None = None
        for era in self.values:
            if day in era.in_force:
                found = era
        if found is None:
            raise ParameterError(f"parameter {self.name!r} has no value in force on {day}")
        return found

    def value_on(self, day: pendulum.Date) -> Any:
        """The value in force on ``day``."""
        return self.era_on(day).value

    def value_from(self, day: pendulum.Date) -> Any:
        """The value in force on ``day``, or else of the first era after it (a parameter of
        a law that takes effect during the campaign), or else of the last era before it."""
        later = [e for e in self.values if e.in_force.starts_on > day]
        try:
            return self.value_on(day)
        except ParameterError:
            return (later[0] if later else self.values[-1]).value

    def caveat_on(self, day: pendulum.Date | None) -> str | None:
        """A caveat when the value in force on ``day`` (any era, for ``None``) is not
        verified: ``parameter poverty_line=2855 (…): recalled, not verified``."""
        if day is None:
            eras = [e for e in self.values if not e.verified]
        else:
            try:
                eras = [e for e in (self.era_on(day),) if not e.verified]
            except ParameterError:
                eras = []
        if not eras:
            return None
        era = eras[-1]
        return (
            f"parameter {self.name}={_shown(era.value)} ({era.source}): "
            f"[{era.confidence}] {CONFIDENCE[era.confidence]}"
        )


def era_text(period: DateRange, lang: str = "en") -> str:
    """``from 2014-01-01`` or ``2012-01-01 to 2016-12-31`` (in Chinese, 自…起 or …至…)."""
    starts = period.starts_on.isoformat()
    if period.ends_on is None:
        return f"自 {starts} 起" if lang == "zh" else f"from {starts}"
    ends = period.ends_on.isoformat()
    return f"{starts} 至 {ends}" if lang == "zh" else f"{starts} to {ends}"


def _shown(value: Any) -> str:
    if isinstance(value, frozenset | set):
        return ",".join(sorted(str(v) for v in value))
    if isinstance(value, tuple):
        return ",".join(str(v) for v in value)
    return str(value)


Judge = Callable[["Context", Any], Iterable[Violation]]
Where = Callable[["Context", Any], bool]
Dated = Callable[[Any], "pendulum.Date | None"]

CODE = re.compile(r"[A-Z]{2,4}\d{3}")
PREFIX = re.compile(r"[A-Z]{2,4}")


@attrs.frozen
class Rule:
    """A rule: metadata, the scope of its subjects, and plain functions (``judge``,
    ``where``, ``due``).

    ``defers_to`` names rules of the same scope that report the same problem first: where
    one of them reports (unwaived) on a subject, this rule stays silent on it — the engine
    applies that, the judge computes only its own condition. ``after_all`` marks a rule the
    engine judges once every other rule has run (unused waivers).
    """

    code: str
    name: str
    severity: Severity
    citations: tuple[Citation, ...]
    title: str
    title_zh: str
    remedy: str
    remedy_zh: str
    reads: frozenset[str]
    scope: Scope[Any] = attrs.field(repr=False)
    judge: Judge = attrs.field(repr=False)
    where: Where | None = attrs.field(default=None, repr=False)
    due: Callable[[Context], bool] | None = attrs.field(default=None, repr=False)
    in_force: DateRange = DateRange("2014-01-01")
    params: tuple[str, ...] = ()
    pack: str = ""
    removed: bool = False
    defers_to: tuple[str, ...] = ()
    after_all: bool = False
    kinds: tuple[Kind, ...] = (Kind.BREACH,)
    cured_by: Mapping[str, str] = attrs.field(factory=dict, eq=False, repr=False)
    doc_zh: Mapping[str, str] = attrs.field(factory=dict, eq=False, repr=False)
    recipes: tuple[Recipe, ...] = attrs.field(default=(), eq=False, repr=False)
    dated: Dated | None = attrs.field(default=None, eq=False, repr=False)
    """The date of the act a subject is (a donation's day): a rule with ``dated`` judges only
    the subjects whose act falls within ``in_force``; undated subjects are judged whenever
    the rule is in force during the campaign."""
    parameters: Mapping[str, Parameter] = attrs.field(factory=dict, eq=False, repr=False)
    """The pack's parameters (read for the caveats of unverified values)."""
    sql: str | None = attrs.field(default=None, eq=False, repr=False)
    """The rule's statement for the columnar engine (see :meth:`Pack.sql`): one row per
    subject in the rule's reach, ``campaign_id, subject_id, flagged``."""
    _undated_caveats: tuple[str, ...] | None = attrs.field(
        default=None, init=False, eq=False, repr=False
    )

    def __attrs_post_init__(self) -> None:
        if not CODE.fullmatch(self.code):
            raise ValueError(f"code={self.code!r}: expected 2-4 capitals and three digits (CP101)")
        if not self.citations:
            raise ValueError(f"{self.code}: a rule cites at least one clause")
        missing = sorted(set(self.reads) - set(self.scope.changes))
        if missing and not self.after_all:
            raise ValueError(
                f"{self.code}: reads {missing} but scope {self.scope.name!r} does not say which "
                "of its subjects their records can change"
            )
        unknown = set(self.doc_zh) - set(SECTIONS)
        if unknown:
            raise ValueError(f"{self.code}: unknown sections {sorted(unknown)}")

    @property
    def basis(self) -> str:
        """The legal basis: the clauses cited, ``PWDL Art.4; CL Art.32``."""
        return "; ".join(str(c) for c in self.citations)

    @property
    def confidence(self) -> str:
        """The weakest confidence mark among the citations and the parameters read."""
        marks = [c.confidence for c in self.citations]
        marks += [e.confidence for n in self.params for e in self._parameter(n)]
        return max(marks, key=list(CONFIDENCE).index, default="V")

    def _parameter(self, name: str) -> tuple[ParameterValue, ...]:
        found = self.parameters.get(name)
        return () if found is None else found.values

    def citations_on(self, day: pendulum.Date | None) -> tuple[Citation, ...]:
        """The clauses in force on the day of an act (all of them when none is)."""
        if day is None:
            return self.citations
        return tuple(c for c in self.citations if c.in_force_on(day)) or self.citations

    def caveats_on(self, day: pendulum.Date | None) -> tuple[str, ...]:
        """What a finding on an act of ``day`` rests on that is not verified."""
        out = [
            f"{c}: [{c.confidence}] {CONFIDENCE[c.confidence]}"
            for c in self.citations_on(day)
            if c.confidence != "V"
        ]
        for name in self.params:
            parameter = self.parameters.get(name)
            caveat = None if parameter is None else parameter.caveat_on(day)
            if caveat is not None:
                out.append(caveat)
        return tuple(out)

    def in_reach(self, ctx: Context, subject: Any) -> bool:
        """Whether a subject of the scope is one this rule judges."""
        return self.where is None or self.where(ctx, subject)

    @property
    def doc(self) -> dict[str, str]:
        """The docstring's fixed sections: What it checks / Why it matters / Example / …"""
        return parse_sections(self.judge.__doc__ or "")

    def doc_in(self, lang: str = "en") -> dict[str, str]:
        """The sections in ``en`` or ``zh`` (keyed by the English section names); a section
        without a translation stays in English."""
        doc = self.doc
        return {**doc, **self.doc_zh} if lang == "zh" else doc

    def stamp(self, violation: Violation) -> Finding:
        """The finding of one violation: the rule, not the function, supplies the metadata."""
        kind = violation.kind or self.kinds[0]
        if kind not in self.kinds:
            raise ValueError(
                f"{self.code}: yields a {kind.value}, not among its kinds {self.kinds}"
            )
        on = violation.on
        return Finding(
            code=self.code,
            severity=self.severity,
            subjects=violation.subjects,
            message=violation.message,
            message_zh=violation.message_zh,
            evidence=violation.evidence,
            citations=self.citations if on is None else self.citations_on(on),
            remedy=self.remedy,
            remedy_zh=self.remedy_zh,
            name=self.name,
            kind=kind,
            due=violation.due,
            caveats=self._caveats(on),
        )

    def _caveats(self, on: pendulum.Date | None) -> tuple[str, ...]:
        if on is None:
            cached = self._undated_caveats
            if cached is None:
                cached = self.caveats_on(None)
                object.__setattr__(self, "_undated_caveats", cached)
            return cached
        return self.caveats_on(on)

    def _repr_html_(self) -> str:
        return render_html(self)


SECTIONS = ("What it checks", "Why it matters", "Example", "Compliant", "References")


def parse_sections(doc: str) -> dict[str, str]:
    """Split a rule docstring into its fixed sections."""
    lines = [line.strip() for line in doc.strip().splitlines()]
    out: dict[str, list[str]] = {}
    current: str | None = None
    for line in lines:
        heading = line.rstrip(":")
        if heading in SECTIONS:
            current = heading
            out[current] = []
        elif current is not None:
            out[current].append(line)
    return {k: "\n".join(v).strip() for k, v in out.items()}


@attrs.frozen
class Context:
    """What a rule sees: a view of the records (a ``Dataset`` or an overlay, through the
    :class:`~reliefkit.models.Queries` protocol), ``as_of``, the resolved parameters, the
    year whose dates apply, and the codes the registry knows."""

    view: Queries
    as_of: pendulum.Date
    params: Mapping[str, Any]
    year: int = 0
    known_codes: frozenset[str] = frozenset()
    # Read by rules judged after all the others (``after_all``): which rules ran, and which
    # (code, main subject) pairs a valid waiver exempted.
    ran: frozenset[str] = frozenset()
    used_waivers: frozenset[tuple[str, str]] = frozenset()
    _shared: dict[str, dict[Any, Any]] | None = attrs.field(
        default=None, init=False, eq=False, repr=False
    )

    def shared(self, name: str) -> dict[Any, Any]:
        """A memo the rules judging in this context share under ``name`` (empty at first):
        what several rules work out alike, worked out once — CP112–CP114's one
        classification of each disbursement. It lives as long as the context, whose view,
        day and parameters never change; the engine gives the rules of a pack one context
        per view."""
        memos = self._shared
        if memos is None:
            memos = {}
            object.__setattr__(self, "_shared", memos)
        found = memos.get(name)
        if found is None:
            found = memos[name] = {}
        return found

    @property
    def dataset(self) -> Queries:
        """The view (kept for rule authors' convenience)."""
        return self.view

    @property
    def campaign(self) -> Campaign:
        """The campaign being checked."""
        return self.view.campaign

    def param(self, name: str) -> Any:
        """A parameter's value (an override, or the value in force)."""
        return self.params[name]

    def date_in_year(self, month_day: str) -> pendulum.Date:
        """``"10-17"`` in the year whose dates apply (normally the campaign's year)."""
        year = self.year or self.campaign.year
        # Rules ask for the same few days on every decision: dates are immutable, keep them.
        found = _DAYS_IN_YEAR.get((year, month_day))
        if found is None:
            month, day = (int(x) for x in month_day.split("-"))
            found = pendulum.Date(year, month, day)
            if len(_DAYS_IN_YEAR) > 256:
                _DAYS_IN_YEAR.clear()
            _DAYS_IN_YEAR[(year, month_day)] = found
        return found


_DAYS_IN_YEAR: dict[tuple[int, str], pendulum.Date] = {}


class RuleTable(dict[str, "Rule"]):
    """A pack's rules by code, counting its changes so that plans built from it are
    rebuilt when a rule is registered, replaced or removed."""

    version: int = 0

    def __setitem__(self, code: str, rule: Rule) -> None:
        self.version += 1
        super().__setitem__(code, rule)

    def __delitem__(self, code: str) -> None:
        self.version += 1
        super().__delitem__(code)


def _rule_table(value: Mapping[str, Rule]) -> RuleTable:
    return value if isinstance(value, RuleTable) else RuleTable(value)


@attrs.define
class Pack:
    """A rule pack: a named, dated set of rules and the parameters they read.

    ``always`` packs (the waiver rules) run with every ``check`` and ``admit``.
    """

    name: str
    prefix: str
    title: str
    title_zh: str
    source: str
    in_force: DateRange
    parameters: dict[str, Parameter] = attrs.field(factory=dict)
    rules: RuleTable = attrs.field(factory=RuleTable, converter=_rule_table)
    always: bool = False
    views: dict[str, str] = attrs.field(factory=dict, eq=False, repr=False)
    """Shared SQL views of the columnar engine, by name (see :meth:`view`)."""
    sql_params: list[Callable[[Context], Mapping[str, Any]]] = attrs.field(
        factory=list, eq=False, repr=False
    )
    """What works out the values the pack's SQL reads beyond its parameters (see
    :meth:`derive`)."""
    # The registries holding the pack: a rule declared later is checked by each.
    _registries: weakref.WeakSet[Any] = attrs.field(
        factory=weakref.WeakSet, init=False, eq=False, repr=False
    )

    def __attrs_post_init__(self) -> None:
        from reliefkit.exceptions import RegistrationError
        from reliefkit.rules._registry import pack_problems

        problems = pack_problems(self.name, self.prefix)
        if problems:
            raise RegistrationError(str(self.name), problems)

    def parameter(
        self,
        name: str,
        value: Any,
        *,
        source: Citation,
        doc: str = "",
        confidence: str = "V",
        since: str = "2014-01-01",
        until: str | None = None,
        check: Callable[[Any], object] | None = None,
    ) -> None:
        """Declare a parameter's value in force from ``since`` (to ``until``), with its
        source and confidence; ``check`` raises ``ValueError`` for an override the rules
        cannot read.

        Declaring a name again adds an era (a later regime's value); eras may not overlap.
        """
        era = ParameterValue(DateRange(since, until), value, source, confidence)
        known = self.parameters.get(name)
        if known is None:
            if not doc:
                raise ValueError(f"pack {self.name!r}: parameter {name!r} needs a doc")
            self.parameters[name] = Parameter(name, (era,), doc, check)
            return
        clash = [e for e in known.values if e.in_force.overlaps(era.in_force)]
        if clash:
            raise ValueError(
                f"pack {self.name!r}: parameter {name!r}: era from {since} overlaps the era "
                f"from {clash[0].in_force.starts_on.isoformat()}"
            )
        eras = tuple(sorted((*known.values, era), key=lambda e: e.in_force.starts_on))
        self.parameters[name] = attrs.evolve(
            known, values=eras, doc=doc or known.doc, check=check or known.check
        )

    def rule(
        self,
        *,
        code: str,
        name: str,
        severity: Severity,
        cites: Sequence[Citation],
        title: str,
        title_zh: str,
        remedy: str,
        remedy_zh: str,
        reads: Iterable[str],
        scope: Scope[Any],
        where: Where | None = None,
        due: Callable[[Context], bool] | None = None,
        params: Sequence[str] = (),
        defers_to: Sequence[str] = (),
        after_all: bool = False,
        doc_zh: Mapping[str, str] | None = None,
        kinds: Sequence[Kind | str] = (Kind.BREACH,),
        cured_by: Mapping[str, str] | None = None,
        in_force: DateRange | str | None = None,
        dated: Dated | None = None,
    ) -> Callable[[Judge], Judge]:
        """Register the decorated function as the ``judge`` of a new rule over ``scope``.

        ``kinds`` are the kinds of finding it can yield (the first is the default);
        ``cured_by`` maps a table to the advice given when a refused change would pass if
        a record of that table came with it ("admit the solicitation together with …").
        ``in_force`` is the rule's era (the pack's by default; a string is its first day);
        with ``dated`` (the date of the act a subject is) the rule judges only acts of its
        era, and its findings cite the clauses in force on the act's day.
        """
        era = (
            self.in_force
            if in_force is None
            else in_force
            if isinstance(in_force, DateRange)
            else DateRange(in_force)
        )

        def register(judge: Judge) -> Judge:
            # Refused here, not at registration: the error points at the declaration.
            from reliefkit.exceptions import RegistrationError
            from reliefkit.rules._registry import declaration_problems

            texts = {"title": title, "title_zh": title_zh, "remedy": remedy}
            problems = declaration_problems(
                self,
                code=code,
                name=name,
                cites=cites,
                params=params,
                judge=judge,
                texts={**texts, "remedy_zh": remedy_zh},
            )
            if problems:
                raise RegistrationError(self.name, problems)
            try:
                rule = Rule(
                    code=code,
                    name=name,
                    severity=severity,
                    citations=tuple(cites),
                    title=title,
                    title_zh=title_zh,
                    remedy=remedy,
                    remedy_zh=remedy_zh,
                    reads=frozenset(reads),
                    scope=scope,
                    judge=judge,
                    where=where,
                    due=due,
                    params=tuple(params),
                    pack=self.name,
                    defers_to=tuple(defers_to),
                    after_all=after_all,
                    doc_zh=dict(doc_zh or {}),
                    kinds=tuple(Kind(k) for k in kinds),
                    cured_by=dict(cured_by or {}),
                    in_force=era,
                    dated=dated,
                    parameters=self.parameters,
                )
            except ValueError as exc:  # a table its scope does not follow, a bad kind, …
                raise RegistrationError(self.name, [str(exc)]) from None
            if dated is not None:
                rule = attrs.evolve(
                    rule, judge=_dated_judge(judge, dated), where=_dated_where(where, dated, era)
                )
            self.rules[code] = rule
            # A registered pack: every registry holding it checks the rule against its packs.
            refused = [p for registry in list(self._registries) for p in registry.problems(self)]
            if refused:
                del self.rules[code]
                raise RegistrationError(self.name, list(dict.fromkeys(refused)))
            return judge

        return register

    def breaks(
        self,
        code: str,
        *,
        impossible: Callable[[Bounds], str | None] | None = None,
        adjust: Callable[[Bounds], Bounds] | None = None,
    ) -> Callable[[Apply], Apply]:
        """Register the decorated function as a recipe that breaks rule ``code`` (see
        :mod:`reliefkit.rules.recipes`); a rule may have several, and ``violating`` draws
        among those possible on its ``as_of``."""

        def register(apply: Apply) -> Apply:
            rule = self.rules.get(code)
            if rule is None:
                raise ValueError(f"code={code!r}: no such rule in pack {self.name!r}")
            recipe = Recipe(code, apply)
            if impossible is not None:
                recipe = attrs.evolve(recipe, impossible=impossible)
            if adjust is not None:
                recipe = attrs.evolve(recipe, adjust=adjust)
            self.rules[code] = attrs.evolve(rule, recipes=(*rule.recipes, recipe))
            return apply

        return register

    def sql(self, code: str, statement: str) -> None:
        """Give rule ``code`` its statement for the columnar engine.

        The statement is a ``SELECT`` in a portable subset of SQL returning one row per
        subject in the rule's reach (its scope's subjects that ``where`` keeps):
        ``campaign_id``, ``subject_id`` (the scope's key) and ``flagged`` (whether the judge
        reports it). It reads the tables by their names (each with a ``campaign_id``
        column), ``params`` (one row per campaign: ``as_of``, ``year``, the campaign's
        dates, the pack's scalar parameters and what :meth:`derive` adds), ``param_items``
        (``campaign_id, name, pos, part, item`` for list parameters: the item at ``pos`` in
        the list's order — a set's sorted — and, for a list of tuples, its ``part``-th
        element), ``param_map`` (``campaign_id, name, key, value`` for mapping parameters,
        as text), ``param_eras`` (``campaign_id, name, since, until, key, value``: each era
        of each parameter, what :meth:`param_on` reads; one open era for an override; a row
        per item of a list, per key of a mapping), ``rule_eras`` (``code, since, until``:
        each rule's era, for a rule judging dated acts), ``known_codes`` (``code``: every
        code the registry knows), the id-list links ``<table>__<column>`` (``campaign_id,
        id, item``) and the pack's views (see :meth:`view`).
        The engine finds the flagged subjects with it and has the judge word them.
        """
        rule = self.rules.get(code)
        if rule is None:
            raise ValueError(f"code={code!r}: no such rule in pack {self.name!r}")
        self.rules[code] = attrs.evolve(rule, sql=statement)

    def view(self, name: str, statement: str) -> None:
        """Declare a view the pack's statements share (unit resolution, the ledger)."""
        self.views[name] = statement

    def derive(
        self, compute: Callable[[Context], Mapping[str, Any]]
    ) -> Callable[[Context], Mapping[str, Any]]:
        """Declare values the pack's statements read from ``params`` beyond the parameters
        themselves, worked out per campaign by the pack's own functions (the ceremony
        deadline, due days), so that no date is written into a statement. Usable as a
        decorator; a pack may declare several (their names must differ)."""
        self.sql_params.append(compute)
        return compute

    def first_day(self, campaign: Campaign) -> pendulum.Date:
        """The campaign's first day inside the pack's range (parameters are read on it)."""
        start = self.in_force.starts_on
        return campaign.starts_on if start is None or campaign.starts_on >= start else start

    def year_for(self, campaign: Campaign, month_day: str = "10-17") -> int:
        """The year of the first ``month_day`` inside both the campaign and the pack's range
        (normally the campaign's year)."""
        first = self.first_day(campaign)
        month, day = (int(x) for x in month_day.split("-"))
        for year in range(first.year, campaign.ends_on.year + 1):
            try:
                date = pendulum.Date(year, month, day)
            except ValueError:
                continue
            if first <= date <= campaign.ends_on:
                return year
        return campaign.year

    def param_on(self, ctx: Context, name: str, day: pendulum.Date) -> Any:
        """A parameter's value for an act of ``day``: the caller's override when there is
        one, else the era in force on ``day`` (``ctx.param`` gives the campaign's first
        day's). An override equal to the first day's value cannot be told apart from it
        and is read as no override."""
        parameter = self.parameters[name]
        current = ctx.params[name]
        if current != parameter.value_from(self.first_day(ctx.campaign)):
            return current
        try:
            return parameter.value_on(day)
        except ParameterError:
            return current

    def applies_to(self, campaign: Campaign) -> bool:
        """Whether the pack was in force at some point during the campaign."""
        return self.in_force.overlaps(DateRange(campaign.starts_on, campaign.ends_on))

    def resolve_params(
        self, campaign: Campaign, overrides: Mapping[str, Any] | None
    ) -> dict[str, Any]:
        """Parameter values in force for ``campaign``, with ``overrides`` applied."""
        first = self.first_day(campaign)
        values = {n: p.value_from(first) for n, p in self.parameters.items()}
        for name, value in (overrides or {}).items():
            if name in values:
                expected = type(values[name])
                if isinstance(values[name], frozenset) and isinstance(value, list | tuple | set):
                    value = frozenset(value)
                elif isinstance(values[name], frozenset) and isinstance(value, str):
                    # A string of names is those names, as select="CP101,CP102" is those codes.
                    value = frozenset(value.replace(",", " ").split())
                if not isinstance(value, expected):
                    raise ParameterError(
                        f"params[{name!r}]={value!r}: expected {expected.__name__} like "
                        f"{values[name]!r}, not {type(value).__name__}"
                    )
                self.parameters[name].validate(value)
                values[name] = value
        return values

    def __iter__(self) -> Iterator[Rule]:
        return iter(sorted(self.rules.values(), key=lambda r: r.code))


def _dated_where(where: Where | None, dated: Dated, era: DateRange) -> Where:
    """``where`` narrowed to the subjects whose act falls within the rule's era."""

    def in_era(ctx: Context, subject: Any) -> bool:
        day = dated(subject)
        if day is not None and day not in era:
            return False
        return where is None or where(ctx, subject)

    return in_era


def _dated_judge(judge: Judge, dated: Dated) -> Judge:
    """``judge`` whose violations carry the date of the act (unless the judge set one)."""

    def judge_dated(ctx: Context, subject: Any) -> Iterator[Violation]:
        day = dated(subject)
        for violation in judge(ctx, subject):
            yield violation if violation.on is not None else attrs.evolve(violation, on=day)

    return functools.wraps(judge)(judge_dated)


def as_date(value: object) -> pendulum.Date:
    """``as_of`` given as a string, a date or a pendulum Date."""
    return to_date(value)
