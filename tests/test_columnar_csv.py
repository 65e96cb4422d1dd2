"""A folder of CSV files read natively by DuckDB is read as the object loader reads it (issue
14, item 3: one loader specification, two implementations held equal over the loader's fuzz
corpus).

The specification is the object loader: ``reliefkit.load_campaigns_with_notices(folder)``
raises a ``LoadError``, and then the engine raises one with the same problems; or it loads,
and then the engine gives the same notices and the object engine's reports. The folders are
the loader's fuzz corpus (``tests/test_fuzz_io.py``) applied to a dumped campaign (format
v1) and a small synthetic source (format v1.1): cells of any text, raw lines appended, files
cut short, header aliases, the spellings ``docs/data-format.md`` lists, file-level oddities.
"""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import reliefkit as rk
from campaigns import build
from reliefkit.exceptions import LoadError
from reliefkit.io import dump, load_campaigns_with_notices
from reliefkit.io._schema import SCHEMA
from reliefkit.synth import synth

pytest.importorskip("duckdb")
pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

from reliefkit import _checking  # noqa: E402
from reliefkit.columnar import _source, check_source, open_source  # noqa: E402

AS_OF = "2015-12-31"
TABLES = sorted(SCHEMA)
Edit = Callable[[Path], None]


@pytest.fixture(scope="module")
def bases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The compliant campaign dumped as a v1 folder, and two synthetic counties in format
    v1.1, made once."""
    root = tmp_path_factory.mktemp("csv")
    synth(root / "v1.1", households=400, counties=2, seed=5)
    return {"v1": dump(build(), root / "v1"), "v1.1": root / "v1.1"}


@pytest.fixture
def natively(monkeypatch: pytest.MonkeyPatch) -> None:
    """The object loader may not read the source for the engine."""

    def refused(path: Path, backend: Any) -> Any:
        raise AssertionError(f"{path} was read by the object loader")

    monkeypatch.setattr(_source, "_loaded", refused)


def _copy(base: Path, where: Path) -> Path:
    shutil.copytree(base, where / "source")
    return where / "source"


def _rows(path: Path) -> list[list[str]]:
    """The rows of a CSV file; none when an earlier edit left it other than UTF-8."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        return []
    return list(csv.reader(io.StringIO(text, newline="")))


def _write(path: Path, rows: list[list[str]], terminator: str = "\r\n") -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator=terminator).writerows(rows)


def _outcome(load: Callable[[], Any]) -> tuple[Any, ...]:
    """``("ok", value)``, or ``("error", problems, message)`` for a ``LoadError``."""
    try:
        return ("ok", load())
    except LoadError as error:
        problems = [
            (p.file, p.row, p.column, p.value, p.expected, p.personal, p.personal_values)
            for p in error.problems
        ]
        return ("error", problems, str(error))


def assert_read_alike(folder: Path) -> None:
    """The engine refuses ``folder`` with the object loader's problems, or reads it with its
    notices and the object engine's reports."""
    expected = _outcome(lambda: load_campaigns_with_notices(folder))
    got = _outcome(lambda: open_source(folder, engine="duckdb"))
    if expected[0] == "error":
        assert got[0] == "error"
        assert got[1:] == expected[1:]
        return
    assert got[0] == "ok", got
    campaigns, notices = expected[1]
    source = got[1]
    try:
        assert source.notices == notices
        reports = check_source(source, as_of=AS_OF)
    finally:
        source.close()
    assert list(reports) == list(campaigns)
    for key, report in reports.items():
        assert report.to_dict() == rk.check(campaigns[key], as_of=AS_OF).to_dict()


# ---- the fuzz corpus ---------------------------------------------------------------------------
TOKENS = [*",;\"\t\n\r \\'ab1-.¥￥元是否XT０\x00\u200b\u3000", "V1", "T1", "C0001", "2015-10-01"]
CELLS = st.lists(st.sampled_from(TOKENS), max_size=8).map("".join) | st.sampled_from(
    ["", "1,000", "¥5", "1e3", "-1", "true", "V1", "T1", "F1", "C0001", "C0002"]
)
# Spellings of each kind of cell, as docs/data-format.md lists what is accepted and refused.
SPELLINGS = {
    "date": ["2015/10/01", " 2015-10-01", "2015-10-1", "２０１５-10-01", "2015-02-29", "20151001"],
    "money": ["¥1,200.50", "1200.5", "1,200", " 100", "100元", "0100", "1200.505", "-5", "1e3"],
    "bool": ["TRUE", "Yes", "1", "是", " true", "tRue", "n", "否", "x"],
    "int": ["03", "+3", " 3", "３", "3.0", "-1", "99999999999999999999"],
    "enum": ["Town", " town", "village"],
    "id": [" T1", "T1 ", "T1;T2", "11010519491231002X"],
    "ids": ["V1; V2", "V1；V2", ";V1", " "],
    "text": [" x", "  ", "a\nb", 'a"b', "a,b"],
    "resident_id": ["11010519491231002x", " 11010519491231002X", "110105194912310021"],
}
HEADERS = ["编号", "名称", "Township ID", " id", "ID", "金额（元）", "日期", "备注", "", "村"]


def _file(folder: Path, table: str) -> Path | None:
    path = folder / SCHEMA[table].file
    return path if path.exists() else None


@st.composite
def cells(draw: st.DrawFn) -> Edit:
    """Cells of any text written into a table (a row's cells replaced, or cells added)."""
    table, row, column = (
        draw(st.sampled_from(TABLES)),
        draw(st.integers(0, 4)),
        draw(st.integers(0, 12)),
    )
    written, crlf = draw(st.lists(CELLS, min_size=1, max_size=2)), draw(st.booleans())

    def edit(folder: Path) -> None:
        if (path := _file(folder, table)) is not None:
            rows = _rows(path)
            if not rows:  # empty, or no longer UTF-8
                return
            target = rows[min(row, len(rows) - 1)]
            for i, cell in enumerate(written, column):
                target[i : i + 1] = [cell]
            _write(path, rows, "\r\n" if crlf else "\n")

    return edit


@st.composite
def raw_lines(draw: st.DrawFn) -> Edit:
    """Raw text lines (unbalanced quotes, other delimiters) appended to a table."""
    table, lines = draw(st.sampled_from(TABLES)), draw(st.lists(CELLS, max_size=3))

    def edit(folder: Path) -> None:
        if (path := _file(folder, table)) is not None:
            with path.open("a", encoding="utf-8", newline="") as handle:
                handle.write("\n".join(lines))

    return edit


@st.composite
def damage(draw: st.DrawFn) -> Edit:
    """A table's file cut short and followed by junk bytes."""
    table, cut, junk = (
        draw(st.sampled_from(TABLES)),
        draw(st.integers(0, 10**5)),
        draw(st.binary(max_size=12)),
    )

    def edit(folder: Path) -> None:
        if (path := _file(folder, table)) is not None:
            data = path.read_bytes()
            path.write_bytes(data[: cut % (len(data) + 1)] + junk)

    return edit


@st.composite
def headers(draw: st.DrawFn) -> Edit:
    """A header renamed: an alias, another case, spaces, an unknown or empty name."""
    table, column = draw(st.sampled_from(TABLES)), draw(st.integers(0, 12))
    name = draw(st.sampled_from(HEADERS) | st.text(max_size=4))

    def edit(folder: Path) -> None:
        if (path := _file(folder, table)) is not None and (rows := _rows(path)):
            rows[0][column % len(rows[0])] = name
            _write(path, rows)

    return edit


@st.composite
def spellings(draw: st.DrawFn) -> Edit:
    """One cell in another spelling of its kind, accepted or refused by the loader."""
    table, row, k, pick = (
        draw(st.sampled_from(TABLES)),
        draw(st.integers(1, 5)),
        draw(st.integers(0, 30)),
        draw(st.integers(0, 20)),
    )

    def edit(folder: Path) -> None:
        if (path := _file(folder, table)) is not None and len(rows := _rows(path)) > 1:
            i = k % len(rows[0])
            column = SCHEMA[table].column(rows[0][i])
            if column is not None:
                choices = SPELLINGS[column.cell]
                rows[min(row, len(rows) - 1)][i] = choices[pick % len(choices)]
                _write(path, rows)

    return edit


ODDITIES = ["blank", "blank at end", "spaces", "commas", "bom", "quoted", "space by quote", "cr"]


@st.composite
def oddities(draw: st.DrawFn) -> Edit:
    """What a file's lines may hold beyond cells: a blank line, a line of spaces or commas,
    a BOM, every cell quoted, a space before a quote, lines ended by CR alone."""
    table, what, row = (
        draw(st.sampled_from(TABLES)),
        draw(st.sampled_from(ODDITIES)),
        draw(st.integers(1, 4)),
    )

    def edit(folder: Path) -> None:
        if (path := _file(folder, table)) is None:
            return
        data = path.read_bytes()
        lines = data.split(b"\n")
        at = min(row, len(lines) - 1)
        if what == "bom":
            data = b"\xef\xbb\xbf" + data
        elif what == "quoted":
            if not (rows := _rows(path)):
                return
            with path.open("w", encoding="utf-8", newline="") as handle:
                csv.writer(handle, quoting=csv.QUOTE_ALL).writerows(rows)
            return
        elif what == "cr":
            data = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r")
        else:
            inserted = {"blank": b"", "spaces": b"  ", "commas": b",,,"}.get(what)
            if inserted is not None:
                lines.insert(at, inserted)
            elif what == "blank at end":
                lines.append(b"\r\n")
            else:
                lines[at] = lines[at].replace(b",", b', "x"', 1)
            data = b"\n".join(lines)
        path.write_bytes(data)

    return edit


EDITS = cells() | raw_lines() | damage() | headers() | spellings() | oddities()


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(base=st.sampled_from(["v1", "v1.1"]), edits=st.lists(EDITS, min_size=1, max_size=2))
def test_the_fuzz_corpus_is_read_alike(
    bases: dict[str, Path], base: str, edits: list[Edit]
) -> None:
    """Any folder of the loader's fuzz corpus is refused with the object loader's problems,
    or read with its notices and the object engine's reports."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = _copy(bases[base], Path(tmp))
        for edit in edits:
            edit(folder)
        assert_read_alike(folder)


# ---- examples ----------------------------------------------------------------------------------
def test_a_synthetic_folder_is_read_natively(
    bases: dict[str, Path], tmp_path: Path, natively: None
) -> None:
    """A clean format v1.1 folder, with a column the format does not name, is read by DuckDB
    alone: the object loader's notices, the object engine's reports."""
    folder = _copy(bases["v1.1"], tmp_path)
    rows = _rows(folder / "funds.csv")
    _write(folder / "funds.csv", [[*row, "备注" if i == 0 else ""] for i, row in enumerate(rows)])
    campaigns, notices = load_campaigns_with_notices(folder)
    assert notices  # the unknown column
    source = open_source(folder, engine="duckdb")
    try:
        assert source.notices == notices
        reports = check_source(source, as_of=AS_OF)
    finally:
        source.close()
    assert {k: r.to_dict() for k, r in reports.items()} == {
        k: rk.check(d, as_of=AS_OF).to_dict() for k, d in campaigns.items()
    }


def test_a_dumped_campaign_is_read_natively(bases: dict[str, Path], natively: None) -> None:
    """A format v1 folder as ``rk.dump`` writes it (CR LF lines, quoted cells) is read by
    DuckDB alone, with the object engine's report."""
    report = rk.check(bases["v1"], engine="duckdb", as_of=AS_OF)
    assert report.to_dict() == rk.check(build(), as_of=AS_OF).to_dict()


def test_a_refused_folder_is_refused_natively(
    bases: dict[str, Path], tmp_path: Path, natively: None
) -> None:
    """A format v1.1 folder with a reference to no record and an id used twice is refused
    by DuckDB alone with the object loader's problems, naming the CSV files."""
    folder = _copy(bases["v1.1"], tmp_path)
    rows = _rows(folder / "households.csv")
    village = rows[0].index("village_id")
    rows[2][village] = "C0001-V99"
    rows.append(rows[3])
    _write(folder / "households.csv", rows)
    expected = _outcome(lambda: rk.load_campaigns(folder))
    assert expected[0] == "error"
    assert {p[0] for p in expected[1]} == {"households.csv"}
    assert _outcome(lambda: open_source(folder, engine="duckdb")) == expected


def _campaign_row_blanked(folder: Path, *, keep: bool) -> None:
    rows = _rows(folder / "campaign.csv")
    rows[2][rows[0].index("id")] = ""  # the second campaign's row
    if not keep:
        rows[2][rows[0].index("campaign_id")] = ""
    _write(folder / "campaign.csv", rows)


def _campaign_row_emptied(folder: Path) -> None:
    rows = _rows(folder / "campaign.csv")
    rows[2] = [""] * len(rows[0])
    _write(folder / "campaign.csv", rows)


def _campaign_id_twice(folder: Path) -> None:
    rows = _rows(folder / "campaign.csv")
    rows[2][rows[0].index("id")] = rows[1][rows[0].index("id")]
    rows[2][rows[0].index("campaign_id")] = ""
    _write(folder / "campaign.csv", rows)


def _typo_beside_a_refused_row(folder: Path) -> None:
    rows = _rows(folder / "campaign.csv")
    rows[1][rows[0].index("campaign_id")] = "C0009"
    rows += [[""] * len(rows[0])]
    _write(folder / "campaign.csv", rows)
    rows = _rows(folder / "households.csv")
    rows[5][0] = "C00O1"
    _write(folder / "households.csv", rows)


def _head_name_as_campaign_id(folder: Path) -> None:
    rows = _rows(folder / "households.csv")
    rows[1][0] = rows[1][rows[0].index("head_name")]
    _write(folder / "households.csv", rows)


def _name_as_id_in_two_campaigns(folder: Path) -> None:
    rows = _rows(folder / "households.csv")
    header = rows[0]
    for campaign in ("C0001", "C0002"):
        row = next(r for r in rows[1:] if r[0] == campaign)
        row[header.index("id")] = row[header.index("head_name")] = "张伟"
    _write(folder / "households.csv", rows)


def _people_cut_short(folder: Path) -> None:
    lines = (folder / "people.csv").read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace(",", ',"', 1)
    (folder / "people.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.parametrize(
    "edit",
    [
        lambda folder: _campaign_row_blanked(folder, keep=True),
        lambda folder: _campaign_row_blanked(folder, keep=False),
        _campaign_row_emptied,
        _campaign_id_twice,
        _typo_beside_a_refused_row,
        _head_name_as_campaign_id,
        _name_as_id_in_two_campaigns,
        _people_cut_short,
    ],
    ids=[
        "id-blank",
        "id-and-campaign-id-blank",
        "row-emptied",
        "id-twice",
        "typo-beside-a-refused-row",
        "name-as-campaign-id",
        "name-as-id-in-two-campaigns",
        "people-cut-short",
    ],
)
def test_a_campaign_row_or_its_rows_refused_alike(
    bases: dict[str, Path], tmp_path: Path, edit: Callable[[Path], None]
) -> None:
    """A campaign row without its id, a name typed into a campaign_id, a file cut short:
    the engine refuses the folder with the object loader's problems, in its order."""
    folder = _copy(bases["v1.1"], tmp_path)
    edit(folder)
    assert _outcome(lambda: load_campaigns_with_notices(folder))[0] == "error"
    assert_read_alike(folder)


def test_ids_grouped_in_parts_are_refused_alike(
    bases: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ids used twice, in one campaign and across two, found when the engine groups the ids
    in parts (as it does when they are too many for its memory): the object loader's
    problems."""
    from reliefkit.columnar import _backend

    calls: list[int] = []

    def three(self: Any, rows: int) -> int:
        calls.append(rows)
        return 3

    monkeypatch.setattr(_backend.DuckDB, "groups_for", three)
    folder = _copy(bases["v1.1"], tmp_path)
    rows = _rows(folder / "households.csv")
    first = {row[0]: row for row in reversed(rows[1:])}  # each campaign's first household
    rows.append(list(first["C0001"]))  # its id twice in C0001
    first["C0002"][1] = first["C0001"][1]  # and in C0002
    _write(folder / "households.csv", rows)
    expected = _outcome(lambda: load_campaigns_with_notices(folder))
    assert expected[0] == "error" and len(expected[1]) >= 2
    assert _outcome(lambda: open_source(folder, engine="duckdb")) == expected
    assert calls and calls[0] >= len(rows) - 1


def test_the_ids_are_grouped_in_parts_by_the_memory_limit() -> None:
    """One part while a sixty-fourth of the memory limit holds the ids (the registry-shaped
    nation's 42 M in 3 GB), more beyond (the full-shaped nation's 180 M: four)."""
    from reliefkit.columnar._backend import backend_for

    backend = backend_for("duckdb", threads=1, memory_limit="3GB", session=None)
    try:
        assert [backend.groups_for(n) for n in (5_000, 41_800_000, 180_000_000)] == [1, 1, 4]
    finally:
        backend.close()


def test_a_date_in_another_spelling_falls_back(
    bases: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A date the object loader reads in another spelling (full-width digits) is not held
    by DuckDB as it reads it: the object loader reads the folder, and the reports are the
    object engine's."""
    taken: list[Path] = []
    loaded = _source._loaded

    def counted(path: Path, backend: Any) -> Any:
        taken.append(path)
        return loaded(path, backend)

    monkeypatch.setattr(_source, "_loaded", counted)
    folder = _copy(bases["v1.1"], tmp_path)
    rows = _rows(folder / "donations.csv")
    on = rows[0].index("on")
    rows[1][on] = rows[1][on].replace("2015", "２０１５")
    _write(folder / "donations.csv", rows)
    got = rk.check(folder, engine="duckdb", as_of=AS_OF)
    assert taken == [folder]
    assert got.to_dict() == rk.check(rk.load_campaigns(folder), as_of=AS_OF).to_dict()


def test_auto_takes_duckdb_for_a_large_csv_folder(
    bases: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``engine="auto"`` runs DuckDB for a CSV folder (v1 or v1.1) whose table files reach
    the threshold, and the object engine below it."""
    sizes = {
        name: sum(p.stat().st_size for p in base.glob("*.csv")) for name, base in bases.items()
    }
    assert max(sizes.values()) < _checking.AUTO_CSV_BYTES
    assert {_checking.choose_engine(base) for base in bases.values()} == {"objects"}
    monkeypatch.setattr(_checking, "AUTO_CSV_BYTES", min(sizes.values()))
    assert {_checking.choose_engine(base) for base in bases.values()} == {"duckdb"}
    assert _checking.choose_engine(bases["v1"].parent) == "objects"  # a folder of campaigns


def test_a_parquet_folder_gives_the_object_loaders_notices(tmp_path: Path, natively: None) -> None:
    """A Parquet folder read natively gives the notices the object loader gives: a column
    the format does not name, rows of empty cells."""
    folder = tmp_path / "pq"
    synth(folder, households=200, counties=1, seed=2, format="parquet")
    funds = pq.read_table(folder / "funds.parquet")
    funds = funds.append_column("备注", pa.array(["x"] * funds.num_rows))
    empty = pa.Table.from_pylist([{}], schema=funds.schema)
    pq.write_table(pa.concat_tables([funds, empty, empty]), folder / "funds.parquet")
    _, notices = load_campaigns_with_notices(folder)
    assert len(notices) == 2
    source = open_source(folder, engine="duckdb")
    source.close()
    assert source.notices == notices
