"""Notices (things worth knowing that did not stop loading) and the masking of shown values."""

from __future__ import annotations

import json

import attrs

from reliefkit.exceptions import location
from reliefkit.io._schema import Column
from reliefkit.models import mask_name, mask_resident_id, mask_resident_ids


@attrs.frozen
class Notice:
    """Something about an input worth knowing that did not stop it loading.

    ``row`` is 1 for the first data row; ``row`` and ``column`` are ``None`` when the notice
    is about a whole file or column.
    """

    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        return f"{location(self.file, self.row, self.column)}: {self.message}"


_SHOWN_CHARS = 80
"""How much of a value a problem shows: enough to find the cell, never a whole document."""


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


def _cut(text: str) -> str:
    """``text`` as a problem quotes it: at most ``_SHOWN_CHARS`` characters, and no lone
    surrogate (which no terminal or file can take)."""
    if len(text) > _SHOWN_CHARS:
        text = f"{text[: _SHOWN_CHARS - 20]}… ({len(text):,} characters)"
    if not text.isascii():
        text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def safe_name(name: str) -> str:
    """A name found in the input (a file, a header, a JSON key) as a message may quote it:
    cut to size, control characters written as escapes."""
    name = _cut(name)
    return name if name.isprintable() else repr(name)[1:-1]


def scrub(text: str, personal: tuple[str, ...] = ()) -> str:
    """``text`` with resident-ID-shaped numbers and the given personal values masked."""
    for value in sorted(set(personal), key=len, reverse=True):
        if value.strip():
            text = text.replace(value, mask_name(value.strip()))
    # Anything shaped like a resident ID number is masked wherever it is shown, whatever the
    # column: a misaligned row can put one under any header.
    return mask_resident_ids(text)


def shown(raw: object, column: Column | None = None) -> str | None:
    """A raw cell as an error may show it: personal data masked, cut to size, ``None`` for
    no value."""
    if raw is None:
        return None
    text = as_text(raw)
    if column is not None and column.cell == "resident_id":
        return _cut(mask_resident_id(text.strip()))
    if column is not None and column.personal and text.strip():
        return _cut(mask_name(text.strip()))
    return _cut(scrub(text))
