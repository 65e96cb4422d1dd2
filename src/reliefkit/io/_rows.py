"""One table's rows to constructor arguments, fast.

A 200 MB folder has millions of rows: a loop over columns calling one parser per cell costs
more than building the records. ``row_reader`` writes, once per table, a function that reads
one row with each column's common spellings inline (an id stripped, a known date or amount
looked up) and hands anything else to that column's full parser (``column_parser``), which
decides, refuses or explains. Both paths give the same values: the fast one only takes what
the full one would read the same way, and remembers what it read.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from reliefkit.io._cells import CellError, column_parser
from reliefkit.io._schema import Table

RowReader = Callable[[tuple[object, ...]], tuple[dict[str, object], list[tuple[int, str]]]]
"""One row's cells to ``(keyword arguments, [(column index, what was expected)])``: the
message, not the exception, is kept (an exception would hold the frame that caught it)."""

_BOOLS = {
    spelling: value
    for value, spellings in (
        (True, ("true", "True", "TRUE", "t", "T", "yes", "Yes", "YES", "y", "Y", "1", "是")),
        (False, ("false", "False", "FALSE", "f", "F", "no", "No", "NO", "n", "N", "0", "否")),
    )
    for spelling in spellings
}
_RESIDENT_ID = re.compile(r"[0-9]{17}[0-9Xx]|[0-9]{15}").fullmatch
_REMEMBERED = 4096  # values remembered per kind: a campaign has few distinct days and amounts

# Per kind: the fast test and value for a non-empty str ``{v}`` (``t`` and ``x`` are scratch
# names), and where a value read by the full parser is remembered for the fast path.
_FAST: dict[str, tuple[str, str]] = {
    "id": ("(t := {v}.strip())", "sd(t, t)"),
    "text": ("not {v}.isspace()", "{v}"),
    "bool": ("(x := BOOLS.get({v})) is not None", "x"),
    "date": ("(x := DATES.get({v})) is not None", "x"),
    "money": ("(x := MONEY.get({v})) is not None", "x"),
    "int": ("(x := INTS_{i}.get({v})) is not None", "x"),
    "enum": ("(x := ENUM_{i}.get({v})) is not None", "x"),
    "resident_id": ("RESIDENT_ID({v})", "{v}"),
}
_MEMORY = {"date": "DATES", "money": "MONEY", "int": "INTS_{i}"}


def row_reader(table: Table, missing: frozenset[str], shared: dict[str, str]) -> RowReader:
    """A function from one row's cells (in ``table.columns`` order) to ``(keyword arguments
    of the record, [(column index, what was expected)])``; columns in ``missing`` are left
    out."""
    namespace: dict[str, Any] = {
        "CellError": CellError,
        "sd": shared.setdefault,
        "BOOLS": _BOOLS,
        "DATES": {},
        "MONEY": {},
        "RESIDENT_ID": _RESIDENT_ID,
        "LIMIT": _REMEMBERED,
    }
    names = ", ".join(f"c{i}" for i in range(len(table.columns)))
    lines = ["def read(c):", f"    {names}, = c", "    kw = {}", "    bad = []"]
    for i, column in enumerate(table.columns):
        if column.name in missing:
            continue
        namespace[f"p{i}"] = column_parser(column, shared)
        kind = column.cell if column.cell in _FAST else "other"
        if kind == "int":
            namespace[f"INTS_{i}"] = {}
        if kind == "enum" and column.enum is not None:
            namespace[f"ENUM_{i}"] = {member.value: member for member in column.enum}
        elif kind == "enum":
            kind = "other"
        name = repr(column.name)
        branch = "if"
        if not column.required:  # empty: not given (the full parser would say None)
            lines += [f'    if c{i} == "" or c{i} is None:', "        pass"]
            branch = "elif"
        if kind != "other":
            test, value = (part.format(i=i, v=f"c{i}") for part in _FAST[kind])
            if column.name == "id":
                # Not a record's own id: most are never referred to, and would only fill the
                # table of shared strings; references still share one string among them.
                value = "t"
            nonempty = "" if branch == "elif" else f" and c{i}"
            lines += [
                f"    {branch} c{i}.__class__ is str{nonempty} and {test}:",
                f"        kw[{name}] = {value}",
            ]
            branch = "elif"
        remember = _MEMORY.get(kind, "").format(i=i)
        lines += [
            "    else:" if branch == "elif" else "    if True:",
            "        try:",
            f"            x = p{i}(c{i})",
            "        except CellError as e:",
            f"            bad.append(({i}, e.expected))",
            "        else:",
            "            if x is not None:",
            f"                kw[{name}] = x",
        ]
        if remember:
            lines += [
                f"                if c{i}.__class__ is str and len({remember}) < LIMIT:",
                f"                    {remember}[c{i}] = x",
            ]
    lines.append("    return kw, bad")
    exec(compile("\n".join(lines), f"<row reader of {table.file}>", "exec"), namespace)
    reader: RowReader = namespace["read"]
    return reader
