"""``Dataset``: every record of one campaign, with the look-ups rules need, built once."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import partial
from itertools import compress, count, islice, repeat
from operator import attrgetter, is_not, ne
from typing import Any, TypeVar

import attrs

from reliefkit._display import render_html
from reliefkit.exceptions import IntegrityError, InvalidValueError
from reliefkit.models._enums import ActivityKind, DonorKind
from reliefkit.models._records import (
    KEYED_TABLES,
    RECORD_TYPES,
    TABLES,
    Activity,
    Audit,
    Campaign,
    Department,
    Disbursement,
    Donation,
    Donor,
    ExitPlan,
    Fund,
    Household,
    Pairing,
    Person,
    Pledge,
    Project,
    Record,
    Solicitation,
    Township,
    Village,
    Waiver,
    WorkPlan,
    WorkTeam,
)

T = TypeVar("T")
_EMPTY: tuple[Any, ...] = ()

# (index name, table, field): "records of `table` grouped by `field`".
_GROUPINGS: tuple[tuple[str, str, str], ...] = (
    ("villages_by_township", "villages", "township_id"),
    ("households_by_village", "households", "village_id"),
    ("teams_by_village", "work_teams", "village_id"),
    ("exit_plans_by_village", "exit_plans", "village_id"),
    ("work_plans_by_township", "work_plans", "township_id"),
    ("activities_by_organizer", "activities", "organizer_id"),
    ("activities_by_kind", "activities", "kind"),
    ("activities_by_place", "activities", "township_id"),
    ("solicitations_by_target", "solicitations", "target_id"),
    ("solicitations_by_activity", "solicitations", "activity_id"),
    ("solicitations_by_organizer", "solicitations", "organizer_id"),
    ("donors_by_unit", "donors", "unit_id"),
    ("donations_by_fund", "donations", "fund_id"),
    ("disbursements_by_fund", "disbursements", "fund_id"),
    ("audits_by_fund", "audits", "fund_id"),
    ("pledges_by_project", "pledges", "project_id"),
    ("pairings_by_partner", "pairings", "partner_id"),
    ("people_by_unit", "people", "unit_id"),
    ("waivers_by_subject", "waivers", "subject_id"),
)

# Tables keyed by a synthetic key (see each record's ``id``): the grouping that holds a
# record's possible twins, the field a second one is reported on, and what is wrong with it.
_SECOND: dict[str, tuple[str, str, str]] = {
    "work_plans": ("work_plans_by_township", "township_id", "a second work plan"),
    "exit_plans": (
        "exit_plans_by_village",
        "adopted_on",
        "a second exit plan of this village on this day",
    ),
    "pairings": ("pairings_by_partner", "partner_id", "a second pairing of these two units"),
    "waivers": (
        "waivers_by_subject",
        "subject_id",
        "a second waiver of this code for this subject",
    ),
}


def _tuple_of(cls: type[Any]) -> Any:
    def convert(value: Iterable[Any]) -> tuple[Any, ...]:
        out = tuple(value)
        if all(map(isinstance, out, repeat(cls))):  # millions of records: checked in C
            return out
        record = next(r for r in out if not isinstance(r, cls))
        raise InvalidValueError(
            f"{cls.table}: expected {cls.__name__} records, got {type(record).__name__}"
        )

    return attrs.field(default=(), converter=convert, repr=lambda v: f"<{len(v)}>")


@attrs.frozen
class _Index:
    """Look-ups computed once per dataset; shared, never mutated after building.

    ``synthetic`` finds records of the tables without an id column by their key;
    ``refs`` lists, per id, the records that refer to it: ``(table, record id, field)``.
    """

    by_id: dict[str, Record]
    table_of: dict[str, str]
    groups: dict[str, dict[Any, tuple[Any, ...]]]
    pairs: frozenset[tuple[str, str]]
    synthetic: dict[str, tuple[str, Any]]
    refs: dict[str, tuple[tuple[str, str, str], ...]]


_EMPTY_INDEX = _Index({}, {}, {name: {} for name, _, _ in _GROUPINGS}, frozenset(), {}, {})


def _build_index(tables: Mapping[str, tuple[Any, ...]]) -> _Index:
    return _initial_index(tables)[0]


def _initial_index(tables: Mapping[str, tuple[Any, ...]]) -> tuple[_Index, list[Problem]]:
    """The index of a whole dataset and its integrity problems, in two passes over the
    records (ids first, then buckets and references).

    Builds what ``_changed_index`` builds from an empty index (first record of an id wins;
    buckets and referrers in record order) and lists, in this order, ids used twice (the
    campaign's included), references ``_reference_problems`` refuses, and second records of
    a synthetic key.
    """
    (campaign,) = tables["campaign"]
    campaign_id = campaign.id
    by_id: dict[str, Record] = {}
    table_of: dict[str, str] = {}
    synthetic: dict[str, tuple[str, Any]] = {}
    duplicates: list[Problem] = []
    seconds: dict[str, list[Problem]] = {}
    for table, records in tables.items():
        if table == "campaign":
            continue
        if table in _KEYED:
            for record in records:
                rid = record.id
                if rid in table_of:
                    used = "campaign" if rid == campaign_id else table_of[rid]
                    duplicates.append((table, rid, "id", rid, f"id already used in {used}"))
                else:
                    by_id[rid] = record
                    table_of[rid] = table
                    if rid == campaign_id:
                        duplicates.append((table, rid, "id", rid, "id already used in campaign"))
        else:
            keys: set[str] = set()
            found_second: list[Problem] = []
            second = _SECOND.get(table)
            for record in records:
                rid = record.id
                synthetic.setdefault(rid, (table, record))
                if second is not None:
                    if rid in keys:
                        field = second[1]
                        found_second.append(
                            (table, rid, field, _shown(getattr(record, field)), second[2])
                        )
                    keys.add(rid)
            seconds[table] = found_second
    # Buckets and referrers, table by table, a chunk of records at a time: a chunk's fields
    # are read once for its groupings and its references while its records are in cache.
    found_groups: dict[str, dict[Any, tuple[Any, ...]]] = {}
    referrers: dict[str, list[tuple[str, str, str]]] = {}
    bad_refs: list[Problem] = []
    find = table_of.get
    for table, records in tables.items():
        grouping = _GROUPINGS_OF.get(table, ())
        fields = _REF_FIELDS[table] if table != "campaign" else ()
        buckets: list[dict[Any, list[Any]]] = [{} for _ in grouping]
        for start in range(0, len(records) if grouping or fields else 0, _CHUNK):
            chunk = _Chunk(records[start : start + _CHUNK], _GETTERS[table])
            for (_, field), lists in zip(grouping, buckets, strict=True):
                _group(chunk, field, lists)
            if fields:
                _refer(table, chunk, find, campaign_id, referrers, bad_refs)
        for (name, _), lists in zip(grouping, buckets, strict=True):
            frozen: dict[Any, Any] = lists
            for value, bucket in lists.items():  # each list let go as its tuple is made
                frozen[value] = tuple(bucket)
            found_groups[name] = frozen
    groups = {name: found_groups.get(name, {}) for name, _, _ in _GROUPINGS}
    pairs = frozenset((p.department_id, p.partner_id) for p in tables.get("pairings", _EMPTY))
    refs: dict[str, Any] = referrers
    for target, entries in referrers.items():  # each list let go as its tuple is made
        refs[target] = tuple(entries)
    problems = duplicates + bad_refs
    for table in _SECOND:
        problems += seconds.get(table, ())
    return _Index(by_id, table_of, groups, pairs, synthetic, refs), problems


_CHUNK = 4096
_ID = attrgetter("id")
_NOT_NONE = partial(is_not, None)


class _Chunk:
    """Some of a table's records, with the fields the first index reads, read once."""

    __slots__ = ("_runs", "columns", "records")

    def __init__(
        self, records: Sequence[Any], getters: tuple[tuple[str, Callable[[Any], Any]], ...]
    ) -> None:
        self.records = records
        self.columns = {field: list(map(getter, records)) for field, getter in getters}
        self._runs: dict[str, list[tuple[Any, int, int]] | None] = {}

    def runs(self, field: str) -> list[tuple[Any, int, int]] | None:
        """``(value, start, end)`` of each run of records with one value of ``field`` (not
        ``None``), if the runs are long — records often come in the order of a field,
        households village by village; ``None`` if they are not."""
        if field not in self._runs:
            values = self.columns[field]
            size = len(values)
            starts = [0, *compress(count(1), map(ne, islice(values, 1, None), values))]
            found = None
            if len(starts) * 4 <= size:
                ends = [*starts[1:], size]
                found = [
                    (values[start], start, end)
                    for start, end in zip(starts, ends, strict=True)
                    if values[start] is not None
                ]
            self._runs[field] = found
        return self._runs[field]


def _group(chunk: _Chunk, field: str, buckets: dict[Any, list[Any]]) -> None:
    """Add a chunk's records to the buckets of their values of ``field`` (``None`` left
    out), in record order."""
    records = chunk.records
    runs = chunk.runs(field)
    if runs is not None:
        for value, start, end in runs:
            bucket = buckets.get(value)
            if bucket is None:
                buckets[value] = list(records[start:end])
            else:
                bucket += records[start:end]
        return
    last = bucket = None
    values = chunk.columns[field]
    for value, record in compress(zip(values, records, strict=True), map(_NOT_NONE, values)):
        if value is not last:  # records often come in runs of one value
            bucket = buckets.get(value)
            if bucket is None:
                bucket = buckets[value] = []
            last = value
        bucket.append(record)  # type: ignore[union-attr]


def _refer(
    table: str,
    chunk: _Chunk,
    find: Callable[[str], str | None],
    campaign_id: str,
    referrers: dict[str, list[tuple[str, str, str]]],
    bad_refs: list[Problem],
) -> None:
    """Add the referrers of a chunk of ``table``'s records, and the problems of their
    references, in record order (a record's fields in their order)."""
    fields = _REF_FIELDS[table]
    walk = _fields_to_walk(table, chunk, find, campaign_id)
    if walk is not None:
        # Every reference names a record of a table it may name, and no record is named
        # by two fields: entries go field by field, in the same order as record by record.
        rids = list(map(_ID, chunk.records))
        for name in walk:
            runs = chunk.runs(name)
            if runs is not None:
                for value, start, end in runs:
                    entries = zip(repeat(table), rids[start:end], repeat(name))
                    listed = referrers.get(value)
                    if listed is None:
                        referrers[value] = list(entries)
                    else:
                        listed += entries
                continue
            last = listed = None
            values = chunk.columns[name]
            for value, rid in compress(zip(values, rids, strict=True), map(_NOT_NONE, values)):
                if value is not last:
                    listed = referrers.get(value)
                    if listed is None:
                        listed = referrers[value] = []
                    last = value
                listed.append((table, rid, name))  # type: ignore[union-attr]
        return
    for record in chunk.records:
        rid = record.id
        for name, allowed in fields:
            value = getattr(record, name)
            if value is None:
                continue
            entry = (table, rid, name)
            items = value if isinstance(value, tuple) else (value,)
            for item in items:
                if item is None:
                    continue
                found = "campaign" if item == campaign_id else find(item)
                if found is None or ("*" not in allowed and found not in allowed):
                    wanted = "any record" if "*" in allowed else " or ".join(allowed)
                    what = "unknown id" if found is None else f"an id of {found}"
                    bad_refs.append((table, rid, name, item, f"{what}; expected an id of {wanted}"))
            for item in dict.fromkeys(items) if len(items) > 1 else items:
                if item is not None:
                    listed = referrers.get(item)
                    if listed is None:
                        referrers[item] = [entry]
                    else:
                        listed.append(entry)


def _fields_to_walk(
    table: str,
    chunk: _Chunk,
    find: Callable[[str], str | None],
    campaign_id: str,
) -> list[str] | None:
    """The reference fields of a chunk of ``table``'s records that name something, if every
    reference names a record of a table it may name (the campaign is none), every list of
    ids is empty and no record is named by two fields; ``None`` otherwise."""
    walk: list[str] = []
    named: list[list[Any]] = []
    found_in: list[set[str | None]] = []
    campaign_taken = find(campaign_id) is not None  # else the campaign's id is found nowhere
    for name, allowed in _REF_FIELDS[table]:
        values = chunk.columns[name]
        if (table, name) in _LIST_REFS:
            if any(values):  # a list that names records: record by record
                return None
            continue
        runs = chunk.runs(name)  # each value once a run, if they come in runs
        present = [v for v, _, _ in runs] if runs is not None else list(filter(_NOT_NONE, values))
        if not present:
            continue
        if campaign_taken and campaign_id in present:
            return None
        found = set(map(find, present))  # a tuple is found nowhere
        if None in found or ("*" not in allowed and not found.issubset(allowed)):
            return None
        walk.append(name)
        named.append(present)
        found_in.append(found)
    # Fields naming records of different tables name different records (an id is in one
    # table); otherwise compare what they name.
    tables_named: set[str | None] = set()
    for found in found_in:
        if not tables_named.isdisjoint(found):
            break
        tables_named |= found
    else:
        return walk
    records_named: set[Any] = set()
    for present in named:
        targets = set(present)
        if not records_named.isdisjoint(targets):
            return None
        records_named |= targets
    return walk


def _references(table: str, record: Any) -> Iterator[tuple[str, str]]:
    """``(field, id)`` for every id a record refers to (list fields included)."""
    for name, _ in _REF_FIELDS[table]:
        value = getattr(record, name)
        for item in dict.fromkeys(value) if isinstance(value, tuple) else (value,):
            if item is not None:
                yield name, item


def _changed_index(
    index: _Index, removed: Mapping[str, list[Any]], added: Mapping[str, list[Any]]
) -> _Index:
    """``index`` without the ``removed`` records and with the ``added`` ones, by table.

    Copies only the look-ups the change touches (a bucket keeps its order; a record replaced
    by one with the same grouping value keeps its place in the bucket).
    """
    tables = set(removed) | set(added)
    by_id, table_of, synthetic = index.by_id, index.table_of, index.synthetic
    if tables & _KEYED:
        by_id, table_of = dict(by_id), dict(table_of)
    if tables - _KEYED:
        synthetic = dict(synthetic)
    for table, records in removed.items():
        for record in records:
            rid: str = record.id
            if table in _KEYED:
                if by_id.get(rid) is record:
                    del by_id[rid]
                    del table_of[rid]
            elif rid in synthetic and synthetic[rid][1] is record:
                del synthetic[rid]
    for table, records in added.items():
        for record in records:
            if table in _KEYED:
                by_id.setdefault(record.id, record)
                table_of.setdefault(record.id, table)
            else:
                synthetic.setdefault(record.id, (table, record))
    groups = index.groups
    touched = [g for g in _GROUPINGS if g[1] in tables]
    if touched:
        groups = dict(groups)
        for name, table, field in touched:
            bucket = dict(groups[name])
            olds = removed.get(table, ())
            news = list(added.get(table, ()))
            # A replacement with the same grouping value takes the old record's place.
            same = {
                id(old): new
                for old, new in zip(olds, news, strict=False)
                if getattr(old, field) == getattr(new, field) and old.id == new.id
            }
            placed = set(map(id, same.values()))
            for old in olds:
                value = getattr(old, field)
                if value is None or value not in bucket:
                    continue
                if id(old) in same:
                    bucket[value] = tuple(same[id(old)] if r is old else r for r in bucket[value])
                else:
                    kept = tuple(r for r in bucket[value] if r is not old)
                    if kept:
                        bucket[value] = kept
                    else:
                        del bucket[value]
            for new in news:
                value = getattr(new, field)
                if value is not None and id(new) not in placed:
                    bucket[value] = (*bucket.get(value, _EMPTY), new)
            groups[name] = bucket
    pairs = index.pairs
    if "pairings" in tables:
        pairs = (pairs - {(p.department_id, p.partner_id) for p in removed.get("pairings", ())}) | {
            (p.department_id, p.partner_id) for p in added.get("pairings", ())
        }
    refs = index.refs
    if any(_REF_FIELDS.get(t) for t in tables):
        refs = dict(refs)
        for table, records in removed.items():
            for record in records:
                for name, target in _references(table, record):
                    entry = (table, record.id, name)
                    kept_refs = tuple(e for e in refs.get(target, ()) if e != entry)
                    if kept_refs:
                        refs[target] = kept_refs
                    else:
                        refs.pop(target, None)
        for table, records in added.items():
            for record in records:
                for name, target in _references(table, record):
                    refs[target] = (*refs.get(target, ()), (table, record.id, name))
    return _Index(by_id, table_of, groups, pairs, synthetic, refs)


Problem = tuple[str, str, str, str, str]


_REF_FIELDS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    table: tuple((a.name, a.metadata["refs"]) for a in attrs.fields(cls) if a.metadata.get("refs"))
    for table, cls in TABLES.items()
}
"""The reference fields of each table, with the tables they may name."""

_GETTERS: dict[str, tuple[tuple[str, Callable[[Any], Any]], ...]] = {
    table: tuple(
        (field, attrgetter(field))
        for field in dict.fromkeys(
            [f for _, t, f in _GROUPINGS if t == table]
            + [f for f, _ in (_REF_FIELDS[table] if table != "campaign" else ())]
        )
    )
    for table in TABLES
}
"""The fields of each table that the first index reads: groupings' and references'."""

_LIST_REFS = frozenset(
    (table, a.name)
    for table, cls in TABLES.items()
    for a in attrs.fields(cls)
    if a.metadata.get("refs") and a.metadata.get("cell") == "ids"
)
"""The reference fields that hold a tuple of ids."""


def _reference_problems(
    by_table: Mapping[str, Iterable[Any]], table_of: Callable[[str], str | None]
) -> list[Problem]:
    """Every reference of ``by_table`` that names no record, or a record of the wrong table."""
    problems: list[Problem] = []
    for table, records in by_table.items():
        ref_fields = _REF_FIELDS[table]
        for record in records:
            for name, refs in ref_fields:
                value = getattr(record, name)
                for item in value if isinstance(value, tuple) else (value,):
                    if item is None:
                        continue
                    found = table_of(item)
                    if found is None or ("*" not in refs and found not in refs):
                        wanted = "any record" if "*" in refs else " or ".join(refs)
                        what = "unknown id" if found is None else f"an id of {found}"
                        problems.append(
                            (table, record.id, name, item, f"{what}; expected an id of {wanted}")
                        )
    return problems


def _shown(value: Any) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


class Queries:
    """The query protocol rules judge through: :class:`Dataset` and :class:`Overlay` both
    satisfy it. Built on five primitives: ``get``, ``table_of``, ``group``, ``is_paired``
    and ``rows``."""

    campaign: Campaign

    def rows(self, table: str) -> tuple[Any, ...]:  # pragma: no cover - abstract
        """Every record of one table (``"solicitations"``, …)."""
        raise NotImplementedError

    def has_group(self, name: str, key: Any) -> bool:
        """Whether a grouping index holds any record under ``key`` (without gathering them)."""
        return bool(self.group(name, key))

    def find(self, table: str, record_id: str) -> Any:  # pragma: no cover - abstract
        """The record of ``table`` with this id (or key, for tables without an id column)."""
        raise NotImplementedError

    def referrers(self, record_id: str) -> tuple[tuple[str, str, str], ...]:  # pragma: no cover
        """The records referring to an id: ``(table, record id, field)``."""
        raise NotImplementedError

    def get(self, record_id: str | None) -> Record | None:  # pragma: no cover - abstract
        raise NotImplementedError

    def table_of(self, record_id: str | None) -> str | None:  # pragma: no cover - abstract
        raise NotImplementedError

    def group(self, name: str, key: Any) -> tuple[Any, ...]:  # pragma: no cover - abstract
        raise NotImplementedError

    def is_paired(self, department_id: str, partner_id: str) -> bool:  # pragma: no cover
        raise NotImplementedError

    def villages_in(self, township_id: str) -> tuple[Village, ...]:
        """Villages of a township."""
        return self.group("villages_by_township", township_id)

    def households_in(self, village_id: str) -> tuple[Household, ...]:
        """Households of a village."""
        return self.group("households_by_village", village_id)

    def teams_in(self, village_id: str) -> tuple[WorkTeam, ...]:
        """Work teams stationed in a village."""
        return self.group("teams_by_village", village_id)

    def exit_plans_of(self, village_id: str) -> tuple[ExitPlan, ...]:
        """Exit plans of a village."""
        return self.group("exit_plans_by_village", village_id)

    def work_plans_of(self, township_id: str) -> tuple[WorkPlan, ...]:
        """Work plans of a township."""
        return self.group("work_plans_by_township", township_id)

    def activities_of_kind(self, kind: ActivityKind) -> tuple[Activity, ...]:
        """Activities of one kind."""
        return self.group("activities_by_kind", kind)

    def activities_by(self, organizer_id: str) -> tuple[Activity, ...]:
        """Activities organised by a unit."""
        return self.group("activities_by_organizer", organizer_id)

    def solicitations_of(self, target_id: str) -> tuple[Solicitation, ...]:
        """Solicitations whose ``target_id`` is exactly this id."""
        return self.group("solicitations_by_target", target_id)

    def donors_of_unit(self, unit_id: str) -> tuple[Donor, ...]:
        """Donors that name this unit."""
        return self.group("donors_by_unit", unit_id)

    def donations_to(self, fund_id: str) -> tuple[Donation, ...]:
        """Donations into a fund."""
        return self.group("donations_by_fund", fund_id)

    def disbursements_from(self, fund_id: str) -> tuple[Disbursement, ...]:
        """Disbursements out of a fund."""
        return self.group("disbursements_by_fund", fund_id)

    def audits_of(self, fund_id: str) -> tuple[Audit, ...]:
        """Audits of a fund."""
        return self.group("audits_by_fund", fund_id)

    def donor_unit(self, donor: Donor) -> str | None:
        """The unit a donor stands for: a cadre or unit donor with a ``unit_id``."""
        if donor.kind in (DonorKind.CADRE, DonorKind.UNIT):
            return donor.unit_id
        return None


@attrs.frozen(eq=False)
class Dataset(Queries):
    """All records of one campaign, with indexes built once.

    Build one with :meth:`build` or :meth:`from_records`; ``add`` returns a new dataset that
    shares the records and index buckets it does not change.
    """

    campaign: Campaign
    townships: tuple[Township, ...] = _tuple_of(Township)
    departments: tuple[Department, ...] = _tuple_of(Department)
    people: tuple[Person, ...] = _tuple_of(Person)
    villages: tuple[Village, ...] = _tuple_of(Village)
    households: tuple[Household, ...] = _tuple_of(Household)
    pairings: tuple[Pairing, ...] = _tuple_of(Pairing)
    work_teams: tuple[WorkTeam, ...] = _tuple_of(WorkTeam)
    exit_plans: tuple[ExitPlan, ...] = _tuple_of(ExitPlan)
    work_plans: tuple[WorkPlan, ...] = _tuple_of(WorkPlan)
    activities: tuple[Activity, ...] = _tuple_of(Activity)
    solicitations: tuple[Solicitation, ...] = _tuple_of(Solicitation)
    donors: tuple[Donor, ...] = _tuple_of(Donor)
    projects: tuple[Project, ...] = _tuple_of(Project)
    pledges: tuple[Pledge, ...] = _tuple_of(Pledge)
    funds: tuple[Fund, ...] = _tuple_of(Fund)
    donations: tuple[Donation, ...] = _tuple_of(Donation)
    disbursements: tuple[Disbursement, ...] = _tuple_of(Disbursement)
    audits: tuple[Audit, ...] = _tuple_of(Audit)
    waivers: tuple[Waiver, ...] = _tuple_of(Waiver)
    _index: _Index = attrs.field(
        default=attrs.Factory(lambda self: _build_index(self.tables()), takes_self=True),
        repr=False,
        alias="_index",
    )

    # ---- construction -------------------------------------------------------------------
    @classmethod
    def build(cls, campaign: Campaign, **tables: Iterable[Any]) -> Dataset:
        """Build a dataset, checking that every reference names a record of the right type.

        Raises :class:`~reliefkit.exceptions.IntegrityError` listing every dangling or
        duplicate id at once.
        """
        unknown = set(tables) - set(TABLES)
        if unknown:
            raise InvalidValueError(f"tables={sorted(unknown)!r}: no such table")
        dataset = cls(
            campaign,
            **{k: tuple(v) for k, v in tables.items()},
            _index=_EMPTY_INDEX,
        )
        # The converters have checked the tables; index and check them in one pass.
        index, problems = _initial_index(dataset.tables())
        if problems:
            raise IntegrityError(problems)
        # Still under construction (not yet returned): a frozen class allows this.
        object.__setattr__(dataset, "_index", index)
        return dataset

    @classmethod
    def from_records(cls, records: Iterable[Record]) -> Dataset:
        """Build a dataset from records of any types; exactly one must be a ``Campaign``."""
        tables: dict[str, list[Any]] = {t: [] for t in TABLES}
        for record in records:
            table = getattr(type(record), "table", None)
            if table not in tables:
                raise InvalidValueError(f"record={record!r}: not a reliefkit record")
            tables[table].append(record)
        campaigns = tables.pop("campaign")
        if len(campaigns) != 1:
            raise InvalidValueError(f"campaign: expected exactly one, got {len(campaigns)}")
        return cls.build(campaigns[0], **tables)

    def add(self, *records: Record) -> Dataset:
        """A new dataset with ``records`` added; unchanged tables and buckets are shared.

        The new records are checked for integrity against the whole dataset. Adding a record
        identical to the one stored under its id is a no-op (a retried request); a different
        record under an existing id is an :class:`~reliefkit.exceptions.IntegrityError` that
        says to use :meth:`replace`.
        """
        by_table, problems = new_records(self, records)
        if problems:
            raise IntegrityError(problems)
        if not by_table:
            return self
        changes = {t: getattr(self, t) + tuple(rs) for t, rs in by_table.items()}
        index = _changed_index(self._index, {}, by_table)
        new = attrs.evolve(self, _index=index, **changes)
        problems = added_problems(new, by_table)
        if problems:
            raise IntegrityError(problems)
        return new

    def replace(self, *records: Record) -> Dataset:
        """A new dataset where each record takes the place of the stored one with its id.

        Same integrity guarantees as :meth:`add`: every record must replace one of its own
        table, and its references must name records of the right tables. The campaign record
        cannot be replaced (its dates decide which law applies: load a new campaign instead).
        """
        olds, news, problems = replacements(self, records)
        if problems:
            raise IntegrityError(problems)
        if not news:
            return self
        swap = {
            id(old): new
            for table in olds
            for old, new in zip(olds[table], news[table], strict=True)
        }
        changes: dict[str, Any] = {
            t: tuple(swap.get(id(r), r) for r in getattr(self, t)) for t in news
        }
        index = _changed_index(self._index, olds, news)
        new = attrs.evolve(self, _index=index, **changes)
        problems = _reference_problems(news, new.table_of)
        if problems:
            raise IntegrityError(problems)
        return new

    def remove(self, *ids: str) -> Dataset:
        """A new dataset without the records with these ids (ids of records without an id
        column are their keys, as ``record.id`` gives them).

        Removing a record that others refer to is an
        :class:`~reliefkit.exceptions.IntegrityError` naming the referrers, unless they are
        removed in the same call.
        """
        olds, problems = removals(self, ids)
        if problems:
            raise IntegrityError(problems)
        if not olds:
            return self
        gone = {id(r) for rs in olds.values() for r in rs}
        changes: dict[str, Any] = {
            t: tuple(r for r in getattr(self, t) if id(r) not in gone) for t in olds
        }
        index = _changed_index(self._index, olds, {})
        return attrs.evolve(self, _index=index, **changes)

    def referrers(self, record_id: str) -> tuple[tuple[str, str, str], ...]:
        """The records referring to an id: ``(table, record id, field)``, list fields too."""
        return self._index.refs.get(record_id, ())

    def find(self, table: str, record_id: str) -> Any:
        """The record of ``table`` with this id (or key, for tables without an id column)."""
        if table in _KEYED:
            return self.get(record_id) if self.table_of(record_id) == table else None
        found = self._index.synthetic.get(record_id)
        return found[1] if found is not None and found[0] == table else None

    # ---- access -------------------------------------------------------------------------
    def tables(self) -> dict[str, tuple[Any, ...]]:
        """Every table by name (``campaign`` holds a one-tuple)."""
        out: dict[str, tuple[Any, ...]] = {"campaign": (self.campaign,)}
        for cls in RECORD_TYPES[1:]:
            out[cls.table] = getattr(self, cls.table)
        return out

    def records(self) -> Iterator[Record]:
        """Every record, table by table in the format's order."""
        for rows in self.tables().values():
            yield from rows

    def _repr_html_(self) -> str:
        return render_html(self)

    def __len__(self) -> int:
        return sum(len(rows) for rows in self.tables().values())

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Dataset):
            return NotImplemented
        return self.tables() == other.tables()

    def __hash__(self) -> int:
        return hash(tuple(self.tables().items()))

    def rows(self, table: str) -> tuple[Any, ...]:
        """Every record of one table (``"solicitations"``, …)."""
        if table == "campaign":
            return (self.campaign,)
        return getattr(self, table)  # type: ignore[no-any-return]

    def get(self, record_id: str | None) -> Record | None:
        """The record with this id, or ``None``."""
        if record_id is None:
            return None
        return self._index.by_id.get(record_id)

    def table_of(self, record_id: str | None) -> str | None:
        """The table (``townships``, ``donors``, …) holding this id, or ``None``."""
        if record_id is None:
            return None
        return self._index.table_of.get(record_id)

    def group(self, name: str, key: Any) -> tuple[Any, ...]:
        """Records of a grouping index (see ``GROUPINGS``) under ``key``."""
        return self._index.groups[name].get(key, _EMPTY)

    def has_group(self, name: str, key: Any) -> bool:
        """Whether a grouping index holds any record under ``key``."""
        return key in self._index.groups[name]

    def is_paired(self, department_id: str, partner_id: str) -> bool:
        """Whether an official pairing joins the department and the partner."""
        return (department_id, partner_id) in self._index.pairs

    def overlay(
        self, *records: Record, replace: Iterable[Record] = (), remove: Iterable[str] = ()
    ) -> Overlay:
        """A read-only view of this dataset changed by ``records`` added, ``replace``
        records taking the place of stored ones and ``remove`` ids, copying nothing.

        What ``admit`` judges: look-ups cost the dataset's plus the few changed records'.
        """
        return Overlay(self, records, replace=replace, remove=remove)

    def change(
        self,
        records: Iterable[Record] = (),
        *,
        replace: Iterable[Record] = (),
        remove: Iterable[str] = (),
    ) -> Dataset:
        """This dataset with a change applied as one unit: replacements first, then
        removals, then additions (what ``admit`` judges with the same arguments)."""
        return self.replace(*replace).remove(*remove).add(*records)

    def group_keys(self, name: str) -> Iterable[Any]:
        """Keys present in a grouping index."""
        return self._index.groups[name].keys()

    def to_frames(self, *, backend: str = "pandas") -> dict[str, Any]:
        """One DataFrame per table (``pandas`` or ``polars``); personal data masked."""
        from reliefkit.models._frames import dataset_frames

        return dataset_frames(self, backend=backend)


def _table_of_record(record: Any) -> str:
    table = getattr(type(record), "table", None)
    if table is None or table == "campaign":
        raise InvalidValueError(f"record={record!r}: cannot be added to a dataset")
    return str(table)


def new_records(
    view: Queries, records: Iterable[Record]
) -> tuple[dict[str, list[Any]], list[Problem]]:
    """The records to add, by table, leaving out those identical to the stored ones (a
    retried request); a different record under an existing id is a problem."""
    by_table: dict[str, list[Any]] = defaultdict(list)
    problems: list[Problem] = []
    for record in records:
        table = _table_of_record(record)
        # A keyed id is unique across the keyed tables; a key only within its table.
        stored = view.get(record.id) if table in _KEYED else view.find(table, record.id)
        if stored is not None:
            if stored == record:
                continue
            where = view.table_of(record.id) if table in _KEYED else table
            problems.append(
                (
                    table,
                    record.id,
                    "id",
                    record.id,
                    f"id already used in {where} by a different record; use Dataset.replace "
                    "to change it",
                )
            )
            continue
        by_table[table].append(record)
    return dict(by_table), problems


def replacements(
    view: Queries, records: Iterable[Record]
) -> tuple[dict[str, list[Any]], dict[str, list[Any]], list[Problem]]:
    """The stored records and their replacements, by table, and what is wrong."""
    olds: dict[str, list[Any]] = defaultdict(list)
    news: dict[str, list[Any]] = defaultdict(list)
    problems: list[Problem] = []
    seen: set[str] = set()
    for record in records:
        table = getattr(type(record), "table", None)
        if table == "campaign":
            raise InvalidValueError(
                "Campaign: the campaign record cannot be replaced (its dates decide which law "
                "applies); load or build a dataset for the corrected campaign instead"
            )
        table = _table_of_record(record)
        stored = view.find(table, record.id)
        if record.id in seen:
            problems.append((table, record.id, "id", record.id, "replaced twice in one call"))
        elif stored is None:
            problems.append(
                (
                    table,
                    record.id,
                    "id",
                    record.id,
                    "no record of this table has this id to replace; use Dataset.add",
                )
            )
        elif stored != record:
            olds[table].append(stored)
            news[table].append(record)
        seen.add(record.id)
    return dict(olds), dict(news), problems


def removals(
    view: Queries, ids: Iterable[str], *, check_referrers: bool = True
) -> tuple[dict[str, list[Any]], list[Problem]]:
    """The stored records with these ids, by table, and what is wrong (unknown ids, records
    still referred to by records not removed with them)."""
    olds: dict[str, list[Any]] = defaultdict(list)
    problems: list[Problem] = []
    wanted = list(dict.fromkeys(ids))
    found: dict[str, tuple[str, Any]] = {}
    for record_id in wanted:
        if not isinstance(record_id, str):
            raise InvalidValueError(
                f"ids: {record_id!r} is not a record id (pass ids, not records)"
            )
        table = view.table_of(record_id)
        record = view.get(record_id) if table else None
        if record is None:
            table, record = next(
                ((t, r) for t in _SECOND if (r := view.find(t, record_id)) is not None),
                (None, None),
            )
        if record is None or table is None:
            problems.append(("records", record_id, "id", record_id, "no record has this id"))
            continue
        found[record_id] = (table, record)
        olds[table].append(record)
    for record_id in found if check_referrers else ():
        for table, referrer, field in view.referrers(record_id):
            if referrer not in found:
                problems.append(
                    (
                        table,
                        referrer,
                        field,
                        record_id,
                        "refers to a record being removed; remove or replace this record too",
                    )
                )
    return dict(olds), problems


def added_problems(view: Queries, by_table: Mapping[str, list[Any]]) -> list[Problem]:
    """Integrity problems of newly added records only (the rest was checked before).

    ``view`` holds the records already (a new :class:`Dataset`, or an :class:`Overlay`):
    ``Dataset.add`` and ``admit`` share this, so both refuse the same records alike.
    """
    problems: list[Problem] = [
        (table, r.id, "id", r.id, "id already used")
        for table, records in by_table.items()
        if table in _KEYED
        for r in records
        if view.get(r.id) is not r
    ]
    for table in by_table.keys() & _SECOND.keys():
        grouping, field, what = _SECOND[table]
        for r in by_table[table]:
            value = getattr(r, _GROUP_FIELD[grouping])
            first = next(s for s in view.group(grouping, value) if s.id == r.id)
            if first is not r:
                problems.append((table, r.id, field, _shown(getattr(r, field)), what))
    return problems + _reference_problems(by_table, view.table_of)


_KEYED = frozenset(KEYED_TABLES)
_GROUP_FIELD = {name: field for name, _, field in _GROUPINGS}
_GROUPING_TABLE = {name: table for name, table, _ in _GROUPINGS}
_SCANNED = 4
"""Up to this many changed records, an overlay finds their references by looking."""
_REF_CHECKS: dict[str, tuple[tuple[str, frozenset[str] | None], ...]] = {
    table: tuple((name, None if "*" in refs else frozenset(refs)) for name, refs in fields)
    for table, fields in _REF_FIELDS.items()
}
"""``_REF_FIELDS`` for a quick check: the tables a field may name (``None``: any)."""
_GROUPINGS_OF: dict[str, tuple[tuple[str, str], ...]] = {
    table: tuple((name, field) for name, t, field in _GROUPINGS if t == table)
    for table in {t for _, t, _ in _GROUPINGS}
}


class Overlay(Queries):
    """A dataset changed by a few records — added, replacing stored ones, or removed —
    layered over it: nothing of the base is copied.

    What ``admit`` judges. The change is checked as ``Dataset.change`` checks it, so a
    change the overlay accepts is one the dataset accepts, and the other way round.
    """

    def __init__(
        self,
        base: Dataset,
        records: Iterable[Record] = (),
        *,
        replace: Iterable[Record] = (),
        remove: Iterable[str] = (),
    ) -> None:
        self.base = base
        self.campaign = base.campaign
        # What queries computed on this view (ledgers): it lives and dies with the view,
        # which exists for one decision, so it can never be served stale.
        self.scratch: dict[str, Any] = {}
        # The base's look-ups, read directly: every query of a rule goes through them.
        index = base._index
        self._base_by_id, self._base_table_of = index.by_id, index.table_of
        self._base_groups, self._base_refs = index.groups, index.refs
        if not (replace or remove):
            records = records if isinstance(records, tuple) else tuple(records)
            if len(records) == 1:  # the common case: one record added
                self._add_one(records[0])
                return
        self._by_id: dict[str, Record] = {}
        self._table_of: dict[str, str] = {}
        news: dict[str, list[Any]] = {}
        problems: list[Problem] = []
        if replace or remove:
            self._change(replace, remove, news, problems)
        records = tuple(records)
        self.added: tuple[Record, ...] = ()
        if records:  # (nothing added has nothing to check)
            added, add_problems = new_records(self, records)
            problems += add_problems
            self.added = tuple(r for rs in added.values() for r in rs)
            for record in self.added:
                self._place(record)
            problems += added_problems(self, added)
        if news:
            problems += _reference_problems(news, self.table_of)
        for record in self.removed:
            for table, referrer, field in self.referrers(record.id):
                problems.append(
                    (
                        table,
                        referrer,
                        field,
                        record.id,
                        "refers to a record being removed; remove or replace this record too",
                    )
                )
        if problems:
            raise IntegrityError(problems)

    # What a plain addition (the common case) leaves as it is: nothing of the base is hidden.
    replaced: tuple[tuple[Any, Any], ...] = ()
    removed: tuple[Any, ...] = ()
    _gone: frozenset[int] = frozenset()
    _gone_keys: frozenset[tuple[str, str]] = frozenset()
    _removed_ids: frozenset[str] = frozenset()
    _gone_tables: frozenset[str] = frozenset()
    _gone_pairs: frozenset[tuple[str, str]] = frozenset()
    _synthetic: dict[str, tuple[str, Any]] = {}  # noqa: RUF012 - replaced per instance on write
    _pairs: frozenset[tuple[str, str]] | set[tuple[str, str]] = frozenset()
    _refs: dict[str, list[tuple[str, str, str]]] | None = None
    _by_table: dict[str, tuple[Any, ...]] | None = None
    # The changed records' buckets, per grouping, made by its first query (most decisions
    # ask few): ``_place`` drops them, so they always hold every record placed.
    _groups: dict[str, dict[Any, list[Any]] | None] | None = None
    _filtered: dict[tuple[str, Any], tuple[Any, ...]] = {}  # noqa: RUF012 - set per change

    def _add_one(self, record: Record) -> None:
        """Take in one added record, checked exactly as ``new_records`` and
        ``added_problems`` check it (nothing else changes, so the view is the base's)."""
        table = getattr(type(record), "table", None)
        if table is None or table == "campaign":
            table = _table_of_record(record)  # raises, naming the record
        rid = record.id
        keyed = table in _KEYED
        stored = self._base_by_id.get(rid) if keyed else self.base.find(table, rid)
        if stored is not None:
            if stored == record:  # a retried request: nothing changes
                self.added = ()
                self._by_id, self._table_of = {}, {}
                return
            where = self._base_table_of.get(rid) if keyed else table
            raise IntegrityError(
                [
                    (
                        table,
                        rid,
                        "id",
                        rid,
                        f"id already used in {where} by a different record; use "
                        "Dataset.replace to change it",
                    )
                ]
            )
        self.added = (record,)
        if keyed:
            self._by_id, self._table_of = {rid: record}, {rid: table}
            if not self._references_hold(table, record):
                problems = _reference_problems({table: (record,)}, self.table_of)
                if problems:
                    raise IntegrityError(problems)
            return
        self._by_id, self._table_of = {}, {}
        self._place(record)
        problems = added_problems(self, {table: [record]})
        if problems:
            raise IntegrityError(problems)

    def _references_hold(self, table: str, record: Any) -> bool:
        """Whether each reference of the one record added (and placed, nothing else
        changed) names a record of a table it may name; ``False`` when one does not, and
        ``_reference_problems`` then says what is wrong."""
        rid, base_table_of = record.id, self._base_table_of
        for name, refs in _REF_CHECKS[table]:
            value = getattr(record, name)
            if value is None:
                continue
            for item in value if type(value) is tuple else (value,):
                if item is None:
                    continue
                # As table_of answers with only this record placed.
                found = table if item == rid else base_table_of.get(item)
                if found is None or (refs is not None and found not in refs):
                    return False
        return True

    def _change(
        self,
        replace: Iterable[Record],
        remove: Iterable[str],
        news: dict[str, list[Any]],
        problems: list[Problem],
    ) -> None:
        """Take in replacements and removals (a change that is not only additions)."""
        base = self.base
        replace, remove = tuple(replace), tuple(remove)
        olds: dict[str, list[Any]] = {}
        gone: dict[str, list[Any]] = {}
        if replace:
            olds, found, replace_problems = replacements(base, replace)
            news.update(found)
            problems += replace_problems
        if remove:
            gone, removal_problems = removals(base, remove, check_referrers=False)
            problems += removal_problems
        self._filtered = {}
        self.replaced = tuple(pair for t in olds for pair in zip(olds[t], news[t], strict=True))
        self.removed = tuple(r for rs in gone.values() for r in rs)
        if self.replaced or self.removed:
            olds_all = (*self.removed, *(old for old, _ in self.replaced))
            keys: list[tuple[str, str]] = []
            pairs: list[tuple[str, str]] = []
            for r in olds_all:
                keys.append((type(r).table, r.id))
                if isinstance(r, Pairing):
                    pairs.append((r.department_id, r.partner_id))
            self._gone: frozenset[int] = frozenset(map(id, olds_all))
            self._gone_keys: frozenset[tuple[str, str]] = frozenset(keys)
            self._removed_ids: frozenset[str] = frozenset([r.id for r in self.removed])
            self._gone_tables: frozenset[str] = frozenset([table for table, _ in keys])
            self._gone_pairs: frozenset[tuple[str, str]] = frozenset(pairs)
        for _, new in self.replaced:
            self._place(new)

    def _place(self, record: Any) -> None:
        table = type(record).table
        if table in _KEYED:
            self._by_id.setdefault(record.id, record)
            self._table_of.setdefault(record.id, table)
        else:
            if not self._synthetic:
                self._synthetic = {}
            self._synthetic.setdefault(record.id, (table, record))
        self._groups = None
        if isinstance(record, Pairing):
            self._pairs = {*self._pairs, (record.department_id, record.partner_id)}

    def _extra(self, name: str) -> dict[Any, list[Any]] | None:
        """The buckets of one grouping holding changed records, in the order they were
        placed (``None`` when none is in it)."""
        groups = self._groups
        if groups is None:
            groups = self._groups = {}
        elif name in groups:
            return groups[name]
        table, field = _GROUPING_TABLE[name], _GROUP_FIELD[name]
        bucket: dict[Any, list[Any]] | None = None
        for record in self._changed_records():
            if type(record).table == table:
                value = getattr(record, field)
                if value is not None:
                    if bucket is None:
                        bucket = {}
                    bucket.setdefault(value, []).append(record)
        groups[name] = bucket
        return bucket

    def _changed_records(self) -> tuple[Any, ...]:
        if not self.replaced:
            return self.added
        return (*(new for _, new in self.replaced), *self.added)

    @property
    def changed(self) -> bool:
        """Whether the change replaces or removes records (not only adds)."""
        return bool(self._gone)

    def rows(self, table: str) -> tuple[Any, ...]:
        base = self.base.rows(table)
        if table in self._gone_tables:
            base = tuple(r for r in base if id(r) not in self._gone)
        if self._by_table is None:
            by_table: dict[str, list[Any]] = {}
            for record in self._changed_records():
                by_table.setdefault(type(record).table, []).append(record)
            self._by_table = {t: tuple(rs) for t, rs in by_table.items()}
        extra = self._by_table.get(table)
        return base + extra if extra else base

    def added_of(self, cls: type[T]) -> list[T]:
        """The added records of one type."""
        return [r for r in self.added if isinstance(r, cls)]

    def get(self, record_id: str | None) -> Record | None:
        if record_id is None:
            return None
        found = self._by_id.get(record_id)
        if found is not None or record_id in self._removed_ids:
            return found
        return self._base_by_id.get(record_id)

    def table_of(self, record_id: str | None) -> str | None:
        if record_id is None:
            return None
        found = self._table_of.get(record_id)
        if found is not None or record_id in self._removed_ids:
            return found
        return self._base_table_of.get(record_id)

    def find(self, table: str, record_id: str) -> Any:
        if table in _KEYED:
            return self.get(record_id) if self.table_of(record_id) == table else None
        found = self._synthetic.get(record_id)
        if found is not None:
            return found[1] if found[0] == table else None
        if (table, record_id) in self._gone_keys:
            return None
        return self.base.find(table, record_id)

    def group(self, name: str, key: Any) -> tuple[Any, ...]:
        base = self._base_groups[name].get(key, _EMPTY)
        bucket = self._extra(name)
        if self._gone and base and _GROUPING_TABLE[name] in self._gone_tables:
            # A replacement or removal hides records of this bucket: filter it once.
            slot = (name, key)
            found = self._filtered.get(slot)
            if found is None:
                extra = bucket.get(key) if bucket else None
                kept = tuple(r for r in base if id(r) not in self._gone)
                found = self._filtered[slot] = kept + tuple(extra) if extra else kept
            return found
        extra = bucket.get(key) if bucket else None
        return base + tuple(extra) if extra else base

    def has_group(self, name: str, key: Any) -> bool:
        extra = self._extra(name)
        if extra and extra.get(key):
            return True
        if not self._gone:
            return key in self._base_groups[name]
        return bool(self.group(name, key))

    def is_paired(self, department_id: str, partner_id: str) -> bool:
        pair = (department_id, partner_id)
        if pair in self._pairs:
            return True
        return pair not in self._gone_pairs and self.base.is_paired(department_id, partner_id)

    def referrers(self, record_id: str) -> tuple[tuple[str, str, str], ...]:
        base = self._base_refs.get(record_id, _EMPTY)
        if self._gone_keys and base:
            base = tuple(e for e in base if (e[0], e[1]) not in self._gone_keys)
        changed = self._changed_records()
        if len(changed) <= _SCANNED:  # a few records: look through them (no index to build)
            found: list[tuple[str, str, str]] = []
            for record in changed:
                table = type(record).table
                for field, _ in _REF_FIELDS[table]:
                    value = getattr(record, field)
                    if value is not None and (
                        value == record_id or (isinstance(value, tuple) and record_id in value)
                    ):
                        found.append((table, record.id, field))
            return base + tuple(found) if found else base
        if self._refs is None:
            refs: dict[str, list[tuple[str, str, str]]] = {}
            for record in changed:
                table = type(record).table
                for field, target in _references(table, record):
                    refs.setdefault(target, []).append((table, record.id, field))
            self._refs = refs
        extra = self._refs.get(record_id)
        return base + tuple(extra) if extra else base


GROUPINGS = tuple(name for name, _, _ in _GROUPINGS)
"""Names of the grouping indexes, for :meth:`Dataset.group`."""

__all__ = ["GROUPINGS", "Dataset", "Overlay", "Queries", "added_problems"]
