"""A mutable draft of a campaign: tables as lists, fresh ids, the look-ups the generators need,
and helpers that add compliant pieces (a township, a drive, a fund with its audit, …).

Strategies build a draft, then freeze it with :meth:`Draft.build`; violation recipes start from
a compliant draft and change a few records. Look-ups are linear scans: drafts are small.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from types import EllipsisType
from typing import Any, TypeVar

import attrs
import pendulum
from hypothesis import strategies as st

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
)
from reliefkit.testing._draw import (
    Draw,
    amount,
    day,
    maybe,
    maybe_day,
    maybe_flag,
    person_name,
    pick,
    some,
)
from reliefkit.testing._strategies import (
    COMPLIANT_HOLDERS,
    DEC_31,
    DEPARTMENT_NAMES,
    FUND_NAMES,
    ORGANISATION_NAMES,
    PERMITTED_PURPOSES,
    PLACES,
    POVERTY_DAY,
    PROJECT_SUFFIXES,
    TOWNSHIP_NAMES,
    VILLAGE_NAMES,
    YEAR,
    make_donor,
)

T = TypeVar("T")

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


def donor_name(draw: Draw, kind: DonorKind) -> str:
    """A name fitting a donor's kind."""
    if kind.is_person:
        return person_name(draw)
    return pick(draw, ORGANISATION_NAMES[kind])


def fen(amount: Money | None) -> int:
    """An amount in fen (``None`` is zero)."""
    return 0 if amount is None else amount.in_fen


@attrs.define
class Ledger:
    """A fund's totals in fen, as the county plan's reading notes define them."""

    received: int
    disbursed: int
    undesignated: int
    designated: dict[str, int]
    spent: dict[str, int]
    spent_other: int
    last_movement: pendulum.Date | None


@attrs.define
class Draft:
    """A campaign under construction: one list per table and the set of ids in use."""

    campaign: Campaign
    tables: dict[str, list[Any]]
    used: set[str]

    # ---- construction -------------------------------------------------------------------
    @classmethod
    def empty(cls, campaign: Campaign) -> Draft:
        """A draft with only the campaign."""
        return cls(campaign, {t: [] for t in TABLES if t != "campaign"}, {campaign.id})

    @classmethod
    def of(cls, dataset: Dataset) -> Draft:
        """A draft holding a copy of a dataset's tables."""
        tables = {t: list(rows) for t, rows in dataset.tables().items() if t != "campaign"}
        used = {dataset.campaign.id} | {r.id for rows in tables.values() for r in rows}
        return cls(dataset.campaign, tables, used)

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

    def add(self, record: T) -> T:
        """Append a record to its table."""
        self.tables[type(record).table].append(record)  # type: ignore[attr-defined]
        self.used.add(record.id)  # type: ignore[attr-defined]
        return record

    def replace(self, old: Any, **changes: Any) -> Any:
        """Replace ``old`` (by identity) with a copy carrying ``changes``."""
        rows = self.tables[type(old).table]
        new = attrs.evolve(old, **changes)
        rows[next(i for i, r in enumerate(rows) if r is old)] = new
        return new

    def remove(self, *records: Any) -> None:
        """Remove records (by identity)."""
        for record in records:
            rows = self.tables[type(record).table]
            rows[:] = [r for r in rows if r is not record]

    # ---- look-ups -----------------------------------------------------------------------
    def rows(self, table: str) -> list[Any]:
        """The records of one table."""
        return self.tables[table]

    def get(self, record_id: str | None) -> Any:
        """The record with this id, or ``None``."""
        if record_id is None:
            return None
        for table, rows in self.tables.items():
            if table in ("pairings", "exit_plans", "work_plans", "waivers"):
                continue
            for r in rows:
                if r.id == record_id:
                    return r
        return None

    def table_of(self, record_id: str | None) -> str | None:
        """The table holding this id."""
        found = self.get(record_id)
        return None if found is None else str(type(found).table)

    @property
    def townships(self) -> list[Township]:
        """Every township."""
        return self.tables["townships"]

    @property
    def departments(self) -> list[Department]:
        """Every department."""
        return self.tables["departments"]

    def units(self) -> list[str]:
        """Ids of every township and department."""
        return [t.id for t in self.townships] + [d.id for d in self.departments]

    def villages_in(self, township_id: str) -> list[Village]:
        """Villages of a township."""
        return [v for v in self.tables["villages"] if v.township_id == township_id]

    def township_of(self, village_id: str | None) -> str | None:
        """The township of a village."""
        village = self.get(village_id)
        return village.township_id if isinstance(village, Village) else None

    def poor_villages(self) -> list[Village]:
        """Every poor village."""
        return [v for v in self.tables["villages"] if v.poor]

    def poor_households(self) -> list[Household]:
        """Every registered poor household."""
        return [h for h in self.tables["households"] if h.registered_poor]

    def people_in(self, unit_id: str) -> list[Person]:
        """People of a unit."""
        return [p for p in self.tables["people"] if p.unit_id == unit_id]

    def county_leaders(self) -> list[Person]:
        """People whose role is county leader."""
        return [p for p in self.tables["people"] if p.role is Role.COUNTY_LEADER]

    def activities(self, *kinds: ActivityKind) -> list[Activity]:
        """Activities of the given kinds (all when none given)."""
        return [a for a in self.tables["activities"] if not kinds or a.kind in kinds]

    def department_of_sector(self, sector: Sector) -> Department | None:
        """The first department of a sector."""
        return next((d for d in self.departments if d.sector is sector), None)

    def is_paired(self, department_id: str, township_id: str) -> bool:
        """A pairing with the township or one of its villages (CP101's exemption)."""
        partners = {township_id} | {v.id for v in self.villages_in(township_id)}
        return any(
            p.department_id == department_id and p.partner_id in partners
            for p in self.tables["pairings"]
        )

    def resolve(self, target_id: str) -> str:
        """What a solicitation target stands for: a cadre or unit donor's unit, else itself."""
        donor = self.get(target_id)
        if (
            isinstance(donor, Donor)
            and donor.kind in (DonorKind.CADRE, DonorKind.UNIT)
            and donor.unit_id is not None
        ):
            return donor.unit_id
        return target_id

    def drive_organizer(self, solicitation: Solicitation) -> str:
        """Who organised the drive a solicitation belongs to (CP102 leaves out self-drives)."""
        activity = self.get(solicitation.activity_id)
        organizer = activity.organizer_id if isinstance(activity, Activity) else None
        return organizer or solicitation.organizer_id

    def solicitations_of(self, target: str) -> list[Solicitation]:
        """Solicitations whose target resolves to ``target``, from drives it did not organise."""
        return [
            s
            for s in self.tables["solicitations"]
            if self.resolve(s.target_id) == target and self.drive_organizer(s) != target
        ]

    def drives_soliciting(self, target: str) -> set[str]:
        """The drives (other than its own) that solicited a resolved target."""
        return {s.activity_id for s in self.solicitations_of(target)}

    def ledger(self, fund_id: str) -> Ledger:
        """The fund's ledger (reading notes: D[k], U, S[k], S_other), in fen."""
        designated: defaultdict[str, int] = defaultdict(int)
        undesignated = received = 0
        last: pendulum.Date | None = None
        for d in self.tables["donations"]:
            if d.fund_id != fund_id:
                continue
            received += fen(d.amount)
            if d.designation is None:
                undesignated += fen(d.amount)
            else:
                designated[d.designation] += fen(d.amount)
            last = d.on if last is None or d.on > last else last
        spent: defaultdict[str, int] = defaultdict(int)
        other = disbursed = 0
        for b in self.tables["disbursements"]:
            if b.fund_id != fund_id:
                continue
            disbursed += fen(b.amount)
            key = paid_to(b, designated)
            if key is None:
                other += fen(b.amount)
            else:
                spent[key] += fen(b.amount)
            last = b.on if last is None or b.on > last else last
        return Ledger(received, disbursed, undesignated, dict(designated), dict(spent), other, last)

    def reaches_poor(self, project_id: str | None, village_id: str | None,
                     household_id: str | None) -> bool:  # fmt: skip
        """CP119: a project in a poor village, a poor village, or a registered poor household."""
        project = self.get(project_id)
        village = self.get(project.village_id if isinstance(project, Project) else None)
        direct = self.get(village_id)
        household = self.get(household_id)
        return (
            (isinstance(village, Village) and village.poor)
            or (isinstance(direct, Village) and direct.poor)
            or (isinstance(household, Household) and household.registered_poor)
        )

    # ---- compliant additions ------------------------------------------------------------
    def add_person(self, draw: Draw, unit_id: str, role: Role) -> Person:
        """A new person of a unit."""
        return self.add(
            Person(id=self.new_id("P"), name=person_name(draw), unit_id=unit_id, role=role)
        )

    def add_department(self, draw: Draw, sector: Sector | None = None) -> Department:
        """A new department (of ``sector``, or any sector but audit and leading group)."""
        if sector is None:
            sector = pick(draw, PLAIN_SECTORS)
        return self.add(
            Department(id=self.new_id("D"), name=DEPARTMENT_NAMES[sector], sector=sector)
        )

    def add_village(self, draw: Draw, township_id: str, *, poor: bool = False) -> Village:
        """A new village; a poor one gets a work team and an exit plan so it stays compliant."""
        village = self.add(
            Village(
                id=self.new_id("V"),
                name=pick(draw, VILLAGE_NAMES),
                township_id=township_id,
                poor=poor,
            )
        )
        if poor:
            self.add_team(draw, village.id)
            self.add_exit_plan(draw, village.id)
        return village

    def add_team(self, draw: Draw, village_id: str) -> None:
        """A work team whose period overlaps the campaign (CP109)."""
        from reliefkit.models import WorkTeam

        c = self.campaign
        start = day(draw, pendulum.Date(YEAR, 1, 1), c.ends_on)
        end = maybe_day(draw, max(start, c.starts_on), DEC_31)
        self.add(
            WorkTeam(
                id=self.new_id("W"),
                village_id=village_id,
                dispatched_by=maybe(draw, self.units()),
                leader_id=None,
                members=draw(st.integers(1, 6)),
                starts_on=start,
                ends_on=end,
            )
        )

    def add_exit_plan(self, draw: Draw, village_id: str) -> None:
        """An exit plan adopted by the campaign's end (CP111)."""
        from reliefkit.models import ExitPlan

        self.add(
            ExitPlan(
                village_id=village_id,
                adopted_on=day(draw, pendulum.Date(YEAR, 1, 1), self.campaign.ends_on),
            )
        )

    def add_ceremony(self, draw: Draw, township: Township) -> Activity:
        """A compliant ceremony: on time, in the seat, the main leader leading or taking part."""
        leader = township.main_leader_id
        assert leader is not None
        led = draw(st.booleans())
        others = [p.id for p in self.people_in(township.id) if p.id != leader]
        participants = some(draw, others, 2) if others else []
        if not led:
            participants = [leader, *participants]
        local = [v.id for v in self.villages_in(township.id)]
        return self.add(
            Activity(
                id=self.new_id("CE"),
                kind=ActivityKind.CEREMONY,
                organizer_id=township.id,
                township_id=pick(draw, [township.id, None]),
                on=day(draw, pendulum.Date(YEAR, 10, 1), POVERTY_DAY),
                place=pick(draw, PLACES),
                populous=True,
                in_seat=True,
                led_by=leader if led else None,
                participants=tuple(participants),
                villages=tuple(some(draw, local, 2)) if local else (),
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
                name=pick(draw, names),
                kind=pick(draw, TownshipKind),
                main_leader_id=leader.id,
            )
        )
        self.add(
            WorkPlan(
                township_id=township_id,
                responsible_person_id=leader.id,
                tasks=draw(st.integers(1, 8)),
            )
        )
        for _ in range(villages):
            self.add_village(draw, township_id)
        self.add_ceremony(draw, township)
        return township

    def add_drive(self, draw: Draw, organizer: str) -> Activity:
        """A donation drive of a unit, held in its own township when a township organises it."""
        if self.table_of(organizer) == "townships":
            place = pick(draw, [organizer, None])
        else:
            place = maybe(draw, [t.id for t in self.townships])
        return self.add(
            Activity(
                id=self.new_id("DR"),
                kind=ActivityKind.DONATION_DRIVE,
                organizer_id=organizer,
                township_id=place,
                on=day(draw, pendulum.Date(YEAR, 9, 1), pendulum.Date(YEAR, 10, 31)),
            )
        )

    def add_activity(self, draw: Draw, kind: ActivityKind, organizer: str | None) -> Activity:
        """A plain activity of ``kind`` in the organiser's own township when it is one."""
        if organizer is not None and self.table_of(organizer) == "townships":
            place: str | None = pick(draw, [organizer, None])
        else:
            place = maybe(draw, [t.id for t in self.townships])
        return self.add(
            Activity(
                id=self.new_id({"hometown_return": "HR", "charity": "CH"}.get(kind.value, "A")),
                kind=kind,
                organizer_id=organizer,
                township_id=place,
                on=day(draw, pendulum.Date(YEAR, 9, 1), pendulum.Date(YEAR, 11, 30)),
                place=maybe(draw, PLACES),
            )
        )

    def add_donor(self, draw: Draw, kind: DonorKind | None = None, **fields: Any) -> Donor:
        """A new donor (of ``kind``, or any kind that is not a unit)."""
        if kind is None:
            kind = pick(draw, NON_UNIT_KINDS)
        if kind in (DonorKind.CADRE, DonorKind.UNIT):
            fields.setdefault("unit_id", pick(draw, self.units()))
        if kind is DonorKind.LOCAL_NOTABLE:
            fields.setdefault("home_township_id", pick(draw, [t.id for t in self.townships]))
        fields.setdefault("publicity_consent", maybe_flag(draw))
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
        if published_on is True:
            published_on = day(draw, pendulum.Date(YEAR, 6, 1), pendulum.Date(YEAR, 9, 30))
        village = self.get(village_id)
        return self.add(
            Project(
                id=self.new_id("J"),
                name=f"{village.name}{pick(draw, PROJECT_SUFFIXES)}",
                purpose=pick(draw, PERMITTED_PURPOSES),
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
                name=pick(draw, FUND_NAMES),
                holder=pick(draw, COMPLIANT_HOLDERS),
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
        badge: bool | EllipsisType | None = ...,
        on: pendulum.Date | None = None,
    ) -> Donation:
        """A donation into a fund (a badge when given in an activity, unless ``badge`` says)."""
        if donor_id is None:
            donor_id = self.add_donor(draw).id
        return self.add(
            Donation(
                id=self.new_id("N"),
                donor_id=donor_id,
                fund_id=fund_id,
                activity_id=activity_id,
                amount=Money.fen(amount_fen),
                goods=None,
                # Money moves within the campaign, so its audit can fall due at the end (CP118).
                on=min(
                    on or day(draw, self.campaign.starts_on, pendulum.Date(YEAR, 11, 30)),
                    self.campaign.ends_on,
                ),
                designated_project_id=project_id,
                designated_village_id=village_id,
                badge=(activity_id is not None) if badge is ... else badge,
                receipt=True,
            )
        )

    def add_disbursement(
        self,
        draw: Draw,
        fund_id: str,
        amount_fen: int,
        target: tuple[str | None, str | None, str | None],
        *,
        purpose: str | None = None,
    ) -> Disbursement:
        """A disbursement to ``(project, village, household)`` for a permitted purpose."""
        project_id, village_id, household_id = target
        if purpose is None:
            project = self.get(project_id)
            purpose = (
                project.purpose
                if isinstance(project, Project) and project.purpose
                else pick(draw, PERMITTED_PURPOSES)
            )
        return self.add(
            Disbursement(
                id=self.new_id("B"),
                fund_id=fund_id,
                amount=Money.fen(amount_fen),
                purpose=purpose,
                project_id=project_id,
                village_id=village_id,
                household_id=household_id,
                on=day(
                    draw,
                    pendulum.Date(YEAR, 10, 1),
                    min(pendulum.Date(YEAR, 12, 20), self.campaign.ends_on),
                ),
            )
        )

    def add_audit(self, draw: Draw, fund_id: str, auditor_id: str | None = None) -> Audit:
        """An audit by the audit department matching the fund's ledger, after its last movement
        and by the campaign's last day (CP118)."""
        book = self.ledger(fund_id)
        if auditor_id is None:
            auditor = self.department_of_sector(Sector.AUDIT) or self.add_department(
                draw, Sector.AUDIT
            )
            auditor_id = auditor.id
        start = book.last_movement or self.campaign.starts_on
        return self.add(
            Audit(
                id=self.new_id("AUD"),
                fund_id=fund_id,
                auditor_id=auditor_id,
                on=day(draw, start, max(start, self.campaign.ends_on)),
                received_total=Money.fen(book.received),
                disbursed_total=Money.fen(book.disbursed),
            )
        )

    def reaches(
        self, draw: Draw, avoid: Iterable[str] = ()
    ) -> tuple[str | None, str | None, str | None]:
        """A ``(project, village, household)`` target reaching the poor (CP119) that pays to no
        designation in ``avoid`` (a project, village or household alone, never two)."""
        avoid = set(avoid)
        options: list[tuple[str | None, str | None, str | None]] = []
        poor = {v.id for v in self.poor_villages()}
        options += [
            (p.id, None, None)
            for p in self.tables["projects"]
            if p.village_id in poor and not p.government_obligated and p.id not in avoid
        ]
        options += [(None, v, None) for v in sorted(poor) if v not in avoid]
        options += [(None, None, h.id) for h in self.poor_households()]
        if not options:
            village = self.poor_villages()[0].id
            options.append((self.add_project(draw, village).id, None, None))
        return pick(draw, options)

    def amount(self, draw: Draw, low: int = 100, high: int = 2_000_000) -> int:
        """A plausible amount in fen."""
        return amount(draw, low, high)


def paid_to(disbursement: Disbursement, designations: Iterable[str]) -> str | None:
    """The designation a disbursement pays: its project if designated, else its village."""
    keys = set(designations)
    if disbursement.project_id is not None and disbursement.project_id in keys:
        return disbursement.project_id
    if disbursement.village_id is not None and disbursement.village_id in keys:
        return disbursement.village_id
    return None


def pairing(department_id: str, partner_id: str) -> Pairing:
    """A pairing without a start date."""
    return Pairing(department_id=department_id, partner_id=partner_id)
