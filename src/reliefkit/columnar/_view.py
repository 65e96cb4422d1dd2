"""The records a finding needs, read from the columnar store on demand.

The columnar engine decides in SQL which subjects break a rule; the rule's own judge then
words each finding, reading records through :class:`LazyView`, a
:class:`~reliefkit.models.Queries` over what has been fetched so far. A look-up the store
has not answered yet is *missed*: the view notes what was asked, answers as if nothing were
there, and marks the pass dirty. The engine throws a dirty pass away, fetches everything
noted for every campaign in one batch of queries, and judges again with a fresh view (so no
memo keeps what a guess computed). A clean pass read only real records: its findings are
exactly the object engine's. A pass goes on after a miss, so one pass notes every record a
loop over a group asks for, and one round fetches them all; records a judge never asks for
are never fetched (prefetching what each record names cost twice the records for fewer
rounds).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from reliefkit.columnar._tables import ROW, keyed, record_from
from reliefkit.io._schema import SCHEMA
from reliefkit.models import Campaign, Queries, Record
from reliefkit.models._dataset import _GROUPINGS

if TYPE_CHECKING:
    from reliefkit.columnar._backend import Backend

_EMPTY: tuple[Any, ...] = ()

GROUPINGS: Mapping[str, tuple[str, str]] = {name: (t, f) for name, t, f in _GROUPINGS}
"""Per grouping index: the table and the field it groups by."""

KEYED_TABLES: tuple[str, ...] = tuple(t for t, table in SCHEMA.items() if keyed(table))
ANY_TABLE = frozenset(t for t in KEYED_TABLES if t != "campaign")


def _named_tables(refs: tuple[str, ...]) -> tuple[str, ...]:
    """The tables a reference may name (``*``: any table with ids)."""
    if "*" in refs:
        return tuple(t for t in KEYED_TABLES if t != "campaign")
    return tuple(refs)


# Per table, the fields naming other records: (field, is a list, the tables it may name).
_REFS: dict[str, tuple[tuple[str, bool, tuple[str, ...]], ...]] = {
    name: tuple(
        (f.name, f.metadata.get("cell") == "ids", _named_tables(f.metadata["refs"]))
        for f in attrs.fields(table.record_type)
        if f.metadata.get("refs")
    )
    for name, table in SCHEMA.items()
}


class Cache:
    """What has been fetched for one campaign: records by id, groups, whole tables."""

    def __init__(self, campaign: Campaign) -> None:
        self.campaign = campaign
        self.by_id: dict[str, Record | None] = {campaign.id: campaign}
        self.table_of: dict[str, str | None] = {campaign.id: "campaign"}
        self.groups: dict[tuple[str, Any], tuple[Any, ...]] = {}
        self.rows: dict[str, tuple[Any, ...]] = {"campaign": (campaign,)}
        self.referrers: dict[str, tuple[tuple[str, str, str], ...]] = {}
        self.interned: dict[tuple[str, int], Any] = {}
        # Asked for and not yet answered.
        self.want_ids: dict[str, frozenset[str]] = {}
        """Ids asked for, each with the tables it may be in."""
        self.want_groups: set[tuple[str, Any]] = set()
        self.want_rows: set[str] = set()
        self.want_referrers: set[str] = set()

    @property
    def wanting(self) -> bool:
        """Whether anything asked for is still to be fetched."""
        return bool(self.want_ids or self.want_groups or self.want_rows or self.want_referrers)


class LazyView(Queries):
    """One pass's view of a campaign's records (see the module's docstring)."""

    def __init__(self, cache: Cache) -> None:
        self.campaign = cache.campaign
        self._cache = cache
        self.dirty = False

    def _miss(self) -> None:
        self.dirty = True

    def __getattr__(self, name: str) -> Any:
        # A table by its name, as on a Dataset (``view.waivers``).
        if name in SCHEMA and name != "campaign":
            return self.rows(name)
        raise AttributeError(name)

    def rows(self, table: str) -> tuple[Any, ...]:
        found = self._cache.rows.get(table)
        if found is None:
            self._cache.want_rows.add(table)
            self._miss()
            return _EMPTY
        return found

    def get(self, record_id: str | None) -> Record | None:
        if record_id is None:
            return None
        cache = self._cache
        if record_id in cache.by_id:
            return cache.by_id[record_id]
        cache.want_ids[record_id] = ANY_TABLE
        self._miss()
        return None

    def table_of(self, record_id: str | None) -> str | None:
        if record_id is None:
            return None
        cache = self._cache
        if record_id in cache.table_of:
            return cache.table_of[record_id]
        cache.want_ids[record_id] = ANY_TABLE
        self._miss()
        return None

    def group(self, name: str, key: Any) -> tuple[Any, ...]:
        cache = self._cache
        found = cache.groups.get((name, key))
        if found is None:
            table = GROUPINGS[name][0]
            whole = cache.rows.get(table)
            if whole is not None:  # the whole table is here: group it
                field = GROUPINGS[name][1]
                found = tuple(r for r in whole if getattr(r, field) == key)
                cache.groups[(name, key)] = found
                return found
            cache.want_groups.add((name, key))
            self._miss()
            return _EMPTY
        return found

    def is_paired(self, department_id: str, partner_id: str) -> bool:
        return any(
            p.department_id == department_id and p.partner_id == partner_id
            for p in self.group("pairings_by_partner", partner_id)
        )

    def find(self, table: str, record_id: str) -> Any:
        if table in KEYED_TABLES:
            return self.get(record_id) if self.table_of(record_id) == table else None
        return next((r for r in self.rows(table) if r.id == record_id), None)

    def referrers(self, record_id: str) -> tuple[tuple[str, str, str], ...]:
        cache = self._cache
        found = cache.referrers.get(record_id)
        if found is None:
            cache.want_referrers.add(record_id)
            self._miss()
            return _EMPTY
        return found


class Fetcher:
    """Answers what the campaigns' caches want: each round, one batch of queries (one
    job on Spark) for everything asked, until nothing is left wanting."""

    def __init__(self, backend: Backend, records: Mapping[str, list[Any]] | None = None) -> None:
        self.backend = backend
        self.records = records
        self.rounds = 0
        self.queries = 0

    def _want(self, pairs: Iterable[tuple[str, str]]) -> str:
        """Register ``(campaign_id, key)`` pairs as a relation; its name."""
        import pyarrow as pa

        cids, keys = [], []
        for cid, key in pairs:
            cids.append(cid)
            keys.append(key)
        name = f"_wanted_{self.queries}"
        self.queries += 1
        wanted = pa.table(
            {"campaign_id": pa.array(cids, pa.string()), "k": pa.array(keys, pa.string())}
        )
        self.backend.register(name, wanted)
        return name

    def fill(self, caches: Mapping[str, Cache]) -> None:
        """Fetch what every cache wants, then what the fetched records name, until none is
        left wanting."""
        while any(c.wanting for c in caches.values()):
            self.rounds += 1
            queries: list[tuple[str, str]] = []  # (table, sql)
            after: list[Any] = []  # what to do with each query's rows
            self._rows(caches, queries, after)
            self._groups(caches, queries, after)
            self._referrers(caches, queries, after)
            self._ids(caches, queries, after)
            results = self.backend.batch([sql for _, sql in queries])
            for (table, _), rows, then in zip(queries, results, after, strict=True):
                rows.sort(key=lambda r: r[ROW])
                then([(row, self._keep(caches, table, row)) for row in rows])

    def _keep(self, caches: Mapping[str, Cache], table: str, row: dict[str, Any]) -> Any:
        """The record of a fetched row (one object per record), noting what it names."""
        cache = caches[row["campaign_id"]]
        key = (table, row[ROW])
        record = cache.interned.get(key)
        if record is not None:
            return record
        held = self.records
        record = held[table][row[ROW]] if held is not None else record_from(table, row)
        cache.interned[key] = record
        if table in KEYED_TABLES and table != "campaign":
            cache.by_id[record.id] = record
            cache.table_of[record.id] = table
        cache.want_ids.pop(str(getattr(record, "id", "")), None)
        return record

    def _rows(self, caches: Mapping[str, Cache], queries: list[Any], after: list[Any]) -> None:
        wanted: defaultdict[str, list[str]] = defaultdict(list)
        for cid, cache in caches.items():
            for table in cache.want_rows:
                wanted[table].append(cid)
            cache.want_rows = set()
        for table, cids in wanted.items():
            relation = self._want((c, "") for c in cids)
            queries.append(
                (
                    table,
                    f'SELECT * FROM "{table}" WHERE campaign_id IN '
                    f"(SELECT campaign_id FROM {relation})",
                )
            )

            def then(found: list[Any], table: str = table, cids: list[str] = cids) -> None:
                got: defaultdict[str, list[Any]] = defaultdict(list)
                for row, record in found:
                    got[row["campaign_id"]].append(record)
                for cid in cids:
                    caches[cid].rows[table] = tuple(got[cid])

            after.append(then)

    def _groups(self, caches: Mapping[str, Cache], queries: list[Any], after: list[Any]) -> None:
        wanted: defaultdict[str, list[tuple[str, Any]]] = defaultdict(list)
        for cid, cache in caches.items():
            for name, key in cache.want_groups:
                wanted[name].append((cid, key))
            cache.want_groups = set()
        for name, pairs in wanted.items():
            table, field = GROUPINGS[name]
            relation = self._want((cid, str(key)) for cid, key in pairs)
            queries.append(
                (
                    table,
                    f'SELECT t.* FROM "{table}" t JOIN {relation} w '
                    f'ON t.campaign_id = w.campaign_id AND t."{field}" = w.k',
                )
            )

            def then(
                found: list[Any],
                name: str = name,
                field: str = field,
                pairs: list[tuple[str, Any]] = pairs,
            ) -> None:
                got: defaultdict[tuple[str, Any], list[Any]] = defaultdict(list)
                for row, record in found:
                    got[(row["campaign_id"], str(row[field]))].append(record)
                for cid, key in pairs:
                    caches[cid].groups[(name, key)] = tuple(got[(cid, str(key))])

            after.append(then)

    def _ids(self, caches: Mapping[str, Cache], queries: list[Any], after: list[Any]) -> None:
        by_table: defaultdict[str, list[tuple[str, str]]] = defaultdict(list)
        for cid, cache in caches.items():
            asked, cache.want_ids = cache.want_ids, {}
            for record_id, named_tables in asked.items():
                # Absent unless a table below has it.
                cache.by_id.setdefault(record_id, None)
                cache.table_of.setdefault(record_id, None)
                for table in named_tables:
                    by_table[table].append((cid, record_id))
        for table, pairs in by_table.items():
            if table == "campaign":
                continue
            relation = self._want(pairs)
            queries.append(
                (
                    table,
                    f'SELECT t.* FROM "{table}" t JOIN {relation} w '
                    "ON t.campaign_id = w.campaign_id AND t.id = w.k",
                )
            )
            after.append(lambda found: None)  # kept by _keep

    def _referrers(self, caches: Mapping[str, Cache], queries: list[Any], after: list[Any]) -> None:
        pairs = [(cid, i) for cid, cache in caches.items() for i in cache.want_referrers]
        for cache in caches.values():
            cache.want_referrers = set()
        if not pairs:
            return
        order = {t: n for n, t in enumerate(SCHEMA)}
        found_all: defaultdict[tuple[str, str], list[tuple[Any, ...]]] = defaultdict(list)
        relation = self._want(pairs)
        pending = [0]
        for table, fields in _REFS.items():
            for position, (field, many, _) in enumerate(fields):
                on = (
                    f'w.k IN (SELECT item FROM "{table}__{field}" l WHERE l.campaign_id = '
                    "t.campaign_id AND l.id = t.id)"
                    if many
                    else f't."{field}" = w.k'
                )
                queries.append(
                    (
                        table,
                        f'SELECT t.*, w.k AS _named FROM "{table}" t JOIN {relation} w '
                        f"ON t.campaign_id = w.campaign_id AND {on}",
                    )
                )
                pending[0] += 1

                def then(
                    found: list[Any],
                    table: str = table,
                    field: str = field,
                    position: int = position,
                ) -> None:
                    for row, record in found:
                        found_all[(row["campaign_id"], row["_named"])].append(
                            (order[table], row[ROW], position, table, record.id, field)
                        )
                    pending[0] -= 1
                    if pending[0] == 0:  # the last of them: the referrers are known
                        for cid, named in pairs:
                            entries = sorted(found_all[(cid, named)])
                            caches[cid].referrers[named] = tuple(
                                (t, rid, f) for _, _, _, t, rid, f in entries
                            )

                after.append(then)
