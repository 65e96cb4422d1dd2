"""Edges you can trust (issue 12, loader side): nothing lost without a word, hostile files
refused with a clear problem, and errors a person can act on — each reproduction a test."""

from __future__ import annotations

import contextlib
import io
import json
import os
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

import pytest

from campaigns import build
from reliefkit.cli import main
from reliefkit.examples import county_2015
from reliefkit.exceptions import InvalidValueError, LoadError, ReliefkitError
from reliefkit.io import dump, dump_json, load, load_with_notices
from reliefkit.io._limits import MAX_CELL_CHARS, MAX_COLUMNS, MAX_JSON_DEPTH, MAX_YUAN
from reliefkit.models import Dataset, Money


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The compliant campaign written as CSV."""
    return dump(build(), tmp_path / "c")


@pytest.fixture
def document(tmp_path: Path) -> dict[str, list[dict[str, object]]]:
    """The compliant campaign as a JSON document (a dict)."""
    path = dump_json(build(), tmp_path / "c.json")
    loaded: dict[str, list[dict[str, object]]] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def refused(path: Path) -> LoadError:
    """The LoadError loading ``path`` raises (the test fails if it loads)."""
    with pytest.raises(LoadError) as caught:
        load(path)
    return caught.value


def write(tmp_path: Path, text: str, name: str = "c.json") -> Path:
    """``text`` written as a UTF-8 file (JSON written by hand: duplicate keys, escapes)."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    return path


def edit(path: Path, old: str, new: str) -> None:
    """Replace the first ``old`` in a file by ``new``, as it is."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def edit_cell(path: Path, old: str, new: str) -> None:
    """Replace the first ``old`` in a CSV file by the cell ``new`` (quoted if need be)."""
    if any(c in new for c in ',"\n'):
        new = '"' + new.replace('"', '""') + '"'
    edit(path, old, new)


def cli(*args: str) -> tuple[int, str, str]:
    """Run the command line in-process: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as exit:  # argparse refusing an argument
            code = exit.code if isinstance(exit.code, int) else 2
    return code, out.getvalue(), err.getvalue()


# ---- nothing lost without a word: JSON keys ---------------------------------------------------
def test_json_table_given_twice_is_refused(tmp_path: Path, document: dict[str, object]) -> None:
    """A second "donations" key is a problem naming the table, not 3 donations dropped."""
    text = json.dumps(document, ensure_ascii=False)
    text = text[:-1] + ', "donations": []}'
    error = refused(write(tmp_path, text))
    (problem,) = error.problems
    assert problem.file == "c.json:donations"
    assert "more than once" in problem.expected


def test_json_table_in_two_spellings_is_refused(
    tmp_path: Path, document: dict[str, object]
) -> None:
    """ "Donations" beside "donations" is one table given twice: a problem naming both keys."""
    text = json.dumps({**document, "Donations": []}, ensure_ascii=False)
    (problem,) = refused(write(tmp_path, text)).problems
    assert "'donations', 'Donations'" in problem.expected or "'Donations', 'donations'" in (
        problem.expected
    )


def test_json_consequences_are_one_line_per_table(
    tmp_path: Path, document: dict[str, object]
) -> None:
    """References to a JSON table that could not be read are counted in one line per
    referring table and field, named as JSON tables."""
    text = json.dumps({**document, "Villages": []}, ensure_ascii=False)
    first, *consequences = refused(write(tmp_path, text)).problems
    assert first.file == "c.json:villages"
    assert consequences
    assert {p.file for p in consequences} >= {"c.json:households"}
    assert all("c.json:villages could not be read" in p.expected for p in consequences)


def test_json_field_given_twice_is_refused(tmp_path: Path) -> None:
    """A record with the same field twice is a problem at that record and field, not "the
    last one wins"."""
    text = (
        '{"campaign": [{"id": "C1", "name": "x", "year": 2015, "county": "县", '
        '"starts_on": "2015-09-01", "ends_on": "2015-12-31", "ends_on": "2015-12-30"}]}'
    )
    (problem,) = refused(write(tmp_path, text)).problems
    assert (problem.file, problem.row, problem.column) == ("c.json:campaign", 1, "ends_on")
    assert "more than once" in problem.expected


# ---- nothing lost without a word: the folder --------------------------------------------------
def test_near_miss_file_name_is_refused(folder: Path) -> None:
    """donations.CSV is not read as donations, nor skipped silently: a problem names the
    expected name."""
    (folder / "donations.csv").rename(folder / "donations.CSV")
    error = refused(folder)
    problem = next(p for p in error.problems if p.file == "donations.csv")
    assert problem.value == "donations.CSV"
    assert "named exactly donations.csv" in problem.expected


@pytest.mark.parametrize("kind", ["directory", "dangling symlink", "fifo", "outside symlink"])
def test_only_regular_files_inside_the_folder_are_read(
    folder: Path, tmp_path: Path, kind: str
) -> None:
    """A directory, a dangling symlink, a FIFO or a symlink leading outside the folder under
    a table's name is refused by that name: never followed, never opened, never echoed."""
    table = folder / "donations.csv"
    secret = tmp_path / "secret.txt"
    secret.write_text("id,donor_id\nTOP-SECRET-LINE,x\n", encoding="utf-8")
    table.unlink()
    if kind == "directory":
        table.mkdir()
    elif kind == "dangling symlink":
        table.symlink_to(tmp_path / "nowhere.csv")
    elif kind == "fifo":
        if not hasattr(os, "mkfifo"):
            pytest.skip("no FIFOs here")
        os.mkfifo(table)
    else:
        table.symlink_to(secret)
    error = refused(folder)
    (problem,) = [p for p in error.problems if p.file == "donations.csv"]
    assert problem.row is None
    assert "not read" in problem.expected
    assert "TOP-SECRET" not in str(error)
    assert str(tmp_path) not in problem.expected


def test_symlink_to_a_file_inside_the_folder_is_read(folder: Path) -> None:
    """A symlink to a regular file in the same folder is read like the file."""
    (folder / "donations.csv").rename(folder / "donations-2015.keep")
    (folder / "donations.csv").symlink_to(folder / "donations-2015.keep")
    assert load(folder) == build()


def test_missing_purpose_column_is_one_problem(folder: Path) -> None:
    """projects.csv without `purpose` does not load with every purpose empty: one problem
    for the file and column."""
    path = folder / "projects.csv"
    header, *rows = path.read_text(encoding="utf-8").splitlines()
    index = header.split(",").index("purpose")
    cut = [",".join(c for i, c in enumerate(line.split(",")) if i != index) for line in rows]
    path.write_text("\n".join([header.replace(",purpose", ""), *cut]) + "\n", encoding="utf-8")
    (problem,) = refused(folder).problems
    assert (problem.file, problem.row, problem.column) == ("projects.csv", None, "purpose")


# ---- money: the documented spellings only, sums exact -----------------------------------------
@pytest.mark.parametrize("cell", ["1元5", "3元50", "1¥00", "12 50", "¥1,000元", "1 000", "1,2345"])
def test_money_misspellings_are_refused(folder: Path, cell: str) -> None:
    """A sign or a space inside the number is refused, never read as another amount."""
    edit_cell(folder / "donations.csv", "10000.00", cell)
    (problem,) = refused(folder).problems
    assert (problem.file, problem.row, problem.column, problem.value) == (
        "donations.csv",
        1,
        "amount",
        cell,
    )
    assert "money" in problem.expected


@pytest.mark.parametrize(
    ("cell", "yuan"),
    [
        ("¥10000", "10000"),
        ("￥10,000.00", "10000"),
        ("10,000元", "10000"),
        ("元10000", "10000"),
        ("10000¥", "10000"),
        ("¥ 10,000", "10000"),
        ("10000 元", "10000"),
        ("１０，０００．００元", "10000"),
    ],
)
def test_money_signs_before_or_after(folder: Path, cell: str, yuan: str) -> None:
    """¥, ￥ or 元 before or after the number (spaces between them allowed) reads the amount."""
    edit_cell(folder / "donations.csv", "10000.00", cell)
    assert load(folder).donations[0].amount == Money(yuan)


def test_money_beyond_the_maximum_is_refused(folder: Path) -> None:
    """A 26-digit amount is refused with the documented maximum, never rounded in a sum."""
    edit(folder / "donations.csv", "10000.00", "12345678901234567890123456.78")
    (problem,) = refused(folder).problems
    assert problem.column == "amount"
    assert "at most 999,999,999,999,999.99" in problem.expected


def test_sums_of_the_largest_amounts_are_exact(tmp_path: Path) -> None:
    """Amounts at the maximum add up exactly with Decimal's default context: what the
    ledgers and reports do."""
    data = build()
    biggest = Money(MAX_YUAN)
    donations = [d.__class__(**{**_fields(d), "amount": biggest}) for d in data.donations]
    tables = {name: rows for name, rows in data.tables().items() if name != "campaign"}
    data = Dataset.build(data.campaign, **{**tables, "donations": donations})
    loaded = load(dump(data, tmp_path / "c"))
    total = sum((d.amount.yuan for d in loaded.donations), Decimal(0))
    assert total == MAX_YUAN * len(donations)
    assert str(total).endswith("9.97")


def _fields(record: object) -> dict[str, object]:
    """A record's fields as keyword arguments."""
    import attrs

    return attrs.asdict(record, recurse=False)  # type: ignore[arg-type]


# ---- hostile files ----------------------------------------------------------------------------
def test_json_nested_100000_deep_is_a_load_error(tmp_path: Path) -> None:
    """100,000 nested arrays give a problem (and exit 2), not a RecursionError."""
    path = write(tmp_path, '{"campaign": ' + "[" * 100_000 + "]" * 100_000 + "}")
    (problem,) = refused(path).problems
    assert f"at most {MAX_JSON_DEPTH} levels" in problem.expected
    assert cli("check", str(path), "--as-of", "2015-12-31")[0] == 2


def test_json_depth_limit_is_exact(tmp_path: Path) -> None:
    """Nesting of exactly 16 levels passes the depth check (and fails on its shape); 17 is
    refused for its depth."""
    for depth, too_deep in ((MAX_JSON_DEPTH, False), (MAX_JSON_DEPTH + 1, True)):
        inner = "[" * (depth - 2) + "]" * (depth - 2)
        path = write(tmp_path, '{"campaign": [' + inner + "]}")
        (problem,) = refused(path).problems
        assert ("levels deep" in problem.expected) is too_deep, problem


def test_json_5000_digit_integer_is_a_cell_problem(tmp_path: Path) -> None:
    """A 5,000-digit number is refused in the cell that holds it, not a ValueError."""
    text = (
        '{"campaign": [{"id": "C1", "name": "x", "year": ' + "9" * 5000 + ', "county": "县", '
        '"starts_on": "2015-09-01", "ends_on": "2015-12-31"}]}'
    )
    path = write(tmp_path, text)
    (problem,) = refused(path).problems
    assert (problem.row, problem.column) == (1, "year")
    assert len(str(problem)) < 300
    assert cli("check", str(path), "--as-of", "2015-12-31")[0] == 2


def test_json_lone_surrogate_is_refused(tmp_path: Path, document: dict[str, object]) -> None:
    """A lone surrogate in a string is refused at load, naming the cell; the command exits
    2 whatever the output format (no UnicodeEncodeError later)."""
    text = json.dumps(document, ensure_ascii=True).replace('"infrastructure"', '"infra\\ud800"', 1)
    path = write(tmp_path, text)
    (problem,) = refused(path).problems
    assert (problem.file, problem.row, problem.column) == ("c.json:projects", 1, "purpose")
    assert "surrogate" in problem.expected
    for form in ("text", "json", "html"):
        code, _, err = cli("check", str(path), "--as-of", "2015-12-31", "--format", form)
        assert code == 2
        assert "surrogate" in err


def test_example_scale_below_one_is_invalid() -> None:
    """scale=0 is refused by the generator with InvalidValueError (exit 2 in the CLI)."""
    with pytest.raises(InvalidValueError, match="scale=0"):
        county_2015(scale=0)
    assert issubclass(InvalidValueError, ReliefkitError)


def test_example_scale_zero_on_the_command_line(tmp_path: Path) -> None:
    """`reliefkit example county-2015 D --scale 0` exits 2 with a message, no traceback."""
    code, _, err = cli("example", "county-2015", str(tmp_path / "D"), "--scale", "0")
    assert code == 2
    assert "scale" in err


def test_oversized_cell_is_refused(folder: Path, tmp_path: Path) -> None:
    """A cell over 64 Ki characters is one problem showing its size, not the cell."""
    edit(folder / "projects.csv", "红岩村道路", "路" * (MAX_CELL_CHARS + 1))
    (problem,) = refused(folder).problems
    assert (problem.file, problem.row, problem.column) == ("projects.csv", 1, "name")
    assert f"{MAX_CELL_CHARS + 1:,}" in problem.expected
    assert len(str(problem)) < 300


def test_two_megabyte_json_purpose_is_refused(
    tmp_path: Path, document: dict[str, list[dict[str, object]]]
) -> None:
    """A 2 MB purpose in JSON (which has no cells of its own) meets the same limit."""
    document["projects"][0]["purpose"] = "x" * 2_000_000
    path = write(tmp_path, json.dumps(document, ensure_ascii=False))
    (problem,) = refused(path).problems
    assert (problem.row, problem.column) == (1, "purpose")


def test_too_many_columns_is_one_problem(folder: Path) -> None:
    """A header beyond 512 columns is one problem for the file."""
    path = folder / "funds.csv"
    header, *rest = path.read_text(encoding="utf-8").splitlines()
    extra = ",".join(f"x{i}" for i in range(MAX_COLUMNS))
    path.write_text("\n".join([f"{header},{extra}", *rest]) + "\n", encoding="utf-8")
    (problem,) = [p for p in refused(folder).problems if p.file == "funds.csv"]
    assert problem.row is None
    assert f"at most {MAX_COLUMNS} columns" in problem.expected


def test_a_million_column_header_is_one_problem_quickly(folder: Path) -> None:
    """A 1,000,000-column header gives one problem in well under a second or two, not a
    million notices."""
    path = folder / "funds.csv"
    path.write_text(",".join(["id"] * 1_000_000) + "\n", encoding="utf-8")
    started = time.perf_counter()
    with pytest.raises(LoadError) as caught:
        load_with_notices(folder)
    assert time.perf_counter() - started < 5
    funds = [p for p in caught.value.problems if p.file == "funds.csv"]
    assert len(funds) == 1
    assert "1,000,000" in funds[0].expected
    assert len(str(caught.value)) < 20_000


def test_json_record_with_too_many_fields_is_one_problem(tmp_path: Path) -> None:
    """A JSON record with more than 512 fields is one problem, not a notice per field."""
    record = {f"f{i}": "x" for i in range(MAX_COLUMNS + 1)}
    path = write(tmp_path, json.dumps({"campaign": [record]}))
    with pytest.raises(LoadError) as caught:
        load_with_notices(path)
    (problem,) = caught.value.problems
    assert (problem.row, f"{MAX_COLUMNS} fields") == (1, f"{MAX_COLUMNS} fields")


def test_unknown_fields_give_a_bounded_number_of_notices(tmp_path: Path) -> None:
    """Thousands of distinct unknown JSON fields give at most 21 notices for the table."""
    campaign = {
        "id": "C1",
        "name": "x",
        "year": 2015,
        "county": "县",
        "starts_on": "2015-09-01",
        "ends_on": "2015-12-31",
    }
    funds = [{"id": f"F{i}", "name": "f", "holder": "charity", f"note{i}": "x"} for i in range(999)]
    path = write(tmp_path, json.dumps({"campaign": [campaign], "funds": funds}))
    _, notices = load_with_notices(path)
    assert 1 < len(notices) <= 21


# ---- errors a person can act on ---------------------------------------------------------------
def _big_villages(folder: Path, count: int) -> None:
    """Give the campaign ``count`` more villages, each with a household."""
    villages, households = folder / "villages.csv", folder / "households.csv"
    with villages.open("a", encoding="utf-8") as v, households.open("a", encoding="utf-8") as h:
        for i in range(count):
            v.write(f"VX{i},村{i},T1,false\n")
            h.write(f"HX{i},VX{i},,,3,false,\n")


def test_unclosed_quote_is_named_once(folder: Path) -> None:
    """One unclosed quote in villages.csv is one problem naming the file, the row and the
    line where the quote opens; the households of swallowed villages are one line, not
    thousands of "unknown id"."""
    _big_villages(folder, 3000)
    edit(folder / "villages.csv", "VX10,村10,", 'VX10,"村10,')
    error = refused(folder)
    villages = [p for p in error.problems if p.file == "villages.csv"]
    assert len(villages) == 1
    assert "quote" in villages[0].expected and "never closed" in villages[0].expected
    assert villages[0].row == 14  # after the 3 villages of the campaign and VX0…VX9
    assert "line 15" in villages[0].expected
    assert len(error.problems) < 10
    households = [p for p in error.problems if p.file == "households.csv"]
    assert [p.column for p in households] == ["village_id"]
    assert "villages.csv could not be read" in households[0].expected
    assert households[0].expected.startswith("2,990 id(s)")


def test_unclosed_quote_at_the_end_of_the_file(folder: Path) -> None:
    """A quote opened on the last row and never closed is named too."""
    path = folder / "funds.csv"
    path.write_text(path.read_text(encoding="utf-8") + 'F9,"open,charity\n', encoding="utf-8")
    (problem,) = refused(folder).problems
    assert (problem.file, problem.row) == ("funds.csv", 2)
    assert "never closed" in problem.expected


def test_quoted_line_breaks_still_load(tmp_path: Path) -> None:
    """A real multi-line cell (closed quote, ending in a line break) is no false alarm."""
    from campaigns import replace

    data = build(replace("villages", "V1", name="红岩村\n"), name="a\nb,c,d,e,f,g\n")
    assert load(dump(data, tmp_path / "c")) == data


@pytest.mark.parametrize(("delimiter", "word"), [(";", "semicolons"), ("\t", "tabs")])
def test_wrong_delimiter_is_named(folder: Path, delimiter: str, word: str) -> None:
    """A ;- or tab-separated file is one problem saying so, not hundreds of cell errors."""
    path = folder / "villages.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",", delimiter), encoding="utf-8")
    error = refused(folder)
    first, *consequences = error.problems
    assert first.file == "villages.csv"
    assert word in first.expected
    assert all("villages.csv could not be read" in p.expected for p in consequences)
    assert len({(p.file, p.column) for p in consequences}) == len(consequences)


def test_semicolons_between_some_header_names(folder: Path) -> None:
    """A header with semicolons between names that a comma also splits is still named as
    semicolon-separated."""
    path = folder / "funds.csv"
    path.write_text("id;name,holder\nF1;扶贫基金,charity\n", encoding="utf-8")
    problems = [p for p in refused(folder).problems if p.file == "funds.csv"]
    assert len(problems) == 1
    assert "semicolons" in problems[0].expected


def test_listing_is_capped(folder: Path) -> None:
    """Hundreds of problems list the first 50 and count the rest; `problems` has them all."""
    path = folder / "funds.csv"
    rows = "".join(f"G{i},g,bank\n" for i in range(200))
    path.write_text(path.read_text(encoding="utf-8") + rows, encoding="utf-8")
    error = refused(folder)
    assert len(error.problems) == 200
    lines = str(error).splitlines()
    assert len(lines) == 1 + LoadError.SHOWN + 1
    assert "150 more problem(s)" in lines[-1]


def test_rows_are_named_as_data_and_spreadsheet_rows(folder: Path) -> None:
    """A problem says "data row N (spreadsheet row N+1)": the header is spreadsheet row 1."""
    edit(folder / "donations.csv", "10000.00", "1.005")
    assert "donations.csv, data row 1 (spreadsheet row 2), column amount" in str(refused(folder))


# ---- streaming: memory a small multiple of the data kept --------------------------------------
def test_loading_streams(tmp_path: Path) -> None:
    """Loading a CSV folder peaks at under 3x the memory of the dataset it keeps (the file
    itself is never held whole)."""
    path = dump(county_2015(scale=2), tmp_path / "big")
    load(path)  # warm: imports and caches are not data
    tracemalloc.start()
    try:
        data = load(path)
        kept, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(data) > 9000
    assert peak <= 3 * kept, (peak, kept)


def test_an_empty_file_makes_references_to_it_consequences(tmp_path: Path) -> None:
    """funds.csv emptied (0 bytes): the references to its records are counted, one problem
    per referring column naming funds.csv, not one per row; an empty file nothing refers to
    is a notice."""
    data = county_2015()
    folder = dump(data, tmp_path / "county")
    (folder / "funds.csv").write_bytes(b"")
    with pytest.raises(LoadError) as caught:
        load(folder)
    problems = caught.value.problems
    referring = {
        table: sum(1 for r in getattr(data, table) if getattr(r, "fund_id", None))
        for table in ("donations", "disbursements", "audits")
    }
    assert {p.file for p in problems} == {f"{t}.csv" for t, n in referring.items() if n}
    for problem in problems:
        assert problem.row is None and "because funds.csv is empty" in problem.expected
        assert int(problem.expected.split()[0].replace(",", "")) <= referring[problem.file[:-4]]
    (folder / "funds.csv").unlink()
    dump(data, tmp_path / "again")
    (tmp_path / "again" / "waivers.csv").write_bytes(b"")
    _, notices = load_with_notices(tmp_path / "again")
    assert any(n.file == "waivers.csv" and "empty file" in n.message for n in notices)
