"""``records_for(dataset)`` and ``record_batches_for(dataset)``: new records that fit a dataset.

What a system would ask ``admit`` about: a record of any type but the campaign, or a batch of
them recorded together. Each record is valid on its own and referentially sound: it refers
only to ids of the right tables that the dataset (or an earlier record of its batch) holds,
its own id is new, and no synthetic key is taken twice (one work plan per township, one exit
plan per village and day, one pairing per department and partner, one waiver per code and
subject). So ``dataset.add(*records)`` accepts what they draw, and whether the records break
a rule is drawn too: dates fall around 17 October and the campaign's ends, villages are poor
or not, badges given or not, waivers granted by the leading group or not.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

import attrs
import pendulum
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from reliefkit.models import (
    RECORD_TYPES,
    TABLES,
    Activity,
    ActivityKind,
    Audit,
    Campaign,
    Dataset,
    Department,
    Disbursement,
    Donation,
    DonorKind,
    ExitPlan,
    Fund,
    FundHolder,
    Household,
    Money,
    Pairing,
    Person,
    Pledge,
    PledgeKind,
    Project,
    Record,
    Role,
    Sector,
    Solicitation,
    Township,
    TownshipKind,
    Village,
    Waiver,
    WorkPlan,
    WorkTeam,
)
from reliefkit.testing._draw import (
    Draw,
    amount,
    day,
    flag,
    maybe,
    maybe_flag,
    person_name,
    pick,
    resident_id,
    some,
)
from reliefkit.testing._strategies import (
    ALL_PURPOSES,
    DEPARTMENT_NAMES,
    FUND_NAMES,
    GOODS,
    ORGANISATION_NAMES,
    PLACES,
    PROJECT_SUFFIXES,
    TOWNSHIP_NAMES,
    VILLAGE_NAMES,
    make_donor,
)

T = TypeVar("T")

RECORD_KINDS = ("solicitations", "donations", "disbursements", "activities")
"""What :func:`records_for` draws by default: the records a system most often asks about."""

RECORD_TABLES: tuple[str, ...] = tuple(cls.table for cls in RECORD_TYPES if cls is not Campaign)
"""Every table a record can be added to: all record types but the campaign."""

_UNITS = ("townships", "departments")
_PARTNERS = ("townships", "villages")
# Tables with an id column of their own, and those keyed by a synthetic key (see each record's
# ``id``: a work plan's township, …) that a batch must not take twice either.
_KEYED = tuple(t for t in RECORD_TABLES if "id" in attrs.fields_dict(TABLES[t]))
_SYNTHETIC = tuple(t for t in RECORD_TABLES if t not in _KEYED)
_ACTIVITY_KINDS = (ActivityKind.CEREMONY, *ActivityKind)  # ceremonies twice as often
_REASONS = ("特殊情况，经领导小组研究同意", "因灾延期")


def waiver_codes() -> tuple[str, ...]:
    """The codes a drawn waiver names: every registered rule not removed (the county plan's,
    and the waiver rules RK001–RK003)."""
    from reliefkit.rules import all_rules

    return tuple(r.code for r in all_rules() if not r.removed)


class _Base:
    """Look-ups over the dataset, built once per strategy (it draws many batches for one)."""

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset
        self.ids = {t: [r.id for r in getattr(dataset, t)] for t in _KEYED}
        self.keys = {t: {r.id for r in getattr(dataset, t)} for t in _SYNTHETIC}
        self.planned = {w.township_id for w in dataset.work_plans}
        self.codes = waiver_codes()


class _Pool:
    """A dataset and the records drawn so far for one batch: what the next may refer to."""

    def __init__(self, base: _Base, tables: Iterable[str]) -> None:
        self.base = base
        self.dataset = base.dataset
        self.campaign = base.dataset.campaign
        self.tables = frozenset(tables)
        self.records: list[Record] = []
        self._new: defaultdict[str, list[str]] = defaultdict(list)
        self._by_id: dict[str, Record] = {}
        self._reserved: set[str] = set()
        self._keys: defaultdict[str, set[str]] = defaultdict(set)
        self._planned: set[str] = set()

    # ---- what exists --------------------------------------------------------------------
    def ids(self, *tables: str) -> list[str]:
        """Ids of these tables: the dataset's, then the batch's."""
        return [i for t in tables for i in self.base.ids[t]] + self.new_ids(*tables)

    def new_ids(self, *tables: str) -> list[str]:
        """Ids of these tables that the batch added."""
        return [i for t in tables for i in self._new[t]]

    def count(self, *tables: str) -> int:
        """How many records these tables hold, the batch's included."""
        return sum(len(self.base.ids[t]) + len(self._new[t]) for t in tables)

    def get(self, record_id: str | None) -> Record | None:
        """The record with this id, in the batch or in the dataset."""
        if record_id is None:
            return None
        return self._by_id.get(record_id) or self.dataset.get(record_id)

    def added(self, cls: type[T]) -> list[T]:
        """The batch's records of one type."""
        return [r for r in self.records if isinstance(r, cls)]

    def taken(self, table: str, key: str) -> bool:
        """Whether a synthetic key of ``table`` is already used."""
        return key in self._keys[table] or key in self.base.keys[table]

    def unplanned(self) -> list[str]:
        """Townships with no work plan yet."""
        return [
            t
            for t in self.ids("townships")
            if t not in self.base.planned and t not in self._planned
        ]

    def villages_in(self, township_id: str) -> list[str]:
        """Villages of a township."""
        new = [v.id for v in self.added(Village) if v.township_id == township_id]
        return [v.id for v in self.dataset.villages_in(township_id)] + new

    def of_role(self, role: Role) -> list[str]:
        """People of one role."""
        return [p for p in self.ids("people") if getattr(self.get(p), "role", None) is role]

    def of_sector(self, sector: Sector) -> list[str]:
        """Departments of one sector."""
        return [
            d for d in self.ids("departments") if getattr(self.get(d), "sector", None) is sector
        ]

    # ---- adding -------------------------------------------------------------------------
    def fresh_id(self, prefix: str) -> str:
        """The first id ``prefix1``, ``prefix2``, … that neither the dataset nor the batch uses."""
        n = 1
        while self.dataset.get(f"{prefix}{n}") is not None or f"{prefix}{n}" in self._reserved:
            n += 1
        self._reserved.add(f"{prefix}{n}")
        return f"{prefix}{n}"

    def add(self, record: Record) -> None:
        """Put a record in the batch."""
        table = type(record).table
        self.records.append(record)
        if table in _SYNTHETIC:
            self._keys[table].add(record.id)
            if isinstance(record, WorkPlan):
                self._planned.add(record.township_id)
        else:
            self._by_id[record.id] = record
            self._new[table].append(record.id)

    @property
    def poverty_day(self) -> pendulum.Date:
        """17 October of the campaign year."""
        return pendulum.Date(self.campaign.year, 10, 17)


# ---- draw-time choices ---------------------------------------------------------------------------
def _ref(draw: Draw, pool: _Pool, *tables: str) -> str:
    """An id of one of ``tables``; often one the batch added, so that batches hang together."""
    new = pool.new_ids(*tables)
    if new and flag(draw):
        return pick(draw, new)
    return pick(draw, pool.ids(*tables))


def _maybe_ref(draw: Draw, pool: _Pool, *tables: str) -> str | None:
    return _ref(draw, pool, *tables) if pool.count(*tables) and flag(draw) else None


def _day(draw: Draw, pool: _Pool, *anchors: pendulum.Date | None) -> pendulum.Date:
    """A day a few days from 17 October or from an anchor, or any day from August to January."""
    marks = [pool.poverty_day, *(a for a in anchors if a is not None)]
    i = draw(st.integers(0, len(marks)))
    if i < len(marks):
        return marks[i].add(days=draw(st.integers(-3, 3)))
    year = pool.campaign.year
    return day(draw, pendulum.Date(year, 8, 1), pendulum.Date(year + 1, 1, 31))


def _money(draw: Draw) -> Money:
    return Money.fen(amount(draw, 1, 5_000_000))


def _free_pair(
    draw: Draw, left: Sequence[str], right: Sequence[str], is_free: Callable[[str, str], bool]
) -> tuple[str, str]:
    """A drawn pair of ``left`` × ``right``, or the next free one after it."""
    i, j = draw(st.integers(0, len(left) - 1)), draw(st.integers(0, len(right) - 1))
    for di in range(len(left)):
        for dj in range(len(right)):
            a, b = left[(i + di) % len(left)], right[(j + dj) % len(right)]
            if is_free(a, b):
                return a, b
    raise AssertionError("no free pair: the caller checks that one exists")


# ---- one builder per table: each adds its record (and, in batches, its family) -------------------
def _township(draw: Draw, pool: _Pool, room: int) -> None:
    township_id = pool.fresh_id("T-new")
    # In a batch, a new township may come with its main leader and its work plan.
    family = room >= 2 and "people" in pool.tables and flag(draw)
    leader_id = pool.fresh_id("P-new") if family else _maybe_ref(draw, pool, "people")
    pool.add(
        Township(
            id=township_id,
            name=maybe(draw, TOWNSHIP_NAMES),
            kind=pick(draw, TownshipKind),
            main_leader_id=leader_id,
        )
    )
    if family:
        assert leader_id is not None
        role = pick(draw, (Role.TOWNSHIP_MAIN_LEADER, *Role))
        pool.add(Person(id=leader_id, name=person_name(draw), unit_id=township_id, role=role))
        if room >= 3 and "work_plans" in pool.tables and flag(draw):
            _plan_for(draw, pool, township_id)


def _department(draw: Draw, pool: _Pool, room: int) -> None:
    sector = pick(draw, Sector)
    pool.add(Department(id=pool.fresh_id("D-new"), name=DEPARTMENT_NAMES[sector], sector=sector))


def _person(draw: Draw, pool: _Pool, room: int) -> None:
    pool.add(
        Person(
            id=pool.fresh_id("P-new"),
            name=person_name(draw),
            unit_id=_ref(draw, pool, *_UNITS),
            role=pick(draw, Role),
        )
    )


def _village(draw: Draw, pool: _Pool, room: int) -> None:
    village = Village(
        id=pool.fresh_id("V-new"),
        name=maybe(draw, VILLAGE_NAMES),
        township_id=_ref(draw, pool, "townships"),
        poor=flag(draw),
    )
    pool.add(village)
    # In a batch, a new village may come with its work team and its exit plan.
    spare = room - 1
    if spare and "work_teams" in pool.tables and flag(draw):
        _team_for(draw, pool, village.id)
        spare -= 1
    if spare and "exit_plans" in pool.tables and flag(draw):
        _exit_plan_for(draw, pool, village.id)


def _household(draw: Draw, pool: _Pool, room: int) -> None:
    pool.add(
        Household(
            id=pool.fresh_id("H-new"),
            village_id=_ref(draw, pool, "villages"),
            head_name=person_name(draw),
            resident_id=resident_id(draw) if flag(draw) else None,
            members=maybe(draw, range(1, 9)),
            registered_poor=flag(draw),
            responsible_person_id=_maybe_ref(draw, pool, "people"),
        )
    )


def _pairing(draw: Draw, pool: _Pool, room: int) -> None:
    department_id, partner_id = _free_pair(
        draw,
        pool.ids("departments"),
        pool.ids(*_PARTNERS),
        lambda d, p: not pool.taken("pairings", f"{d}~{p}"),
    )
    since = (
        day(draw, pendulum.Date(pool.campaign.year - 2, 1, 1), pool.campaign.ends_on)
        if flag(draw)
        else None
    )
    pool.add(Pairing(department_id=department_id, partner_id=partner_id, since=since))


def _team_for(draw: Draw, pool: _Pool, village_id: str) -> None:
    # Sometimes over before the campaign starts, or starting after it ends (CP109).
    starts_on = _day(draw, pool, pool.campaign.starts_on, pool.campaign.ends_on)
    length = maybe(draw, (0, 2, 30, 400))
    pool.add(
        WorkTeam(
            id=pool.fresh_id("W-new"),
            village_id=village_id,
            dispatched_by=_maybe_ref(draw, pool, *_UNITS),
            leader_id=_maybe_ref(draw, pool, "people"),
            members=maybe(draw, range(1, 7)),
            starts_on=starts_on,
            ends_on=None if length is None else starts_on.add(days=length),
        )
    )


def _work_team(draw: Draw, pool: _Pool, room: int) -> None:
    _team_for(draw, pool, _ref(draw, pool, "villages"))


def _exit_plan_for(draw: Draw, pool: _Pool, village_id: str) -> None:
    adopted_on = _day(draw, pool, pool.campaign.ends_on)  # due at the campaign's end (CP111)
    while pool.taken("exit_plans", f"{village_id}@{adopted_on.isoformat()}"):
        adopted_on = adopted_on.add(days=1)
    pool.add(ExitPlan(village_id=village_id, adopted_on=adopted_on))


def _exit_plan(draw: Draw, pool: _Pool, room: int) -> None:
    _exit_plan_for(draw, pool, _ref(draw, pool, "villages"))


def _plan_for(draw: Draw, pool: _Pool, township_id: str) -> None:
    township = pool.get(township_id)
    leader = township.main_leader_id if isinstance(township, Township) else None
    # The main leader or someone else (CP104); a task or none.
    responsible = leader if leader and flag(draw) else _maybe_ref(draw, pool, "people")
    tasks = maybe(draw, range(6))
    pool.add(WorkPlan(township_id=township_id, responsible_person_id=responsible, tasks=tasks))


def _work_plan(draw: Draw, pool: _Pool, room: int) -> None:
    unplanned = pool.unplanned()
    new = [t for t in unplanned if t in pool.new_ids("townships")]
    _plan_for(draw, pool, pick(draw, new) if new and flag(draw) else pick(draw, unplanned))


def _activity(draw: Draw, pool: _Pool, room: int) -> None:
    kind = pick(draw, _ACTIVITY_KINDS)
    organizer = _maybe_ref(draw, pool, *_UNITS)
    at_home = isinstance(pool.get(organizer), Township) and flag(draw)
    # At home: held in the organising township, in its villages, led by its main leader
    # (CP103, CP105); otherwise anywhere, led by anyone.
    if at_home:
        assert organizer is not None
        township_id: str | None = organizer
        villages = some(draw, pool.villages_in(organizer), 2)
        leader = getattr(pool.get(organizer), "main_leader_id", None)
    else:
        township_id = _maybe_ref(draw, pool, "townships")
        villages = some(draw, pool.ids("villages"), 2)
        leader = _maybe_ref(draw, pool, "people")
    if kind is ActivityKind.LEADER_VISIT and flag(draw):
        leader = maybe(draw, pool.of_role(Role.COUNTY_LEADER))  # CP108
    pool.add(
        Activity(
            id=pool.fresh_id("A-new"),
            kind=kind,
            organizer_id=organizer,
            township_id=township_id,
            on=_day(draw, pool, pool.poverty_day.subtract(days=2)),  # 12–18 October (CP108)
            place=maybe(draw, PLACES),
            populous=maybe_flag(draw),
            in_seat=maybe_flag(draw),
            led_by=leader,
            participants=tuple(some(draw, pool.ids("people"), 2)),
            villages=tuple(villages),
            households=tuple(some(draw, pool.ids("households"), 2)),
            fee=maybe(draw, (Money.zero(), _money(draw))),  # CP120
        )
    )


def _solicitation(draw: Draw, pool: _Pool, room: int) -> None:
    drives = [
        a
        for a in pool.ids("activities")
        if getattr(pool.get(a), "kind", None) is ActivityKind.DONATION_DRIVE
    ]
    activity_id = pick(draw, drives) if drives and flag(draw) else _ref(draw, pool, "activities")
    pool.add(
        Solicitation(
            id=pool.fresh_id("S-new"),
            activity_id=activity_id,
            organizer_id=_ref(draw, pool, *_UNITS),
            target_id=_ref(draw, pool, *_UNITS, "donors"),
            on=_day(draw, pool),
            quota=maybe(draw, (Money.zero(), _money(draw))),  # CP123
        )
    )


def _donor(draw: Draw, pool: _Pool, room: int) -> None:
    kind = pick(draw, DonorKind)
    name = person_name(draw) if kind.is_person else pick(draw, ORGANISATION_NAMES[kind])
    pool.add(
        make_donor(
            pool.fresh_id("E-new"),
            kind,
            name,
            unit_id=_maybe_ref(draw, pool, *_UNITS),
            home_township_id=_maybe_ref(draw, pool, "townships"),
            publicity_consent=maybe_flag(draw),
        )
    )


def _project(draw: Draw, pool: _Pool, room: int) -> None:
    pool.add(
        Project(
            id=pool.fresh_id("J-new"),
            name=pick(draw, VILLAGE_NAMES) + pick(draw, PROJECT_SUFFIXES),
            purpose=maybe(draw, ALL_PURPOSES),
            village_id=_ref(draw, pool, "villages"),
            published_on=_day(draw, pool) if flag(draw) else None,
            government_obligated=flag(draw),
        )
    )


def _pledge(draw: Draw, pool: _Pool, room: int) -> None:
    project_id = _ref(draw, pool, "projects")
    published = getattr(pool.get(project_id), "published_on", None)
    pool.add(
        Pledge(
            id=pool.fresh_id("G-new"),
            donor_id=_ref(draw, pool, "donors"),
            project_id=project_id,
            kind=pick(draw, PledgeKind),
            amount=_money(draw),
            on=_day(draw, pool, published),  # before or after publication (CP116)
        )
    )


def _fund(draw: Draw, pool: _Pool, room: int) -> None:
    pool.add(
        Fund(id=pool.fresh_id("F-new"), name=maybe(draw, FUND_NAMES), holder=pick(draw, FundHolder))
    )


def _donation(draw: Draw, pool: _Pool, room: int) -> None:
    pool.add(
        Donation(
            id=pool.fresh_id("N-new"),
            donor_id=_ref(draw, pool, "donors"),
            fund_id=_ref(draw, pool, "funds"),
            activity_id=_maybe_ref(draw, pool, "activities"),
            amount=_money(draw),
            goods=maybe(draw, GOODS),
            on=_day(draw, pool),
            designated_project_id=_maybe_ref(draw, pool, "projects"),
            designated_village_id=_maybe_ref(draw, pool, "villages"),
            badge=maybe_flag(draw),  # CP117
            receipt=maybe_flag(draw),
        )
    )


def _disbursement(draw: Draw, pool: _Pool, room: int) -> None:
    pool.add(
        Disbursement(
            id=pool.fresh_id("B-new"),
            fund_id=_ref(draw, pool, "funds"),
            amount=_money(draw),  # sometimes more than the fund holds (CP115, CP122)
            purpose=maybe(draw, ALL_PURPOSES),  # CP112–CP114
            project_id=_maybe_ref(draw, pool, "projects"),
            village_id=_maybe_ref(draw, pool, "villages"),
            household_id=_maybe_ref(draw, pool, "households"),
            on=_day(draw, pool, pool.campaign.ends_on),
        )
    )


def _audit(draw: Draw, pool: _Pool, room: int) -> None:
    fund_id = _ref(draw, pool, "funds")
    donations = [
        *pool.dataset.donations_to(fund_id),
        *(n for n in pool.added(Donation) if n.fund_id == fund_id),
    ]
    disbursements = [
        *pool.dataset.disbursements_from(fund_id),
        *(b for b in pool.added(Disbursement) if b.fund_id == fund_id),
    ]
    received = sum(n.amount.in_fen for n in donations)
    paid = sum(b.amount.in_fen for b in disbursements)
    last = max([n.on for n in donations] + [b.on for b in disbursements], default=None)
    auditors = pool.of_sector(Sector.AUDIT)
    exact = not flag(draw)  # the ledger's totals, or others (CP118)
    pool.add(
        Audit(
            id=pool.fresh_id("AUD-new"),
            fund_id=fund_id,
            auditor_id=pick(draw, auditors)
            if auditors and not flag(draw)
            else _ref(draw, pool, "departments"),
            on=_day(draw, pool, pool.campaign.ends_on, last),
            received_total=Money.fen(received) if exact else _money(draw),
            disbursed_total=Money.fen(paid) if exact else _money(draw),
        )
    )


def _subjects(pool: _Pool) -> list[str]:
    return [pool.campaign.id, *pool.ids(*_KEYED)]


def _waiver(draw: Draw, pool: _Pool, room: int) -> None:
    codes = pool.base.codes
    # The subject's table first, so that small tables (townships, funds) are waived often.
    tables = [*(t for t in _KEYED if pool.count(t)), "campaign"]
    table = pick(draw, tables)
    subjects = [pool.campaign.id] if table == "campaign" else pool.ids(table)
    if all(pool.taken("waivers", f"{c}:{s}") for c in codes for s in subjects):
        subjects = _subjects(pool)
    code, subject = _free_pair(
        draw, codes, subjects, lambda c, s: not pool.taken("waivers", f"{c}:{s}")
    )
    groups = pool.of_sector(Sector.LEADING_GROUP)
    # Granted by the leading group, or by another unit or nobody (RK001).
    granted_by = (
        pick(draw, groups) if groups and not flag(draw) else _maybe_ref(draw, pool, *_KEYED)
    )
    pool.add(
        Waiver(
            code=code,
            subject_id=subject,
            reason=maybe(draw, _REASONS),
            granted_by=granted_by,
            until=_day(draw, pool, pool.campaign.ends_on),  # sometimes before as_of (RK002)
        )
    )


Builder = Callable[[Draw, _Pool, int], None]

_BUILDERS: dict[str, Builder] = {
    "townships": _township,
    "departments": _department,
    "people": _person,
    "villages": _village,
    "households": _household,
    "pairings": _pairing,
    "work_teams": _work_team,
    "exit_plans": _exit_plan,
    "work_plans": _work_plan,
    "activities": _activity,
    "solicitations": _solicitation,
    "donors": _donor,
    "projects": _project,
    "pledges": _pledge,
    "funds": _fund,
    "donations": _donation,
    "disbursements": _disbursement,
    "audits": _audit,
    "waivers": _waiver,
}
"""How to draw a record of each table (``room`` bounds the records a family may add)."""

_POSSIBLE: dict[str, Callable[[_Pool], bool]] = {
    "townships": lambda p: True,
    "departments": lambda p: True,
    "people": lambda p: p.count(*_UNITS) > 0,
    "villages": lambda p: p.count("townships") > 0,
    "households": lambda p: p.count("villages") > 0,
    "pairings": lambda p: (
        p.count("departments") * p.count(*_PARTNERS)
        > len(p.dataset.pairings) + len(p.added(Pairing))
    ),
    "work_teams": lambda p: p.count("villages") > 0,
    "exit_plans": lambda p: p.count("villages") > 0,
    "work_plans": lambda p: bool(p.unplanned()),
    "activities": lambda p: True,
    "solicitations": lambda p: p.count("activities") > 0 and p.count(*_UNITS) > 0,
    "donors": lambda p: True,
    "projects": lambda p: p.count("villages") > 0,
    "pledges": lambda p: p.count("donors") > 0 and p.count("projects") > 0,
    "funds": lambda p: True,
    "donations": lambda p: p.count("funds") > 0 and p.count("donors") > 0,
    "disbursements": lambda p: p.count("funds") > 0,
    "audits": lambda p: p.count("funds") > 0 and p.count("departments") > 0,
    "waivers": lambda p: (
        len(p.dataset.waivers) + len(p.added(Waiver)) < len(p.base.codes) * len(_subjects(p))
    ),
}
"""Whether the dataset (and the batch so far) leaves room for a record of each table."""

assert set(_BUILDERS) == set(_POSSIBLE) == set(RECORD_TABLES)


# ---- the strategies ------------------------------------------------------------------------------
def _check_dataset(dataset: object) -> Dataset:
    if not isinstance(dataset, Dataset):
        raise InvalidArgument(f"dataset={dataset!r}: expected a reliefkit Dataset")
    return dataset


def _check_tables(tables: object) -> tuple[str, ...]:
    if isinstance(tables, str):
        # One table name is that table, as select="CP101" is that code.
        if tables in RECORD_TABLES:
            return (tables,)
        raise InvalidArgument(
            f"tables={tables!r}: expected a table name or a tuple of them, among "
            f"{', '.join(RECORD_TABLES)}"
        )
    if not isinstance(tables, Iterable):
        raise InvalidArgument(f"tables={tables!r}: expected a tuple of table names")
    chosen = tuple(tables)
    if not chosen or not set(chosen) <= set(RECORD_TABLES):
        raise InvalidArgument(
            f"tables={tables!r}: expected a non-empty selection of {', '.join(RECORD_TABLES)}"
        )
    return tuple(dict.fromkeys(chosen))  # in the order given: shrinks towards the first


def _possible(pool: _Pool, tables: Iterable[str]) -> list[str]:
    return [t for t in tables if _POSSIBLE[t](pool)]


@st.composite
def _one_record(draw: Draw, base: _Base, tables: tuple[str, ...]) -> Record:
    pool = _Pool(base, tables)
    _BUILDERS[pick(draw, tables)](draw, pool, 1)
    return pool.records[0]


@st.composite
def _batches(
    draw: Draw, base: _Base, tables: tuple[str, ...], min_size: int, max_size: int
) -> tuple[Record, ...]:
    pool = _Pool(base, tables)
    size = draw(st.integers(min_size, max_size))
    while len(pool.records) < size:
        possible = _possible(pool, tables)
        if not possible:
            break  # the dataset leaves no room for more (every township has its plan, …)
        _BUILDERS[pick(draw, possible)](draw, pool, size - len(pool.records))
    return tuple(pool.records)


def records_for(
    dataset: Dataset, *, tables: str | Iterable[str] = RECORD_KINDS
) -> st.SearchStrategy[Record]:
    """One new record for ``dataset``: by default a solicitation, donation, disbursement or
    activity; ``tables`` selects among every table but the campaign (:data:`RECORD_TABLES`).

    Its id (or synthetic key: a township's work plan, a village's exit plan on a day, a
    pairing, a waiver's code and subject) is new, and every id it refers to is one of the
    dataset's, of the right table, so ``dataset.add(record)`` and ``admit(dataset, record, …)``
    accept it; whether it breaks a rule is drawn too. A waiver names a registered rule
    (``CP101``…, ``RK001``…) and an id of the dataset (or the campaign) as its subject. A
    table the dataset leaves no room for (a donation with no fund or no donor, a work plan
    when every township has one) is left out; if none is left, this raises
    :class:`~hypothesis.errors.InvalidArgument`. ``tables="donations"`` is that one table.

    To be sure of room, draw the dataset with the ``min_`` options of
    :func:`~reliefkit.testing.datasets`: ``datasets(min_funds=1)`` always leaves room for a
    disbursement or an audit, and ``datasets(min_funds=1, min_donors=1)`` for a donation.
    """
    base = _Base(_check_dataset(dataset))
    chosen = _check_tables(tables)
    possible = tuple(_possible(_Pool(base, chosen), chosen))
    if not possible:
        raise InvalidArgument(
            f"tables={tables!r}: the dataset has nothing these records could refer to"
        )
    return _one_record(base, possible)


def record_batches_for(
    dataset: Dataset,
    *,
    tables: str | Iterable[str] = RECORD_TABLES,
    min_size: int = 1,
    max_size: int = 4,
) -> st.SearchStrategy[tuple[Record, ...]]:
    """Batches of new records of mixed types that ``dataset.add(*batch)`` accepts as one change.

    Each record is drawn as by :func:`records_for`, but may also refer to records earlier in
    its batch, and often does: a new township with its main leader and work plan, a new poor
    village with its work team, a donation into a fund the batch opened. (A township's main
    leader may come right after the township, as the two refer to each other.) No id or
    synthetic key is taken twice. A batch holds ``min_size`` to ``max_size`` records of the
    ``tables`` selected, fewer only when the dataset leaves no room for more. Types are
    chosen among ``tables`` in the order given, shrinking towards the first.
    """
    base = _Base(_check_dataset(dataset))
    chosen = _check_tables(tables)
    for name, value in (("min_size", min_size), ("max_size", max_size)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise InvalidArgument(f"{name}={value!r}: expected a non-negative int")
    if min_size > max_size:
        raise InvalidArgument(f"min_size={min_size!r}: more than max_size={max_size!r}")
    if max_size and not _possible(_Pool(base, chosen), chosen):
        raise InvalidArgument(
            f"tables={tables!r}: the dataset has nothing these records could refer to"
        )
    return _batches(base, chosen, min_size, max_size)


__all__ = ["RECORD_KINDS", "RECORD_TABLES", "record_batches_for", "records_for", "waiver_codes"]
