"""The pieces the record classes build their fields from: converters, validators, metadata.

A record field is written out as ``attrs.field(...)`` in its class, with its converter and
its default (if any) named in the call, so that attrs, type checkers (mypy's attrs plugin)
and ``help()`` all see what the constructor accepts: the converter's parameter type is the
``__init__`` type, the annotation is what the record holds. The helpers here supply the
rest as keyword arguments — the validator, the repr and the metadata::

    on: pendulum.Date = attrs.field(converter=day, **date("the day it was made"))
    quota: Money | None = attrs.field(
        default=None, converter=optional_money, **money("…", required=False)
    )

Each field carries metadata that the rest of the package reads instead of repeating it:
``doc`` (a one-line description, shown by ``help()``), ``cell`` (how io parses the cell),
``required`` (whether the format requires the cell: exactly the fields without a default)
and ``refs`` (the tables an id must be found in).

Reprs mask resident-ID-shaped numbers in every field (:mod:`reliefkit._privacy`) and show
each value as the constructor takes it (an enum as its text, a day as ``'2015-10-17'``), so
a record's repr can be pasted back as code; error messages quote values as they are and the
exception masks them when shown.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from enum import StrEnum
from typing import Any, TypeVar

import attrs
import pendulum

from reliefkit._privacy import mask_text_repr, masked_repr, resident_ids_in
from reliefkit.exceptions import InvalidValueError
from reliefkit.models._dates import day, optional_day
from reliefkit.models._enums import (
    ActivityKind,
    DonorKind,
    FundHolder,
    PledgeKind,
    Role,
    Sector,
    TownshipKind,
)
from reliefkit.models._money import Money

E = TypeVar("E", bound=StrEnum)

Options = dict[str, Any]
"""Keyword arguments for ``attrs.field``: validator, repr and metadata."""

KEEPS_NORMAL_FORM: set[Callable[[Any], Any]] = set()
"""Converters that return a value already in normal form — what the field holds: a ``str``,
a ``pendulum.Date``, ``Money``, an enum member, a tuple of ids, a bool — as it is (the same
object). A reader that builds records from values in normal form may skip them."""

CHECKS: dict[Callable[..., Any], str] = {}
"""What each validator of a record field checks — of the value alone, whatever record holds
it — for a reader that checks a whole column at once instead of calling the validator per
record (``reliefkit.io``): ``"type"`` (a value of the field's
type, or ``None`` where the field may be empty), ``"range"`` (a whole number within the
field's ``minimum`` and ``maximum`` metadata, or ``None`` where it may be), ``"non_negative"``
(money not below zero, or ``None``), ``"id"``, ``"optional_id"`` (an id, or ``None``),
``"ids"`` (a tuple of ids) and ``"resident_id"`` (a valid resident ID number, or ``None``).
A validator not listed here (one comparing two fields, say) is for the validator alone."""


def _options(**options: Any) -> Options:
    return options


def _meta(
    doc: str, cell: str, required: bool, refs: tuple[str, ...] = (), **extra: Any
) -> dict[str, Any]:
    return {"doc": doc, "cell": cell, "required": required, "refs": refs, **extra}


# ---- converters: named, with the parameter type the constructor accepts --------------------
def optional_text(value: str | None) -> str | None:
    """Text, with ``""`` read as "not given" (``None``)."""
    return None if value == "" else value


def id_list(value: Iterable[str] | None) -> tuple[str, ...]:
    """A list of ids, kept as a tuple (frozen and hashable); a single str is refused."""
    if value is None:
        return ()
    if isinstance(value, str):
        raise InvalidValueError(f"ids={value!r}: expected a tuple of ids, not a str")
    if not isinstance(value, Iterable):
        raise InvalidValueError(f"ids={value!r}: expected a tuple of ids")
    return tuple(value)


def money_amount(value: Money | int | str | Decimal) -> Money:
    """An amount of :class:`Money` from what ``Money`` takes (a float is refused)."""
    return value if isinstance(value, Money) else Money(value)


def optional_money(value: Money | int | str | Decimal | None) -> Money | None:
    """As :func:`money_amount`, with ``None`` or ``""`` for "not given"."""
    if value is None or (isinstance(value, str) and value == ""):
        return None
    return money_amount(value)


def false_if_none(value: bool | None) -> bool:
    """A flag whose absence means ``False`` (``Village.poor``): ``None`` is ``False``."""
    return False if value is None else value


KEEPS_NORMAL_FORM.update({optional_text, id_list, money_amount, optional_money, false_if_none})
KEEPS_NORMAL_FORM.update({day, optional_day})


def _member(enum: type[E], value: object) -> E:
    try:
        return enum(value)  # type: ignore[arg-type]
    except ValueError:
        allowed = ", ".join(m.value for m in enum)
        raise InvalidValueError(f"{enum.__name__}={value!r}: expected one of {allowed}") from None


def township_kind(value: TownshipKind | str) -> TownshipKind:
    """A :class:`TownshipKind` or its text (``"town"``)."""
    return _member(TownshipKind, value)


def sector(value: Sector | str) -> Sector:
    """A :class:`Sector` or its text (``"audit"``)."""
    return _member(Sector, value)


def role(value: Role | str) -> Role:
    """A :class:`Role` or its text (``"county_leader"``)."""
    return _member(Role, value)


def activity_kind(value: ActivityKind | str) -> ActivityKind:
    """An :class:`ActivityKind` or its text (``"donation_drive"``)."""
    return _member(ActivityKind, value)


def donor_kind(value: DonorKind | str) -> DonorKind:
    """A :class:`DonorKind` or its text (``"private_enterprise"``)."""
    return _member(DonorKind, value)


def pledge_kind(value: PledgeKind | str) -> PledgeKind:
    """A :class:`PledgeKind` or its text (``"donate"``)."""
    return _member(PledgeKind, value)


def fund_holder(value: FundHolder | str) -> FundHolder:
    """A :class:`FundHolder` or its text (``"charity"``)."""
    return _member(FundHolder, value)


KEEPS_NORMAL_FORM.update(
    {township_kind, sector, role, activity_kind, donor_kind, pledge_kind, fund_holder}
)


# ---- reprs: the value as the constructor takes it --------------------------------------------
def _day_repr(value: pendulum.Date | None) -> str:
    return "None" if value is None else repr(value.isoformat())


def _enum_repr(value: StrEnum) -> str:
    return repr(value.value)


# ---- validators ----------------------------------------------------------------------------
def _check_id(inst: object, attr: attrs.Attribute[Any], value: object) -> None:
    if type(value) is str and 0 < len(value) < 15 and ";" not in value and value.strip() == value:
        # The common case, decided at once: a clean id too short to hold a resident ID
        # number (``resident_ids_in`` finds none in fewer than 15 characters).
        return
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


def _check_ids(inst: object, attr: attrs.Attribute[Any], value: tuple[object, ...]) -> None:
    for item in value:
        _check_id(inst, attr, item)


def _check_non_negative(inst: object, attr: attrs.Attribute[Any], value: Money | None) -> None:
    if value is not None and value.yuan < 0:
        raise InvalidValueError(
            f"{type(inst).__name__}.{attr.name}={value!r}: must not be negative"
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


def _check_bool(inst: object, attr: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not isinstance(value, bool):
        raise InvalidValueError(f"{type(inst).__name__}.{attr.name}={value!r}: expected a bool")


CHECKS.update(
    {
        _check_id: "id",
        _check_optional_id: "optional_id",
        _check_ids: "ids",
        _check_non_negative: "non_negative",
        _check_bool: "type",
    }
)


# ---- the field options, by kind of cell ------------------------------------------------------
def key(doc: str, *, refs: tuple[str, ...] = ()) -> Options:
    """A required id: the record's own key, or a reference that places it."""
    return _options(validator=_check_id, repr=masked_repr, metadata=_meta(doc, "id", True, refs))


def ref(doc: str, *, refs: tuple[str, ...]) -> Options:
    """An optional reference to another record by id (converter :func:`optional_text`)."""
    return _options(
        validator=_check_optional_id,
        repr=masked_repr,
        metadata=_meta(doc, "id", False, refs),
    )


def ids(doc: str, *, refs: tuple[str, ...]) -> Options:
    """A list of ids (converter :func:`id_list`, default ``()``)."""
    return _options(
        validator=_check_ids,
        repr=masked_repr,
        metadata=_meta(doc, "ids", False, refs),
    )


def money(doc: str, *, required: bool = True) -> Options:
    """A non-negative amount of :class:`Money` (converter :func:`money_amount`, or
    :func:`optional_money` with ``default=None``)."""
    return _options(validator=_check_non_negative, metadata=_meta(doc, "money", required))


def date(doc: str, *, required: bool = True, not_before: str | None = None) -> Options:
    """A ``pendulum.Date`` (converter :func:`day`, or :func:`optional_day` with
    ``default=None``); ``not_before`` names an earlier field it may not precede."""
    return _options(
        validator=None if not_before is None else _not_before(not_before),
        repr=_day_repr,
        metadata=_meta(doc, "date", required),
    )


def flag(doc: str, *, required: bool = False) -> Options:
    """A boolean; optional ones default to ``None`` (not given), or to ``False`` with the
    converter :func:`false_if_none`."""
    return _options(validator=_check_bool, metadata=_meta(doc, "bool", required))


def count(doc: str, *, minimum: int, maximum: int, required: bool = True) -> Options:
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

    CHECKS[check] = "range"
    meta = _meta(doc, "int", required, minimum=minimum, maximum=maximum)
    return _options(validator=check, metadata=meta)


def choice(doc: str, enum: type[StrEnum]) -> Options:
    """A required member of ``enum`` (converter: the enum's own, e.g. :func:`sector`)."""
    return _options(repr=_enum_repr, metadata=_meta(doc, "enum", True, enum=enum))


def text(
    doc: str,
    *,
    required: bool = False,
    personal: bool = False,
    repr: Callable[[Any], str] = mask_text_repr,
) -> Options:
    """Free text (optional ones take the converter :func:`optional_text`); in reprs personal
    text is masked, and so is any resident-ID-shaped number."""

    def check(inst: object, attr: attrs.Attribute[Any], value: object) -> None:
        if value is None and not required:
            return
        if not isinstance(value, str):
            raise InvalidValueError(f"{type(inst).__name__}.{attr.name}: expected text")

    CHECKS[check] = "type"
    return _options(
        validator=check,
        repr=repr,
        metadata=_meta(doc, "text", required, personal=personal),
    )


# ---- help(): the class docstring lists the fields ---------------------------------------------
def document(cls: type[Any]) -> None:
    """Append a ``Fields`` section to the record class's docstring: each field's name, the
    type it holds, what the constructor accepts when it converts, and its one-line doc."""
    lines = ["", "Fields (keyword-only; * marks a required one):", ""]
    for field in attrs.fields(cls):
        holds = field.type if isinstance(field.type, str) else getattr(field.type, "__name__", "")
        accepts = ""
        converter = field.converter
        if converter is not None:
            takes = getattr(converter, "__annotations__", {}).get("value")
            if takes is not None and str(takes) != holds:
                accepts = f"; accepts {takes}"
        mark = "*" if field.default is attrs.NOTHING else " "
        lines.append(f"{mark} {field.name}: {holds}{accepts}")
        lines.append(f"      {field.metadata.get('doc', '')}")
    doc = (cls.__doc__ or "").rstrip()
    cls.__doc__ = doc + "\n" + "\n".join(f"    {line}" if line else "" for line in lines) + "\n"


__all__ = [
    "CHECKS",
    "KEEPS_NORMAL_FORM",
    "activity_kind",
    "choice",
    "count",
    "date",
    "day",
    "document",
    "donor_kind",
    "false_if_none",
    "flag",
    "fund_holder",
    "id_list",
    "ids",
    "key",
    "money",
    "money_amount",
    "optional_day",
    "optional_money",
    "optional_text",
    "pledge_kind",
    "ref",
    "role",
    "sector",
    "text",
    "township_kind",
]
