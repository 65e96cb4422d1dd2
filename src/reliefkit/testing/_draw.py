"""Draw-time choices for composite strategies, and :class:`Choices`, Hypothesis's ``draw``
adapted to the :class:`reliefkit.rules.recipes.Draw` protocol that recipes and drafts use.

Every helper draws through strategies Hypothesis caches (``integers``, ``booleans``, lists of
integers), so building a campaign constructs no new strategy per choice: generation stays fast
and every choice still shrinks (towards the first item, ``None``, the earliest day, the
smallest amount).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

import pendulum
from hypothesis import strategies as st

from reliefkit.testing._strategies import GIVEN_NAMES, REGION_CODES, SURNAMES, resident_id_from

T = TypeVar("T")
Draw = Callable[[st.SearchStrategy[Any]], Any]


def _seq(items: Iterable[T]) -> Sequence[T]:
    return items if isinstance(items, Sequence) else tuple(items)


def pick(draw: Draw, items: Iterable[T]) -> T:
    """One of ``items`` (which must not be empty)."""
    items = _seq(items)
    if not items:
        raise ValueError("pick: nothing to choose from")
    return items[draw(st.integers(0, len(items) - 1))] if len(items) > 1 else items[0]


def maybe(draw: Draw, items: Iterable[T]) -> T | None:
    """``None`` or one of ``items``."""
    items = _seq(items)
    if not items:
        return None
    i = draw(st.integers(0, len(items)))
    return None if i == 0 else items[i - 1]


def some(draw: Draw, items: Iterable[T], max_size: int = 2, *, min_size: int = 0) -> list[T]:
    """Distinct items, between ``min_size`` and ``max_size`` of them."""
    items = _seq(items)
    if not items:
        return []
    chosen = draw(
        st.lists(
            st.integers(0, len(items) - 1),
            unique=True,
            min_size=min(min_size, len(items)),
            max_size=min(max_size, len(items)),
        )
    )
    return [items[i] for i in chosen]


def flag(draw: Draw) -> bool:
    """True or False."""
    return bool(draw(st.booleans()))


def maybe_flag(draw: Draw) -> bool | None:
    """``None``, True or False."""
    return maybe(draw, (True, False))


def day(draw: Draw, start: pendulum.Date, end: pendulum.Date) -> pendulum.Date:
    """A day from ``start`` to ``end`` inclusive."""
    span = (end - start).days
    if span < 0:
        raise ValueError(f"day: end={end.isoformat()} before start={start.isoformat()}")
    return start.add(days=draw(st.integers(0, span))) if span else start


def maybe_day(draw: Draw, start: pendulum.Date, end: pendulum.Date) -> pendulum.Date | None:
    """``None`` or a day from ``start`` to ``end``."""
    return day(draw, start, end) if flag(draw) else None


def person_name(draw: Draw) -> str:
    """A Chinese personal name."""
    return pick(draw, SURNAMES) + pick(draw, GIVEN_NAMES)


def resident_id(draw: Draw) -> str:
    """A well-formed 18-character resident ID number."""
    born = day(draw, pendulum.Date(1935, 1, 1), pendulum.Date(2010, 12, 31))
    return resident_id_from(pick(draw, REGION_CODES), born, draw(st.integers(0, 999)))


def amount(draw: Draw, low: int = 100, high: int = 2_000_000) -> int:
    """A plausible amount in fen from ``low`` to ``high``: mostly whole yuan."""
    first, last = -(-low // 100), high // 100
    if first <= last and not flag(draw):
        return int(draw(st.integers(first, last))) * 100
    return int(draw(st.integers(low, high)))


class Choices:
    """Hypothesis's ``draw`` as a :class:`reliefkit.rules.recipes.Draw`; still callable on a
    strategy, so the helpers above (and ``st.composite`` code) take it as a ``draw``."""

    __slots__ = ("_draw",)

    def __init__(self, draw: Draw) -> None:
        self._draw = draw.raw if isinstance(draw, Choices) else draw

    @property
    def raw(self) -> Draw:
        """The underlying ``draw``."""
        return self._draw

    def __call__(self, strategy: st.SearchStrategy[T]) -> T:
        return self._draw(strategy)  # type: ignore[no-any-return]

    def integers(self, low: int, high: int) -> int:
        """An integer from ``low`` to ``high`` inclusive."""
        return low if high == low else int(self._draw(st.integers(low, high)))

    def booleans(self) -> bool:
        """True or False."""
        return flag(self._draw)

    def pick(self, items: Iterable[T]) -> T:
        """One of ``items`` (which must not be empty)."""
        return pick(self._draw, items)

    def maybe(self, items: Iterable[T]) -> T | None:
        """``None`` or one of ``items``."""
        return maybe(self._draw, items)

    def subset(self, items: Iterable[T], max_size: int = 2, *, min_size: int = 0) -> list[T]:
        """Distinct items, between ``min_size`` and ``max_size`` of them."""
        return some(self._draw, items, max_size, min_size=min_size)

    def day(self, start: pendulum.Date, end: pendulum.Date) -> pendulum.Date:
        """A day from ``start`` to ``end`` inclusive."""
        return day(self._draw, start, end)

    def amount(self, low: int = 100, high: int = 2_000_000) -> int:
        """A plausible amount in fen from ``low`` to ``high``."""
        return amount(self._draw, low, high)

    def person_name(self) -> str:
        """A Chinese personal name."""
        return person_name(self._draw)


__all__ = [
    "Choices",
    "Draw",
    "amount",
    "day",
    "flag",
    "maybe",
    "maybe_day",
    "maybe_flag",
    "person_name",
    "pick",
    "resident_id",
    "some",
]
