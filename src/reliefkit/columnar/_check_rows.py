"""The second pass of the load-time checks: rows.

One query per table finds the rows the object loader could refuse, or read other than the
engine holds them — a superset, decided cheaply and set-based. Values that only Python can
judge (a resident ID number's check character, a resident ID number hidden in an id) are
judged over the distinct values a query returns. The rows found, and every row of the
campaign table, then go through the object loader's own row path (``Router``), which routes
each row to its campaign, parses its cells and builds its record, reporting as it does.

A row the object loader builds must be held by the engine as that record: if it is not
(``" Town"`` for ``town``, an id with spaces around it), the folder is not native.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs

from reliefkit._privacy import resident_id_problem, resident_ids_in
from reliefkit.columnar._check_sql import (
    MAY_HOLD_RESIDENT_ID,
    SPACE,
    literal,
    matches,
    padded,
    relation,
    unclear_resident_ids,
)
from reliefkit.columnar._checks import _STRINGS, Files, NotNative
from reliefkit.columnar._tables import ROW, id_lists, link_name, record_from
from reliefkit.exceptions import LoadProblem
from reliefkit.io._cells import Oversized
from reliefkit.io._limits import MAX_CELL_CHARS, MAX_YUAN
from reliefkit.io._route import CAMPAIGN_ID, Router
from reliefkit.io._schema import SCHEMA, Column
from reliefkit.io._source import Cells, RawTable, note_blank_rows
from reliefkit.io._v11 import _with_campaign_id
from reliefkit.models import TABLES
from reliefkit.models._fields import CHECKS

if TYPE_CHECKING:
    import pyarrow as pa

    from reliefkit.columnar._backend import Backend

VALUES = "_rk_values"
"""Relation of the values judged in Python that make a row suspect: ``tab, col, v``."""


def _not_before(table: str) -> dict[str, str]:
    """Date fields that may not precede another field of the record: field → earlier one."""
    import inspect

    out = {}
    for field in attrs.fields(TABLES[table]):
        check = field.validator
        if getattr(check, "__qualname__", "") == "_not_before.<locals>.check":
            out[field.name] = inspect.getclosurevars(check).nonlocals["start"]
    return out


def _whole_table(table: str) -> bool:
    """Whether a record type has a check this pass does not know (one comparing fields,
    say): then every row of the table is given to the object loader."""
    known = _not_before(table)
    for field in attrs.fields(TABLES[table]):
        check = field.validator
        if check is not None and check not in CHECKS and field.name not in known:
            return True
    return False


def _in_values(table: str, column: str, c: str) -> str:
    return (
        f"{c} IN (SELECT v FROM {VALUES} WHERE tab = {literal(table)} AND col = {literal(column)})"
    )


def _suspect(backend: Backend, table: str, column: Column, read: Mapping[str, Any]) -> list[str]:
    """Conditions under which a cell of ``column`` may be refused or read otherwise."""
    c = f'"{column.name}"'
    found: list[str] = [f"{c} IS NULL"] if column.required else []
    kind = column.cell
    if kind in _STRINGS:
        found.append(f"length({c}) > {MAX_CELL_CHARS}")
        if kind != "ids":  # an empty list is no list, as the object loader reads it
            found.append(f"{c} = ''")
    if kind == "text":
        found.append(padded(c))
    if kind == "id":
        found += [padded(c), f"instr({c}, ';') > 0", _in_values(table, column.name, c)]
    elif kind == "ids":
        link = link_name(table, column.name)
        found += [
            matches(backend, c, SPACE),
            f"instr({c}, '；') > 0",
            f"substr({c}, 1, 1) = ';'",
            f"substr({c}, length({c}), 1) = ';'",
            f"instr({c}, ';;') > 0",
            f'"id" IN (SELECT "id" FROM "{link}" WHERE {_in_values(table, column.name, "item")})',
        ]
    elif kind == "enum" and column.enum is not None:
        allowed = ", ".join(literal(m.value) for m in column.enum)
        found.append(f"{c} NOT IN ({allowed})")
    elif kind == "resident_id":
        found.append(_in_values(table, column.name, c))
    elif kind == "int":
        if column.minimum is not None:
            found.append(f"{c} < {column.minimum}")
        if column.maximum is not None:
            found.append(f"{c} > {column.maximum}")
    elif kind == "money":
        found += [f"{c} < 0", f"{c} > {MAX_YUAN}"]
    elif kind == "date":
        start = _not_before(table).get(column.name)
        if start is not None and start in read:
            found.append(f'{c} < "{start}"')
    return found


def _judge_values(backend: Backend, files: Files) -> None:
    """Register the values only Python judges that make a row suspect: ids holding a
    resident ID number, resident ID numbers that are not valid (each distinct value once)."""
    parts = []
    for name, table in SCHEMA.items():
        read = files.read(name)
        for column in table.columns:
            if column.name not in read:
                continue
            c = f'"{column.name}"'
            select = f"SELECT DISTINCT {literal(name)} AS tab, {literal(column.name)} AS col"
            if column.cell == "id":
                where = f"length({c}) >= 15 AND {matches(backend, c, MAY_HOLD_RESIDENT_ID)}"
                parts.append(f'{select}, {c} AS v FROM "{name}" WHERE {where}')
            elif column.cell == "ids":
                link = link_name(name, column.name)
                where = f"length(item) >= 15 AND {matches(backend, 'item', MAY_HOLD_RESIDENT_ID)}"
                parts.append(f'{select}, item AS v FROM "{link}" WHERE {where}')
            elif column.cell == "resident_id":
                unclear = unclear_resident_ids(backend, f'"{name}"', c)
                parts.append(f"{select}, v FROM ({unclear}) u")
    rows: list[tuple[Any, ...]] = []
    if parts:
        rows = backend.rows(
            " UNION ALL ".join(f"SELECT * FROM ({p}) q{i}" for i, p in enumerate(parts))
        )[1]
    bad: list[tuple[str, str, str]] = []
    for tab, col, value in rows:
        found = SCHEMA[tab].column(col)
        assert found is not None
        if found.cell == "resident_id":
            if value.strip() != value or resident_id_problem(value) is not None:
                bad.append((tab, col, value))
        elif any(resident_ids_in(value)):
            bad.append((tab, col, value))
    relation(backend, VALUES, [("tab", "STRING"), ("col", "STRING"), ("v", "STRING")], bad)


def _text(value: Any, type_: pa.DataType | None) -> str | Oversized:
    """A cell as the object loader reads it from the Parquet file: the Arrow value's text."""
    import pyarrow as pa

    if value is None:
        return ""
    if isinstance(value, str):
        return Oversized(len(value)) if len(value) > MAX_CELL_CHARS else value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        scale = type_.scale if type_ is not None and pa.types.is_decimal(type_) else 0
        return f"{value:.{scale}f}"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _cells(columns: Sequence[Column], read: Mapping[str, Any], row: Mapping[str, Any]) -> Cells:
    return tuple(_text(row[c.name], read[c.name]) if c.name in read else None for c in columns)


@attrs.define
class Routed:
    """What the object loader's row path made of the rows given to it: its problems, the
    campaigns it read (id → row of the campaign file), the rows it was given but did not
    build (by table, numbered from 1), and the ids of the rows it could not build (by
    campaign)."""

    problems: list[LoadProblem]
    campaigns: dict[str, int]
    unbuilt: dict[str, list[int]]
    skipped: dict[str, set[str]]


def _rows(backend: Backend, sql: str) -> list[dict[str, Any]]:
    names, rows = backend.rows(sql)
    return [dict(zip(names, row, strict=True)) for row in rows]


def _feed(
    router: Router, files: Files, name: str, rows: list[dict[str, Any]]
) -> dict[int, dict[str, Any]]:
    """Give rows of table ``name`` to the object loader's row path (their cells as its
    reader gives them: from the file's text when the engine holds typed values); the rows
    given, by number. Blank rows are left out, and counted in a notice, as the reader does."""
    table = _with_campaign_id(SCHEMA[name], files.suffix.lstrip("."))
    read = files.read(name)
    given: dict[int, dict[str, Any]] = {}
    texts: Mapping[int, Mapping[str, Any]] | None = None
    if files.texts is not None:
        texts = files.texts(name, [int(row[ROW]) for row in rows])
    raw = files.raws[name]
    blank: list[int] = []

    def items() -> Iterator[tuple[int, Cells]]:
        for row in rows:
            number = int(row[ROW]) + 1
            cells = _cells(table.columns, read, row if texts is None else texts[number - 1])
            if all(cell == "" for cell in cells if cell is not None):
                blank.append(number)  # left out, as the reader leaves it out
                continue
            given[number] = row
            yield number, cells

    router.table(RawTable(table, raw.file, items(), raw.missing))
    note_blank_rows(raw.file, len(blank), blank[:11], files.reading)
    return given


def _same(name: str, record: Any, row: Mapping[str, Any], key: str) -> bool:
    """Whether the engine holds the row as the record the object loader built from it."""
    given = row.get(CAMPAIGN_ID)
    if given != key:
        return False
    try:
        if record_from(name, row) != record:
            return False
    except (ValueError, TypeError):
        return False
    for column in id_lists(SCHEMA[name]):
        text = row.get(column.name) or ""
        if text != ";".join(getattr(record, column.name)):
            return False
    return True


def route_rows(backend: Backend, files: Files) -> Routed:
    """Pass 2: the object loader's row path over the campaign table and the suspect rows
    of every other table; raises :class:`NotNative` where the engine holds a row that built
    other than the object loader built it."""
    reading = files.reading
    problems: list[LoadProblem] = []
    router = Router(reading, problems)
    given = {
        "campaign": _feed(
            router, files, "campaign", _rows(backend, f"SELECT * FROM campaign ORDER BY {ROW}")
        )
    }
    relation(backend, "_rk_known", [("campaign_id", "STRING")], [(k,) for k in router.first_row])
    good = [(key, router.first_row[key] - 1) for key in router.campaigns]
    relation(backend, "_rk_good", [("campaign_id", "STRING"), (ROW, "BIGINT")], good)
    _judge_values(backend, files)
    suspects: dict[str, str] = {}  # table -> the query of its suspect rows' places
    for name, table in SCHEMA.items():
        if name == "campaign" or name not in files.raws:
            continue
        read = files.read(name)
        if _whole_table(name):
            suspect = ["TRUE"]
        else:
            suspect = [
                s for c in table.columns if c.name in read for s in _suspect(backend, name, c, read)
            ]
        if name in files.suspects:
            suspect.append(files.suspects[name])
        cells = " OR ".join(suspect) or "FALSE"
        suspects[name] = (
            f'SELECT {literal(name)} AS tab, {ROW} FROM "{name}" WHERE campaign_id IS NULL '
            "OR campaign_id NOT IN (SELECT campaign_id FROM _rk_known) "
            f"OR (campaign_id IN (SELECT campaign_id FROM _rk_good) AND ({cells}))"
        )
    # Which rows are suspect, in one query (one job on Spark); then those rows whole, table
    # by table, fed in the format's order. A clean source has none.
    hits: dict[str, list[int]] = {name: [] for name in suspects}
    if suspects:
        for tab, row in backend.rows(" UNION ALL ".join(suspects.values()))[1]:
            hits[tab].append(int(row))
    wanted = [name for name, rows in hits.items() if rows]
    queries = []
    for name in wanted:
        relation(backend, f"_rk_suspect_{name}", [(ROW, "BIGINT")], [(r,) for r in hits[name]])
        queries.append(
            f'SELECT * FROM "{name}" WHERE {ROW} IN (SELECT {ROW} FROM _rk_suspect_{name})'
        )
    fetched = dict(zip(wanted, backend.batch(queries), strict=True))
    for name in suspects:
        rows = fetched.get(name, [])
        rows.sort(key=lambda row: row[ROW])
        given[name] = _feed(router, files, name, rows)
    if not router.unread_campaigns and not router.campaign_rows:
        problems.append(
            LoadProblem(reading.campaign_file, None, None, None, "at least one campaign row")
        )
    router.consequences()
    unbuilt = {name: set(rows) for name, rows in given.items()}
    skipped: dict[str, set[str]] = {}
    for key, tables in router.campaigns.items():
        skipped[key] = set()
        for name, built in tables.items():
            skipped[key] |= built.skipped_ids
            for number, record in zip(built.rows, built.records, strict=True):
                unbuilt[name].discard(number)
                if not _same(name, record, given[name][number], key):
                    raise NotNative(f"{name}{files.suffix} row {number}")
    return Routed(
        problems,
        {key: router.first_row[key] for key in router.campaigns},
        {name: sorted(rows) for name, rows in unbuilt.items()},
        skipped,
    )
