"""Charts of a report and its dataset (matplotlib, the ``plot`` extra, imported inside functions).

Figures are built as bare :class:`matplotlib.figure.Figure` objects, never through pyplot, so
no GUI backend or global figure state is involved; :func:`figure_png` renders one with Agg.

Chinese labels need a CJK font. When none is installed, ``lang="zh"`` falls back to English
labels and township ids stand in for Chinese names, so no glyph goes missing.

Every text drawn from the data (township names and ids, purposes, rule codes) is a
:func:`reliefkit._privacy.chart_label`: personal data masked, control characters replaced, one
line of at most 40 characters; and it is drawn as plain text, never as mathtext (``$``).
"""

from __future__ import annotations

import functools
import io
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from reliefkit._privacy import chart_label
from reliefkit.exceptions import InvalidValueError
from reliefkit.report._coverage import (
    NO_TOWNSHIP,
    coverage,
    findings_by_township,
    money_by_purpose,
    purpose_label,
)
from reliefkit.report._frames import check_lang

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from reliefkit.models import Dataset
    from reliefkit.report._report import Report

__all__ = [
    "KINDS",
    "cjk_font",
    "coverage_figure",
    "figure_png",
    "findings_figure",
    "money_figure",
    "plot",
]

KINDS: tuple[str, ...] = ("findings", "money", "coverage")
"""The kinds :func:`plot` draws."""

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# Families tried first, in order; any other installed font whose name says CJK comes next.
_CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Heiti SC",
    "Hiragino Sans GB",
    "AR PL UMing CN",
    "AR PL UKai CN",
    "Droid Sans Fallback",
)
_CJK_HINTS = ("CJK", "Han Sans", "Han Serif", "WenQuanYi", "YaHei", "SimHei", "SimSun")

_MISSING_GLYPH = r"(?s).*[Gg]lyph .* missing from"

_TEXT = {
    "en": {
        "findings": "Findings by township and rule",
        "findings_by_rule": "Findings by rule",
        "findings_y": "findings",
        "no_findings": "No findings",
        "no_township": "none",
        "money": "Money raised and disbursed by purpose",
        "money_y": "yuan",
        "raised": "raised",
        "disbursed": "disbursed",
        "no_money": "No donations or disbursements",
        "coverage": "Coverage by township",
        "coverage_y": "% covered",
        "teams": "poor villages with a work team",
        "persons": "poor households with a responsible person",
        "no_townships": "No townships",
    },
    "zh": {
        "findings": "各乡镇、各规则的问题数",
        "findings_by_rule": "各规则的问题数",
        "findings_y": "问题数",
        "no_findings": "未发现问题",
        "no_township": "不属于乡镇",
        "money": "按用途的募集与支出",
        "money_y": "元",
        "raised": "募集",
        "disbursed": "支出",
        "no_money": "没有捐赠或支出",
        "coverage": "各乡镇帮扶覆盖率",
        "coverage_y": "覆盖率 %",
        "teams": "有驻村工作队的贫困村",
        "persons": "有帮扶责任人的贫困户",
        "no_townships": "没有乡镇",
    },
}


def _matplotlib() -> Any:
    try:
        import matplotlib
    except ImportError as exc:
        raise ImportError("plots need matplotlib: pip install 'reliefkit[plot]'") from exc
    return matplotlib


@functools.cache
def cjk_font() -> str | None:
    """The name of an installed font that has Chinese glyphs, or ``None``."""
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    for family in _CJK_FAMILIES:
        if family in names:
            return family
    for name in sorted(names):
        if any(hint in name for hint in _CJK_HINTS):
            return name
    return None


@contextmanager
def _drawing(lang: str) -> Iterator[tuple[dict[str, str], bool]]:
    """Labels in the language that can be drawn, and whether CJK glyphs can be drawn."""
    matplotlib = _matplotlib()
    font = cjk_font()
    rc: dict[str, Any] = {"font.size": 9, "axes.titlesize": 11}
    if font is not None:
        rc["font.family"] = [font, "DejaVu Sans"]
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=_MISSING_GLYPH)
        with matplotlib.rc_context(rc):
            yield _TEXT["zh" if lang == "zh" and font is not None else "en"], font is not None


def _figure(width: float = 8.0, height: float = 4.5) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def _empty(fig: Figure, title: str, text: str) -> Figure:
    ax = fig.add_subplot()
    ax.set_title(title)
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes)
    ax.set_axis_off()
    return fig


def _place(township_id: str, name: str | None, cjk: bool, words: dict[str, str]) -> str:
    if township_id == NO_TOWNSHIP:
        return words["no_township"]
    if name and (cjk or name.isascii()):
        return chart_label(f"{township_id} {name}")
    return chart_label(township_id)


def _x_labels(ax: Any, labels: Sequence[str]) -> None:
    """Category labels under bars at 0, 1, …: as plain text (labels are already safe)."""
    ax.set_xticks(range(len(labels)), labels, parse_math=False)


def _legend(ax: Any, **kwargs: Any) -> None:
    legend = ax.legend(**kwargs)
    for text in legend.get_texts():
        text.set_parse_math(False)


def findings_figure(report: Report, dataset: Dataset | None = None, *, lang: str = "en") -> Figure:
    """Stacked bars: findings per township, one colour per rule code.

    Without a dataset the townships are unknown, and the bars count findings per rule.
    """
    check_lang(lang)
    with _drawing(lang) as (words, cjk):
        fig = _figure()
        if not report.findings:
            return _empty(fig, words["findings"], words["no_findings"])
        ax = fig.add_subplot()
        if dataset is None:
            counts = report.by_code()
            ax.bar(range(len(counts)), list(counts.values()), color="#4c72b0")
            _x_labels(ax, [chart_label(code) for code in counts])
            ax.set_title(words["findings_by_rule"])
            ax.set_ylabel(words["findings_y"])
            _integer_ticks(ax)
            return fig
        rows = [r for r in findings_by_township(report.findings, dataset) if r.total]
        codes = sorted({c for r in rows for c in r.by_code})
        places = [_place(r.township_id, r.name, cjk, words) for r in rows]
        colours = _matplotlib().colormaps["tab20"]
        bottom = [0] * len(rows)
        # Bars at positions, not at their labels: two places cut to the same label stay two.
        for i, code in enumerate(codes):
            heights = [r.by_code.get(code, 0) for r in rows]
            ax.bar(
                range(len(rows)),
                heights,
                bottom=bottom,
                label=chart_label(code),
                color=colours(i % 20),
            )
            bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
        _x_labels(ax, places)
        ax.set_title(words["findings"])
        ax.set_ylabel(words["findings_y"])
        _integer_ticks(ax)
        ax.tick_params(axis="x", labelrotation=30)
        _legend(ax, fontsize=7, ncols=2 if len(codes) > 8 else 1, loc="upper right")
        return fig


def _integer_ticks(ax: Any) -> None:
    from matplotlib.ticker import MaxNLocator

    ax.yaxis.set_major_locator(MaxNLocator(integer=True))


def _grouped(ax: Any, labels: Sequence[str], series: Sequence[tuple[str, Sequence[float]]]) -> None:
    width = 0.8 / len(series)
    for i, (name, values) in enumerate(series):
        xs = [x + (i - (len(series) - 1) / 2) * width for x in range(len(labels))]
        ax.bar(xs, values, width=width, label=name)
    _x_labels(ax, labels)
    _legend(ax, fontsize=8)


def money_figure(dataset: Dataset, *, lang: str = "en") -> Figure:
    """Grouped bars: money raised (by the designated project's purpose) and disbursed."""
    check_lang(lang)
    with _drawing(lang) as (words, _cjk):
        fig = _figure()
        rows = money_by_purpose(dataset)
        if not rows:
            return _empty(fig, words["money"], words["no_money"])
        ax = fig.add_subplot()
        label_lang = "zh" if words is _TEXT["zh"] else "en"
        labels = [chart_label(purpose_label(r.purpose, label_lang)) for r in rows]
        _grouped(
            ax,
            labels,
            [
                (words["raised"], [float(r.raised) for r in rows]),
                (words["disbursed"], [float(r.disbursed) for r in rows]),
            ],
        )
        ax.set_title(words["money"])
        ax.set_ylabel(words["money_y"])
        ax.tick_params(axis="x", labelrotation=30)
        return fig


def coverage_figure(dataset: Dataset, *, lang: str = "en") -> Figure:
    """Grouped bars per township: % of poor villages with a team, of poor households with a
    responsible person (no bar where the township has none to cover)."""
    check_lang(lang)
    with _drawing(lang) as (words, cjk):
        fig = _figure()
        rows = coverage(dataset)
        if not rows:
            return _empty(fig, words["coverage"], words["no_townships"])
        ax = fig.add_subplot()
        nan = float("nan")

        def pct(share: float | None) -> float:
            return nan if share is None else 100 * share

        _grouped(
            ax,
            [_place(r.township_id, r.name, cjk, words) for r in rows],
            [
                (words["teams"], [pct(r.team_share) for r in rows]),
                (words["persons"], [pct(r.person_share) for r in rows]),
            ],
        )
        ax.set_ylim(0, 110)
        ax.set_title(words["coverage"])
        ax.set_ylabel(words["coverage_y"])
        ax.tick_params(axis="x", labelrotation=30)
        return fig


def plot(report: Report, kind: str, *, dataset: Dataset | None = None, lang: str = "en") -> Figure:
    """A chart of ``kind``: ``findings`` (by township and rule), ``money`` (raised vs
    disbursed by purpose) or ``coverage`` (by township). ``money`` and ``coverage`` need the
    ``dataset``."""
    if kind not in KINDS:
        raise InvalidValueError(f"kind={kind!r}: expected one of {', '.join(KINDS)}")
    if kind == "findings":
        return findings_figure(report, dataset, lang=lang)
    if dataset is None:
        raise InvalidValueError(f"kind={kind!r}: pass the dataset (dataset=...)")
    if kind == "money":
        return money_figure(dataset, lang=lang)
    return coverage_figure(dataset, lang=lang)


def figure_png(fig: Figure, *, dpi: int = 100) -> bytes:
    """The figure rendered as PNG bytes (Agg)."""
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=_MISSING_GLYPH)
        fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()
