"""A report's findings as a DataFrame (pandas or polars, imported only inside the function).

One row per finding, then one per waived finding (``waived`` is ``True``). Columns, in
order (Chinese labels with ``lang="zh"``); the types are pandas' (polars' in brackets):

=========== ======== ======================== ============================================
column      zh       type                     value
=========== ======== ======================== ============================================
code        代码     str                      the rule code (``CP109``)
severity    级别     str                      error/warning/info; 错误/警告/提示 (zh)
rule        规则     str                      the rule's name (``late-ceremony``)
township    乡镇     str or missing           the township of the main subject (its id)
subject     对象     str                      the main subject (first id)
subjects    涉及对象 list of str [List(Utf8)] every subject id, main subject first
message     问题     str                      the message in ``lang``
citations   依据     list of str [List(Utf8)] the clauses cited (``county-plan §二(四)``)
remedy      整改     str                      the fix, in ``lang``
evidence    证据     dict [Object]            money as ``Decimal``, dates as
                                              ``datetime.date``, lists as lists
waived      已豁免   bool [Boolean]           whether a valid waiver exempts the finding
=========== ======== ======================== ============================================

The township comes from the dataset the report was checked against (``check`` keeps it in
the report's context) or the ``dataset`` passed; without one the column is empty. Every text
cell, list item and evidence text passes the personal-data boundary
(:func:`reliefkit._privacy.safe`).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from reliefkit._privacy import safe, safe_in
from reliefkit._words import word
from reliefkit.exceptions import InvalidValueError
from reliefkit.report._coverage import dataset_of, township_of

if TYPE_CHECKING:
    from reliefkit.models import Dataset
    from reliefkit.report._report import Report
    from reliefkit.rules import Finding

__all__ = [
    "COLUMNS",
    "COLUMNS_ZH",
    "check_lang",
    "evidence_values",
    "finding_row",
    "report_frame",
    "report_rows",
]

COLUMNS: tuple[str, ...] = (
    "code",
    "severity",
    "rule",
    "township",
    "subject",
    "subjects",
    "message",
    "citations",
    "remedy",
    "evidence",
    "waived",
)
"""The frame's columns, in order."""

COLUMNS_ZH: dict[str, str] = {
    "code": "代码",
    "severity": "级别",
    "rule": "规则",
    "township": "乡镇",
    "subject": "对象",
    "subjects": "涉及对象",
    "message": "问题",
    "citations": "依据",
    "remedy": "整改",
    "evidence": "证据",
    "waived": "已豁免",
}
"""Chinese labels of the columns (``lang="zh"``)."""

_BACKENDS = ("pandas", "polars")
_LISTS = ("subjects", "citations")


def check_lang(lang: str) -> str:
    """Return ``lang`` when it is ``en`` or ``zh``; raise ``InvalidValueError`` otherwise."""
    if lang not in ("en", "zh"):
        raise InvalidValueError(f"lang={lang!r}: expected 'en' or 'zh'")
    return lang


def _plain(value: Any) -> Any:
    """An evidence value as plain Python for analysis: money as ``Decimal`` (yuan), dates as
    ``datetime.date``, tuples and sets as lists, mappings as dicts."""
    if isinstance(value, str | bool | int | Decimal) or value is None:
        return value
    if hasattr(value, "yuan"):
        return value.yuan
    if isinstance(value, datetime.datetime):
        return value
    if isinstance(value, datetime.date):
        return datetime.date(value.year, value.month, value.day)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, set | frozenset):
        return [_plain(v) for v in sorted(value)]
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return str(value)


def evidence_values(finding: Finding) -> dict[str, Any]:
    """A finding's evidence with typed values (:func:`_plain`), personal data made safe."""
    out: dict[str, Any] = safe_in({str(k): _plain(v) for k, v in finding.evidence.items()})
    return out


def finding_row(
    finding: Finding,
    *,
    lang: str = "en",
    waived: bool = False,
    dataset: Dataset | None = None,
) -> dict[str, Any]:
    """One finding as a row keyed by the English column names (personal data made safe)."""
    remedy = finding.remedy_zh if lang == "zh" and finding.remedy_zh else finding.remedy
    township = township_of(dataset, finding.subject) if dataset is not None else None
    return {
        "code": safe(finding.code),
        "severity": word(finding.severity, lang),
        "rule": safe(finding.name),
        "township": None if township is None else safe(township),
        "subject": safe(finding.subject),
        "subjects": [safe(s) for s in finding.subjects],
        "message": safe(finding.localized_message(lang)),
        "citations": [safe(str(c)) for c in finding.citations],
        "remedy": safe(remedy),
        "evidence": evidence_values(finding),
        "waived": waived,
    }


def report_rows(
    report: Report, *, lang: str = "en", dataset: Dataset | None = None
) -> list[dict[str, Any]]:
    """The findings, then the waived findings, as rows keyed by the English column names."""
    check_lang(lang)
    data = dataset_of(report, dataset)
    rows = [finding_row(f, lang=lang, dataset=data) for f in report.findings]
    rows += [finding_row(w.finding, lang=lang, waived=True, dataset=data) for w in report.waived]
    return rows


def report_frame(
    report: Report, *, backend: str = "pandas", lang: str = "en", dataset: Dataset | None = None
) -> Any:
    """The report's findings as a ``pandas`` or ``polars`` DataFrame, one row per finding.

    Waived findings are rows too, with ``waived`` true. ``lang="zh"`` gives Chinese column
    labels, severities, messages and remedies. Raises ``ImportError`` naming the ``frames``
    extra when the backend is not installed.
    """
    if backend not in _BACKENDS:
        raise InvalidValueError(f"backend={backend!r}: expected 'pandas' or 'polars'")
    rows = report_rows(report, lang=lang, dataset=dataset)
    labels = {c: COLUMNS_ZH[c] if lang == "zh" else c for c in COLUMNS}
    try:
        if backend == "pandas":
            import pandas as pd
        else:
            import polars as pl
    except ImportError as exc:
        raise ImportError(
            f"report.to_frame(backend={backend!r}) needs {backend}: pip install 'reliefkit[frames]'"
        ) from exc
    if backend == "pandas":
        series = {}
        for c in COLUMNS:
            values = [row[c] for row in rows]
            if c == "waived":
                series[labels[c]] = pd.Series(values, dtype="bool")
            elif c in (*_LISTS, "evidence"):
                # Lists and dicts stay Python objects (pandas would otherwise guess).
                series[labels[c]] = pd.Series(values, dtype="object")
            elif c == "township":
                # pandas' own string type, a missing township missing (NaN, or None before 3).
                series[labels[c]] = pd.Series(values)
            else:
                series[labels[c]] = pd.Series(values, dtype="str")
        return pd.DataFrame(series, columns=list(labels.values()))
    types = {
        c: pl.Boolean
        if c == "waived"
        else pl.List(pl.Utf8)
        if c in _LISTS
        else pl.Object
        if c == "evidence"
        else pl.Utf8
        for c in COLUMNS
    }
    return pl.DataFrame(
        [pl.Series(labels[c], [row[c] for row in rows], dtype=types[c]) for c in COLUMNS]
    )
