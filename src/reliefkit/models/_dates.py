"""Dates are pendulum.Date everywhere; these converters normalise Python values.

:func:`to_date` takes any value and refuses what is not a day; :func:`day` and
:func:`optional_day` are the same conversion typed for the records' constructors (attrs and
type checkers read a converter's parameter as what the field accepts).
"""

from __future__ import annotations

import datetime
import functools
import re

import attrs
import pendulum

from reliefkit.exceptions import InvalidValueError

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def to_date(value: object) -> pendulum.Date:
    """Convert a ``datetime.date`` or an ISO ``YYYY-MM-DD`` string to ``pendulum.Date``.

    A datetime is refused: the records hold days, and comparing a DateTime with a date
    raises later, far from the cause.
    """
    if isinstance(value, datetime.datetime):
        raise InvalidValueError(f"date={value!r}: a datetime where a date is expected")
    if isinstance(value, pendulum.Date):
        return value
    if isinstance(value, datetime.date):
        return pendulum.Date(value.year, value.month, value.day)
    if isinstance(value, str):
        return _parse_iso(value)
    raise InvalidValueError(f"date={value!r}: expected a date, got {type(value).__name__}")


@functools.lru_cache(maxsize=4096)
def _parse_iso(value: str) -> pendulum.Date:
    """An ISO date string as a (immutable) ``pendulum.Date``; a campaign has few distinct days."""
    text = value.strip()
    if _ISO.match(text):
        try:
            return pendulum.Date.fromisoformat(text)
        except ValueError:
            pass
    raise InvalidValueError(f"date={value!r}: expected an ISO date YYYY-MM-DD")


def to_optional_date(value: object) -> pendulum.Date | None:
    """Like :func:`to_date`, keeping ``None`` (and the empty string) as "not given"."""
    if value is None or value == "":
        return None
    return to_date(value)


def day(value: str | datetime.date | pendulum.Date) -> pendulum.Date:
    """The converter of a date field: an ISO ``YYYY-MM-DD`` string, a ``datetime.date`` or a
    ``pendulum.Date`` (a datetime is refused), as :func:`to_date`."""
    return to_date(value)


def optional_day(value: str | datetime.date | pendulum.Date | None) -> pendulum.Date | None:
    """The converter of an optional date field: as :func:`day`, with ``None`` or ``""`` for
    "not given"."""
    return to_optional_date(value)


@attrs.frozen
class DateRange:
    """Days from ``starts_on`` to ``ends_on``, both inclusive; ``ends_on=None`` is open.

    Either day may be given as an ISO string, a ``datetime.date`` or a ``pendulum.Date``:
    ``DateRange("2015-08-01", "2015-12-31")``.
    """

    starts_on: pendulum.Date = attrs.field(converter=day)
    """The first day."""
    ends_on: pendulum.Date | None = attrs.field(default=None, converter=optional_day)
    """The last day, or ``None`` for a range with no end."""

    @ends_on.validator
    def _ends_after_start(self, _: attrs.Attribute[object], value: pendulum.Date | None) -> None:
        if value is not None and value < self.starts_on:
            raise InvalidValueError(
                f"ends_on={value.isoformat()!r}: before starts_on={self.starts_on.isoformat()!r}"
            )

    def __contains__(self, day: object) -> bool:
        if not isinstance(day, datetime.date):
            return False
        day = to_date(day)
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)

    def overlaps(self, other: DateRange) -> bool:
        """Whether the two ranges share at least one day."""
        starts_before_other_ends = other.ends_on is None or self.starts_on <= other.ends_on
        ends_after_other_starts = self.ends_on is None or other.starts_on <= self.ends_on
        return starts_before_other_ends and ends_after_other_starts
