"""What a reader hands over: raw tables (cells still strings or JSON values), with the
problems and notices found while reading them."""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from reliefkit.exceptions import LoadProblem
from reliefkit.io._notices import Notice
from reliefkit.io._schema import Table

Cells = Mapping[str, object]


@attrs.frozen
class RawTable:
    """One table as read: ``(row number, cells by column name)`` pairs, blank rows left out.

    ``missing`` names required columns the file lacks: its rows are still checked cell by
    cell, but no record can be built from them.
    """

    table: Table
    file: str
    rows: tuple[tuple[int, Cells], ...]
    missing: frozenset[str] = frozenset()


@attrs.define
class Reading:
    """Everything a reader found; ``campaign_file`` names where the campaign row belongs."""

    source: str
    campaign_file: str
    tables: list[RawTable] = attrs.Factory(list)
    problems: list[LoadProblem] = attrs.Factory(list)
    notices: list[Notice] = attrs.Factory(list)
    # Tables whose file could not be read at all: references to them are not reported again.
    unread: set[str] = attrs.Factory(set)


def decode(data: bytes, file: str, reading: Reading) -> str | None:
    """Text of a file: UTF-8 (a BOM is dropped), else GB18030 with a notice, else a problem."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        reading.problems.append(
            LoadProblem(file, None, None, None, "not readable as UTF-8 or GB18030 text")
        )
        return None
    reading.notices.append(Notice(file, None, None, "not valid UTF-8; read as GB18030"))
    return text


def note_blank_rows(file: str, rows: list[int], reading: Reading) -> None:
    """One notice per file for the rows skipped because every cell was empty."""
    if rows:
        listed = ", ".join(str(r) for r in rows[:10]) + (", …" if len(rows) > 10 else "")
        reading.notices.append(
            Notice(file, None, None, f"skipped {len(rows)} empty row(s): row {listed}")
        )
