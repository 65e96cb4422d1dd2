"""Memos keyed by object identity, dropped when the object is collected.

Never keyed by hashing a dataset (that is O(n)) and never stored on the frozen dataset: a
memo belongs to whoever computes (the ledger query, the engine). An entry lives exactly as
long as the object it describes, so a collected dataset whose id is reused cannot be served
a stale entry.
"""

from __future__ import annotations

import weakref
from typing import Any, Generic, TypeVar

V = TypeVar("V")


class IdentityMemo(Generic[V]):
    """One value per live object (by ``id``), created on first use."""

    def __init__(self) -> None:
        self._slots: dict[int, V] = {}

    def get(self, owner: Any, make: type[V] | Any) -> V:
        """The value for ``owner``, made by ``make()`` the first time."""
        key = id(owner)
        found = self._slots.get(key)
        if found is None:
            found = self._slots[key] = make()
            weakref.finalize(owner, self._slots.pop, key, None)
        return found

    def __len__(self) -> int:
        return len(self._slots)
