"""One cell, by the kind its field declares: parse a spreadsheet spelling, format a value.

``parse_cell`` takes a CSV string or a native JSON value and returns the Python value the
record's constructor takes, ``None`` for "not given", or raises :class:`CellError` saying
what was expected. Values are never guessed: ``3.0`` is not a count, ``1.005`` is not money,
``1元5`` is not ¥15.

``column_parser`` gives the same function for one column, with the kind looked up once: the
loaders call it for every cell of a file, so equal values (amounts, dates, ids) are parsed
once and shared between records.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from decimal import Decimal
from enum import StrEnum
from typing import Any

import pendulum

from reliefkit.exceptions import InvalidValueError
from reliefkit.io._limits import MAX_CELL_CHARS, MAX_YUAN
from reliefkit.io._schema import Column
from reliefkit.models import Money, to_date

Json = str | int | float | bool | None | list[Any] | dict[str, Any]
Parser = Callable[[object], object]

REQUIRED = "required; may not be empty"

_TRUE = frozenset({"true", "t", "yes", "y", "1", "是"})
_FALSE = frozenset({"false", "f", "no", "n", "0", "否"})
_LIST_SEPARATORS = re.compile(r"[;；]")
_WHOLE = re.compile(r"^[+-]?[0-9]+$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]")
_RESIDENT_ID = re.compile(r"^(\d{17}[\dXx]|\d{15})$")

# Money: one currency sign (¥, or 元) before or after the number, spaces between them
# allowed; the number in ASCII digits after the full-width forms below are mapped.
_MONEY = re.compile(
    r"^(?P<pre>[¥元]\s*)?(?P<sign>[+-])?(?P<whole>[0-9][0-9,]*)(?:\.(?P<fen>[0-9]+))?"
    r"(?P<post>\s*[¥元])?$"
)
_GROUPED = re.compile(r"^[0-9]{1,3}(?:,[0-9]{3})+$")
_FULL_WIDTH = str.maketrans(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},
        "，": ",",
        "．": ".",
        "＋": "+",
        "－": "-",
        "￥": "¥",
    }
)
_MAX_WHOLE_DIGITS = len(str(int(MAX_YUAN)))

MONEY_SPELLING = (
    "money in yuan, e.g. 1200.50, ¥1,200.50 or 1200元 (one ¥, ￥ or 元 before or after the "
    "number; commas only between groups of three digits)"
)


class CellError(ValueError):
    """A cell that cannot be read; the argument says what was expected."""

    @property
    def expected(self) -> str:
        """What the cell should have held."""
        return str(self.args[0])


class Unreadable:
    """A value that stands in for a cell the reader would not hold: the cell is refused with
    the reason when its column is read, and shown by its size only."""

    __slots__ = ("size",)

    def __init__(self, size: int) -> None:
        self.size = size

    def refuse(self, what: str) -> CellError:
        """The problem of the cell that held it, where ``what`` was expected."""
        raise NotImplementedError


class LongNumber(Unreadable):
    """A JSON number with more digits than any cell needs (``size`` of them)."""

    def refuse(self, what: str) -> CellError:
        """Too long for any column."""
        return CellError(f"{what} (a JSON number of {self.size:,} digits is far too long)")

    def __repr__(self) -> str:
        return f"<a number of {self.size:,} digits>"


class Oversized(Unreadable):
    """A cell longer than ``MAX_CELL_CHARS`` (``size`` characters)."""

    def refuse(self, what: str) -> CellError:
        """Too big for any column."""
        return CellError(f"a cell of at most {MAX_CELL_CHARS:,} characters ({self.size:,} here)")

    def __repr__(self) -> str:
        return f"<a cell of {self.size:,} characters>"


class NotUnicode(Unreadable):
    """Text holding a lone surrogate (JSON can write ``"\\ud800"``): no file, terminal or
    page can take it."""

    def refuse(self, what: str) -> CellError:
        """Not text at all."""
        return CellError("valid Unicode text (a lone surrogate such as \\ud800 is no character)")

    def __repr__(self) -> str:
        return "<text with a lone surrogate>"


def _empty(raw: object) -> bool:
    return raw is None or raw == [] or (isinstance(raw, str) and (not raw or raw.isspace()))


def _text_of(raw: object, what: str) -> str:
    if type(raw) is str:
        return raw
    if isinstance(raw, Unreadable):
        raise raw.refuse(what)
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


def _bounded(amount: Decimal) -> Money:
    if amount < 0:
        raise CellError("money that is not negative")
    if amount > MAX_YUAN:
        raise CellError(f"money of at most {MAX_YUAN:,} yuan (so that every sum stays exact)")
    try:
        return Money(amount)
    except (InvalidValueError, ArithmeticError):
        raise CellError(MONEY_SPELLING) from None


@functools.lru_cache(maxsize=65_536)
def _money_text(raw: str) -> Money:
    """Money from its spelling; equal spellings share one (immutable) ``Money``."""
    text = raw if raw.isascii() else raw.translate(_FULL_WIDTH)
    match = _MONEY.match(text.strip())
    if match is None or (match["pre"] and match["post"]):
        raise CellError(MONEY_SPELLING)
    whole, fen = match["whole"], match["fen"] or ""
    if "," in whole:
        if not _GROUPED.match(whole):
            raise CellError("money in yuan, thousands separated every three digits")
        whole = whole.replace(",", "")
    if len(fen) > 2:
        raise CellError("money with at most two decimal places (fen); never rounded")
    if len(whole.lstrip("0")) > _MAX_WHOLE_DIGITS:
        raise CellError(f"money of at most {MAX_YUAN:,} yuan (so that every sum stays exact)")
    number = Decimal(f"{whole}.{fen}" if fen else whole)
    return _bounded(-number if match["sign"] == "-" and number else number)


def _money(raw: object) -> Money:
    if isinstance(raw, bool | float):
        raise CellError(
            "money in yuan as a string or a whole number (a JSON number with a fraction is "
            'never exact: write "1200.50")'
        )
    if isinstance(raw, int):
        return _bounded(Decimal(raw))
    return _money_text(_text_of(raw, "money"))


def _date(raw: object) -> pendulum.Date:
    text = _text_of(raw, "an ISO date YYYY-MM-DD")
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    text = text.strip()
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
    text = _text_of(raw, "true or false")
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    text = text.strip().lower()
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
        text = _text_of(raw, wanted)
        if not text.isascii():
            text = unicodedata.normalize("NFKC", text)
        text = text.strip()
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


def _reader(column: Column) -> Parser:
    """The function reading a non-empty cell of ``column``."""
    kind = column.cell
    if kind == "id":
        return _id
    if kind == "ids":
        return lambda raw: _ids(raw) or None
    if kind == "money":
        return _money
    if kind == "date":
        return _date
    if kind == "bool":
        return _bool
    if kind == "int":
        return lambda raw: _int(raw, column)
    if kind == "enum" and column.enum is not None:
        enum = column.enum
        return lambda raw: _enum(raw, enum)
    if kind == "resident_id":
        return _resident_id
    return lambda raw: _text_of(raw, "text")


def column_parser(column: Column, shared: dict[str, str] | None = None) -> Parser:
    """``parse_cell`` for one column; ids read through ``shared`` are one string object per
    spelling, so a reference costs no memory beyond the record it names."""
    read = _reader(column)
    if column.cell == "id" and shared is not None:
        setdefault = shared.setdefault

        def read_id(raw: object) -> object:
            text = _id(raw)
            return setdefault(text, text)

        read = read_id
    required = column.required

    def parse(raw: object) -> object:
        if _empty(raw):
            if required:
                raise CellError(REQUIRED)
            return None
        return read(raw)

    return parse


def parse_cell(column: Column, raw: object) -> object:
    """The value of one cell, ``None`` when it is empty and may be; raises ``CellError``."""
    return column_parser(column)(raw)


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
    """A value as the CSV writer writes it; ``load`` reads it back to the same value."""
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
