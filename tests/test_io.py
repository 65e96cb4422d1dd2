"""reliefkit.io: loading CSV folders and JSON files, dumping them, and the errors in between."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings

import reliefkit.io
from campaigns import build, replace
from reliefkit.exceptions import LoadError, LoadProblem
from reliefkit.io import HEADER_ALIASES, Notice, dump, dump_json, load, load_with_notices
from reliefkit.models import TABLES, Dataset, Money
from reliefkit.testing import datasets

CAMPAIGN = [["id", "name", "year", "county", "starts_on", "ends_on"]]
CAMPAIGN_ROW = ["C1", "扶贫日", "2015", "青山县", "2015-09-01", "2015-12-31"]
FUNDS = [["id", "name", "holder"], ["F1", "扶贫基金", "charity"]]
DONORS = [["id", "name", "kind", "publicity_consent"], ["E1", "山城建材", "private_enterprise"]]
DONATIONS = ["id", "donor_id", "fund_id", "amount", "on", "badge", "receipt"]
TOWNSHIPS = [["id", "name", "kind", "main_leader_id"], ["T1", "龙潭镇", "town"]]
VILLAGES = ["id", "name", "township_id", "poor"]
HOUSEHOLDS = [
    "id",
    "village_id",
    "head_name",
    "resident_id",
    "members",
    "registered_poor",
    "responsible_person_id",
]
RESIDENT_ID = "500101198001011235"


def csv_text(*rows: list[str]) -> str:
    """Rows as CSV text, quoted where needed."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def folder_with(tmp_path: Path, **tables: list[list[str]] | str | None) -> Path:
    """A campaign folder: one campaign row unless replaced, plus the given tables."""
    folder = tmp_path / "campaign"
    folder.mkdir()
    tables.setdefault("campaign", [*CAMPAIGN, CAMPAIGN_ROW])
    for name, rows in tables.items():
        if rows is None:
            continue
        text = rows if isinstance(rows, str) else csv_text(*rows)
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    return folder


def donation_with_amount(tmp_path: Path, amount: str) -> Path:
    """A folder with one donation whose amount cell is ``amount``."""
    donations = [DONATIONS, ["D1", "E1", "F1", amount, "2015-10-01"]]
    return folder_with(tmp_path, funds=FUNDS, donors=DONORS, donations=donations)


def problem_keys(error: LoadError) -> set[tuple[str, int | None, str | None]]:
    """(file, row, column) of every problem."""
    return {(p.file, p.row, p.column) for p in error.problems}


# ---- the public API ----------------------------------------------------------------------------
def test_public_names_are_sorted_and_exported() -> None:
    """The facade exports a sorted __all__ of the documented names."""
    assert reliefkit.io.__all__ == sorted(reliefkit.io.__all__)
    assert set(reliefkit.io.__all__) == {
        "HEADER_ALIASES",
        "Notice",
        "dump",
        "dump_json",
        "load",
        "load_campaigns",
        "load_campaigns_with_notices",
        "load_with_notices",
    }


def test_every_alias_names_a_column() -> None:
    """Each Chinese header alias maps to a column some table has."""
    columns = {name for cls in TABLES.values() for name in attrs.fields_dict(cls)}
    assert set(HEADER_ALIASES.values()) <= columns
    assert all(not alias.isascii() for alias in HEADER_ALIASES)


# ---- round trips -------------------------------------------------------------------------------
def test_csv_round_trip(tmp_path: Path) -> None:
    """A dataset dumped as CSV loads back equal, without notices."""
    data = build()
    dump(data, tmp_path / "c")
    loaded, notices = load_with_notices(tmp_path / "c")
    assert loaded == data
    assert notices == ()


def test_json_round_trip(tmp_path: Path) -> None:
    """A dataset dumped as JSON loads back equal, with money as strings."""
    data = build()
    path = dump_json(data, tmp_path / "c.json")
    assert load(path) == data
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["donations"][2]["amount"] == "2000.50"
    assert document["villages"][0]["poor"] is True


def test_round_trip_keeps_awkward_text(tmp_path: Path) -> None:
    """Text with commas, quotes, line breaks and outer spaces survives CSV and JSON."""
    awkward = ' 红岩村, "新"\r\n二组\r '
    data = build(replace("villages", "V1", name=awkward), name="a,b")
    dump(data, tmp_path / "c")
    assert load(tmp_path / "c") == data
    assert load(dump_json(data, tmp_path / "c.json")) == data


@settings(deadline=None)
@given(datasets())
def test_generated_datasets_round_trip(data: Dataset) -> None:
    """Any generated dataset dumped as CSV and as JSON loads back equal."""
    with tempfile.TemporaryDirectory() as tmp:
        assert load(dump(data, Path(tmp) / "c")) == data
        assert load(dump_json(data, Path(tmp) / "c.json")) == data


def test_dump_writes_plain_cells(tmp_path: Path) -> None:
    """Dumped cells are plain: money 2000.50, ISO dates, true/false, ;-joined lists."""
    folder = dump(build(), tmp_path / "c")
    donations = (folder / "donations.csv").read_text(encoding="utf-8")
    assert "N3D,K1D,F1,,2000.50,,2015-10-09,,,," in donations
    activities = (folder / "activities.csv").read_text(encoding="utf-8")
    assert "LV1,leader_visit,LG,T1,2015-10-15,,,,CL,,V1,H1," in activities
    assert not (folder / "campaign.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_dump_keeps_personal_data(tmp_path: Path) -> None:
    """dump writes the data itself: resident IDs and names unmasked."""
    folder = dump(build(), tmp_path / "c")
    households = (folder / "households.csv").read_text(encoding="utf-8")
    assert RESIDENT_ID in households
    assert "张三" in households


# ---- encodings and headers ---------------------------------------------------------------------
def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    """A file starting with a UTF-8 BOM reads its first header correctly."""
    folder = tmp_path / "c"
    folder.mkdir()
    text = csv_text(*CAMPAIGN, CAMPAIGN_ROW)
    (folder / "campaign.csv").write_text(text, encoding="utf-8-sig")
    data, notices = load_with_notices(folder)
    assert data.campaign.id == "C1"
    assert notices == ()


def test_gb18030_file_is_read_with_a_notice(tmp_path: Path) -> None:
    """A file that is not valid UTF-8 is read as GB18030, and a notice says so."""
    folder = folder_with(tmp_path, townships=TOWNSHIPS)
    text = csv_text(["编号", "名称", "乡镇", "贫困村"], ["V1", "红岩村", "T1", "是"])
    (folder / "villages.csv").write_bytes(text.encode("gb18030"))
    data, notices = load_with_notices(folder)
    assert data.villages[0].name == "红岩村"
    assert data.villages[0].poor is True
    assert Notice("villages.csv", None, None, "not valid UTF-8; read as GB18030") in notices


def test_chinese_headers(tmp_path: Path) -> None:
    """Chinese header aliases load into the format's columns."""
    folder = folder_with(
        tmp_path,
        campaign=[["编号", "名称", "年份", "县", "开始日期", "结束日期"], CAMPAIGN_ROW],
        townships=[["编号", "名称", "类型", "主要领导"], ["T1", "龙潭镇", "town"]],
        villages=[["编号", "名称", "乡镇", "贫困村"], ["V1", "红岩村", "T1", "是"]],
        households=[
            ["编号", "村", "户主", "身份证号", "人口", "贫困户", "责任人"],
            ["H1", "V1", "张三", RESIDENT_ID, "4", "是"],
        ],
        funds=[["编号", "名称", "类型"], ["F1", "扶贫基金", "charity"]],
        donors=[["编号", "名称", "种类", "同意公开"], ["E1", "山城建材", "private_enterprise"]],
        donations=[
            ["编号", "捐赠人", "基金", "金额（元）", "日期", "荣誉证书", "收据"],
            ["D1", "E1", "F1", "1,000", "2015-10-01"],
        ],
    )
    data, notices = load_with_notices(folder)
    assert notices == ()
    assert data.campaign.county == "青山县"
    assert data.villages[0].township_id == "T1"
    household = data.households[0]
    assert (household.head_name, household.members, household.registered_poor) == ("张三", 4, True)
    assert data.funds[0].holder == "charity"
    assert data.donations[0].amount == Money("1000")


def test_headers_are_stripped_and_case_insensitive(tmp_path: Path) -> None:
    """Header names are stripped, and English names match ignoring case and spaces."""
    header = [" ID ", "Name", "YEAR", "county", "Starts On", "ends_on "]
    data = load(folder_with(tmp_path, campaign=[header, CAMPAIGN_ROW]))
    assert data.campaign.ends_on.isoformat() == "2015-12-31"


def test_unknown_column_gives_a_notice(tmp_path: Path) -> None:
    """A column the format does not name is ignored, with a notice naming file and column."""
    folder = folder_with(
        tmp_path, funds=[["id", "name", "holder", "备注"], ["F1", "x", "charity", "y"]]
    )
    data, notices = load_with_notices(folder)
    assert len(data.funds) == 1
    assert notices == (Notice("funds.csv", None, "备注", "unknown column; ignored"),)


def test_blank_rows_are_counted_in_one_notice(tmp_path: Path) -> None:
    """Rows whose cells are all empty are skipped and counted in one notice per file."""
    text = "id,name,holder\n,,\nF1,x,charity\n , ,\n\nF2,y,charity\n"
    data, notices = load_with_notices(folder_with(tmp_path, funds=text))
    assert [f.id for f in data.funds] == ["F1", "F2"]
    assert notices == (Notice("funds.csv", None, None, "skipped 3 empty row(s): row 1, 3, 4"),)


def test_unknown_file_and_unnamed_column_give_notices(tmp_path: Path) -> None:
    """A CSV file that is no table, and data under an empty header, are named in notices."""
    folder = folder_with(tmp_path, funds="id,name,holder,\nF1,x,charity,note\n", donation=DONORS)
    _, notices = load_with_notices(folder)
    assert {(n.file, n.column) for n in notices} == {("donation.csv", None), ("funds.csv", "#4")}


def test_absent_column_is_one_problem_per_column(tmp_path: Path) -> None:
    """A column the format requires (not marked "(opt)") missing from its file is one problem
    for the file and column, even where its cells may be empty; never one per row."""
    rows = [["id", "kind"], ["T1", "town"], ["T2", "town"]]
    with pytest.raises(LoadError) as caught:
        load(folder_with(tmp_path, townships=rows))
    assert problem_keys(caught.value) == {
        ("townships.csv", None, "name"),
        ("townships.csv", None, "main_leader_id"),
    }
    assert all("column missing" in p.expected for p in caught.value.problems)


def test_absent_opt_column_loads_as_not_given(tmp_path: Path) -> None:
    """A column marked "(opt)" may be absent: every row reads it as not given, silently."""
    donations = [DONATIONS, ["D1", "E1", "F1", "100", "2015-10-01"]]
    folder = folder_with(tmp_path, funds=FUNDS, donors=DONORS, donations=donations)
    data, notices = load_with_notices(folder)
    assert data.donations[0].activity_id is None
    assert notices == ()


# ---- cells -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("cell", "yuan"),
    [
        ("1200.50", "1200.50"),
        ("¥1,200.50", "1200.50"),
        ("￥3000", "3000"),
        ("5,000元", "5000"),
        (" 1,234,567.8 ", "1234567.80"),
        ("１２００", "1200"),
        ("0", "0"),
    ],
)
def test_money_spellings(tmp_path: Path, cell: str, yuan: str) -> None:
    """Currency signs, 元, thousands separators and spaces are accepted in money."""
    data = load(donation_with_amount(tmp_path, cell))
    assert data.donations[0].amount == Money(Decimal(yuan))


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("1200.505", "two decimal places"),
        ("-5", "not negative"),
        ("1,20,0", "every three digits"),
        ("12OO", "money in yuan"),
        ("1e3", "money in yuan"),
    ],
)
def test_bad_money_is_refused(tmp_path: Path, cell: str, expected: str) -> None:
    """More than two places, negatives and non-numbers are errors naming the cell."""
    with pytest.raises(LoadError) as caught:
        load(donation_with_amount(tmp_path, cell))
    (problem,) = caught.value.problems
    assert (problem.file, problem.row, problem.column, problem.value) == (
        "donations.csv",
        1,
        "amount",
        cell,
    )
    assert expected in problem.expected


@pytest.mark.parametrize(
    ("cell", "poor"),
    [
        ("true", True),
        ("FALSE", False),
        ("yes", True),
        ("No", False),
        ("y", True),
        ("n", False),
        ("T", True),
        ("f", False),
        ("1", True),
        ("0", False),
        ("是", True),
        ("否", False),
        ("", False),
    ],
)
def test_bool_spellings(tmp_path: Path, cell: str, poor: bool) -> None:
    """Booleans read true/false, yes/no, y/n, t/f, 1/0 and 是/否; empty keeps the default."""
    folder = folder_with(
        tmp_path, townships=TOWNSHIPS, villages=[VILLAGES, ["V1", "x", "T1", cell]]
    )
    assert load(folder).villages[0].poor is poor


def test_bad_bool_is_refused(tmp_path: Path) -> None:
    """A boolean cell that is no known spelling is an error."""
    folder = folder_with(
        tmp_path, townships=TOWNSHIPS, villages=[VILLAGES, ["V1", "x", "T1", "有"]]
    )
    with pytest.raises(LoadError) as caught:
        load(folder)
    assert problem_keys(caught.value) == {("villages.csv", 1, "poor")}


@pytest.mark.parametrize(
    "cell", ["2015-10-17 09:30", "2015-10-17T09:30:00", "2015/10/17", "2015-02-30"]
)
def test_dates_are_iso_days_only(tmp_path: Path, cell: str) -> None:
    """A date with a time of day, another spelling, or no such day is an error."""
    donations = [DONATIONS, ["D1", "E1", "F1", "100", cell]]
    folder = folder_with(tmp_path, funds=FUNDS, donors=DONORS, donations=donations)
    with pytest.raises(LoadError) as caught:
        load(folder)
    assert problem_keys(caught.value) == {("donations.csv", 1, "on")}


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("3.0", "whole number"), ("0", "from 1 to 99"), ("500228196503124519", "from 1 to 99")],
)
def test_counts_are_whole_numbers(tmp_path: Path, cell: str, expected: str) -> None:
    """members must be a plausible whole number: 3.0, 0 and an ID pasted in are errors (the
    ID is shown masked)."""
    households = [HOUSEHOLDS, ["H1", "V1", "张三", "", cell, ""]]
    folder = folder_with(
        tmp_path,
        townships=TOWNSHIPS,
        villages=[VILLAGES, ["V1", "x", "T1", ""]],
        households=households,
    )
    with pytest.raises(LoadError) as caught:
        load(folder)
    (problem,) = caught.value.problems
    assert (problem.column, problem.value) == ("members", cell)  # kept as written
    shown = cell if len(cell) < 15 else cell[:4] + "*" * 12 + cell[-2:]
    assert problem.to_dict()["value"] == shown
    assert f"value={shown!r}" in str(problem)
    assert expected in problem.expected


def test_enums_ignore_case_and_spaces(tmp_path: Path) -> None:
    """Enum cells are stripped and lower-cased before matching."""
    folder = folder_with(tmp_path, funds=[FUNDS[0], ["F1", "x", " Charity "]])
    assert load(folder).funds[0].holder == "charity"


def test_unknown_enum_value_lists_the_allowed(tmp_path: Path) -> None:
    """An enum cell outside the vocabulary is an error listing the allowed values."""
    folder = folder_with(tmp_path, funds=[FUNDS[0], ["F1", "x", "bank"]])
    with pytest.raises(LoadError) as caught:
        load(folder)
    (problem,) = caught.value.problems
    assert problem.column == "holder"
    assert "charity, designated_account" in problem.expected


def test_id_lists_split_on_both_semicolons(tmp_path: Path) -> None:
    """List cells split on ; and the full-width ；, dropping empty items and spaces."""
    folder = folder_with(
        tmp_path,
        townships=TOWNSHIPS,
        villages=[VILLAGES, ["V1", "a", "T1", ""], ["V2", "b", "T1", ""], ["V3", "c", "T1", ""]],
        activities=[
            [
                "id",
                "kind",
                "organizer_id",
                "township_id",
                "on",
                "place",
                "populous",
                "in_seat",
                "participants",
                "villages",
            ],
            ["A1", "inspection_tour", "", "", "2015-10-10", "", "", "", "", " V1；V2 ; ;V3"],
        ],
    )
    assert load(folder).activities[0].villages == ("V1", "V2", "V3")


# ---- errors ------------------------------------------------------------------------------------
def test_bad_cells_in_several_files_give_one_error(tmp_path: Path) -> None:
    """Every bad cell of the folder is named in one LoadError, with file, row, column, value."""
    folder = folder_with(
        tmp_path,
        funds=[FUNDS[0], ["F1", "x", "charity"], ["F2", "y", "bank"]],
        donors=DONORS,
        donations=[
            DONATIONS,
            ["D1", "E1", "F1", "12.345", "2015-10-01"],
            ["D2", "E1", "F1", "100", "2015-10-01"],
            ["D3", "E1", "F1", "100", "17/10/2015"],
        ],
        townships=[[*TOWNSHIPS[0]], ["", "无编号", "town"]],
    )
    with pytest.raises(LoadError) as caught:
        load(folder)
    error = caught.value
    assert {(p.file, p.row, p.column, p.value) for p in error.problems} == {
        ("townships.csv", 1, "id", ""),
        ("funds.csv", 2, "holder", "bank"),
        ("donations.csv", 1, "amount", "12.345"),
        ("donations.csv", 3, "on", "17/10/2015"),
    }
    assert str(error).count("\n") == len(error.problems)
    assert "donations.csv, data row 3 (spreadsheet row 4), column on: value='17/10/2015'" in str(
        error
    )


def test_required_cell_may_not_be_empty(tmp_path: Path) -> None:
    """An empty required cell is an error that says it is required."""
    folder = folder_with(tmp_path, funds=[FUNDS[0], ["F1", "x", ""]])
    with pytest.raises(LoadError) as caught:
        load(folder)
    assert caught.value.problems == (
        LoadProblem("funds.csv", 1, "holder", "", "required; may not be empty"),
    )


def test_dangling_reference_names_file_row_and_column(tmp_path: Path) -> None:
    """A reference to no record is reported at the row and column that hold it."""
    donations = [
        DONATIONS,
        ["D1", "E1", "F1", "100", "2015-10-01"],
        ["D2", "E404", "F1", "100", "2015-10-01"],
    ]
    folder = folder_with(tmp_path, funds=FUNDS, donors=DONORS, donations=donations)
    with pytest.raises(LoadError) as caught:
        load(folder)
    (problem,) = caught.value.problems
    assert (problem.file, problem.row, problem.column, problem.value) == (
        "donations.csv",
        2,
        "donor_id",
        "E404",
    )
    assert "unknown id" in problem.expected


def test_duplicate_id_is_reported_on_the_later_row(tmp_path: Path) -> None:
    """An id used twice is reported at its second row."""
    folder = folder_with(tmp_path, funds=[FUNDS[0], ["F1", "x", "charity"], ["F1", "y", "charity"]])
    with pytest.raises(LoadError) as caught:
        load(folder)
    assert problem_keys(caught.value) == {("funds.csv", 2, "id")}


def test_record_refused_by_the_model_is_reported(tmp_path: Path) -> None:
    """A row whose cells parse but whose record is invalid is an error at that row."""
    row = ["C1", "x", "2015", "县", "2015-09-01", "2015-08-01"]
    with pytest.raises(LoadError) as caught:
        load(folder_with(tmp_path, campaign=[*CAMPAIGN, row]))
    (problem,) = caught.value.problems
    assert (problem.file, problem.row, problem.column, problem.value) == (
        "campaign.csv",
        1,
        "ends_on",
        "2015-08-01",
    )
    assert "before starts_on" in problem.expected


def test_missing_required_column(tmp_path: Path) -> None:
    """A file without a required column is one error for that column, not one per row."""
    folder = folder_with(tmp_path, funds=[["id", "name"], ["F1", "x"], ["F2", "y"]])
    with pytest.raises(LoadError) as caught:
        load(folder)
    assert caught.value.problems == (
        LoadProblem("funds.csv", None, "holder", None, "required column missing"),
    )


def test_cells_beyond_the_header_are_errors(tmp_path: Path) -> None:
    """A row with more non-empty cells than the header is an error, not silently cut."""
    folder = folder_with(tmp_path, funds="id,name,holder\nF1,x,charity,surplus\n")
    with pytest.raises(LoadError) as caught:
        load(folder)
    assert problem_keys(caught.value) == {("funds.csv", 1, None)}


def test_resident_id_is_masked_in_errors(tmp_path: Path) -> None:
    """A bad resident ID never appears unmasked in the error text or the problems."""
    bad_id = RESIDENT_ID[:-1] + "Z"
    households = [HOUSEHOLDS, ["H1", "V404", "张三丰", bad_id, "4", ""]]
    folder = folder_with(tmp_path, townships=TOWNSHIPS, households=households)
    with pytest.raises(LoadError) as caught:
        load(folder)
    text = str(caught.value) + repr(caught.value.problems)
    assert bad_id not in text
    assert bad_id[4:-2] not in text
    assert "5001" in text


def test_resident_id_shaped_values_are_masked_in_any_column(tmp_path: Path) -> None:
    """A resident ID shown by a misaligned row is masked, even outside its own column."""
    households = [HOUSEHOLDS, ["H1", "V1", "张三", "", "4", RESIDENT_ID]]
    folder = folder_with(
        tmp_path,
        townships=TOWNSHIPS,
        villages=[VILLAGES, ["V1", "x", "T1", ""]],
        households=households,
    )
    with pytest.raises(LoadError) as caught:
        load(folder)
    assert RESIDENT_ID not in str(caught.value)
    assert problem_keys(caught.value) == {("households.csv", 1, "registered_poor")}


def test_missing_campaign_file(tmp_path: Path) -> None:
    """A folder without campaign.csv is an error naming the file."""
    with pytest.raises(LoadError) as caught:
        load(folder_with(tmp_path, campaign=None, funds=FUNDS))
    assert problem_keys(caught.value) == {("campaign.csv", None, None)}


def test_two_campaign_rows(tmp_path: Path) -> None:
    """campaign.csv must hold exactly one row; the second is reported."""
    second = ["C2", "again", "2016", "县", "2016-09-01", "2016-12-31"]
    with pytest.raises(LoadError) as caught:
        load(folder_with(tmp_path, campaign=[*CAMPAIGN, CAMPAIGN_ROW, second]))
    (problem,) = caught.value.problems
    assert (problem.file, problem.row) == ("campaign.csv", 2)
    assert "exactly one row" in problem.expected


def test_empty_campaign_file(tmp_path: Path) -> None:
    """A campaign.csv with a header and no rows is an error."""
    with pytest.raises(LoadError) as caught:
        load(folder_with(tmp_path, campaign=CAMPAIGN))
    assert "exactly one row; found none" in str(caught.value)


def test_missing_path_is_a_load_error(tmp_path: Path) -> None:
    """Loading a path that does not exist is a LoadError, not a traceback from deep inside."""
    with pytest.raises(LoadError, match="no such file or folder"):
        load(tmp_path / "nowhere")


# ---- JSON --------------------------------------------------------------------------------------
def write_json(tmp_path: Path, document: object) -> Path:
    """``document`` written as a JSON file."""
    path = tmp_path / "campaign.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def json_campaign(**tables: object) -> dict[str, object]:
    """A JSON document with one campaign and the given tables."""
    campaign = dict(zip(CAMPAIGN[0], CAMPAIGN_ROW, strict=True))
    return {"campaign": [{**campaign, "year": 2015}], **tables}


def test_json_accepts_native_values(tmp_path: Path) -> None:
    """JSON records may use native numbers, booleans, null and arrays."""
    document = json_campaign(
        townships=[{"id": "T1", "kind": "town"}],
        villages=[{"id": "V1", "township_id": "T1", "poor": True, "name": None}],
        funds=[{"id": "F1", "holder": "charity"}],
        donors=[{"id": "E1", "kind": "private_enterprise"}],
        donations=[
            {"id": "D1", "donor_id": "E1", "fund_id": "F1", "amount": 1200, "on": "2015-10-01"},
            {"id": "D2", "donor_id": "E1", "fund_id": "F1", "amount": "¥3.50", "on": "2015-10-01"},
        ],
        activities=[
            {"id": "A1", "kind": "inspection_tour", "on": "2015-10-10", "villages": ["V1"]}
        ],
    )
    data = load(write_json(tmp_path, document))
    assert data.villages[0].poor is True
    assert [d.amount for d in data.donations] == [Money(1200), Money("3.50")]
    assert data.activities[0].villages == ("V1",)


def test_json_float_money_is_refused(tmp_path: Path) -> None:
    """A JSON number with a fraction is not money: it is an error naming the record."""
    document = json_campaign(
        funds=[{"id": "F1", "holder": "charity"}],
        donors=[{"id": "E1", "kind": "private_enterprise"}],
        donations=[
            {"id": "D1", "donor_id": "E1", "fund_id": "F1", "amount": 1200.5, "on": "2015-10-01"}
        ],
    )
    with pytest.raises(LoadError) as caught:
        load(write_json(tmp_path, document))
    (problem,) = caught.value.problems
    assert (problem.file, problem.row, problem.column, problem.value) == (
        "campaign.json:donations",
        1,
        "amount",
        "1200.5",
    )


def test_json_without_campaign(tmp_path: Path) -> None:
    """A JSON file without a campaign key is an error."""
    with pytest.raises(LoadError, match="campaign"):
        load(write_json(tmp_path, {"funds": []}))


def test_json_unknown_keys_give_notices(tmp_path: Path) -> None:
    """Unknown tables and fields in JSON are ignored with notices."""
    document = json_campaign(extras=[], funds=[{"id": "F1", "holder": "charity", "note": "x"}])
    _, notices = load_with_notices(write_json(tmp_path, document))
    assert {(n.file, n.column) for n in notices} == {
        ("campaign.json", None),
        ("campaign.json:funds", "note"),
    }


def test_docs_list_every_alias() -> None:
    """docs/data-format.md names every header alias the loader accepts."""
    from reliefkit.io._aliases import TABLE_ALIASES

    page = (Path(__file__).parents[1] / "docs" / "data-format.md").read_text(encoding="utf-8")
    aliases = set(HEADER_ALIASES) | {a for table in TABLE_ALIASES.values() for a in table}
    assert {a for a in aliases if a not in page} == set()


@pytest.mark.parametrize(
    ("file", "column"),
    [
        ("pairings.csv", "partner_id"),
        ("exit_plans.csv", "adopted_on"),
        ("work_plans.csv", "township_id"),
        ("waivers.csv", "subject_id"),
    ],
)
def test_second_record_with_the_same_key_is_an_error(
    tmp_path: Path, file: str, column: str
) -> None:
    """Tables without an id column have a key (a pairing's two units, an exit plan's village
    and day, a work plan's township, a waiver's code and subject): a second row with the
    same key is reported at that row and column, like a duplicate id."""
    from campaigns import build
    from reliefkit.models import Waiver

    data = build()
    if file == "waivers.csv":
        waiver = Waiver(
            code="CP110", subject_id="H1", reason="r", granted_by="LG", until="2016-03-31"
        )
        data = data.add(waiver)
    folder = dump(data, tmp_path / "dup")
    path = folder / file
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([*lines, lines[1]]) + "\n", encoding="utf-8")
    with pytest.raises(LoadError) as caught:
        load(folder)
    assert problem_keys(caught.value) == {(file, len(lines), column)}
    assert "a second" in caught.value.problems[0].expected


def test_unreadable_file_is_one_problem(tmp_path: Path) -> None:
    """A file that cannot be read (here UTF-16) is one problem; the references to its
    records are not reported one by one: one line per referring file and column counts them."""
    from campaigns import build

    folder = dump(build(), tmp_path / "utf16")
    funds = folder / "funds.csv"
    funds.write_bytes(funds.read_text(encoding="utf-8").encode("utf-16"))
    with pytest.raises(LoadError) as caught:
        load(folder)
    first, *consequences = caught.value.problems
    assert (first.file, first.row, first.column) == ("funds.csv", None, None)
    assert "not readable" in first.expected
    assert consequences
    assert len({(p.file, p.column) for p in consequences}) == len(consequences)
    assert all(p.row is None and "funds.csv could not be read" in p.expected for p in consequences)


def test_dump_to_a_json_path_writes_one_json_file(tmp_path: Path) -> None:
    """rk.dump to a path ending in .json writes one JSON file (not a folder of CSVs)."""
    import reliefkit as rk
    from reliefkit.examples import county_2015

    data = county_2015()
    written = rk.dump(data, tmp_path / "campaign.JSON")
    assert written.is_file()
    assert json.loads(written.read_text(encoding="utf-8"))
    assert rk.load(written) == data
