"""Masking of personal data (names, resident ID numbers) for reprs, reports and errors."""

from __future__ import annotations


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
