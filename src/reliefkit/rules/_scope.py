"""Scopes: what a rule is about, declared once per kind of subject and shared by its rules.

A scope says how to enumerate the subjects of a dataset (``check``), which subjects a record
of each type can change (``admit`` follows those), and how a subject's key (its id, the main
subject of every finding about it) is read back on a view. The engine applies the same scope
on both paths, so a rule never enumerates, re-fetches or re-validates its subject.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Generic, TypeVar

import attrs

from reliefkit.models import TABLES, Queries, Record

S = TypeVar("S")

Changes = Callable[[Queries, Any], Iterable[str]]
"""``changes(view, record)``: keys of the subjects a record (of one table) can change."""


def nothing(view: Queries, record: Any) -> Iterable[str]:
    """A record of this table cannot change any subject of the scope (declared, not forgotten)."""
    return ()


def itself(view: Queries, record: Any) -> Iterable[str]:
    """The record is the subject."""
    return (record.id,)


def field(name: str) -> Changes:
    """The subject is the record named by the record's ``name`` field."""

    def changes(view: Queries, record: Any) -> Iterable[str]:
        value = getattr(record, name)
        return () if value is None else (value,)

    changes.__name__ = f"field_{name}"
    return changes


def referring(*path: str) -> Changes:
    """The subjects are records that refer to the changed record, table by table along
    ``path``: ``referring("projects", "disbursements")`` is the disbursements of the projects
    that name the record. What a replaced or removed record fans out to (a new record has no
    referrers yet)."""

    def changes(view: Queries, record: Any) -> Iterable[str]:
        ids = [record.id]
        for table in path:
            ids = [rid for i in ids for (t, rid, _) in view.referrers(i) if t == table]
        return ids

    changes.__name__ = "referring_" + "_".join(path)
    return changes


def every(*parts: Changes) -> Changes:
    """The subjects of each of ``parts``, in order, once."""

    def changes(view: Queries, record: Any) -> Iterable[str]:
        return list(dict.fromkeys(k for part in parts for k in part(view, record)))

    changes.__name__ = "every_" + "_".join(p.__name__ for p in parts)
    return changes


@attrs.frozen
class Scope(Generic[S]):
    """A kind of subject: ``subjects`` enumerates them, ``key`` names one, ``fetch`` reads
    one back by key (``None`` when the view has no such subject), and ``changes`` maps each
    table to what its records can change."""

    name: str
    doc: str
    subjects: Callable[[Queries], Iterable[S]] = attrs.field(repr=False)
    key: Callable[[S], str] = attrs.field(repr=False)
    fetch: Callable[[Queries, str], S | None] = attrs.field(repr=False)
    changes: Mapping[str, Changes] = attrs.field(repr=False)

    def __attrs_post_init__(self) -> None:
        unknown = set(self.changes) - set(TABLES)
        if unknown:
            raise ValueError(f"scope {self.name!r}: changes names unknown tables {sorted(unknown)}")

    def changed_by(self, view: Queries, record: Record) -> Iterable[str]:
        """Keys of the subjects ``record`` can change (none for a table the scope ignores)."""
        found = self.changes.get(type(record).table)
        return () if found is None else found(view, record)


def records_of(table: str, cls: type[S]) -> Callable[[Queries, str], S | None]:
    """``fetch`` for a scope whose subjects are the records of one table."""

    def fetch(view: Queries, key: str) -> S | None:
        found = view.get(key)
        return found if isinstance(found, cls) else None

    _RECORD_FETCHES[fetch] = cls
    return fetch


# Weakly: scopes made on the fly (a test's, a pack's) take their fetch with them.
_RECORD_FETCHES: weakref.WeakKeyDictionary[Callable[..., Any], type[Any]] = (
    weakref.WeakKeyDictionary()
)


def record_class(fetch: Callable[..., Any]) -> type[Any] | None:
    """The class a ``records_of`` fetch returns (a record with the key, when it is one),
    so that the engine can hand a record it holds to the rules as its own subject;
    ``None`` for any other fetch."""
    return _RECORD_FETCHES.get(fetch)


def record_scope(
    table: str, cls: type[S], doc: str, changes: Mapping[str, Changes] | None = None
) -> Scope[S]:
    """A scope whose subjects are the records of one table; the record changes itself."""
    return Scope(
        name=table,
        doc=doc,
        subjects=lambda view: view.rows(table),
        key=lambda subject: subject.id,
        fetch=records_of(table, cls),
        changes={table: itself, **(changes or {})},
    )
