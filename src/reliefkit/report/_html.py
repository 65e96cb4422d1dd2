"""HTML renderings: notebook reprs (report, finding, rule, dataset) and the report page.

Everything goes through Jinja2 templates shipped in ``reliefkit/report/templates`` with
autoescaping on, so every value (messages, ids, names) is escaped, and through the
environment's ``finalize``, so every value printed passes the personal-data boundary
(:func:`reliefkit._privacy.printable`: resident-ID-shaped numbers masked, control characters
replaced). No person's name reaches a template: ids are shown with the names of places,
units, funds and projects (:func:`reliefkit.report._coverage.record_name`), never of people,
households or donors who are natural persons; the dataset repr shows counts.

Numbers are exact: counts as counted, shares rounded down with one decimal (a shortfall never
shows as 100%), money as ``¥3,860.00``; evidence is rendered in words (:func:`evidence_node`).

The page (:func:`report_page`) is one self-contained file: inline CSS, charts as base64 PNG
data URIs, no external URL, print styles for A4. Its sections carry the stable ids of
:data:`SECTION_IDS`.
"""

from __future__ import annotations

import base64
import datetime
import functools
import re
import warnings
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import jinja2
import markupsafe

from reliefkit._privacy import printable
from reliefkit._words import field_word, word
from reliefkit.exceptions import UnknownRuleError
from reliefkit.report._coverage import (
    NO_TOWNSHIP,
    coverage,
    dataset_of,
    findings_by_township,
    floor_percent,
    fund_balances,
    record_name,
    township_of,
)
from reliefkit.report._frames import check_lang
from reliefkit.rules import Finding, Rule, get_rule

if TYPE_CHECKING:
    from reliefkit.models import Dataset
    from reliefkit.report._report import Report

__all__ = [
    "SECTION_IDS",
    "dataset_html",
    "finding_html",
    "report_html",
    "report_page",
    "rule_html",
]

SECTION_IDS: tuple[str, ...] = (
    "summary",
    "by-rule",
    "by-township",
    "findings",
    "waived",
    "funds",
    "coverage",
    "plots",
)
"""The ``id`` of every section of the report page, in order; always present."""

REPR_LIMIT = 50
"""How many findings a notebook repr lists before it says how many more there are."""

_OUTCOME_ERROR = {"en": "error", "zh": "运行出错"}
"""An outcome's word when a rule raised (the severity ``error`` is another word in Chinese)."""

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Compliance report",
        "sep": ": ",
        "campaign": "Campaign",
        "county": "County",
        "period": "Period",
        "as_of": "As of",
        "packs": "Rule packs",
        "verdict_ok": "No error-severity finding.",
        "verdict_fail": "Error-severity findings or rule errors: action needed.",
        "summary": "Summary",
        "by-rule": "By rule",
        "by-township": "By township",
        "findings": "Findings",
        "waived": "Waived findings",
        "funds": "Fund balances",
        "coverage": "Coverage",
        "plots": "Charts",
        "errors": "Errors",
        "warnings": "Warnings",
        "infos": "Info",
        "rule_errors": "Rules that raised",
        "code": "Code",
        "rule": "Rule",
        "outcome": "Outcome",
        "count": "Findings",
        "waived_count": "Waived",
        "severity": "Severity",
        "subjects": "Subjects",
        "message": "Problem",
        "evidence": "Evidence",
        "citations": "Cites",
        "caveat": "Not verified: ",
        "remedy": "Fix",
        "reason": "Reason",
        "granted_by": "Granted by",
        "until": "Until",
        "township": "Township",
        "total": "Total",
        "no_township": "No township (funds, the campaign)",
        "codes": "Codes",
        "fund": "Fund",
        "holder": "Holder",
        "received": "Received",
        "disbursed": "Disbursed",
        "balance": "Balance",
        "poor_villages": "Poor villages",
        "with_team": "With a work team",
        "teams": "Work teams",
        "poor_households": "Registered poor households",
        "with_person": "With a responsible person",
        "share": "Share",
        "due": "due",
        "n/a": "n/a",
        "none": "None.",
        "no_findings": "No findings.",
        "no_waived": "No waived findings.",
        "needs_dataset": "Pass the dataset to the report (dataset=...) to see this section.",
        "no_funds": "No funds.",
        "no_townships": "No townships.",
        "by_township_note": (
            "Each finding is counted once, under the township of its main subject (the first "
            "id): a donation or solicitation under its drive's township."
        ),
        "share_note": "Shares are rounded down, so a shortfall never shows as 100%.",
        "plots_off": "Charts were not requested.",
        "plots_missing": "Charts need matplotlib: pip install 'reliefkit[plot]'.",
        "plots_font": (
            "No Chinese font is installed where this page was made, so the charts have English "
            "labels (install e.g. Noto Sans CJK SC: apt-get install fonts-noto-cjk)."
        ),
        "plot_findings": "Findings by township and rule",
        "plot_money": "Money raised and disbursed by purpose (log scale; flagged money in red)",
        "plot_coverage": "Coverage by township (n/a: nothing to cover)",
        "footer": (
            "Generated by reliefkit. Subjects are record ids, with the names of places, "
            "units, funds and projects; personal data is not shown."
        ),
    },
    "zh": {
        "title": "合规检查报告",
        "sep": "：",
        "campaign": "活动",
        "county": "县",
        "period": "活动期间",
        "as_of": "检查日期",
        "packs": "规则包",
        "verdict_ok": "没有“错误”级别的问题。",
        "verdict_fail": "存在“错误”级别的问题或规则运行出错，需要整改。",
        "summary": "概况",
        "by-rule": "按规则汇总",
        "by-township": "按乡镇汇总",
        "findings": "问题清单",
        "waived": "已豁免的问题",
        "funds": "资金收支",
        "coverage": "帮扶覆盖情况",
        "plots": "图表",
        "errors": "错误",
        "warnings": "警告",
        "infos": "提示",
        "rule_errors": "运行出错的规则",
        "code": "代码",
        "rule": "规则",
        "outcome": "结果",
        "count": "问题数",
        "waived_count": "豁免数",
        "severity": "级别",
        "subjects": "对象",
        "message": "问题",
        "evidence": "证据",
        "citations": "依据",
        "caveat": "未经核实：",
        "remedy": "整改",
        "reason": "理由",
        "granted_by": "批准单位",
        "until": "有效期至",
        "township": "乡镇",
        "total": "合计",
        "no_township": "不属于乡镇（资金、活动总体）",
        "codes": "规则代码",
        "fund": "资金",
        "holder": "管理方",
        "received": "收入",
        "disbursed": "支出",
        "balance": "结余",
        "poor_villages": "贫困村",
        "with_team": "有驻村工作队",
        "teams": "工作队数",
        "poor_households": "建档立卡贫困户",
        "with_person": "有帮扶责任人",
        "share": "覆盖率",
        "due": "期限",
        "n/a": "不适用",
        "none": "无。",
        "no_findings": "未发现问题。",
        "no_waived": "没有豁免的问题。",
        "needs_dataset": "向报告传入数据集（dataset=...）后显示本节。",
        "no_funds": "没有资金记录。",
        "no_townships": "没有乡镇记录。",
        "by_township_note": (
            "每个问题只计一次，计入其主要对象（第一个编号）所在的乡镇；捐赠和募捐计入其募捐活动所在的乡镇。"
        ),
        "share_note": "覆盖率向下取整，未全覆盖的不会显示为 100%。",
        "plots_off": "未生成图表。",
        "plots_missing": "图表需要 matplotlib：pip install 'reliefkit[plot]'。",
        "plots_font": (
            "生成本页的计算机没有安装中文字体，图表以英文标注"
            "（可安装 Noto Sans CJK SC：apt-get install fonts-noto-cjk）。"
        ),
        "plot_findings": "各乡镇、各规则的问题数",
        "plot_money": "按用途的募集与支出（对数刻度；红色为被规则查出问题的支出）",
        "plot_coverage": "各乡镇帮扶覆盖率（不适用：没有需覆盖的对象）",
        "footer": (
            "由 reliefkit 生成。对象为记录编号，并列出地点、单位、资金和项目的名称；"
            "不显示个人信息。"
        ),
    },
}
"""The fixed words of the page in each language."""

COUNTS: dict[str, dict[str, tuple[str, str]]] = {
    "en": {
        "errors": ("{n} error", "{n} errors"),
        "warnings": ("{n} warning", "{n} warnings"),
        "infos": ("{n} info", "{n} info"),
        "waived": ("{n} waived", "{n} waived"),
        "findings": ("{n} finding", "{n} findings"),
        "rule_errors": ("{n} rule raised", "{n} rules raised"),
        "more": ("… and {n} more", "… and {n} more"),
        "quiet_townships": ("{n} township with no finding", "{n} townships with no finding"),
        "empty_townships": (
            "{n} township with no poor village or registered poor household",
            "{n} townships with no poor village or registered poor household",
        ),
    },
    "zh": {
        "errors": ("{n} 项错误", "{n} 项错误"),
        "warnings": ("{n} 项警告", "{n} 项警告"),
        "infos": ("{n} 项提示", "{n} 项提示"),
        "waived": ("{n} 项已豁免", "{n} 项已豁免"),
        "findings": ("{n} 个问题", "{n} 个问题"),
        "rule_errors": ("{n} 条规则运行出错", "{n} 条规则运行出错"),
        "more": ("另有 {n} 项", "另有 {n} 项"),
        "quiet_townships": ("{n} 个乡镇未发现问题", "{n} 个乡镇未发现问题"),
        "empty_townships": (
            "{n} 个乡镇没有贫困村和建档立卡贫困户",
            "{n} 个乡镇没有贫困村和建档立卡贫困户",
        ),
    },
}
"""Counted phrases (singular, plural) in each language: ``1 warning``, ``2 warnings``."""


def counted(n: int, what: str, lang: str = "en") -> str:
    """``n`` things in words, singular or plural: ``1 warning``, ``2 warnings``, ``2 项警告``."""
    one, many = COUNTS[lang][what]
    return (one if n == 1 else many).format(n=n)


def money_text(value: Any) -> str:
    """Yuan as people read them: ``¥3,860.00``, ``-¥500.00``; ``—`` for nothing."""
    if value is None:
        return "—"
    amount = Decimal(value.yuan if hasattr(value, "yuan") else value)
    sign = "-" if amount < 0 else ""
    return f"{sign}¥{abs(amount):,.2f}"


def _finalize(value: Any) -> Any:
    """Every value a template prints, made safe (markup built by the templates themselves,
    whose values were made safe as they were printed, passes as it is; so do numbers)."""
    if isinstance(value, markupsafe.Markup) or value is None:
        return value
    if isinstance(value, bool | int | float | Decimal):
        return value
    return printable(value if isinstance(value, str) else str(value), newlines=True)


@functools.cache
def environment() -> jinja2.Environment:
    """The Jinja2 environment of the package's templates (autoescape on)."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("reliefkit.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_finalize,
    )
    env.filters["money"] = money_text
    return env


def _render(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)


# ---- what templates show of findings: ids with names, evidence in words --------------------


def _ref(dataset: Dataset | None, record_id: str) -> dict[str, Any]:
    """An id as shown: the id, and the name the dataset gives it (never a person's)."""
    return {"id": record_id, "name": record_name(dataset, record_id)}


def _is_id(dataset: Dataset | None, value: str) -> bool:
    return dataset is not None and dataset.table_of(value) is not None


def evidence_node(value: Any, lang: str, dataset: Dataset | None = None) -> dict[str, Any]:
    """An evidence value for people: ``{"text": …}``, ``{"ref": {"id", "name"}}``, a list
    (``{"inline": [node, …]}`` of plain values, shown on one line, or ``{"items": …}``) or
    ``{"pairs": [{"key": node, "value": node}, …]}``.

    Money (``Money`` or ``Decimal``: the ledger's yuan) as ``¥3,860.00``; booleans as
    yes/no (是/否); dates ISO; an id of the dataset with its name; purposes, roles and other
    vocabulary as words of ``lang``; an empty list or mapping as "none" (无).
    """
    if value is None:
        return {"text": "—"}
    if isinstance(value, bool):
        return {"text": word("yes" if value else "no", lang)}
    if isinstance(value, Decimal) or hasattr(value, "yuan"):
        return {"text": money_text(value)}
    if isinstance(value, int | float):
        return {"text": str(value)}
    if isinstance(value, datetime.date):
        return {"text": value.isoformat()}
    if isinstance(value, str):
        if _is_id(dataset, value):
            return {"ref": _ref(dataset, value)}
        return {"text": word(value, lang)}
    if isinstance(value, Mapping):
        if not value:
            return {"text": word("none", lang)}
        return {
            "pairs": [
                {"key": _key_node(k, lang, dataset), "value": evidence_node(v, lang, dataset)}
                for k, v in value.items()
            ]
        }
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        if not items:
            return {"text": word("none", lang)}
        nodes = [evidence_node(v, lang, dataset) for v in items]
        # Plain values (dates, ids, words) read best on one line; nested ones as a list.
        flat = all("text" in n or "ref" in n for n in nodes)
        return {"inline": nodes} if flat else {"items": nodes}
    return {"text": str(value)}


def _key_node(key: Any, lang: str, dataset: Dataset | None) -> dict[str, Any]:
    """A mapping's key: an id (``CE-T12`` in ``ceremonies``) with its name, else words."""
    text = str(key)
    if _is_id(dataset, text):
        return {"ref": _ref(dataset, text)}
    return {"text": field_word(text, lang)}


def evidence_view(
    finding: Finding, lang: str, dataset: Dataset | None = None
) -> list[dict[str, Any]]:
    """A finding's evidence as labelled entries, in the rule's order (keys as words)."""
    return [
        {"key": field_word(k, lang), "value": evidence_node(v, lang, dataset)}
        for k, v in finding.evidence.items()
    ]


def _finding_view(finding: Finding, lang: str, dataset: Dataset | None = None) -> dict[str, Any]:
    """What templates show of a finding: ids (with the names of places, units, funds and
    projects), texts, citations, evidence in words; never a person's name."""
    township = township_of(dataset, finding.subject) if dataset is not None else None
    return {
        "code": finding.code,
        "name": finding.name,
        "severity": finding.severity.value,
        "severity_label": word(finding.severity, lang),
        "kind_label": word(finding.kind, lang),
        "due": finding.due.isoformat() if finding.due is not None else None,
        "township": None if township is None else _ref(dataset, township),
        "subjects": [_ref(dataset, s) for s in finding.subjects],
        "message": finding.localized_message(lang),
        "message_en": finding.message,
        "message_zh": finding.message_zh,
        "remedy": finding.remedy_zh if lang == "zh" and finding.remedy_zh else finding.remedy,
        "remedy_en": finding.remedy,
        "remedy_zh": finding.remedy_zh,
        "citations": [{"text": str(c), "summary": c.summary_in(lang)} for c in finding.citations],
        "caveats": list(finding.caveats),
        "evidence": evidence_view(finding, lang, dataset),
    }


def _rule_title(code: str, lang: str, findings: Iterable[Finding]) -> str:
    try:
        rule = get_rule(code)
    except UnknownRuleError:
        # Engine codes (RK…) are not registered rules: their findings carry the name.
        return next((f.name for f in findings if f.code == code), code)
    return rule.title_zh if lang == "zh" else rule.title


def _outcome_word(outcome: str, lang: str) -> str:
    return _OUTCOME_ERROR[lang] if outcome == "error" else word(outcome, lang)


def _rule_rows(report: Report, lang: str) -> list[dict[str, Any]]:
    counts = report.by_code()
    waived: dict[str, int] = {}
    for w in report.waived:
        waived[w.finding.code] = waived.get(w.finding.code, 0) + 1
    codes = sorted(set(report.outcomes) | set(counts) | set(waived))
    rows = []
    for code in codes:
        outcome = report.outcomes.get(code)
        key = outcome.value if outcome is not None else ("fail" if counts.get(code) else "pass")
        rows.append(
            {
                "code": code,
                "title": _rule_title(code, lang, report.findings),
                "outcome": key,
                "outcome_label": _outcome_word(key, lang),
                "count": counts.get(code, 0),
                "waived": waived.get(code, 0),
            }
        )
    return rows


def _counts(report: Report) -> dict[str, int]:
    return {
        "errors": len(report.errors),
        "warnings": len(report.warnings),
        "infos": len(report.infos),
        "waived": len(report.waived),
        "rule_errors": len(report.rule_errors),
    }


def _plots(report: Report, dataset: Dataset | None, lang: str) -> tuple[list[dict[str, str]], bool]:
    """The charts as PNG data URIs, and whether a Chinese page's charts fell back to English
    (the page says so in words, rather than warning whoever renders it)."""
    from reliefkit.report._plots import MISSING_FONT, cjk_font, figure_png, plot

    kinds = ("findings", "money", "coverage") if dataset is not None else ("findings",)
    out = []
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=re.escape(MISSING_FONT), category=UserWarning)
        for kind in kinds:
            fig = plot(report, kind, dataset=dataset, lang=lang)
            data = base64.b64encode(figure_png(fig)).decode("ascii")
            out.append({"kind": kind, "src": f"data:image/png;base64,{data}"})
    return out, lang == "zh" and cjk_font() is None


def _share(lang: str) -> Callable[[int, int], str]:
    def share(part: int, whole: int) -> str:
        shown = floor_percent(part, whole)
        return LABELS[lang]["n/a"] if shown is None else shown

    return share


def report_page(
    report: Report, *, lang: str = "en", dataset: Dataset | None = None, plots: bool = True
) -> str:
    """The report as one self-contained HTML page in ``en`` or ``zh``.

    Sections (ids in :data:`SECTION_IDS`): summary, by rule, by township, findings with
    evidence and citations, waived findings, fund balances, coverage and charts. The
    township, fund, coverage and money sections need the dataset: ``dataset``, else the one
    the report was checked against; without one they say so. ``plots=False`` (or matplotlib
    missing) leaves the charts out.
    """
    check_lang(lang)
    words = LABELS[lang]
    dataset = dataset_of(report, dataset)
    campaign = dataset.campaign if dataset is not None else None
    townships = quiet = funds = cover = empty = None
    if dataset is not None:
        rows = findings_by_township(report.findings, dataset)
        townships = [r for r in rows if r.total]
        quiet = [r.township_id for r in rows if not r.total]
        funds = fund_balances(dataset)
        every = coverage(dataset)
        cover = [c for c in every if not c.empty]
        empty = [c.township_id for c in every if c.empty]
    images: list[dict[str, str]] = []
    plots_note = words["plots_off"]
    if plots:
        try:
            images, fell_back = _plots(report, dataset, lang)
            plots_note = words["plots_font"] if fell_back else ""
        except ImportError:
            plots_note = words["plots_missing"]
    return _render(
        "page.html.j2",
        lang=lang,
        html_lang="zh-CN" if lang == "zh" else "en",
        w=words,
        counted=functools.partial(counted, lang=lang),
        share=_share(lang),
        sections=SECTION_IDS,
        report=report,
        campaign=campaign,
        counts=_counts(report),
        rules=_rule_rows(report, lang),
        findings=[_finding_view(f, lang, dataset) for f in report.findings],
        waived=[
            {
                **_finding_view(w.finding, lang, dataset),
                "waiver": w.to_dict()["waiver"],
                "granted_by": _ref(dataset, w.waiver.granted_by) if w.waiver.granted_by else None,
            }
            for w in report.waived
        ],
        rule_errors=sorted(report.rule_errors.items()),
        townships=townships,
        quiet_townships=quiet,
        no_township=NO_TOWNSHIP,
        funds=funds,
        holder=functools.partial(word, lang=lang),
        fund_totals=_fund_totals(funds),
        coverage=cover,
        empty_townships=empty,
        coverage_totals=_coverage_totals(cover),
        images=images,
        plots_note=plots_note,
    )


def _fund_totals(funds: Any) -> dict[str, Decimal] | None:
    if not funds:
        return None
    received = sum((f.received for f in funds), Decimal(0))
    disbursed = sum((f.disbursed for f in funds), Decimal(0))
    return {"received": received, "disbursed": disbursed, "balance": received - disbursed}


def _coverage_totals(rows: Any) -> dict[str, Any] | None:
    if not rows:
        return None
    return {
        k: sum(getattr(r, k) for r in rows)
        for k in (
            "poor_villages",
            "villages_with_team",
            "work_teams",
            "poor_households",
            "households_with_person",
        )
    }


def report_html(report: Report, *, limit: int = REPR_LIMIT) -> str:
    """The notebook repr of a report: counts and the first ``limit`` findings, bilingual;
    subjects with their names when the report keeps the dataset it was checked against."""
    dataset = dataset_of(report, None)
    return _render(
        "report.html.j2",
        report=report,
        counts=_counts(report),
        counted=counted,
        findings=[_finding_view(f, "en", dataset) for f in report.findings[:limit]],
        more=max(0, len(report.findings) - limit),
        rule_errors=sorted(report.rule_errors.items()),
    )


def finding_html(finding: Finding) -> str:
    """The notebook repr of a finding: code, severity, subjects, both messages, citations."""
    return _render("finding.html.j2", f=_finding_view(finding, "en"))


def rule_html(rule: Rule) -> str:
    """The notebook repr of a rule: code, name, titles, citations, remedy, doc sections."""
    return _render(
        "rule.html.j2",
        rule=rule,
        severity_zh=word(rule.severity, "zh"),
        doc=rule.doc,
        in_force=(
            rule.in_force.starts_on.isoformat(),
            rule.in_force.ends_on.isoformat() if rule.in_force.ends_on else "",
        ),
    )


def _table_counts(dataset: Dataset) -> Mapping[str, int]:
    return {table: len(rows) for table, rows in dataset.tables().items() if table != "campaign"}


def dataset_html(dataset: Dataset) -> str:
    """The notebook repr of a dataset: the campaign and how many records each table holds.

    Counts only: no record's fields, so no name or resident id can appear.
    """
    return _render(
        "dataset.html.j2",
        campaign=dataset.campaign,
        tables=_table_counts(dataset),
        total=len(dataset) - 1,
        poor_villages=sum(1 for v in dataset.villages if v.poor),
        poor_households=sum(1 for h in dataset.households if h.registered_poor),
    )
