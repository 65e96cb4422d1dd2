"""From raw tables to a ``Dataset``: every cell parsed, every record built, every reference
checked, and every problem found on the way collected into one ``LoadError``."""

from __future__ import annotations

import re
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs
import pendulum

from reliefkit._privacy import Personal
from reliefkit.exceptions import IntegrityError, LoadError, LoadProblem
from reliefkit.io._blocks import block_builder
from reliefkit.io._cells import Unreadable
from reliefkit.io._notices import as_text, cell_text, personal
from reliefkit.io._rows import row_reader
from reliefkit.io._schema import SCHEMA, Table
from reliefkit.io._source import Block, Cells, RawTable, Reading
from reliefkit.models import TABLES, Campaign, Dataset

# Stands in for a campaign that could not be read, so references are still checked; the
# dataset built with it is never returned.
_PLACEHOLDER = Campaign(
    id="\x00unreadable-campaign",
    year=2014,
    starts_on=pendulum.Date(2014, 1, 1),
    ends_on=pendulum.Date(2014, 1, 1),
)
_FIELD = re.compile(r"\b(\w+)=")
# "Class.field=<value>: " at the start of a model's message: the problem states it already.
_PREFIX = re.compile(r"^[\w.]+=(?:'[^']*'|\"[^\"]*\"|<[^>]*>|\S+?): ")


@attrs.define
class _Built:
    """The records one table yielded, with their row numbers."""

    file: str
    records: Sequence[Any] = ()
    rows: array[int] = attrs.Factory(lambda: array("q"))
    skipped_ids: set[str] = attrs.Factory(set)
    count: int = 0  # rows read (blank rows aside), built or not
    later_rows: list[int] = attrs.Factory(list)  # of the campaign table: rows after the first


def _personal_columns(table: Table) -> list[tuple[int, str, Personal]]:
    """The personal columns of ``table`` (index, name), each with what personal data it
    holds."""
    return [
        (i, c.name, kind) for i, c in enumerate(table.columns) if (kind := personal(c)) is not None
    ]


def _texts(cell: object) -> list[str]:
    """The texts a raw cell holds (a JSON list's strings one by one)."""
    if isinstance(cell, list):
        return [item for item in cell if isinstance(item, str)]
    if cell is None or isinstance(cell, Unreadable):
        return []
    return [as_text(cell)]


def row_personal(table: Table, cells: Cells) -> list[tuple[str, Personal]]:
    """A row's personal values as written (names, resident IDs), each with its kind."""
    return [(text, kind) for i, _, kind in _personal_columns(table) for text in _texts(cells[i])]


def _record_personal(table: str, record: Any) -> list[tuple[str, Personal]]:
    """A built record's personal values, each with its kind."""
    found = (
        (getattr(record, name, None), kind) for _, name, kind in _personal_columns(SCHEMA[table])
    )
    return [(value, kind) for value, kind in found if isinstance(value, str)]


def _quoting(
    found: Iterable[tuple[str, Personal]],
    value: str | None,
    expected: str,
    kind: Personal | None,
) -> tuple[Personal | None, tuple[str, ...]]:
    """What personal data a problem's ``value`` is (``kind``, its column's), and the
    personal values of its row (``found``) that the problem quotes, to be masked when shown.

    A name typed into a column that holds no personal data makes the cell personal data: a
    value in which a personal value of its own row is written is masked whole — as a resident
    ID when it is exactly the row's resident ID, as a name otherwise.
    """
    quoted: set[str] = set()
    kinds: set[Personal] = set()
    for text, what in found:
        text = text.strip()
        if not text:
            continue
        if text in expected:
            quoted.add(text)
        if kind is None and value is not None and text in value:
            quoted.add(text)
            kinds.add(what if value.strip() == text else "name")
    if kinds:
        kind = "resident_id" if kinds == {"resident_id"} else "name"
    return kind, tuple(sorted(quoted))


def personal_problem(
    file: str,
    row: int | None,
    column: str | None,
    value: str | None,
    expected: str,
    found: Iterable[tuple[str, Personal]],
    *,
    kind: Personal | None = None,
) -> LoadProblem:
    """A load problem about a row whose personal values are ``found``: marked with what
    personal data ``value`` is (``kind``, its column's, or a name of the row typed into
    it) and the personal values it quotes, so that it shows them masked."""
    kind, quoted = _quoting(found, value, expected, kind)
    return LoadProblem(file, row, column, value, expected, personal=kind, personal_values=quoted)


FIX_FIRST = "fix that first"
"""How a problem that is the consequence of another one ends (a count of unknown ids)."""


def in_order(problems: list[LoadProblem], order: Mapping[str, int], unknown: int) -> None:
    """Sort ``problems`` by file (``order``; ``unknown`` for a file not in it), then by row,
    a problem with the whole file or a column (a missing column) first in its file; the
    counts of consequences of other problems (ending in :data:`FIX_FIRST`) come after every
    other problem, so that a cause is listed before what it causes, whichever its file."""

    def key(problem: LoadProblem) -> tuple[bool, int, int]:
        late = problem.row is None and problem.expected.endswith(FIX_FIRST)
        return late, order.get(problem.file, unknown), problem.row or 0

    problems.sort(key=key)


def _cell_problem(
    raw: RawTable, number: int, cells: Cells, index: int, expected: str
) -> LoadProblem:
    """A cell the reader refused (``expected`` says why), its row's personal data marked."""
    column = raw.table.columns[index]
    value = cell_text(cells[index])
    found = row_personal(raw.table, cells)
    return personal_problem(
        raw.file, number, column.name, value, expected, found, kind=personal(column)
    )


def _constructor_problem(raw: RawTable, number: int, cells: Cells, exc: Exception) -> LoadProblem:
    """A model's refusal of a whole row, pinned to the column its message names."""
    message = str(exc)
    names = [c.name for c in raw.table.columns]
    column = next((m.group(1) for m in _FIELD.finditer(message) if m.group(1) in names), None)
    value = None
    kind = None
    if column is not None:
        value = cell_text(cells[names.index(column)])
        kind = personal(raw.table.column(column))
    expected = _PREFIX.sub("", message, count=1)
    found = row_personal(raw.table, cells)
    return personal_problem(raw.file, number, column, value, expected, found, kind=kind)


def _build_table(raw: RawTable, problems: list[LoadProblem], shared: dict[str, str]) -> _Built:
    """Parse and build every row of ``raw`` as it is read (a stream is consumed once)."""
    table = raw.table
    file = raw.file
    built = _Built(file)
    read = row_reader(table, raw.missing, shared)
    # A missing required column leaves every row unbuildable, reported once by the reader.
    buildable = not raw.missing
    record_type = table.record_type
    records: list[Any] = []
    rows, skipped = built.rows, built.skipped_ids
    is_campaign = table.name == "campaign"
    build_block = block_builder(table, shared) if buildable and not is_campaign else None

    def build_row(number: int, cells: Cells | None) -> None:
        built.count += 1
        if is_campaign and built.count > 1:
            built.later_rows.append(number)
        if cells is None:
            return
        kwargs, bad = read(cells)
        if bad or not buildable:
            for i, expected in bad:
                problems.append(_cell_problem(raw, number, cells, i, expected))
            if isinstance(kwargs.get("id"), str):
                skipped.add(str(kwargs["id"]))
            return
        try:
            record = record_type(**kwargs)
        except (ValueError, TypeError) as exc:  # InvalidValueError is a ValueError
            problems.append(_constructor_problem(raw, number, cells, exc))
            if isinstance(kwargs.get("id"), str):
                skipped.add(str(kwargs["id"]))
            return
        records.append(record)
        rows.append(number)

    for item in raw.rows:
        if not isinstance(item, Block):
            build_row(*item)
            continue
        made = build_block(item) if build_block is not None else None
        if made is None:  # something to report, or a type built by its constructor only
            for number, cells in item.cells():
                build_row(number, cells)
            continue
        built.count += len(made)
        records += made
        rows.extend(range(item.first, item.first + len(made)))
    built.records = tuple(records)  # what the dataset keeps: the list is let go
    return built


def _campaign(built: _Built | None, problems: list[LoadProblem]) -> Campaign | None:
    """The single campaign record, or ``None`` (with a problem) when there is not exactly one."""
    if built is None:
        return None  # the reader has reported the missing file
    count = built.count
    if count == 0:
        problems.append(LoadProblem(built.file, None, None, None, "exactly one row; found none"))
        return None
    if count > 1:
        for row in built.later_rows:
            problems.append(
                LoadProblem(built.file, row, None, None, f"exactly one row; found {count}")
            )
        return None
    return built.records[0] if built.records else None


def _holds(field_value: object, value: str) -> bool:
    if isinstance(field_value, tuple):
        return value in field_value
    return field_value == value


def _unread_targets(table: str, field: str, unread: set[str] | frozenset[str]) -> list[str]:
    """The tables whose file was not read (whole) that ``table.field`` may name."""
    attribute = attrs.fields_dict(TABLES[table]).get(field)
    refs = set(attribute.metadata.get("refs", ())) if attribute is not None else set()
    if "*" in refs:
        return sorted(unread)
    return sorted(refs & unread)


def _file(table: str, built: dict[str, _Built], reading: Reading) -> str:
    """Where ``table`` was (or would have been) read: ``villages.csv``, ``c.json:villages``."""
    if table in built:
        return built[table].file
    source, colon, _ = reading.campaign_file.rpartition(":")
    return f"{source}:{table}" if colon else f"{table}.csv"


def _locate(
    problems: Iterable[tuple[str, str, str, str, str]],
    built: dict[str, _Built],
    reading: Reading,
) -> list[LoadProblem]:
    """Integrity problems as load problems naming file, row and column.

    A problem names a record by id; when several rows share the id (a duplicate), the rows
    whose field holds the value are candidates, and the k problems of one kind go to the
    last k of them (duplicates are reported on the later rows).

    An unknown id that may name a record of a file not read (whole) is a consequence, not a
    cause: those are counted in one problem per referring file and column.
    """
    problems = list(problems)
    unread = reading.unread
    skipped = set().union(*(b.skipped_ids for b in built.values()))
    rows_of: dict[tuple[str, str], list[tuple[int, Any]]] = defaultdict(list)
    wanted = {(table, record_id) for table, record_id, *_ in problems}
    for name, b in built.items():
        for number, record in zip(b.rows, b.records, strict=True):
            if (name, record.id) in wanted:
                rows_of[name, record.id].append((number, record))
    totals = Counter(problems)
    seen: Counter[tuple[str, str, str, str, str]] = Counter()
    consequences: Counter[tuple[str, str, tuple[str, ...]]] = Counter()
    out: list[LoadProblem] = []
    for problem in problems:
        table, record_id, field, value, expected = problem
        if expected.startswith("unknown id"):
            if value in skipped:
                continue  # dangles only because its record's row was bad, reported already
            targets = _unread_targets(table, field, unread) if unread else []
            if targets:
                consequences[table, field, tuple(targets)] += 1
                continue
        candidates = rows_of.get((table, record_id), [])
        holding = [c for c in candidates if _holds(getattr(c[1], field, None), value)]
        candidates = holding or candidates
        row: int | None = None
        found: list[tuple[str, Personal]] = []
        if candidates:
            index = len(candidates) - totals[problem] + seen[problem]
            row, record = candidates[max(0, min(index, len(candidates) - 1))]
            found = _record_personal(table, record)
        seen[problem] += 1
        # A reference holds no personal data, unless a name of its own row is typed in it.
        file = _file(table, built, reading)
        out.append(personal_problem(file, row, field, value, expected, found))
    for (table, field, unread_tables), count in consequences.items():
        files = " and ".join(_file(t, built, reading) for t in unread_tables)
        why = "could not be read in full"
        if set(unread_tables) <= reading.empty:
            why = "is empty (no header row)" if len(unread_tables) == 1 else "are empty"
        out.append(
            LoadProblem(
                _file(table, built, reading),
                None,
                field,
                None,
                f"{count:,} id(s) not found, most likely because {files} {why}: {FIX_FIRST}",
            )
        )
    return out


def assemble(reading: Reading) -> Dataset:
    """The dataset the reading describes; raises ``LoadError`` listing every problem.

    Streamed tables are read here, while their records are built: the reader's problems
    and notices are complete once every table has been built.
    """
    problems: list[LoadProblem] = []
    shared: dict[str, str] = {}
    built = {raw.table.name: _build_table(raw, problems, shared) for raw in reading.tables}
    shared.clear()
    problems = reading.problems + problems
    campaign = _campaign(built.get("campaign"), problems)
    tables = {name: b.records for name, b in built.items() if name != "campaign"}
    dataset: Dataset | None = None
    try:
        dataset = Dataset.build(campaign or _PLACEHOLDER, **tables)
    except IntegrityError as exc:
        problems += _locate(exc.problems, built, reading)
    if problems or dataset is None:
        in_order(problems, {raw.file: i for i, raw in enumerate(reading.tables)}, -1)
        raise LoadError(reading.source, problems)
    return dataset
