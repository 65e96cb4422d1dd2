"""The format's tables as the columnar engine holds them: SQL types, Arrow columns built
from records, and records built back from rows (only for what a finding needs)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from reliefkit.io._schema import SCHEMA, Column, Table
from reliefkit.models import Money

if TYPE_CHECKING:
    import pyarrow as pa

SQL_TYPES: Mapping[str, str] = {
    "id": "STRING",
    "ids": "STRING",
    "text": "STRING",
    "enum": "STRING",
    "resident_id": "STRING",
    "date": "DATE",
    # Sums of many amounts stay exact: 38 digits, two of them fen.
    "money": "DECIMAL(38, 2)",
    "bool": "BOOLEAN",
    "int": "BIGINT",
}

ROW = "_row"
"""The column holding a record's place in its table (the object engine's order)."""


def keyed(table: Table) -> bool:
    """Whether the table has an ``id`` column (the others are keyed by what they join)."""
    return table.column("id") is not None


def id_lists(table: Table) -> tuple[Column, ...]:
    """The columns holding lists of ids (``V1;V2``): each gets a link relation."""
    return tuple(c for c in table.columns if c.cell == "ids")


def link_name(table: str, column: str) -> str:
    """The relation listing the ids of one id-list column: ``activities__villages``."""
    return f"{table}__{column}"


def arrow_type(column: Column) -> pa.DataType:
    """The Arrow type a column is held in."""
    import pyarrow as pa

    kinds = {
        "date": pa.date32(),
        "money": pa.decimal128(38, 2),
        "bool": pa.bool_(),
        "int": pa.int64(),
    }
    return kinds.get(column.cell, pa.string())


def _cell(column: Column, value: Any) -> Any:
    if value is None:
        return None
    if column.cell == "ids":
        return ";".join(value) if value else None
    if column.cell == "money":
        return value.yuan
    if column.cell == "enum":
        return value.value
    return value


def arrow_table(name: str, records: Sequence[Any], campaign_id: str) -> pa.Table:
    """One table of one campaign as Arrow columns, with ``campaign_id`` leading."""
    import pyarrow as pa

    table = SCHEMA[name]
    arrays = [pa.array([campaign_id] * len(records), pa.string())]
    names = ["campaign_id"]
    for column in table.columns:
        values = [_cell(column, getattr(r, column.name)) for r in records]
        arrays.append(pa.array(values, arrow_type(column)))
        names.append(column.name)
    return pa.Table.from_arrays(arrays, names=names)


def record_from(name: str, row: Mapping[str, Any]) -> Any:
    """The record of table ``name`` a row holds (its model checks it, as any record)."""
    table = SCHEMA[name]
    values: dict[str, Any] = {}
    for column in table.columns:
        value = row.get(column.name)
        if value is None:
            if column.cell == "ids":
                values[column.name] = ()
            continue
        if column.cell == "ids":
            value = tuple(v for v in str(value).split(";") if v)
        elif column.cell == "money":
            value = Money(Decimal(value))
        elif column.cell == "enum" and column.enum is not None:
            value = column.enum(value)
        elif column.cell == "int":
            value = int(value)
        values[column.name] = value
    return table.record_type(**values)


def columns_of(name: str) -> tuple[Column, ...]:
    """The format's columns of a table."""
    return SCHEMA[name].columns


def tables() -> Iterable[str]:
    """Every table of the format, ``campaign`` first."""
    return SCHEMA.keys()
