"""Exact money in yuan."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

import attrs

from reliefkit.exceptions import InvalidMoneyError

_CENT = Decimal("0.01")


def _to_yuan(value: object) -> Decimal:
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
            value = Decimal(value.strip())
        except InvalidOperation:
            raise InvalidMoneyError(f"amount={value!r}: not a decimal number") from None
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise InvalidMoneyError(f"amount={value!r}: money must be finite")
        quantised = value.quantize(_CENT)
        if quantised != value:
            raise InvalidMoneyError(
                f"amount={value!r}: more than two decimal places (fen); refused, not rounded"
            )
        return quantised
    raise InvalidMoneyError(f"amount={value!r}: cannot make money from {type(value).__name__}")


@attrs.frozen(order=True, repr=False)
class Money:
    """An exact amount of yuan, to the fen.

    ``Money("1200.50")``, ``Money(1200)`` (yuan), ``Money(Decimal("3.10"))`` and
    ``Money.fen(120050)`` are all exact. A float or a bool is refused, and so is a value
    with more than two decimal places (it is never rounded).
    """

    yuan: Decimal = attrs.field(converter=_to_yuan)

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
