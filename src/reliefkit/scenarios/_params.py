"""Parameter overrides written as text (``reliefkit check --param NAME=VALUE``) or as TOML
values (a scenario's ``[params]``), read by the type of the parameter's own value.

A parameter's value says what an override must be: an ``int`` (``rest_day=6``), a
``Decimal`` (``admin_cap_public_charity=0.13``), ``Money`` (``provincial_income=8332``), a
``bool`` (``true``/``false``, also ``yes``/``no``, ``1``/``0``, ``是``/``否``, as in the
interchange format), a set of names or a tuple (comma-separated: ``visit_window=10-10,10-12``;
a tuple of tuples is bands separated by ``;``), a mapping (``2015=2855,2016=3000``, or a JSON
object) or a ``str`` (the text itself). What cannot be read is a ``ValueError`` saying the
form expected.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from reliefkit.models import Money
from reliefkit.rules import Parameter

_TRUE = frozenset({"true", "t", "yes", "y", "1", "是"})
_FALSE = frozenset({"false", "f", "no", "n", "0", "否"})


def example_of(parameter: Parameter) -> Any:
    """The value whose type an override takes: the latest era's, or the latest non-empty
    one (a collection empty in its latest era says nothing of its items)."""
    values = [era.value for era in parameter.values]
    for value in reversed(values):
        if not isinstance(value, tuple | frozenset | set | list | dict) or value:
            return value
    return values[-1]


def _first(example: Any) -> Any:
    """An item of a collection (a key-value pair of a mapping), or ``None``."""
    if isinstance(example, Mapping):
        return next(iter(example.items()), None)
    if isinstance(example, frozenset | set):
        return next(iter(sorted(example, key=str)), None)
    return next(iter(example), None)


def expected_form(example: Any) -> str:
    """What text an override of a parameter whose value is ``example`` must be."""
    if isinstance(example, bool):
        return "true or false (also yes/no, 1/0, 是/否)"
    if isinstance(example, int):
        return f"a whole number, like {example}"
    if isinstance(example, Decimal):
        return f"a decimal number, like {example}"
    if isinstance(example, Money):
        return f"an amount of yuan, like {example.yuan}"
    if isinstance(example, frozenset | set):
        return f"names separated by commas, like {_joined(example) or 'a,b'}"
    if isinstance(example, tuple | list):
        item = _first(example)
        if isinstance(item, tuple | list):
            shown = ";".join(_joined(band) for band in example)
            return f"bands separated by ';', the values of each by ',', like {shown}"
        return f"values separated by commas, like {_joined(example) or 'a,b'}"
    if isinstance(example, Mapping):
        shown = ",".join(f"{_plain(k)}={_plain(v)}" for k, v in example.items())
        return f"KEY=VALUE pairs separated by commas, like {shown or 'a=1'}, or a JSON object"
    return "a text"


def _plain(value: Any) -> str:
    return str(value.yuan) if isinstance(value, Money) else str(value)


def _joined(values: Any) -> str:
    items = sorted(values, key=str) if isinstance(values, frozenset | set) else values
    return ",".join(_plain(v) for v in items)


def from_text(example: Any, text: str) -> Any:
    """``text`` read as a value of the type of ``example``; a ``ValueError`` says the form
    expected."""
    raw = text.strip()
    try:
        return _from_text(example, raw)
    except (ValueError, TypeError, ArithmeticError):
        raise ValueError(f"expected {expected_form(example)}") from None


def _from_text(example: Any, raw: str) -> Any:
    if isinstance(example, bool):
        word = unicodedata.normalize("NFKC", raw).lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
        raise ValueError(raw)
    if isinstance(example, int):
        return int(raw)
    if isinstance(example, Decimal):
        number = Decimal(raw)
        if not number.is_finite():
            raise ValueError(raw)
        return number
    if isinstance(example, Money):
        return Money(raw)
    if isinstance(example, frozenset | set):
        return frozenset(v.strip() for v in raw.split(",") if v.strip())
    if isinstance(example, tuple | list):
        item = _first(example)
        if isinstance(item, tuple | list):
            return tuple(
                _items(item, band) for band in raw.replace("；", ";").split(";") if band.strip()
            )
        return _items(example, raw)
    if isinstance(example, Mapping):
        return _mapping(example, raw)
    return raw


def _items(example: Any, raw: str) -> tuple[Any, ...]:
    item = _first(example)
    parts = [v.strip() for v in raw.split(",") if v.strip()]
    return tuple(p if item is None else _from_text(item, p) for p in parts)


def _mapping(example: Mapping[Any, Any], raw: str) -> dict[Any, Any]:
    pair = _first(example)
    if raw.startswith("{"):
        loaded = json.loads(raw)
        if not isinstance(loaded, dict):
            raise ValueError(raw)
        items = [(str(k), v if isinstance(v, str) else json.dumps(v)) for k, v in loaded.items()]
    else:
        items = []
        for part in raw.split(","):
            if not part.strip():
                continue
            key, equals, value = part.partition("=")
            if not equals:
                raise ValueError(part)
            items.append((key.strip(), value.strip()))
    if pair is None:
        return dict(items)
    return {_from_text(pair[0], k): _from_text(pair[1], v) for k, v in items}


def coerce(example: Any, value: Any) -> Any:
    """A TOML value (a scenario's ``[params]``) as a value of the type of ``example``: text
    is read as ``--param`` reads it, a number becomes a ``Decimal`` or ``Money``, an array
    a tuple or a set, a table a mapping; anything else is left for the pack to refuse."""
    if isinstance(value, str) and not isinstance(example, str):
        return from_text(example, value)
    if isinstance(value, bool) or isinstance(example, bool):
        return value
    if isinstance(value, int | float) and isinstance(example, Decimal | Money):
        return from_text(example, str(value))
    if isinstance(value, list | tuple) and isinstance(example, frozenset | set):
        return frozenset(coerce(_first(example), v) for v in value)
    if isinstance(value, list | tuple) and isinstance(example, tuple | list):
        item = _first(example)
        return tuple(v if item is None else coerce(item, v) for v in value)
    if isinstance(value, Mapping) and isinstance(example, Mapping):
        pair = _first(example)
        if pair is None:
            return dict(value)
        return {coerce(pair[0], k): coerce(pair[1], v) for k, v in value.items()}
    return value
