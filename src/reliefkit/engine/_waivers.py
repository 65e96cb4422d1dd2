"""The waiver book: the valid waivers of a view on a day, by (code, main subject).

Validity is the waiver pack's :func:`~reliefkit.rules.waivers.problem_of`, so a waiver is
valid exactly when neither RK001 nor RK002 reports it. The book of a dataset is read once
per dataset (by identity, dropped with the dataset), day and plan; ``admit`` never reads it
again: a change that touches waivers or their grantors amends it key by key
(:func:`amended`), copying nothing.

A waiver's validity reads only the waiver, the record its ``granted_by`` names, and what
the plan and the day fix (the known codes, ``grantor_sector``, ``as_of``). So after a change
only the keys of the waivers changed, and of the waivers granted by a record changed, can
differ; each is judged again as the full book would judge it (the last valid waiver of the
key in the view's order).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import pendulum

from reliefkit.engine._plan import Plan
from reliefkit.models import Dataset, Overlay, Queries, Waiver
from reliefkit.rules import Context, IdentityMemo, problem_of

Key = tuple[str, str]
"""``(CODE, main subject)``: what a waiver exempts."""

_NO_KEYS: Mapping[str, tuple[Key, ...]] = {}


class DatasetBook(dict[Key, Waiver]):
    """The valid waivers of a dataset: a dict (looked up on every finding and deferral),
    with the codes waived and the keys of every waiver by the id of its grantor."""

    __slots__ = ("codes", "grantors")

    def __init__(self, valid: dict[Key, Waiver], grantors: Mapping[str, tuple[Key, ...]]) -> None:
        super().__init__(valid)
        self.codes: frozenset[str] = frozenset(code for code, _ in valid)
        """The codes with a valid waiver (where RK003 and the deferrals need to look)."""
        self.grantors = grantors
        """Per ``granted_by``, the keys of the waivers (valid or not) it granted."""

    changes: Mapping[Key, Waiver | None] = {}
    """What differs from the dataset's book: nothing (an amended book's say what)."""


class Amended(Mapping[Key, Waiver]):
    """A book after a change: the dataset's book with a few keys judged again. Nothing of
    the base is copied; ``changes`` holds each key whose waiver differs (``None``: no valid
    waiver any more)."""

    __slots__ = ("_len", "base", "changes", "codes")

    def __init__(self, base: DatasetBook, changes: dict[Key, Waiver | None]) -> None:
        self.base, self.changes = base, changes
        self.codes = base.codes | {key[0] for key, w in changes.items() if w is not None}
        self._len = len(base) + sum((w is not None) - (key in base) for key, w in changes.items())

    def __getitem__(self, key: Key) -> Waiver:
        changes = self.changes
        if key in changes:
            found = changes[key]
            if found is None:
                raise KeyError(key)
            return found
        return self.base[key]

    def get(self, key: Key, default: Any = None) -> Any:
        changes = self.changes
        if key in changes:
            found = changes[key]
            return default if found is None else found
        return self.base.get(key, default)

    def __contains__(self, key: object) -> bool:
        changes = self.changes
        if key in changes:
            return changes[key] is not None
        return key in self.base

    def __iter__(self) -> Iterator[Key]:
        changes = self.changes
        yield from (key for key in self.base if key not in changes)
        yield from (key for key, w in changes.items() if w is not None)

    def __len__(self) -> int:
        return self._len


Book = DatasetBook | Amended
"""A waiver book: a dataset's, or one amended by a change."""


def _context(view: Queries, day: pendulum.Date, plan: Plan) -> Context | None:
    setting = plan.waiver_setting
    if setting is None:  # no waiver pack in force: no waiver exempts anything
        return None
    return Context(view, day, setting.params, setting.year, plan.known)


def key_of(waiver: Waiver) -> Key:
    """The finding a waiver exempts: ``(CODE, main subject)``."""
    return (waiver.code.upper(), waiver.subject_id)


def _read(dataset: Dataset, day: pendulum.Date, plan: Plan) -> DatasetBook:
    ctx = _context(dataset, day, plan)
    valid: dict[Key, Waiver] = {}
    grantors: dict[str, list[Key]] = {}
    for waiver in dataset.waivers:
        key = key_of(waiver)
        if ctx is not None and problem_of(ctx, waiver) is None:
            valid[key] = waiver  # the last valid waiver of a key is the one that counts
        if waiver.granted_by is not None:
            grantors.setdefault(waiver.granted_by, []).append(key)
    return DatasetBook(valid, {g: tuple(keys) for g, keys in grantors.items()})


_BOOKS: IdentityMemo[dict[tuple[pendulum.Date, int], tuple[Plan, DatasetBook]]] = IdentityMemo()


def book_of(dataset: Dataset, day: pendulum.Date, plan: Plan) -> DatasetBook:
    """The valid waivers of a dataset (memoised per dataset, day and plan)."""
    books = _BOOKS.get(dataset, dict)
    key = (day, id(plan))
    found = books.get(key)
    if found is None or found[0] is not plan:
        if len(books) > 16:  # a dataset checked on many days: keep the recent ones
            books.clear()
        found = books[key] = (plan, _read(dataset, day, plan))
    return found[1]


def amended(base: DatasetBook, view: Overlay, day: pendulum.Date, plan: Plan) -> Book:
    """The book of ``view`` (a change of the dataset ``base`` is the book of): ``base``
    unless the change adds, replaces or removes a waiver, or replaces or removes the record
    that granted one; then only those keys are judged again."""
    touched: dict[Key, None] = {}
    grantors = base.grantors or _NO_KEYS
    for record in changed_records(view):
        if isinstance(record, Waiver):
            touched[key_of(record)] = None
        for key in grantors.get(record.id, ()):
            touched[key] = None
    if not touched:
        return base
    ctx = _context(view, day, plan)
    if ctx is None:
        return base
    changes: dict[Key, Waiver | None] = {}
    for key in touched:
        code, subject = key
        same = [w for w in view.group("waivers_by_subject", subject) if w.code.upper() == code]
        if len(same) > 1:  # codes spelt differently (cp109, CP109): in the order of the rows
            same = [w for w in view.rows("waivers") if key_of(w) == key]
        found: Waiver | None = None
        for waiver in same:  # the last valid one counts, as when the book is read whole
            if problem_of(ctx, waiver) is None:
                found = waiver
        if found is not base.get(key):
            changes[key] = found
    return Amended(base, changes) if changes else base


def changed_records(view: Overlay) -> Iterator[Any]:
    """The records a change adds, replaces (old and new) and removes."""
    yield from view.added
    for old, new in view.replaced:
        yield old
        yield new
    yield from view.removed
