"""Plain and rich text renderings of a report.

Every value printed (ids, messages, reasons, errors) passes through
:func:`reliefkit._privacy.printable`: personal data masked, control and escape characters
replaced, one line per value — nothing in the data can drive the terminal or fake a line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reliefkit._privacy import printable
from reliefkit.rules import Severity

if TYPE_CHECKING:
    from reliefkit.report._report import Report

_LABELS = {
    "en": {
        "title": "reliefkit check of {campaign} as of {as_of}",
        "summary": "{errors} error(s), {warnings} warning(s), {infos} info, {waived} waived",
        "none": "No findings.",
        "remedy": "fix",
        "cites": "cites",
        "rule_error": "rule {code} raised: {error}",
        "waived": "waived",
    },
    "zh": {
        "title": "reliefkit 检查：{campaign}（截至 {as_of}）",
        "summary": "错误 {errors} 项，警告 {warnings} 项，提示 {infos} 项，豁免 {waived} 项",
        "none": "未发现问题。",
        "remedy": "整改",
        "cites": "依据",
        "rule_error": "规则 {code} 运行出错：{error}",
        "waived": "已豁免",
    },
}
_SEVERITY_ZH = {Severity.ERROR: "错误", Severity.WARNING: "警告", Severity.INFO: "提示"}


def labels(lang: str) -> dict[str, str]:
    """The fixed words of the text report in ``en`` or ``zh``."""
    return _LABELS["zh" if lang == "zh" else "en"]


def severity_label(severity: Severity, lang: str) -> str:
    """``error`` or ``错误``."""
    return _SEVERITY_ZH[severity] if lang == "zh" else severity.value


def render_text(report: Report, *, lang: str = "en") -> str:
    """Every finding with its code, subjects, message, citation and remedy."""
    words = labels(lang)
    p = printable
    lines = [
        words["title"].format(campaign=p(report.campaign_id), as_of=report.as_of.isoformat()),
        words["summary"].format(
            errors=len(report.errors),
            warnings=len(report.warnings),
            infos=len(report.infos),
            waived=len(report.waived),
        ),
        "",
    ]
    if not report.findings:
        lines.append(words["none"])
    for f in report.findings:
        remedy = f.remedy_zh if lang == "zh" else f.remedy
        lines.append(f"{p(f.code)} [{severity_label(f.severity, lang)}] {p(', '.join(f.subjects))}")
        lines.append(f"    {p(f.localized_message(lang))}")
        lines.append(f"    {words['cites']}: {p('; '.join(str(c) for c in f.citations))}")
        lines.append(f"    {words['remedy']}: {p(remedy)}")
    for w in report.waived:
        lines.append(
            f"{p(w.finding.code)} [{words['waived']}] {p(', '.join(w.finding.subjects))}"
            f" — {w.reason} (until {w.waiver.until.isoformat()})"
        )
    for code, error in sorted(report.rule_errors.items()):
        lines.append(words["rule_error"].format(code=p(code), error=p(error)))
    return "\n".join(lines) + "\n"
