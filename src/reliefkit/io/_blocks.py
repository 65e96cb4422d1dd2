"""A block of plain CSV rows to records, column by column.

A 200 MB folder has millions of rows, and calling a record's constructor per row (its
converters, then its validators one by one) costs more than reading the file. A block is built
column by column instead: each column's cells are read at once (a day, an amount or a kind
read once per distinct spelling, through the column's own parser), the records are made and
their fields set without the constructor, and each field's validator is applied to the whole
column: the checks known to hold for what the column's parser returns are not repeated, ids
and resident ID numbers are checked over the column (the validator itself deciding any value
the quick check does not clear), and any other validator is called for every record.

Only the common case is built this way. A block in which a cell does not parse, or a record
fails a check, is built row by row instead (``None`` from the builder), so every problem is
found and worded exactly as the per-row path finds and words it; and both paths give equal
records (tested).
"""

from __future__ import annotations

import re
import types
from collections.abc import Callable, Sequence
from functools import partial
from itertools import chain, repeat
from operator import is_not, itemgetter, mod
from typing import Any

import attrs

from reliefkit._privacy import resident_id_problem
from reliefkit.io._cells import CellError, column_parser
from reliefkit.io._schema import Column, Table
from reliefkit.io._source import Block
from reliefkit.models._fields import CHECKS, KEEPS_NORMAL_FORM

BlockBuilder = Callable[[Block], list[Any] | None]
"""A block's records, or ``None`` when the block must be built row by row."""

Values = list[Any]
Reader = Callable[[Sequence[str] | None, int], Values | None]
Check = Callable[[list[Any], Values], None]

_REMEMBERED = 4096  # spellings remembered per column: a campaign has few distinct days, amounts
_EIGHTEEN = re.compile(r"[0-9]{17}[0-9Xx]").fullmatch
_BIRTH = itemgetter(slice(6, 14))
_NOT_NONE = partial(is_not, None)

# What each column's parser guarantees of the values it returns (see ``_cells``): a check
# of one of these on a column of that kind always passes, so it is not made again.
_IMPLIED = {("type", "text"), ("type", "bool"), ("range", "int"), ("non_negative", "money")}
_REMEMBERING = frozenset({"bool", "date", "money", "int", "enum"})


def block_builder(table: Table, shared: dict[str, str]) -> BlockBuilder | None:
    """The function building a block of ``table``'s rows, or ``None`` if its record type
    is not one that can be built field by field (then every row is built by the
    constructor)."""
    cls = table.record_type
    fields = _settable_fields(cls)
    if fields is None:
        return None
    columns = {column.name: (i, column) for i, column in enumerate(table.columns)}
    steps: list[tuple[int, Reader, Callable[[Any, Any], None], Check | None]] = []
    for field in fields:
        if field.name not in columns:
            return None
        i, column = columns[field.name]
        read = _column_reader(column, field, shared)
        steps.append((i, read, cls.__dict__[field.name].__set__, _column_check(column, field)))
    new = object.__new__

    def build(block: Block) -> list[Any] | None:
        cells = block.columns()
        size = len(block.rows)
        values = []
        for i, read, _, _ in steps:
            column = read(cells[i], size)
            if column is None:
                return None
            values.append(column)
        records = list(map(new, repeat(cls, size)))
        for (_, _, set_field, _), column in zip(steps, values, strict=True):
            any(map(set_field, records, column))  # each call returns None: runs them all
        try:
            for (_, _, _, check), column in zip(steps, values, strict=True):
                if check is not None:
                    check(records, column)
        except Exception:  # the per-row path reports it, exactly
            return None
        return records

    return build


def _settable_fields(cls: type[Any]) -> tuple[attrs.Attribute[Any], ...] | None:
    """The fields of a record type whose records are plain slotted attrs instances (made by
    the generated ``__init__`` alone), or ``None`` for any other type."""
    if not attrs.has(cls) or "__attrs_attrs__" not in cls.__dict__:
        return None
    if hasattr(cls, "__attrs_pre_init__") or hasattr(cls, "__attrs_post_init__"):
        return None
    init = getattr(cls.__init__, "__code__", None)
    if init is None or "attrs generated" not in init.co_filename:
        return None
    fields: tuple[attrs.Attribute[Any], ...] = attrs.fields(cls)
    declared = [c.__dict__.get("__slots__", ()) for c in cls.__mro__]
    slots = {s for d in declared for s in ((d,) if isinstance(d, str) else d)}
    if not slots <= {field.name for field in fields} | {"__weakref__"}:
        return None  # a slot no field sets (a cached hash, say)
    for field in fields:
        if not field.init or isinstance(field.default, attrs.Factory):  # type: ignore[arg-type]
            return None
        if not isinstance(cls.__dict__.get(field.name), types.MemberDescriptorType):
            return None
        converter = field.converter
        if converter is not None and not isinstance(converter, types.FunctionType):
            return None
    return fields


def _column_reader(column: Column, field: attrs.Attribute[Any], shared: dict[str, str]) -> Reader:
    """The values a column's cells give the field, as the constructor would hold them."""
    converter: Any = field.converter
    keeps = converter is None or converter in KEEPS_NORMAL_FORM
    # An empty cell is not given: the field gets its default, converted as __init__ does.
    omitted = field.default
    if keeps and converter is not None and omitted is not attrs.NOTHING:
        omitted = converter(omitted)
    # Resident ID numbers are taken as written only where the validator checks them.
    as_written = CHECKS.get(field.validator) == "resident_id"  # type: ignore[arg-type]
    read = _raw_reader(column, omitted, shared, resident_ids_as_written=as_written)
    if keeps:
        return read
    convert: Callable[[Any], Any] = converter

    def read_and_convert(cells: Sequence[str] | None, size: int) -> Values | None:
        values = read(cells, size)
        if values is None:
            return None
        try:
            return list(map(convert, values))
        except Exception:  # the constructor reports it, row by row
            return None

    return read_and_convert


def _raw_reader(
    column: Column, omitted: object, shared: dict[str, str], *, resident_ids_as_written: bool
) -> Reader:
    """The values of a column's cells in normal form (``omitted`` for an empty one), or
    ``None`` if a cell does not parse: each cell as ``column_parser`` reads it."""
    parse = column_parser(column, shared)
    required = column.required

    def each(cells: Sequence[str]) -> Values | None:
        out = []
        for cell in cells:
            try:
                value = parse(cell)
            except CellError:
                return None
            out.append(omitted if value is None else value)
        return out

    def absent(size: int) -> Values:
        return [omitted] * size

    if column.cell == "id":
        # ``column_parser`` strips an id and shares its string; a record's own id is kept
        # as read (most are never referred to: sharing them would only fill the table).
        share = shared.setdefault if column.name != "id" else None

        def read_ids(cells: Sequence[str] | None, size: int) -> Values | None:
            if cells is None:
                return absent(size)
            ids = list(map(str.strip, cells))
            if all(ids):
                return list(map(share, ids, ids)) if share is not None else ids
            if required:
                return None
            if share is None:
                return [t or omitted for t in ids]
            return [share(t, t) if t else omitted for t in ids]

        return read_ids

    if column.cell == "text":

        def read_text(cells: Sequence[str] | None, size: int) -> Values | None:
            if cells is None:
                return absent(size)
            if all(cells) and not any(map(str.isspace, cells)):
                return list(cells)
            if required:
                return None
            return [c if c and not c.isspace() else omitted for c in cells]

        return read_text

    if column.cell == "resident_id" and resident_ids_as_written:
        # What the validator takes is what the parser would read (a valid number has no
        # spaces to strip); anything else fails the check, and the row is read by the parser.

        def read_resident_ids(cells: Sequence[str] | None, size: int) -> Values | None:
            if cells is None:
                return absent(size)
            if "" in cells:
                return [c or omitted for c in cells]
            return list(cells)

        return read_resident_ids

    if column.cell in _REMEMBERING:
        known: dict[str, object] = {}

        def read_remembered(cells: Sequence[str] | None, size: int) -> Values | None:
            if cells is None:
                return absent(size)
            lookup = known
            if not all(map(known.__contains__, cells)):
                new = set(cells).difference(known)
                values = each(list(new))
                if values is None:
                    return None
                found = dict(zip(new, values, strict=True))
                if len(known) + len(found) <= _REMEMBERED:
                    known.update(found)
                else:
                    lookup = {**known, **found}
            return list(map(lookup.__getitem__, cells))

        return read_remembered

    def read_each(cells: Sequence[str] | None, size: int) -> Values | None:
        return absent(size) if cells is None else each(cells)

    return read_each


def _column_check(column: Column, field: attrs.Attribute[Any]) -> Check | None:
    """Applies the field's validator to a whole column of records and values (raising as
    the validator raises); ``None`` when nothing is left to check."""
    validator = field.validator
    if validator is None:
        return None
    what = CHECKS.get(validator)
    if (what, column.cell) in _IMPLIED:
        return None

    def each(records: list[Any], values: Values) -> None:
        for record, value in zip(records, values, strict=True):
            validator(record, field, value)

    if (what, column.cell) in {("id", "id"), ("optional_id", "id"), ("ids", "ids")}:
        # Every id read is stripped and not empty (the parser's doing), and a list's ids
        # hold no ";": an id shorter than 15 characters without ";" is one the validator
        # takes (it can hold no resident ID number).

        def check_ids(records: list[Any], values: Values) -> None:
            present = list(filter(_NOT_NONE, values)) if what == "optional_id" else values
            ids = chain.from_iterable(present) if what == "ids" else present
            texts = list(ids)
            if texts and (max(map(len, texts)) >= 15 or ";" in "".join(texts)):
                each(records, values)

        return check_ids

    if (what, column.cell) == ("resident_id", "resident_id"):
        valid_births: set[str] = set()

        def check_resident_ids(records: list[Any], values: Values) -> None:
            numbers = list(filter(_NOT_NONE, values)) if None in values else values
            if not numbers or _all_valid(numbers, valid_births):
                return
            # Learn the dates of birth not seen yet, each from a number found valid.
            for value in numbers:
                birth = _BIRTH(value)
                known = birth in valid_births or len(value) != 18
                if not known and resident_id_problem(value) is None:
                    valid_births.add(birth)
            if _all_valid(numbers, valid_births):
                return
            each(records, values)  # the validator decides (and raises on an invalid one)

        return check_resident_ids

    return each


def _all_valid(numbers: Sequence[str], valid_births: set[str]) -> bool:
    """Whether every one of ``numbers`` is certainly a valid resident ID number (GB 11643):
    17 ASCII digits holding a date of birth already found valid, and the check character
    they give (a digit or X).

    The MOD 11-2 weights are 2¹⁷ … 2¹ modulo 11, and 13 ≡ 2 (mod 11): read in base 13 with
    X as 10 ("a"), a number is 13 × (its first 17 digits in base 13) + its check value,
    which is ≡ (their weighted sum) + (the check value) ≡ 1 (mod 11) exactly when the check
    character is right.
    """
    if not all(map(_EIGHTEEN, numbers)) or not valid_births.issuperset(map(_BIRTH, numbers)):
        return False
    x, a = repeat("X"), repeat("a")
    base_13 = map(str.replace, map(str.replace, numbers, x, a), repeat("x"), a)
    return set(map(mod, map(int, base_13, repeat(13)), repeat(11))) == {1}
