"""Dates in the portable SQL of the rules' statements (see :meth:`~reliefkit.rules.Pack.sql`).

DuckDB and Spark SQL name the day of the week differently and count it from different days
(DuckDB's ``dayofweek`` is 0 on Sunday, Spark's is 1 on Sunday), so a statement asking for
the weekday counts the days from a Monday, which both do alike.
"""

from __future__ import annotations

MONDAY = "DATE '2001-01-01'"
"""A Monday to count from."""


def iso_weekday(date: str) -> str:
    """A SQL expression for the ISO weekday of the date expression ``date``: 1 (Monday) to 7
    (Sunday), as ``pendulum.Date.isoweekday()`` gives it, on DuckDB and Spark SQL alike.

    The days since a Monday, modulo 7 (the second ``MOD`` keeps days before it right)."""
    days = f"CAST({date} - {MONDAY} AS INTEGER)"
    return f"(MOD(MOD({days}, 7) + 7, 7) + 1)"
