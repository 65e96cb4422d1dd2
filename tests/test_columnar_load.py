"""A folder of Parquet tables read natively by DuckDB is refused as the object loader refuses
it (issue 14, item 3: one loader specification, two implementations held equal).

Faults are planted with pyarrow into a small synthetic source, one table rewritten at a
time. The specification is the object loader: ``reliefkit.load_campaigns(folder)`` raises a
``LoadError``, and ``check(folder, engine="duckdb")`` must raise one with the same problems
(file, row, column, value, expectation, personal data), in the same order; a folder the
object loader reads, the engine reads too.
"""

from __future__ import annotations

import datetime
import json
import shutil
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import reliefkit as rk
from reliefkit.columnar._check_sql import WHITESPACE
from reliefkit.exceptions import LoadError
from reliefkit.synth import synth

pytest.importorskip("duckdb")
pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

AS_OF = "2015-12-31"
# A valid resident ID number (GB 11643; its check character is X), and one whose check
# character is wrong.
RESIDENT_ID = "11010519491231002X"
WRONG_CHECK = "110105194912310021"
FULL_WIDTH = "".join(chr(ord(c) + 0xFEE0) for c in RESIDENT_ID[:-1]) + "X"

Fault = Callable[[Path, int], None]


# ---- planting faults: each rewrites one file of the folder, at a row chosen by ``k`` --------
def _table(folder: Path, name: str) -> Any:
    return pq.read_table(folder / f"{name}.parquet")


def _write(folder: Path, name: str, table: Any) -> None:
    pq.write_table(table, folder / f"{name}.parquet")


def _cell(folder: Path, name: str, column: str, k: int) -> Any:
    if not (folder / f"{name}.parquet").exists():  # removed by another fault: nothing to copy
        return None
    table = _table(folder, name)
    return table.column(column)[k % table.num_rows].as_py() if table.num_rows else None


def _set(folder: Path, name: str, column: str, k: int, value: Any) -> None:
    """Write ``value`` into one cell (row ``k`` modulo the rows), keeping the column's type."""
    if not (folder / f"{name}.parquet").exists():
        return
    table = _table(folder, name)
    if table.num_rows == 0:
        return
    i = table.schema.get_field_index(column)
    values = table.column(i).to_pylist()
    values[k % len(values)] = value
    field = table.schema.field(i)
    _write(folder, name, table.set_column(i, field, pa.array(values, field.type)))


def _as_text(folder: Path, name: str, column: str) -> None:
    """The column's values spelled as text (``2015-10-01``), as a CSV file spells them."""
    if (folder / f"{name}.parquet").exists():
        table = _table(folder, name)
        i = table.schema.get_field_index(column)
        texts = table.column(i).cast(pa.string())
        _write(folder, name, table.set_column(i, pa.field(column, pa.string()), texts))


def _drop_column(folder: Path, name: str, column: str) -> None:
    if (folder / f"{name}.parquet").exists():
        _write(folder, name, _table(folder, name).drop([column]))


def _repeat_row(folder: Path, name: str, k: int) -> None:
    if not (folder / f"{name}.parquet").exists():
        return
    table = _table(folder, name)
    if table.num_rows:
        _write(folder, name, pa.concat_tables([table, table.slice(k % table.num_rows, 1)]))


def _other_village(folder: Path, k: int) -> str:
    """The id of a village of the campaign the last village does not belong to."""
    villages = _table(folder, "villages").to_pylist()
    last = villages[-1]["campaign_id"]
    others = [v["id"] for v in villages if v["campaign_id"] != last]
    return str(others[k % len(others)])


def _list_with_unknown(folder: Path, k: int) -> None:
    old = _cell(folder, "activities", "villages", k) or ""
    _set(folder, "activities", "villages", k, ";".join(filter(None, [old, "V-NOWHERE"])))


def _shift_end(folder: Path, k: int) -> None:
    start = _cell(folder, "work_teams", "starts_on", k)
    _set(folder, "work_teams", "ends_on", k, start - datetime.timedelta(days=1))


def _format_version(folder: Path, k: int) -> None:
    (folder / "format.json").write_text(json.dumps({"format": "reliefkit", "version": "1.0"}))


FAULTS: dict[str, Fault] = {
    # ids used twice: in one table, in two tables, in two campaigns, the campaign's own
    "id twice in a table": lambda f, k: _set(
        f, "villages", "id", k + 1, _cell(f, "villages", "id", k)
    ),
    "id of a village used by a household": lambda f, k: _set(
        f, "households", "id", k, _cell(f, "villages", "id", k)
    ),
    "id used by two campaigns": lambda f, k: _set(f, "villages", "id", -1, _other_village(f, k)),
    "the campaign's id used by a township": lambda f, k: _set(
        f, "townships", "id", k, _cell(f, "townships", "campaign_id", k)
    ),
    # references
    "unknown village": lambda f, k: _set(f, "households", "village_id", k, "V-NOWHERE"),
    "the head's name typed into the village": lambda f, k: _set(
        f, "households", "village_id", k, _cell(f, "households", "head_name", k)
    ),
    "a township where a village belongs": lambda f, k: _set(
        f, "households", "village_id", k, _cell(f, "townships", "id", k)
    ),
    "unknown village in a list": _list_with_unknown,
    "a second pairing": lambda f, k: _repeat_row(f, "pairings", k),
    # cells
    "required cell empty": lambda f, k: _set(f, "people", "unit_id", k, None),
    "kind outside its enum": lambda f, k: _set(f, "departments", "sector", k, "astrology"),
    "count out of range": lambda f, k: _set(f, "households", "members", k, 0 if k % 2 else 1000),
    "negative money": lambda f, k: _set(f, "donations", "amount", k, Decimal("-5.00")),
    "an id that is a resident ID number": lambda f, k: _set(f, "donors", "id", k, RESIDENT_ID),
    "a resident ID number of the wrong shape": lambda f, k: _set(
        f, "households", "resident_id", k, "12345"
    ),
    "a resident ID number with the wrong check character": lambda f, k: _set(
        f, "households", "resident_id", k, WRONG_CHECK
    ),
    "a team that ends before it starts": _shift_end,
    # at the edges of the resident ID number's check in SQL (the object loader decides)
    "a resident ID number in full-width digits": lambda f, k: _set(
        f, "households", "resident_id", k, FULL_WIDTH
    ),
    "a 15-digit resident ID number of no real date": lambda f, k: _set(
        f, "households", "resident_id", k, "110105491331002"
    ),
    "a 15-digit resident ID number": lambda f, k: _set(
        f, "households", "resident_id", k, "110105491231002"
    ),
    "a resident ID number ending in a lower-case x": lambda f, k: _set(
        f, "households", "resident_id", k, RESIDENT_ID.lower()
    ),
    # campaigns
    "campaign_id naming no campaign": lambda f, k: _set(f, "villages", "campaign_id", k, "C-NONE"),
    "campaign_id empty": lambda f, k: _set(f, "projects", "campaign_id", k, None),
    "a campaign's year outside its period": lambda f, k: _set(f, "campaign", "year", k, 2030),
    "a campaign row twice": lambda f, k: _repeat_row(f, "campaign", k),
    # files and columns
    "pledges file missing": lambda f, k: (f / "pledges.parquet").unlink(missing_ok=True),
    "households file missing": lambda f, k: (f / "households.parquet").unlink(missing_ok=True),
    "required column missing": lambda f, k: _drop_column(f, "people", "role"),
    "optional column missing": lambda f, k: _drop_column(f, "villages", "poor"),
    "format version": _format_version,
    # spellings the object loader reads by normalising them (the folder still loads)
    "a kind in capitals": lambda f, k: _set(f, "townships", "kind", k, " TOWN"),
    "an id with spaces around it": lambda f, k: _set(
        f, "funds", "id", k, f" {_cell(f, 'funds', 'id', k)} "
    ),
    "dates spelled as text": lambda f, k: _as_text(f, "projects", "published_on"),
    # pandas writes '' for a missing text: no value, as the object loader reads it
    "an empty optional reference": lambda f, k: _set(
        f, "households", "responsible_person_id", k, ""
    ),
    "an empty required cell": lambda f, k: _set(f, "people", "unit_id", k, ""),
}
LOADS = frozenset(
    {
        "an empty optional reference",
        "pledges file missing",
        "a kind in capitals",
        "an id with spaces around it",
        "dates spelled as text",
        "a 15-digit resident ID number",
        "a resident ID number ending in a lower-case x",
    }
)


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two small synthetic counties in Parquet (format v1.1), made once."""
    folder = tmp_path_factory.mktemp("load") / "base"
    synth(folder, households=400, counties=2, seed=3, format="parquet")
    return folder


def _planted(base: Path, where: Path, faults: list[tuple[str, int]]) -> Path:
    shutil.rmtree(where, ignore_errors=True)
    shutil.copytree(base, where)
    for name, k in faults:
        FAULTS[name](where, k)
    return where


def _problems(load: Callable[[], Any]) -> list[tuple[Any, ...]] | None:
    """The problems of the ``LoadError`` that ``load`` raises, whole; ``None`` if it loads."""
    try:
        load()
    except LoadError as error:
        return [
            (p.file, p.row, p.column, p.value, p.expected, p.personal, p.personal_values)
            for p in error.problems
        ]
    return None


def _columnar(folder: Path) -> None:
    from reliefkit.columnar import open_source

    open_source(folder, engine="duckdb").close()


def test_a_clean_source_passes(base: Path) -> None:
    """The synthetic source loads on both readers and is checked on DuckDB."""
    assert _problems(lambda: rk.load_campaigns(base)) is None
    report = rk.check(base, engine="duckdb", as_of=AS_OF)
    assert report.findings


@pytest.mark.parametrize("fault", sorted(set(FAULTS) - LOADS))
def test_a_planted_fault_is_refused_as_the_object_loader_refuses_it(
    base: Path, tmp_path: Path, fault: str
) -> None:
    """check(engine='duckdb') raises the LoadError load_campaigns raises, problem for
    problem."""
    folder = _planted(base, tmp_path / "source", [(fault, 3)])
    expected = _problems(lambda: rk.load_campaigns(folder))
    assert expected  # the fault is one the object loader refuses
    got = _problems(lambda: rk.check(folder, engine="duckdb", as_of=AS_OF))
    assert got == expected


@pytest.mark.parametrize("fault", sorted(LOADS))
def test_a_source_the_object_loader_reads_is_read(base: Path, tmp_path: Path, fault: str) -> None:
    """A folder the object loader reads (normalising its spellings, or with a table's file
    absent) is read by the columnar engine too, with the object engine's findings."""
    folder = _planted(base, tmp_path / "source", [(fault, 3)])
    campaigns = rk.load_campaigns(folder)
    expected = rk.check(campaigns, as_of=AS_OF)
    got = rk.check(folder, engine="duckdb", as_of=AS_OF)
    assert got.to_dict() == expected.to_dict()


@settings(
    max_examples=5,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    faults=st.lists(
        st.tuples(st.sampled_from(sorted(FAULTS)), st.integers(min_value=0, max_value=500)),
        min_size=1,
        max_size=3,
    )
)
def test_random_faults_are_refused_alike(
    base: Path, tmp_path: Path, faults: list[tuple[str, int]]
) -> None:
    """One to three faults planted at drawn rows: the columnar reader refuses the folder with
    the object loader's problems, or reads it where the object loader does."""
    folder = _planted(base, tmp_path / "drawn", faults)
    expected = _problems(lambda: rk.load_campaigns(folder))
    assert _problems(lambda: _columnar(folder)) == expected


IN_PLACE_FAULTS = [
    ("id twice in a table", 3),
    ("unknown village in a list", 7),
    ("a resident ID number with the wrong check character", 11),
    ("kind outside its enum", 13),
    ("campaign_id naming no campaign", 17),
]


def test_files_read_in_place_are_checked_alike(
    base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With every Parquet file read where it is by each query (as DuckDB reads large ones),
    the clean source gives the object engine's report, and planted faults the object
    loader's LoadError."""
    from reliefkit.columnar import _source

    monkeypatch.setattr(_source, "IN_PLACE", -1)
    expected = rk.check(rk.load_campaigns(base), as_of=AS_OF)
    assert rk.check(base, engine="duckdb", as_of=AS_OF).to_dict() == expected.to_dict()
    folder = _planted(base, tmp_path / "source", IN_PLACE_FAULTS)
    problems = _problems(lambda: rk.load_campaigns(folder))
    assert problems and len({p[0] for p in problems}) >= 3
    assert _problems(lambda: _columnar(folder)) == problems


# ---- the SQL tests of text, against Python's own reading of the same values ----------------
@pytest.fixture(scope="module")
def sql() -> Any:
    """A DuckDB backend for the SQL tests of text, closed after them."""
    from reliefkit.columnar._backend import DuckDB

    backend = DuckDB(threads=1)
    yield backend
    backend.close()


def _holding(backend: Any, values: list[str]) -> Any:
    """``backend`` holding ``values`` as relation ``v``: the value ``c`` and its place ``k``."""
    from reliefkit.columnar._check_sql import relation

    rows = [(x, i) for i, x in enumerate(values)]
    relation(backend, "v", [("c", "STRING"), ("k", "BIGINT")], rows)
    return backend


def _resident_ids() -> st.SearchStrategy[str]:
    """Resident ID numbers, valid (15 or 18 characters, X or x) or not quite (a date that is
    not, a check character off by one, a full-width digit, a character short)."""
    from reliefkit._privacy import check_character

    def made(region: int, year: int, month: int, day: int, seq: int, form: int, slip: int) -> str:
        if form == 15:
            text = f"{region:06d}{year % 100:02d}{month:02d}{day:02d}{seq:03d}"
        else:
            body = f"{region:06d}{year:04d}{month:02d}{day:02d}{seq:03d}"
            check = check_character(body)
            if slip == 1:  # off by one
                check = "0123456789X"[("0123456789X".index(check) + 1) % 11]
            text = body + (check.lower() if slip == 2 else check)
        if slip == 3:  # one digit full-width
            text = text[:3] + chr(ord(text[3]) + 0xFEE0) + text[4:]
        if slip == 4:
            text = text[:-1]
        return text

    return st.builds(
        made,
        st.integers(0, 999999),
        st.integers(1890, 2110),
        st.integers(0, 13),
        st.integers(0, 32),
        st.integers(0, 999),
        st.sampled_from([15, 18, 18]),
        st.sampled_from([0, 0, 0, 1, 2, 3, 4]),
    )


@settings(max_examples=30, deadline=None)
@given(values=st.lists(_resident_ids(), min_size=1, max_size=40))
def test_sql_leaves_to_python_every_value_that_is_not_a_valid_resident_id_number(
    sql: Any, values: list[str]
) -> None:
    """unclear_resident_ids finds every value the object loader refuses, and no valid number
    written plainly (a date of birth other than 29 February)."""
    from reliefkit._privacy import resident_id_problem
    from reliefkit.columnar._check_sql import unclear_resident_ids

    backend = _holding(sql, values)
    unclear = {row[0] for row in backend.rows(unclear_resident_ids(backend, "v", "c"))[1]}
    for value in values:
        refused = resident_id_problem(value) is not None
        leap_day = value[8:12] == "0229" if len(value) == 15 else value[10:14] == "0229"
        assert (value in unclear) == (refused or leap_day), value


_EDGES = "".join(sorted(set(WHITESPACE) | set("!\x84\x86\u2000\u3000\u3001\u201c\xa0a中;-")))


@settings(max_examples=50, deadline=None)
@given(values=st.lists(st.text(alphabet=_EDGES, min_size=1, max_size=4), min_size=1, max_size=30))
def test_sql_finds_a_text_padded_exactly_as_str_strip_does(sql: Any, values: list[str]) -> None:
    """padded(c) holds for a text that starts or ends with a character str.strip takes off,
    and for no other."""
    from reliefkit.columnar._check_sql import padded

    backend = _holding(sql, values)
    rows = backend.rows(f"SELECT k, {padded('c')} FROM v")[1]
    for k, found in rows:
        assert found == (values[k] != values[k].strip()), repr(values[k])
