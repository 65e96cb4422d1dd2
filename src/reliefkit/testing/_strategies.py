"""One strategy per record type, the shared vocabularies (names, dates, amounts), and the
registration that makes ``st.from_type(Village)`` work.

Each strategy draws one valid record on its own: every validator passes, and the references it
holds are plausible ids that a dataset may or may not contain. Whole, referentially intact
campaigns come from :func:`reliefkit.testing.datasets`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pendulum
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from reliefkit.exceptions import InvalidMoneyError
from reliefkit.models import (
    RECORD_TYPES,
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
    FundHolder,
    Household,
    Money,
    Pairing,
    Person,
    Pledge,
    PledgeKind,
    Project,
    Purpose,
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
from reliefkit.rules import county_plan

# ---- vocabularies ------------------------------------------------------------------------------
YEAR = 2015
JAN_1 = pendulum.Date(YEAR, 1, 1)
DEC_31 = pendulum.Date(YEAR, 12, 31)
POVERTY_DAY = pendulum.Date(YEAR, 10, 17)

COUNTIES = ("青山县", "云岭县", "石柱县", "巫溪县")
TOWNSHIP_NAMES = ("龙潭镇", "石门乡", "清溪镇", "白马乡", "桃源街道", "金竹乡", "青龙镇", "双河乡")
VILLAGE_NAMES = (
    "红岩村", "青杠村", "白果村", "柏树村", "新田村", "大坪村", "石桥村", "桂花村", "龙井村",
    "水口村", "杨柳村", "茶园村",
)  # fmt: skip
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN_NAMES = ("伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "秀英")
DEPARTMENT_NAMES = {
    Sector.LEADING_GROUP: "扶贫开发领导小组办公室",
    Sector.AUDIT: "审计局",
    Sector.CIVIL_AFFAIRS: "民政局",
    Sector.EDUCATION: "教委",
    Sector.HEALTH: "卫计委",
    Sector.AGRICULTURE: "农委",
    Sector.FINANCE: "财政局",
    Sector.HUMAN_RESOURCES: "人力社保局",
    Sector.TOURISM: "旅游局",
    Sector.SCIENCE: "科委",
    Sector.OTHER: "统战部",
}
ORGANISATION_NAMES = {
    DonorKind.PRIVATE_ENTERPRISE: ("山城建材有限公司", "巴渝食品厂", "渝东农业开发公司"),
    DonorKind.STATE_ENTERPRISE: ("县电力公司", "长江航运集团"),
    DonorKind.FOREIGN_ENTERPRISE: ("港资纺织有限公司", "中外合资机械公司"),
    DonorKind.SOCIAL_ORGANIZATION: ("县慈善会", "青年志愿者协会"),
    DonorKind.UNIT: ("县财政局", "县教委"),
}
PROJECT_SUFFIXES = ("道路硬化", "饮水工程", "产业基地", "小学改造", "危房改造", "技能培训")
PLACES = ("镇政府广场", "乡场镇中心广场", "街道文化广场", "集贸市场")
GOODS = ("棉被 50 床", "化肥 2 吨", "图书 300 册", "大米 1000 斤", "校服 80 套")
FUND_NAMES = ("扶贫日募集资金", "慈善会扶贫专户", "扶贫捐赠专户")
# The purposes in the order of the Purpose enum (the first is what shrinking aims for), as
# the county-plan pack classifies them by default: one source of truth for both.
PERMITTED_PURPOSES = tuple(p.value for p in Purpose if p.value in county_plan.PERMITTED)
OTHER_EXPENSES = tuple(p.value for p in Purpose if p.value in county_plan.OTHER_EXPENSES)
UNCLASSIFIED_PURPOSES = ("other", "fireworks", "unspecified")
ALL_PURPOSES = (
    *PERMITTED_PURPOSES,
    "government_investment",
    *OTHER_EXPENSES,
    *UNCLASSIFIED_PURPOSES,
)
# Holders a compliant campaign uses: a township government never holds raised money (PW202).
COMPLIANT_HOLDERS = (FundHolder.CHARITY, FundHolder.DESIGNATED_ACCOUNT, FundHolder.DEPARTMENT)
# Region codes of resident ID numbers (Chongqing districts and counties).
REGION_CODES = ("500101", "500102", "500230", "500235", "500238", "500240")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


# ---- small building blocks ---------------------------------------------------------------------
def days(start: pendulum.Date, end: pendulum.Date) -> st.SearchStrategy[pendulum.Date]:
    """Dates from ``start`` to ``end`` inclusive, shrinking towards ``start``."""
    if end < start:
        raise InvalidArgument(f"end={end.isoformat()!r}: before start={start.isoformat()!r}")
    return st.integers(0, (end - start).days).map(lambda n: start.add(days=n))


def day_in_year() -> st.SearchStrategy[pendulum.Date]:
    """A day of 2015."""
    return days(JAN_1, DEC_31)


def person_names() -> st.SearchStrategy[str]:
    """A Chinese personal name: a surname and one or two given characters."""
    return st.builds(lambda s, g: s + g, st.sampled_from(SURNAMES), st.sampled_from(GIVEN_NAMES))


def resident_id_from(region: str, born: pendulum.Date, serial: int) -> str:
    """An 18-character resident ID number with a correct ISO 7064 check character."""
    body = f"{region}{born.year:04d}{born.month:02d}{born.day:02d}{serial:03d}"
    total = sum(int(c) * w for c, w in zip(body, _ID_WEIGHTS, strict=True))
    return body + _ID_CHECK[total % 11]


def resident_ids() -> st.SearchStrategy[str]:
    """A well-formed 18-character resident ID number (region, birth date, serial, check)."""
    return st.builds(
        resident_id_from,
        st.sampled_from(REGION_CODES),
        days(pendulum.Date(1935, 1, 1), pendulum.Date(2010, 12, 31)),
        st.integers(0, 999),
    )


def ids(prefix: str) -> st.SearchStrategy[str]:
    """Ids such as ``T7`` with a fixed prefix."""
    return st.integers(1, 999).map(lambda n: f"{prefix}{n}")


def fen_amounts(min_fen: int = 100, max_fen: int = 2_000_000) -> st.SearchStrategy[int]:
    """Plausible amounts in fen: mostly whole yuan, sometimes with jiao and fen."""
    if min_fen > max_fen:
        raise InvalidArgument(f"min_fen={min_fen!r}: more than max_fen={max_fen!r}")
    whole = st.integers(-(-min_fen // 100), max_fen // 100).map(lambda y: y * 100)
    exact = st.integers(min_fen, max_fen)
    if -(-min_fen // 100) > max_fen // 100:
        return exact
    return st.one_of(whole, exact).filter(lambda f: min_fen <= f <= max_fen)


def _to_money(name: str, value: Money | int | str | Decimal) -> Money:
    if isinstance(value, Money):
        return value
    try:
        return Money(value)
    except InvalidMoneyError as exc:
        raise InvalidArgument(f"{name}={value!r}: {exc}") from None


def money(
    *, min_value: Money | int | str | Decimal = 0, max_value: Money | int | str | Decimal = 100_000
) -> st.SearchStrategy[Money]:
    """Exact amounts of :class:`~reliefkit.models.Money` from ``min_value`` to ``max_value`` yuan.

    Bounds take what ``Money`` takes (``Money``, an int of yuan, a str, a ``Decimal``); a float
    is refused, as everywhere in reliefkit. Amounts are drawn in whole fen with
    ``Money.fen`` and shrink towards ``min_value``.
    """
    low, high = _to_money("min_value", min_value), _to_money("max_value", max_value)
    if low.yuan < 0:
        raise InvalidArgument(f"min_value={min_value!r}: amounts in records are never negative")
    if low > high:
        raise InvalidArgument(f"min_value={min_value!r}: more than max_value={max_value!r}")
    return fen_amounts(low.in_fen, high.in_fen).map(Money.fen)


# ---- one strategy per record type --------------------------------------------------------------
def campaigns() -> st.SearchStrategy[Campaign]:
    """A 2015 Poverty Alleviation Day campaign that spans 17 October."""
    return st.builds(
        lambda county, starts_on, ends_on: Campaign(
            id="C2015",
            name=f"{county}2015年扶贫日系列活动",
            year=YEAR,
            county=county,
            starts_on=starts_on,
            ends_on=ends_on,
        ),
        st.sampled_from(COUNTIES),
        days(pendulum.Date(YEAR, 8, 1), pendulum.Date(YEAR, 10, 1)),
        days(pendulum.Date(YEAR, 10, 18), DEC_31),
    )


def townships() -> st.SearchStrategy[Township]:
    """A township, town or subdistrict with a main leader."""
    return st.builds(
        Township,
        id=ids("T"),
        name=st.sampled_from(TOWNSHIP_NAMES),
        kind=st.sampled_from(TownshipKind),
        main_leader_id=ids("P"),
    )


def departments() -> st.SearchStrategy[Department]:
    """A county department of any sector."""
    return st.sampled_from(Sector).flatmap(
        lambda sector: st.builds(
            Department, id=ids("D"), name=st.just(DEPARTMENT_NAMES[sector]), sector=st.just(sector)
        )
    )


def people() -> st.SearchStrategy[Person]:
    """A person with a role in a unit (a township ``T…`` or a department ``D…``)."""
    return st.builds(
        Person,
        id=ids("P"),
        name=person_names(),
        unit_id=st.one_of(ids("T"), ids("D")),
        role=st.sampled_from(Role),
    )


def villages() -> st.SearchStrategy[Village]:
    """A village of a township, poor or not."""
    return st.builds(
        Village,
        id=ids("V"),
        name=st.sampled_from(VILLAGE_NAMES),
        township_id=ids("T"),
        poor=st.booleans(),
    )


def households() -> st.SearchStrategy[Household]:
    """A household; a registered poor one always has a responsible person."""
    return st.builds(
        Household,
        id=ids("H"),
        registered_poor=st.booleans(),
        village_id=ids("V"),
        head_name=person_names(),
        resident_id=st.none() | resident_ids(),
        members=st.integers(1, 8),
        responsible_person_id=ids("P"),
    )


def pairings() -> st.SearchStrategy[Pairing]:
    """An assistance pairing of a department with a township or a village."""
    return st.builds(
        Pairing,
        department_id=ids("D"),
        partner_id=st.one_of(ids("T"), ids("V")),
        since=st.none() | days(pendulum.Date(2013, 1, 1), DEC_31),
    )


def work_teams() -> st.SearchStrategy[WorkTeam]:
    """A work team stationed in a village, open-ended or with an end after its start."""

    def team(start: pendulum.Date, length: int | None, **kw: Any) -> WorkTeam:
        return WorkTeam(
            starts_on=start, ends_on=None if length is None else start.add(days=length), **kw
        )

    return st.builds(
        team,
        day_in_year(),
        st.none() | st.integers(0, 730),
        id=ids("W"),
        village_id=ids("V"),
        dispatched_by=st.one_of(ids("D"), ids("T")),
        leader_id=st.none() | ids("P"),
        members=st.integers(1, 6),
    )


def exit_plans() -> st.SearchStrategy[ExitPlan]:
    """A village's exit plan adopted in 2015."""
    return st.builds(ExitPlan, village_id=ids("V"), adopted_on=day_in_year())


def work_plans() -> st.SearchStrategy[WorkPlan]:
    """A township's work plan naming a responsible person and assigning tasks."""
    return st.builds(
        WorkPlan, township_id=ids("T"), responsible_person_id=ids("P"), tasks=st.integers(1, 12)
    )


def activities() -> st.SearchStrategy[Activity]:
    """An activity of any kind; a training's fee is empty or zero."""

    def activity(kind: ActivityKind, fee: bool, **kw: Any) -> Activity:
        free = Money.zero() if fee and kind is ActivityKind.VOCATIONAL_TRAINING else None
        return Activity(kind=kind, fee=free, **kw)

    return st.builds(
        activity,
        st.sampled_from(ActivityKind),
        st.booleans(),
        id=ids("A"),
        organizer_id=st.none() | ids("T") | ids("D"),
        township_id=st.none() | ids("T"),
        on=days(pendulum.Date(YEAR, 9, 1), pendulum.Date(YEAR, 11, 30)),
        place=st.none() | st.sampled_from(PLACES),
        populous=st.none() | st.booleans(),
        in_seat=st.none() | st.booleans(),
        led_by=st.none() | ids("P"),
        participants=st.lists(ids("P"), max_size=3, unique=True).map(tuple),
        villages=st.lists(ids("V"), max_size=3, unique=True).map(tuple),
        households=st.lists(ids("H"), max_size=3, unique=True).map(tuple),
    )


def solicitations() -> st.SearchStrategy[Solicitation]:
    """A solicitation within a drive, with no quota."""
    return st.builds(
        Solicitation,
        id=ids("S"),
        activity_id=ids("DR"),
        organizer_id=st.one_of(ids("T"), ids("D")),
        target_id=st.one_of(ids("T"), ids("D"), ids("E")),
        on=days(pendulum.Date(YEAR, 9, 1), pendulum.Date(YEAR, 10, 31)),
        quota=st.none() | st.just(Money.zero()),
    )


def donor_names(kind: DonorKind) -> st.SearchStrategy[str]:
    """A name fitting the donor's kind: a personal name, or an organisation's."""
    if kind.is_person:
        return person_names()
    return st.sampled_from(ORGANISATION_NAMES[kind])


def make_donor(
    record_id: str,
    kind: DonorKind,
    name: str,
    *,
    unit_id: str | None = None,
    home_township_id: str | None = None,
    publicity_consent: bool | None = None,
) -> Donor:
    """A donor whose fields fit its kind: only cadres and units name a unit, only notables a
    home township."""
    return Donor(
        id=record_id,
        name=name,
        kind=kind,
        unit_id=unit_id if kind in (DonorKind.CADRE, DonorKind.UNIT) else None,
        home_township_id=home_township_id if kind is DonorKind.LOCAL_NOTABLE else None,
        publicity_consent=publicity_consent,
    )


def donors() -> st.SearchStrategy[Donor]:
    """A donor of any kind; cadre and unit donors name their unit, notables their township."""
    return st.sampled_from(DonorKind).flatmap(
        lambda kind: st.builds(
            make_donor,
            ids("E"),
            st.just(kind),
            donor_names(kind),
            unit_id=st.one_of(ids("T"), ids("D")),
            home_township_id=st.none() | ids("T"),
            publicity_consent=st.none() | st.booleans(),
        )
    )


def projects() -> st.SearchStrategy[Project]:
    """A project in a village with a permitted purpose, usually published."""
    return st.builds(
        lambda village, suffix, **kw: Project(name=village + suffix, **kw),
        st.sampled_from(VILLAGE_NAMES),
        st.sampled_from(PROJECT_SUFFIXES),
        id=ids("J"),
        purpose=st.sampled_from(PERMITTED_PURPOSES),
        village_id=ids("V"),
        published_on=st.none() | days(pendulum.Date(YEAR, 6, 1), pendulum.Date(YEAR, 10, 10)),
        government_obligated=st.booleans(),
    )


def pledges() -> st.SearchStrategy[Pledge]:
    """A pledge to donate to or build a project."""
    return st.builds(
        Pledge,
        id=ids("G"),
        donor_id=ids("E"),
        project_id=ids("J"),
        kind=st.sampled_from(PledgeKind),
        amount=money(min_value=1, max_value=50_000),
        on=days(pendulum.Date(YEAR, 9, 1), pendulum.Date(YEAR, 11, 30)),
    )


def funds() -> st.SearchStrategy[Fund]:
    """A fund held by a charity, a designated account or a department."""
    return st.builds(
        Fund,
        id=ids("F"),
        name=st.sampled_from(FUND_NAMES),
        holder=st.sampled_from(COMPLIANT_HOLDERS),
    )


def donations() -> st.SearchStrategy[Donation]:
    """A donation of money or goods, undesignated or directed to a project or a village."""
    designation = st.one_of(
        st.just((None, None)),
        ids("J").map(lambda j: (j, None)),
        ids("V").map(lambda v: (None, v)),
    )
    return st.builds(
        lambda target, **kw: Donation(
            designated_project_id=target[0], designated_village_id=target[1], **kw
        ),
        designation,
        id=ids("N"),
        donor_id=ids("E"),
        fund_id=ids("F"),
        activity_id=st.none() | ids("DR"),
        amount=money(min_value=1, max_value=20_000),
        goods=st.none() | st.sampled_from(GOODS),
        on=days(pendulum.Date(YEAR, 9, 1), pendulum.Date(YEAR, 11, 30)),
        badge=st.just(True),
        receipt=st.none() | st.booleans(),
    )


def disbursements() -> st.SearchStrategy[Disbursement]:
    """A disbursement for a permitted purpose to a project, village or household."""
    return st.builds(
        Disbursement,
        id=ids("B"),
        fund_id=ids("F"),
        amount=money(min_value=1, max_value=20_000),
        purpose=st.sampled_from(PERMITTED_PURPOSES),
        project_id=st.none() | ids("J"),
        village_id=st.none() | ids("V"),
        household_id=st.none() | ids("H"),
        on=days(pendulum.Date(YEAR, 10, 1), pendulum.Date(YEAR, 12, 20)),
    )


def audits() -> st.SearchStrategy[Audit]:
    """An audit of a fund by a department, with the totals it found."""
    return st.builds(
        Audit,
        id=ids("AUD"),
        fund_id=ids("F"),
        auditor_id=ids("D"),
        on=days(pendulum.Date(YEAR, 11, 1), DEC_31),
        received_total=money(max_value=100_000),
        disbursed_total=money(max_value=100_000),
    )


def waivers() -> st.SearchStrategy[Waiver]:
    """A waiver of one county-plan rule for one subject, granted by a department."""
    return st.builds(
        Waiver,
        code=st.integers(101, 124).map(lambda n: f"CP{n}"),
        subject_id=st.one_of(ids("T"), ids("V"), ids("F"), ids("S")),
        reason=st.sampled_from(("特殊情况，经领导小组研究同意", "因灾延期")),
        granted_by=ids("D"),
        until=days(pendulum.Date(YEAR, 10, 1), pendulum.Date(YEAR + 1, 6, 30)),
    )


RECORD_STRATEGIES: dict[type[Any], Any] = {
    Campaign: campaigns,
    Township: townships,
    Department: departments,
    Person: people,
    Village: villages,
    Household: households,
    Pairing: pairings,
    WorkTeam: work_teams,
    ExitPlan: exit_plans,
    WorkPlan: work_plans,
    Activity: activities,
    Solicitation: solicitations,
    Donor: donors,
    Project: projects,
    Pledge: pledges,
    Fund: funds,
    Donation: donations,
    Disbursement: disbursements,
    Audit: audits,
    Waiver: waivers,
}
"""The strategy function of every record type."""

assert set(RECORD_STRATEGIES) == set(RECORD_TYPES)


def register_type_strategies() -> None:
    """Register a strategy per record type (and ``Money``, ``Dataset``) for ``st.from_type``.

    Run by Hypothesis through the ``hypothesis`` entry point, so ``st.from_type(Village)``
    works as soon as Hypothesis is imported; calling it again is harmless.
    """
    for cls, strategy in RECORD_STRATEGIES.items():
        st.register_type_strategy(cls, st.deferred(strategy))
    st.register_type_strategy(Money, st.deferred(money))

    def _datasets() -> st.SearchStrategy[Dataset]:
        from reliefkit.testing._datasets import datasets

        return datasets()

    st.register_type_strategy(Dataset, st.deferred(_datasets))


# When this module is the one that imports Hypothesis, the entry point finds it half
# initialised and leaves the registration to this line.
register_type_strategies()
