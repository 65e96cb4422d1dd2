"""Many campaigns, one source (issue 14): a folder of campaigns and format v1.1 (CSV and
Parquet) load as ``Campaigns`` and check per campaign and in total, on the object engine.

Expectations come from outside the loader under test: what ``synth`` planted in each county,
and each county's own v1 folder (cut from the v1.1 files by a reference splitter here) loaded
and checked on its own by ``rk.load``.
"""

from __future__ import annotations

import csv
import json
import shutil
from collections import Counter
from pathlib import Path

import pendulum
import pytest

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

import reliefkit as rk  # noqa: E402
from reliefkit.cli import main  # noqa: E402
from reliefkit.exceptions import LoadProblem  # noqa: E402
from reliefkit.io import (  # noqa: E402
    dump_json,
    load_campaigns_with_notices,
    load_with_notices,
)
from reliefkit.report import Outcome  # noqa: E402
from reliefkit.synth import SynthSummary, synth  # noqa: E402

AS_OF = "2015-12-31"  # every synthetic county has ended: each reports exactly its plants
COUNTIES = ("C0001", "C0002", "C0003")

Found = dict[str, list[tuple[str, ...]]]


@pytest.fixture(autouse=True)
def piped_at_80_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    """Output goes to a pipe 80 columns wide, whatever the terminal running the tests."""
    monkeypatch.setenv("COLUMNS", "80")


def _rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    return header, rows


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *rows])


def _split(source: Path, target: Path) -> dict[str, Path]:
    """A v1.1 CSV source cut into one v1 folder per campaign (a reference reader: the csv
    module and the first column, nothing of reliefkit)."""
    folders: dict[str, Path] = {}
    for path in sorted(source.glob("*.csv")):
        header, rows = _rows(path)
        assert header[0] == "campaign_id"
        for campaign in COUNTIES:
            folder = folders.setdefault(campaign, target / campaign)
            folder.mkdir(parents=True, exist_ok=True)
            mine = [row[1:] for row in rows if row[0] == campaign]
            _write(folder / path.name, header[1:], mine)
    return folders


def _found(report: rk.Report) -> Found:
    found: Found = {}
    for finding in report.findings:
        found.setdefault(finding.code, []).append(tuple(finding.subjects))
    return {code: sorted(subjects) for code, subjects in found.items()}


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """Three synthetic counties as v1.1 CSV and Parquet, cut into v1 folders, and gathered
    as a folder of campaigns (two CSV folders and a JSON file); made once."""
    root = tmp_path_factory.mktemp("many")
    summary = synth(root / "v11", households=600, counties=3, seed=3)
    synth(root / "parquet", households=600, counties=3, seed=3, format="parquet")
    folders = _split(root / "v11", root / "cut")
    layout = root / "folders"
    layout.mkdir()
    for campaign, folder in folders.items():
        if campaign == "C0003":
            dump_json(rk.load(folder), layout / "c0003.json")
        else:
            shutil.copytree(folder, layout / campaign.lower())
    one_by_one = {}
    for campaign, folder in folders.items():
        data = rk.load(folder)
        one_by_one[campaign] = _found(rk.check(data, as_of=AS_OF))
    return {"summary": summary, "root": root, "folders": folders, "one_by_one": one_by_one}


def _planted(summary: SynthSummary, campaign: str) -> Found:
    """What synth planted in one county: one finding per rule, its subjects."""
    return {
        code: sorted(s for s in subjects if s[0].startswith(f"{campaign}-"))
        for code, subjects in summary.subjects.items()
    }


_CHECKED: dict[Path, rk.CampaignsReport] = {}


def _check_all(path: Path) -> rk.CampaignsReport:
    """Every campaign of a source of the module's, checked (once per source)."""
    if path not in _CHECKED:
        _CHECKED[path] = rk.check(rk.load_campaigns(path), as_of=AS_OF)
    return _CHECKED[path]


@pytest.mark.parametrize("source", ["v11", "parquet", "folders"])
def test_each_campaign_reports_as_when_checked_alone(made: dict[str, object], source: str) -> None:
    """Each campaign reports as its own v1 folder checked alone: exactly what synth planted."""
    root = made["root"]
    assert isinstance(root, Path)
    report = _check_all(root / source)
    assert list(report.reports) == list(COUNTIES)
    summary = made["summary"]
    assert isinstance(summary, SynthSummary)
    for campaign, one in report.reports.items():
        assert _found(one) == made["one_by_one"][campaign]  # type: ignore[index]
        assert _found(one) == _planted(summary, campaign)
    assert report.by_code() == dict(summary.planted)
    assert len(report.findings) == 24 * 3 and not report.ok and report.exit_code == 1


def test_lazy_folder_of_campaigns_checks_the_same(made: dict[str, object]) -> None:
    """lazy=True loads each campaign when used, and checks to the same findings and frame."""
    root = made["root"]
    assert isinstance(root, Path)
    lazy = rk.load_campaigns(root / "folders", lazy=True)
    assert lazy.is_lazy and "loaded when used" in repr(lazy)
    assert lazy["C0002"] == rk.load(root / "folders" / "c0002")
    lazy_report, eager_report = rk.check(lazy, as_of=AS_OF), _check_all(root / "folders")
    assert lazy_report.findings == eager_report.findings
    assert "dataset" not in lazy_report.reports["C0001"].context
    lazy_frame, eager_frame = lazy_report.to_frame(), eager_report.to_frame()
    assert lazy_frame["township"].tolist() == eager_frame["township"].tolist()
    assert eager_frame["township"].notna().any()


def test_campaigns_is_an_ordered_read_only_mapping(made: dict[str, object]) -> None:
    """Campaigns maps campaign id to Dataset in id order, with len, `in` and a short repr."""
    root = made["root"]
    assert isinstance(root, Path)
    campaigns = rk.load_campaigns(root / "v11")
    assert len(campaigns) == 3 and list(campaigns) == list(COUNTIES) and "C0002" in campaigns
    assert all(isinstance(d, rk.Dataset) and d.campaign.id == k for k, d in campaigns.items())
    assert repr(campaigns).startswith("<Campaigns: 3 campaigns from ")
    with pytest.raises(TypeError):
        campaigns["C0009"] = campaigns["C0001"]  # type: ignore[index]
    with pytest.raises(rk.InvalidValueError, match="given twice"):
        rk.Campaigns.of([campaigns["C0001"], campaigns["C0001"]])


def test_load_refuses_a_source_of_many_campaigns(made: dict[str, object]) -> None:
    """rk.load of many campaigns is a LoadError saying to use load_campaigns or the CLI."""
    root = made["root"]
    assert isinstance(root, Path)
    for source in ("v11", "parquet", "folders"):
        with pytest.raises(rk.LoadError, match=r"3 campaigns.*load_campaigns") as caught:
            rk.load(root / source)
        assert "reliefkit check" in str(caught.value)


def test_a_v11_source_of_one_campaign_loads_as_a_dataset(tmp_path: Path) -> None:
    """A v1.1 (Parquet) source of one county is a Dataset for rk.load, checking to its plants."""
    summary = synth(tmp_path / "one", households=300, counties=1, format="parquet", seed=4)
    assert summary.version == "1.1"
    data = rk.load(tmp_path / "one")
    assert isinstance(data, rk.Dataset)
    assert Counter(f.code for f in rk.check(data, as_of=AS_OF).findings) == summary.planted


def test_a_v1_folder_still_loads_as_a_dataset(made: dict[str, object]) -> None:
    """A v1 folder is a Dataset for rk.load and one campaign for load_campaigns."""
    folder = made["folders"]["C0001"]  # type: ignore[index]
    data = rk.load(folder)
    assert isinstance(data, rk.Dataset) and data.campaign.id == "C0001"
    assert dict(rk.load_campaigns(folder)) == {"C0001": data}


def _problems(path: Path) -> list[LoadProblem]:
    with pytest.raises(rk.LoadError) as caught:
        rk.load_campaigns(path)
    return list(caught.value.problems)


def _v11_copy(made: dict[str, object], tmp_path: Path) -> Path:
    """A copy of the module's format v1.1 CSV source, to edit."""
    root = made["root"]
    assert isinstance(root, Path)
    return shutil.copytree(root / "v11", tmp_path / "v11")


def _rows_naming(source: Path, campaign: str) -> dict[str, int]:
    """How many rows of each file but the campaign file name ``campaign`` (the csv module's
    count), by file."""
    found = {}
    for path in sorted(source.glob("*.csv")):
        count = sum(row[0] == campaign for row in _rows(path)[1])
        if path.name != "campaign.csv" and count:
            found[path.name] = count
    return found


def _counted(problems: list[LoadProblem]) -> dict[str, int]:
    """The count each problem starts with, by file."""
    return {p.file: int(p.expected.split()[0].replace(",", "")) for p in problems}


def _first_household(rows: list[list[str]], campaign: str) -> tuple[int, str]:
    """(data row, id) of the first household of ``campaign`` (column 0: campaign_id)."""
    return next((n, row[1]) for n, row in enumerate(rows, 1) if row[0] == campaign)


def test_an_id_in_two_campaigns_is_one_problem_naming_both(
    made: dict[str, object], tmp_path: Path
) -> None:
    """A C0001 id reused by C0002 is one problem at C0002's row that names C0001 and its file."""
    root = made["root"]
    assert isinstance(root, Path)
    source = _v11_copy(made, tmp_path)
    _, households = _rows(source / "households.csv")
    _, taken = _first_household(households, "C0001")
    row, renamed = _first_household(households, "C0002")
    for path in source.glob("*.csv"):
        header, rows = _rows(path)
        rows = [[taken if c == renamed else c for c in r] if r[0] == "C0002" else r for r in rows]
        _write(path, header, rows)
    (problem,) = _problems(source)
    assert (problem.file, problem.row, problem.column) == ("households.csv", row, "id")
    assert "campaign 'C0001' (households.csv)" in problem.expected

    folders = shutil.copytree(root / "folders", tmp_path / "folders")
    for path in (folders / "c0002").glob("*.csv"):
        header, rows = _rows(path)
        _write(path, header, [[taken if c == renamed else c for c in r] for r in rows])
    (problem,) = _problems(folders)
    assert (problem.file, problem.column) == ("c0002/households.csv", "id")
    assert problem.row == 1
    assert "campaign 'C0001' (c0001/households.csv)" in problem.expected


def test_a_row_naming_no_campaign_is_a_problem_at_its_campaign_id(
    made: dict[str, object], tmp_path: Path
) -> None:
    """A row whose campaign_id names no campaign row is a problem at that row and column."""
    source = _v11_copy(made, tmp_path)
    header, rows = _rows(source / "audits.csv")  # nothing refers to an audit
    rows[1][0] = "C0009"
    _write(source / "audits.csv", header, rows)
    (problem,) = _problems(source)
    assert (problem.file, problem.row, problem.column) == ("audits.csv", 2, "campaign_id")
    assert "campaign" in problem.expected


def _blank_campaign_row(source: Path, campaign: str, *, keep_campaign_id: bool) -> int:
    """Empty the id of ``campaign``'s row in campaign.csv (and its campaign_id, unless
    kept); its data row."""
    header, rows = _rows(source / "campaign.csv")
    at = next(n for n, row in enumerate(rows) if row[header.index("id")] == campaign)
    rows[at][header.index("id")] = ""
    if not keep_campaign_id:
        rows[at][header.index("campaign_id")] = ""
    _write(source / "campaign.csv", header, rows)
    return at + 1


def test_a_campaign_row_without_its_id_is_one_problem(
    made: dict[str, object], tmp_path: Path
) -> None:
    """A campaign row whose id is emptied, its campaign_id kept, is one problem at that id:
    the rows of that campaign in the other files are not reported again."""
    source = _v11_copy(made, tmp_path)
    row = _blank_campaign_row(source, "C0002", keep_campaign_id=True)
    (problem,) = _problems(source)
    assert (problem.file, problem.row, problem.column) == ("campaign.csv", row, "id")


def test_a_campaign_that_cannot_be_told_is_one_count_per_file(
    made: dict[str, object], tmp_path: Path
) -> None:
    """A campaign row with neither id nor campaign_id: one problem at its id, then one per
    other file counting the rows that name a campaign not there (counted here by the csv
    module), after it, pointing at that row."""
    source = _v11_copy(made, tmp_path)
    row = _blank_campaign_row(source, "C0002", keep_campaign_id=False)
    expected = _rows_naming(source, "C0002")
    first, *counts = _problems(source)
    assert (first.file, first.row, first.column) == ("campaign.csv", row, "id")
    assert _counted(counts) == expected
    for problem in counts:
        assert (problem.row, problem.column, problem.value) == (None, "campaign_id", None)
        assert f"campaign.csv, data row(s) {row})" in problem.expected


def _edit_campaign_row(source: Path, campaign: str, edit: str) -> int:
    """Edit ``campaign``'s row of campaign.csv; its data row."""
    header, rows = _rows(source / "campaign.csv")
    at = next(n for n, row in enumerate(rows) if row[header.index("id")] == campaign)
    row = rows[at]
    if edit == "empty row":
        rows[at] = [""] * len(header)
    elif edit == "another id":
        row[header.index("id")] = "C0009"
    elif edit == "an id on two rows":
        row[header.index("id")] = "C0001"
    elif edit == "an id on two rows, no campaign_id":
        row[header.index("id")] = "C0001"
        row[header.index("campaign_id")] = ""
    elif edit == "no id, another campaign's campaign_id":
        row[header.index("id")] = ""
        row[header.index("campaign_id")] = "C0003"
    _write(source / "campaign.csv", header, rows)
    return at + 1


@pytest.mark.parametrize(
    ("edit", "told"),
    [
        ("another id", True),
        ("an id on two rows", True),
        ("an id on two rows, no campaign_id", False),
        ("no id, another campaign's campaign_id", False),
        ("empty row", False),
    ],
)
def test_a_refused_campaign_row_is_not_reported_again_row_by_row(
    made: dict[str, object], tmp_path: Path, edit: str, told: bool
) -> None:
    """A campaign row refused: one problem at it. Its campaign's rows in the other files are
    not reported again when its campaign_id tells the campaign, else one count per file
    (counted here by the csv module) pointing at it; an empty row is skipped, and counted."""
    source = _v11_copy(made, tmp_path)
    row = _edit_campaign_row(source, "C0002", edit)
    problems = _problems(source)
    own = [p for p in problems if p.file == "campaign.csv"]
    counts = [p for p in problems if p.file != "campaign.csv"]
    assert [p.row for p in own] == ([] if edit == "empty row" else [row])
    if told:
        assert counts == []
        return
    expected = _rows_naming(source, "C0002")
    assert _counted(counts) == expected
    assert all("(campaign.csv, " in p.expected and p.row is None for p in counts)


@pytest.mark.parametrize("edit", ["campaign_id C0009", "a copy of a row", "empty rows at the end"])
def test_a_campaign_id_typo_is_still_reported_at_its_row(
    made: dict[str, object], tmp_path: Path, edit: str
) -> None:
    """A campaign row refused whose campaign is still told (its campaign_id names no other
    campaign; an exact copy of a row), or empty rows after the last campaign row: a typo in
    another file's campaign_id is still a problem at its own row."""
    source = _v11_copy(made, tmp_path)
    header, rows = _rows(source / "campaign.csv")
    if edit == "campaign_id C0009":
        rows[1][header.index("campaign_id")] = "C0009"
    elif edit == "a copy of a row":
        rows.append(list(rows[0]))
    else:
        rows += [[""] * len(header), [""] * len(header)]
    _write(source / "campaign.csv", header, rows)
    households_header, households = _rows(source / "households.csv")
    households[4][0] = "C00O1"
    _write(source / "households.csv", households_header, households)
    problems = _problems(source)
    typo = [p for p in problems if p.file == "households.csv"]
    assert [(p.row, p.column, p.value) for p in typo] == [(5, "campaign_id", "C00O1")]
    assert len([p for p in problems if p.file == "campaign.csv"]) == (
        edit != "empty rows at the end"
    )


def test_an_empty_campaign_file_is_a_problem_of_its_own(
    made: dict[str, object], tmp_path: Path
) -> None:
    """campaign.csv emptied (0 bytes): a problem at campaign.csv, before the counts."""
    source = _v11_copy(made, tmp_path)
    (source / "campaign.csv").write_bytes(b"")
    problems = _problems(source)
    assert (problems[0].file, problems[0].row) == ("campaign.csv", None)
    assert "campaign row" in problems[0].expected
    assert all(p.expected.endswith("fix that first") for p in problems[1:])


@pytest.mark.parametrize("column", ["head_name", "resident_id"])
def test_a_campaign_id_holding_its_rows_personal_data_is_masked(
    made: dict[str, object], tmp_path: Path, column: str
) -> None:
    """A household's own head's name or resident ID typed into its campaign_id is a problem
    at that cell that never shows it whole."""
    source = _v11_copy(made, tmp_path)
    header, rows = _rows(source / "households.csv")
    secret = rows[0][header.index(column)]
    rows[0][0] = secret
    _write(source / "households.csv", header, rows)
    with pytest.raises(rk.LoadError) as caught:
        rk.load_campaigns(source)
    problem = next(p for p in caught.value.problems if p.column == "campaign_id")
    assert (problem.file, problem.row, problem.value) == ("households.csv", 1, secret)
    shown = [str(caught.value), repr(problem), str(problem), json.dumps(problem.to_dict())]
    assert not [text for text in shown if secret in text]


def test_an_id_in_two_campaigns_holding_a_name_is_masked(
    made: dict[str, object], tmp_path: Path
) -> None:
    """A head's name typed as the id and name of a household in two campaigns: the problem
    of the later one never shows the name whole."""
    source = _v11_copy(made, tmp_path)
    header, rows = _rows(source / "households.csv")
    secret = "张伟"
    later = 0
    for campaign in ("C0001", "C0002"):
        row, _ = _first_household(rows, campaign)
        rows[row - 1][header.index("id")] = rows[row - 1][header.index("head_name")] = secret
        later = row
    _write(source / "households.csv", header, rows)
    with pytest.raises(rk.LoadError) as caught:
        rk.load_campaigns(source)
    problem = next(p for p in caught.value.problems if "whole source" in p.expected)
    assert (problem.file, problem.row, problem.column, problem.value) == (
        "households.csv",
        later,
        "id",
        secret,
    )
    shown = [str(caught.value), repr(problem), str(problem), json.dumps(problem.to_dict())]
    assert not [text for text in shown if secret in text]


def test_a_count_of_consequences_comes_after_its_cause(
    made: dict[str, object], tmp_path: Path
) -> None:
    """people.csv cut short by an unclosed quote: the count of townships' leaders not found
    (townships.csv comes before people.csv) is listed after the problem that causes it."""
    source = _v11_copy(made, tmp_path)
    lines = (source / "people.csv").read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace(",", ',"', 1)
    (source / "people.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = _problems(source)
    files = [p.file for p in problems]
    assert files[0] == "people.csv" and problems[0].row == 3
    assert "townships.csv" in files[1:]
    assert all(p.row is None and p.expected.endswith("fix that first") for p in problems[1:])


def test_every_problem_of_every_campaign_is_in_one_error(
    made: dict[str, object], tmp_path: Path
) -> None:
    """Bad cells in two campaigns are one LoadError naming each one's file, row and column."""
    root = made["root"]
    assert isinstance(root, Path)
    source = _v11_copy(made, tmp_path)
    header, rows = _rows(source / "donations.csv")
    amount = header.index("amount")
    first = next(n for n, r in enumerate(rows) if r[0] == "C0001")
    last = max(n for n, r in enumerate(rows) if r[0] == "C0003")
    rows[first][amount] = "1.005"
    rows[last][amount] = "12 50"
    _write(source / "donations.csv", header, rows)
    problems = _problems(source)
    assert [(p.file, p.row, p.column) for p in problems] == [
        ("donations.csv", first + 1, "amount"),
        ("donations.csv", last + 1, "amount"),
    ]
    assert "donations.csv, data row" in str(rk.LoadError("x", problems))

    folders = shutil.copytree(root / "folders", tmp_path / "folders")
    for name, cell in (("c0001", "2015-13-01"), ("c0002", "2015/10/17")):
        header, rows = _rows(folders / name / "activities.csv")
        rows[0][header.index("on")] = cell
        _write(folders / name / "activities.csv", header, rows)
    problems = _problems(folders)
    assert [(p.file, p.row, p.column) for p in problems] == [
        ("c0001/activities.csv", 1, "on"),
        ("c0002/activities.csv", 1, "on"),
    ]


def test_a_parquet_column_of_the_wrong_type_is_refused(
    made: dict[str, object], tmp_path: Path
) -> None:
    """Money written as floats in a Parquet file is one problem for the column, not rounded."""
    root = made["root"]
    assert isinstance(root, Path)
    source = shutil.copytree(root / "parquet", tmp_path / "parquet")
    table = pq.read_table(source / "donations.parquet")
    at = table.column_names.index("amount")
    floats = table.set_column(at, "amount", table["amount"].cast(pa.float64()))
    pq.write_table(floats, source / "donations.parquet")
    problems = _problems(source)
    assert [(p.file, p.row, p.column) for p in problems][:1] == [
        ("donations.parquet", None, "amount")
    ]
    assert "float" in problems[0].expected


def test_a_bad_parquet_cell_names_its_record(made: dict[str, object], tmp_path: Path) -> None:
    """A Parquet cell is read by the CSV's rules: a bad one names file, record and column."""
    root = made["root"]
    assert isinstance(root, Path)
    source = shutil.copytree(root / "parquet", tmp_path / "parquet")
    table = pq.read_table(source / "activities.parquet")
    kinds = table["kind"].to_pylist()
    kinds[4] = "party"
    table = table.set_column(table.column_names.index("kind"), "kind", pa.array(kinds))
    pq.write_table(table, source / "activities.parquet")
    (problem,) = _problems(source)
    assert (problem.file, problem.row, problem.column) == ("activities.parquet", 5, "kind")
    assert "activities.parquet, record 5, column kind" in str(problem)


def test_outcomes_across_campaigns_keep_the_worst() -> None:
    """A rule's total outcome: error over fail over pass over not applicable."""
    as_of = pendulum.Date(2015, 12, 31)
    outcomes = [
        {"A": Outcome.PASS, "B": Outcome.NOT_APPLICABLE, "C": Outcome.FAIL, "D": Outcome.PASS},
        {"A": Outcome.FAIL, "B": Outcome.PASS, "C": Outcome.ERROR, "D": Outcome.NOT_APPLICABLE},
    ]
    reports = [
        (f"K{i}", rk.Report(as_of=as_of, campaign_id=f"K{i}", findings=(), outcomes=o))
        for i, o in enumerate(outcomes)
    ]
    total = rk.CampaignsReport.collect(reports, as_of=as_of, keep_datasets=True)
    assert total.outcomes == {
        "A": Outcome.FAIL,
        "B": Outcome.PASS,
        "C": Outcome.ERROR,
        "D": Outcome.PASS,
    }
    assert total.ok and total.exit_code == 0 and total.to_frame().empty


def test_renderings_hold_every_campaign(made: dict[str, object]) -> None:
    """JSON, text and frames hold every campaign's report, then (or with) the totals."""
    root = made["root"]
    assert isinstance(root, Path)
    report = _check_all(root / "v11")
    document = json.loads(report.to_json())
    assert list(document["campaigns"]) == list(COUNTIES)
    assert document["campaigns"]["C0002"]["schema"] == "reliefkit.report.v1"
    assert document["campaigns"]["C0002"] == report.reports["C0002"].to_dict()
    total = document["total"]
    assert total["findings"] == 72 and total["campaigns"] == 3 and total["ok"] is False
    assert total["outcomes"]["CP101"] == "fail" and total["by_code"]["CP124"] == 3
    text = report.to_text()
    lines = text.splitlines()
    assert lines[0] == "reliefkit check of 3 campaigns as of 2015-12-31"
    assert [line.split(":")[0].strip() for line in lines[1:4]] == list(COUNTIES)
    assert lines[4].startswith("total: 72 findings")
    assert text.index("reliefkit check of C0001") < text.index("reliefkit check of C0003")
    assert "活动" in report.to_text(lang="zh")
    frame = report.to_frame()
    assert list(frame.columns[:2]) == ["campaign_id", "code"] and len(frame) == 72
    assert frame.groupby("campaign_id").size().to_dict() == dict.fromkeys(COUNTIES, 24)
    polars = report.to_frame(backend="polars", lang="zh")
    assert polars.columns[0] == "活动" and polars.height == 72
    assert "3 campaigns" in repr(report) and str(report).startswith("reliefkit check of 3")


def test_cli_checks_many_campaigns(
    made: dict[str, object], capsys: pytest.CaptureFixture[str]
) -> None:
    """The CLI prints many campaigns as text or JSON, exits 0 or 1 as for one; HTML is exit 2."""
    root = made["root"]
    assert isinstance(root, Path)
    assert main(["check", str(root / "folders"), "--as-of", AS_OF]) == 1
    out = capsys.readouterr().out
    assert out.startswith("reliefkit check of 3 campaigns") and "total: 72 findings" in out
    assert main(["check", str(root / "parquet"), "--as-of", AS_OF, "--format", "json"]) == 1
    document = json.loads(capsys.readouterr().out)
    assert {k: len(v["findings"]) for k, v in document["campaigns"].items()} == dict.fromkeys(
        COUNTIES, 24
    )
    assert main(["check", str(root / "v11"), "--as-of", AS_OF, "--select", "RK"]) == 0
    capsys.readouterr()
    assert main(["check", str(root / "v11"), "--as-of", AS_OF, "--format", "html"]) == 2
    assert "holds 3 campaigns" in capsys.readouterr().err


def test_cli_bad_input_is_exit_2_listing_every_problem(
    made: dict[str, object], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Bad cells in many campaigns are exit 2, every problem listed (as JSON with --format)."""
    root = made["root"]
    assert isinstance(root, Path)
    folders = shutil.copytree(root / "folders", tmp_path / "folders")
    for name in ("c0001", "c0002"):
        header, rows = _rows(folders / name / "activities.csv")
        rows[0][header.index("on")] = "someday"
        _write(folders / name / "activities.csv", header, rows)
    assert main(["check", str(folders), "--as-of", AS_OF]) == 2
    err = capsys.readouterr().err
    assert "c0001/activities.csv, data row 1" in err and "c0002/activities.csv, data row 1" in err
    assert main(["check", str(folders), "--as-of", AS_OF, "--format", "json"]) == 2
    document = json.loads(capsys.readouterr().out)
    assert len(document["problems"]) == 2


def test_notices_name_the_file_within_the_source(made: dict[str, object], tmp_path: Path) -> None:
    """A notice of one campaign of a folder names its sub-folder; other files are noticed."""
    root = made["root"]
    assert isinstance(root, Path)
    folders = shutil.copytree(root / "folders", tmp_path / "folders")
    (folders / "README.md").write_text("campaigns of the province\n", encoding="utf-8")
    (folders / "c0001" / "donation.csv").write_text("id\n", encoding="utf-8")
    campaigns, notices = load_campaigns_with_notices(folders)
    assert len(campaigns) == 3
    assert {n.file for n in notices} == {"README.md", "c0001/donation.csv"}


def _drop_columns(path: Path, *names: str) -> None:
    """Rewrite a CSV file without the columns ``names`` (the csv module only)."""
    header, rows = _rows(path)
    keep = [i for i, name in enumerate(header) if name not in names]
    _write(path, [header[i] for i in keep], [[row[i] for i in keep] for row in rows])


def test_a_file_without_campaign_id_is_one_problem(made: dict[str, object], tmp_path: Path) -> None:
    """A v1.1 file missing campaign_id is one problem, its rows' cells still checked, as in v1."""
    root = made["root"]
    assert isinstance(root, Path)
    source = _v11_copy(made, tmp_path)
    header, rows = _rows(source / "households.csv")
    rows[6][header.index("members")] = "many"  # data row 7: a bad cell, reported as in v1
    _write(source / "households.csv", header, rows)
    _drop_columns(source / "households.csv", "campaign_id")
    problems = _problems(source)
    assert [(p.file, p.row, p.column) for p in problems] == [
        ("households.csv", None, "campaign_id"),
        ("households.csv", 7, "members"),
    ]

    cut = shutil.copytree(made["folders"]["C0001"], tmp_path / "v1")  # type: ignore[index]
    _drop_columns(cut / "households.csv", "village_id")
    with pytest.raises(rk.LoadError) as caught:  # v1, for comparison: one problem
        rk.load(cut)
    assert len(caught.value.problems) == 1

    parquet = shutil.copytree(root / "parquet", tmp_path / "parquet")
    table = pq.read_table(parquet / "households.parquet")
    pq.write_table(table.drop_columns(["campaign_id"]), parquet / "households.parquet")
    (problem,) = _problems(parquet)
    assert (problem.file, problem.row, problem.column) == (
        "households.parquet",
        None,
        "campaign_id",
    )


def _references(path: Path, column: str) -> int:
    """How many household ids a CSV column names (``;``-separated lists; the csv module)."""
    header, rows = _rows(path)
    at = header.index(column)
    return sum(1 for row in rows for part in row[at].split(";") if part.strip())


def test_ids_of_a_file_without_campaign_id_or_id_are_counted_per_file(
    made: dict[str, object], tmp_path: Path
) -> None:
    """Without campaign_id and id, references to the file are one count per file and column."""
    source = _v11_copy(made, tmp_path)
    _drop_columns(source / "households.csv", "campaign_id", "id")
    problems = _problems(source)
    assert [(p.file, p.row, p.column) for p in problems[:2]] == [
        ("households.csv", None, "campaign_id"),
        ("households.csv", None, "id"),
    ]
    counted = {(p.file, p.column): p.expected for p in problems[2:]}
    expected = {
        ("activities.csv", "households"): _references(source / "activities.csv", "households"),
        ("disbursements.csv", "household_id"): _references(
            source / "disbursements.csv", "household_id"
        ),
    }
    assert set(counted) == set(expected)
    for key, count in expected.items():
        assert counted[key].startswith(f"{count:,} id(s) not found")
        assert "households.csv" in counted[key]


def test_consequences_of_an_unreadable_file_are_one_line_per_file_and_column(
    made: dict[str, object], tmp_path: Path
) -> None:
    """An unreadable Parquet file's consequences are one line per file and column, summed."""
    root = made["root"]
    assert isinstance(root, Path)
    source = shutil.copytree(root / "parquet", tmp_path / "parquet")
    whole = (source / "households.parquet").read_bytes()
    (source / "households.parquet").write_bytes(whole[:1000])  # cut short: unreadable
    activities = pq.read_table(source / "activities.parquet")["households"].to_pylist()
    listed = sum(1 for cell in activities if cell for part in cell.split(";") if part.strip())
    paid = pq.read_table(source / "disbursements.parquet")["household_id"].to_pylist()
    problems = _problems(source)
    assert (problems[0].file, problems[0].row) == ("households.parquet", None)
    lines = [(p.file, p.column, p.expected.split(" ")[0]) for p in problems[1:]]
    assert lines == [
        ("activities.parquet", "households", f"{listed:,}"),
        ("disbursements.parquet", "household_id", f"{sum(1 for v in paid if v):,}"),
    ]
    assert all(p.expected.endswith("fix that first") for p in problems[1:])


def test_a_v11_source_without_format_json_says_to_write_it(
    made: dict[str, object], tmp_path: Path
) -> None:
    """A v1.1 source without format.json is one problem saying why and what to write in it."""
    root = made["root"]
    assert isinstance(root, Path)
    wanted = {"format": "reliefkit", "version": "1.1"}  # as docs/data-format.md says
    for name in ("v11", "parquet"):
        source = shutil.copytree(root / name, tmp_path / name)
        (source / "format.json").unlink()
        for load in (rk.load_campaigns, rk.load):
            with pytest.raises(rk.LoadError) as caught:
                load(source)
            (problem,) = caught.value.problems
            assert (problem.file, problem.row, problem.column) == ("format.json", None, None)
            assert json.dumps(wanted) in problem.expected
        reason = "campaign_id column and 3 campaign rows" if name == "v11" else "Parquet"
        assert reason in problem.expected
        (source / "format.json").write_text(json.dumps(wanted), encoding="utf-8")
        assert list(rk.load_campaigns(source)) == list(COUNTIES)


def test_format_json_problems_say_plainly_what_is_wrong(
    made: dict[str, object], tmp_path: Path
) -> None:
    """A number for the version, or text that is not JSON, is named as such in format.json."""
    source = _v11_copy(made, tmp_path)
    (source / "format.json").write_text('{"format": "reliefkit", "version": 1.1}')
    (problem,) = _problems(source)
    assert (problem.file, problem.column, problem.value) == ("format.json", "version", "1.1")
    assert "not the number 1.1" in problem.expected and '"1.1", in quotes' in problem.expected
    text = '{"format": "reliefkit", "version": '
    (source / "format.json").write_text(text)
    (problem,) = _problems(source)
    # the text ends on line 1: the value it lacks would be the next character
    assert problem.expected.startswith(
        f"not valid JSON (Expecting value at line 1, column {len(text) + 1})"
    )
    (source / "format.json").write_text('["reliefkit", "1.1"]')
    (problem,) = _problems(source)
    assert "a JSON list" in problem.expected


def test_files_the_loader_does_not_read_are_named(made: dict[str, object], tmp_path: Path) -> None:
    """A table's file in the other format is a problem naming it; a sub-folder is a notice."""
    root, cuts = made["root"], made["folders"]
    assert isinstance(root, Path) and isinstance(cuts, dict)
    cut = shutil.copytree(cuts["C0001"], tmp_path / "v1")
    header, rows = _rows(cut / "pledges.csv")
    pq.write_table(
        pa.table({h: [r[i] for r in rows] for i, h in enumerate(header)}), cut / "pledges.parquet"
    )
    (cut / "pledges.csv").unlink()
    for load in (rk.load, rk.load_campaigns):
        with pytest.raises(rk.LoadError) as caught:
            load(cut)
        (problem,) = caught.value.problems
        assert problem.file == "pledges.parquet" and "pledges.csv" in problem.expected

    v1 = shutil.copytree(cuts["C0001"], tmp_path / "v1-with-a-campaign")
    shutil.copytree(cuts["C0002"], v1 / "c0002")
    data, notices = load_with_notices(v1)
    assert data.campaign.id == "C0001"
    assert [n.file for n in notices] == ["c0002"]
    v11 = shutil.copytree(root / "v11", tmp_path / "v11")
    shutil.copytree(cuts["C0002"], v11 / "c0002")
    campaigns, notices = load_campaigns_with_notices(v11)
    assert list(campaigns) == list(COUNTIES) and [n.file for n in notices] == ["c0002"]
    folders = shutil.copytree(root / "folders", tmp_path / "folders")
    shutil.copytree(cuts["C0002"], folders / "c0001" / "old")
    campaigns, notices = load_campaigns_with_notices(folders)
    assert len(campaigns) == 3 and [n.file for n in notices] == ["c0001/old"]

    mixed = shutil.copytree(root / "v11", tmp_path / "mixed")
    pq.write_table(pa.table({"campaign_id": ["C0001"]}), mixed / "pledges.parquet")
    (problem,) = _problems(mixed)
    assert problem.file == "pledges.parquet" and "pledges.csv" in problem.expected


def test_cli_html_refusal_gives_advice_that_works(
    made: dict[str, object], capsys: pytest.CaptureFixture[str]
) -> None:
    """Refusing HTML for a v1.1 source advises what works: its Python snippet makes the page."""
    root = made["root"]
    assert isinstance(root, Path)
    assert main(["check", str(root / "v11"), "--as-of", AS_OF, "--format", "html"]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "on its own" not in err
    snippet = err.split("in Python: ")[1].strip()
    code = (
        snippet.replace("PATH", repr(str(root / "v11")))
        .replace("CAMPAIGN_ID", repr("C0002"))
        .replace("AS_OF", repr(AS_OF))
    )
    names: dict[str, object] = {"rk": rk}
    exec(code, names)  # the advice, run as a user would
    html = names["html"]
    assert isinstance(html, str) and html.lstrip().lower().startswith("<!doctype html")
    assert "C0002" in html
