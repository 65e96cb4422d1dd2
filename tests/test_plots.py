"""Charts: findings by township and rule, money by purpose, coverage by township."""

from __future__ import annotations

import sys
import warnings

import pytest

import reliefkit as rk
from campaigns import build, drop, replace
from reliefkit.models import Dataset
from reliefkit.report import Report
from reliefkit.report._plots import KINDS, PNG_SIGNATURE, cjk_font, figure_png, plot

matplotlib = pytest.importorskip("matplotlib")
from matplotlib.figure import Figure  # noqa: E402


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


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_is_a_figure_with_png(
    report: Report, data: Dataset, kind: str, lang: str
) -> None:
    """Every kind returns a Figure that renders to PNG bytes, without warnings."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = plot(report, kind, dataset=data, lang=lang)
        png = figure_png(fig)
    assert isinstance(fig, Figure)
    assert png.startswith(PNG_SIGNATURE)
    assert fig.axes[0].get_title()


def test_report_plot_is_the_public_entry(report: Report, data: Dataset) -> None:
    """``report.plot(kind, dataset=…)`` draws the same charts as the renderer."""
    fig = report.plot("coverage", dataset=data, lang="en")
    assert isinstance(fig, Figure)
    assert fig.axes[0].get_title() == plot(report, "coverage", dataset=data).axes[0].get_title()
    assert report.plot().axes  # findings by rule needs no dataset
    with pytest.raises(rk.InvalidValueError, match=r"kind='pie'"):
        report.plot("pie")  # an unknown kind is refused by name


def test_chinese_falls_back_to_english_without_cjk_font(report: Report, data: Dataset) -> None:
    """With no CJK font installed, ``lang="zh"`` labels are English; with one, Chinese."""
    title = plot(report, "coverage", dataset=data, lang="zh").axes[0].get_title()
    if cjk_font() is None:
        assert title == "Coverage by township"
    else:
        assert title == "各乡镇帮扶覆盖率"


def test_findings_without_dataset_counts_by_rule(report: Report) -> None:
    """Without a dataset the findings chart has one bar per rule code."""
    fig = plot(report, "findings", dataset=None)
    labels = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert labels == sorted(report.by_code())


def test_findings_by_township_stacks_codes(report: Report, data: Dataset) -> None:
    """The findings chart has one legend entry per code that has findings."""
    fig = plot(report, "findings", dataset=data)
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend == sorted(report.by_code())


def test_empty_report_draws_a_note() -> None:
    """A report with no findings still gives a figure."""
    data = build()
    fig = plot(rk.check(data, as_of="2015-12-31"), "findings", dataset=data)
    assert figure_png(fig).startswith(PNG_SIGNATURE)


def test_money_needs_dataset(report: Report) -> None:
    """``money`` and ``coverage`` need the dataset; an unknown kind is refused."""
    with pytest.raises(rk.InvalidValueError, match="dataset"):
        plot(report, "money", dataset=None)
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
