"""Charts of a report and its dataset (matplotlib, the ``plot`` extra, imported inside functions).

Figures are built as bare figures, never through pyplot, so no GUI backend or global figure
state is involved; :func:`figure_png` renders one with Agg. They are :func:`figure_class`
figures: a matplotlib ``Figure`` that shows itself as a PNG in Jupyter (``_repr_png_``).

Chinese labels need a CJK font. When none is installed, ``lang="zh"`` falls back to English
labels (township ids stand in for Chinese names, so no glyph goes missing) and :func:`plot`
warns (``UserWarning``) naming the fonts it looked for.

Every text drawn from the data (township names and ids, purposes, rule names) is a
:func:`reliefkit._privacy.chart_label`: personal data masked, control characters replaced, one
line of at most 40 characters; and it is drawn as plain text, never as mathtext (``$``).
"""

from __future__ import annotations

import functools
import io
import math
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from reliefkit._privacy import chart_label
from reliefkit.exceptions import InvalidValueError, UnknownRuleError
from reliefkit.report._coverage import (
    NO_TOWNSHIP,
    coverage,
    dataset_of,
    findings_by_township,
    floor_percent,
    money_by_purpose,
    purpose_label,
)
from reliefkit.report._frames import check_lang
from reliefkit.rules import Finding, get_rule

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from reliefkit.models import Dataset
    from reliefkit.report._report import Report

__all__ = [
    "KINDS",
    "MISSING_FONT",
    "cjk_font",
    "coverage_figure",
    "figure_class",
    "figure_png",
    "findings_figure",
    "money_figure",
    "plot",
    "yuan_tick",
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

MISSING_FONT = (
    "lang='zh': no CJK font is installed (looked for Noto Sans CJK SC, Source Han Sans SC, "
    "WenQuanYi Zen Hei, Microsoft YaHei and others), so the chart has English labels; "
    "install one for Chinese labels (Debian/Ubuntu: apt-get install fonts-noto-cjk)"
)
"""The warning :func:`plot` gives when a Chinese chart falls back to English."""

_MISSING_GLYPH = r"(?s).*[Gg]lyph .* missing from"

# Colours: raised, disbursed, disbursed and flagged by a finding; muted text.
_BLUE, _GREEN, _RED, _GREY = "#4c72b0", "#55a868", "#c44e52", "#6b6b6b"

_TEXT = {
    "en": {
        "findings": "Findings by township and rule",
        "findings_by_rule": "Findings by rule",
        "findings_y": "findings",
        "no_findings": "No findings",
        "no_township": "no township",
        "money": "Money raised and disbursed by purpose",
        "money_y": "yuan (log scale)",
        "raised": "raised (by the designated project's purpose)",
        "disbursed": "disbursed",
        "flagged": "disbursed and flagged by a rule",
        "no_money": "No donations or disbursements",
        "coverage": "Coverage by township",
        "coverage_y": "% covered",
        "teams": "poor villages with a work team",
        "persons": "poor households with a responsible person",
        "n/a": "n/a",
        "no_townships": "No townships",
    },
    "zh": {
        "findings": "各乡镇、各规则的问题数",
        "findings_by_rule": "各规则的问题数",
        "findings_y": "问题数",
        "no_findings": "未发现问题",
        "no_township": "不属于乡镇",
        "money": "按用途的募集与支出",
        "money_y": "元（对数刻度）",
        "raised": "募集（按定向项目的用途）",
        "disbursed": "支出",
        "flagged": "支出中被规则查出的问题",
        "no_money": "没有捐赠或支出",
        "coverage": "各乡镇帮扶覆盖率",
        "coverage_y": "覆盖率 %",
        "teams": "有驻村工作队的贫困村",
        "persons": "有帮扶责任人的贫困户",
        "n/a": "不适用",
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


@functools.cache
def figure_class() -> type[Figure]:
    """The class of reliefkit's figures: a matplotlib ``Figure`` that Jupyter shows as a PNG
    (``_repr_png_``), so ``report.plot(...)`` displays itself as a cell's last expression."""
    from matplotlib.figure import Figure

    class ReportFigure(Figure):
        """A matplotlib ``Figure`` that shows itself as a PNG in Jupyter."""

        def _repr_png_(self) -> bytes:
            return figure_png(self)

    # Named as the module's attribute (see ``__getattr__``), so figures pickle.
    ReportFigure.__module__ = __name__
    ReportFigure.__qualname__ = "ReportFigure"
    return ReportFigure


def __getattr__(name: str) -> Any:
    if name == "ReportFigure":
        return figure_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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


def _label_lang(words: dict[str, str]) -> str:
    return "zh" if words is _TEXT["zh"] else "en"


def _figure(width: float = 8.0, height: float = 4.5) -> Figure:
    return figure_class()(figsize=(width, height), layout="constrained")


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


def _x_labels(ax: Any, labels: Sequence[str], *, slanted: bool = False) -> None:
    """Category labels under bars at 0, 1, …: as plain text (labels are already safe);
    ``slanted`` labels are turned 35° and anchored at their end, under their bar."""
    ax.set_xticks(range(len(labels)), labels, parse_math=False)
    if slanted:
        for label in ax.get_xticklabels():
            label.set_rotation(35)
            label.set_horizontalalignment("right")
            label.set_rotation_mode("anchor")


def _legend(fig: Figure, ax: Any, *, loc: Any = "outside upper center", **kwargs: Any) -> None:
    """The legend outside the axes (above, or at the right), so it never covers a bar."""
    handles, labels = ax.get_legend_handles_labels()
    legend = fig.legend(handles, labels, loc=loc, frameon=False, **kwargs)
    for text in legend.get_texts():
        text.set_parse_math(False)


def _rule_label(code: str, findings: Sequence[Finding], lang: str) -> str:
    """``CP101 cross township solicitation`` / ``CP101 乡镇之间…``: the code and what it is."""
    try:
        rule = get_rule(code)
    except UnknownRuleError:
        # Engine codes (RK…) may be unregistered: their findings carry the name.
        name = next((f.name for f in findings if f.code == code), "")
        return chart_label(f"{code} {name.replace('-', ' ')}".strip())
    if lang == "zh":
        return chart_label(f"{code} {rule.title_zh}", limit=20)
    return chart_label(f"{code} {rule.name.replace('-', ' ')}")


def findings_figure(report: Report, dataset: Dataset | None = None, *, lang: str = "en") -> Figure:
    """Stacked bars: findings per township (each under its main subject's township), one
    colour per rule; townships without findings are left out.

    Without a dataset the townships are unknown, and the bars count findings per rule.
    """
    check_lang(lang)
    with _drawing(lang) as (words, cjk):
        # Wide enough for the legend at the right of the bars.
        fig = _figure(width=10.0 if dataset is not None else 8.0)
        if not report.findings:
            return _empty(fig, words["findings"], words["no_findings"])
        ax = fig.add_subplot()
        if dataset is None:
            counts = report.by_code()
            ax.bar(range(len(counts)), list(counts.values()), color=_BLUE)
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
                label=_rule_label(code, report.findings, _label_lang(words)),
                color=colours(i % 20),
            )
            bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
        _x_labels(ax, places, slanted=True)
        ax.set_title(words["findings"])
        ax.set_ylabel(words["findings_y"])
        _integer_ticks(ax)
        _legend(fig, ax, loc="outside right upper", fontsize=7)
        return fig


def _integer_ticks(ax: Any) -> None:
    from matplotlib.ticker import MaxNLocator

    ax.yaxis.set_major_locator(MaxNLocator(integer=True))


def _grouped(
    ax: Any, count: int, series: Sequence[tuple[str, Sequence[float], str]]
) -> list[list[float]]:
    """Bars side by side at 0, 1, … ``count - 1``; the x of every bar, per series."""
    width = 0.8 / len(series)
    out = []
    for i, (name, values, colour) in enumerate(series):
        xs = [x + (i - (len(series) - 1) / 2) * width for x in range(count)]
        ax.bar(xs, values, width=width, label=name, color=colour)
        out.append(xs)
    return out


def _money_text(amount: Decimal) -> str:
    return f"-¥{-amount:,.2f}" if amount < 0 else f"¥{amount:,.2f}"


def yuan_tick(value: float, lang: str = "en") -> str:
    """An axis tick in yuan: ``¥1,000,000`` in English; ``¥100万`` (and 亿) in Chinese."""
    if lang == "zh" and value >= 100_000_000:
        return f"¥{value / 100_000_000:,g}亿"
    if lang == "zh" and value >= 10_000:
        return f"¥{value / 10_000:,g}万"
    return f"¥{value:,.0f}" if value >= 1 else f"¥{value:g}"


def money_figure(dataset: Dataset, *, lang: str = "en", findings: Sequence[Finding] = ()) -> Figure:
    """Bars per purpose on a log scale: money raised (by the designated project's purpose),
    disbursed, and — in red, with its amount written above — disbursed by disbursements that
    ``findings`` are about (a ¥3,860 meals payment stays visible beside ¥3 million of
    undesignated money). Purposes with flagged money have red labels."""
    check_lang(lang)
    with _drawing(lang) as (words, _cjk):
        rows = money_by_purpose(dataset, findings)
        fig = _figure(width=max(8.0, 0.75 * len(rows) + 2.5), height=5.0)
        if not rows:
            return _empty(fig, words["money"], words["no_money"])
        ax = fig.add_subplot()
        label_lang = _label_lang(words)

        def bars(values: Sequence[Decimal]) -> list[float]:
            # No bar for nothing: a zero has no place on a log scale.
            return [float(v) if v > 0 else math.nan for v in values]

        flagged = [r.flagged for r in rows]
        xs = _grouped(
            ax,
            len(rows),
            [
                (words["raised"], bars([r.raised for r in rows]), _BLUE),
                (words["disbursed"], bars([r.disbursed - r.flagged for r in rows]), _GREEN),
                (words["flagged"], bars(flagged), _RED),
            ],
        )
        _x_labels(
            ax, [chart_label(purpose_label(r.purpose, label_lang)) for r in rows], slanted=True
        )
        for label, row in zip(ax.get_xticklabels(), rows, strict=True):
            if row.flagged:
                label.set_color(_RED)
                label.set_fontweight("bold")
        positive = [v for r in rows for v in (r.raised, r.disbursed) if v > 0]
        ax.set_yscale("log")
        _yuan_axis(ax, label_lang)
        if positive:
            low = 10 ** math.floor(math.log10(float(min(positive))))
            high = 10 ** (math.log10(float(max(positive))) + 0.6)
            ax.set_ylim(low, high)
        for x, amount in zip(xs[2], flagged, strict=True):
            if amount > 0:
                ax.annotate(
                    _money_text(amount),
                    (x, float(amount)),
                    xytext=(0, 3),
                    textcoords="offset points",
                    ha="center",
                    va="bottom",
                    rotation=90,
                    fontsize=8,
                    color=_RED,
                    fontweight="bold",
                    parse_math=False,
                )
        ax.set_title(words["money"])
        ax.set_ylabel(words["money_y"])
        _legend(fig, ax, ncols=3, fontsize=8)
        return fig


def _yuan_axis(ax: Any, lang: str) -> None:
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    ax.yaxis.set_major_locator(LogLocator(base=10))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: yuan_tick(v, lang)))
    ax.yaxis.set_minor_formatter(NullFormatter())


def coverage_figure(dataset: Dataset, *, lang: str = "en") -> Figure:
    """Grouped bars per township: % of poor villages with a team, of poor households with a
    responsible person. A shortfall is written above its bar (rounded down: 99.8, never 100),
    and "n/a" stands where a township has nothing to cover (no poor village), so no empty
    slot reads as 0 %."""
    check_lang(lang)
    with _drawing(lang) as (words, cjk):
        rows = coverage(dataset)
        fig = _figure(width=max(8.0, 0.5 * len(rows) + 2.5), height=5.0)
        if not rows:
            return _empty(fig, words["coverage"], words["no_townships"])
        ax = fig.add_subplot()
        parts = [
            [(r.villages_with_team, r.poor_villages) for r in rows],
            [(r.households_with_person, r.poor_households) for r in rows],
        ]

        def heights(counts: Sequence[tuple[int, int]]) -> list[float]:
            return [100 * part / whole if whole else math.nan for part, whole in counts]

        xs = _grouped(
            ax,
            len(rows),
            [
                (words["teams"], heights(parts[0]), _BLUE),
                (words["persons"], heights(parts[1]), _GREEN),
            ],
        )
        for bar_xs, counts in zip(xs, parts, strict=True):
            for x, (part, whole) in zip(bar_xs, counts, strict=True):
                shown = floor_percent(part, whole)
                if shown is None:
                    text, y, colour = words["n/a"], 1.0, _GREY
                elif part < whole:
                    text, y, colour = shown, 100 * part / whole + 1, _RED
                else:
                    continue
                ax.text(
                    x,
                    y,
                    text,
                    ha="center",
                    va="bottom",
                    rotation=90,
                    fontsize=7,
                    color=colour,
                    parse_math=False,
                )
        _x_labels(ax, [_place(r.township_id, r.name, cjk, words) for r in rows], slanted=True)
        ax.set_ylim(0, 118)
        ax.set_yticks(range(0, 101, 20))
        ax.set_title(words["coverage"])
        ax.set_ylabel(words["coverage_y"])
        _legend(fig, ax, ncols=2, fontsize=8)
        return fig


def plot(report: Report, kind: str, *, dataset: Dataset | None = None, lang: str = "en") -> Figure:
    """A chart of ``kind``: ``findings`` (by township and rule), ``money`` (raised vs
    disbursed by purpose, flagged money in red) or ``coverage`` (by township). ``money`` and
    ``coverage`` need the dataset: the one passed, else the one the report was checked
    against.

    ``lang="zh"`` without a CJK font draws English labels and warns (``UserWarning``).
    """
    if kind not in KINDS:
        raise InvalidValueError(f"kind={kind!r}: expected one of {', '.join(KINDS)}")
    check_lang(lang)
    _matplotlib()
    if lang == "zh" and cjk_font() is None:
        # Two frames up: the caller of ``Report.plot``.
        warnings.warn(MISSING_FONT, UserWarning, stacklevel=3)
    data = dataset_of(report, dataset)
    if kind == "findings":
        return findings_figure(report, data, lang=lang)
    if data is None:
        raise InvalidValueError(f"kind={kind!r}: pass the dataset (dataset=...)")
    if kind == "money":
        return money_figure(data, lang=lang, findings=report.findings)
    return coverage_figure(data, lang=lang)


def figure_png(fig: Figure, *, dpi: int = 100) -> bytes:
    """The figure rendered as PNG bytes (Agg)."""
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=_MISSING_GLYPH)
        fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()
