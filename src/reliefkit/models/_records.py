"""The records of a campaign: one frozen attrs class per file of the interchange format.

Field names are the format's column names. Records refer to each other by id; the
:class:`~reliefkit.models.Dataset` checks that those ids exist.
"""

from __future__ import annotations

from typing import Any, ClassVar

import attrs
import pendulum

from reliefkit._privacy import (
    mask_name,
    mask_name_repr,
    mask_resident_id_repr,
    masked_repr,
    resident_id_problem,
)
from reliefkit.exceptions import InvalidValueError
from reliefkit.models._enums import (
    ActivityKind,
    DonorKind,
    FundHolder,
    PledgeKind,
    Role,
    Sector,
    TownshipKind,
)
from reliefkit.models._fields import choice, count, date, flag, ids, key, money, ref, text
from reliefkit.models._money import Money

UNITS = ("townships", "departments")


@attrs.frozen(kw_only=True)
class Campaign:
    """One Poverty Alleviation Day campaign: the folder's single ``campaign.csv`` row."""

    table: ClassVar[str] = "campaign"
    id: str = key()
    name: str | None = text()
    year: int = count(minimum=2014, maximum=2100)
    county: str | None = text()
    starts_on: pendulum.Date = date()
    ends_on: pendulum.Date = date(not_before="starts_on")

    @year.validator
    def _year_in_period(self, _: attrs.Attribute[Any], value: int) -> None:
        # Its dates (17 October, the visit window) follow the year, so the year must lie in
        # the campaign's period: a 2014 campaign running in 2015 is a typing error.
        if not self.starts_on.year <= value <= self.ends_on.year:
            raise InvalidValueError(
                f"Campaign.year={value!r}: outside the campaign's period "
                f"({self.starts_on.isoformat()} to {self.ends_on.isoformat()})"
            )

    @property
    def poverty_day(self) -> pendulum.Date:
        """17 October of the campaign year (扶贫日)."""
        return pendulum.Date(self.year, 10, 17)

    @property
    def edition(self) -> int:
        """Which Poverty Alleviation Day this is (the first was 2014)."""
        return self.year - 2013

    @property
    def idep_edition(self) -> int:
        """Which International Day for the Eradication of Poverty this is (first 1993)."""
        return self.year - 1992


@attrs.frozen(kw_only=True)
class Township:
    """A township, town or subdistrict (乡镇 / 街道)."""

    table: ClassVar[str] = "townships"
    id: str = key()
    name: str | None = text()
    kind: TownshipKind = choice(TownshipKind)
    main_leader_id: str | None = ref(refs=("people",))


@attrs.frozen(kw_only=True)
class Department:
    """A county department (部门)."""

    table: ClassVar[str] = "departments"
    id: str = key()
    name: str | None = text()
    sector: Sector = choice(Sector)


@attrs.frozen(kw_only=True)
class Person:
    """A person with a role in a unit. The name is personal data."""

    table: ClassVar[str] = "people"
    id: str = key()
    name: str | None = text(personal=True, repr=mask_name_repr)
    unit_id: str = key(refs=UNITS)
    role: Role = choice(Role)


@attrs.frozen(kw_only=True)
class Village:
    """A village (村) in a township; ``poor`` marks a registered poor village."""

    table: ClassVar[str] = "villages"
    id: str = key()
    name: str | None = text()
    township_id: str = key(refs=("townships",))
    poor: bool = flag(default=False)


def _none_if_empty(value: str | None) -> str | None:
    return None if value == "" else value


def _check_resident_id(inst: object, attr: attrs.Attribute[Any], value: object) -> None:
    """GB 11643: shape, date of birth, ISO 7064 MOD 11-2 check character, ASCII digits."""
    if value is None:
        return
    if not isinstance(value, str):
        kind = type(value).__name__
        raise InvalidValueError(f"Household.resident_id: expected text, not {kind}")
    problem = resident_id_problem(value)
    if problem is not None:
        # The value itself is personal data: say its length, never its digits.
        raise InvalidValueError(
            f"Household.resident_id=<{len(value)} characters, masked>: not a resident ID "
            f"number (GB 11643): expected {problem}"
        )


@attrs.frozen(kw_only=True)
class Household:
    """A household; ``registered_poor`` marks a registered poor household (建档立卡).

    ``head_name`` and ``resident_id`` are personal data and masked in the repr.
    """

    table: ClassVar[str] = "households"
    id: str = key()
    village_id: str = key(refs=("villages",))
    head_name: str | None = text(personal=True, repr=mask_name_repr)
    resident_id: str | None = attrs.field(
        default=None,
        converter=_none_if_empty,
        validator=_check_resident_id,
        repr=mask_resident_id_repr,
        metadata={"cell": "resident_id", "required": False, "refs": (), "personal": True},
    )
    members: int | None = count(minimum=1, maximum=99, required=False)
    registered_poor: bool = flag(default=False)
    responsible_person_id: str | None = ref(refs=("people",))


@attrs.frozen(kw_only=True)
class Pairing:
    """An official assistance pair (对口帮扶): a department and a township or village."""

    table: ClassVar[str] = "pairings"
    department_id: str = key(refs=("departments",))
    partner_id: str = key(refs=("townships", "villages"))
    since: pendulum.Date | None = date(required=False)

    @property
    def id(self) -> str:
        """A synthetic key: pairings have no id column."""
        return f"{self.department_id}~{self.partner_id}"


@attrs.frozen(kw_only=True)
class WorkTeam:
    """A work team stationed in a village (驻村工作队)."""

    table: ClassVar[str] = "work_teams"
    id: str = key()
    village_id: str = key(refs=("villages",))
    dispatched_by: str | None = ref(refs=UNITS)
    leader_id: str | None = ref(refs=("people",))
    members: int | None = count(minimum=1, maximum=9999, required=False)
    starts_on: pendulum.Date = date()
    ends_on: pendulum.Date | None = date(required=False, not_before="starts_on")


@attrs.frozen(kw_only=True)
class ExitPlan:
    """A poor village's plan to leave poverty (脱贫规划)."""

    table: ClassVar[str] = "exit_plans"
    village_id: str = key(refs=("villages",))
    adopted_on: pendulum.Date = date()

    @property
    def id(self) -> str:
        """A synthetic key: exit plans are keyed by village and date."""
        return f"{self.village_id}@{self.adopted_on.isoformat()}"


@attrs.frozen(kw_only=True)
class WorkPlan:
    """A township's work plan for the campaign (工作方案)."""

    table: ClassVar[str] = "work_plans"
    township_id: str = key(refs=("townships",))
    responsible_person_id: str | None = ref(refs=("people",))
    tasks: int | None = count(minimum=0, maximum=9999, required=False)

    @property
    def id(self) -> str:
        """A synthetic key: work plans are keyed by township."""
        return f"{self.township_id}#plan"


@attrs.frozen(kw_only=True)
class Activity:
    """Anything held during the campaign: a ceremony, a drive, a visit, a tour, …

    ``township_id`` is where it takes place; ``organizer_id`` the unit organising it.
    """

    table: ClassVar[str] = "activities"
    id: str = key()
    kind: ActivityKind = choice(ActivityKind)
    organizer_id: str | None = ref(refs=UNITS)
    township_id: str | None = ref(refs=("townships",))
    on: pendulum.Date = date()
    place: str | None = text()
    populous: bool | None = flag()
    in_seat: bool | None = flag()
    led_by: str | None = ref(refs=("people",))
    participants: tuple[str, ...] = ids(refs=("people",))
    villages: tuple[str, ...] = ids(refs=("villages",))
    households: tuple[str, ...] = ids(refs=("households",))
    fee: Money | None = money(required=False)


@attrs.frozen(kw_only=True)
class Solicitation:
    """One unit asking a target (unit or donor) to donate, within a donation drive (互请)."""

    table: ClassVar[str] = "solicitations"
    id: str = key()
    activity_id: str = key(refs=("activities",))
    organizer_id: str = key(refs=UNITS)
    target_id: str = key(refs=(*UNITS, "donors"))
    on: pendulum.Date = date()
    quota: Money | None = money(required=False)


@attrs.frozen(kw_only=True, repr=False)
class Donor:
    """Someone who gives. A natural person's name is personal data."""

    table: ClassVar[str] = "donors"
    id: str = key()
    name: str | None = text(personal=True)
    kind: DonorKind = choice(DonorKind)
    unit_id: str | None = ref(refs=UNITS)
    home_township_id: str | None = ref(refs=("townships",))
    publicity_consent: bool | None = flag()

    @property
    def display_name(self) -> str | None:
        """The name as reports show it: masked for natural persons."""
        return mask_name(self.name) if self.kind.is_person and self.name else self.name

    def __repr__(self) -> str:
        # Written out because whether the name is masked depends on the kind.
        shown = {a.name: getattr(self, a.name) for a in attrs.fields(Donor)}
        shown["name"] = self.display_name
        return "Donor(" + ", ".join(f"{k}={masked_repr(v)}" for k, v in shown.items()) + ")"


@attrs.frozen(kw_only=True)
class Project:
    """A published assistance project (帮扶项目) located in a village."""

    table: ClassVar[str] = "projects"
    id: str = key()
    name: str | None = text()
    purpose: str | None = text()
    village_id: str = key(refs=("villages",))
    published_on: pendulum.Date | None = date(required=False)
    government_obligated: bool = flag(default=False)


@attrs.frozen(kw_only=True)
class Pledge:
    """A directed pledge to donate to (认捐) or build (认建) a project."""

    table: ClassVar[str] = "pledges"
    id: str = key()
    donor_id: str = key(refs=("donors",))
    project_id: str = key(refs=("projects",))
    kind: PledgeKind = choice(PledgeKind)
    amount: Money = money()
    on: pendulum.Date = date()


@attrs.frozen(kw_only=True)
class Fund:
    """Where raised money and goods are held."""

    table: ClassVar[str] = "funds"
    id: str = key()
    name: str | None = text()
    holder: FundHolder = choice(FundHolder)


@attrs.frozen(kw_only=True)
class Donation:
    """Money (or goods at their assessed value) given into a fund.

    Naming a project or a village makes it directed (定向).
    """

    table: ClassVar[str] = "donations"
    id: str = key()
    donor_id: str = key(refs=("donors",))
    fund_id: str = key(refs=("funds",))
    activity_id: str | None = ref(refs=("activities",))
    amount: Money = money()
    goods: str | None = text()
    on: pendulum.Date = date()
    designated_project_id: str | None = ref(refs=("projects",))
    designated_village_id: str | None = ref(refs=("villages",))
    badge: bool | None = flag()
    receipt: bool | None = flag()

    @property
    def directed(self) -> bool:
        """Whether the donation names a project or a village."""
        return self.designated_project_id is not None or self.designated_village_id is not None

    @property
    def designation(self) -> str | None:
        """The designation: its project when it names one, else its village."""
        return self.designated_project_id or self.designated_village_id


@attrs.frozen(kw_only=True)
class Disbursement:
    """Money or goods leaving a fund, for a purpose."""

    table: ClassVar[str] = "disbursements"
    id: str = key()
    fund_id: str = key(refs=("funds",))
    amount: Money = money()
    purpose: str | None = text()
    project_id: str | None = ref(refs=("projects",))
    village_id: str | None = ref(refs=("villages",))
    household_id: str | None = ref(refs=("households",))
    on: pendulum.Date = date()


@attrs.frozen(kw_only=True)
class Audit:
    """An audit of a fund by a department, with the totals it found."""

    table: ClassVar[str] = "audits"
    id: str = key()
    fund_id: str = key(refs=("funds",))
    auditor_id: str = key(refs=("departments",))
    on: pendulum.Date = date()
    received_total: Money = money()
    disbursed_total: Money = money()


@attrs.frozen(kw_only=True)
class Waiver:
    """An exemption of one subject from one rule until a date, granted by the leading group."""

    table: ClassVar[str] = "waivers"
    code: str = key()
    # Not checked as a reference: a waiver may be granted before its subject is recorded.
    subject_id: str = key()
    reason: str | None = text()
    granted_by: str | None = ref(refs=("*",))
    until: pendulum.Date = date()

    @property
    def id(self) -> str:
        """A synthetic key: one waiver per (code, subject)."""
        return f"{self.code}:{self.subject_id}"


RECORD_TYPES: tuple[type[Any], ...] = (
    Campaign,
    Township,
    Department,
    Person,
    Village,
    Household,
    Pairing,
    WorkTeam,
    ExitPlan,
    WorkPlan,
    Activity,
    Solicitation,
    Donor,
    Project,
    Pledge,
    Fund,
    Donation,
    Disbursement,
    Audit,
    Waiver,
)
"""Every record type, in the order of the format's table (and of loading)."""

TABLES: dict[str, type[Any]] = {cls.table: cls for cls in RECORD_TYPES}
"""Record type by table (file) name."""

# Tables whose records have an id column of their own (ids unique across these).
KEYED_TABLES = tuple(cls.table for cls in RECORD_TYPES if "id" in attrs.fields_dict(cls))

Record = (
    Campaign
    | Township
    | Department
    | Person
    | Village
    | Household
    | Pairing
    | WorkTeam
    | ExitPlan
    | WorkPlan
    | Activity
    | Solicitation
    | Donor
    | Project
    | Pledge
    | Fund
    | Donation
    | Disbursement
    | Audit
    | Waiver
)
