"""Notices (things worth knowing that did not stop loading), and how a load problem keeps a
cell: as written, with what marks it personal data (masked when the problem is shown)."""

from __future__ import annotations

import json

import attrs

from reliefkit._privacy import Personal, masked_repr, printable
from reliefkit.exceptions import clipped, location
from reliefkit.io._schema import Column


@attrs.frozen
class Notice:
    """Something about an input worth knowing that did not stop it loading.

    ``row`` is 1 for the first data row; ``row`` and ``column`` are ``None`` when the notice
    is about a whole file or column. Fields hold what was found; ``str`` and ``repr`` show it
    through the personal-data boundary.
    """

    file: str = attrs.field(repr=masked_repr)
    row: int | None
    column: str | None = attrs.field(repr=masked_repr)
    message: str = attrs.field(repr=masked_repr)

    def __str__(self) -> str:
        return printable(f"{location(self.file, self.row, self.column)}: {self.message}")


def as_text(raw: object) -> str:
    """A raw cell as text: strings as they are, JSON values as JSON."""
    if isinstance(raw, str):
        return raw
    if raw is None or isinstance(raw, bool | int | float | list | dict):
        try:
            return json.dumps(raw, ensure_ascii=False)
        except (TypeError, ValueError, RecursionError):
            return f"<a JSON {type(raw).__name__}>"
    return repr(raw)


def cell_text(raw: object) -> str | None:
    """A raw cell as a problem keeps it: its text, whole (:func:`as_text`); ``None`` for no
    value."""
    return None if raw is None else as_text(raw)


def personal(column: Column | None) -> Personal | None:
    """What personal data the cells of ``column`` are: ``"resident_id"``, ``"name"`` (any
    other personal column), or ``None``."""
    if column is None or not column.personal:
        return None
    return "resident_id" if column.cell == "resident_id" else "name"


def safe_name(name: str) -> str:
    """A name found in the input (a file, a header, a JSON key) as a message may quote it:
    cut to size, control characters written as escapes."""
    name = clipped(name)
    return name if name.isprintable() else repr(name)[1:-1]
