"""``CampaignsReport``: what ``check`` returns for many campaigns — each campaign's
:class:`Report`, and the totals across them. Pure data plus renderers (text, JSON, frames),
each making personal data safe as it renders, like ``Report``'s.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Any

import attrs
import pendulum

from reliefkit._privacy import printable, safe, safe_in
from reliefkit.models import Dataset
from reliefkit.report._coverage import township_of
from reliefkit.report._report import Outcome, Report, Tally
from reliefkit.report._text import (
    DEFAULT_WIDTH,
    Line,
    _severity_counts,
    count,
    report_lines,
    wrap,
)
from reliefkit.rules import Finding

SCHEMA = "reliefkit.campaigns-report.v1"

# Across campaigns a rule's outcome is its worst: error, then fail, then pass.
_WORST = (Outcome.ERROR, Outcome.FAIL, Outcome.PASS, Outcome.NOT_APPLICABLE)

_WORDS = {
    "en": {
        "title": "reliefkit check of {n} campaigns as of {as_of}",
        "line": "{campaign}: {findings} ({counts}); {waived} waived",
        "raised": "; {n} rule(s) raised an error",
        "total": "total: {findings} ({counts}); {waived} waived",
        "outcomes": (
            "rules across campaigns: {passed} passed, {failed} failed, {na} not applicable "
            "(a rule failed if it failed in one campaign)"
        ),
    },
    "zh": {
        "title": "reliefkit 检查：{n} 个活动（截至 {as_of}）",
        "line": "{campaign}：共 {findings}（{counts}）；已豁免 {waived} 项",
        "raised": "；{n} 条规则运行出错",
        "total": "合计：共 {findings}（{counts}）；已豁免 {waived} 项",
        "outcomes": (
            "各活动合计的规则：通过 {passed} 条，未通过 {failed} 条，不适用 {na} 条"
            "（在任一活动中未通过即为未通过）"
        ),
    },
}


def _frozen(value: Mapping[str, Report]) -> Mapping[str, Report]:
    return MappingProxyType(dict(value))


def _without_dataset(report: Report) -> Report:
    """``report`` keeping, of its dataset, only the township of each subject it names (what
    :meth:`CampaignsReport.to_frame` shows), so that the dataset can be let go."""
    dataset = report.context.get("dataset")
    if not isinstance(dataset, Dataset):
        return report
    subjects = {f.subject for f in report.findings} | {w.finding.subject for w in report.waived}
    townships = {s: township_of(dataset, s) for s in subjects}
    return attrs.evolve(report, context={"townships": townships})


@attrs.frozen(repr=False)
class CampaignsReport(Tally):
    """The result of ``check`` for :class:`~reliefkit.Campaigns`: ``reports`` maps each
    campaign id to its :class:`Report` (in campaign-id order), and the totals are across
    them. Mirrors ``Report``: ``findings``, ``errors``, ``warnings``, ``infos``, ``ok``,
    ``exit_code``, ``by_code()``, ``outcomes``, ``to_dict()``/``to_json()``, ``to_text()``,
    ``to_frame()``."""

    as_of: pendulum.Date
    reports: Mapping[str, Report] = attrs.field(converter=_frozen)

    @classmethod
    def collect(
        cls, reports: Iterable[tuple[str, Report]], *, as_of: pendulum.Date, keep_datasets: bool
    ) -> CampaignsReport:
        """The report of ``(campaign id, report)`` pairs, taken one at a time. Without
        ``keep_datasets`` each report lets its dataset go (a lazily loaded source), keeping
        only its subjects' townships."""
        kept = {
            key: report if keep_datasets else _without_dataset(report) for key, report in reports
        }
        return cls(as_of, dict(sorted(kept.items())))

    @property
    def findings(self) -> tuple[Finding, ...]:
        """Every finding: by campaign, then in each report's order."""
        return tuple(f for report in self.reports.values() for f in report.findings)

    @property
    def rule_errors(self) -> Mapping[str, Mapping[str, str]]:
        """Per campaign that had any, the rules that raised (code → error)."""
        return {key: r.rule_errors for key, r in self.reports.items() if r.rule_errors}

    @property
    def ok(self) -> bool:
        """No error-severity finding and no rule that raised, in any campaign."""
        return all(report.ok for report in self.reports.values())

    @property
    def outcomes(self) -> dict[str, Outcome]:
        """Each rule's outcome across campaigns: error if it raised in one, else fail if it
        failed in one, else pass if it passed in one, else not applicable."""
        found: dict[str, set[Outcome]] = {}
        for report in self.reports.values():
            for code, outcome in report.outcomes.items():
                found.setdefault(code, set()).add(outcome)
        return {code: next(o for o in _WORST if o in seen) for code, seen in sorted(found.items())}

    def _total(self) -> dict[str, Any]:
        severities = Counter(f.severity.value for f in self.findings)
        return {
            "campaigns": len(self.reports),
            "findings": len(self.findings),
            "errors": severities["error"],
            "warnings": severities["warning"],
            "infos": severities["info"],
            "waived": sum(len(r.waived) for r in self.reports.values()),
            "by_code": self.by_code(),
            "outcomes": {code: o.value for code, o in self.outcomes.items()},
            "rule_errors": {key: dict(sorted(e.items())) for key, e in self.rule_errors.items()},
            "ok": self.ok,
        }

    def to_dict(self) -> dict[str, Any]:
        """``{"schema", "as_of", "campaigns": {id: the campaign's report.v1 object}, "total":
        {...}}`` (personal data made safe)."""
        return {
            "schema": SCHEMA,
            "as_of": self.as_of.isoformat(),
            "campaigns": {safe(key): r.to_dict() for key, r in self.reports.items()},
            "total": safe_in(self._total()),
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        """The report as JSON text (:meth:`to_dict`)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    def to_text(
        self,
        *,
        lang: str = "en",
        width: int = DEFAULT_WIDTH,
        remarks: Mapping[str, Sequence[str]] | None = None,
    ) -> str:
        """A plain-text rendering: a line per campaign, the totals, then each campaign's
        report (what ``reliefkit check`` prints for many campaigns, without colour)."""
        lines = campaigns_lines(self, lang=lang, width=width, remarks=remarks)
        return "\n".join(line.text for line in lines) + "\n"

    def to_frame(self, *, backend: str = "pandas", lang: str = "en") -> Any:
        """Every campaign's findings as one DataFrame: a ``campaign_id`` column (``活动``
        with ``lang="zh"``) before the columns of ``Report.to_frame``."""
        from reliefkit.report._frames import report_frame

        frames = []
        for key, report in self.reports.items():
            frame = report_frame(report, backend=backend, lang=lang)
            townships = report.context.get("townships")
            frames.append((key, frame, townships))
        return _joined(frames, backend=backend, lang=lang, empty=self._empty_frame)

    def _empty_frame(self, backend: str, lang: str) -> Any:
        from reliefkit.report._frames import report_frame

        nothing = Report(as_of=self.as_of, campaign_id="", findings=())
        return report_frame(nothing, backend=backend, lang=lang)

    def __str__(self) -> str:
        """A short summary: a line per campaign and the totals (the whole report is
        :meth:`to_text`)."""
        return "\n".join(line.text for line in _summary(self, "en", 10_000))

    def __repr__(self) -> str:
        total = self._total()
        return (
            f"<CampaignsReport as of {self.as_of.isoformat()}: {total['campaigns']} campaigns, "
            f"{total['findings']} findings ({total['errors']} errors), ok={self.ok}>"
        )


def _joined(
    frames: list[tuple[str, Any, Mapping[str, str | None] | None]],
    *,
    backend: str,
    lang: str,
    empty: Any,
) -> Any:
    """The campaigns' frames as one, each with its campaign id first (and, for a report
    that let its dataset go, its townships filled in from what it kept)."""
    column = "活动" if lang == "zh" else "campaign_id"
    township = "乡镇" if lang == "zh" else "township"
    subject = "对象" if lang == "zh" else "subject"
    parts = []
    if backend == "polars":
        import polars as pl

        for key, frame, townships in frames:
            if townships is not None:
                filled = [townships.get(s) for s in frame[subject].to_list()]
                frame = frame.with_columns(pl.Series(township, filled, dtype=pl.Utf8))
            parts.append(frame.insert_column(0, pl.Series(column, [safe(key)] * frame.height)))
        if not parts:
            frame = empty(backend, lang)
            return frame.insert_column(0, pl.Series(column, [], dtype=pl.Utf8))
        return pl.concat(parts)
    import pandas as pd

    for key, frame, townships in frames:
        if townships is not None:
            frame[township] = pd.Series([townships.get(s) for s in frame[subject]])
        frame.insert(0, column, pd.Series([safe(key)] * len(frame), dtype="str"))
        parts.append(frame)
    if not parts:
        frame = empty(backend, lang)
        frame.insert(0, column, pd.Series([], dtype="str"))
        return frame
    return pd.concat(parts, ignore_index=True)


def _summary(report: CampaignsReport, lang: str, width: int) -> list[Line]:
    """The title, a line per campaign and the totals."""
    words = _WORDS["zh" if lang == "zh" else "en"]
    out: list[Line] = []

    def add(text: str, style: str = "", indent: str = "") -> None:
        out.extend(Line(t, style) for t in wrap(text, width, indent=indent, hang=indent + "  "))

    title = words["title"].format(n=len(report.reports), as_of=report.as_of.isoformat())
    add(title, "title")
    for key, one in report.reports.items():
        line = words["line"].format(
            campaign=printable(key),
            findings=count(len(one.findings), "finding", lang),
            counts=_severity_counts(one.findings, lang),
            waived=len(one.waived),
        )
        if one.rule_errors:
            line += words["raised"].format(n=len(one.rule_errors))
        add(line, "" if one.ok else "error", indent="  ")
    findings = report.findings
    add(
        words["total"].format(
            findings=count(len(findings), "finding", lang),
            counts=_severity_counts(findings, lang),
            waived=sum(len(r.waived) for r in report.reports.values()),
        ),
        "title",
    )
    outcomes = list(report.outcomes.values())
    if outcomes:
        add(
            words["outcomes"].format(
                passed=outcomes.count(Outcome.PASS),
                failed=outcomes.count(Outcome.FAIL),
                na=outcomes.count(Outcome.NOT_APPLICABLE),
            ),
            "dim",
        )
    return out


def campaigns_lines(
    report: CampaignsReport,
    *,
    lang: str = "en",
    width: int = DEFAULT_WIDTH,
    remarks: Mapping[str, Sequence[str]] | None = None,
) -> list[Line]:
    """The text report of many campaigns as styled lines: the summary, then each campaign's
    report (as for one campaign), with its ``remarks`` (the CLI's: ``as_of`` before it)."""
    out = _summary(report, lang, width)
    for key, one in report.reports.items():
        out += [Line(""), Line("=" * min(width, 40), "dim")]
        out += report_lines(one, lang=lang, width=width, remarks=(remarks or {}).get(key, ()))
    return out
