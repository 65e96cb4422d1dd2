"""The records a finding needs, read from the columnar store on demand.

The columnar engine decides in SQL which subjects break a rule; the rule's own judge then
words each finding, reading records through :class:`LazyView`, a
:class:`~reliefkit.models.Queries` over what has been fetched so far. A look-up the store
has not answered yet is *missed*: the view notes what was asked, answers as if nothing were
there, and marks itself dirty. A pass goes on after a miss, so one pass notes every record
a loop over a group asks for, and one round fetches them all, for every campaign at once
(:class:`Fetcher`); records a judge never asks for are never fetched (prefetching what each
record names cost twice the records for fewer rounds). What a rule judged on a view that
had missed nothing read only real records: it is exactly the object engine's, and the
engine keeps it; whatever was worked out after a miss (a memo) may hold a guess, so the
rules after it judge on a fresh view, and are judged again once the records are in.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from itertools import chain, pairwise, repeat
from operator import attrgetter
from typing import TYPE_CHECKING, Any

import attrs

from reliefkit.columnar._tables import ROW, RecordMaker, keyed, link_name, record_from, record_maker
from reliefkit.io._schema import SCHEMA
from reliefkit.models import Campaign, Queries, Record
from reliefkit.models._dataset import _GROUPINGS

if TYPE_CHECKING:
    import pyarrow as pa

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
        self.groups: dict[tuple[str, Any], tuple[Any, ...]] = {}
        self.rows: dict[str, tuple[Any, ...]] = {"campaign": (campaign,)}
        self.referrers: dict[str, tuple[tuple[str, str, str], ...]] = {}
        self.interned: dict[str, dict[int, Any]] = {}
        """Per table, the records fetched by row: one object per record."""
        self.hints: dict[str, frozenset[str]] = {}
        """Per id named by a fetched record, the tables the naming field may name."""
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
        if record_id in cache.by_id:
            record = cache.by_id[record_id]
            return None if record is None else type(record).table
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
    """Answers what the campaigns' caches want: each round, one query per table (one job
    on Spark) for everything asked of it, until nothing is left wanting.

    A round registers what is wanted as one relation, and each table wanted is read once:
    its rows that any campaign asked for by id, by a grouping's field, whole, or as
    referrers. An id asked for without its table (``get``) is looked for in the tables the
    fields naming it may name (``hints``: a reference names a record of one of them), and
    only where it is not there in every table. Rows are made records column by column
    where the source's load checks vouched for them (:class:`RecordMaker`), by their
    constructors otherwise, and a source of records hands back its own."""

    def __init__(
        self,
        backend: Backend,
        records: Mapping[str, list[Any]] | None = None,
        *,
        vouched: bool = False,
    ) -> None:
        self.backend = backend
        self.records = records
        self.vouched = vouched
        self.rounds = 0
        self.queries = 0
        self.built = 0
        """Records made from rows (not handed back by a source of records)."""
        self._makers: dict[str, RecordMaker | None] = {}

    def fill(self, caches: Mapping[str, Cache]) -> None:
        """Fetch what every cache wants, then what the fetched records name, until none is
        left wanting."""
        while any(c.wanting for c in caches.values()):
            self.rounds += 1
            self._round(caches)

    def _round(self, caches: Mapping[str, Cache]) -> None:
        asked = _Asked()
        for cid, cache in caches.items():
            asked.take(cid, cache)
        for table in asked.named - {"campaign"}:
            asked.tables.setdefault(table, _TableAsks()).ids = True
        if asked.referrers:
            for table, fields in _REFS.items():
                if fields:
                    asked.tables.setdefault(table, _TableAsks())
        name = "_wanted"
        self.backend.register(name, asked.relation())
        tables = [t for t, a in asked.tables.items() if t != "campaign"]
        queries = [_query(t, asked.tables[t], bool(asked.referrers), name) for t in tables]
        self.queries += len(queries)
        got = {
            t: self._records(caches, t, r) for t, r in zip(tables, self._run(queries), strict=True)
        }
        for table, found in got.items():
            asks = asked.tables[table]
            if asks.rows:
                whole = {cid: records for cid, _, records in found}
                for cid in asks.rows:
                    caches[cid].rows[table] = tuple(whole.get(cid, ()))
            if asks.groups:
                _settle_groups(caches, table, asks, found)
        if asked.referrers:
            _settle_referrers(caches, got, asked.referrers)
        for cid, record_id, narrowed in asked.ids:
            cache = caches[cid]
            if record_id in cache.by_id:
                continue
            if narrowed:  # not where its references said: look everywhere (next round)
                cache.want_ids[record_id] = ANY_TABLE
            else:
                cache.by_id[record_id] = None

    def _run(self, queries: list[str]) -> list[tuple[Any, int]]:
        """Each query's rows, column by column (Arrow on DuckDB), and how many."""
        from reliefkit.columnar._backend import DuckDB

        backend = self.backend
        if isinstance(backend, DuckDB):
            with backend._memory():
                tables = [backend.con.sql(sql).to_arrow_table() for sql in queries]
            return [(t, t.num_rows) for t in tables]
        out: list[tuple[Any, int]] = []
        for rows in backend.batch(queries):
            names = list(rows[0]) if rows else []
            out.append(({n: [r[n] for r in rows] for n in names}, len(rows)))
        return out

    def _records(self, caches: Mapping[str, Cache], table: str, result: tuple[Any, int]) -> Runs:
        """Each campaign's rows fetched and their records, in row order: a record already
        fetched is the same object, a new one is kept in its cache."""
        columns, size = result
        if size == 0:
            return []
        rows: list[int] = _pylist(columns[ROW])
        runs: Runs = []
        new: list[int] = []  # where the rows not fetched before are
        for cid, begin, end in _runs(columns["campaign_id"], size):
            cache = caches.get(cid)
            if cache is None:  # not asked for (a source numbering rows per campaign)
                continue
            held = cache.interned.setdefault(table, {})
            part = rows[begin:end]
            if held:
                found = list(map(held.get, part))
                new += (begin + i for i, r in enumerate(found) if r is None)
            else:
                found = [None] * (end - begin)
                new += range(begin, end)
            runs.append((cid, part, found))
        if new:
            made = self._make(table, columns, size, new, rows)
            self._keep(caches, table, runs, made)
        return runs

    def _keep(self, caches: Mapping[str, Cache], table: str, runs: Runs, made: list[Any]) -> None:
        """Put the records made in their places, and keep them in their campaigns' caches
        with the ids they name."""
        keyed_table = table in KEYED_TABLES and table != "campaign"
        hinted = _HINTS[table]
        taken = 0
        for cid, rows, records in runs:
            at = [i for i, r in enumerate(records) if r is None]
            if not at:
                continue
            mine = made[taken : taken + len(at)]
            taken += len(at)
            if len(at) == len(records):
                records[:] = mine
                cache_rows = rows
            else:
                for i, record in zip(at, mine, strict=True):
                    records[i] = record
                cache_rows = [rows[i] for i in at]
            cache = caches[cid]
            cache.interned[table].update(zip(cache_rows, mine, strict=True))
            if keyed_table:
                cache.by_id.update(zip(map(_ID, mine), mine, strict=True))
            hints = cache.hints
            for field, many, refs in hinted:
                values: Iterable[Any] = map(attrgetter(field), mine)
                if many:
                    values = chain.from_iterable(values)
                hints.update(zip(values, repeat(refs)))
            hints.pop(None, None)  # type: ignore[call-overload]

    def _make(
        self, table: str, columns: Any, size: int, new: list[int], rows: list[int]
    ) -> list[Any]:
        """The records of the rows at ``new``."""
        held = self.records
        if held is not None:
            return [held[table][rows[i]] for i in new]
        self.built += len(new)
        if self.vouched:
            if table not in self._makers:
                self._makers[table] = record_maker(table)
            maker = self._makers[table]
            if maker is not None:
                part = columns if len(new) == size else _take(columns, new)
                made = maker.build(part, len(new))
                if made is not None:
                    return made
        names = list(columns.keys()) if isinstance(columns, Mapping) else columns.column_names
        lists = {n: _pylist(columns[n]) for n in names}
        return [record_from(table, {n: lists[n][i] for n in names}) for i in new]


Runs = list[tuple[str, list[int], list[Any]]]
"""Per campaign (in the order fetched): its rows' places and their records."""

_ID = attrgetter("id")


def _runs(column: Any, size: int) -> list[tuple[str, int, int]]:
    """The runs of one campaign in a column of campaign ids sorted by campaign:
    ``(campaign id, first row, row after the last)``."""
    if isinstance(column, list):
        starts = [0, *(i for i in range(1, size) if column[i] != column[i - 1]), size]
        return [(column[b], b, e) for b, e in pairwise(starts)]
    import pyarrow.compute as pc

    encoded = pc.run_end_encode(column.combine_chunks())
    ends = encoded.run_ends.to_pylist()
    return list(zip(encoded.values.to_pylist(), [0, *ends[:-1]], ends, strict=True))


def _pylist(column: Any) -> list[Any]:
    return column if isinstance(column, list) else column.to_pylist()


def _take(columns: Any, rows: list[int]) -> Any:
    if isinstance(columns, Mapping):
        return {n: [v[i] for i in rows] for n, v in columns.items()}
    return columns.take(rows)


# Per table, the reference fields whose values name records of a few tables (not any):
# (field, is a list, those tables).
_HINTS: dict[str, tuple[tuple[str, bool, frozenset[str]], ...]] = {
    table: tuple(
        (field, many, frozenset(named))
        for field, many, named in fields
        if frozenset(named) != ANY_TABLE
    )
    for table, fields in _REFS.items()
}


class _TableAsks:
    """What a round asks of one table."""

    def __init__(self) -> None:
        self.rows: set[str] = set()
        self.ids = False
        self.groups: dict[str, list[tuple[str, str, Any]]] = {}
        """Per grouping's field: ``(campaign id, grouping, key)``."""


class _Asked:
    """What a round asks for, gathered from every cache (which it leaves wanting nothing)."""

    def __init__(self) -> None:
        self.tables: dict[str, _TableAsks] = {}
        self.wanted: list[tuple[str, str, str, str]] = []
        """``(campaign_id, tbl, field, k)``: the relation the round's queries read."""
        self.ids: list[tuple[str, str, bool]] = []
        """``(campaign id, id, looked for in fewer tables than all)``."""
        self.referrers: set[tuple[str, str]] = set()
        self.named: set[str] = set()
        """The tables some id is looked for in."""

    def _table(self, table: str) -> _TableAsks:
        found = self.tables.get(table)
        if found is None:
            found = self.tables[table] = _TableAsks()
        return found

    def take(self, cid: str, cache: Cache) -> None:
        wanted = self.wanted
        for table in cache.want_rows:
            self._table(table).rows.add(cid)
            wanted.append((cid, table, "*", ""))
        for name, key in cache.want_groups:
            table, field = GROUPINGS[name]
            self._table(table).groups.setdefault(field, []).append((cid, name, key))
            wanted.append((cid, table, field, str(key)))
        for record_id in cache.want_referrers:
            self.referrers.add((cid, record_id))
            wanted.append((cid, "", "^", record_id))
        hints, ids, named = cache.hints, self.ids, self.named
        for record_id, tables in cache.want_ids.items():
            if tables is ANY_TABLE:
                tables = hints.get(record_id, ANY_TABLE)
            ids.append((cid, record_id, tables is not ANY_TABLE))
            named.update(tables)
            wanted += ((cid, table, "id", record_id) for table in tables)
        cache.want_rows, cache.want_groups, cache.want_referrers = set(), set(), set()
        cache.want_ids = {}

    def relation(self) -> pa.Table:
        import pyarrow as pa

        columns = list(zip(*self.wanted, strict=True)) or [(), (), (), ()]
        names = ("campaign_id", "tbl", "field", "k")
        return pa.table({n: pa.array(c, pa.string()) for n, c in zip(names, columns, strict=True)})


def _query(table: str, asks: _TableAsks, referrers: bool, wanted: str) -> str:
    """One query reading every row of ``table`` the round asks for.

    Which rows is found over the columns that say it (a row's place, ``_row``, is unique
    in its table), and only those rows are read whole: most of a big table's columns are
    never read. Each way a row can be asked for is an ``EXISTS``, which the engines run
    as a semi-join on the wanted relation (DuckDB runs an ``OR`` of row-value ``IN``
    subqueries forty times slower)."""

    def asked(field: str, column: str | None = None, tbl: str = table) -> str:
        on = "" if column is None else f" AND w.k = {column}"
        return (
            f"EXISTS (SELECT 1 FROM {wanted} w WHERE w.campaign_id = t.campaign_id{on} "
            f"AND w.tbl = '{tbl}' AND w.field = '{field}')"
        )

    where = []
    if asks.rows:
        where.append(asked("*"))
    if asks.ids:
        where.append(asked("id", "t.id"))
    for field in asks.groups:
        where.append(asked(field, f't."{field}"'))
    if referrers:
        for field, many, _ in _REFS[table]:
            if many:
                where.append(
                    f'EXISTS (SELECT 1 FROM "{link_name(table, field)}" l JOIN {wanted} w '
                    "ON l.campaign_id = w.campaign_id AND l.item = w.k WHERE w.field = '^' "
                    "AND l.campaign_id = t.campaign_id AND l.id = t.id)"
                )
            else:
                where.append(asked("^", f't."{field}"', ""))
    return (
        f'SELECT t.* FROM "{table}" t WHERE t.{ROW} IN (SELECT t.{ROW} FROM "{table}" t '
        f"WHERE {' OR '.join(where)}) ORDER BY t.campaign_id, t.{ROW}"
    )


def _settle_groups(caches: Mapping[str, Cache], table: str, asks: _TableAsks, found: Runs) -> None:
    by_campaign = {cid: records for cid, _, records in found}
    for field, keys in asks.groups.items():
        get = attrgetter(field)
        grouped: dict[str, dict[str, list[Any]]] = {}
        for cid, name, key in keys:
            groups = grouped.get(cid)
            if groups is None:
                groups = grouped[cid] = {}
                for record in by_campaign.get(cid, ()):
                    value = get(record)
                    if value is not None:
                        groups.setdefault(str(value), []).append(record)
            caches[cid].groups[(name, key)] = tuple(groups.get(str(key), ()))


def _settle_referrers(
    caches: Mapping[str, Cache], got: Mapping[str, Runs], wanted: set[tuple[str, str]]
) -> None:
    order = {t: n for n, t in enumerate(SCHEMA)}
    found_all: defaultdict[tuple[str, str], list[tuple[Any, ...]]] = defaultdict(list)
    for table, found in got.items():
        fields = _REFS[table]
        for cid, rows, records in found:
            for row, record in zip(rows, records, strict=True):
                for position, (field, many, _) in enumerate(fields):
                    value = getattr(record, field)
                    if value is None:
                        continue
                    for item in dict.fromkeys(value) if many else (value,):
                        if (cid, item) in wanted:
                            found_all[(cid, item)].append(
                                (order[table], row, position, table, record.id, field)
                            )
    for cid, named in wanted:
        entries = sorted(found_all.get((cid, named), ()))
        caches[cid].referrers[named] = tuple((t, rid, f) for _, _, _, t, rid, f in entries)
