"""The records of a campaign: one frozen attrs class per file of the interchange format.

Field names are the format's column names. Records refer to each other by id; the
:class:`~reliefkit.models.Dataset` checks that those ids exist.

Constructors take what the converters take, and say so to type checkers and ``help()``: a
date field accepts ``"2015-10-10"``, a ``datetime.date`` or a ``pendulum.Date``; a money
field accepts ``Money``, an ``int`` of yuan, a ``str`` or a ``Decimal``; a choice accepts the
enum or its text (``kind="donation_drive"``). The attributes hold the normalised values
(``pendulum.Date``, ``Money``, the enum). Each class's docstring lists its fields.
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
from reliefkit.models._fields import (
    CHECKS,
    KEEPS_NORMAL_FORM,
    activity_kind,
    choice,
    count,
    date,
    day,
    document,
    donor_kind,
    false_if_none,
    flag,
    fund_holder,
    id_list,
    ids,
    key,
    money,
    money_amount,
    optional_day,
    optional_money,
    optional_text,
    pledge_kind,
    ref,
    role,
    sector,
    text,
    township_kind,
)
from reliefkit.models._money import Money

UNITS = ("townships", "departments")


class _Pretty:
    """Shown by IPython and by Hypothesis (a failing example) as the record's own repr:
    masked, and pasteable back as code."""

    __slots__ = ()

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))


@attrs.frozen(kw_only=True)
class Campaign(_Pretty):
    """One Poverty Alleviation Day campaign: the folder's single ``campaign.csv`` row."""

    table: ClassVar[str] = "campaign"
    id: str = attrs.field(**key("the campaign's id, e.g. C2015"))
    name: str | None = attrs.field(
        default=None, converter=optional_text, **text("its name, e.g. 青山县2015年扶贫日系列活动")
    )
    year: int = attrs.field(
        **count("the year whose 17 October it marks (2014 on)", minimum=2014, maximum=2100)
    )
    county: str | None = attrs.field(
        default=None, converter=optional_text, **text("the county holding it")
    )
    starts_on: pendulum.Date = attrs.field(converter=day, **date("its first day"))
    ends_on: pendulum.Date = attrs.field(
        converter=day,
        **date("its last day (audits and exit plans are due)", not_before="starts_on"),
    )
    # The county's exit assessment (TP408; optional, from the exit mechanism of 2016).
    exited_on: pendulum.Date | None = attrs.field(
        default=None,
        converter=optional_day,
        **date("the day the county was declared out of poverty", required=False),
    )
    population: int | None = attrs.field(
        default=None,
        **count("the county's rural population", minimum=0, maximum=10**9, required=False),
    )
    poor_population: int | None = attrs.field(
        default=None,
        **count("its people still poor at exit", minimum=0, maximum=10**9, required=False),
    )
    sampled_exits: int | None = attrs.field(
        default=None,
        **count("exited households sampled", minimum=0, maximum=10**9, required=False),
    )
    wrong_exits: int | None = attrs.field(
        default=None,
        **count("of those, wrongly exited", minimum=0, maximum=10**9, required=False),
    )
    sampled_households: int | None = attrs.field(
        default=None,
        **count("poor households sampled", minimum=0, maximum=10**9, required=False),
    )
    omissions: int | None = attrs.field(
        default=None,
        **count("of those, left out of the registry", minimum=0, maximum=10**9, required=False),
    )
    surveyed: int | None = attrs.field(
        default=None,
        **count("people asked whether they approve", minimum=0, maximum=10**9, required=False),
    )
    approving: int | None = attrs.field(
        default=None,
        **count("of those, approving", minimum=0, maximum=10**9, required=False),
    )

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
class Township(_Pretty):
    """A township, town or subdistrict (乡镇 / 街道)."""

    table: ClassVar[str] = "townships"
    id: str = attrs.field(**key("the township's id, e.g. T01"))
    name: str | None = attrs.field(default=None, converter=optional_text, **text("its name"))
    kind: TownshipKind = attrs.field(
        converter=township_kind, **choice("township, town or subdistrict", TownshipKind)
    )
    main_leader_id: str | None = attrs.field(
        default=None,
        converter=optional_text,
        **ref("its main leader (a person), the directly responsible person", refs=("people",)),
    )


@attrs.frozen(kw_only=True)
class Department(_Pretty):
    """A county department (部门)."""

    table: ClassVar[str] = "departments"
    id: str = attrs.field(**key("the department's id, e.g. D01"))
    name: str | None = attrs.field(default=None, converter=optional_text, **text("its name"))
    sector: Sector = attrs.field(
        converter=sector, **choice("its sector; audit and leading_group matter to rules", Sector)
    )


@attrs.frozen(kw_only=True)
class Person(_Pretty):
    """A person with a role in a unit. The name is personal data."""

    table: ClassVar[str] = "people"
    id: str = attrs.field(**key("the person's id"))
    name: str | None = attrs.field(
        default=None,
        converter=optional_text,
        **text(
            "the person's name (personal data, masked when shown)",
            personal=True,
            repr=mask_name_repr,
        ),
    )
    unit_id: str = attrs.field(**key("the township or department they work in", refs=UNITS))
    role: Role = attrs.field(
        converter=role, **choice("county_leader, township_main_leader, cadre, auditor, other", Role)
    )


@attrs.frozen(kw_only=True)
class Village(_Pretty):
    """A village (村) in a township; ``poor`` marks a registered poor village."""

    table: ClassVar[str] = "villages"
    id: str = attrs.field(**key("the village's id, e.g. V01"))
    name: str | None = attrs.field(default=None, converter=optional_text, **text("its name"))
    township_id: str = attrs.field(**key("the township it lies in", refs=("townships",)))
    poor: bool = attrs.field(
        default=False, converter=false_if_none, **flag("whether it is a registered poor village")
    )
    # Registration tests and exit (TP402, TP407; optional).
    population: int | None = attrs.field(
        default=None, **count("its population", minimum=0, maximum=10**7, required=False)
    )
    poor_population: int | None = attrs.field(
        default=None,
        **count("its registered poor people", minimum=0, maximum=10**7, required=False),
    )
    income_per_capita: Money | None = attrs.field(
        default=None,
        converter=optional_money,
        **money("its farmers' net income per head in the reference year", required=False),
    )
    collective_income: Money | None = attrs.field(
        default=None,
        converter=optional_money,
        **money("its collective economy's yearly income", required=False),
    )
    exited_on: pendulum.Date | None = attrs.field(
        default=None,
        converter=optional_day,
        **date("the day it left the poor-village list", required=False),
    )


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


KEEPS_NORMAL_FORM.add(_none_if_empty)
CHECKS[_check_resident_id] = "resident_id"


@attrs.frozen(kw_only=True)
class Household(_Pretty):
    """A household; ``registered_poor`` marks a registered poor household (建档立卡).

    ``head_name`` and ``resident_id`` are personal data and masked in the repr.
    """

    table: ClassVar[str] = "households"
    id: str = attrs.field(**key("the household's id (never a resident ID number)"))
    village_id: str = attrs.field(**key("the village it lives in", refs=("villages",)))
    head_name: str | None = attrs.field(
        default=None,
        converter=optional_text,
        **text("the head of household's name (personal data)", personal=True, repr=mask_name_repr),
    )
    resident_id: str | None = attrs.field(
        default=None,
        converter=_none_if_empty,
        validator=_check_resident_id,
        repr=mask_resident_id_repr,
        metadata={
            "doc": "the head's resident ID number (GB 11643; personal data)",
            "cell": "resident_id",
            "required": False,
            "refs": (),
            "personal": True,
        },
    )
    members: int | None = attrs.field(
        default=None, **count("how many people it has", minimum=1, maximum=99, required=False)
    )
    registered_poor: bool = attrs.field(
        default=False,
        converter=false_if_none,
        **flag("whether it is a registered poor household (建档立卡)"),
    )
    responsible_person_id: str | None = attrs.field(
        default=None,
        converter=optional_text,
        **ref("the person responsible for helping it (帮扶责任人)", refs=("people",)),
    )
    income_per_capita: Money | None = attrs.field(
        default=None,
        converter=optional_money,
        **money("its net income per head in income_year (at registration)", required=False),
    )
    income_year: int | None = attrs.field(
        default=None,
        **count("the year whose income was assessed", minimum=2000, maximum=2100, required=False),
    )
    # Related parties (PW210; optional): donors or funds (their managers) it is related to.
    related_to: tuple[str, ...] = attrs.field(
        default=(),
        converter=id_list,
        **ids("donors or funds whose donor or managers it is related to", refs=("donors", "funds")),
    )
    # Household exit (TP406; optional, from the exit mechanism of 2016).
    exited_on: pendulum.Date | None = attrs.field(
        default=None,
        converter=optional_day,
        **date("the day it left the register (脱贫退出)", required=False),
    )
    exit_income: Money | None = attrs.field(
        default=None,
        converter=optional_money,
        **money("its net income per head in the year of its exit", required=False),
    )
    secure_food: bool | None = attrs.field(
        default=None, **flag("at exit: no worry about food (不愁吃)")
    )
    secure_clothing: bool | None = attrs.field(
        default=None, **flag("at exit: no worry about clothing (不愁穿)")
    )
    secure_education: bool | None = attrs.field(
        default=None, **flag("at exit: compulsory education assured (义务教育有保障)")
    )
    secure_medical: bool | None = attrs.field(
        default=None, **flag("at exit: basic medical care assured (基本医疗有保障)")
    )
    secure_housing: bool | None = attrs.field(
        default=None, **flag("at exit: safe housing assured (住房安全有保障)")
    )
    exit_reviewed: bool | None = attrs.field(
        default=None, **flag("the village reviewed the exit (民主评议)")
    )
    exit_verified: bool | None = attrs.field(
        default=None, **flag("the village and township verified it (核实)")
    )
    exit_acknowledged: bool | None = attrs.field(
        default=None, **flag("the household acknowledged it (贫困户认可)")
    )
    exit_noticed: bool | None = attrs.field(
        default=None, **flag("the village posted a notice of it (公示)")
    )
    exit_objection: bool | None = attrs.field(
        default=None, **flag("an objection was raised during the notice (有异议)")
    )


@attrs.frozen(kw_only=True)
class Pairing(_Pretty):
    """An official assistance pair (对口帮扶): a department and a township or village."""

    table: ClassVar[str] = "pairings"
    department_id: str = attrs.field(**key("the helping department", refs=("departments",)))
    partner_id: str = attrs.field(
        **key("the township or village it helps", refs=("townships", "villages"))
    )
    since: pendulum.Date | None = attrs.field(
        default=None, converter=optional_day, **date("the day the pair began", required=False)
    )

    @property
    def id(self) -> str:
        """A synthetic key: pairings have no id column."""
        return f"{self.department_id}~{self.partner_id}"


@attrs.frozen(kw_only=True)
class WorkTeam(_Pretty):
    """A work team stationed in a village (驻村工作队)."""

    table: ClassVar[str] = "work_teams"
    id: str = attrs.field(**key("the team's id"))
    village_id: str = attrs.field(**key("the village it is stationed in", refs=("villages",)))
    dispatched_by: str | None = attrs.field(
        default=None, converter=optional_text, **ref("the unit that sent it", refs=UNITS)
    )
    leader_id: str | None = attrs.field(
        default=None, converter=optional_text, **ref("its leader (a person)", refs=("people",))
    )
    members: int | None = attrs.field(
        default=None, **count("how many members it has", minimum=1, maximum=9999, required=False)
    )
    starts_on: pendulum.Date = attrs.field(converter=day, **date("the first day it is stationed"))
    ends_on: pendulum.Date | None = attrs.field(
        default=None,
        converter=optional_day,
        **date("its last day, or None while it stays", required=False, not_before="starts_on"),
    )


@attrs.frozen(kw_only=True)
class ExitPlan(_Pretty):
    """A poor village's plan to leave poverty (脱贫规划)."""

    table: ClassVar[str] = "exit_plans"
    village_id: str = attrs.field(**key("the village whose plan it is", refs=("villages",)))
    adopted_on: pendulum.Date = attrs.field(converter=day, **date("the day it was adopted"))

    @property
    def id(self) -> str:
        """A synthetic key: exit plans are keyed by village and date."""
        return f"{self.village_id}@{self.adopted_on.isoformat()}"


@attrs.frozen(kw_only=True)
class WorkPlan(_Pretty):
    """A township's work plan for the campaign (工作方案)."""

    table: ClassVar[str] = "work_plans"
    township_id: str = attrs.field(**key("the township whose plan it is", refs=("townships",)))
    responsible_person_id: str | None = attrs.field(
        default=None,
        converter=optional_text,
        **ref("the directly responsible person it names", refs=("people",)),
    )
    tasks: int | None = attrs.field(
        default=None, **count("how many tasks it assigns", minimum=0, maximum=9999, required=False)
    )

    @property
    def id(self) -> str:
        """A synthetic key: work plans are keyed by township."""
        return f"{self.township_id}#plan"


@attrs.frozen(kw_only=True)
class Activity(_Pretty):
    """Anything held during the campaign: a ceremony, a drive, a visit, a tour, …

    ``township_id`` is where it takes place; ``organizer_id`` the unit organising it.
    """

    table: ClassVar[str] = "activities"
    id: str = attrs.field(**key("the activity's id"))
    kind: ActivityKind = attrs.field(
        converter=activity_kind, **choice("what it is: ceremony, donation_drive, …", ActivityKind)
    )
    organizer_id: str | None = attrs.field(
        default=None, converter=optional_text, **ref("the unit organising it", refs=UNITS)
    )
    township_id: str | None = attrs.field(
        default=None,
        converter=optional_text,
        **ref("the township where it takes place", refs=("townships",)),
    )
    on: pendulum.Date = attrs.field(converter=day, **date("the day it takes place"))
    place: str | None = attrs.field(
        default=None, converter=optional_text, **text("where, in words")
    )
    populous: bool | None = attrs.field(
        default=None, **flag("whether the place is a populous one (ceremonies)")
    )
    in_seat: bool | None = attrs.field(
        default=None, **flag("whether it is in the township seat (ceremonies)")
    )
    led_by: str | None = attrs.field(
        default=None, converter=optional_text, **ref("the person leading it", refs=("people",))
    )
    participants: tuple[str, ...] = attrs.field(
        default=(), converter=id_list, **ids("the people taking part", refs=("people",))
    )
    villages: tuple[str, ...] = attrs.field(
        default=(), converter=id_list, **ids("the villages it visits or serves", refs=("villages",))
    )
    households: tuple[str, ...] = attrs.field(
        default=(),
        converter=id_list,
        **ids("the households it visits or serves", refs=("households",)),
    )
    public: bool | None = attrs.field(
        default=None, **flag("whether it raises money from the public (公开募捐)")
    )
    fund_id: str | None = attrs.field(
        default=None,
        converter=optional_text,
        **ref("the fund a drive raises into", refs=("funds",)),
    )
    fee: Money | None = attrs.field(
        default=None,
        converter=optional_money,
        **money("what it charges participants (trainings)", required=False),
    )


@attrs.frozen(kw_only=True)
class Solicitation(_Pretty):
    """One unit asking a target (unit or donor) to donate, within a donation drive (互请)."""

    table: ClassVar[str] = "solicitations"
    id: str = attrs.field(**key("the solicitation's id"))
    activity_id: str = attrs.field(
        **key("the activity (donation drive, …) it is made in", refs=("activities",))
    )
    organizer_id: str = attrs.field(**key("the unit that asks", refs=UNITS))
    target_id: str = attrs.field(
        **key("who is asked: a township, a department or a donor", refs=(*UNITS, "donors"))
    )
    on: pendulum.Date = attrs.field(converter=day, **date("the day it is made"))
    quota: Money | None = attrs.field(
        default=None,
        converter=optional_money,
        **money("an amount it requires (a quota breaks CP123)", required=False),
    )
    wage_deduction: bool | None = attrs.field(
        default=None, **flag("whether the amount is deducted from wages")
    )


@attrs.frozen(kw_only=True, repr=False)
class Donor(_Pretty):
    """Someone who gives. A natural person's name is personal data."""

    table: ClassVar[str] = "donors"
    id: str = attrs.field(**key("the donor's id"))
    name: str | None = attrs.field(
        default=None,
        converter=optional_text,
        **text("the donor's name (personal data for a natural person)", personal=True),
    )
    kind: DonorKind = attrs.field(
        converter=donor_kind,
        **choice("who gives: cadre, resident, private_enterprise, …", DonorKind),
    )
    unit_id: str | None = attrs.field(
        default=None,
        converter=optional_text,
        **ref("the unit a cadre or unit donor stands for", refs=UNITS),
    )
    home_township_id: str | None = attrs.field(
        default=None,
        converter=optional_text,
        **ref("a local notable's home township", refs=("townships",)),
    )
    publicity_consent: bool | None = attrs.field(
        default=None, **flag("whether the donor agreed to be named in public")
    )

    @property
    def display_name(self) -> str | None:
        """The name as reports show it: masked for natural persons."""
        return mask_name(self.name) if self.kind.is_person and self.name else self.name

    def __repr__(self) -> str:
        # Written out because whether the name is masked depends on the kind.
        shown = []
        for field in attrs.fields(Donor):
            if field.name == "name":
                shown.append(f"name={masked_repr(self.display_name)}")
            else:
                value = getattr(self, field.name)
                show = field.repr if callable(field.repr) else masked_repr
                shown.append(f"{field.name}={show(value)}")
        return "Donor(" + ", ".join(shown) + ")"


@attrs.frozen(kw_only=True)
class Project(_Pretty):
    """A published assistance project (帮扶项目) located in a village."""

    table: ClassVar[str] = "projects"
    id: str = attrs.field(**key("the project's id"))
    name: str | None = attrs.field(default=None, converter=optional_text, **text("its name"))
    purpose: str | None = attrs.field(
        default=None, converter=optional_text, **text("what it is for (a purpose name)")
    )
    village_id: str = attrs.field(**key("the village it lies in", refs=("villages",)))
    published_on: pendulum.Date | None = attrs.field(
        default=None,
        converter=optional_day,
        **date("the day it was published, or None if never", required=False),
    )
    government_obligated: bool = attrs.field(
        default=False,
        converter=false_if_none,
        **flag("whether the government must fund it (raised money may not)"),
    )
    approved_on: pendulum.Date | None = attrs.field(
        default=None,
        converter=optional_day,
        **date("the day its funding was decided", required=False),
    )
    announced_on: pendulum.Date | None = attrs.field(
        default=None,
        converter=optional_day,
        **date("the day its result was announced", required=False),
    )
    completed_on: pendulum.Date | None = attrs.field(
        default=None,
        converter=optional_day,
        **date("the day it was completed and accepted", required=False),
    )


@attrs.frozen(kw_only=True)
class Pledge(_Pretty):
    """A directed pledge to donate to (认捐) or build (认建) a project."""

    table: ClassVar[str] = "pledges"
    id: str = attrs.field(**key("the pledge's id"))
    donor_id: str = attrs.field(**key("the donor who pledges", refs=("donors",)))
    project_id: str = attrs.field(**key("the project pledged to", refs=("projects",)))
    kind: PledgeKind = attrs.field(
        converter=pledge_kind, **choice("donate (认捐) or build (认建)", PledgeKind)
    )
    amount: Money = attrs.field(converter=money_amount, **money("the amount pledged"))
    on: pendulum.Date = attrs.field(converter=day, **date("the day of the pledge"))
    agreement_on: pendulum.Date | None = attrs.field(
        default=None,
        converter=optional_day,
        **date("the day a written agreement was signed", required=False),
    )
    reported_on: pendulum.Date | None = attrs.field(
        default=None,
        converter=optional_day,
        **date("the day the donor got the completion report", required=False),
    )


@attrs.frozen(kw_only=True)
class Fund(_Pretty):
    """Where raised money and goods are held."""

    table: ClassVar[str] = "funds"
    id: str = attrs.field(**key("the fund's id"))
    name: str | None = attrs.field(default=None, converter=optional_text, **text("its name"))
    holder: FundHolder = attrs.field(
        converter=fund_holder, **choice("who holds it: charity, designated_account, …", FundHolder)
    )
    government_basis: str | None = attrs.field(
        default=None,
        converter=optional_text,
        **text("why a government body may receive: natural_disaster or overseas_request"),
    )
    fiscal: bool | None = attrs.field(
        default=None, **flag("whether it holds fiscal poverty-relief money")
    )
    allocated: Money | None = attrs.field(
        default=None,
        converter=optional_money,
        **money("the fiscal money allocated to it", required=False),
    )
    public_fundraising: bool | None = attrs.field(
        default=None, **flag("whether its holder is qualified to raise from the public")
    )
    foundation: bool | None = attrs.field(
        default=None, **flag("whether its holder is a foundation (基金会)")
    )
    opened_on: pendulum.Date | None = attrs.field(
        default=None,
        converter=optional_day,
        **date("the day it started raising", required=False),
    )
    closed_on: pendulum.Date | None = attrs.field(
        default=None,
        converter=optional_day,
        **date("the day it stopped raising", required=False, not_before="opened_on"),
    )
    disclosures: int | None = attrs.field(
        default=None,
        **count("how many interim disclosures it made", minimum=0, maximum=9999, required=False),
    )
    final_disclosed_on: pendulum.Date | None = attrs.field(
        default=None,
        converter=optional_day,
        **date("the day of its full, final disclosure", required=False),
    )
    previous_income: Money | None = attrs.field(
        default=None,
        converter=optional_money,
        **money("its holder's income of the previous year", required=False),
    )
    spending: Money | None = attrs.field(
        default=None,
        converter=optional_money,
        **money("its holder's charitable spending this year", required=False),
    )
    admin_costs: Money | None = attrs.field(
        default=None,
        converter=optional_money,
        **money("its holder's administration costs this year", required=False),
    )
    net_assets: Money | None = attrs.field(
        default=None,
        converter=optional_money,
        **money("its holder's net assets at the start of the year", required=False),
    )


@attrs.frozen(kw_only=True)
class Donation(_Pretty):
    """Money (or goods at their assessed value) given into a fund.

    Naming a project or a village makes it directed (定向).
    """

    table: ClassVar[str] = "donations"
    id: str = attrs.field(**key("the donation's id"))
    donor_id: str = attrs.field(**key("the donor who gives", refs=("donors",)))
    fund_id: str = attrs.field(**key("the fund it goes into", refs=("funds",)))
    activity_id: str | None = attrs.field(
        default=None,
        converter=optional_text,
        **ref("the activity it was made in (a drive, …)", refs=("activities",)),
    )
    amount: Money = attrs.field(
        converter=money_amount, **money("the amount, or the goods' assessed value")
    )
    goods: str | None = attrs.field(
        default=None, converter=optional_text, **text("the goods given, in words")
    )
    on: pendulum.Date = attrs.field(converter=day, **date("the day it was given"))
    designated_project_id: str | None = attrs.field(
        default=None,
        converter=optional_text,
        **ref("the project it is directed to", refs=("projects",)),
    )
    designated_village_id: str | None = attrs.field(
        default=None,
        converter=optional_text,
        **ref("the village it is directed to", refs=("villages",)),
    )
    badge: bool | None = attrs.field(
        default=None, **flag("whether the donor received an honour badge")
    )
    receipt: bool | None = attrs.field(default=None, **flag("whether a receipt was issued"))
    receipt_waived: bool | None = attrs.field(
        default=None, **flag("whether the donor declined a receipt or gave anonymously")
    )
    change_consent: bool | None = attrs.field(
        default=None, **flag("whether the donor agreed in writing to a change of use")
    )
    commended: bool | None = attrs.field(
        default=None, **flag("whether the donor was named or commended in public")
    )
    sold_for: Money | None = attrs.field(
        default=None,
        converter=optional_money,
        **money("what the goods were sold for, if sold", required=False),
    )
    proceeds_used: Money | None = attrs.field(
        default=None,
        converter=optional_money,
        **money("how much of that went to the donation's purpose", required=False),
    )

    @property
    def directed(self) -> bool:
        """Whether the donation names a project or a village."""
        return self.designated_project_id is not None or self.designated_village_id is not None

    @property
    def designation(self) -> str | None:
        """The designation: its project when it names one, else its village."""
        return self.designated_project_id or self.designated_village_id


@attrs.frozen(kw_only=True)
class Disbursement(_Pretty):
    """Money or goods leaving a fund, for a purpose."""

    table: ClassVar[str] = "disbursements"
    id: str = attrs.field(**key("the disbursement's id"))
    fund_id: str = attrs.field(**key("the fund it leaves", refs=("funds",)))
    amount: Money = attrs.field(converter=money_amount, **money("the amount paid out"))
    purpose: str | None = attrs.field(
        default=None,
        converter=optional_text,
        **text("what it pays for: a purpose name (housing, meals, …)"),
    )
    project_id: str | None = attrs.field(
        default=None, converter=optional_text, **ref("the project it pays", refs=("projects",))
    )
    village_id: str | None = attrs.field(
        default=None, converter=optional_text, **ref("the village it reaches", refs=("villages",))
    )
    household_id: str | None = attrs.field(
        default=None,
        converter=optional_text,
        **ref("the household it reaches", refs=("households",)),
    )
    on: pendulum.Date = attrs.field(converter=day, **date("the day it was paid"))


@attrs.frozen(kw_only=True)
class Audit(_Pretty):
    """An audit of a fund by a department, with the totals it found."""

    table: ClassVar[str] = "audits"
    id: str = attrs.field(**key("the audit's id"))
    fund_id: str = attrs.field(**key("the fund audited", refs=("funds",)))
    auditor_id: str = attrs.field(**key("the auditing department", refs=("departments",)))
    on: pendulum.Date = attrs.field(converter=day, **date("the day of the audit"))
    received_total: Money = attrs.field(
        converter=money_amount, **money("what the audit found the fund received")
    )
    disbursed_total: Money = attrs.field(
        converter=money_amount, **money("what the audit found the fund paid out")
    )


@attrs.frozen(kw_only=True)
class Waiver(_Pretty):
    """An exemption of one subject from one rule until a date, granted by the leading group."""

    table: ClassVar[str] = "waivers"
    code: str = attrs.field(**key("the code of the rule waived, e.g. CP106"))
    # Not checked as a reference: a waiver may be granted before its subject is recorded.
    subject_id: str = attrs.field(**key("the id of the subject exempted (a finding's first)"))
    reason: str | None = attrs.field(
        default=None, converter=optional_text, **text("why it was granted")
    )
    granted_by: str | None = attrs.field(
        default=None,
        converter=optional_text,
        **ref("the unit that granted it (the leading group)", refs=("*",)),
    )
    until: pendulum.Date = attrs.field(converter=day, **date("the last day it is valid"))

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

for _record_type in RECORD_TYPES:
    document(_record_type)

LAW_COLUMNS: dict[str, frozenset[str]] = {
    "campaign": frozenset(
        {
            "exited_on",
            "population",
            "poor_population",
            "sampled_exits",
            "wrong_exits",
            "sampled_households",
            "omissions",
            "surveyed",
            "approving",
        }
    ),
    "villages": frozenset(
        {"population", "poor_population", "income_per_capita", "collective_income", "exited_on"}
    ),
    "households": frozenset(
        {
            "income_per_capita",
            "income_year",
            "related_to",
            "exited_on",
            "exit_income",
            "secure_food",
            "secure_clothing",
            "secure_education",
            "secure_medical",
            "secure_housing",
            "exit_reviewed",
            "exit_verified",
            "exit_acknowledged",
            "exit_noticed",
            "exit_objection",
        }
    ),
    "activities": frozenset({"public", "fund_id"}),
    "solicitations": frozenset({"wage_deduction"}),
    "projects": frozenset({"approved_on", "announced_on", "completed_on"}),
    "pledges": frozenset({"agreement_on", "reported_on"}),
    "funds": frozenset(
        {
            "government_basis",
            "fiscal",
            "allocated",
            "public_fundraising",
            "foundation",
            "opened_on",
            "closed_on",
            "disclosures",
            "final_disclosed_on",
            "previous_income",
            "spending",
            "admin_costs",
            "net_assets",
        }
    ),
    "donations": frozenset(
        {"receipt_waived", "change_consent", "commended", "sold_for", "proceeds_used"}
    ),
}
"""Columns the law packs (PW, FF, TP) read: optional, a file may leave them out (v1 files
stay valid); an absent column reads as empty cells."""

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
