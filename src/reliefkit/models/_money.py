"""Exact money in yuan.

**Comparisons.** ``Money`` compares with ``Money`` and with exact plain numbers of yuan — an
``int`` or a ``Decimal`` — and equality and ordering agree: ``Money(5) == 5``,
``Money(5) > 3`` and ``Money("0.10") == Decimal("0.1")`` are all true, and a ``Money`` hashes
like the number it equals. A ``float`` or a ``bool`` is refused by both with
:class:`~reliefkit.exceptions.InvalidMoneyError` (a ``TypeError``), as ``Money(1.5)`` is. A
``str`` is text, not a number (as for ``Decimal``): ``Money(5) == "5"`` is false and
``Money(5) > "3"`` raises ``TypeError``; make money of it first, ``Money("5")``.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

import attrs

from reliefkit.exceptions import InvalidMoneyError

_CENT = Decimal("0.01")

MONEY_CELL_PARSER = "reliefkit.io._cells._money"
"""The loader's parser of money cells, named by ``Money``'s refusal of spreadsheet spellings
(``¥1,200.50``, ``12,000``, ``1200元``): ``reliefkit.load`` reads them with it."""

# Characters that mark a spreadsheet spelling of an amount rather than a plain decimal.
_SPREADSHEET_MARKS = frozenset(",，¥￥元 ") | frozenset(chr(0xFF10 + i) for i in range(10))


def _refuse_text(value: str) -> InvalidMoneyError:
    if any(c.isdigit() for c in value) and _SPREADSHEET_MARKS & set(value.strip()):
        plain = "".join(c for c in value if c not in _SPREADSHEET_MARKS or c.isdigit())
        try:
            hint = f"write {format(Decimal(plain), 'f')!r}" if plain else "write e.g. '12000.50'"
        except InvalidOperation:
            hint = "write e.g. '12000.50'"
        return InvalidMoneyError(
            f"amount={value!r}: not a plain decimal number of yuan ({hint}); Money refuses "
            "spreadsheet spellings (thousands separators, ¥, 元): reliefkit.load reads them, "
            f"and the loader's money parser {MONEY_CELL_PARSER}() reads one cell"
        )
    return InvalidMoneyError(f"amount={value!r}: not a decimal number of yuan")


def _to_yuan(value: Money | int | str | Decimal) -> Decimal:
    """The converter of ``Money.yuan``: an exact amount of yuan, to the fen."""
    # bool is an int and float converts silently, so both are refused before any conversion.
    if isinstance(value, bool | float):
        raise InvalidMoneyError(
            f"amount={value!r}: money must be exact; pass a str, int or Decimal, not "
            f"{type(value).__name__}"
        )
    if isinstance(value, Money):
        return value.yuan
    if isinstance(value, int):
        return Decimal(value).quantize(_CENT)
    if isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            raise _refuse_text(value) from None
        return _to_yuan(number) if number.is_finite() else _not_finite(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            return _not_finite(value)
        quantised = value.quantize(_CENT)
        if quantised != value:
            raise InvalidMoneyError(
                f"amount={value!r}: more than two decimal places (fen); refused, not rounded"
            )
        return quantised
    raise InvalidMoneyError(f"amount={value!r}: cannot make money from {type(value).__name__}")


def _not_finite(value: object) -> Decimal:
    raise InvalidMoneyError(f"amount={value!r}: money must be finite")


def _plain_number(other: object, op: str) -> Decimal | None:
    """``other`` as yuan to compare with, ``None`` when it is not money or an exact number;
    a float or a bool is refused outright (money is exact)."""
    if isinstance(other, Money):
        return other.yuan
    if isinstance(other, bool | float):
        raise InvalidMoneyError(
            f"Money {op} {other!r}: money compares only with exact numbers (Money, int, "
            f"Decimal), not {type(other).__name__}"
        )
    if isinstance(other, int):
        return Decimal(other)
    if isinstance(other, Decimal):
        return other
    return None


def _unordered(self: Money, other: object, op: str) -> TypeError:
    return TypeError(
        f"'{op}' not supported between Money and {type(other).__name__} ({other!r}): money "
        "orders with Money, int and Decimal; make money of a str first, e.g. Money('3')"
    )


@attrs.frozen(eq=False, order=False, repr=False)
class Money:
    """An exact amount of yuan, to the fen.

    ``Money("1200.50")``, ``Money(1200)`` (yuan), ``Money(Decimal("3.10"))`` and
    ``Money.fen(120050)`` are all exact. A float or a bool is refused, and so is a value
    with more than two decimal places (it is never rounded), and a spreadsheet spelling
    (``"12,000"``, ``"¥1,200"``: the loader reads those).

    It compares with ``Money``, ``int`` and ``Decimal`` (``Money(5) == 5``,
    ``Money(5) > 3``); a float or a bool is refused by ``==`` and ``<`` alike, and a ``str``
    equals no money and does not order with it.
    """

    yuan: Decimal = attrs.field(converter=_to_yuan)
    """The amount in yuan: a ``Decimal`` with exactly two places."""

    @classmethod
    def fen(cls, fen: int) -> Money:
        """Money from a whole number of fen (hundredths of a yuan)."""
        if isinstance(fen, bool) or not isinstance(fen, int):
            raise InvalidMoneyError(f"fen={fen!r}: must be an int")
        return cls(Decimal(fen).scaleb(-2))

    @classmethod
    def zero(cls) -> Money:
        """No money."""
        return _ZERO

    @property
    def in_fen(self) -> int:
        """The amount as a whole number of fen."""
        return int(self.yuan.scaleb(2))

    def __repr__(self) -> str:
        return f"Money('{self.yuan}')"

    def __str__(self) -> str:
        sign = "-" if self.yuan < 0 else ""
        return f"{sign}¥{abs(self.yuan):,.2f}"

    # ---- comparisons: with Money, int and Decimal; equality and ordering agree ----------
    def __eq__(self, other: object) -> bool:
        number = _plain_number(other, "==")
        return NotImplemented if number is None else self.yuan == number

    def __ne__(self, other: object) -> bool:
        number = _plain_number(other, "!=")
        return NotImplemented if number is None else self.yuan != number

    def __hash__(self) -> int:
        # Equal to an int or a Decimal, so hashed as they are (hash(5) == hash(Decimal(5))).
        return hash(self.yuan)

    def __lt__(self, other: Money | int | Decimal) -> bool:
        number = _plain_number(other, "<")
        if number is None:
            raise _unordered(self, other, "<")
        return self.yuan < number

    def __le__(self, other: Money | int | Decimal) -> bool:
        number = _plain_number(other, "<=")
        if number is None:
            raise _unordered(self, other, "<=")
        return self.yuan <= number

    def __gt__(self, other: Money | int | Decimal) -> bool:
        number = _plain_number(other, ">")
        if number is None:
            raise _unordered(self, other, ">")
        return self.yuan > number

    def __ge__(self, other: Money | int | Decimal) -> bool:
        number = _plain_number(other, ">=")
        if number is None:
            raise _unordered(self, other, ">=")
        return self.yuan >= number

    # ---- arithmetic ------------------------------------------------------------------------
    def __add__(self, other: Any) -> Money:
        if isinstance(other, Money):
            return Money(self.yuan + other.yuan)
        if other == 0 and not isinstance(other, bool | float):
            return self
        return NotImplemented

    __radd__ = __add__

    def __sub__(self, other: Any) -> Money:
        if isinstance(other, Money):
            return Money(self.yuan - other.yuan)
        return NotImplemented

    def __neg__(self) -> Money:
        return Money(-self.yuan)

    def __mul__(self, other: Any) -> Money:
        if isinstance(other, int) and not isinstance(other, bool):
            return Money(self.yuan * other)
        return NotImplemented

    __rmul__ = __mul__

    def __bool__(self) -> bool:
        return bool(self.yuan)


_ZERO = Money(0)
