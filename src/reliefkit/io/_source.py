"""What a reader hands over: raw tables (cells still strings or JSON values), with the
problems and notices found while reading them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from operator import itemgetter
from typing import IO

import attrs

from reliefkit.exceptions import LoadProblem
from reliefkit.io._notices import Notice
from reliefkit.io._schema import Table

Cells = tuple[object, ...]
"""One row's cells in the order of its table's columns; ``None`` where the file has none."""


class Block:
    """Consecutive plain rows of a CSV file, read together so that they can be built column
    by column: data rows ``first`` to ``first + len(rows) - 1``, each exactly as wide as the
    header, none blank, no cell oversized, cells in the file's order. ``index`` gives, for
    each of the table's columns, its position in a row (``-1``: not in the file).

    A block is only a shorter way of writing its rows: :meth:`cells` gives them one by one,
    exactly as a reader that yields rows would.
    """

    __slots__ = ("first", "index", "rows")

    def __init__(self, first: int, rows: list[list[str]], index: tuple[int, ...]) -> None:
        self.first = first
        self.rows = rows
        self.index = index

    def columns(self) -> list[tuple[str, ...] | None]:
        """The cells of each of the table's columns, top to bottom; ``None`` for a column
        the file does not have."""
        found = list(zip(*self.rows, strict=False))  # all as wide as the header
        return [found[i] if i >= 0 else None for i in self.index]

    def cells(self) -> Iterator[tuple[int, Cells]]:
        """``(row number, cells)`` of each row, the cells in the table's column order."""
        index = self.index
        pick = itemgetter(*index) if len(index) > 1 else lambda row: (row[index[0]],)
        for number, row in enumerate(self.rows, self.first):
            yield number, pick([*row, None])


@attrs.frozen
class RawTable:
    """One table as read: ``(row number, cells)`` pairs, blank rows left out; ``None`` for
    the cells of a row the reader refused whole (reported already). A reader may give a run
    of plain rows as one :class:`Block` instead.

    ``rows`` may be a stream, read once: a CSV file is parsed while its records are built,
    so that a big file is never held in memory whole. ``missing`` names required columns
    the file lacks: its rows are still checked cell by cell, but no record can be built
    from them.
    """

    table: Table
    file: str
    rows: Iterable[tuple[int, Cells | None] | Block]
    missing: frozenset[str] = frozenset()


@attrs.define
class Reading:
    """Everything a reader found; ``campaign_file`` names where the campaign row belongs.

    Readers that stream add problems and notices while their rows are consumed.
    """

    source: str
    campaign_file: str
    tables: list[RawTable] = attrs.Factory(list)
    problems: list[LoadProblem] = attrs.Factory(list)
    notices: list[Notice] = attrs.Factory(list)
    # Tables whose file could not be read (whole or to its end): references to their
    # records are counted in one problem per referring column, not reported one by one.
    unread: set[str] = attrs.Factory(set)
    # The first rows of each file skipped as empty (every cell blank), by file.
    blank_rows: dict[str, list[int]] = attrs.Factory(dict)
    # Tables whose file is empty (no header row): unread too, and said to be empty.
    empty: set[str] = attrs.Factory(set)
    # Files the streams read from: closed when loading ends, however it ends.
    handles: list[IO[str]] = attrs.Factory(list)

    def close(self) -> None:
        """Close every file a stream of this reading still holds open."""
        for handle in self.handles:
            handle.close()


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


def note_blank_rows(file: str, count: int, first: list[int], reading: Reading) -> None:
    """One notice per file for the ``count`` rows skipped because every cell was empty;
    ``first`` holds the numbers of the first ten (or more) of them."""
    if count:
        reading.blank_rows[file] = first[:10]
        listed = ", ".join(str(r) for r in first[:10]) + (", …" if count > 10 else "")
        reading.notices.append(
            Notice(file, None, None, f"skipped {count} empty row(s): row {listed}")
        )
