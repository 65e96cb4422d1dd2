"""Masking of personal data (names, resident ID numbers) for reprs, reports and errors."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

# Anything shaped like a resident ID number (18 characters: 17 digits and a digit or X; or
# the old 15 digits), wherever it sits in a text. Letters may touch it (``户主5002…03X家``,
# ``…2320x``); a longer run of digits is a number, not an ID.
RESIDENT_ID_LIKE = re.compile(r"(?<!\d)(\d{17}[\dXx]|\d{15})(?!\d)")


def mask_resident_id(value: str | None) -> str:
    """Keep the first four and last two characters of a resident ID number."""
    if value is None:
        return "None"
    if len(value) <= 6:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 6) + value[-2:]


def mask_name(value: str | None) -> str:
    """Keep the first character of a personal name (``张*``)."""
    if not value:
        return repr(value)
    return value[0] + "*" * max(1, len(value) - 1)


def mask_resident_id_repr(value: str | None) -> str:
    """attrs ``repr=`` hook for a resident ID field."""
    return "None" if value is None else repr(mask_resident_id(value))


def mask_name_repr(value: str | None) -> str:
    """attrs ``repr=`` hook for a personal-name field."""
    return "None" if value is None else repr(mask_name(value))


def mask_resident_ids(text: str) -> str:
    """``text`` with every resident-ID-shaped number in it masked."""
    return RESIDENT_ID_LIKE.sub(lambda m: mask_resident_id(m.group()), text)


def mask_resident_ids_in(value: Any) -> Any:
    """``value`` with resident-ID-shaped numbers masked in every text it holds (strings,
    and the strings inside mappings, tuples and lists); other values unchanged."""
    if isinstance(value, str):
        return mask_resident_ids(value) if len(value) >= 15 else value
    if isinstance(value, Mapping):
        return {k: mask_resident_ids_in(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return type(value)(mask_resident_ids_in(v) for v in value)
    return value


def mask_text_repr(value: str | None) -> str:
    """attrs ``repr=`` hook for a free-text field: resident-ID-shaped numbers masked."""
    return "None" if value is None else repr(mask_resident_ids(value))
