"""A table of a format v1.1 source as a Parquet file (needs pyarrow, the ``frames`` extra).

Typed columns are read as their CSV spellings (a day ``2015-10-17``, money ``1200.50``,
``true``, ``3``) and then exactly as a CSV file's cells, so every loader rule is the same: a
column may also hold the CSV's text spellings. A type a column of its kind cannot hold (a float
for money, a timestamp for a date) is one problem for the column. Rows are read a batch at a
time: memory holds the records kept, not the file.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from reliefkit.exceptions import LoadProblem
from reliefkit.io._cells import Oversized
from reliefkit.io._csv import BLOCK_ROWS, _header, _header_problem
from reliefkit.io._limits import MAX_CELL_CHARS
from reliefkit.io._schema import Table
from reliefkit.io._source import Block, Cells, RawTable, Reading, note_blank_rows

if TYPE_CHECKING:
    import pyarrow as pa

_EXTRA_ZEROS = re.compile(r"(\.\d\d)0+$")
_TYPES = {
    "date": "dates (date32)",
    "money": "decimal128 with at most two decimal places, or whole numbers (a float is never "
    "exact)",
    "bool": "booleans",
    "int": "whole numbers",
}


@attrs.frozen
class ParquetTable(Table):
    """A table whose file is ``NAME.parquet``."""

    @property
    def file(self) -> str:
        """The Parquet file holding this table."""
        return f"{self.name}.parquet"


def _refuse(table: Table, reading: Reading, why: str) -> None:
    reading.problems.append(LoadProblem(table.file, None, None, None, why))
    reading.unread.add(table.name)


def _regular(table: Table, folder: Path, reading: Reading) -> Path | None:
    """The table's file if it is a regular file inside ``folder`` (a symbolic link only to
    one in the folder), as for CSV files."""
    path = folder / table.file
    try:
        mode = os.lstat(path).st_mode
        if stat.S_ISLNK(mode):
            target = Path(os.path.realpath(path))
            if not target.exists() or target.parent != Path(os.path.realpath(folder)):
                _refuse(
                    table, reading, "a symbolic link to nothing or outside the folder; not read"
                )
                return None
            path, mode = target, os.stat(target).st_mode
    except OSError as exc:
        _refuse(table, reading, f"cannot be read: {exc.strerror or type(exc).__name__}")
        return None
    if not stat.S_ISREG(mode):
        what = "a folder" if stat.S_ISDIR(mode) else "not a regular file"
        _refuse(table, reading, f"{what} under a table's name; not read")
        return None
    return path


def _accepts(kind: str, type_: pa.DataType) -> bool:
    import pyarrow as pa

    types = pa.types
    if types.is_dictionary(type_):
        type_ = type_.value_type
    if types.is_string(type_) or types.is_large_string(type_) or types.is_null(type_):
        return True  # text: spelled as in a CSV file
    if kind == "date":
        return bool(types.is_date(type_))
    if kind == "money":
        return bool(types.is_decimal(type_) or types.is_integer(type_))
    if kind == "bool":
        return bool(types.is_boolean(type_))
    if kind == "int":
        return bool(types.is_integer(type_))
    return False


def read_parquet(table: ParquetTable, folder: Path, reading: Reading) -> None:
    """Add the table's rows (streamed) to ``reading``, or the problems that stop it."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        _refuse(table, reading, "reading Parquet needs pyarrow: pip install 'reliefkit[frames]'")
        return
    path = _regular(table, folder, reading)
    if path is None:
        return
    try:
        handle = pq.ParquetFile(path)
        schema = handle.schema_arrow
    except (pa.ArrowException, OSError) as exc:
        _refuse(table, reading, f"not a readable Parquet file ({type(exc).__name__})")
        return
    names = list(schema.names)
    problem = _header_problem(names)
    if problem is not None:
        _refuse(table, reading, problem)
        return
    positions = _header(table, names, reading)
    for i, name in list(positions.items()):
        column = table.column(name)
        type_ = schema.field(i).type
        if column is not None and not _accepts(column.cell, type_):
            wanted = _TYPES.get(column.cell, "text (strings)")
            reading.problems.append(
                LoadProblem(
                    table.file,
                    None,
                    name,
                    str(type_),
                    f"a Parquet column of {wanted}, or of text spelled as in a CSV file",
                )
            )
            del positions[i]
    missing = frozenset(c.name for c in table.columns if c.required) - set(positions.values())
    rows = _rows(table, handle, positions, reading)
    reading.tables.append(RawTable(table, table.file, rows, missing))


def _texts(array: Any) -> list[str | Oversized]:
    """A column's cells as the CSV spellings of their values (empty for null)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    type_ = array.type
    if pa.types.is_dictionary(type_):
        array = array.dictionary_decode()
        type_ = array.type
    if not pa.types.is_string(type_):
        array = pc.cast(array, pa.string())
    texts: list[str] = ["" if v is None else v for v in array.to_pylist()]
    if pa.types.is_decimal(type_) and type_.scale > 2:  # 1.2300 is 1.23 exactly
        texts = [_EXTRA_ZEROS.sub(r"\1", v) for v in texts]
    if max(map(len, texts), default=0) <= MAX_CELL_CHARS:
        return list(texts)
    return [Oversized(len(v)) if len(v) > MAX_CELL_CHARS else v for v in texts]


def _rows(
    table: Table, handle: Any, positions: dict[int, str], reading: Reading
) -> Iterator[tuple[int, Cells] | Block]:
    """The file's rows a batch at a time: plain rows as blocks, others (a text over the
    limit) alone; rows of empty cells are skipped and counted in one notice."""
    import pyarrow as pa

    used = sorted(positions)
    where = {positions[i]: k for k, i in enumerate(used)}
    index = tuple(where.get(c.name, -1) for c in table.columns)
    number = 0
    blank = 0
    first_blank: list[int] = []
    try:
        for batch in handle.iter_batches(batch_size=BLOCK_ROWS):
            columns = [_texts(batch.column(i)) for i in used]
            rows = [list(r) for r in zip(*columns, strict=True)] if columns else []
            if not columns:
                rows = [[] for _ in range(batch.num_rows)]
            run: list[list[Any]] = []
            first = number + 1
            for row in rows:
                number += 1
                plain = all(isinstance(c, str) for c in row)
                if plain and any(row):
                    run.append(row)
                    continue
                if run:
                    yield Block(first, run, index)
                    run = []
                first = number + 1
                if not any(c for c in row if isinstance(c, str)) and plain:
                    blank += 1
                    if len(first_blank) <= 10:
                        first_blank.append(number)
                    continue
                padded = [*row, None]
                yield number, tuple(padded[i] for i in index)
            if run:
                yield Block(first, run, index)
    except (pa.ArrowException, OSError) as exc:
        reading.problems.append(
            LoadProblem(
                table.file,
                number + 1,
                None,
                None,
                f"not readable from here ({type(exc).__name__}); the rest of the file is not read",
            )
        )
        reading.unread.add(table.name)
    finally:
        note_blank_rows(table.file, blank, first_blank, reading)
