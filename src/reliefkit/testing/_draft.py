"""A mutable draft of a campaign: tables as lists, fresh ids, the rules' query protocol, and
helpers that add compliant pieces (a township, a drive, a fund with its audit, …).

Strategies build a draft, then freeze it with :meth:`Draft.build`; recipes (in the rules'
modules, see :mod:`reliefkit.rules.recipes`) start from a compliant draft and change a few
records. The draft answers the rules' queries itself (it is a
:class:`~reliefkit.models.Queries`): unit resolution, pairing, ledgers and designation targets
are the rules' own functions, called on it, never re-implemented here. Look-ups are linear
scans: drafts are small.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

import attrs
import pendulum

from reliefkit.models import (
    TABLES,
    Activity,
    ActivityKind,
    Audit,
    Campaign,
    Dataset,
    Department,
    Disbursement,
    Donation,
    Donor,
    DonorKind,
    ExitPlan,
    Fund,
    Household,
    Money,
    Pairing,
    Person,
    Project,
    Role,
    Sector,
    Solicitation,
    Township,
    TownshipKind,
    Village,
    WorkPlan,
    WorkTeam,
)
from reliefkit.models._dataset import _GROUPINGS
from reliefkit.models._records import KEYED_TABLES
from reliefkit.rules import recipes, target_of
from reliefkit.rules.recipes import Target
from reliefkit.testing._strategies import (
    COMPLIANT_HOLDERS,
    DEC_31,
    DEPARTMENT_NAMES,
    FUND_NAMES,
    GIVEN_NAMES,
    ORGANISATION_NAMES,
    PERMITTED_PURPOSES,
    PLACES,
    PROJECT_SUFFIXES,
    SURNAMES,
    TOWNSHIP_NAMES,
    VILLAGE_NAMES,
    YEAR,
    make_donor,
)

R = TypeVar("R")
Draw = recipes.Draw

# Donor kinds that never stand for a unit (CP101, CP102 treat them as themselves).
NON_UNIT_KINDS = (
    DonorKind.PRIVATE_ENTERPRISE,
    DonorKind.STATE_ENTERPRISE,
    DonorKind.FOREIGN_ENTERPRISE,
    DonorKind.INDIVIDUAL,
    DonorKind.RESIDENT,
    DonorKind.SOCIAL_ORGANIZATION,
)
# Sectors with no special meaning to the rules.
PLAIN_SECTORS = tuple(s for s in Sector if s not in (Sector.AUDIT, Sector.LEADING_GROUP))
# Activities that raise money: donations may name them.
GIVING_KINDS = (ActivityKind.DONATION_DRIVE, ActivityKind.HOMETOWN_RETURN, ActivityKind.CHARITY)
# Grouping index name -> (table, field), as the dataset's indexes define them.
_GROUP_OF = {name: (table, field) for name, table, field in _GROUPINGS}
_KEYED = frozenset(KEYED_TABLES)


def donor_name(draw: Draw, kind: DonorKind) -> str:
    """A name fitting a donor's kind."""
    if kind.is_person:
        return person_name(draw)
    return draw.pick(ORGANISATION_NAMES[kind])


def person_name(draw: Draw) -> str:
    """A Chinese personal name."""
    return draw.pick(SURNAMES) + draw.pick(GIVEN_NAMES)


def probe(target: Target) -> Disbursement:
    """A disbursement to ``target`` that is not recorded: what the designation queries read."""
    project_id, village_id, household_id = target
    return Disbursement(
        id="~probe",
        fund_id="~probe",
        amount=Money.zero(),
        purpose=None,
        project_id=project_id,
        village_id=village_id,
        household_id=household_id,
        on=pendulum.Date(YEAR, 1, 1),
    )


@attrs.define(eq=False)
class Draft(recipes.Draft):
    """A campaign under construction: one list per table, the ids in use, and the pack
    parameters the campaign is to comply with."""

    campaign: Campaign
    tables: dict[str, list[Any]]
    used: set[str]
    params: Mapping[str, Any] = attrs.field(factory=dict)
    codes: frozenset[str] = frozenset()
    _by_id: dict[str, Any] = attrs.field(init=False, factory=dict)

    def __attrs_post_init__(self) -> None:
        for table, rows in self.tables.items():
            if table in _KEYED:
                for record in rows:
                    self._by_id.setdefault(record.id, record)

    # ---- construction -------------------------------------------------------------------
    @classmethod
    def empty(cls, campaign: Campaign, params: Mapping[str, Any], codes: Iterable[str]) -> Draft:
        """A draft with only the campaign, to comply with the pack parameters ``params`` and
        to be checked against the rules ``codes``."""
        tables: dict[str, list[Any]] = {t: [] for t in TABLES if t != "campaign"}
        return cls(campaign, tables, {campaign.id}, dict(params), frozenset(codes))

    def build(self) -> Dataset:
        """Freeze the draft into a :class:`Dataset` (checking every reference)."""
        return Dataset.build(self.campaign, **self.tables)

    def new_id(self, prefix: str) -> str:
        """The first id ``prefix1``, ``prefix2``, … not yet in use (and reserve it)."""
        n = 1
        while f"{prefix}{n}" in self.used:
            n += 1
        record_id = f"{prefix}{n}"
        self.used.add(record_id)
        return record_id

    def add(self, record: R) -> R:
        """Append a record to its table."""
        added: Any = record
        table = type(added).table
        self.tables[table].append(added)
        self.used.add(added.id)
        if table in _KEYED:
            self._by_id.setdefault(added.id, added)
        return record

    def replace(self, old: R, **changes: Any) -> R:
        """Replace ``old`` (by identity) with a copy carrying ``changes``."""
        was: Any = old
        table = type(was).table
        rows = self.tables[table]
        new: Any = attrs.evolve(was, **changes)
        rows[next(i for i, r in enumerate(rows) if r is was)] = new
        if table in _KEYED and self._by_id.get(new.id) is was:
            self._by_id[new.id] = new
        return new  # type: ignore[no-any-return]  # the same type as ``old``

    def remove(self, *records: Any) -> None:
        """Remove records (by identity); their ids stay reserved."""
        for record in records:
            table = type(record).table
            rows = self.tables[table]
            rows[:] = [r for r in rows if r is not record]
            key = record.id
            if table in _KEYED and self._by_id.get(key) is record:
                del self._by_id[key]

    def param(self, name: str) -> Any:
        """The value of a pack parameter the campaign complies with."""
        return self.params[name]

    def rule_codes(self) -> frozenset[str]:
        """Codes of the rules the campaign is checked against."""
        return self.codes

    # ---- the query protocol ---------------------------------------------------------------
    def rows(self, table: str) -> tuple[Any, ...]:
        """The records of one table."""
        if table == "campaign":
            return (self.campaign,)
        return tuple(self.tables[table])

    def get(self, record_id: str | None) -> Any:
        """The record with this id, or ``None``."""
        return None if record_id is None else self._by_id.get(record_id)

    def table_of(self, record_id: str | None) -> str | None:
        """The table holding this id."""
        found = self.get(record_id)
        return None if found is None else str(type(found).table)

    def group(self, name: str, key: Any) -> tuple[Any, ...]:
        """Records of a grouping index under ``key`` (a scan: drafts are small)."""
        table, field = _GROUP_OF[name]
        return tuple(r for r in self.tables[table] if getattr(r, field) == key)

    def is_paired(self, department_id: str, partner_id: str) -> bool:
        """Whether a pairing joins exactly these two."""
        return any(
            p.department_id == department_id and p.partner_id == partner_id
            for p in self.tables["pairings"]
        )

    # ---- look-ups -----------------------------------------------------------------------
    @property
    def townships(self) -> list[Township]:
        """Every township."""
        return self.tables["townships"]

    @property
    def departments(self) -> list[Department]:
        """Every department."""
        return self.tables["departments"]

    def people_in(self, unit_id: str) -> tuple[Person, ...]:
        """People of a unit."""
        return self.group("people_by_unit", unit_id)

    def township_of(self, village_id: str | None) -> str | None:
        """The township of a village."""
        village = self.get(village_id)
        return village.township_id if isinstance(village, Village) else None

    def county_leaders(self) -> list[Person]:
        """People whose role is county leader."""
        return [p for p in self.tables["people"] if p.role is Role.COUNTY_LEADER]

    def activities(self, *kinds: ActivityKind) -> list[Activity]:
        """Activities of the given kinds (all when none given)."""
        return [a for a in self.tables["activities"] if not kinds or a.kind in kinds]

    def department_of_sector(self, sector: Sector | str) -> Department | None:
        """The first department of a sector."""
        return next((d for d in self.departments if d.sector == sector), None)

    def pays_to(self, target: Target, designations: Iterable[str]) -> str | None:
        """The designation a disbursement to ``target`` would pay (the rules' reading)."""
        return target_of(self, probe(target), set(designations))

    # ---- the dates a compliant campaign keeps (from the pack's parameters) -----------------
    def ceremony_deadline(self) -> pendulum.Date:
        """The last day a ceremony is on time (Poverty Alleviation Day, inclusive or not)."""
        deadline = self.date_in_year(self.param("poverty_day"))
        return deadline if self.param("ceremony_deadline_inclusive") else deadline.subtract(days=1)

    def visit_window(self) -> tuple[pendulum.Date, pendulum.Date]:
        """The window of county leaders' visits."""
        start, end = self.param("visit_window")
        return self.date_in_year(start), self.date_in_year(end)

    def money_until(self) -> pendulum.Date:
        """The last day money may move: the campaign's end, and the audits' due day."""
        return min(self.campaign.ends_on, self.due("audit_due"))

    def purposes(self) -> tuple[str, ...]:
        """The purposes a compliant disbursement may name (permitted, nothing else)."""
        permitted = set(self.param("permitted_purposes"))
        permitted -= set(self.param("other_expense_purposes"))
        permitted -= set(self.param("government_purposes"))
        known = [p for p in PERMITTED_PURPOSES if p in permitted]
        return (*known, *sorted(permitted - set(known)))

    # ---- compliant additions ------------------------------------------------------------
    def add_person(self, draw: Draw, unit_id: str, role: Role) -> Person:
        """A new person of a unit."""
        return self.add(
            Person(id=self.new_id("P"), name=person_name(draw), unit_id=unit_id, role=role)
        )

    def add_department(self, draw: Draw, sector: Sector | None = None) -> Department:
        """A new department (of ``sector``, or any sector but audit and leading group)."""
        if sector is None:
            sector = draw.pick(PLAIN_SECTORS)
        return self.add(
            Department(id=self.new_id("D"), name=DEPARTMENT_NAMES[sector], sector=sector)
        )

    def add_village(self, draw: Draw, township_id: str, *, poor: bool = False) -> Village:
        """A new village; a poor one gets a work team and an exit plan so it stays compliant."""
        village = self.add(
            Village(
                id=self.new_id("V"),
                name=draw.pick(VILLAGE_NAMES),
                township_id=township_id,
                poor=poor,
            )
        )
        if poor:
            self.add_team(draw, village.id)
            self.add_exit_plan(draw, village.id)
        return village

    def add_household(
        self, draw: Draw, village_id: str, *, registered_poor: bool = False
    ) -> Household:
        """A new household; a registered poor one has a responsible person (CP110)."""
        responsible = None
        if registered_poor:
            township = self.record(Village, village_id).township_id
            staff = self.people_in(township)
            responsible = (
                draw.pick(staff) if staff else self.add_person(draw, township, Role.CADRE)
            ).id
        return self.add(
            Household(
                id=self.new_id("H"),
                village_id=village_id,
                head_name=person_name(draw),
                members=draw.integers(1, 7),
                registered_poor=registered_poor,
                responsible_person_id=responsible,
            )
        )

    def add_team(self, draw: Draw, village_id: str) -> None:
        """A work team whose period overlaps the campaign (CP109)."""
        c = self.campaign
        start = draw.day(pendulum.Date(c.year, 1, 1), c.ends_on)
        end = draw.day(max(start, c.starts_on), DEC_31) if draw.booleans() else None
        self.add(
            WorkTeam(
                id=self.new_id("W"),
                village_id=village_id,
                dispatched_by=draw.maybe(self.units()),
                leader_id=None,
                members=draw.integers(1, 6),
                starts_on=start,
                ends_on=end,
            )
        )

    def add_exit_plan(self, draw: Draw, village_id: str) -> None:
        """An exit plan adopted by its due day (CP111)."""
        due = self.due("exit_plan_due")
        self.add(
            ExitPlan(
                village_id=village_id,
                adopted_on=draw.day(min(pendulum.Date(self.campaign.year, 1, 1), due), due),
            )
        )

    def add_ceremony(self, draw: Draw, township: Township) -> Activity:
        """A compliant ceremony: on time, in the seat, the main leader leading or taking part."""
        leader = township.main_leader_id
        assert leader is not None
        led = draw.booleans()
        others = [p.id for p in self.people_in(township.id) if p.id != leader]
        participants = draw.subset(others, 2)
        if not led:
            participants = [leader, *participants]
        local = [v.id for v in self.villages_in(township.id)]
        deadline = self.ceremony_deadline()
        return self.add(
            Activity(
                id=self.new_id("CE"),
                kind=ActivityKind.CEREMONY,
                organizer_id=township.id,
                township_id=draw.pick([township.id, None]),
                on=draw.day(deadline.subtract(days=16), deadline),
                place=draw.pick(PLACES),
                populous=True,
                in_seat=True,
                led_by=leader if led else None,
                participants=tuple(participants),
                villages=tuple(draw.subset(local, 2)),
            )
        )

    def add_township(self, draw: Draw, *, villages: int = 1) -> Township:
        """A compliant township: main leader, work plan, ceremony, and non-poor villages."""
        township_id = self.new_id("T")
        leader = self.add_person(draw, township_id, Role.TOWNSHIP_MAIN_LEADER)
        taken = {t.name for t in self.townships}
        names = [n for n in TOWNSHIP_NAMES if n not in taken] or list(TOWNSHIP_NAMES)
        township = self.add(
            Township(
                id=township_id,
                name=draw.pick(names),
                kind=draw.pick(tuple(TownshipKind)),
                main_leader_id=leader.id,
            )
        )
        self.add(
            WorkPlan(
                township_id=township_id,
                responsible_person_id=leader.id,
                tasks=draw.integers(1, 8),
            )
        )
        for _ in range(villages):
            self.add_village(draw, township_id)
        self.add_ceremony(draw, township)
        return township

    def _place_of(self, draw: Draw, organizer: str | None) -> str | None:
        """Where an activity takes place: its organising township (CP103), else anywhere."""
        if organizer is not None and self.table_of(organizer) == "townships":
            return draw.pick([organizer, None])
        return draw.maybe([t.id for t in self.townships])

    def add_drive(self, draw: Draw, organizer: str) -> Activity:
        """A donation drive of a unit, held in its own township when a township organises it."""
        y = self.campaign.year
        return self.add(
            Activity(
                id=self.new_id("DR"),
                kind=ActivityKind.DONATION_DRIVE,
                organizer_id=organizer,
                township_id=self._place_of(draw, organizer),
                on=draw.day(pendulum.Date(y, 9, 1), pendulum.Date(y, 10, 31)),
            )
        )

    def add_activity(self, draw: Draw, kind: ActivityKind, organizer: str | None) -> Activity:
        """A plain activity of ``kind`` in the organiser's own township when it is one."""
        y = self.campaign.year
        return self.add(
            Activity(
                id=self.new_id({"hometown_return": "HR", "charity": "CH"}.get(kind.value, "A")),
                kind=kind,
                organizer_id=organizer,
                township_id=self._place_of(draw, organizer),
                on=draw.day(pendulum.Date(y, 9, 1), pendulum.Date(y, 11, 30)),
                place=draw.maybe(PLACES),
            )
        )

    def add_solicitation(
        self, draw: Draw, activity: Activity, target_id: str, *, organizer: str | None = None
    ) -> Solicitation:
        """A solicitation in ``activity`` by ``organizer`` (the activity's, by default)."""
        organizer = organizer or activity.organizer_id
        if organizer is None:
            raise ValueError(f"activity {activity.id} has no organiser: name the solicitation's")
        return self.add(
            Solicitation(
                id=self.new_id("S"),
                activity_id=activity.id,
                organizer_id=organizer,
                target_id=target_id,
                on=activity.on.add(days=draw.integers(0, 10)),
            )
        )

    def add_donor(self, draw: Draw, kind: DonorKind | None = None, **fields: Any) -> Donor:
        """A new donor (of ``kind``, or any kind that is not a unit)."""
        if kind is None:
            kind = draw.pick(NON_UNIT_KINDS)
        if kind in (DonorKind.CADRE, DonorKind.UNIT):
            fields.setdefault("unit_id", draw.pick(self.units()))
        if kind is DonorKind.LOCAL_NOTABLE:
            fields.setdefault("home_township_id", draw.pick([t.id for t in self.townships]))
        fields.setdefault("publicity_consent", draw.maybe((True, False)))
        return self.add(make_donor(self.new_id("E"), kind, donor_name(draw, kind), **fields))

    def add_project(
        self,
        draw: Draw,
        village_id: str,
        *,
        published_on: pendulum.Date | bool | None = True,
        government_obligated: bool = False,
    ) -> Project:
        """A new project in a village (published before October by default)."""
        y = self.campaign.year
        if published_on is True:
            published_on = draw.day(pendulum.Date(y, 6, 1), pendulum.Date(y, 9, 30))
        village = self.record(Village, village_id)
        return self.add(
            Project(
                id=self.new_id("J"),
                name=f"{village.name}{draw.pick(PROJECT_SUFFIXES)}",
                purpose=draw.pick(self.purposes()),
                village_id=village_id,
                published_on=published_on or None,
                government_obligated=government_obligated,
            )
        )

    def add_fund(self, draw: Draw) -> Fund:
        """A new, empty fund."""
        return self.add(
            Fund(
                id=self.new_id("F"),
                name=draw.pick(FUND_NAMES),
                holder=draw.pick(COMPLIANT_HOLDERS),
            )
        )

    def add_donation(
        self,
        draw: Draw,
        fund_id: str,
        amount_fen: int,
        *,
        donor_id: str | None = None,
        project_id: str | None = None,
        village_id: str | None = None,
        activity_id: str | None = None,
        badge: bool | None = True,
    ) -> Donation:
        """A donation into a fund; money moves within the campaign and before audits fall
        due (CP118)."""
        if donor_id is None:
            donor_id = self.add_donor(draw).id
        until = self.money_until()
        latest = min(pendulum.Date(self.campaign.year, 11, 30), until)
        return self.add(
            Donation(
                id=self.new_id("N"),
                donor_id=donor_id,
                fund_id=fund_id,
                activity_id=activity_id,
                amount=Money.fen(amount_fen),
                goods=None,
                on=draw.day(min(self.campaign.starts_on, latest), latest),
                designated_project_id=project_id,
                designated_village_id=village_id,
                badge=badge,
                receipt=True,
            )
        )

    def add_disbursement(
        self,
        draw: Draw,
        fund_id: str,
        amount_fen: int,
        target: Target,
        *,
        purpose: str | None = None,
    ) -> Disbursement:
        """A disbursement to ``(project, village, household)`` for a permitted purpose."""
        project_id, village_id, household_id = target
        if purpose is None:
            project = self.get(project_id)
            allowed = self.purposes()
            purpose = (
                project.purpose
                if isinstance(project, Project) and project.purpose in allowed
                else draw.pick(allowed)
            )
        until = self.money_until()
        latest = min(pendulum.Date(self.campaign.year, 12, 20), until)
        return self.add(
            Disbursement(
                id=self.new_id("B"),
                fund_id=fund_id,
                amount=Money.fen(amount_fen),
                purpose=purpose,
                project_id=project_id,
                village_id=village_id,
                household_id=household_id,
                on=draw.day(min(pendulum.Date(self.campaign.year, 10, 1), latest), latest),
            )
        )

    def add_audit(self, draw: Draw, fund_id: str) -> Audit:
        """An audit by the audit department matching the fund's ledger, after its last
        movement and by the day audits fall due (CP118)."""
        book = self.ledger(fund_id)
        auditor = self.department_of_sector(Sector.AUDIT) or self.add_department(draw, Sector.AUDIT)
        due = self.due("audit_due")
        start = min(book.last_movement or self.campaign.starts_on, due)
        return self.add(
            Audit(
                id=self.new_id("AUD"),
                fund_id=fund_id,
                auditor_id=auditor.id,
                on=draw.day(start, due),
                received_total=Money(book.received),
                disbursed_total=Money(book.disbursed),
            )
        )

    def add_flow(
        self, draw: Draw, *, target: Target | None = None, purpose: str | None = None
    ) -> Disbursement:
        """A new fund with one undesignated donation, one disbursement within it, its audit."""
        fund = self.add_fund(draw)
        given = draw.amount()
        donors = [e.id for e in self.tables["donors"]]
        donor = recipes.reuse(draw, donors, lambda: self.add_donor(draw).id)
        self.add_donation(draw, fund.id, given, donor_id=donor)
        paid = self.add_disbursement(
            draw, fund.id, draw.integers(1, given), target or self.reaches(draw), purpose=purpose
        )
        self.add_audit(draw, fund.id)
        return paid

    def reaches(self, draw: Draw, avoid: Iterable[str] = ()) -> Target:
        """A ``(project, village, household)`` target reaching the poor (CP119) that pays to no
        designation in ``avoid``, by the rules' own reading (a project, village or household
        alone, never two); a new poor village when every poor place is designated."""
        options = self.reaching(avoid)
        if not options:  # every poor place is designated: a new poor village is not
            township = draw.pick([t.id for t in self.townships])
            options.append((None, self.add_village(draw, township, poor=True).id, None))
        return draw.pick(options)

    def reaching(self, avoid: Iterable[str] = ()) -> list[Target]:
        """Every target :meth:`reaches` may pick among the places there are (none when every
        poor place is designated in ``avoid``)."""
        avoid = set(avoid)
        poor = {v.id for v in self.poor_villages()}
        options: list[Target] = [
            (p.id, None, None)
            for p in self.tables["projects"]
            if p.village_id in poor and not p.government_obligated
        ]
        options += [(None, v, None) for v in sorted(poor)]
        options += [(None, None, h.id) for h in self.poor_households()]
        return [t for t in options if self.pays_to(t, avoid) is None]


def pairing(department_id: str, partner_id: str) -> Pairing:
    """A pairing without a start date."""
    return Pairing(department_id=department_id, partner_id=partner_id)
