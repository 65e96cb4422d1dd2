"""The format's tables and columns, read from the records' field metadata.

The models own the facts (which cells are required, which are ids, which enum a kind
belongs to); this module only arranges them the way the readers and writers need them.
"""

from __future__ import annotations

from enum import StrEnum
from types import MappingProxyType
from typing import Any

import attrs

from reliefkit.models import LAW_COLUMNS, TABLES

# Columns the contract marks "(opt)": they may be absent from a file without a notice.
_MAY_BE_ABSENT: dict[str, frozenset[str]] = {
    "households": frozenset({"resident_id"}),
    "pairings": frozenset({"since"}),
    "work_teams": frozenset({"ends_on"}),
    "activities": frozenset({"led_by", "households", "fee"}),
    "solicitations": frozenset({"quota"}),
    "donors": frozenset({"unit_id", "home_township_id"}),
    "donations": frozenset(
        {"activity_id", "goods", "designated_project_id", "designated_village_id"}
    ),
}


@attrs.frozen
class Column:
    """One column of a table: how its cells parse and whether they may be empty."""

    name: str
    cell: str
    required: bool
    personal: bool = False
    enum: type[StrEnum] | None = None
    minimum: int | None = None
    maximum: int | None = None
    may_be_absent: bool = False


@attrs.frozen
class Table:
    """One file of the format: its record type and its columns, in the format's order."""

    name: str
    record_type: type[Any]
    columns: tuple[Column, ...]

    @property
    def file(self) -> str:
        """The CSV file holding this table."""
        return f"{self.name}.csv"

    def column(self, name: str) -> Column | None:
        """The column called ``name``, or ``None``."""
        return next((c for c in self.columns if c.name == name), None)


def _column(table: str, field: attrs.Attribute[Any]) -> Column:
    meta = field.metadata
    return Column(
        name=field.name,
        cell=meta["cell"],
        required=meta["required"],
        personal=bool(meta.get("personal", False)),
        enum=meta.get("enum"),
        minimum=meta.get("minimum"),
        maximum=meta.get("maximum"),
        may_be_absent=field.name in _MAY_BE_ABSENT.get(table, frozenset())
        or field.name in LAW_COLUMNS.get(table, frozenset()),
    )


def _table(name: str, record_type: type[Any]) -> Table:
    fields = attrs.fields(record_type)
    return Table(name, record_type, tuple(_column(name, f) for f in fields if "cell" in f.metadata))


SCHEMA: MappingProxyType[str, Table] = MappingProxyType(
    {name: _table(name, cls) for name, cls in TABLES.items()}
)
"""Every table of the format by name, in the format's order (``campaign`` first)."""


def written_columns(table: Table, records: Any) -> tuple[Column, ...]:
    """The columns a writer writes: every column of the format, except the law packs'
    optional ones that no record fills (a v1 campaign is written as a v1 file)."""
    law = LAW_COLUMNS.get(table.name, frozenset())
    return tuple(
        c
        for c in table.columns
        if c.name not in law or any(getattr(r, c.name) not in (None, ()) for r in records)
    )
