"""A folder of CSV files read natively by DuckDB: format v1.1 (``format.json``, one file per
table with a leading ``campaign_id``) or v1 (one campaign, no ``campaign_id``).

The object loader is the specification; this module only decides, cheaply, when DuckDB reads
a folder exactly as the object loader's CSV reader (Python's ``csv`` module) reads it, and
hands every other folder to the object loader (``_loaded``, raising :class:`NotNative`):

1. The files and their headers, with the object loader's own code (the folder's listing,
   ``format.json``, each header's aliases, unknown columns, missing columns): its problems
   and notices. A header given twice, a header without a name, a header on more than one
   line, a symbolic link or other than a regular file, a path DuckDB would read as a pattern: not
   native.
2. Each file's bytes, scanned once: DuckDB skips blank lines (the reader counts them, and
   gives them a notice) and trims spaces around a quoted cell (the reader keeps them, or
   refuses the cell). A file without quotes must have as many lines as rows; a file with
   quotes may hold no blank line and no space beside a quote. Lines end alike (LF or CR LF).
3. ``read_csv`` with every column as text (no sniffing, the reader's quoting, strict about
   the number of cells, lines of at most ``MAX_CELL_CHARS`` bytes, UTF-8 checked; any error
   is not native), typed in the same pass into the format's SQL types, each row flagged when
   a cell is not written in its canonical spelling (``2015-10-01``, ``1200.50``, ``true``…)
   or when it may be blank. A blank row is not native. The rest is the Parquet folder's
   passes (:func:`~reliefkit.columnar._checks.check_rows`): flagged rows are suspect, and
   go through the object loader's row path with their cells as the reader gives them (read
   again from the file), which decides; a row it builds other than the engine holds it is
   not native.

A v1 folder is native only when it loads without a problem: its problems are worded by the
object loader. Spark, and folders of campaign folders, are read by the object loader.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from reliefkit.columnar._check_sql import WHITESPACE, literal, relation
from reliefkit.columnar._checks import Files, NotNative, empty_table
from reliefkit.columnar._tables import ROW, SQL_TYPES, id_lists, link_name
from reliefkit.exceptions import LoadProblem
from reliefkit.io._aliases import resolve_header
from reliefkit.io._csv import (
    _NO_CAMPAIGN,
    _delimiter_problem,
    _header,
    _header_problem,
    _open,
    _refuse,
    empty_file,
    list_tables,
)
from reliefkit.io._limits import MAX_CELL_CHARS
from reliefkit.io._many import FOLDERS, V1, V11, _strays, layout
from reliefkit.io._route import CAMPAIGN_ID
from reliefkit.io._rows import _BOOLS
from reliefkit.io._schema import SCHEMA, Column, Table
from reliefkit.io._source import RawTable, Reading
from reliefkit.io._v11 import FORMAT_FILE, _check_format, _list, _with_campaign_id
from reliefkit.models import TABLES

if TYPE_CHECKING:
    from reliefkit.columnar._backend import Backend

_CHUNK = 1 << 22
ODD_ROWS = 50_000
"""Rows with a cell not in its canonical spelling beyond which a folder is not native: each
goes through the object loader's row path, which then costs as much as loading it."""
_GLOB = frozenset("*?[]{}")
# Fields whose empty cell the object loader reads as the record's default (``False``).
DEFAULTS: dict[tuple[str, str], bool] = {
    (name, field.name): field.default
    for name, cls in TABLES.items()
    for field in attrs.fields(cls)
    if field.metadata.get("cell") == "bool" and isinstance(field.default, bool)
}


def table_bytes(path: Path) -> int:
    """The size of a folder's table files (``households.csv``, …), in bytes."""
    total = 0
    for table in SCHEMA.values():
        with contextlib.suppress(OSError):
            total += (path / table.file).stat().st_size
    return total


def csv_layout(path: Path) -> str | None:
    """``"v1.1"`` or ``"v1"`` for a folder of CSV files the engine may read natively,
    ``None`` for anything else (a folder of campaigns, a JSON file)."""
    if not path.is_dir():
        return None
    kind = layout(path)
    if kind == FOLDERS:
        return None
    return V11 if kind == V11 else V1


@attrs.define
class CsvFile:
    """One table's file: where it is, its header, and which of its columns the format
    names (position → column); ``lines`` as the reader counts them, when they can be
    counted (a file without quotes)."""

    name: str
    path: Path
    width: int
    positions: dict[int, str]
    lines: int | None = None


@attrs.define
class CsvFiles:
    """The first pass over a CSV folder: the object loader's reading of its files and
    headers, and each table's file."""

    version: str
    reading: Reading
    raws: dict[str, RawTable]
    files: dict[str, CsvFile]
    native: bool
    campaign_id: str | None = None  # of a v1 folder: its campaign row's id, as written


# ---- the first pass: files and headers --------------------------------------------------------
def _list_v1(folder: Path, reading: Reading) -> list[Table]:
    """A v1 folder's listing as ``read_folder`` reads it: the tables whose file is there."""
    return list_tables(folder, reading) or []


def _read_header(table: Table, folder: Path, reading: Reading) -> CsvFile | None:
    """The table's file and header as the object loader's CSV reader reads them (its
    problems and notices added to ``reading``); ``None`` when the engine cannot read the
    file as that reader does."""
    path = Path(os.path.abspath(folder / table.file))
    if _GLOB & set(str(path)) or path.is_symlink() or not path.is_file():
        return None  # DuckDB would read a pattern, or follow a link anywhere
    handle = _open(table, folder, reading)
    if handle is None:
        return None
    with io.TextIOWrapper(handle, encoding="utf-8-sig", newline="") as text:
        reader = csv.reader(text, strict=True)
        try:
            header = next(reader, None)
        except (csv.Error, UnicodeDecodeError):
            return None  # the object loader says what (or reads it as GB18030)
        line = reader.line_num
    if header is None:
        empty_file(table, reading)
        return CsvFile(table.name, path, 0, {})
    if not any(name.strip() for name in header):
        _refuse(table, reading, "a header row first: the first row names no column")
        return None
    problem = _header_problem(header) or _delimiter_problem(table, header)
    if problem is not None:
        _refuse(table, reading, problem)
        return None
    positions = _header(table, header, reading)
    named = [resolve_header(table, name.strip()) for name in header]
    if line != 1 or not all(name.strip() for name in header):
        return None  # a header over two lines, a column without a name
    if len(positions) != sum(name is not None for name in named):
        return None  # a column given twice: the object loader reads the first
    missing = frozenset(c.name for c in table.columns if c.required) - set(positions.values())
    reading.tables.append(RawTable(table, table.file, (), missing))
    return CsvFile(table.name, path, len(header), positions)


def read_csv_files(folder: Path, version: str) -> CsvFiles:
    """The first pass: the folder's files and headers as the object loader reads them."""
    reading = Reading(source=str(folder), campaign_file="campaign.csv")
    native = True
    if version == V11:
        _check_format(folder, reading)
        kind, found = _list(folder, reading)
        tables = list(found.values())
        native = kind == "csv" and (folder / FORMAT_FILE).is_file()
    else:
        tables = _list_v1(folder, reading)
    files: dict[str, CsvFile] = {}
    for table in tables:
        if not native:
            break
        got = _read_header(table, folder, reading)
        if got is None:
            native = False
        else:
            files[table.name] = got
    if version == V1:
        if "campaign" not in files and "campaign" not in reading.unread:
            reading.problems.append(LoadProblem("campaign.csv", None, None, None, _NO_CAMPAIGN))
        _strays(folder, reading)
        native = native and not reading.problems  # a v1 folder's problems are the loader's
    raws = {raw.table.name: raw for raw in reading.tables}
    reading.tables.clear()
    campaign = raws.get("campaign")
    native = (
        native
        and not reading.unread
        and set(raws) == {t.name for t in tables}
        and campaign is not None
        and not campaign.missing
        and (version == V1 or all(CAMPAIGN_ID not in raw.missing for raw in raws.values()))
    )
    return CsvFiles(version, reading, raws, files, native)


# ---- the second pass: each file's bytes -------------------------------------------------------
def scan(path: Path) -> int | None:
    """The lines of a file without quotes, as the CSV reader counts them (one row each);
    ``-1`` for a file with quotes holding nothing DuckDB reads otherwise; ``None`` when the
    file may hold a line or a quoted cell that DuckDB reads otherwise than the reader: a
    blank line in a file with quotes, a space beside a quote, a carriage return that does
    not end a line with the line feed after it."""
    newlines = returns = pairs = 0
    quoted = False
    last = b""
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            quoted = quoted or chunk.find(b'"') >= 0
            newlines += chunk.count(b"\n")
            if chunk.find(b"\r") >= 0:
                returns += chunk.count(b"\r")
                pairs += chunk.count(b"\r\n")
            if last == b"\r" and chunk[:1] == b"\n":
                pairs += 1
            last = chunk[-1:]
    if returns != pairs:
        return None  # a carriage return alone ends a line for the reader
    if not quoted:
        return newlines + (1 if last not in (b"", b"\n") else 0)
    with path.open("rb") as handle:
        tail = b""
        while chunk := handle.read(_CHUNK):
            window = tail + chunk
            for pattern in (b' "', b'" ', b"\n\n", b"\n\r\n"):
                if window.find(pattern) >= 0:
                    return None
            tail = chunk[-2:]
    return -1


# ---- the third pass: DuckDB reads and types ---------------------------------------------------
def _source(file: CsvFile) -> str:
    """``read_csv`` of a file, every column as text named by its position."""
    columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(file.width))
    return (
        f"read_csv({literal(str(file.path))}, header = true, auto_detect = false, "
        "delim = ',', quote = '\"', escape = '\"', strict_mode = true, "
        f"null_padding = false, max_line_size = {MAX_CELL_CHARS}, columns = {{{columns}}})"
    )


_BOOL_TRUE = ", ".join(literal(s) for s, v in _BOOLS.items() if v)
_BOOL_FALSE = ", ".join(literal(s) for s, v in _BOOLS.items() if not v)


def _typed(name: str, column: Column, c: str) -> tuple[str, str | None]:
    """A column's typed value from its text ``c``, and the condition under which the text
    is its canonical spelling (the object loader reads it as that value); ``None``: any
    text is (the row checks of strings judge it)."""
    kind = column.cell
    if kind == "date":
        value = f"TRY_CAST({c} AS DATE)"
        canonical = (
            f"regexp_full_match({c}, '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}') "
            f"AND {value} IS NOT NULL AND {c} >= '0001'"
        )
    elif kind == "money":
        value = f"TRY_CAST({c} AS {SQL_TYPES['money']})"
        canonical = f"regexp_full_match({c}, '[0-9]{{1,15}}([.][0-9]{{1,2}})?')"
    elif kind == "int":
        value = f"TRY_CAST({c} AS BIGINT)"
        canonical = f"regexp_full_match({c}, '[0-9]{{1,18}}')"
    elif kind == "bool":
        value = f"CASE WHEN {c} IN ({_BOOL_TRUE}) THEN TRUE WHEN {c} IN ({_BOOL_FALSE}) THEN FALSE"
        value += " END"
        canonical = f"{c} IN ({_BOOL_TRUE}, {_BOOL_FALSE})"
        default = DEFAULTS.get((name, column.name))
        if default is not None:  # an empty cell is the record's default
            value = f"COALESCE({value}, {str(default).upper()})"
    else:
        return c, None
    return value, f"({c} IS NULL OR ({canonical}))"


@attrs.define
class Held:
    """What the engine holds of one file: its rows, and how many are flagged."""

    rows: int
    odd: int


def numbered(source: str) -> str:
    """``source`` (a ``read_csv``) with each row's place in the file, from 0, in ``_rk_n``.

    ``read_csv`` has no row number. DuckDB keeps a file's order through a scan and a window
    function over nothing (its documented order preservation, with
    ``preserve_insertion_order``), not through what its planner may make of an expression
    (a long ``IN`` list becomes a join, which reorders rows): the place is taken there, and
    travels with its row."""
    return f"(SELECT *, row_number() OVER () - 1 AS _rk_n FROM {source})"


def _hold(backend: Backend, files: CsvFiles, file: CsvFile) -> Held:
    """Read one file into the typed table ``_rk_csv_NAME`` (the view ``NAME`` shows it as
    the engine's table, ``_row`` each row's place); raises :class:`NotNative`."""
    import duckdb

    name = file.name
    at = {column: f"c{i}" for i, column in file.positions.items()}
    if files.version == V11 and name != "campaign":
        campaign_id = at.get(CAMPAIGN_ID, "NULL")
    elif files.version == V11 or files.campaign_id is None:
        campaign_id = at.get("id", "NULL")  # a campaign row's id is its campaign id
    else:
        campaign_id = literal(files.campaign_id)
    cols = [f"{campaign_id} AS campaign_id"]
    shown = ["campaign_id"]  # the view's columns: a column the file lacks is held nowhere
    canonical = []
    for column in SCHEMA[name].columns:
        c = at.get(column.name)
        if c is None:
            shown.append(f'CAST(NULL AS {SQL_TYPES[column.cell]}) AS "{column.name}"')
            continue
        value, test = _typed(name, column, c)
        cols.append(f'{value} AS "{column.name}"')
        shown.append(f'"{column.name}"')
        if test is not None:
            canonical.append(test)
    # Every cell of a blank row is empty or white space: its first one is, or starts with it
    # (a row whose first cell does, blank or not, is left to the object loader).
    blank = f"c0 IS NULL OR instr({literal(WHITESPACE)}, substr(c0, 1, 1)) > 0"
    odd = " AND ".join(canonical) or "TRUE"
    flag = f"CAST(CASE WHEN {blank} THEN 2 WHEN NOT ({odd}) THEN 1 ELSE 0 END AS UTINYINT)"
    table = f"_rk_csv_{name}"
    try:
        backend.materialise(
            table,
            f"SELECT {', '.join(cols)}, {flag} AS _rk_flag, _rk_n AS {ROW} "
            f"FROM {numbered(_source(file))}",
            ordered=True,
        )
    except duckdb.Error as exc:  # a row DuckDB cannot read: the object loader says why
        raise NotNative(f"{name}.csv: {type(exc).__name__}") from None
    _, found = backend.rows(
        "SELECT count(*), coalesce(max(_rk_flag), 0), count(*) FILTER (WHERE _rk_flag = 1) "
        f'FROM "{table}"'
    )
    rows, worst, flagged = found[0]
    if worst == 2:
        raise NotNative(f"{name}.csv: a row that may be blank")
    if file.lines is not None and file.lines != rows + 1:
        raise NotNative(f"{name}.csv: {file.lines} lines, {rows} rows")
    backend.view(name, f'SELECT {", ".join(shown)}, {ROW} FROM "{table}"')
    backend.view(f"_rk_odd_{name}", f'SELECT {ROW} FROM "{table}" WHERE _rk_flag = 1')
    for column in id_lists(SCHEMA[name]):
        backend.materialise(link_name(name, column.name), backend.split_ids(name, column.name))
    return Held(int(rows), int(flagged))


def _texts(backend: Backend, files: CsvFiles) -> Callable[[str, list[int]], dict[int, Any]]:
    """The cells of rows of a table as the CSV reader gives them, by ``_row``."""

    def texts(name: str, numbers: list[int]) -> dict[int, Any]:
        file = files.files.get(name)
        if file is None or not numbers:
            return {}
        picked = [f'c{i} AS "{column}"' for i, column in sorted(file.positions.items())]
        if files.version == V1 and name != "campaign":
            picked.append(f'{literal(files.campaign_id or "")} AS "{CAMPAIGN_ID}"')
        relation(backend, "_rk_text_rows", [(ROW, "BIGINT")], [(n,) for n in numbers])
        listed = ", ".join(picked) or "NULL AS _rk_none"
        con = backend.con  # type: ignore[attr-defined]
        con.execute("SET preserve_insertion_order = true")  # numbered as in the file
        try:
            names, rows = backend.rows(
                f"SELECT {listed}, _rk_n AS {ROW} FROM {numbered(_source(file))} "
                f"WHERE _rk_n IN (SELECT {ROW} FROM _rk_text_rows)"
            )
        finally:
            con.execute("RESET preserve_insertion_order")
        out = {}
        for row in rows:
            found = dict(zip(names, row, strict=True))
            out[int(found.pop(ROW))] = found
        return out

    return texts


def hold_csv(backend: Backend, files: CsvFiles) -> Files:
    """Read every table's file into the engine (raises :class:`NotNative`), and the
    :class:`~reliefkit.columnar._checks.Files` the row checks take."""
    import pyarrow as pa

    for each in files.files.values():
        if not each.width:
            continue
        each.lines = scan(each.path)
        if each.lines is None:
            raise NotNative(f"{each.name}.csv: its lines or quotes")
        if each.lines == -1:
            each.lines = None
    odd = 0
    extra: dict[str, str] = {}
    types: dict[str, dict[str, pa.DataType]] = {}
    for name in SCHEMA:
        file = files.files.get(name)
        if file is None or not file.width:
            raw, _ = empty_table(backend, name)
            backend.view(name, f"SELECT * FROM {raw}")
            for column in id_lists(SCHEMA[name]):
                backend.materialise(
                    link_name(name, column.name), backend.split_ids(name, column.name)
                )
            types[name] = {}
        else:
            held = _hold(backend, files, file)
            odd += held.odd
            if held.odd:
                extra[name] = f'{ROW} IN (SELECT {ROW} FROM "_rk_odd_{name}")'
            types[name] = {column: pa.string() for column in file.positions.values()}
            if files.version == V1 and name != "campaign":
                types[name][CAMPAIGN_ID] = pa.string()
        if name == "campaign" and files.version == V1:
            _, rows = backend.rows("SELECT count(*), min(campaign_id) FROM campaign")
            count, campaign_id = rows[0]
            if count != 1 or campaign_id is None:
                raise NotNative("campaign.csv: not one campaign row")
            files.campaign_id = str(campaign_id)
        if odd > ODD_ROWS:
            raise NotNative(f"more than {ODD_ROWS:,} rows spelled otherwise than canonically")
    raws = {
        name: attrs.evolve(raw, table=_with_campaign_id(SCHEMA[name], "csv"))
        if files.version == V1
        else raw
        for name, raw in files.raws.items()
    }
    return Files(
        Path(files.reading.source),
        files.reading,
        raws,
        types,
        files.native,
        suffix=".csv",
        texts=_texts(backend, files),
        suspects=extra,
    )


def forget(backend: Backend) -> None:
    """Drop what reading a folder natively made, so that the object loader's tables take
    the same names."""
    import duckdb

    con = backend.con  # type: ignore[attr-defined]
    views = "SELECT view_name, 'VIEW' FROM duckdb_views() WHERE NOT internal AND temporary"
    made = "SELECT table_name, 'TABLE' FROM duckdb_tables() WHERE NOT internal"
    for name, kind in con.execute(f"{views} UNION ALL {made}").fetchall():
        with contextlib.suppress(duckdb.Error):  # a registered Arrow table: replaced anyway
            con.execute(f'DROP {kind} IF EXISTS "{name}"')
