"""Dates are pendulum.Date everywhere; these converters normalise Python values."""

from __future__ import annotations

import datetime as _dt
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
    if isinstance(value, _dt.datetime):
        raise InvalidValueError(f"date={value!r}: a datetime where a date is expected")
    if isinstance(value, pendulum.Date):
        return value
    if isinstance(value, _dt.date):
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


@attrs.frozen
class DateRange:
    """Days from ``starts_on`` to ``ends_on``, both inclusive; ``ends_on=None`` is open."""

    starts_on: pendulum.Date = attrs.field(converter=to_date)
    ends_on: pendulum.Date | None = attrs.field(default=None, converter=to_optional_date)

    @ends_on.validator
    def _ends_after_start(self, _: attrs.Attribute[object], value: pendulum.Date | None) -> None:
        if value is not None and value < self.starts_on:
            raise InvalidValueError(
                f"ends_on={value.isoformat()!r}: before starts_on={self.starts_on.isoformat()!r}"
            )

    def __contains__(self, day: object) -> bool:
        if not isinstance(day, _dt.date):
            return False
        day = to_date(day)
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)

    def overlaps(self, other: DateRange) -> bool:
        """Whether the two ranges share at least one day."""
        starts_before_other_ends = other.ends_on is None or self.starts_on <= other.ends_on
        ends_after_other_starts = self.ends_on is None or other.starts_on <= self.ends_on
        return starts_before_other_ends and ends_after_other_starts
