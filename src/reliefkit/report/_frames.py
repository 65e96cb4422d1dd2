"""A report's findings as a DataFrame (pandas or polars, imported only inside the function).

One row per finding, then one per waived finding (``waived`` is ``True``). Columns, in
order (Chinese labels with ``lang="zh"``):

=========== ======== ===================================================================
column      zh       value
=========== ======== ===================================================================
code        代码     the rule code (``CP109``)
severity    级别     ``error``, ``warning`` or ``info`` (same tokens in both languages)
rule        规则     the rule's name (``poor-village-without-work-team``)
subject     对象     the main subject (first id)
subjects    涉及对象 every subject id, ``;``-joined
message     问题     the message in ``lang``
citations   依据     the clauses cited, ``;``-joined (``county-plan §二(四)``)
remedy      整改     the fix, in ``lang``
evidence    证据     the evidence as a JSON object (money and dates as strings)
waived      已豁免   whether a valid waiver exempts the finding (bool)
=========== ======== ===================================================================

Every text cell passes the personal-data boundary (:func:`reliefkit._privacy.safe`).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from reliefkit._privacy import safe
from reliefkit.exceptions import InvalidValueError

if TYPE_CHECKING:
    from reliefkit.report._report import Report
    from reliefkit.rules import Finding

__all__ = ["COLUMNS", "COLUMNS_ZH", "check_lang", "finding_row", "report_frame", "report_rows"]

COLUMNS: tuple[str, ...] = (
    "code",
    "severity",
    "rule",
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


def check_lang(lang: str) -> str:
    """Return ``lang`` when it is ``en`` or ``zh``; raise ``InvalidValueError`` otherwise."""
    if lang not in ("en", "zh"):
        raise InvalidValueError(f"lang={lang!r}: expected 'en' or 'zh'")
    return lang


def finding_row(finding: Finding, *, lang: str = "en", waived: bool = False) -> dict[str, Any]:
    """One finding as a row keyed by the English column names (personal data made safe)."""
    remedy = finding.remedy_zh if lang == "zh" and finding.remedy_zh else finding.remedy
    return {
        "code": safe(finding.code),
        "severity": finding.severity.value,
        "rule": safe(finding.name),
        "subject": safe(finding.subject),
        "subjects": safe(";".join(finding.subjects)),
        "message": safe(finding.localized_message(lang)),
        "citations": safe("; ".join(str(c) for c in finding.citations)),
        "remedy": safe(remedy),
        # to_dict has made the evidence safe already.
        "evidence": json.dumps(finding.to_dict()["evidence"], ensure_ascii=False, sort_keys=True),
        "waived": waived,
    }


def report_rows(report: Report, *, lang: str = "en") -> list[dict[str, Any]]:
    """The findings, then the waived findings, as rows keyed by the English column names."""
    check_lang(lang)
    rows = [finding_row(f, lang=lang) for f in report.findings]
    rows += [finding_row(w.finding, lang=lang, waived=True) for w in report.waived]
    return rows


def report_frame(report: Report, *, backend: str = "pandas", lang: str = "en") -> Any:
    """The report's findings as a ``pandas`` or ``polars`` DataFrame, one row per finding.

    Waived findings are rows too, with ``waived`` true. ``lang="zh"`` gives Chinese column
    labels, messages and remedies. Raises ``ImportError`` naming the ``frames`` extra when the
    backend is not installed.
    """
    if backend not in _BACKENDS:
        raise InvalidValueError(f"backend={backend!r}: expected 'pandas' or 'polars'")
    rows = report_rows(report, lang=lang)
    labels = [COLUMNS_ZH[c] if lang == "zh" else c for c in COLUMNS]
    columns = {label: [row[c] for row in rows] for label, c in zip(labels, COLUMNS, strict=True)}
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
        # An empty report still gets a boolean ``waived`` column.
        return pd.DataFrame(columns, columns=labels).astype({labels[-1]: "bool"})
    schema = {label: (pl.Boolean if label == labels[-1] else pl.Utf8) for label in labels}
    return pl.DataFrame(columns, schema=schema)
