"""From raw tables to a ``Dataset``: every cell parsed, every record built, every reference
checked, and every problem found on the way collected into one ``LoadError``."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

import attrs
import pendulum

from reliefkit.exceptions import IntegrityError, LoadError, LoadProblem
from reliefkit.io._cells import CellError, parse_cell
from reliefkit.io._notices import as_text, scrub, shown
from reliefkit.io._source import Cells, RawTable, Reading
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
    records: list[Any] = attrs.Factory(list)
    rows: list[int] = attrs.Factory(list)
    skipped_ids: set[str] = attrs.Factory(set)
    raw_rows: tuple[int, ...] = ()


def _personal_values(raw: RawTable, cells: Cells) -> tuple[str, ...]:
    return tuple(
        as_text(cells[c.name])
        for c in raw.table.columns
        if c.personal and cells.get(c.name) is not None
    )


def _constructor_problem(raw: RawTable, number: int, cells: Cells, exc: Exception) -> LoadProblem:
    """A model's refusal of a whole row, pinned to the column its message names."""
    message = str(exc)
    names = {c.name for c in raw.table.columns}
    column = next((m.group(1) for m in _FIELD.finditer(message) if m.group(1) in names), None)
    value = None
    if column is not None:
        value = shown(cells.get(column), raw.table.column(column))
    expected = scrub(_PREFIX.sub("", message, count=1), _personal_values(raw, cells))
    return LoadProblem(raw.file, number, column, value, expected)


def _build_row(
    raw: RawTable, number: int, cells: Cells, built: _Built, problems: list[LoadProblem]
) -> None:
    kwargs: dict[str, object] = {}
    bad = bool(raw.missing)
    for column in raw.table.columns:
        if column.name in raw.missing:
            continue
        value = cells.get(column.name)
        try:
            parsed = parse_cell(column, value)
        except CellError as error:
            problems.append(
                LoadProblem(raw.file, number, column.name, shown(value, column), error.expected)
            )
            bad = True
            continue
        if parsed is not None:
            kwargs[column.name] = parsed
    if bad:
        if isinstance(kwargs.get("id"), str):
            built.skipped_ids.add(str(kwargs["id"]))
        return
    try:
        record = raw.table.record_type(**kwargs)
    except (ValueError, TypeError) as exc:  # InvalidValueError is a ValueError
        problems.append(_constructor_problem(raw, number, cells, exc))
        if isinstance(kwargs.get("id"), str):
            built.skipped_ids.add(str(kwargs["id"]))
        return
    built.records.append(record)
    built.rows.append(number)


def _build_table(raw: RawTable, problems: list[LoadProblem]) -> _Built:
    built = _Built(raw.file, raw_rows=tuple(number for number, _ in raw.rows))
    for number, cells in raw.rows:
        _build_row(raw, number, cells, built, problems)
    return built


def _campaign(built: _Built | None, problems: list[LoadProblem]) -> Campaign | None:
    """The single campaign record, or ``None`` (with a problem) when there is not exactly one."""
    if built is None:
        return None  # the reader has reported the missing file
    count = len(built.raw_rows)
    if count == 0:
        problems.append(LoadProblem(built.file, None, None, None, "exactly one row; found none"))
        return None
    if count > 1:
        for row in built.raw_rows[1:]:
            problems.append(
                LoadProblem(built.file, row, None, None, f"exactly one row; found {count}")
            )
        return None
    return built.records[0] if built.records else None


def _holds(field_value: object, value: str) -> bool:
    if isinstance(field_value, tuple):
        return value in field_value
    return field_value == value


def _refers_to(table: str, field: str, unread: set[str] | frozenset[str]) -> bool:
    """Whether ``table.field`` may name a record of a table whose file was not read."""
    attribute = attrs.fields_dict(TABLES[table]).get(field)
    refs = set(attribute.metadata.get("refs", ())) if attribute is not None else set()
    return bool(refs & unread) or ("*" in refs and bool(unread))


def _locate(
    problems: Iterable[tuple[str, str, str, str, str]],
    built: dict[str, _Built],
    unread: set[str] | frozenset[str] = frozenset(),
) -> list[LoadProblem]:
    """Integrity problems as load problems naming file, row and column.

    A problem names a record by id; when several rows share the id (a duplicate), the rows
    whose field holds the value are candidates, and the k problems of one kind go to the
    last k of them (duplicates are reported on the later rows).
    """
    problems = list(problems)
    skipped = set().union(*(b.skipped_ids for b in built.values()))
    rows_of: dict[tuple[str, str], list[tuple[int, Any]]] = defaultdict(list)
    for name, b in built.items():
        for number, record in zip(b.rows, b.records, strict=True):
            rows_of[name, record.id].append((number, record))
    totals = Counter(problems)
    seen: Counter[tuple[str, str, str, str, str]] = Counter()
    out: list[LoadProblem] = []
    for problem in problems:
        table, record_id, field, value, expected = problem
        if expected.startswith("unknown id") and (
            value in skipped or (unread and _refers_to(table, field, unread))
        ):
            continue  # dangles only because its record or file was bad, reported already
        candidates = rows_of.get((table, record_id), [])
        holding = [c for c in candidates if _holds(getattr(c[1], field, None), value)]
        candidates = holding or candidates
        row: int | None = None
        if candidates:
            index = len(candidates) - totals[problem] + seen[problem]
            row = candidates[max(0, min(index, len(candidates) - 1))][0]
        seen[problem] += 1
        file = built[table].file if table in built else f"{table}.csv"
        out.append(LoadProblem(file, row, field, shown(value), expected))
    return out


def assemble(reading: Reading) -> Dataset:
    """The dataset the reading describes; raises ``LoadError`` listing every problem."""
    problems = list(reading.problems)
    built = {raw.table.name: _build_table(raw, problems) for raw in reading.tables}
    campaign = _campaign(built.get("campaign"), problems)
    tables = {name: b.records for name, b in built.items() if name != "campaign"}
    dataset: Dataset | None = None
    try:
        dataset = Dataset.build(campaign or _PLACEHOLDER, **tables)
    except IntegrityError as exc:
        problems += _locate(exc.problems, built, reading.unread)
    if problems or dataset is None:
        order = {raw.file: i for i, raw in enumerate(reading.tables)}
        problems.sort(key=lambda p: (order.get(p.file, -1), p.row or 0))
        raise LoadError(reading.source, problems)
    return dataset
