"""``Report`` and ``Decision``: what ``check`` and ``admit`` return. Pure data plus renderers.

They hold what the rules and the records say; every rendering (``to_dict``, ``to_json``, text,
HTML, frames, plots, reprs) makes personal data safe as it renders (:mod:`reliefkit._privacy`).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import Any, Protocol

import attrs
import pendulum

from reliefkit._privacy import masked_repr, printable, safe, safe_in
from reliefkit.models import Waiver
from reliefkit.rules import Finding, Kind, Severity

SCHEMA = "reliefkit.report.v1"


class Outcome(StrEnum):
    """What happened to one rule in a check."""

    PASS = "pass"
    FAIL = "fail"
    NOT_APPLICABLE = "not_applicable"
    ERROR = "error"


@attrs.frozen
class Waived:
    """A finding exempted by a valid waiver."""

    finding: Finding
    waiver: Waiver

    @property
    def reason(self) -> str:
        """The waiver's reason as printed reports show it (personal data masked, control
        characters replaced, on one line)."""
        return printable(self.waiver.reason or "")

    def to_dict(self) -> dict[str, Any]:
        """The finding's JSON form with its ``waiver`` (personal data made safe)."""
        waiver: dict[str, Any] = safe_in(
            {
                "code": self.waiver.code,
                "subject_id": self.waiver.subject_id,
                "reason": self.waiver.reason or None,
                "granted_by": self.waiver.granted_by,
                "until": self.waiver.until.isoformat(),
            }
        )
        return {**self.finding.to_dict(), "waiver": waiver}


class _Findings(Protocol):
    @property
    def findings(self) -> tuple[Finding, ...]: ...

    @property
    def ok(self) -> bool: ...


class Tally:
    """What a report (of one campaign or of many) says of its ``findings``: by severity,
    by code, and the exit code its ``ok`` gives."""

    __slots__ = ()

    @property
    def errors(self: _Findings) -> tuple[Finding, ...]:
        """Findings of severity error."""
        return tuple(f for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warnings(self: _Findings) -> tuple[Finding, ...]:
        """Findings of severity warning."""
        return tuple(f for f in self.findings if f.severity is Severity.WARNING)

    @property
    def infos(self: _Findings) -> tuple[Finding, ...]:
        """Findings of severity info."""
        return tuple(f for f in self.findings if f.severity is Severity.INFO)

    @property
    def exit_code(self: _Findings) -> int:
        """0 when ``ok``, else 1 (the CLI uses 2 for bad input)."""
        return 0 if self.ok else 1

    def by_code(self: _Findings) -> dict[str, int]:
        """How many findings each code has."""
        return dict(sorted(Counter(f.code for f in self.findings).items()))


@attrs.frozen
class Report(Tally):
    """The result of ``check``: sorted findings, waived findings and each rule's outcome."""

    as_of: pendulum.Date
    campaign_id: str = attrs.field(repr=masked_repr)
    findings: tuple[Finding, ...] = attrs.field(repr=masked_repr)
    waived: tuple[Waived, ...] = attrs.field(default=(), repr=masked_repr)
    outcomes: Mapping[str, Outcome] = attrs.field(factory=dict)
    rule_errors: Mapping[str, str] = attrs.field(factory=dict, repr=masked_repr)
    packs: tuple[str, ...] = ()
    context: Mapping[str, Any] = attrs.field(factory=dict, eq=False, repr=False)

    @property
    def ok(self) -> bool:
        """No error-severity finding and no rule that raised."""
        return not self.errors and not self.rule_errors

    def to_dict(self) -> dict[str, Any]:
        """The ``reliefkit.report.v1`` JSON object (personal data made safe)."""
        return {
            "schema": SCHEMA,
            "as_of": self.as_of.isoformat(),
            "campaign": safe(self.campaign_id),
            "packs": safe_in(list(self.packs)),
            "findings": [f.to_dict() for f in self.findings],
            "waived": [w.to_dict() for w in self.waived],
            "outcomes": safe_in({code: o.value for code, o in sorted(self.outcomes.items())}),
            "rule_errors": safe_in(dict(sorted(self.rule_errors.items()))),
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        """The report as ``reliefkit.report.v1`` JSON text."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    def to_text(self, *, lang: str = "en") -> str:
        """A plain-text rendering (what ``reliefkit check`` prints without colour)."""
        from reliefkit.report._text import render_text

        return render_text(self, lang=lang)

    def to_frame(self, *, backend: str = "pandas", lang: str = "en") -> Any:
        """The findings as a DataFrame (``pandas`` or ``polars``); see docs for the columns."""
        from reliefkit.report._frames import report_frame

        return report_frame(self, backend=backend, lang=lang)

    def to_html(self, *, lang: str = "en", dataset: Any = None, plots: bool = True) -> str:
        """One self-contained HTML page; pass the ``dataset`` for balances and coverage."""
        from reliefkit.report._html import report_page

        return str(report_page(self, lang=lang, dataset=dataset, plots=plots))

    def plot(self, kind: str = "findings", *, dataset: Any = None, lang: str = "en") -> Any:
        """A matplotlib figure (needs ``reliefkit[plot]``): ``findings`` by township and rule,
        ``money`` raised vs disbursed by purpose, or ``coverage`` by township (the last two
        need the ``dataset``)."""
        from reliefkit.report._plots import plot

        return plot(self, kind, dataset=dataset, lang=lang)

    def __str__(self) -> str:
        """A short summary: campaign, ``as_of``, counts by severity and the top rules (the
        whole report is :meth:`to_text`)."""
        from reliefkit.report._text import report_summary

        return report_summary(self)

    def _repr_html_(self) -> str:
        from reliefkit.report._html import report_html

        return str(report_html(self))


@attrs.frozen
class Obligation:
    """A finding that something is still lacking: by when (``due``, if the rule has a due
    day) and what would meet it (the rule's remedy)."""

    finding: Finding
    due: pendulum.Date | None
    meets: str


Gone = tuple[tuple[Finding, ...], tuple[Finding, ...]]


@attrs.frozen
class Decision:
    """The answer of ``admit``: would recording the record(s) break a rule?"""

    allowed: bool
    findings: tuple[Finding, ...] = attrs.field(repr=masked_repr)
    consulted: tuple[str, ...]
    waived: tuple[Waived, ...] = attrs.field(default=(), repr=masked_repr)
    rule_errors: Mapping[str, str] = attrs.field(factory=dict, repr=masked_repr)
    refusals: tuple[Finding, ...] = attrs.field(default=(), repr=masked_repr)
    hints: tuple[str, ...] = attrs.field(default=(), repr=masked_repr)
    # (resolved, superseded), or how to work them out: what a change takes away is only
    # judged when it is read, so a plain "may I?" costs no more than it must.
    gone: Gone | Callable[[], Gone] = attrs.field(default=((), ()), eq=False, repr=False)

    def _gone(self) -> Gone:
        gone = self.gone
        if callable(gone):
            gone = gone()
            object.__setattr__(self, "gone", gone)
        return gone

    @property
    def resolved(self) -> tuple[Finding, ...]:
        """Findings of the dataset that the change fixes."""
        return self._gone()[0]

    @property
    def superseded(self) -> tuple[Finding, ...]:
        """Findings of the dataset now reported by a rule they defer to."""
        return self._gone()[1]

    @property
    def obligations(self) -> tuple[Obligation, ...]:
        """The new findings that are obligations (something still lacking, which another
        record would supply): with their due date and what would meet them. They stay in
        ``findings`` and never refuse."""
        return tuple(
            Obligation(f, f.due, f.remedy) for f in self.findings if f.kind is Kind.OBLIGATION
        )

    def __bool__(self) -> bool:
        return self.allowed

    def __str__(self) -> str:
        """Allowed or refused, with the refusals, hints, obligations and other findings."""
        from reliefkit.report._text import decision_text

        return decision_text(self)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form (personal data made safe)."""
        return {
            "allowed": self.allowed,
            "findings": [f.to_dict() for f in self.findings],
            "waived": [w.to_dict() for w in self.waived],
            "consulted": safe_in(list(self.consulted)),
            "rule_errors": safe_in(dict(sorted(self.rule_errors.items()))),
            "refusals": [f.to_dict() for f in self.refusals],
            "hints": safe_in(list(self.hints)),
            "obligations": [
                safe_in(
                    {
                        "code": o.finding.code,
                        "subjects": list(o.finding.subjects),
                        "due": o.due.isoformat() if o.due else None,
                        "meets": o.meets,
                    }
                )
                for o in self.obligations
            ],
            "resolved": [f.to_dict() for f in self.resolved],
            "superseded": [f.to_dict() for f in self.superseded],
        }
