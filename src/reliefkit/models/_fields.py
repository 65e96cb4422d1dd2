"""Field factories shared by the record classes.

Each field carries metadata that the rest of the package reads instead of repeating it:
``cell`` (how io parses the cell), ``required`` (whether the format requires the cell) and
``refs`` (the tables an id must be found in).

Reprs mask resident-ID-shaped numbers in every field (:mod:`reliefkit._privacy`); error
messages quote values as they are and the exception masks them when shown.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from enum import StrEnum
from typing import Any, TypeVar

import attrs

from reliefkit._privacy import mask_text_repr, masked_repr, resident_ids_in
from reliefkit.exceptions import InvalidValueError
from reliefkit.models._dates import to_date, to_optional_date
from reliefkit.models._money import Money

E = TypeVar("E", bound=StrEnum)


def _meta(cell: str, required: bool, refs: tuple[str, ...] = (), **extra: Any) -> dict[str, Any]:
    return {"cell": cell, "required": required, "refs": refs, **extra}


def _check_id(inst: object, attr: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise InvalidValueError(f"{type(inst).__name__}.{attr.name}={value!r}: expected an id")
    if value != value.strip() or ";" in value:
        # Spaces around an id make two spellings of one record; ";" separates ids in a cell.
        raise InvalidValueError(
            f"{type(inst).__name__}.{attr.name}={value!r}: expected an id without surrounding "
            "spaces and without ';'"
        )
    if any(resident_ids_in(value)):
        # An id is shown whole wherever the record is (reports, JSON, frames): a resident
        # ID number in it would be published, so it is refused, however it is written.
        raise InvalidValueError(
            f"{type(inst).__name__}.{attr.name}={value!r}: is (or holds) a resident ID number, "
            "which is personal data: put it in a household's resident_id and use another id"
        )


def _check_optional_id(inst: object, attr: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        _check_id(inst, attr, value)


def _empty_to_none(value: object) -> object:
    return None if value == "" else value


def key(*, refs: tuple[str, ...] = ()) -> Any:
    """A required id: the record's own key, or a reference that places it."""
    return attrs.field(validator=_check_id, repr=masked_repr, metadata=_meta("id", True, refs))


def ref(*, refs: tuple[str, ...], required: bool = False) -> Any:
    """A reference to another record by id; optional unless ``required``."""
    if required:
        return key(refs=refs)
    return attrs.field(
        default=None,
        converter=_empty_to_none,
        validator=_check_optional_id,
        repr=masked_repr,
        metadata=_meta("id", False, refs),
    )


def _to_ids(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        raise InvalidValueError(f"ids={value!r}: expected a tuple of ids, not a str")
    if not isinstance(value, Iterable):
        raise InvalidValueError(f"ids={value!r}: expected a tuple of ids")
    return tuple(value)


def _check_ids(inst: object, attr: attrs.Attribute[Any], value: tuple[object, ...]) -> None:
    for item in value:
        _check_id(inst, attr, item)


def ids(*, refs: tuple[str, ...]) -> Any:
    """A list of ids, kept as a tuple (frozen and hashable)."""
    return attrs.field(
        default=(),
        converter=_to_ids,
        validator=_check_ids,
        repr=masked_repr,
        metadata=_meta("ids", False, refs),
    )


def _check_non_negative(inst: object, attr: attrs.Attribute[Any], value: Money | None) -> None:
    if value is not None and value.yuan < 0:
        raise InvalidValueError(
            f"{type(inst).__name__}.{attr.name}={value!r}: must not be negative"
        )


def _to_money(value: object) -> Money:
    return value if isinstance(value, Money) else Money(value)


def _to_optional_money(value: object) -> Money | None:
    return None if value is None or value == "" else _to_money(value)


def money(*, required: bool = True) -> Any:
    """A non-negative amount of :class:`Money`."""
    if required:
        return attrs.field(
            converter=_to_money, validator=_check_non_negative, metadata=_meta("money", True)
        )
    return attrs.field(
        default=None,
        converter=_to_optional_money,
        validator=_check_non_negative,
        metadata=_meta("money", False),
    )


def _not_before(start: str) -> Any:
    """A validator: the date, when given, is not before the record's ``start`` field."""

    def check(inst: object, attr: attrs.Attribute[Any], value: object) -> None:
        begin = getattr(inst, start, None)
        if value is not None and begin is not None and value < begin:
            raise InvalidValueError(
                f"{type(inst).__name__}.{attr.name}={value.isoformat()!r}: "  # type: ignore[attr-defined]
                f"before {start}={begin.isoformat()!r}"
            )

    return check


def date(*, required: bool = True, not_before: str | None = None) -> Any:
    """A ``pendulum.Date``; ``not_before`` names an earlier field it may not precede."""
    check = None if not_before is None else _not_before(not_before)
    if required:
        return attrs.field(converter=to_date, validator=check, metadata=_meta("date", True))
    return attrs.field(
        default=None,
        converter=to_optional_date,
        validator=check,
        metadata=_meta("date", False),
    )


def _check_bool(inst: object, attr: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not isinstance(value, bool):
        raise InvalidValueError(f"{type(inst).__name__}.{attr.name}={value!r}: expected a bool")


def flag(*, required: bool = False, default: bool | None = None) -> Any:
    """A boolean; optional ones may be ``None`` (not given)."""
    if required:
        return attrs.field(validator=_check_bool, metadata=_meta("bool", True))
    if default is None:
        return attrs.field(default=None, validator=_check_bool, metadata=_meta("bool", False))

    def absent_is_default(value: object) -> object:
        # A flag with a default (``Village.poor``) is never "not given": None means the default.
        return default if value is None else value

    return attrs.field(
        default=default,
        converter=absent_is_default,
        validator=_check_bool,
        metadata=_meta("bool", False),
    )


def count(*, minimum: int, maximum: int, required: bool = True) -> Any:
    """A whole number from ``minimum`` to ``maximum`` (a plausibility bound: a resident ID
    pasted into a count column is refused, not counted)."""

    def check(inst: object, attr: attrs.Attribute[Any], value: object) -> None:
        if value is None and not required:
            return
        if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
            # A huge integer has no repr (Python limits int-to-text conversion): say its size.
            if isinstance(value, int) and abs(value).bit_length() > 64:
                shown = f"<an integer of {abs(value).bit_length()} bits>"
            else:
                shown = repr(value)
            raise InvalidValueError(
                f"{type(inst).__name__}.{attr.name}={shown}: expected a whole number "
                f"from {minimum} to {maximum}"
            )

    meta = _meta("int", required, minimum=minimum, maximum=maximum)
    if required:
        return attrs.field(validator=check, metadata=meta)
    return attrs.field(default=None, validator=check, metadata=meta)


def choice(enum: type[E]) -> Any:
    """A required member of ``enum``; its string value converts."""

    def convert(value: object) -> E:
        try:
            return enum(value)  # type: ignore[arg-type]
        except ValueError:
            allowed = ", ".join(m.value for m in enum)
            raise InvalidValueError(
                f"{enum.__name__}={value!r}: expected one of {allowed}"
            ) from None

    return attrs.field(converter=convert, metadata=_meta("enum", True, enum=enum))


def text(
    *,
    required: bool = False,
    personal: bool = False,
    repr: Callable[[Any], str] = mask_text_repr,
) -> Any:
    """Free text; in reprs personal text is masked, and so is any resident-ID-shaped number."""

    def check(inst: object, attr: attrs.Attribute[Any], value: object) -> None:
        if value is None and not required:
            return
        if not isinstance(value, str):
            raise InvalidValueError(f"{type(inst).__name__}.{attr.name}: expected text")

    meta = _meta("text", required, personal=personal)
    if required:
        return attrs.field(validator=check, repr=repr, metadata=meta)
    return attrs.field(
        default=None, converter=_empty_to_none, validator=check, repr=repr, metadata=meta
    )


__all__ = ["choice", "count", "date", "flag", "ids", "key", "money", "ref", "text"]
