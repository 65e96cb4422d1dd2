"""One cell, by the kind its field declares: parse a spreadsheet spelling, format a value.

``parse_cell`` takes a CSV string or a native JSON value and returns the Python value the
record's constructor takes, ``None`` for "not given", or raises :class:`CellError` saying
what was expected. Values are never guessed: ``3.0`` is not a count, ``1.005`` is not money.
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum
from typing import Any

import pendulum

from reliefkit.exceptions import InvalidValueError
from reliefkit.io._schema import Column
from reliefkit.models import Money, to_date

Json = str | int | float | bool | None | list[Any] | dict[str, Any]

REQUIRED = "required; may not be empty"

_TRUE = frozenset({"true", "t", "yes", "y", "1", "是"})
_FALSE = frozenset({"false", "f", "no", "n", "0", "否"})
_LIST_SEPARATORS = re.compile(r"[;；]")
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_WHOLE = re.compile(r"^[+-]?\d+$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]")
_RESIDENT_ID = re.compile(r"^(\d{17}[\dXx]|\d{15})$")
_CURRENCY = str.maketrans("", "", "¥元")


class CellError(ValueError):
    """A cell that cannot be read; the argument says what was expected."""

    @property
    def expected(self) -> str:
        """What the cell should have held."""
        return str(self.args[0])


def _empty(raw: object) -> bool:
    return raw is None or raw == [] or (isinstance(raw, str) and not raw.strip())


def _text_of(raw: object, what: str) -> str:
    if not isinstance(raw, str):
        raise CellError(f"{what} (a JSON string, not {type(raw).__name__})")
    return raw


def _id(raw: object) -> str:
    return _text_of(raw, "an id").strip()


def _ids(raw: object) -> tuple[str, ...]:
    if isinstance(raw, list):
        items = [_text_of(item, "a list of ids").strip() for item in raw]
    else:
        text = _text_of(raw, "ids separated by ;")
        items = [part.strip() for part in _LIST_SEPARATORS.split(text)]
    return tuple(item for item in items if item)


def _exact(value: int | str) -> Money:
    try:
        return Money(value)
    except (InvalidValueError, ArithmeticError):
        raise CellError("money in yuan that fits an exact amount") from None


def _money(raw: object) -> Money:
    if isinstance(raw, bool | float):
        raise CellError(
            "money in yuan as a string or a whole number (a JSON number with a fraction is "
            'never exact: write "1200.50")'
        )
    if isinstance(raw, int):
        amount = _exact(raw)
    else:
        # NFKC turns full-width digits, commas and ￥ into their ASCII forms.
        text = unicodedata.normalize("NFKC", _text_of(raw, "money")).translate(_CURRENCY)
        text = "".join(text.split())
        if "," in text:
            if not _GROUPED.match(text):
                raise CellError("money in yuan, thousands separated every three digits")
            text = text.replace(",", "")
        if not _NUMBER.match(text):
            raise CellError("money in yuan, e.g. 1200.50")
        if len(text.partition(".")[2]) > 2:
            raise CellError("money with at most two decimal places (fen); never rounded")
        amount = _exact(text)
    if amount.yuan < 0:
        raise CellError("money that is not negative")
    return amount


def _date(raw: object) -> pendulum.Date:
    text = unicodedata.normalize("NFKC", _text_of(raw, "an ISO date YYYY-MM-DD")).strip()
    if _DATETIME.match(text):
        raise CellError("a date without a time of day, YYYY-MM-DD")
    try:
        return to_date(text)
    except InvalidValueError:
        raise CellError("an ISO date YYYY-MM-DD (a day that exists)") from None


def _bool(raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int) and raw in (0, 1):
        return bool(raw)
    text = unicodedata.normalize("NFKC", _text_of(raw, "true or false")).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError("true or false (also yes/no, y/n, t/f, 1/0, 是/否)")


def _int(raw: object, column: Column) -> int:
    wanted = "a whole number"
    if column.minimum is not None and column.maximum is not None:
        wanted += f" from {column.minimum} to {column.maximum}"
    elif column.minimum is not None:
        wanted += f" ≥ {column.minimum}"
    if isinstance(raw, bool | float):
        raise CellError(wanted)
    if isinstance(raw, int):
        number = raw
    else:
        text = unicodedata.normalize("NFKC", _text_of(raw, wanted)).strip()
        if not _WHOLE.match(text) or len(text) > 18:
            raise CellError(wanted)
        number = int(text)
    if column.minimum is not None and number < column.minimum:
        raise CellError(wanted)
    if column.maximum is not None and number > column.maximum:
        raise CellError(wanted)
    return number


def _enum(raw: object, enum: type[StrEnum]) -> StrEnum:
    values = [member.value for member in enum]
    text = _text_of(raw, "one of " + ", ".join(values)).strip().lower()
    try:
        return enum(text)
    except ValueError:
        raise CellError("one of " + ", ".join(values)) from None


def _resident_id(raw: object) -> str:
    text = _text_of(raw, "a resident ID number").strip()
    if not _RESIDENT_ID.match(text):
        raise CellError("a resident ID number: 17 digits and a digit or X (or 15 digits)")
    return text


def parse_cell(column: Column, raw: object) -> object:
    """The value of one cell, ``None`` when it is empty and may be; raises ``CellError``."""
    if _empty(raw):
        if column.required:
            raise CellError(REQUIRED)
        return None
    kind = column.cell
    if kind == "id":
        return _id(raw)
    if kind == "ids":
        return _ids(raw) or None
    if kind == "money":
        return _money(raw)
    if kind == "date":
        return _date(raw)
    if kind == "bool":
        return _bool(raw)
    if kind == "int":
        return _int(raw, column)
    if kind == "enum" and column.enum is not None:
        return _enum(raw, column.enum)
    if kind == "resident_id":
        return _resident_id(raw)
    return _text_of(raw, "text")


# ---- writing ------------------------------------------------------------------------------------
def _plain(value: object) -> str:
    if isinstance(value, Money):
        return format(value.yuan, "f")
    if isinstance(value, pendulum.Date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, tuple):
        return ";".join(value)
    return str(value)


def format_cell(value: object) -> str:
    """A value as the CSV writes it; ``load`` reads it back to the same value."""
    return "" if value is None else _plain(value)


def json_value(value: object) -> Json:
    """A value as the JSON writer writes it: money and dates as strings, lists as arrays."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, tuple):
        return list(value)
    return _plain(value)
