"""A campaign as a folder of CSV files, one per table."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from reliefkit.exceptions import LoadProblem
from reliefkit.io._aliases import resolve_header
from reliefkit.io._cells import format_cell
from reliefkit.io._notices import Notice, shown
from reliefkit.io._schema import SCHEMA, Table
from reliefkit.io._source import Cells, RawTable, Reading, decode, note_blank_rows
from reliefkit.models import Dataset

_NOT_A_TABLE = "not a table of the format; ignored"
_NO_CAMPAIGN = "missing: every campaign folder has a campaign.csv with exactly one row"
_NO_COLUMN = "required column missing"


def read_folder(folder: Path) -> Reading:
    """Read every table's file in ``folder``; an absent file means no records."""
    campaign = SCHEMA["campaign"]
    reading = Reading(source=str(folder), campaign_file=campaign.file)
    known = {table.file for table in SCHEMA.values()}
    for path in sorted(folder.glob("*.csv")):
        if path.name not in known:
            reading.notices.append(Notice(path.name, None, None, _NOT_A_TABLE))
    for table in SCHEMA.values():
        path = folder / table.file
        if path.is_file():
            _read_file(table, path, reading)
        elif table is campaign:
            reading.problems.append(LoadProblem(table.file, None, None, None, _NO_CAMPAIGN))
    return reading


def _header(table: Table, names: list[str], reading: Reading) -> dict[int, str]:
    """Column name by position; notices for unknown headers, problems for bad ones."""
    file = table.file
    positions: dict[int, str] = {}
    seen: dict[str, str] = {}
    for i, raw in enumerate(names):
        header = raw.strip()
        column = resolve_header(table, header)
        if column is None:
            if header:
                reading.notices.append(Notice(file, None, header, "unknown column; ignored"))
        elif column in seen:
            twice = f"column given twice (also as {seen[column]!r})"
            reading.problems.append(LoadProblem(file, None, column, header, twice))
        else:
            seen[column] = header
            positions[i] = column
    for col in table.columns:
        if col.name in seen:
            continue
        if col.required:
            reading.problems.append(LoadProblem(file, None, col.name, None, _NO_COLUMN))
        elif not col.may_be_absent:
            reading.notices.append(
                Notice(file, None, col.name, "column missing; every row reads it as not given")
            )
    return positions


def _read_file(table: Table, path: Path, reading: Reading) -> None:
    file = table.file
    text = decode(path.read_bytes(), file, reading)
    if text is None:
        reading.unread.add(table.name)
        return
    try:
        lines = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        reading.problems.append(LoadProblem(file, None, None, None, f"not readable as CSV: {exc}"))
        reading.unread.add(table.name)
        return
    if not lines:
        reading.notices.append(Notice(file, None, None, "empty file (no header row); no records"))
        reading.tables.append(RawTable(table, file, ()))
        return
    positions = _header(table, lines[0], reading)
    width = len(lines[0])
    _note_unnamed(file, lines, reading)
    rows: list[tuple[int, Cells]] = []
    blank: list[int] = []
    for number, cells in enumerate(lines[1:], start=1):
        if all(not cell.strip() for cell in cells):
            blank.append(number)
            continue
        for extra in cells[width:]:
            if extra.strip():
                reading.problems.append(
                    LoadProblem(file, number, None, shown(extra), "a cell beyond the header")
                )
        rows.append((number, {col: cells[i] for i, col in positions.items() if i < len(cells)}))
    note_blank_rows(file, blank, reading)
    missing = frozenset(c.name for c in table.columns if c.required) - set(positions.values())
    reading.tables.append(RawTable(table, file, tuple(rows), missing))


def _note_unnamed(file: str, lines: list[list[str]], reading: Reading) -> None:
    """A notice for each column with no header but some data (ignored, like unknown ones)."""
    for i, header in enumerate(lines[0]):
        if not header.strip() and any(i < len(row) and row[i].strip() for row in lines[1:]):
            reading.notices.append(
                Notice(file, None, f"#{i + 1}", "column without a header; ignored")
            )


def write_folder(dataset: Dataset, folder: Path) -> Path:
    """Write one UTF-8 CSV file per table (empty tables as a header row) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, records in dataset.tables().items():
        table = SCHEMA[name]
        with (folder / table.file).open("w", encoding="utf-8", newline="") as handle:
            # The excel dialect's \r\n terminator makes the writer quote a lone \r too.
            writer = csv.writer(handle)
            writer.writerow([c.name for c in table.columns])
            for record in records:
                writer.writerow([format_cell(getattr(record, c.name)) for c in table.columns])
    return folder
