"""The format's tables as the columnar engine holds them: SQL types, Arrow columns built
from records, and records built back from rows (only for what a finding needs)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from itertools import repeat
from typing import TYPE_CHECKING, Any

import attrs

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


def _from_sql(column: Column, value: Any) -> Any:
    """A cell as the engine holds it (not ``None``), as the record's constructor takes it."""
    if column.cell == "ids":
        return tuple(v for v in str(value).split(";") if v)
    if column.cell == "money":
        return Money(Decimal(value))
    if column.cell == "enum" and column.enum is not None:
        return column.enum(value)
    if column.cell == "int":
        return int(value)
    return value


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
        values[column.name] = _from_sql(column, value)
    return table.record_type(**values)


Columns = Mapping[str, "Sequence[Any] | pa.ChunkedArray"]
"""A table's rows column by column: Python values, or an Arrow column as the engine gives."""

# Cells with few distinct values, converted once per value.
_FEW = frozenset({"date", "money", "enum", "bool", "int", "ids"})


@attrs.frozen
class _Step:
    name: str
    convert: Callable[[Any], Any]
    """A cell (not ``None``) as the field holds it: what the constructor's converter makes
    of what :func:`record_from` passes it."""
    empty: Any
    """What the field holds for ``None`` (its default, converted); ``NOTHING`` when the
    field is required."""
    few: bool
    text: bool
    put: Callable[[Any, Any], None]


class RecordMaker:
    """Builds the records of one table column by column, without their constructors, for
    rows a source's load checks have vouched for: each field gets what the constructor
    would give it (its converter applied to what :func:`record_from` passes, once per
    distinct value where values repeat), and the validators, which the checks stand for,
    are not run again. Equal records to :func:`record_from`'s (tested)."""

    def __init__(self, record_type: type[Any], steps: Sequence[_Step]) -> None:
        self.record_type = record_type
        self.steps = tuple(steps)

    def build(self, columns: Columns, size: int) -> list[Any] | None:
        """The records of ``size`` rows, or ``None`` if a required cell is empty (then
        build them one by one with :func:`record_from`, which says what is wrong)."""
        values = []
        for step in self.steps:
            found = _values(step, columns[step.name], size)
            if found is None:
                return None
            values.append(found)
        records = list(map(object.__new__, repeat(self.record_type, size)))
        for step, column in zip(self.steps, values, strict=True):
            any(map(step.put, records, column))  # each call returns None: runs them all
        return records


def _values(step: _Step, cells: Sequence[Any] | pa.ChunkedArray, size: int) -> list[Any] | None:
    """The values a column gives a field; ``None`` for an empty cell of a required one."""
    convert, empty = step.convert, step.empty
    if not isinstance(cells, Sequence):  # Arrow
        if step.few:
            # Each distinct value converted once: the column's dictionary, then its indices.
            encoded = cells.combine_chunks().dictionary_encode()
            known = list(map(convert, encoded.dictionary.to_pylist()))
            if encoded.null_count:
                if empty is attrs.NOTHING:
                    return None
                known.append(empty)
                indices = encoded.indices.fill_null(len(known) - 1).to_pylist()
            else:
                indices = encoded.indices.to_pylist()
            return list(map(known.__getitem__, indices))
        if cells.null_count and empty is attrs.NOTHING:
            return None
        cells = cells.to_pylist()
    elif empty is attrs.NOTHING and None in cells:
        return None
    if step.text and "" not in cells:
        # Text the engine holds is never "" (read as no value when the table was made):
        # the converters of text give it back as it is, and None as None.
        if empty is None or None not in cells:
            return list(cells)
        return [empty if c is None else c for c in cells]
    if step.few:
        memo: dict[Any, Any] = {None: empty}
        return [memo[c] if c in memo else memo.setdefault(c, convert(c)) for c in cells]
    return [empty if c is None else convert(c) for c in cells]


def _identity(value: Any) -> Any:
    return value


def record_maker(name: str) -> RecordMaker | None:
    """The :class:`RecordMaker` of table ``name``, or ``None`` for a record type that is not
    a plain slotted attrs class whose every field is a column (then rows are built by
    :func:`record_from`)."""
    from reliefkit.io._blocks import _settable_fields
    from reliefkit.models._fields import KEEPS_NORMAL_FORM

    table = SCHEMA[name]
    cls = table.record_type
    fields = _settable_fields(cls)
    if fields is None:
        return None
    by_name = {column.name: column for column in table.columns}
    steps = []
    for field in fields:
        column = by_name.get(field.name)
        if column is None:
            return None
        given: Any = field.converter
        converter: Callable[[Any], Any] = given or _identity

        def convert(
            value: Any, column: Column = column, converter: Callable[[Any], Any] = converter
        ) -> Any:
            return converter(_from_sql(column, value))

        # An empty cell: record_from passes () for a list, and leaves out any other field
        # (its default, converted as the constructor converts it).
        empty: Any = () if column.cell == "ids" else field.default
        if empty is not attrs.NOTHING:
            empty = converter(empty)
        plain = column.cell in ("id", "text", "resident_id")
        steps.append(
            _Step(
                name=field.name,
                convert=convert,
                empty=empty,
                few=column.cell in _FEW,
                text=plain and (given is None or given in KEEPS_NORMAL_FORM),
                put=cls.__dict__[field.name].__set__,
            )
        )
    return RecordMaker(cls, steps)


def columns_of(name: str) -> tuple[Column, ...]:
    """The format's columns of a table."""
    return SCHEMA[name].columns


def tables() -> Iterable[str]:
    """Every table of the format, ``campaign`` first."""
    return SCHEMA.keys()
