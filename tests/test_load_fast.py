"""Loading fast loads the same: rows built a block at a time, column by column, give the
records, problems and notices that rows built one by one give, and the first index built a
chunk at a time is the index (and the problems, in order) a record-by-record pass builds."""

from __future__ import annotations

import contextlib
import csv
import random
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import reliefkit.io._csv as csv_io
import reliefkit.models._dataset as dataset_module
from campaigns import build
from reliefkit._privacy import check_character, resident_id_problem
from reliefkit.exceptions import IntegrityError, LoadError
from reliefkit.io import dump, load_with_notices
from reliefkit.io._blocks import _all_valid
from reliefkit.io._cells import column_parser
from reliefkit.io._schema import SCHEMA
from reliefkit.models import TABLES, Dataset, Household
from reliefkit.models._fields import CHECKS, KEEPS_NORMAL_FORM
from reliefkit.testing import datasets, resident_ids

SLOW = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
# The three differential properties write and load whole folders: a quarter of the profile's
# examples each (50 under ci), so that the block path's tests stay within their time budget.
FOLDERS = settings(SLOW, max_examples=max(10, settings().max_examples // 4))


@contextlib.contextmanager
def patched(module: Any, name: str, value: object) -> Iterator[None]:
    """``module.name`` set to ``value`` for the block (a Hypothesis test cannot use the
    function-scoped ``monkeypatch``)."""
    saved = getattr(module, name)
    setattr(module, name, value)
    try:
        yield
    finally:
        setattr(module, name, saved)


def typed(value: object) -> object:
    """A value with its type, so that ``True`` and ``1`` differ."""
    if isinstance(value, tuple):
        return tuple(typed(v) for v in value)
    return (type(value), value)


def outcome(path: Path, block_rows: int) -> tuple[object, ...]:
    """Everything a load shows, loading with blocks of ``block_rows`` rows (0: none)."""
    with patched(csv_io, "BLOCK_ROWS", block_rows):
        try:
            data, notices = load_with_notices(path)
        except LoadError as error:
            return ("refused", [attrs.astuple(p) for p in error.problems], str(error))
    records = {
        table: [[typed(v) for v in attrs.astuple(r, recurse=False)] for r in rows]
        for table, rows in data.tables().items()
    }
    return ("loaded", records, [attrs.astuple(n) for n in notices])


def same_by_blocks_and_rows(path: Path) -> None:
    """Loading ``path`` row by row and with blocks of several sizes shows the same."""
    expected = outcome(path, 0)
    for size in (1, 2, 3, 2048):
        assert outcome(path, size) == expected, size


# ---- blocks ------------------------------------------------------------------------------------
@FOLDERS
@given(data=datasets(max_households_per_village=6))
def test_blocks_load_any_compliant_campaign_as_rows_do(data: Dataset) -> None:
    """A generated campaign, dumped and loaded, gives the same records by blocks or by rows."""
    with tempfile.TemporaryDirectory() as tmp:
        same_by_blocks_and_rows(dump(data, Path(tmp) / "c"))


TOKENS = [*",;\"\t\n\r \\'ab1-.¥￥元是否XT０\x00\u200b\u3000", "V1", "2015-10-01", "H1", "P1"]
CELLS = (
    st.lists(st.sampled_from(TOKENS), max_size=8).map("".join)
    | st.sampled_from(["", " ", "1,000", "¥5", "-1", "true", "Yes", " 是 ", "V1", "T1", "F1"])
    | resident_ids()
    | resident_ids().map(lambda n: n[:-1] + ("0" if n[-1] != "0" else "1"))  # a wrong check
    | resident_ids().map(lambda n: f" {n} ")
    | st.sampled_from(["110105491231002", "11010519491231002x", "110105194912310021234"])
)


@FOLDERS
@given(
    table=st.sampled_from(sorted(SCHEMA)),
    edits=st.lists(st.tuples(st.integers(0, 40), st.integers(0, 12), CELLS), max_size=4),
)
def test_blocks_find_every_problem_rows_find(table: str, edits: list[tuple[int, int, str]]) -> None:
    """Cells changed anywhere in a table give the same records or the same problems, in
    the same words and order, by blocks or by rows."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = dump(build(), Path(tmp) / "c")
        path = folder / SCHEMA[table].file
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        for row, column, cell in edits:
            target = rows[min(row, len(rows) - 1)]
            if column < len(target):
                target[column] = cell
            else:
                target.append(cell)
        with path.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(rows)
        same_by_blocks_and_rows(folder)


RAW = st.lists(
    st.sampled_from(["a", ",", '"', "\n", "\r", "\r\n", 'x"y', '""', "V1", " ", '"q\r\nq"']),
    max_size=30,
).map("".join)


@FOLDERS
@given(table=st.sampled_from(sorted(SCHEMA)), raw=RAW, repeat=st.integers(1, 5))
def test_blocks_name_the_lines_of_a_broken_file_as_rows_do(
    table: str, raw: str, repeat: int
) -> None:
    """Raw text after a table's rows (quotes never closed, line breaks inside quoted
    cells, blank lines): the same rows read and the same lines named, by blocks or by
    rows."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = dump(build(), Path(tmp) / "c")
        with (folder / SCHEMA[table].file).open("a", encoding="utf-8", newline="") as handle:
            handle.write(raw * repeat)
        same_by_blocks_and_rows(folder)


def test_blocks_of_many_households_check_every_resident_id(tmp_path: Path) -> None:
    """Thousands of households with a few bad, old-style, spaced and missing resident IDs
    load by blocks exactly as by rows."""
    folder = dump(build(), tmp_path / "c")
    path = folder / "households.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        header, first, *_ = list(csv.reader(handle))
    rows = []
    for i in range(5000):
        row = dict(zip(header, first, strict=True))
        row["id"] = f"HX{i}"
        body = f"110105{1940 + i % 60}{1 + i % 12:02d}{1 + i % 28:02d}{i % 1000:03d}"
        row["resident_id"] = body + check_character(body)
        if i % 1000 == 11:
            row["resident_id"] = ""
        if i in (1234, 4321):  # a wrong check character
            row["resident_id"] = body + ("1" if check_character(body) != "1" else "2")
        if i == 2500:
            row["resident_id"] = "110105491231002"  # the old 15-digit form
        if i == 3000:
            row["resident_id"] = f" {row['resident_id']}"
        rows.append([row[name] for name in header])
    random.Random(7).shuffle(rows)
    with path.open("a", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    same_by_blocks_and_rows(folder)
    _, problems, _ = outcome(folder, 2048)
    assert [p[2] for p in problems] == ["resident_id", "resident_id"]  # type: ignore[index]


def rewrite(folder: Path, change: Any) -> None:
    """Rewrite every data cell of every table file: ``change(table, column, row, cell)``."""
    for table in SCHEMA.values():
        path = folder / table.file
        if not path.exists():
            continue
        with path.open(encoding="utf-8", newline="") as handle:
            header, *rows = list(csv.reader(handle))
        rows = [
            [change(table.name, name, i, cell) for name, cell in zip(header, row, strict=True)]
            for i, row in enumerate(rows)
        ]
        with path.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows([header, *rows])


@pytest.mark.parametrize(
    "change",
    [
        lambda t, c, i, cell: f" {cell}\t" if cell and i % 2 else cell,  # spaces around
        lambda t, c, i, cell: cell or (" " if i % 2 else "\u3000"),  # blank, not empty
        lambda t, c, i, cell: cell.upper() if c in ("kind", "role", "sector", "holder") else cell,
        lambda t, c, i, cell: f"¥{cell}" if c in ("amount", "quota", "fee") and cell else cell,
        lambda t, c, i, cell: {"true": "是", "false": "否"}.get(cell, cell),
        lambda t, c, i, cell: f"{cell}-AN-ID-LONGER-THAN-15" if cell and c.endswith("id") else cell,
        lambda t, c, i, cell: (
            "11010519491231002X" if c == "id" and t == "people" and i == 0 else cell
        ),
        lambda t, c, i, cell: f"{cell};x" if c == "village_id" and i == 1 else cell,
        lambda t, c, i, cell: "" if c in ("id", "on", "amount", "kind") and i == 0 else cell,
    ],
)
def test_blocks_read_every_spelling_rows_read(tmp_path: Path, change: Any) -> None:
    """Spaces and blanks around cells, other spellings, long ids, ids holding a resident ID
    number or a ";", required cells left empty: blocks read them exactly as rows do."""
    folder = dump(build(), tmp_path / "c")
    rewrite(folder, change)
    same_by_blocks_and_rows(folder)


def test_blocks_are_used_for_plain_rows(tmp_path: Path) -> None:
    """The comparisons above are not vacuous: a plain file is read in blocks."""
    folder = dump(build(), tmp_path / "c")
    from reliefkit.io._csv import read_folder
    from reliefkit.io._source import Block

    reading = read_folder(folder)
    try:
        kinds = {type(item) for raw in reading.tables for item in raw.rows}
    finally:
        reading.close()
    assert Block in kinds


# ---- the resident ID check -----------------------------------------------------------------------
@given(
    number=resident_ids()
    | st.text("0123456789Xx", min_size=18, max_size=18)
    | resident_ids().map(lambda n: n[:-1] + ("0" if n[-1] != "0" else "1"))
    | resident_ids().map(lambda n: n[:6] + "19000229" + n[14:])
)
def test_the_quick_resident_id_check_agrees_with_the_validity_rule(number: str) -> None:
    """The column check clears a number exactly when it is a valid resident ID number,
    once its date of birth is known to be a valid one (and nothing before)."""
    births: set[str] = set()
    assert not _all_valid([number], births)
    birth = number[6:14]
    probe = f"110105{birth}001"
    if probe.isdigit() and resident_id_problem(probe + check_character(probe)) is None:
        births.add(birth)
    assert _all_valid([number], births) == (resident_id_problem(number) is None)


# ---- what the records' fields promise the fast path ---------------------------------------------
@SLOW
@given(data=datasets())
def test_converters_that_keep_normal_form_keep_every_held_value(data: Dataset) -> None:
    """Each converter listed as keeping normal form returns a record's own value as it is."""
    for records in data.tables().values():
        for record in records:
            for field in attrs.fields(type(record)):
                if field.converter in KEEPS_NORMAL_FORM:
                    value = getattr(record, field.name)
                    assert field.converter(value) is value, field.name


@pytest.mark.parametrize("table", sorted(SCHEMA))
def test_checks_implied_by_the_cells_hold_for_what_the_cells_give(table: str) -> None:
    """A check the fast path does not repeat (a type, a range, money not negative) holds
    for every value the column's parser gives, at the edges of what it accepts."""
    samples = {
        "text": ["a", " x ", "是"],
        "bool": ["true", "0", "否", " Y "],
        "int": [str(n) for n in (-1, 0, 1, 99, 100, 2014, 9999, 10**9)],
        "money": ["0", "0.00", "1,000.50", "¥5", "999999999999999.99"],
    }
    for field in attrs.fields(TABLES[table]):
        column = SCHEMA[table].column(field.name)
        what = CHECKS.get(field.validator)  # type: ignore[arg-type]
        if column is None or what not in ("type", "range", "non_negative"):
            continue
        parse = column_parser(column)
        for cell in samples.get(column.cell, []):
            try:
                value = parse(cell)
            except ValueError:
                continue
            if value is not None:
                field.validator(None, field, value)  # type: ignore[misc]


# ---- the first index -----------------------------------------------------------------------------
def reference_index(tables: dict[str, tuple[Any, ...]]) -> tuple[Any, list[Any]]:
    """The first index and its problems, record by record (the definition)."""
    (campaign,) = tables["campaign"]
    by_id: dict[str, Any] = {}
    table_of: dict[str, str] = {}
    synthetic: dict[str, Any] = {}
    duplicates, bad, seconds = [], [], []
    for table, records in tables.items():
        if table == "campaign":
            continue
        keyed = "id" in attrs.fields_dict(TABLES[table])
        seen: set[str] = set()
        for record in records:
            rid = record.id
            if keyed:
                if rid in table_of:
                    used = "campaign" if rid == campaign.id else table_of[rid]
                    duplicates.append((table, rid, "id", rid, f"id already used in {used}"))
                    continue
                by_id[rid], table_of[rid] = record, table
                if rid == campaign.id:
                    duplicates.append((table, rid, "id", rid, "id already used in campaign"))
            else:
                synthetic.setdefault(rid, (table, record))
                second = dataset_module._SECOND.get(table)
                if second is not None and rid in seen:
                    shown = dataset_module._shown(getattr(record, second[1]))
                    seconds.append((table, (table, rid, second[1], shown, second[2])))
                seen.add(rid)
    groups: dict[str, dict[Any, list[Any]]] = {}
    for name, table, field in dataset_module._GROUPINGS:
        groups[name] = {}
        for record in tables[table]:
            value = getattr(record, field)
            if value is not None:
                groups[name].setdefault(value, []).append(record)
    refs: dict[str, list[Any]] = {}
    for table, records in tables.items():
        if table == "campaign":
            continue
        for record in records:
            for name, allowed in dataset_module._REF_FIELDS[table]:
                value = getattr(record, name)
                items = value if isinstance(value, tuple) else (value,)
                for item in items:
                    if item is None:
                        continue
                    found = "campaign" if item == campaign.id else table_of.get(item)
                    if found is None or ("*" not in allowed and found not in allowed):
                        wanted = "any record" if "*" in allowed else " or ".join(allowed)
                        what = "unknown id" if found is None else f"an id of {found}"
                        bad.append(
                            (table, record.id, name, item, f"{what}; expected an id of {wanted}")
                        )
                for item in dict.fromkeys(items):
                    if item is not None:
                        refs.setdefault(item, []).append((table, record.id, name))
    order = list(dataset_module._SECOND)
    seconds.sort(key=lambda s: order.index(s[0]))
    index = (
        by_id,
        table_of,
        {n: {k: tuple(v) for k, v in g.items()} for n, g in groups.items()},
        synthetic,
        {k: tuple(v) for k, v in refs.items()},
    )
    return index, duplicates + bad + [p for _, p in seconds]


@SLOW
@given(
    data=datasets(max_households_per_village=5),
    chunk=st.sampled_from([1, 2, 3, 4096]),
    edits=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 10**6)), max_size=4),
)
def test_the_first_index_is_the_record_by_record_index(
    data: Dataset, chunk: int, edits: list[tuple[int, int]]
) -> None:
    """Built a chunk at a time, the first index has the record-by-record buckets (same
    order), referrers (same order) and problems (same order), whatever ids and references
    are broken or shared."""
    tables = {name: list(rows) for name, rows in data.tables().items()}
    ids = [r.id for name, rows in tables.items() for r in rows if name != "campaign"]
    ids += [data.campaign.id, "nowhere"]
    keyed = [n for n in tables if n != "campaign" and "id" in attrs.fields_dict(TABLES[n])]
    for where, what in edits:  # an id used twice, or a reference to another record
        table = keyed[where % len(keyed)]
        rows = tables[table]
        if not rows:
            continue
        record = rows[where % len(rows)]
        fields = [n for n, _ in dataset_module._REF_FIELDS[table]]
        name = "id" if what % 3 == 0 or not fields else fields[what % len(fields)]
        value: object = ids[what % len(ids)]
        if isinstance(getattr(record, name), tuple):
            value = (value, ids[(what + 1) % len(ids)])
        with attrs.validators.disabled():
            rows[where % len(rows)] = attrs.evolve(record, **{name: value})
    frozen = {name: tuple(rows) for name, rows in tables.items()}
    with patched(dataset_module, "_CHUNK", chunk):
        index, problems = dataset_module._initial_index(frozen)
    expected, expected_problems = reference_index(frozen)
    assert problems == expected_problems
    by_id, table_of, groups, synthetic, refs = expected
    assert index.by_id == by_id and list(index.by_id) == list(by_id)
    assert index.table_of == table_of
    assert index.synthetic == synthetic
    assert index.groups == groups
    for name, buckets in groups.items():
        assert list(index.groups[name]) == list(buckets)
    assert index.refs == refs


@pytest.mark.parametrize("chunk", [1, 2, 7, 4096])
def test_the_first_index_of_the_example_county_is_the_record_by_record_index(chunk: int) -> None:
    """On the example county (units organising and asked in many solicitations), the
    first index and its referrers are the record-by-record ones, in order."""
    from reliefkit.examples import county_2015

    tables = county_2015().tables()
    with patched(dataset_module, "_CHUNK", chunk):
        index, problems = dataset_module._initial_index(tables)
    (_, _, groups, _, refs), expected_problems = reference_index(tables)
    assert problems == expected_problems == []
    assert index.groups == groups
    assert index.refs == refs


def test_a_broken_dataset_still_raises_every_problem() -> None:
    """Dataset.build with broken references raises IntegrityError listing all of them."""
    data = build()
    households = [attrs.evolve(h, village_id="V-none") for h in data.households]
    tables = {name: rows for name, rows in data.tables().items() if name != "campaign"}
    with pytest.raises(IntegrityError) as caught:
        Dataset.build(data.campaign, **{**tables, "households": households})
    assert len(caught.value.problems) == len(households)
    assert all(isinstance(h, Household) for h in households)
