"""Frames for analysis: ``Report.to_frame`` and ``Dataset.to_frames``, typed, pandas and polars."""

from __future__ import annotations

import datetime
import sys
from decimal import Decimal
from typing import Any

import attrs
import pytest

import reliefkit as rk
from campaigns import build, replace
from reliefkit.models import TABLES, Dataset, Waiver
from reliefkit.report import Report
from reliefkit.report._frames import COLUMNS, COLUMNS_ZH, report_frame

pd = pytest.importorskip("pandas")
pa = pytest.importorskip("pyarrow")
pl = pytest.importorskip("polars")

EXPECTED = [
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
]
ZH = ["代码", "级别", "规则", "乡镇", "对象", "涉及对象", "问题", "依据", "整改", "证据", "已豁免"]


def _data() -> Dataset:
    changes = {
        **replace("households", "H3", responsible_person_id=None),
        **replace("disbursements", "B3", purpose="meals"),
        "waivers": [Waiver(code="CP110", subject_id="H3", granted_by="LG", until="2016-01-31")],
    }
    return build(changes)


@pytest.fixture(scope="module")
def data() -> Dataset:
    """A campaign with one finding (CP114 on B3) and one waived finding (CP110 on H3)."""
    return _data()


@pytest.fixture(scope="module")
def report(data: Dataset) -> Report:
    """Its report."""
    return rk.check(data, as_of="2015-12-31")


def _township_by_hand(data: Dataset, subject: str) -> str:
    """Where the test's subjects lie, read off the records by hand (B3 pays project J2)."""
    record = data.get(subject)
    village_id = getattr(record, "village_id", None)
    if village_id is None:
        village_id = data.get(record.project_id).village_id  # type: ignore[union-attr]
    return data.get(village_id).township_id  # type: ignore[union-attr]


# ---- report.to_frame -----------------------------------------------------------------------


def test_columns_are_pinned() -> None:
    """The documented column set, in order, with the Chinese labels."""
    assert list(COLUMNS) == EXPECTED
    assert [COLUMNS_ZH[c] for c in COLUMNS] == ZH


def test_pandas_rows_are_typed(report: Report, data: Dataset) -> None:
    """pandas: lists as lists, evidence as a dict of typed values, a township column."""
    df = report.to_frame()
    assert list(df.columns) == EXPECTED
    assert list(df["code"]) == ["CP114", "CP110"]
    assert list(df["waived"]) == [False, True]
    assert df["waived"].dtype == bool
    row = df.iloc[0]
    assert row["severity"] == "error"
    assert row["rule"] == "pays-other-expenses"
    assert row["subject"] == "B3" and row["subjects"] == ["B3"]
    assert row["township"] == _township_by_hand(data, "B3") == "T2"
    assert df.iloc[1]["township"] == _township_by_hand(data, "H3")
    assert row["message"].startswith("Disbursement B3")
    assert isinstance(row["citations"], list) and "county-plan §三(三)" in row["citations"]
    assert row["evidence"] == {"purpose": "meals", "amount": Decimal("2000.00")}


def test_polars_columns_are_typed(report: Report) -> None:
    """polars: list columns, an object column of dicts, a boolean ``waived``."""
    df = report.to_frame(backend="polars")
    assert df.columns == EXPECTED
    assert df["code"].to_list() == ["CP114", "CP110"]
    assert df.schema["subjects"] == pl.List(pl.Utf8)
    assert df.schema["citations"] == pl.List(pl.Utf8)
    assert df.schema["evidence"] == pl.Object
    assert df.schema["township"] == pl.Utf8
    assert df.schema["waived"] == pl.Boolean
    assert df["subjects"].to_list() == [["B3"], ["H3"]]
    assert df["evidence"][0] == {"purpose": "meals", "amount": Decimal("2000.00")}


def test_evidence_dates_money_and_lists_are_typed() -> None:
    """Evidence dates are ``datetime.date``, money ``Decimal``, tuples lists, maps dicts."""
    data = build(replace("activities", "CE2", on="2015-10-20"))
    df = rk.check(data, as_of="2015-12-31").to_frame()
    (evidence,) = df[df["code"] == "CP106"]["evidence"]
    assert evidence["deadline"] == datetime.date(2015, 10, 17)
    assert type(evidence["deadline"]) is datetime.date
    assert evidence["ceremonies"] == {"CE2": datetime.date(2015, 10, 20)}
    late = rk.check(build(replace("activities", "VT1", fee="80")), as_of="2015-12-31")
    (fee,) = late.to_frame()["evidence"]
    assert fee == {"fee": Decimal("80.00")}


@pytest.mark.parametrize("backend", ["pandas", "polars"])
def test_chinese_labels_severities_and_messages(report: Report, backend: str) -> None:
    """``lang="zh"`` gives Chinese column labels, severities, messages and remedies."""
    df = report.to_frame(backend=backend, lang="zh")
    assert list(df.columns) == ZH
    assert all(m.startswith("支出 B3") for m in list(df["问题"])[:1])
    assert list(df["级别"]) == ["错误", "错误"]


@pytest.mark.parametrize("backend", ["pandas", "polars"])
def test_empty_report_keeps_columns(backend: str) -> None:
    """A compliant campaign gives an empty frame with every column and its type."""
    df = rk.check(build(), as_of="2015-12-31").to_frame(backend=backend)
    assert list(df.columns) == EXPECTED
    assert len(df) == 0
    if backend == "polars":
        assert df.schema["subjects"] == pl.List(pl.Utf8)
    else:
        assert df["waived"].dtype == bool


def test_multiple_subjects_are_a_list() -> None:
    """``subjects`` lists every subject, main subject first; ``subject`` is the first."""
    report = rk.check(build(replace("solicitations", "S2", organizer_id="T1")), as_of="2015-12-31")
    df = report.to_frame()
    row = df[df["code"] == "CP101"].iloc[0]
    assert row["subjects"] == ["S2", "T1", "T2"]
    assert row["subject"] == "S2"


def test_township_is_the_drive_of_a_donation() -> None:
    """A CP117 finding about a donation lies in the township of the drive it was given in."""
    data = build(replace("donations", "N1D", badge=False))
    report = rk.check(data, as_of="2015-12-31")
    donation = data.get("N1D")
    drive = data.get(donation.activity_id)  # type: ignore[union-attr]
    df = report.to_frame()
    (township,) = df[df["code"] == "CP117"]["township"]
    assert township == drive.township_id == "T1"  # type: ignore[union-attr]


def test_township_needs_a_dataset(report: Report, data: Dataset) -> None:
    """A report without its dataset has an empty township column, filled when one is given."""
    bare = attrs.evolve(report, context={})
    assert bare.to_frame()["township"].isna().all()
    assert list(report_frame(bare, dataset=data)["township"]) == ["T2", "T2"]


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


# ---- dataset.to_frames ---------------------------------------------------------------------


def _fields(table: str, cell: str) -> list[str]:
    return [a.name for a in attrs.fields(TABLES[table]) if a.metadata.get("cell") == cell]


def test_pandas_tables_have_typed_columns(data: Dataset) -> None:
    """pandas: dates datetime64, money decimal128(38, 2), counts Int64, flags boolean."""
    frames = data.to_frames()
    assert set(frames) == set(TABLES)
    money = pd.ArrowDtype(pa.decimal128(38, 2))
    for table, frame in frames.items():
        for column in _fields(table, "date"):
            assert str(frame[column].dtype) == "datetime64[ns]", (table, column)
        for column in _fields(table, "money"):
            assert frame[column].dtype == money, (table, column)
        for column in _fields(table, "int"):
            assert str(frame[column].dtype) == "Int64", (table, column)
        for column in _fields(table, "bool"):
            assert str(frame[column].dtype) == "boolean", (table, column)
    donations = frames["donations"].set_index("id")
    assert donations.loc["N3D", "amount"] == Decimal("2000.50")
    assert donations.loc["N3D", "on"] == pd.Timestamp("2015-10-09")
    teams = frames["work_teams"].set_index("id")
    assert pd.isna(teams.loc["W1", "ends_on"])  # an open-ended team


def test_money_sums_exactly(data: Dataset) -> None:
    """The money columns sum to the records' exact totals, in both backends (never floats)."""
    by_hand = sum((d.amount.yuan for d in data.donations), Decimal(0))
    assert by_hand == Decimal("17000.50")
    assert data.to_frames()["donations"]["amount"].sum() == by_hand
    polars = data.to_frames(backend="polars")["donations"]
    assert polars.schema["amount"] == pl.Decimal(38, 2)
    assert polars["amount"].sum() == by_hand


def test_id_lists_are_lists_even_when_empty(data: Dataset) -> None:
    """Every id-list cell is a list: ``[]`` when empty, never ``""`` or a missing value."""
    activities = data.to_frames()["activities"].set_index("id")
    for column in _fields("activities", "ids"):
        assert all(isinstance(v, list) for v in activities[column]), column
    assert activities.loc["LV1", "villages"] == ["V1"]
    assert activities.loc["CE2", "participants"] == ["P2"]
    assert activities.loc["DR1", "participants"] == []
    polars = data.to_frames(backend="polars")["activities"]
    assert polars.schema["villages"] == pl.List(pl.Utf8)
    assert polars.filter(pl.col("id") == "DR1")["villages"].to_list() == [[]]


def test_polars_tables_have_typed_columns(data: Dataset) -> None:
    """polars: ``Date``, ``Decimal(38, 2)``, ``Int64``, ``Boolean`` and ``Utf8`` columns."""
    kinds: dict[str, Any] = {
        "date": pl.Date,
        "money": pl.Decimal(38, 2),
        "int": pl.Int64,
        "bool": pl.Boolean,
        "id": pl.Utf8,
        "text": pl.Utf8,
        "enum": pl.Utf8,
    }
    for table, frame in data.to_frames(backend="polars").items():
        for cell, dtype in kinds.items():
            for column in _fields(table, cell):
                assert frame.schema[column] == dtype, (table, column)
    donations = data.to_frames(backend="polars")["donations"]
    on = donations.filter(pl.col("id") == "N3D")["on"].to_list()
    assert on == [datetime.date(2015, 10, 9)]


def test_tables_keep_personal_data_masked(data: Dataset) -> None:
    """Typed frames still mask personal names and resident ids."""
    households = data.to_frames()["households"].set_index("id")
    assert households.loc["H1", "head_name"] == "张*"
    assert households.loc["H1", "resident_id"] == "5001************35"
    assert "张三" not in households.to_csv()


def test_missing_pyarrow_names_the_extra(data: Dataset, monkeypatch: pytest.MonkeyPatch) -> None:
    """pandas' decimal column needs pyarrow: without it the error names the ``frames`` extra."""
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    with pytest.raises(ImportError, match=r"reliefkit\[frames\]"):
        data.to_frames()
