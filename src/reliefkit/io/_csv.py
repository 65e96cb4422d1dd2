"""A campaign as a folder of CSV files, one per table.

Files are streamed: a table's rows are parsed while its records are built, so memory holds
the records kept, not the file. Only regular files inside the folder are read, named exactly
as the format names them; anything else under a table's name is refused with that name.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import stat
import unicodedata
from collections.abc import Iterator
from itertools import chain, islice
from operator import itemgetter
from pathlib import Path
from typing import IO, Any

from reliefkit.exceptions import LoadProblem
from reliefkit.io._aliases import resolve_header
from reliefkit.io._cells import Oversized, format_cell
from reliefkit.io._limits import MAX_CELL_CHARS, MAX_COLUMNS, MAX_NOTICES_PER_FILE
from reliefkit.io._notices import Notice, cell_text, safe_name
from reliefkit.io._schema import SCHEMA, Table, written_columns
from reliefkit.io._source import Block, Cells, RawTable, Reading, note_blank_rows
from reliefkit.models import Dataset

_NOT_A_TABLE = "not a table of the format; ignored"
_NO_CAMPAIGN = "missing: every campaign folder has a campaign.csv with exactly one row"
_NO_COLUMN = "required column missing"
_ABSENT_COLUMN = (
    "column missing: the format requires it in every file of this table (its cells may be "
    "empty, the column may not be absent)"
)
_CHUNK = 1 << 20
BLOCK_ROWS = 2048
"""Rows read into one :class:`Block` at most (``0``: none, every row alone)."""
_FILES = {table.file: table for table in SCHEMA.values()}
_FIRST = itemgetter(0)
# A near miss: the name a person may mean (case, full-width letters, outer spaces).
_NEAR = {unicodedata.normalize("NFKC", name).casefold(): name for name in _FILES}


def misnamed(entry: str, expected: str) -> LoadProblem:
    """The problem of a table's file named almost as the format names it (``Donations.CSV``
    beside ``donations.csv``): not read, and why."""
    return LoadProblem(
        expected,
        None,
        None,
        safe_name(entry),
        f"a file named exactly {expected} (this one is not read: rename it)",
    )


def _near(name: str) -> str:
    return unicodedata.normalize("NFKC", name).strip().casefold()


def list_tables(folder: Path, reading: Reading) -> list[Table] | None:
    """The tables whose file a v1 folder holds, in the format's order; a file named almost
    as a table's is a problem, another ``.csv`` file a notice (both added to ``reading``).
    ``None`` when the folder cannot be listed (a problem too)."""
    try:
        entries = sorted(os.listdir(folder))
    except OSError as exc:
        why = f"a folder that can be read ({exc.strerror or type(exc).__name__})"
        reading.problems.append(LoadProblem(safe_name(folder.name), None, None, None, why))
        return None
    found: set[str] = set()  # table files named exactly
    for entry in entries:
        if entry in _FILES:
            found.add(entry)
        elif _near(entry) in _NEAR:
            expected = _NEAR[_near(entry)]
            reading.problems.append(misnamed(entry, expected))
            if expected not in entries:
                reading.unread.add(_FILES[expected].name)
        elif entry.lower().endswith(".csv"):
            reading.notices.append(Notice(safe_name(entry), None, None, _NOT_A_TABLE))
    return [table for table in SCHEMA.values() if table.file in found]


def read_folder(folder: Path) -> Reading:
    """Read every table's file in ``folder``; an absent file means no records."""
    campaign = SCHEMA["campaign"]
    reading = Reading(source=str(folder), campaign_file=campaign.file)
    listed = list_tables(folder, reading)
    if listed is None:
        return reading
    present = {table.name for table in listed}
    for table in SCHEMA.values():
        if table.name in present:
            _read_file(table, folder, reading)
        elif table is campaign and table.name not in reading.unread:
            reading.problems.append(LoadProblem(table.file, None, None, None, _NO_CAMPAIGN))
    return reading


def _refuse(table: Table, reading: Reading, why: str) -> None:
    reading.problems.append(LoadProblem(table.file, None, None, None, why))
    reading.unread.add(table.name)


def _open(table: Table, folder: Path, reading: Reading) -> IO[bytes] | None:
    """The table's file opened for reading, if it is a regular file inside ``folder``.

    A symbolic link is followed only to a regular file inside the folder; a directory, a
    FIFO, a device or a link leading elsewhere is refused by its name, never opened (a FIFO
    would block) and never quoted (a link's target may be anything).
    """
    path = folder / table.file
    try:
        mode = os.lstat(path).st_mode
        if stat.S_ISLNK(mode):
            target = Path(os.path.realpath(path))
            inside = target.parent == Path(os.path.realpath(folder))
            if not target.exists():
                _refuse(table, reading, "a symbolic link to nothing; not read")
                return None
            if not inside:
                _refuse(table, reading, "a symbolic link leading outside the folder; not read")
                return None
            path, mode = target, os.stat(target).st_mode
        if not stat.S_ISREG(mode):
            what = "a folder" if stat.S_ISDIR(mode) else "not a regular file"
            _refuse(table, reading, f"{what} under a table's name; not read")
            return None
        fd = os.open(
            path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
        )
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped since it was looked at
            os.close(fd)
            _refuse(table, reading, "not a regular file under a table's name; not read")
            return None
        return os.fdopen(fd, "rb")
    except OSError as exc:
        _refuse(table, reading, f"cannot be read: {exc.strerror or type(exc).__name__}")
        return None


def _encoding(handle: IO[bytes], table: Table, reading: Reading) -> str | None:
    """``utf-8-sig`` if the whole file is UTF-8, else ``gb18030`` (with a notice) if it is
    that, else ``None`` (with a problem). Reads the file once, keeping nothing."""
    for encoding in ("utf-8-sig", "gb18030"):
        handle.seek(0)
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            while chunk := handle.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        handle.seek(0)
        if encoding == "gb18030":
            reading.notices.append(
                Notice(table.file, None, None, "not valid UTF-8; read as GB18030")
            )
        return encoding
    _refuse(table, reading, "not readable as UTF-8 or GB18030 text")
    return None


def empty_file(table: Table, reading: Reading) -> None:
    """A table's file is empty (no header row): no records, with a notice; a reference to
    one of its records is a consequence (the file may have been cut off, or its rows never
    saved), counted as those of a file not read, saying it is empty. (An empty campaign
    file is a problem of its own: no campaign row.)"""
    reading.notices.append(Notice(table.file, None, None, "empty file (no header row); no records"))
    reading.tables.append(RawTable(table, table.file, ()))
    if table.name != "campaign":
        reading.unread.add(table.name)
        reading.empty.add(table.name)


def _read_file(table: Table, folder: Path, reading: Reading) -> None:
    handle = _open(table, folder, reading)
    if handle is None:
        return
    encoding = _encoding(handle, table, reading)
    if encoding is None:
        handle.close()
        return
    text = io.TextIOWrapper(handle, encoding=encoding, newline="")
    # strict: a quote never closed, or a quoted cell that does not end at its closing quote,
    # is an error naming the line, not rows silently swallowed into one cell.
    reader = csv.reader(text, strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        text.close()
        _refuse(table, reading, f"the header row is not readable as CSV: {exc}")
        return
    if header is None:
        text.close()
        empty_file(table, reading)
        return
    if not any(name.strip() for name in header):
        text.close()
        _refuse(table, reading, "a header row first: the first row names no column")
        return
    problem = _header_problem(header) or _delimiter_problem(table, header)
    if problem is not None:
        text.close()
        _refuse(table, reading, problem)
        return
    positions = _header(table, header, reading)
    missing = frozenset(c.name for c in table.columns if c.required) - set(positions.values())
    reading.handles.append(text)
    rows = _Rows(table, header, positions, reading)
    reading.tables.append(RawTable(table, table.file, rows.read(reader, text), missing))


def _header_problem(header: list[str]) -> str | None:
    """Why a header cannot be read at all: too many columns, or another delimiter."""
    if len(header) > MAX_COLUMNS:
        return f"a header of at most {MAX_COLUMNS} columns ({len(header):,} here); not read"
    if max(map(len, header), default=0) > MAX_CELL_CHARS:
        return f"a header whose names have at most {MAX_CELL_CHARS:,} characters"
    return None


def _delimiter_problem(table: Table, header: list[str]) -> str | None:
    """Whether the header names more columns when split at ``;`` or tabs: a file saved
    with another delimiter (a European spreadsheet's "CSV" uses ``;``)."""
    named = sum(resolve_header(table, name) is not None for name in header)
    for delimiter, word in ((";", "semicolons"), ("\t", "tabs")):
        parts = [part for name in header if delimiter in name for part in name.split(delimiter)]
        if sum(resolve_header(table, part) is not None for part in parts) > max(named, 1):
            return (
                f"columns separated by commas: this file's header holds {word} "
                f"({delimiter!r}) between its names, so it seems separated by {word}; save it "
                "as CSV with commas (Excel: “CSV UTF-8 (comma delimited)”). Not read"
            )
    return None


def _header(table: Table, names: list[str], reading: Reading) -> dict[int, str]:
    """Column name by position; notices for unknown headers, problems for bad ones."""
    file = table.file
    positions: dict[int, str] = {}
    seen: dict[str, str] = {}
    unknown = 0
    for i, raw in enumerate(names):
        header = raw.strip()
        column = resolve_header(table, header)
        if column is None:
            if header:
                unknown += 1
                if unknown <= MAX_NOTICES_PER_FILE:
                    reading.notices.append(
                        Notice(file, None, safe_name(header), "unknown column; ignored")
                    )
        elif column in seen:
            twice = f"column given twice (also as {safe_name(seen[column])!r})"
            reading.problems.append(LoadProblem(file, None, column, safe_name(header), twice))
        else:
            seen[column] = header
            positions[i] = column
    if unknown > MAX_NOTICES_PER_FILE:
        more = unknown - MAX_NOTICES_PER_FILE
        reading.notices.append(Notice(file, None, None, f"{more} more unknown column(s) ignored"))
    for col in table.columns:
        if col.name in seen:
            continue
        if col.required:
            reading.problems.append(LoadProblem(file, None, col.name, None, _NO_COLUMN))
        elif not col.may_be_absent:
            reading.problems.append(LoadProblem(file, None, col.name, None, _ABSENT_COLUMN))
    return positions


class _Rows:
    """Streams one file's data rows as ``(row number, cells)``, reporting as it goes what a
    row cannot be: cells beyond the header, an oversized cell, a quote never closed."""

    def __init__(
        self, table: Table, header: list[str], positions: dict[int, str], reading: Reading
    ) -> None:
        self.table = table
        self.file = table.file
        self.reading = reading
        self.width = len(header)
        self.unnamed = [i for i, name in enumerate(header) if not name.strip()]
        self.unnamed_with_data: set[int] = set()
        index = {name: i for i, name in positions.items()}
        # Each of the table's columns in the row, or the sentinel appended after the row.
        self.index = tuple(index.get(c.name, -1) for c in table.columns)
        self.pick = itemgetter(*self.index)
        self.blank = 0
        self.first_blank: list[int] = []

    def read(self, reader: Any, handle: IO[str]) -> Iterator[tuple[int, Cells] | Block]:
        """The rows, parsed as they are consumed; the file is closed at the end.

        Rows are read ``BLOCK_ROWS`` at a time, and runs of rows as wide as the header come
        as blocks, to be built column by column; any other row, or a block's rows when one
        of them is blank or holds an oversized cell, comes alone.
        """
        size = BLOCK_ROWS if not self.unnamed else 0
        try:
            if not size:
                yield from self._one_by_one(reader)
                return
            number = 0
            while True:
                rows: list[list[str]] = []
                start = reader.line_num  # the last line of the rows before
                try:
                    rows.extend(islice(reader, size))  # keeps the rows before an error
                except csv.Error as exc:
                    line, end = start + _lines(rows), reader.line_num  # before rows are used
                    yield from self._rows(number + 1, rows)
                    number += len(rows)
                    self._broken(number + 1, line + 1, end, str(exc))
                    return
                yield from self._rows(number + 1, rows)
                number += len(rows)
                if len(rows) < size:
                    return
        finally:
            handle.close()
            note_blank_rows(self.file, self.blank, self.first_blank, self.reading)
            for i in sorted(self.unnamed_with_data)[:MAX_NOTICES_PER_FILE]:
                self.reading.notices.append(
                    Notice(self.file, None, f"#{i + 1}", "column without a header; ignored")
                )

    def _one_by_one(self, reader: Any) -> Iterator[tuple[int, Cells]]:
        """Every row alone, read one at a time."""
        number = 0
        line: int = reader.line_num  # the last line read (the header's)
        try:
            for cells in reader:
                number += 1
                line = reader.line_num
                row = self._row(number, cells)
                if row is not None:
                    yield row
        except csv.Error as exc:
            self._broken(number + 1, line + 1, reader.line_num, str(exc))

    def _rows(self, first: int, rows: list[list[str]]) -> Iterator[tuple[int, Cells] | Block]:
        """Rows ``first``…: runs of rows as wide as the header as blocks, others alone."""
        width = self.width
        if not rows:
            return
        if set(map(len, rows)) == {width}:
            yield from self._block(first, rows)
            return
        run: list[list[str]] = []
        for number, cells in enumerate(rows, first):
            if len(cells) == width:
                run.append(cells)
                continue
            if run:
                yield from self._block(number - len(run), run)
                run = []
            row = self._row(number, cells)
            if row is not None:
                yield row
        if run:
            yield from self._block(first + len(rows) - len(run), run)

    def _block(self, first: int, rows: list[list[str]]) -> Iterator[tuple[int, Cells] | Block]:
        """Rows ``first``… as wide as the header: one block, or row by row if one of them
        is blank (its first cell is) or holds an oversized cell."""
        firsts = list(map(_FIRST, rows))
        if (
            all(firsts)
            and not any(map(str.isspace, firsts))
            # No row longer than a cell may be (quicker), or else no cell longer.
            and (
                max(map(len, map("".join, rows))) <= MAX_CELL_CHARS
                or max(map(len, chain.from_iterable(rows))) <= MAX_CELL_CHARS
            )
        ):
            yield Block(first, rows, self.index)
            return
        for number, cells in enumerate(rows, first):
            row = self._row(number, cells)
            if row is not None:
                yield row

    def _row(self, number: int, cells: list[Any]) -> tuple[int, Cells] | None:
        """One row as ``(number, cells)``, ``None`` for a blank row."""
        first = cells[0] if cells else ""
        if (
            not self.unnamed
            and len(cells) == self.width
            and first
            and not first.isspace()
            and max(map(len, cells)) <= MAX_CELL_CHARS
        ):
            cells.append(None)
            return number, self.pick(cells)
        row = self._prepare(number, cells)
        return None if row is None else (number, row)

    def _prepare(self, number: int, cells: list[Any]) -> Cells | None:
        """The cells of one row in the table's column order, ``None`` for a blank row."""
        if not any(map(str.strip, cells)):
            self.blank += 1
            if len(self.first_blank) <= 10:
                self.first_blank.append(number)
            return None
        width = self.width
        count = len(cells)
        if count > width:
            extra = [cell for cell in cells[width:] if cell.strip()]
            if extra:
                from reliefkit.io._assemble import personal_problem, row_personal

                # A row pushed right shows its own name or resident ID in the extra cell.
                found = row_personal(self.table, self.pick([*cells, None]))
                self.reading.problems.append(
                    personal_problem(
                        self.file,
                        number,
                        None,
                        cell_text(extra[0]),
                        f"{len(extra)} cell(s) beyond the header's last column",
                        found,
                    )
                )
            del cells[width:]
        elif count < width:
            cells.extend([""] * (width - count))
        for i in self.unnamed:
            if cells[i].strip():
                self.unnamed_with_data.add(i)
        if max(map(len, cells), default=0) > MAX_CELL_CHARS:
            cells = [Oversized(len(c)) if len(c) > MAX_CELL_CHARS else c for c in cells]
        cells.append(None)
        picked: Cells = self.pick(cells)
        return picked

    def _broken(self, number: int, start: int, end: int, why: str) -> None:
        """Report the CSV error ``why`` in data row ``number`` (lines ``start``…``end`` of the
        file): the rest of the file cannot be read reliably, so it is not read."""
        rest = "The rest of the file is not read"
        if "field larger than field limit" in why:
            why = (
                f"a cell of more than {MAX_CELL_CHARS:,} characters starting on line {start} "
                f'of the file: most likely a quote (") opened there and never closed. {rest}'
            )
        elif "unexpected end of data" in why:
            why = (
                f'a quote (") opened in this row (line {start} of the file) is never closed: '
                f"its cell runs to the end of the file (line {end}), swallowing the rows "
                f"there; close the quote. {rest}"
            )
        elif "expected after" in why:
            spans = f"lines {start}-{end}" if end > start else f"line {start}"
            why = (
                f'a quoted cell must end at its closing quote ("), followed by a comma or the '
                f"end of the line ({spans} of the file): a quote opened earlier in the row is "
                'never closed, or a quote inside a quoted cell is not doubled (""). '
                f"{rest}"
            )
        else:
            why = f"not readable as CSV from line {start}: {why}. {rest}"
        self.reading.problems.append(LoadProblem(self.file, number, None, None, why))
        self.reading.unread.add(self.table.name)


def _lines(rows: list[list[str]]) -> int:
    """The lines of the file ``rows`` were read from: one each, and one more for each line
    break inside a (quoted) cell, as the reader counts them (CR LF, CR or LF)."""
    text = "\x00".join(chain.from_iterable(rows))  # no line break across two cells
    return len(rows) + text.count("\n") + text.count("\r") - text.count("\r\n")


def write_folder(dataset: Dataset, folder: Path) -> Path:
    """Write one UTF-8 CSV file per table (empty tables as a header row) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, records in dataset.tables().items():
        table = SCHEMA[name]
        columns = written_columns(table, records)
        with (folder / table.file).open("w", encoding="utf-8", newline="") as handle:
            # The excel dialect's \r\n terminator makes the writer quote a lone \r too.
            writer = csv.writer(handle)
            writer.writerow([c.name for c in columns])
            for record in records:
                writer.writerow([format_cell(getattr(record, c.name)) for c in columns])
    return folder
