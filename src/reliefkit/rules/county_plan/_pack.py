"""The county-plan pack itself: its metadata, dated parameters and the helpers its rules share.

Each rule lives in its own module beside this one (``cp101_cross_township_solicitation.py``
…); the clause catalogue is "county-plan" (``county-plan.md`` of the domain documents).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pendulum

from reliefkit.models import (
    Activity,
    ActivityKind,
    DateRange,
    Disbursement,
    Donation,
    Donor,
    DonorKind,
    Fund,
    Household,
    Person,
    Project,
    Role,
    Village,
)
from reliefkit.rules._core import Citation, Context, Pack
from reliefkit.rules._units import ceremony_township, is_township

WHAT, WHY, EXAMPLE, COMPLIANT = "What it checks", "Why it matters", "Example", "Compliant"

SOURCE = "county-plan"


def cite(clause: str, summary: str = "", summary_zh: str = "") -> Citation:
    """A clause of the county plan, with what it asks in English and in Chinese (our own
    paraphrase, not the plan's words)."""
    return Citation(SOURCE, clause, summary, summary_zh)


PACK = Pack(
    name="county-plan",
    prefix="CP",
    title="County work plan for Poverty Alleviation Day (2015)",
    title_zh="县扶贫日系列活动工作方案（2015）",
    source="A Chongqing county's work plan for the 2nd Poverty Alleviation Day, 2015",
    in_force=DateRange("2014-01-01"),
)

PERMITTED = frozenset(
    {
        "infrastructure",
        "industry",
        "vocational_training",
        "technical_services",
        "education_aid",
        "medical_aid",
        "elderly_support",
        "disability_support",
        "orphan_relief",
        "hardship_relief",
        "housing",
    }
)
OTHER_EXPENSES = frozenset(
    {"administration", "event", "travel", "meals", "gifts", "salaries", "vehicles", "office"}
)
GOVERNMENT = frozenset({"government_investment"})


def _month_day(value: str) -> None:
    """A month-day ``MM-DD`` that exists (29 February allowed: it is checked again in the
    campaign's year)."""
    month, sep, day = value.partition("-")
    if not (sep and month.isdigit() and day.isdigit()):
        raise ValueError("expected a month-day 'MM-DD'")
    pendulum.Date(2016, int(month), int(day))  # raises ValueError for 13-45


def _due(value: str) -> None:
    if value != "campaign_end":
        _month_day(value)


def _window_check(value: tuple[str, ...]) -> None:
    if len(value) != 2:
        raise ValueError("expected two month-days 'MM-DD,MM-DD'")
    for month_day in value:
        _month_day(month_day)
    if value[1] < value[0]:
        raise ValueError("the window ends before it starts")


PACK.parameter(
    "permitted_purposes",
    PERMITTED,
    source=cite("§二(一)", "raised money goes to poverty relief", "募集款物用于扶贫开发"),
    doc="Purposes raised money may pay for (poverty relief and the charity purposes of §二(六)).",
)
PACK.parameter(
    "other_expense_purposes",
    OTHER_EXPENSES,
    source=cite("§三(三)", "no other expenses", "募集资金不得用于其他开支"),
    doc="Purposes that are 'other expenses' (CP114): never paid from raised money.",
)
PACK.parameter(
    "government_purposes",
    GOVERNMENT,
    source=cite("§三(三)", "no government-funded projects", "募集资金不得用于应由政府投资的项目"),
    doc="Purposes that are government-obligated investment (CP113).",
)
PACK.parameter(
    "poverty_day",
    "10-17",
    source=cite("§preamble", "17 October is Poverty Alleviation Day", "10月17日为扶贫日"),
    doc="Month-day of Poverty Alleviation Day in the campaign year.",
    check=_month_day,
)
PACK.parameter(
    "ceremony_deadline_inclusive",
    True,
    source=cite("§三(一)", "ceremony before the day", "纪念仪式在扶贫日前举行"),
    doc="Whether a ceremony held on 17 October itself is on time ('前' read as inclusive).",
)
PACK.parameter(
    "visit_window",
    ("10-12", "10-18"),
    source=cite("§二(三)", "visits around 15 October", "10月15日前后访贫慰问"),
    doc="Inclusive month-day window of 'around 15 October' for county leaders' visits.",
    check=_window_check,
)
PACK.parameter(
    "audit_due",
    "campaign_end",
    source=cite("§三(三)", "the audit department audits funds", "审计部门审计募集资金"),
    doc="When audits are due: 'campaign_end' (the campaign's ends_on) or a month-day 'MM-DD'.",
    check=_due,
)
PACK.parameter(
    "forbid_department_to_department",
    False,
    source=cite("§三(一)", "no mutual solicitation", "单位之间不得互相募捐"),
    doc="Whether CP101 also forbids departments soliciting departments (the clause does not).",
)
PACK.parameter(
    "exit_plan_due",
    "campaign_end",
    source=cite("§二(四)", "exit plans for poor villages", "贫困村制定脱贫规划"),
    doc="When exit plans are due: 'campaign_end' or a month-day 'MM-DD'.",
    check=_due,
)
PACK.parameter(
    "due_day_counts",
    True,
    source=cite(
        "§三(三)",
        "exit plans and audits by the end of the campaign",
        "活动结束前完成脱贫规划和审计",
    ),
    doc="Whether a missing exit plan (CP111) or audit (CP118) is judged on its due day itself "
    "(a check as of the campaign's last day is its closing review) or only from the day after.",
    confidence="I",
)


# ---- shared helpers --------------------------------------------------------------------
def ids_of(records: Iterable[Any]) -> tuple[str, ...]:
    """The records' ids, sorted."""
    return tuple(sorted(r.id for r in records))


def iso(day: Any) -> str:
    """A date as ISO text, or a dash."""
    return str(day.isoformat()) if day is not None else "—"


def due_date(ctx: Context, name: str) -> pendulum.Date:
    """A due-day parameter (``campaign_end`` or ``MM-DD``) as a date."""
    value = ctx.param(name)
    return ctx.campaign.ends_on if value == "campaign_end" else ctx.date_in_year(value)


def has_come(ctx: Context, due: pendulum.Date) -> bool:
    """Whether ``as_of`` is past ``due`` (or on it, when the due day counts)."""
    return ctx.as_of >= due if ctx.param("due_day_counts") else ctx.as_of > due


def ceremony_deadline(ctx: Context) -> pendulum.Date:
    """Poverty Alleviation Day of the campaign's year."""
    return ctx.date_in_year(ctx.param("poverty_day"))


def late(ctx: Context, day: pendulum.Date) -> bool:
    """Whether a day is past the ceremony deadline."""
    deadline = ceremony_deadline(ctx)
    return day > deadline if ctx.param("ceremony_deadline_inclusive") else day >= deadline


def role_of(ctx: Context, person_id: str | None) -> Role | None:
    """The role of a person, if the id names one."""
    person = ctx.view.get(person_id)
    return person.role if isinstance(person, Person) else None


def is_poor_village(ctx: Context, village_id: str | None) -> bool:
    """Whether the id names a poor village."""
    village = ctx.view.get(village_id)
    return isinstance(village, Village) and village.poor


def is_poor_household(ctx: Context, household_id: str | None) -> bool:
    """Whether the id names a registered poor household."""
    household = ctx.view.get(household_id)
    return isinstance(household, Household) and household.registered_poor


def classify(ctx: Context, disbursement: Disbursement) -> str:
    """CP113, CP114, CP112 or "" (permitted): one classification of each disbursement.

    Worked out once per disbursement and context, and shared by the three rules (the
    catalogue's one classification): on the dataset for ``check``, on the changed view for
    ``admit``, where a replaced project or disbursement is classified afresh.
    """
    memo = ctx.shared("county-plan classification")
    found = memo.get(disbursement.id)
    if found is not None and found[0] is disbursement:
        code: str = found[1]
        return code
    code = _classified(ctx, disbursement)
    memo[disbursement.id] = (disbursement, code)
    return code


def _classified(ctx: Context, disbursement: Disbursement) -> str:
    project = ctx.view.get(disbursement.project_id)
    purpose = (disbursement.purpose or "").strip().lower()
    if (isinstance(project, Project) and project.government_obligated) or (
        purpose in ctx.param("government_purposes")
    ):
        return "CP113"
    if purpose in ctx.param("other_expense_purposes"):
        return "CP114"
    if purpose not in ctx.param("permitted_purposes"):
        return "CP112"
    return ""


# ---- which subjects are in a rule's reach -------------------------------------------------
def organised_by_township(ctx: Context, activity: Activity) -> bool:
    """An activity a township organised."""
    return is_township(ctx.view, activity.organizer_id)


def township_ceremony(ctx: Context, activity: Activity) -> bool:
    """A ceremony a township organised."""
    return ceremony_township(ctx.view, activity) is not None


def poor_village(ctx: Context, village: Village) -> bool:
    """A poor village."""
    return village.poor


def poor_household(ctx: Context, household: Household) -> bool:
    """A registered poor household."""
    return household.registered_poor


def moving_fund(ctx: Context, fund: Fund) -> bool:
    """A fund of raised money with at least one donation or disbursement (a fund of fiscal
    money is the fiscal-funds pack's: the plan's clauses are about money raised)."""
    view = ctx.view
    return fund.fiscal is not True and (
        view.has_group("donations_by_fund", fund.id)
        or view.has_group("disbursements_by_fund", fund.id)
    )


def fund_with_donations(ctx: Context, fund: Fund) -> bool:
    """A fund of raised money that received donations."""
    return fund.fiscal is not True and ctx.view.has_group("donations_by_fund", fund.id)


def donation_in_activity(ctx: Context, donation: Donation) -> bool:
    """A donation made in an activity."""
    return donation.activity_id is not None


def notable_return(ctx: Context, donation: Donation) -> bool:
    """A local notable's donation through a hometown-return activity."""
    donor = ctx.view.get(donation.donor_id)
    activity = ctx.view.get(donation.activity_id)
    return (
        isinstance(donor, Donor)
        and donor.kind is DonorKind.LOCAL_NOTABLE
        and isinstance(activity, Activity)
        and activity.kind is ActivityKind.HOMETOWN_RETURN
    )


def of_kind(kind: ActivityKind) -> Any:
    """Activities of one kind."""

    def where(ctx: Context, activity: Activity) -> bool:
        return activity.kind is kind

    where.__name__ = f"of_kind_{kind.value}"
    return where


training = of_kind(ActivityKind.VOCATIONAL_TRAINING)
inspection_tour = of_kind(ActivityKind.INSPECTION_TOUR)
