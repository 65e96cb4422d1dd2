"""Building the campaigns of one source: records table by table, a dataset per campaign, and
ids unique across all of them. The pieces of :func:`~reliefkit.io._assemble.assemble`, for
sources whose rows come to more than one campaign.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import repeat
from operator import attrgetter
from typing import Any

from reliefkit.exceptions import IntegrityError, LoadProblem
from reliefkit.io._assemble import (
    _PLACEHOLDER,
    _Built,
    _campaign,
    _cell_problem,
    _constructor_problem,
    _locate,
    _record_personal,
    personal_problem,
)
from reliefkit.io._blocks import block_builder
from reliefkit.io._rows import row_reader
from reliefkit.io._schema import SCHEMA, Table
from reliefkit.io._source import Block, Cells, RawTable, Reading
from reliefkit.models import Dataset

_ID = attrgetter("id")
_WITH_IDS = frozenset(name for name, table in SCHEMA.items() if table.column("id") is not None)
# A count of references made unknown by a file not read (one per campaign, each from
# ``_locate``): "3,879 id(s) not found, most likely because villages.csv could not be …".
_COUNTED = re.compile(r"(\d[\d,]*) (id\(s\) not found, .+)", re.DOTALL)


def new_built(file: str) -> _Built:
    """An empty table of one campaign, filled by :meth:`TableBuilder.add`."""
    return _Built(file, records=[])


class TableBuilder:
    """Builds the rows of one table into the tables of whichever campaign they belong to,
    exactly as :func:`~reliefkit.io._assemble.assemble` builds one campaign's (blocks column
    by column, any other row, or a block with a problem, row by row)."""

    def __init__(
        self,
        table: Table,
        file: str,
        missing: frozenset[str],
        shared: dict[str, str],
        problems: list[LoadProblem],
    ) -> None:
        self.raw = RawTable(table, file, (), missing)
        self.read = row_reader(table, missing, shared)
        self.buildable = not missing  # a missing required column is reported once, by the reader
        self.block = (
            block_builder(table, shared) if self.buildable and table.name != "campaign" else None
        )
        self.problems = problems

    def row(self, built: _Built, number: int, cells: Cells | None) -> None:
        """Build one row (``None``: refused whole by the reader, reported already)."""
        built.count += 1
        if cells is None:
            return
        kwargs, bad = self.read(cells)
        skipped = built.skipped_ids
        if bad or not self.buildable:
            for i, expected in bad:  # the row's names and IDs marked, as in one campaign
                self.problems.append(_cell_problem(self.raw, number, cells, i, expected))
            if isinstance(kwargs.get("id"), str):
                skipped.add(str(kwargs["id"]))
            return
        try:
            record = self.raw.table.record_type(**kwargs)
        except (ValueError, TypeError) as exc:  # InvalidValueError is a ValueError
            self.problems.append(_constructor_problem(self.raw, number, cells, exc))
            if isinstance(kwargs.get("id"), str):
                skipped.add(str(kwargs["id"]))
            return
        records: Any = built.records
        records.append(record)
        built.rows.append(number)

    def add(self, built: _Built, item: tuple[int, Cells | None] | Block) -> None:
        """Build a row or a block of rows into ``built``."""
        if not isinstance(item, Block):
            self.row(built, *item)
            return
        made = self.block(item) if self.block is not None else None
        if made is None:
            for number, cells in item.cells():
                self.row(built, number, cells)
            return
        records: Any = built.records
        built.count += len(made)
        records += made
        built.rows.extend(range(item.first, item.first + len(made)))


def build_dataset(
    built: dict[str, _Built], reading: Reading, problems: list[LoadProblem]
) -> Dataset | None:
    """One campaign's dataset from its built tables, or ``None`` with its problems added."""
    for table in built.values():
        table.records = tuple(table.records)
    campaign = _campaign(built.get("campaign"), problems)
    tables = {name: b.records for name, b in built.items() if name != "campaign"}
    try:
        dataset = Dataset.build(campaign or _PLACEHOLDER, **tables)
    except IntegrityError as exc:
        problems += _locate(exc.problems, built, reading)
        return None
    return dataset if campaign is not None else None


class UniqueIds:
    """Ids are unique across a whole source: the first campaign to use an id keeps it, and
    a later campaign's record with that id is a problem naming both.

    Holds every id of the source (the strings are the records' own) with the campaign and
    file of its first use, shared by all ids of that table.
    """

    def __init__(self) -> None:
        self.owner: dict[str, tuple[int, str, str]] = {}
        self.count = 0

    def add(
        self,
        label: str,
        built: dict[str, _Built],
        file_of: Callable[[str], str],
        problems: list[LoadProblem],
    ) -> None:
        """Record the ids of one campaign (``label`` names it), reporting those a campaign
        added before used already."""
        self.count += 1
        mine = self.count
        owner = self.owner
        for name, table in built.items():
            if name not in _WITH_IDS or not table.records:
                continue
            file = file_of(name)
            tag = (mine, label, file)
            ids = list(map(_ID, table.records))
            if owner.keys().isdisjoint(ids):
                owner.update(zip(ids, repeat(tag)))
                continue
            for number, record_id, record in zip(table.rows, ids, table.records, strict=True):
                other = owner.setdefault(record_id, tag)
                if other[0] != mine:
                    expected = (
                        "an id used once in the whole source: also a record of campaign "
                        f"{other[1]!r} ({other[2]})"
                    )
                    found = _record_personal(name, record)  # a name of its own typed in it
                    problems.append(
                        personal_problem(file, number, "id", record_id, expected, found)
                    )


def merge_counts(problems: list[LoadProblem]) -> list[LoadProblem]:
    """``problems`` with the counted consequences of an unread file (one per campaign of a
    source whose files hold every campaign) made one per file and column, their counts
    added up, where the first of them was."""
    totals: dict[tuple[str, str | None, str], int] = {}
    first: dict[tuple[str, str | None, str], int] = {}
    out: list[LoadProblem | None] = []
    for problem in problems:
        match = _COUNTED.fullmatch(problem.expected)
        if match is None or problem.row is not None or problem.value is not None:
            out.append(problem)
            continue
        key = (problem.file, problem.column, match.group(2))
        totals[key] = totals.get(key, 0) + int(match.group(1).replace(",", ""))
        if key not in first:
            first[key] = len(out)
            out.append(None)
    for key, at in first.items():
        file, column, rest = key
        out[at] = LoadProblem(file, None, column, None, f"{totals[key]:,} {rest}")
    return [p for p in out if p is not None]
