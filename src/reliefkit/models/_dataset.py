"""``Dataset``: every record of one campaign, with the look-ups rules need, built once."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
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
        for record in out:
            if not isinstance(record, cls):
                raise InvalidValueError(
                    f"{cls.table}: expected {cls.__name__} records, got {type(record).__name__}"
                )
        return out

    return attrs.field(default=(), converter=convert, repr=lambda v: f"<{len(v)}>")


@attrs.frozen
class _Index:
    """Look-ups computed once per dataset; shared, never mutated after building."""

    by_id: dict[str, Record]
    table_of: dict[str, str]
    groups: dict[str, dict[Any, tuple[Any, ...]]]
    pairs: frozenset[tuple[str, str]]


def _build_index(tables: Mapping[str, tuple[Any, ...]]) -> _Index:
    by_id: dict[str, Record] = {}
    table_of: dict[str, str] = {}
    for table in KEYED_TABLES:
        for record in tables[table]:
            by_id.setdefault(record.id, record)
            table_of.setdefault(record.id, table)
    groups: dict[str, dict[Any, tuple[Any, ...]]] = {}
    for name, table, field in _GROUPINGS:
        grouped: defaultdict[Any, list[Any]] = defaultdict(list)
        for record in tables[table]:
            value = getattr(record, field)
            if value is not None:
                grouped[value].append(record)
        groups[name] = {k: tuple(v) for k, v in grouped.items()}
    pairs = frozenset((p.department_id, p.partner_id) for p in tables["pairings"])
    return _Index(by_id, table_of, groups, pairs)


Problem = tuple[str, str, str, str, str]


_REF_FIELDS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    table: tuple((a.name, a.metadata["refs"]) for a in attrs.fields(cls) if a.metadata.get("refs"))
    for table, cls in TABLES.items()
}
"""The reference fields of each table, with the tables they may name."""


def _reference_problems(
    by_table: Mapping[str, Iterable[Any]], table_of: Mapping[str, str]
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
                    found = table_of.get(item)
                    if found is None or ("*" not in refs and found not in refs):
                        wanted = "any record" if "*" in refs else " or ".join(refs)
                        what = "unknown id" if found is None else f"an id of {found}"
                        problems.append(
                            (table, record.id, name, item, f"{what}; expected an id of {wanted}")
                        )
    return problems


def _integrity_problems(tables: Mapping[str, tuple[Any, ...]]) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for table in KEYED_TABLES:
        for record in tables[table]:
            if record.id in seen:
                problems.append(
                    (table, record.id, "id", record.id, f"id already used in {seen[record.id]}")
                )
            else:
                seen[record.id] = table
    problems += _reference_problems({t: r for t, r in tables.items() if t != "campaign"}, seen)
    for table, (_, field, what) in _SECOND.items():
        keys: set[str] = set()
        for record in tables[table]:
            if record.id in keys:
                problems.append((table, record.id, field, _shown(getattr(record, field)), what))
            keys.add(record.id)
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
        dataset = cls(campaign, **{k: tuple(v) for k, v in tables.items()})  # type: ignore[arg-type]
        problems = _integrity_problems(dataset.tables())
        if problems:
            raise IntegrityError(problems)
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

        The new records are checked for integrity against the whole dataset.
        """
        by_table: dict[str, list[Any]] = defaultdict(list)
        for record in records:
            table = getattr(type(record), "table", None)
            if table is None or table == "campaign":
                raise InvalidValueError(f"record={record!r}: cannot be added to a dataset")
            by_table[table].append(record)
        changes = {t: getattr(self, t) + tuple(rs) for t, rs in by_table.items()}
        index = _extend_index(self._index, by_table)
        new = attrs.evolve(self, _index=index, **changes)
        problems = added_problems(new, by_table)
        if problems:
            raise IntegrityError(problems)
        return new

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

    def is_paired(self, department_id: str, partner_id: str) -> bool:
        """Whether an official pairing joins the department and the partner."""
        return (department_id, partner_id) in self._index.pairs

    def overlay(self, *records: Record) -> Overlay:
        """A read-only view of this dataset plus ``records``, without copying anything.

        What ``admit`` judges: look-ups cost the dataset's plus the few new records'.
        """
        return Overlay(self, records)

    def group_keys(self, name: str) -> Iterable[Any]:
        """Keys present in a grouping index."""
        return self._index.groups[name].keys()

    def to_frames(self, *, backend: str = "pandas") -> dict[str, Any]:
        """One DataFrame per table (``pandas`` or ``polars``); personal data masked."""
        from reliefkit.models._frames import dataset_frames

        return dataset_frames(self, backend=backend)


def _extend_index(index: _Index, by_table: Mapping[str, list[Any]]) -> _Index:
    by_id = index.by_id
    table_of = index.table_of
    keyed = [t for t in by_table if t in KEYED_TABLES]
    if keyed:
        by_id = dict(by_id)
        table_of = dict(table_of)
        for table in keyed:
            for record in by_table[table]:
                by_id.setdefault(record.id, record)
                table_of.setdefault(record.id, table)
    groups = index.groups
    touched = [g for g in _GROUPINGS if g[1] in by_table]
    if touched:
        groups = dict(groups)
        for name, table, field in touched:
            bucket = dict(groups[name])
            for record in by_table[table]:
                value = getattr(record, field)
                if value is not None:
                    bucket[value] = (*bucket.get(value, _EMPTY), record)
            groups[name] = bucket
    pairs = index.pairs
    if "pairings" in by_table:
        pairs = pairs | {(p.department_id, p.partner_id) for p in by_table["pairings"]}
    return _Index(by_id, table_of, groups, pairs)


def added_problems(view: Queries, by_table: Mapping[str, list[Any]]) -> list[Problem]:
    """Integrity problems of newly added records only (the rest was checked before).

    ``view`` holds the records already (a new :class:`Dataset`, or an :class:`Overlay`):
    ``Dataset.add`` and ``admit`` share this, so both refuse the same records alike.
    """
    problems: list[Problem] = [
        (table, r.id, "id", r.id, "id already used")
        for table, records in by_table.items()
        if table in KEYED_TABLES
        for r in records
        if view.get(r.id) is not r
    ]
    for table, (grouping, field, what) in _SECOND.items():
        for r in by_table.get(table, ()):
            value = getattr(r, _GROUP_FIELD[grouping])
            first = next(s for s in view.group(grouping, value) if s.id == r.id)
            if first is not r:
                problems.append((table, r.id, field, _shown(getattr(r, field)), what))
    return problems + _reference_problems(by_table, _TableOf(view))


class _TableOf(dict[str, str]):
    """A view's ``table_of`` as the mapping ``_reference_problems`` reads."""

    def __init__(self, view: Queries) -> None:
        super().__init__()
        self.view = view

    def get(self, key: str, default: Any = None) -> Any:
        found = self.view.table_of(key)
        return default if found is None else found


_KEYED = frozenset(KEYED_TABLES)
_GROUP_FIELD = {name: field for name, _, field in _GROUPINGS}
_GROUPINGS_OF: dict[str, tuple[tuple[str, str], ...]] = {
    table: tuple((name, field) for name, t, field in _GROUPINGS if t == table)
    for table in {t for _, t, _ in _GROUPINGS}
}


class Overlay(Queries):
    """A dataset plus a few records, layered: nothing of the base is copied."""

    def __init__(self, base: Dataset, records: Iterable[Record]) -> None:
        self.base = base
        self.campaign = base.campaign
        self.added: tuple[Record, ...] = tuple(records)
        # What queries computed on this view (ledgers): it lives and dies with the view,
        # which exists for one decision, so it can never be served stale.
        self.scratch: dict[str, Any] = {}
        self._by_id: dict[str, Record] = {}
        self._table_of: dict[str, str] = {}
        self._groups: dict[str, dict[Any, list[Any]]] = defaultdict(lambda: defaultdict(list))
        self._pairs: set[tuple[str, str]] = set()
        by_table: defaultdict[str, list[Record]] = defaultdict(list)
        for record in self.added:
            table = getattr(type(record), "table", None)
            if table is None or table == "campaign":
                raise InvalidValueError(f"record={record!r}: cannot be added to a dataset")
            by_table[table].append(record)
            if table in _KEYED:
                self._by_id.setdefault(record.id, record)
                self._table_of.setdefault(record.id, table)
            for name, field in _GROUPINGS_OF.get(table, ()):
                value = getattr(record, field)
                if value is not None:
                    self._groups[name][value].append(record)
            if isinstance(record, Pairing):
                self._pairs.add((record.department_id, record.partner_id))
        self._by_table = {t: tuple(rs) for t, rs in by_table.items()}
        problems = added_problems(self, by_table)
        if problems:
            raise IntegrityError(problems)

    def rows(self, table: str) -> tuple[Any, ...]:
        base = self.base.rows(table)
        extra = self._by_table.get(table)
        return base + extra if extra else base

    def added_of(self, cls: type[T]) -> list[T]:
        """The added records of one type."""
        return [r for r in self.added if isinstance(r, cls)]

    def get(self, record_id: str | None) -> Record | None:
        if record_id is None:
            return None
        return self.base.get(record_id) or self._by_id.get(record_id)

    def table_of(self, record_id: str | None) -> str | None:
        if record_id is None:
            return None
        return self.base.table_of(record_id) or self._table_of.get(record_id)

    def group(self, name: str, key: Any) -> tuple[Any, ...]:
        extra = self._groups[name].get(key) if name in self._groups else None
        base = self.base.group(name, key)
        return base + tuple(extra) if extra else base

    def is_paired(self, department_id: str, partner_id: str) -> bool:
        return (department_id, partner_id) in self._pairs or self.base.is_paired(
            department_id, partner_id
        )


GROUPINGS = tuple(name for name, _, _ in _GROUPINGS)
"""Names of the grouping indexes, for :meth:`Dataset.group`."""

__all__ = ["GROUPINGS", "Dataset", "Overlay", "Queries", "added_problems"]
