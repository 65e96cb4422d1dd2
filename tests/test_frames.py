"""``Report.to_frame``: one row per finding, documented columns, pandas and polars."""

from __future__ import annotations

import json
import sys

import pytest

import reliefkit as rk
from campaigns import build, replace
from reliefkit.models import Dataset, Waiver
from reliefkit.report import Report
from reliefkit.report._frames import COLUMNS, COLUMNS_ZH

EXPECTED = [
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
]


def _data() -> Dataset:
    changes = {
        **replace("households", "H3", responsible_person_id=None),
        **replace("disbursements", "B3", purpose="meals"),
        "waivers": [Waiver(code="CP110", subject_id="H3", granted_by="LG", until="2016-01-31")],
    }
    return build(changes)


@pytest.fixture(scope="module")
def report() -> Report:
    """A report with one finding and one waived finding."""
    return rk.check(_data(), as_of="2015-12-31")


def test_columns_are_pinned() -> None:
    """The documented column set, in order."""
    assert list(COLUMNS) == EXPECTED
    assert list(COLUMNS_ZH) == EXPECTED


def test_pandas_rows_and_columns(report: Report) -> None:
    """pandas: one row per finding, then the waived ones, with the documented columns."""
    df = report.to_frame()
    assert list(df.columns) == EXPECTED
    assert list(df["code"]) == ["CP114", "CP110"]
    assert list(df["waived"]) == [False, True]
    assert df["waived"].dtype == bool
    row = df.iloc[0]
    assert row["severity"] == "error"
    assert row["rule"] == "pays-other-expenses"
    assert row["subject"] == "B3" and row["subjects"] == "B3"
    assert row["message"].startswith("Disbursement B3")
    assert "county-plan §三(三)" in row["citations"]
    assert json.loads(row["evidence"]) == {"amount": "2000.00", "purpose": "meals"}


def test_polars_rows_and_columns(report: Report) -> None:
    """polars: the same rows and columns, strings and a boolean ``waived``."""
    import polars as pl

    df = report.to_frame(backend="polars")
    assert df.columns == EXPECTED
    assert df["code"].to_list() == ["CP114", "CP110"]
    assert df.schema["waived"] == pl.Boolean
    assert df.schema["evidence"] == pl.Utf8
    assert df["subjects"].to_list() == ["B3", "H3"]


@pytest.mark.parametrize("backend", ["pandas", "polars"])
def test_chinese_labels_and_messages(report: Report, backend: str) -> None:
    """``lang="zh"`` gives Chinese column labels, messages and remedies."""
    df = report.to_frame(backend=backend, lang="zh")
    assert list(df.columns) == [
        "代码",
        "级别",
        "规则",
        "对象",
        "涉及对象",
        "问题",
        "依据",
        "整改",
        "证据",
        "已豁免",
    ]
    messages = list(df["问题"])
    assert messages[0].startswith("支出 B3")
    assert list(df["级别"]) == ["error", "error"]


@pytest.mark.parametrize("backend", ["pandas", "polars"])
def test_empty_report_keeps_columns(backend: str) -> None:
    """A compliant campaign gives an empty frame with every column."""
    df = rk.check(build(), as_of="2015-12-31").to_frame(backend=backend)
    assert list(df.columns) == EXPECTED
    assert len(df) == 0


def test_multiple_subjects_are_joined() -> None:
    """``subjects`` joins every subject with ``;``; ``subject`` is the first."""
    report = rk.check(build(replace("solicitations", "S2", organizer_id="T1")), as_of="2015-12-31")
    df = report.to_frame()
    row = df[df["code"] == "CP101"].iloc[0]
    assert row["subjects"] == "S2;T1;T2"
    assert row["subject"] == "S2"


def test_unknown_backend_or_language(report: Report) -> None:
    """An unknown backend or language is a clear error."""
    with pytest.raises(rk.InvalidValueError, match="backend='arrow'"):
        report.to_frame(backend="arrow")
    with pytest.raises(rk.InvalidValueError, match="lang='de'"):
        report.to_frame(lang="de")


def test_missing_backend_names_the_extra(report: Report, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the library, the ImportError names the ``frames`` extra."""
    monkeypatch.setitem(sys.modules, "polars", None)
    with pytest.raises(ImportError, match=r"reliefkit\[frames\]"):
        report.to_frame(backend="polars")
