"""Charts: findings by township and rule, money by purpose, coverage by township."""

from __future__ import annotations

import math
import pickle
import re
import sys
import warnings
from decimal import Decimal

import attrs
import pytest

import reliefkit as rk
from campaigns import build, drop, replace
from reliefkit.models import Dataset
from reliefkit.report import Report
from reliefkit.report._plots import (
    KINDS,
    MISSING_FONT,
    PNG_SIGNATURE,
    cjk_font,
    figure_png,
    plot,
    yuan_tick,
)

matplotlib = pytest.importorskip("matplotlib")
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.text import Text  # noqa: E402

RED = matplotlib.colors.to_rgba("#c44e52")
HAN = re.compile("[\u3400-\u9fff]")


@pytest.fixture(scope="module")
def data() -> Dataset:
    """A campaign with findings in two townships and one fund."""
    return build(
        {
            **replace("households", "H3", responsible_person_id=None),
            **drop("work_teams", "W1"),
            **replace("disbursements", "B3", purpose="meals"),
        }
    )


@pytest.fixture(scope="module")
def report(data: Dataset) -> Report:
    """Its report."""
    return rk.check(data, as_of="2015-12-31")


def _bare(report: Report) -> Report:
    """The report without the dataset it was checked against."""
    return attrs.evolve(report, context={})


def _texts(fig: Figure) -> list[Text]:
    figure_png(fig)  # drawn, so that every text and extent exists
    return [t for t in fig.findobj(Text) if t.get_text()]


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_is_a_figure_with_png(report: Report, data: Dataset, kind: str) -> None:
    """Every kind returns a Figure that renders to PNG bytes, without warnings."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = plot(report, kind, dataset=data)
        png = figure_png(fig)
    assert isinstance(fig, Figure)
    assert png.startswith(PNG_SIGNATURE)
    assert fig.axes[0].get_title()


def test_figures_display_themselves_in_jupyter(report: Report, data: Dataset) -> None:
    """A figure has ``_repr_png_``: IPython shows ``report.plot(...)`` as a PNG by itself."""
    ipython = pytest.importorskip("IPython.core.formatters")
    fig = report.plot("money", dataset=data)
    assert fig._repr_png_().startswith(PNG_SIGNATURE)
    shown, _ = ipython.DisplayFormatter().format(fig)
    assert shown["image/png"].startswith(PNG_SIGNATURE)


def test_figures_pickle(report: Report) -> None:
    """A figure survives pickling (its class is a module attribute)."""
    fig = pickle.loads(pickle.dumps(report.plot("findings")))
    assert type(fig).__name__ == "ReportFigure"
    assert fig.axes[0].get_title() == "Findings by township and rule"


def test_report_plot_is_the_public_entry(report: Report, data: Dataset) -> None:
    """``report.plot(kind)`` draws the renderer's charts, with the dataset it was checked
    against unless another is given."""
    fig = report.plot("coverage", lang="en")
    assert isinstance(fig, Figure)
    assert fig.axes[0].get_title() == plot(report, "coverage", dataset=data).axes[0].get_title()
    assert report.plot().axes  # findings
    with pytest.raises(rk.InvalidValueError, match=r"kind='pie'"):
        report.plot("pie")  # an unknown kind is refused by name


@pytest.mark.parametrize("kind", KINDS)
def test_chinese_without_cjk_font_warns_naming_the_font(
    report: Report, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no CJK font, ``lang="zh"`` warns naming the font it needs, and draws English."""
    monkeypatch.setattr("reliefkit.report._plots.cjk_font", lambda: None)
    with pytest.warns(UserWarning, match="Noto Sans CJK SC") as caught:
        fig = report.plot(kind, lang="zh")
    assert [str(w.message) for w in caught] == [MISSING_FONT]
    assert caught[0].filename == __file__  # the warning points at the caller's line
    assert fig.axes[0].get_title().isascii()
    assert not [t.get_text() for t in _texts(fig) if HAN.search(t.get_text())]


def test_chinese_with_cjk_font_is_chinese(report: Report) -> None:
    """With a CJK font installed, ``lang="zh"`` charts have Chinese titles, without warnings."""
    if cjk_font() is None:
        pytest.skip("no CJK font is installed")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = report.plot("coverage", lang="zh")
    assert fig.axes[0].get_title() == "各乡镇帮扶覆盖率"
    money = report.plot("money", lang="zh")
    assert "餐饮招待" in [t.get_text() for t in money.axes[0].get_xticklabels()]


def test_findings_without_dataset_counts_by_rule(report: Report) -> None:
    """Without a dataset the findings chart has one bar per rule code."""
    fig = plot(_bare(report), "findings", dataset=None)
    labels = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert labels == sorted(report.by_code())


def test_findings_legend_names_rules_and_covers_no_bar(report: Report, data: Dataset) -> None:
    """One legend entry per code, with the rule's name in words, outside the axes."""
    fig = plot(report, "findings", dataset=data)
    figure_png(fig)
    (legend,) = fig.legends
    entries = [t.get_text() for t in legend.get_texts()]
    assert [e.split()[0] for e in entries] == sorted(report.by_code())
    assert "CP114 pays other expenses" in entries
    assert not legend.get_window_extent().overlaps(fig.axes[0].get_window_extent())


def test_findings_are_filed_under_the_main_subjects_township() -> None:
    """A CP117 donation in T1's drive is drawn on T1's bar; townships with none are left out."""
    data = build(replace("donations", "N1D", badge=False))
    report = rk.check(data, as_of="2015-12-31")
    assert [f.code for f in report.findings] == ["CP117"]
    drive = data.get(data.get("N1D").activity_id)  # type: ignore[union-attr]
    fig = plot(report, "findings", dataset=data)
    places = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    # "T1 龙潭镇", or "T1" alone where no CJK font can draw the name.
    assert [p.split()[0] for p in places] == [drive.township_id]  # type: ignore[union-attr]
    assert [p.get_height() for p in fig.axes[0].patches] == [1]


def test_money_chart_shows_a_small_violation_beside_millions() -> None:
    """¥3,860 of meals stays visible (log scale, in red, its amount written) beside ¥3.1 M of
    undesignated money; the y axis reads in yuan, never ``1e6``."""
    data = build(
        {
            **replace("donations", "N3D", amount="3100000"),
            **replace("disbursements", "B3", purpose="meals", amount="3860"),
        }
    )
    report = rk.check(data, as_of="2015-12-31")
    assert "CP114" in report.by_code()
    fig = plot(report, "money", dataset=data)
    ax = fig.axes[0]
    texts = _texts(fig)
    assert ax.get_yscale() == "log"
    red = [p for p in ax.patches if p.get_facecolor() == RED and not math.isnan(p.get_height())]
    assert [p.get_height() for p in red] == [3860.0]
    bar = red[0].get_window_extent()
    assert bar.height >= 0.15 * ax.get_window_extent().height  # visible, not a sliver
    assert "¥3,860.00" in [t.get_text() for t in texts]
    meals = [t for t in ax.get_xticklabels() if t.get_text() == "meals"]
    assert meals and meals[0].get_color() == "#c44e52"
    ticks = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    assert ticks and all(t.startswith("¥") and "e" not in t for t in ticks), ticks
    assert "¥1,000,000" in ticks
    # The tallest bar: money designated to no project (N3D, and N2D given to a village).
    undesignated = sum(
        (d.amount.yuan for d in data.donations if d.designated_project_id is None), Decimal(0)
    )
    assert undesignated == Decimal("3105000")
    heights = [p.get_height() for p in ax.patches if not math.isnan(p.get_height())]
    assert max(heights) == float(undesignated)


def test_money_labels_are_words() -> None:
    """Purposes are words (``education aid``), not snake_case; no purpose is said so."""
    data = build()
    fig = plot(rk.check(data, as_of="2015-12-31"), "money", dataset=data)
    labels = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert "education aid" in labels and "no purpose named" in labels
    assert not any("_" in label for label in labels)


def test_yuan_ticks_are_written_out() -> None:
    """Axis ticks in yuan: thousands separators in English, 万 and 亿 in Chinese."""
    assert yuan_tick(1000) == "¥1,000"
    assert yuan_tick(1_000_000) == "¥1,000,000"
    assert yuan_tick(1000, "zh") == "¥1,000"
    assert yuan_tick(10_000, "zh") == "¥1万"
    assert yuan_tick(1_000_000, "zh") == "¥100万"
    assert yuan_tick(100_000_000, "zh") == "¥1亿"


def test_coverage_says_na_where_nothing_is_covered() -> None:
    """A township with no poor village gets "n/a", not an empty slot read as 0 %; a
    shortfall is written above its bar, rounded down."""
    data = build(
        {
            **replace("villages", "V3", poor=False),
            **drop("work_teams", "W3"),
            **replace("households", "H3", responsible_person_id=None),
        }
    )
    poor_in_t2 = [v for v in data.villages if v.township_id == "T2" and v.poor]
    assert poor_in_t2 == []
    fig = plot(rk.check(data, as_of="2015-12-31"), "coverage", dataset=data)
    ax = fig.axes[0]
    texts = _texts(fig)
    places = [t.get_text() for t in ax.get_xticklabels()]
    t2 = next(i for i, p in enumerate(places) if p.startswith("T2"))
    na = [t for t in texts if t.get_text() == "n/a"]
    assert len(na) == 1 and abs(na[0].get_position()[0] - t2) < 0.5
    # T2's one registered poor household (H3) has no responsible person: 0 of 1.
    zero = [t for t in texts if t.get_text() == "0.0%"]
    assert len(zero) == 1 and abs(zero[0].get_position()[0] - t2) < 0.5
    (legend,) = fig.legends
    assert not legend.get_window_extent().overlaps(ax.get_window_extent())


def test_empty_report_draws_a_note() -> None:
    """A report with no findings still gives a figure."""
    data = build()
    fig = plot(rk.check(data, as_of="2015-12-31"), "findings", dataset=data)
    assert figure_png(fig).startswith(PNG_SIGNATURE)


def test_money_needs_dataset(report: Report) -> None:
    """``money`` and ``coverage`` need a dataset; an unknown kind is refused."""
    with pytest.raises(rk.InvalidValueError, match="dataset"):
        plot(_bare(report), "money", dataset=None)
    with pytest.raises(rk.InvalidValueError, match=r"kind='pie'"):
        plot(report, "pie", dataset=None)


def test_missing_matplotlib_names_the_extra(
    report: Report, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without matplotlib, the ImportError names the ``plot`` extra."""
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ImportError, match=r"reliefkit\[plot\]"):
        plot(report, "findings", dataset=None)


def test_labels_from_the_data_are_cut_and_plain() -> None:
    """Labels from the data are cut to 40 characters and drawn as plain text (no mathtext)."""
    long_name = "Dragon Pool Town " * 6 + "\x1b[2J"
    data = build(
        {
            **replace("townships", "T1", name=long_name),
            **replace("households", "H3", responsible_person_id=None),
            **replace("disbursements", "B3", purpose="meals $\\frac{$ " + "x" * 60),
        }
    )
    report = rk.check(data, as_of="2015-12-31")
    for kind in KINDS:
        fig = plot(report, kind, dataset=data)
        assert figure_png(fig).startswith(PNG_SIGNATURE)
        labels = [t.get_text() for t in fig.axes[0].get_xticklabels()]
        assert all(len(label) <= 40 and "\x1b" not in label for label in labels), labels
    money = [t.get_text() for t in plot(report, "money", dataset=data).axes[0].get_xticklabels()]
    assert any(label.startswith("meals $\\frac{$") and label.endswith("…") for label in money)
    places = plot(report, "coverage", dataset=data).axes[0].get_xticklabels()
    assert any(t.get_text().startswith("T1 Dragon Pool") for t in places)
