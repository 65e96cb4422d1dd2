"""The county-plan pack (CP): a county's 2015 work plan for Poverty Alleviation Day.

Source: a Chongqing county's work plan for the 2nd Poverty Alleviation Day (扶贫日) and the
23rd International Day for the Eradication of Poverty, 2015. Each rule below paraphrases the
clause it cites; the clause catalogue is ``shared/domain/county-plan.md``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import pendulum

from reliefkit.models import (
    Activity,
    ActivityKind,
    Audit,
    DateRange,
    Disbursement,
    Donation,
    Donor,
    DonorKind,
    ExitPlan,
    Household,
    Person,
    Pledge,
    Project,
    Record,
    Role,
    Sector,
    Solicitation,
    Township,
    Village,
    WorkPlan,
    WorkTeam,
)
from reliefkit.rules._core import Citation, Context, Pack, Severity, Violation
from reliefkit.rules._county_plan_zh import DOCS_ZH
from reliefkit.rules._ledger import ZERO, ledger, target_of
from reliefkit.rules._units import (
    ceremonies_of,
    ceremony_township,
    is_department,
    is_township,
    paired,
    resolve_target,
    resolve_unit,
)

SOURCE = "county-plan"


def cite(clause: str, summary: str = "") -> Citation:
    """A clause of the county plan."""
    return Citation(SOURCE, clause, summary)


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
    source=cite("§二(一)", "raised money goes to poverty relief"),
    doc="Purposes raised money may pay for (poverty relief and the charity purposes of §二(六)).",
)
PACK.parameter(
    "other_expense_purposes",
    OTHER_EXPENSES,
    source=cite("§三(三)", "no other expenses"),
    doc="Purposes that are 'other expenses' (CP114): never paid from raised money.",
)
PACK.parameter(
    "government_purposes",
    GOVERNMENT,
    source=cite("§三(三)", "no government-funded projects"),
    doc="Purposes that are government-obligated investment (CP113).",
)
PACK.parameter(
    "poverty_day",
    "10-17",
    source=cite("§preamble", "17 October is Poverty Alleviation Day"),
    doc="Month-day of Poverty Alleviation Day in the campaign year.",
    check=_month_day,
)
PACK.parameter(
    "ceremony_deadline_inclusive",
    True,
    source=cite("§三(一)", "ceremony before the day"),
    doc="Whether a ceremony held on 17 October itself is on time ('前' read as inclusive).",
)
PACK.parameter(
    "visit_window",
    ("10-12", "10-18"),
    source=cite("§二(三)", "visits around 15 October"),
    doc="Inclusive month-day window of 'around 15 October' for county leaders' visits.",
    check=_window_check,
)
PACK.parameter(
    "audit_due",
    "campaign_end",
    source=cite("§三(三)", "the audit department audits funds"),
    doc="When audits are due: 'campaign_end' (the campaign's ends_on) or a month-day 'MM-DD'.",
    check=_due,
)
PACK.parameter(
    "forbid_department_to_department",
    False,
    source=cite("§三(一)", "no mutual solicitation"),
    doc="Whether CP101 also forbids departments soliciting departments (the clause does not).",
)
PACK.parameter(
    "exit_plan_due",
    "campaign_end",
    source=cite("§二(四)", "exit plans for poor villages"),
    doc="When exit plans are due: 'campaign_end' or a month-day 'MM-DD'.",
    check=_due,
)
PACK.parameter(
    "due_day_counts",
    True,
    source=cite("§三(三)", "exit plans and audits by the end of the campaign"),
    doc="Whether a missing exit plan (CP111) or audit (CP118) is judged on its due day itself "
    "(a check as of the campaign's last day is its closing review) or only from the day after.",
    confidence="I",
)


# ---- shared helpers --------------------------------------------------------------------
def _ids(records: Iterable[Any]) -> tuple[str, ...]:
    return tuple(sorted(r.id for r in records))


def _iso(day: Any) -> str:
    return str(day.isoformat()) if day is not None else "—"


def _due_date(ctx: Context, name: str) -> pendulum.Date:
    value = ctx.param(name)
    return ctx.campaign.ends_on if value == "campaign_end" else ctx.date_in_year(value)


def _has_come(ctx: Context, due: pendulum.Date) -> bool:
    """Whether ``as_of`` is past ``due`` (or on it, when the due day counts)."""
    return ctx.as_of >= due if ctx.param("due_day_counts") else ctx.as_of > due


def _ceremony_deadline(ctx: Context) -> pendulum.Date:
    return ctx.date_in_year(ctx.param("poverty_day"))


def _late(ctx: Context, day: pendulum.Date) -> bool:
    deadline = _ceremony_deadline(ctx)
    return day > deadline if ctx.param("ceremony_deadline_inclusive") else day >= deadline


def _only(record: Record, cls: type[Any]) -> Iterator[str]:
    if isinstance(record, cls):
        yield record.id


def _person_role(ctx: Context, person_id: str | None) -> Role | None:
    person = ctx.dataset.get(person_id)
    return person.role if isinstance(person, Person) else None


def _is_poor_village(ctx: Context, village_id: str | None) -> bool:
    village = ctx.dataset.get(village_id)
    return isinstance(village, Village) and village.poor


def _is_poor_household(ctx: Context, household_id: str | None) -> bool:
    household = ctx.dataset.get(household_id)
    return isinstance(household, Household) and household.registered_poor


# ---- §三(一) coordination ------------------------------------------------------------------
def _solicitation_keys(ctx: Context) -> Iterable[str]:
    return (s.id for s in ctx.dataset.solicitations)


def _solicitation_touched(ctx: Context, record: Record) -> Iterable[str]:
    return _only(record, Solicitation)


@PACK.rule(
    code="CP101",
    name="cross-township-solicitation",
    severity=Severity.ERROR,
    cites=[
        cite(
            "§三(一)",
            "no mutual solicitation between townships, or townships and departments, "
            "except paired units",
        )
    ],
    title="A township solicits another township, or a township and a department solicit each other, "
    "without a pairing",
    title_zh="乡镇之间、乡镇与部门之间非对口帮扶单位互请捐赠",
    remedy="Withdraw the solicitation, or record the official pairing (对口帮扶) that permits it.",
    remedy_zh="撤回该募捐请求，或登记允许该请求的对口帮扶关系。",
    reads=["solicitations", "townships", "departments", "donors", "pairings", "villages"],
    keys=_solicitation_keys,
    touched=_solicitation_touched,
    params=["forbid_department_to_department"],
)
def cross_township_solicitation(ctx: Context, solicitation_id: str) -> Iterator[Violation]:
    """
    What it checks:
    A solicitation whose organiser and target (a cadre or unit donor stands for its unit) are
    two different townships, or a township and a county department in either direction,
    unless a pairing joins the department with the township or one of its villages.

    Why it matters:
    The plan forbids units from asking each other for donations, which turns giving into a
    levy between offices; only officially paired units may ask each other.

    Example:
    Township T01 asks township T02 to donate (solicitation S1).

    Compliant:
    Department D03, paired with T02, asks T02; or T01 asks a private enterprise.

    References:
    county-plan §三(一).
    """
    ds = ctx.dataset
    sol = ds.get(solicitation_id)
    assert isinstance(sol, Solicitation)
    organizer = resolve_unit(ds, sol.organizer_id)
    target = resolve_unit(ds, sol.target_id)
    if organizer is None or target is None or organizer == target:
        return
    org_t, tgt_t = is_township(ds, organizer), is_township(ds, target)
    if org_t and tgt_t:
        kind, kind_zh = "township asks township", "乡镇向乡镇"
    elif org_t or tgt_t:
        department, township = (target, organizer) if org_t else (organizer, target)
        if paired(ds, department, township):
            return
        kind, kind_zh = (
            ("township asks department", "乡镇向部门")
            if org_t
            else ("department asks township", "部门向乡镇")
        )
    elif (
        is_department(ds, organizer)
        and is_department(ds, target)
        and ctx.param("forbid_department_to_department")
    ):
        kind, kind_zh = "department asks department", "部门向部门"
    else:
        return
    yield Violation(
        (sol.id, sol.organizer_id, sol.target_id),
        f"Solicitation {sol.id}: {sol.organizer_id} asks {sol.target_id} to donate "
        f"({kind}) with no pairing between them.",
        f"募捐请求 {sol.id}：{sol.organizer_id} 向 {sol.target_id} 募捐（{kind_zh}），双方不是对口帮扶单位。",
        {"organizer": organizer, "target_unit": target, "relation": kind, "paired": False},
    )


def _target_keys(ctx: Context) -> Iterable[str]:
    return sorted({resolve_target(ctx.dataset, s.target_id) for s in ctx.dataset.solicitations})


def _target_touched(ctx: Context, record: Record) -> Iterable[str]:
    if isinstance(record, Solicitation):
        yield resolve_target(ctx.dataset, record.target_id)


def _solicitations_of_target(ctx: Context, target: str) -> list[Solicitation]:
    ds = ctx.dataset
    found = list(ds.solicitations_of(target))
    if ds.table_of(target) in ("townships", "departments"):
        for donor in ds.donors_of_unit(target):
            if ds.donor_unit(donor) == target:
                found += ds.solicitations_of(donor.id)
    return found


@PACK.rule(
    code="CP102",
    name="duplicate-solicitation",
    severity=Severity.ERROR,
    cites=[cite("§三(一)", "no duplicate or repeated drives")],
    title="The same target is solicited by more than one donation drive",
    title_zh="同一对象被多个募捐活动重复募捐",
    remedy="Keep one drive per target: merge the drives or withdraw the extra solicitations.",
    remedy_zh="每个对象只保留一个募捐活动：合并活动或撤回多余的募捐请求。",
    reads=["solicitations", "activities", "donors"],
    keys=_target_keys,
    touched=_target_touched,
)
def duplicate_solicitation(ctx: Context, target: str) -> Iterator[Violation]:
    """
    What it checks:
    Per target (a unit, or a donor that is not a unit; asking a unit's cadre is asking the
    unit), the distinct donation drives that solicited it, leaving out drives the target
    organised itself. More than one is a duplicate.

    Why it matters:
    The plan forbids repeated and duplicate fundraising: one unit or donor should not be
    asked again and again by different drives.

    Example:
    Enterprise E1 is solicited in drive A1 (by T01) and in drive A2 (by D02).

    Compliant:
    E1 is solicited twice within drive A1, or only by A1.

    References:
    county-plan §三(一).
    """
    ds = ctx.dataset
    drives: dict[str, list[Solicitation]] = {}
    for sol in _solicitations_of_target(ctx, target):
        activity = ds.get(sol.activity_id)
        organizer = activity.organizer_id if isinstance(activity, Activity) else None
        if (organizer or sol.organizer_id) == target:
            continue
        drives.setdefault(sol.activity_id, []).append(sol)
    if len(drives) <= 1:
        return
    sols = sorted(s.id for group in drives.values() for s in group)
    names = sorted(drives)
    yield Violation(
        (target, *sols),
        f"{target} is solicited by {len(drives)} donation drives ({', '.join(names)}).",
        f"{target} 被 {len(drives)} 个募捐活动重复募捐（{'、'.join(names)}）。",
        {"drives": names, "solicitations": sols, "limit": 1},
    )


def _township_activity_keys(ctx: Context) -> Iterable[str]:
    ds = ctx.dataset
    return (a.id for a in ds.activities if is_township(ds, a.organizer_id))


def _activity_touched(ctx: Context, record: Record) -> Iterable[str]:
    return _only(record, Activity)


@PACK.rule(
    code="CP103",
    name="activity-outside-township",
    severity=Severity.WARNING,
    cites=[cite("§三(一)", "territorial principle 属地原则")],
    title="A township's activity takes place outside the township",
    title_zh="乡镇组织的活动不在本乡镇内（属地原则）",
    remedy="Hold the activity in the organising township, or let the host township organise it.",
    remedy_zh="在组织乡镇内开展活动，或由所在乡镇组织。",
    reads=["activities", "villages", "townships"],
    keys=_township_activity_keys,
    touched=_activity_touched,
)
def activity_outside_township(ctx: Context, activity_id: str) -> Iterator[Violation]:
    """
    What it checks:
    An activity organised by a township takes place in that township (``township_id``), and
    every village it lists lies in that township.

    Why it matters:
    Under the territorial principle each township organises activities on its own ground;
    activities elsewhere blur responsibility.

    Example:
    Township T01 organises a drive whose place is T02, or that lists village V9 of T02.

    Compliant:
    T01's drive takes place in T01 and lists only villages of T01.

    References:
    county-plan §三(一).
    """
    ds = ctx.dataset
    activity = ds.get(activity_id)
    assert isinstance(activity, Activity)
    home = activity.organizer_id
    if home is None or not is_township(ds, home):
        return
    problems: dict[str, Any] = {}
    if activity.township_id is not None and activity.township_id != home:
        problems["place"] = activity.township_id
    foreign = [
        v
        for v in activity.villages
        if isinstance(village := ds.get(v), Village) and village.township_id != home
    ]
    if foreign:
        problems["villages_elsewhere"] = foreign
    if problems:
        yield Violation(
            (activity.id,),
            f"Activity {activity.id} of township {home} takes place outside it: "
            + "; ".join(f"{k}={v}" for k, v in problems.items())
            + ".",
            f"乡镇 {home} 组织的活动 {activity.id} 不在本乡镇内开展。",
            {"organizer": home, **problems},
        )


def _township_keys(ctx: Context) -> Iterable[str]:
    return (t.id for t in ctx.dataset.townships)


def _work_plan_touched(ctx: Context, record: Record) -> Iterable[str]:
    if isinstance(record, WorkPlan):
        yield record.township_id
    elif isinstance(record, Township):
        yield record.id


@PACK.rule(
    code="CP104",
    name="missing-work-plan",
    severity=Severity.ERROR,
    cites=[
        cite("§三(一)", "each township makes a work plan; its main leader is directly responsible")
    ],
    title="A township has no work plan naming its main leader and assigning tasks",
    title_zh="乡镇未制定工作方案，或方案未明确主要领导为直接责任人、未分解任务",
    remedy="Adopt a work plan that names the township's main leader as the responsible person "
    "and assigns at least one task.",
    remedy_zh="制定工作方案，明确乡镇主要领导为直接责任人，并分解至少一项任务。",
    reads=["work_plans", "townships"],
    keys=_township_keys,
    touched=_work_plan_touched,
)
def missing_work_plan(ctx: Context, township_id: str) -> Iterator[Violation]:
    """
    What it checks:
    Every township has a work plan for the campaign whose responsible person is the
    township's main leader and which assigns at least one task.

    Why it matters:
    The plan makes each township's main leader the person directly responsible for the
    campaign, with concrete tasks.

    Example:
    Township T05 has no work plan, or its plan names a deputy, or assigns no task.

    Compliant:
    T05's plan names its main leader P05 and assigns 4 tasks.

    References:
    county-plan §三(一).
    """
    ds = ctx.dataset
    township = ds.get(township_id)
    assert isinstance(township, Township)
    plans = ds.work_plans_of(township_id)
    problem = problem_zh = ""
    if not plans:
        problem, problem_zh = "has no work plan", "未制定工作方案"
    elif township.main_leader_id is None:
        problem, problem_zh = "has no main leader to name in its plan", "未登记主要领导"
    else:
        plan = plans[0]
        if plan.responsible_person_id != township.main_leader_id:
            problem = (
                f"work plan names {plan.responsible_person_id or 'nobody'}, not the main leader "
                f"{township.main_leader_id}"
            )
            problem_zh = "工作方案未明确主要领导为直接责任人"
        elif not plan.tasks:
            problem, problem_zh = "work plan assigns no task", "工作方案未分解任务"
    if problem:
        yield Violation(
            (township_id,),
            f"Township {township_id} {problem}.",
            f"乡镇 {township_id}{problem_zh}。",
            {
                "work_plans": len(plans),
                "main_leader": township.main_leader_id,
                "responsible_person": plans[0].responsible_person_id if plans else None,
                "tasks": plans[0].tasks if plans else None,
            },
        )


def _ceremony_keys(ctx: Context) -> Iterable[str]:
    ds = ctx.dataset
    return (
        a.id
        for a in ds.activities_of_kind(ActivityKind.CEREMONY)
        if ceremony_township(ds, a) is not None
    )


def _ceremony_touched(ctx: Context, record: Record) -> Iterable[str]:
    if isinstance(record, Activity) and ceremony_township(ctx.dataset, record) is not None:
        yield record.id


@PACK.rule(
    code="CP105",
    name="main-leader-absent-from-ceremony",
    severity=Severity.WARNING,
    cites=[cite("§三(一)", "the township's main leader takes part in the ceremony")],
    title="The township's main leader does not take part in its ceremony",
    title_zh="乡镇主要领导未参加本乡镇扶贫日纪念活动仪式",
    remedy="Record the main leader as leading or taking part in the ceremony.",
    remedy_zh="由乡镇主要领导主持或参加纪念活动仪式。",
    reads=["activities", "townships"],
    keys=_ceremony_keys,
    touched=_ceremony_touched,
)
def main_leader_absent(ctx: Context, activity_id: str) -> Iterator[Violation]:
    """
    What it checks:
    For each ceremony organised by a township, the township's main leader is named in
    ``participants`` or as ``led_by``.

    Why it matters:
    The plan asks the township's main leader to attend the ceremony in person.

    Example:
    Ceremony A1 of T01 lists neither T01's main leader P01 as leader nor as participant.

    Compliant:
    A1 is led by P01.

    References:
    county-plan §三(一).
    """
    ds = ctx.dataset
    ceremony = ds.get(activity_id)
    assert isinstance(ceremony, Activity)
    township_id = ceremony_township(ds, ceremony)
    township = ds.get(township_id)
    assert isinstance(township, Township)
    leader = township.main_leader_id
    if leader is not None and (leader == ceremony.led_by or leader in ceremony.participants):
        return
    yield Violation(
        (ceremony.id, township.id),
        f"Ceremony {ceremony.id}: the main leader of {township.id} "
        f"({leader or 'not recorded'}) takes no part.",
        f"纪念活动仪式 {ceremony.id}：乡镇 {township.id} 主要领导未参加。",
        {"main_leader": leader, "led_by": ceremony.led_by, "participants": ceremony.participants},
    )


def _ceremony_township_touched(ctx: Context, record: Record) -> Iterable[str]:
    if isinstance(record, Activity):
        township = ceremony_township(ctx.dataset, record)
        if township is not None:
            yield township


def _ceremony_due(ctx: Context) -> bool:
    return _late(ctx, ctx.as_of) or any(
        _late(ctx, a.on) for a in ctx.dataset.activities_of_kind(ActivityKind.CEREMONY)
    )


@PACK.rule(
    code="CP106",
    name="late-ceremony",
    severity=Severity.ERROR,
    cites=[cite("§三(一)", "each township holds its ceremony before 17 October")],
    title="A township holds no ceremony on or before Poverty Alleviation Day",
    title_zh="乡镇未在扶贫日（10月17日）前举行纪念活动仪式",
    remedy="Hold the township's ceremony on or before 17 October of the campaign year.",
    remedy_zh="在当年10月17日前（含当日）举行乡镇纪念活动仪式。",
    reads=["activities", "townships"],
    keys=_township_keys,
    touched=_ceremony_township_touched,
    due=_ceremony_due,
    params=["poverty_day", "ceremony_deadline_inclusive"],
)
def late_ceremony(ctx: Context, township_id: str) -> Iterator[Violation]:
    """
    What it checks:
    Every township holds its ceremony on or before Poverty Alleviation Day (17 October of the
    campaign year; whether the day itself counts is a parameter). A ceremony dated after the
    day is late whatever ``as_of``; a township with no ceremony is in breach once ``as_of``
    has passed the day.

    Why it matters:
    The plan asks every township to mark the day with a ceremony by the day itself.

    Example:
    Township T03's only ceremony is dated 2015-10-20.

    Compliant:
    T03 holds its ceremony on 2015-10-16.

    References:
    county-plan §三(一).
    """
    ds = ctx.dataset
    ceremonies = ceremonies_of(ds, township_id)
    late = [c for c in ceremonies if _late(ctx, c.on)]
    deadline = _ceremony_deadline(ctx)
    if late:
        ids = _ids(late)
        yield Violation(
            (township_id, *ids),
            f"Township {township_id} holds its ceremony after {deadline.isoformat()} "
            f"({', '.join(f'{c.id} on {c.on.isoformat()}' for c in sorted(late, key=lambda c: c.id))}).",
            f"乡镇 {township_id} 在扶贫日（{deadline.isoformat()}）之后举行纪念活动仪式。",
            {"deadline": deadline, "ceremonies": {c.id: c.on for c in late}},
        )
    elif not ceremonies and _late(ctx, ctx.as_of):
        yield Violation(
            (township_id,),
            f"Township {township_id} held no ceremony by {deadline.isoformat()}.",
            f"乡镇 {township_id} 未在扶贫日（{deadline.isoformat()}）前举行纪念活动仪式。",
            {"deadline": deadline, "as_of": ctx.as_of, "ceremonies": 0},
        )


@PACK.rule(
    code="CP107",
    name="ceremony-not-in-populous-seat",
    severity=Severity.WARNING,
    cites=[cite("§三(一)", "ceremony at a populous place in the township seat")],
    title="A ceremony is not held at a populous place in the township seat",
    title_zh="纪念活动仪式未在乡镇所在地人口集中的地点举行",
    remedy="Hold the ceremony at a populous place in the township seat, and record both facts.",
    remedy_zh="在乡镇所在地人口集中的地点举行仪式，并如实登记。",
    reads=["activities"],
    keys=_ceremony_keys,
    touched=_ceremony_touched,
)
def ceremony_place(ctx: Context, activity_id: str) -> Iterator[Violation]:
    """
    What it checks:
    Each township ceremony is recorded as held in the township seat (``in_seat``) at a
    populous place (``populous``). A fact not recorded counts as not shown.

    Why it matters:
    The plan wants the ceremony where many people see it, to spread the campaign.

    Example:
    Ceremony A1 of T01 is held in a remote village (``in_seat`` false).

    Compliant:
    A1 is held on the seat's main square (``in_seat`` and ``populous`` true).

    References:
    county-plan §三(一).
    """
    ds = ctx.dataset
    ceremony = ds.get(activity_id)
    assert isinstance(ceremony, Activity)
    if ceremony.in_seat is True and ceremony.populous is True:
        return
    township_id = ceremony_township(ds, ceremony)
    assert township_id is not None
    yield Violation(
        (ceremony.id, township_id),
        f"Ceremony {ceremony.id} of {township_id} is not shown to be at a populous place in the "
        f"township seat (in_seat={ceremony.in_seat}, populous={ceremony.populous}).",
        f"乡镇 {township_id} 的纪念活动仪式 {ceremony.id} 未在乡镇所在地人口集中的地点举行。",
        {"in_seat": ceremony.in_seat, "populous": ceremony.populous, "place": ceremony.place},
    )


# ---- §二(三) leader visits --------------------------------------------------------------------
def _window(ctx: Context) -> tuple[Any, Any]:
    start, end = ctx.param("visit_window")
    return ctx.date_in_year(start), ctx.date_in_year(end)


def _visit_keys(ctx: Context) -> Iterable[tuple[str, str]]:
    yield ("campaign", ctx.campaign.id)
    for visit in ctx.dataset.activities_of_kind(ActivityKind.LEADER_VISIT):
        yield ("visit", visit.id)


def _visit_touched(ctx: Context, record: Record) -> Iterable[tuple[str, str]]:
    if isinstance(record, Activity) and record.kind is ActivityKind.LEADER_VISIT:
        yield ("campaign", ctx.campaign.id)
        yield ("visit", record.id)


def _visit_due(ctx: Context) -> bool:
    return bool(ctx.dataset.activities_of_kind(ActivityKind.LEADER_VISIT)) or (
        ctx.as_of > _window(ctx)[1]
    )


def _qualifies(ctx: Context, visit: Activity, window: tuple[Any, Any]) -> bool:
    return (
        _person_role(ctx, visit.led_by) is Role.COUNTY_LEADER
        and window[0] <= visit.on <= window[1]
        and (
            any(_is_poor_village(ctx, v) for v in visit.villages)
            or any(_is_poor_household(ctx, h) for h in visit.households)
        )
    )


@PACK.rule(
    code="CP108",
    name="leader-visit-missing",
    severity=Severity.WARNING,
    cites=[cite("§二(三)", "around 15 October county leaders lead visits to the poor")],
    title="No county-leader visit to the poor around 15 October, or a visit not led by a "
    "county leader",
    title_zh="10月15日前后县领导未带头访贫慰问，或访贫慰问未由县领导带队",
    remedy="Have a county leader lead a visit to a poor village or household within the window.",
    remedy_zh="由县领导在规定时段内带队到贫困村或贫困户访贫慰问。",
    reads=["activities", "people", "villages", "households"],
    keys=_visit_keys,
    touched=_visit_touched,
    due=_visit_due,
    params=["visit_window"],
)
def leader_visit(ctx: Context, key: tuple[str, str]) -> Iterator[Violation]:
    """
    What it checks:
    Every leader visit is led by a person whose role is ``county_leader``; and once the
    window (default 12–18 October) has closed, at least one visit led by a county leader,
    dated in the window, went to a poor village or a registered poor household.

    Why it matters:
    The plan asks county leaders to lead visits to poor villages and households around
    15 October.

    Example:
    The only leader visit is led by a township cadre, or takes place on 1 November.

    Compliant:
    County leader P1 visits poor village V3 on 15 October.

    References:
    county-plan §二(三).
    """
    kind, record_id = key
    ds = ctx.dataset
    if kind == "visit":
        visit = ds.get(record_id)
        assert isinstance(visit, Activity)
        role = _person_role(ctx, visit.led_by)
        if role is not Role.COUNTY_LEADER:
            yield Violation(
                (visit.id,),
                f"Leader visit {visit.id} is led by {visit.led_by or 'nobody'}, "
                "not by a county leader.",
                f"访贫慰问 {visit.id} 未由县领导带队。",
                {"led_by": visit.led_by, "role": role.value if role else None},
            )
        return
    window = _window(ctx)
    if ctx.as_of <= window[1]:
        return
    visits = ds.activities_of_kind(ActivityKind.LEADER_VISIT)
    if not any(_qualifies(ctx, v, window) for v in visits):
        yield Violation(
            (record_id,),
            f"No county leader led a visit to a poor village or household between "
            f"{window[0].isoformat()} and {window[1].isoformat()}.",
            f"{window[0].isoformat()} 至 {window[1].isoformat()} 期间无县领导带队到贫困村或贫困户访贫慰问。",
            {"window": [window[0], window[1]], "leader_visits": len(visits)},
        )


# ---- §二(四) village stationing -------------------------------------------------------------------
def _poor_village_keys(ctx: Context) -> Iterable[str]:
    return (v.id for v in ctx.dataset.villages if v.poor)


def _team_touched(ctx: Context, record: Record) -> Iterable[str]:
    if isinstance(record, WorkTeam):
        yield record.village_id
    elif isinstance(record, Village) and record.poor:
        yield record.id


@PACK.rule(
    code="CP109",
    name="poor-village-without-work-team",
    severity=Severity.ERROR,
    cites=[cite("§二(四)", "every poor village has a work team 村村都有工作队")],
    title="A poor village has no work team during the campaign",
    title_zh="贫困村在活动期间没有驻村工作队",
    remedy="Station a work team in the village for a period that overlaps the campaign.",
    remedy_zh="向该村派驻工作队，驻村时间须与活动期间重叠。",
    reads=["villages", "work_teams"],
    keys=_poor_village_keys,
    touched=_team_touched,
)
def village_without_team(ctx: Context, village_id: str) -> Iterator[Violation]:
    """
    What it checks:
    Every poor village has a work team whose period (``starts_on`` … ``ends_on``, open when
    empty) overlaps the campaign's period.

    Why it matters:
    The plan requires a stationed work team in every poor village (村村都有工作队).

    Example:
    Poor village V7 has no team, or only one that left before the campaign began.

    Compliant:
    Team W7 has been stationed in V7 since 2015-03-01.

    References:
    county-plan §二(四).
    """
    period = DateRange(ctx.campaign.starts_on, ctx.campaign.ends_on)
    teams = ctx.dataset.teams_in(village_id)
    if any(DateRange(t.starts_on, t.ends_on).overlaps(period) for t in teams):
        return
    yield Violation(
        (village_id,),
        f"Poor village {village_id} has no work team active during the campaign.",
        f"贫困村 {village_id} 在活动期间没有驻村工作队。",
        {"teams": _ids(teams), "campaign": [period.starts_on, period.ends_on]},
    )


def _poor_household_keys(ctx: Context) -> Iterable[str]:
    return (h.id for h in ctx.dataset.households if h.registered_poor)


def _household_touched(ctx: Context, record: Record) -> Iterable[str]:
    if isinstance(record, Household) and record.registered_poor:
        yield record.id


@PACK.rule(
    code="CP110",
    name="poor-household-without-responsible-person",
    severity=Severity.ERROR,
    cites=[cite("§二(四)", "every poor household has a responsible person 户户都有责任人")],
    title="A registered poor household has no responsible person",
    title_zh="建档立卡贫困户没有帮扶责任人",
    remedy="Assign a responsible person (帮扶责任人) to the household.",
    remedy_zh="为该户明确帮扶责任人。",
    reads=["households"],
    keys=_poor_household_keys,
    touched=_household_touched,
)
def household_without_person(ctx: Context, household_id: str) -> Iterator[Violation]:
    """
    What it checks:
    Every registered poor household names a responsible person.

    Why it matters:
    The plan requires a named person responsible for every poor household (户户都有责任人).

    Example:
    Registered poor household H12 has an empty ``responsible_person_id``.

    Compliant:
    H12's responsible person is cadre P40.

    References:
    county-plan §二(四).
    """
    household = ctx.dataset.get(household_id)
    assert isinstance(household, Household)
    if household.responsible_person_id is None:
        yield Violation(
            (household.id,),
            f"Registered poor household {household.id} has no responsible person.",
            f"建档立卡贫困户 {household.id} 没有帮扶责任人。",
            {"village": household.village_id},
        )


def _exit_touched(ctx: Context, record: Record) -> Iterable[str]:
    if isinstance(record, ExitPlan):
        yield record.village_id
    elif isinstance(record, Village) and record.poor:
        yield record.id


def _exit_due(ctx: Context) -> bool:
    due = _due_date(ctx, "exit_plan_due")
    return _has_come(ctx, due) or any(p.adopted_on > due for p in ctx.dataset.exit_plans)


@PACK.rule(
    code="CP111",
    name="poor-village-without-exit-plan",
    severity=Severity.WARNING,
    cites=[cite("§二(四)", "stationed teams help poor villages plan their exit from poverty")],
    title="A poor village has no exit plan adopted by the end of the campaign",
    title_zh="贫困村在活动结束前未制定脱贫规划",
    remedy="Adopt the village's exit plan (脱贫规划) by the end of the campaign.",
    remedy_zh="在活动结束前制定该村脱贫规划。",
    reads=["villages", "exit_plans"],
    keys=_poor_village_keys,
    touched=_exit_touched,
    due=_exit_due,
    params=["exit_plan_due", "due_day_counts"],
)
def village_without_exit_plan(ctx: Context, village_id: str) -> Iterator[Violation]:
    """
    What it checks:
    Every poor village has an exit plan adopted on or before the campaign's last day. A plan
    adopted later is late whatever ``as_of``; a missing plan is due on the campaign's last day.

    Why it matters:
    Work teams are to help each poor village plan how it leaves poverty.

    Example:
    Poor village V7 has no exit plan at the end of the campaign, or adopts one in 2016.

    Compliant:
    V7's plan was adopted on 2015-06-30.

    References:
    county-plan §二(四).
    """
    due = _due_date(ctx, "exit_plan_due")
    plans = ctx.dataset.exit_plans_of(village_id)
    if any(p.adopted_on <= due for p in plans):
        return
    if plans or _has_come(ctx, due):
        yield Violation(
            (village_id,),
            f"Poor village {village_id} has no exit plan adopted by {due.isoformat()}.",
            f"贫困村 {village_id} 未在 {due.isoformat()} 前制定脱贫规划。",
            {"due": due, "adopted_on": [p.adopted_on for p in plans]},
        )


# ---- §二(一), §三(三) what raised money pays for ----------------------------------------------------
def _classify(ctx: Context, disbursement: Disbursement) -> str:
    """CP113, CP114, CP112 or "" (permitted): each disbursement is classified once."""
    project = ctx.dataset.get(disbursement.project_id)
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


def _disbursement_keys(ctx: Context) -> Iterable[str]:
    return (d.id for d in ctx.dataset.disbursements)


def _disbursement_touched(ctx: Context, record: Record) -> Iterable[str]:
    return _only(record, Disbursement)


_PURPOSE_READS = ["disbursements", "projects"]
_PURPOSE_PARAMS = ["permitted_purposes", "other_expense_purposes", "government_purposes"]


@PACK.rule(
    code="CP112",
    name="purpose-not-poverty-relief",
    severity=Severity.ERROR,
    cites=[
        cite("§二(一)", "all money raised goes to poverty relief"),
        cite("§二(六)", "charity purposes"),
    ],
    title="A disbursement names no permitted poverty-relief purpose",
    title_zh="支出用途不属于扶贫开发",
    remedy="Classify the disbursement under a permitted poverty-relief purpose, or reverse it.",
    remedy_zh="将该支出归入允许的扶贫用途，或予以追回。",
    reads=_PURPOSE_READS,
    keys=_disbursement_keys,
    touched=_disbursement_touched,
    params=_PURPOSE_PARAMS,
)
def purpose_not_relief(ctx: Context, disbursement_id: str) -> Iterator[Violation]:
    """
    What it checks:
    Every disbursement names a permitted poverty-relief purpose. An unclassified purpose
    (``other``, empty, or one the pack does not know) fails here; government investment and
    other expenses are reported by CP113 and CP114 instead.

    Why it matters:
    The plan says everything raised is used for poverty relief.

    Example:
    Disbursement B4 has purpose ``other``.

    Compliant:
    B4 has purpose ``education_aid``.

    References:
    county-plan §二(一), §二(六).
    """
    disbursement = ctx.dataset.get(disbursement_id)
    assert isinstance(disbursement, Disbursement)
    if _classify(ctx, disbursement) == "CP112":
        yield Violation(
            (disbursement.id,),
            f"Disbursement {disbursement.id} ({disbursement.amount}) has purpose "
            f"{disbursement.purpose!r}, not a permitted poverty-relief purpose.",
            f"支出 {disbursement.id}（{disbursement.amount}）的用途“{disbursement.purpose or '未填'}”"
            "不属于扶贫开发。",
            {
                "purpose": disbursement.purpose,
                "amount": disbursement.amount,
                "permitted": sorted(ctx.param("permitted_purposes")),
            },
        )


@PACK.rule(
    code="CP113",
    name="pays-government-obligation",
    severity=Severity.ERROR,
    cites=[cite("§三(三)", "raised funds never pay for projects the government must fund")],
    title="Raised money pays for a project the government must fund",
    title_zh="募集资金用于应由政府承担投资的项目",
    remedy="Reverse the disbursement and fund the project from the government budget.",
    remedy_zh="追回该支出，相关项目由政府投资解决。",
    reads=_PURPOSE_READS,
    keys=_disbursement_keys,
    touched=_disbursement_touched,
    params=_PURPOSE_PARAMS,
)
def pays_government_obligation(ctx: Context, disbursement_id: str) -> Iterator[Violation]:
    """
    What it checks:
    No disbursement pays for a government-obligated project, or has the purpose
    ``government_investment``.

    Why it matters:
    The plan forbids using donations for projects whose investment the government owes.

    Example:
    Disbursement B5 pays project J2, marked ``government_obligated``.

    Compliant:
    B5 pays project J3, a donor-funded village road not owed by the government.

    References:
    county-plan §三(三).
    """
    disbursement = ctx.dataset.get(disbursement_id)
    assert isinstance(disbursement, Disbursement)
    if _classify(ctx, disbursement) == "CP113":
        subjects = (disbursement.id,) + (
            (disbursement.project_id,) if disbursement.project_id else ()
        )
        yield Violation(
            subjects,
            f"Disbursement {disbursement.id} ({disbursement.amount}) pays for government-obligated "
            f"investment (project={disbursement.project_id}, purpose={disbursement.purpose!r}).",
            f"支出 {disbursement.id}（{disbursement.amount}）用于应由政府承担投资的项目。",
            {
                "purpose": disbursement.purpose,
                "project": disbursement.project_id,
                "amount": disbursement.amount,
            },
        )


@PACK.rule(
    code="CP114",
    name="pays-other-expenses",
    severity=Severity.ERROR,
    cites=[
        cite("§三(三)", "raised funds never pay other expenses"),
        cite("§一", "frugal and practical"),
    ],
    title="Raised money pays for other expenses (administration, events, travel, meals, …)",
    title_zh="募集资金用于其他开支（行政、活动、差旅、招待等）",
    remedy="Reverse the disbursement; pay such costs from the unit's own budget.",
    remedy_zh="追回该支出，此类费用由单位自有经费列支。",
    reads=_PURPOSE_READS,
    keys=_disbursement_keys,
    touched=_disbursement_touched,
    params=_PURPOSE_PARAMS,
)
def pays_other_expenses(ctx: Context, disbursement_id: str) -> Iterator[Violation]:
    """
    What it checks:
    No disbursement has an "other expense" purpose: administration, events and ceremonies,
    travel, meals, gifts, salaries, vehicles or offices.

    Why it matters:
    The plan forbids spending raised money on anything but relief, and asks for frugality.

    Example:
    Disbursement B6 pays ``meals`` for the ceremony.

    Compliant:
    The ceremony's meals are paid from the township's own budget, not from the fund.

    References:
    county-plan §三(三), §一.
    """
    disbursement = ctx.dataset.get(disbursement_id)
    assert isinstance(disbursement, Disbursement)
    if _classify(ctx, disbursement) == "CP114":
        yield Violation(
            (disbursement.id,),
            f"Disbursement {disbursement.id} ({disbursement.amount}) pays other expenses "
            f"({disbursement.purpose}).",
            f"支出 {disbursement.id}（{disbursement.amount}）用于其他开支（{disbursement.purpose}）。",
            {"purpose": disbursement.purpose, "amount": disbursement.amount},
        )


# ---- funds ---------------------------------------------------------------------------------------
def _moving_fund_keys(ctx: Context) -> Iterable[str]:
    ds = ctx.dataset
    return (f.id for f in ds.funds if ds.donations_to(f.id) or ds.disbursements_from(f.id))


def _fund_touched(ctx: Context, record: Record) -> Iterable[str]:
    if isinstance(record, Donation | Disbursement | Audit):
        yield record.fund_id


@PACK.rule(
    code="CP115",
    name="designation-not-honoured",
    severity=Severity.ERROR,
    cites=[cite("§二(一)", "respect the donor's wishes; directed giving")],
    title="Directed (designated) money is spent on something else",
    title_zh="定向捐赠款物未按指定用途使用",
    remedy="Spend directed money only on its designated project or village; restore what was "
    "used elsewhere.",
    remedy_zh="定向款物只能用于指定项目或村，挪用部分须予归还。",
    reads=["funds", "donations", "disbursements"],
    keys=_moving_fund_keys,
    touched=_fund_touched,
)
def designation_not_honoured(ctx: Context, fund_id: str) -> Iterator[Violation]:
    """
    What it checks:
    On a fund's totals: the money its disbursements need from undesignated donations
    (payments to anything that is not a designation, plus payments to a designation beyond
    what was given for it) is at most what undesignated donations gave. Over-spending the
    fund as a whole is CP122's, not this rule's.

    Why it matters:
    The plan asks that donors' wishes be respected: directed money (定向) serves only its
    project or village.

    Example:
    Fund F1 received 10,000 yuan directed to project J1 and nothing else, and paid 10,000 to
    village V2's road.

    Compliant:
    F1 paid the 10,000 to J1, or other payments came from undesignated gifts.

    References:
    county-plan §二(一).
    """
    book = ledger(ctx.dataset, fund_id)
    if book.disbursed > book.received:
        return
    needed = book.needed_from_pot
    if needed <= book.undesignated:
        return
    ds = ctx.dataset
    drawing = [
        b
        for b in ds.disbursements_from(fund_id)
        if (k := target_of(b, book.designated)) is None
        or book.spent.get(k, ZERO) > book.designated[k]
    ]
    unspent = [
        d
        for d in ds.donations_to(fund_id)
        if d.designation is not None
        and book.spent.get(d.designation, ZERO) < book.designated[d.designation]
    ]
    yield Violation(
        (fund_id, *_ids(drawing), *_ids(unspent)),
        f"Fund {fund_id} spends designated money elsewhere: disbursements need "
        f"¥{needed:,.2f} of undesignated money, but undesignated donations gave "
        f"¥{book.undesignated:,.2f}.",
        f"资金 {fund_id} 挪用定向捐赠：支出需动用非定向资金 ¥{needed:,.2f}，而非定向捐赠仅 "
        f"¥{book.undesignated:,.2f}。",
        {
            "needed_from_undesignated": needed,
            "undesignated": book.undesignated,
            "designated": dict(book.designated),
            "spent_on_designations": dict(book.spent),
        },
    )


def _received_fund_keys(ctx: Context) -> Iterable[str]:
    ds = ctx.dataset
    return (f.id for f in ds.funds if ds.donations_to(f.id))


def _audit_due(ctx: Context) -> bool:
    due = _due_date(ctx, "audit_due")
    return _has_come(ctx, due) or any(a.on > due for a in ctx.dataset.audits)


@PACK.rule(
    code="CP118",
    name="fund-not-audited",
    severity=Severity.ERROR,
    cites=[cite("§三(三)", "the audit department audits raised funds")],
    title="A fund that received donations has no matching audit by the audit department",
    title_zh="募集资金未经审计部门审计，或审计数与账面不符",
    remedy="Have the audit department audit the fund after its last movement and by the due day, "
    "with totals equal to the ledger.",
    remedy_zh="由审计部门在资金最后一笔收支之后、截止日之前进行审计，审计数须与账面一致。",
    reads=["funds", "donations", "disbursements", "audits", "departments"],
    keys=_received_fund_keys,
    touched=_fund_touched,
    due=_audit_due,
    params=["audit_due", "due_day_counts"],
)
def fund_not_audited(ctx: Context, fund_id: str) -> Iterator[Violation]:
    """
    What it checks:
    Once audits are due (by default on the campaign's last day), every fund that received
    donations has an audit by a department of sector ``audit``, dated on or after the fund's
    last donation and disbursement and no later than the due day, whose received and
    disbursed totals equal the ledger's. An audit dated after the due day is itself past the
    deadline: the fund is reported whatever ``as_of``, as a late exit plan is (CP111).

    Why it matters:
    The plan puts every raised fund under the audit department's supervision.

    Example:
    Fund F2 received donations and has no audit, or its audit found 9,000 received where
    the ledger shows 10,000.

    Compliant:
    Audit bureau D01 audited F2 on 2015-12-20 and found the ledger's totals.

    References:
    county-plan §三(三).
    """
    ds = ctx.dataset
    due = _due_date(ctx, "audit_due")
    if not ds.donations_to(fund_id):
        return
    audits = ds.audits_of(fund_id)
    if not _has_come(ctx, due) and not any(a.on > due for a in audits):
        return
    book = ledger(ds, fund_id)

    def good(audit: Audit) -> bool:
        auditor = ds.get(audit.auditor_id)
        return (
            getattr(auditor, "sector", None) is Sector.AUDIT
            and audit.on <= due
            and (book.last_movement is None or audit.on >= book.last_movement)
            and audit.received_total.yuan == book.received
            and audit.disbursed_total.yuan == book.disbursed
        )

    if any(good(a) for a in audits):
        return
    yield Violation(
        (fund_id, *_ids(audits)),
        f"Fund {fund_id} has no audit by the audit department, dated after its last movement "
        f"and by {due.isoformat()}, with the ledger's totals (received "
        f"¥{book.received:,.2f}, disbursed ¥{book.disbursed:,.2f}).",
        f"资金 {fund_id} 未在 {due.isoformat()} 前经审计部门审计，或审计数与账面不符。",
        {
            "due": due,
            "ledger_received": book.received,
            "ledger_disbursed": book.disbursed,
            "last_movement": book.last_movement,
            "audits": {
                a.id: {
                    "auditor": a.auditor_id,
                    "on": a.on,
                    "received": a.received_total,
                    "disbursed": a.disbursed_total,
                }
                for a in audits
            },
        },
    )


@PACK.rule(
    code="CP122",
    name="fund-overspent",
    severity=Severity.ERROR,
    cites=[cite("§三(三)", "supervision of raised funds")],
    title="A fund pays out more than it received",
    title_zh="资金支出超过收入（余额为负）",
    remedy="Reverse the excess disbursements or record the missing donations.",
    remedy_zh="追回超支部分，或补录漏记的捐赠。",
    reads=["funds", "donations", "disbursements"],
    keys=_moving_fund_keys,
    touched=_fund_touched,
)
def fund_overspent(ctx: Context, fund_id: str) -> Iterator[Violation]:
    """
    What it checks:
    The total disbursed from a fund is at most the total it received (goods at their
    assessed value): no negative balance.

    Why it matters:
    Paying out money a fund never received hides a missing donation or an unrecorded source.

    Example:
    Fund F3 received 50,000 yuan and disbursed 60,000.

    Compliant:
    F3 disbursed 45,000 and holds 5,000.

    References:
    county-plan §三(三).
    """
    book = ledger(ctx.dataset, fund_id)
    if book.disbursed <= book.received:
        return
    over = book.disbursed - book.received
    yield Violation(
        (fund_id, *_ids(ctx.dataset.disbursements_from(fund_id))),
        f"Fund {fund_id} disbursed ¥{book.disbursed:,.2f} but received ¥{book.received:,.2f} "
        f"(¥{over:,.2f} over).",
        f"资金 {fund_id} 支出 ¥{book.disbursed:,.2f}，收入仅 ¥{book.received:,.2f}，超支 ¥{over:,.2f}。",
        {"received": book.received, "disbursed": book.disbursed, "balance": -over},
    )


# ---- pledges, badges, notables, training, quotas, tours, targeting -----------------------------
def _pledge_keys(ctx: Context) -> Iterable[str]:
    return (p.id for p in ctx.dataset.pledges)


def _pledge_touched(ctx: Context, record: Record) -> Iterable[str]:
    return _only(record, Pledge)


@PACK.rule(
    code="CP116",
    name="pledge-to-unpublished-project",
    severity=Severity.WARNING,
    cites=[cite("§二(一)", "publish assistance projects; directed pledges")],
    title="A pledge names a project not yet published on the day of the pledge",
    title_zh="认捐认建的项目在认捐时尚未公布",
    remedy="Publish the project before taking pledges for it, and record its publication date.",
    remedy_zh="先公布帮扶项目再组织认捐认建，并登记公布日期。",
    reads=["pledges", "projects"],
    keys=_pledge_keys,
    touched=_pledge_touched,
)
def pledge_unpublished(ctx: Context, pledge_id: str) -> Iterator[Violation]:
    """
    What it checks:
    A pledge names a project published on or before the pledge's date; a project with no
    publication date counts as unpublished.

    Why it matters:
    The plan asks for projects to be drawn up and published so that donors choose among
    them (定点定向认捐、认建).

    Example:
    Pledge G1 of 2015-10-10 names project J4, published on 2015-10-15.

    Compliant:
    J4 was published on 2015-09-20.

    References:
    county-plan §二(一).
    """
    ds = ctx.dataset
    pledge = ds.get(pledge_id)
    assert isinstance(pledge, Pledge)
    project = ds.get(pledge.project_id)
    assert isinstance(project, Project)
    if project.published_on is not None and project.published_on <= pledge.on:
        return
    yield Violation(
        (pledge.id, project.id),
        f"Pledge {pledge.id} of {pledge.on.isoformat()} names project {project.id}, "
        f"published {_iso(project.published_on) if project.published_on else 'never'}.",
        f"认捐 {pledge.id}（{pledge.on.isoformat()}）所指项目 {project.id} 当时尚未公布。",
        {"pledged_on": pledge.on, "published_on": project.published_on},
    )


def _activity_donation_keys(ctx: Context) -> Iterable[str]:
    return (d.id for d in ctx.dataset.donations if d.activity_id is not None)


def _donation_touched(ctx: Context, record: Record) -> Iterable[str]:
    return _only(record, Donation)


@PACK.rule(
    code="CP117",
    name="no-honour-badge",
    severity=Severity.INFO,
    cites=[cite("§二(一)", "give participants an honour badge")],
    title="A donation made in an activity received no honour badge",
    title_zh="参与捐赠活动者未获赠荣誉标识",
    remedy="Give the donor an honour badge and record it.",
    remedy_zh="向捐赠人赠予荣誉标识并登记。",
    reads=["donations"],
    keys=_activity_donation_keys,
    touched=_donation_touched,
)
def no_honour_badge(ctx: Context, donation_id: str) -> Iterator[Violation]:
    """
    What it checks:
    Every donation made in an activity (a drive, a hometown return, …) is recorded with
    ``badge`` true. Naming a donor in public needs consent (PW204); a badge does not.

    Why it matters:
    The plan asks that participants receive an honour badge, to encourage giving.

    Example:
    Donation N9 in drive A2 has ``badge`` false or empty.

    Compliant:
    N9 has ``badge`` true.

    References:
    county-plan §二(一).
    """
    donation = ctx.dataset.get(donation_id)
    assert isinstance(donation, Donation)
    if donation.activity_id is not None and donation.badge is not True:
        yield Violation(
            (donation.id, donation.donor_id),
            f"Donation {donation.id} in activity {donation.activity_id} received no honour badge.",
            f"捐赠 {donation.id}（活动 {donation.activity_id}）未赠予荣誉标识。",
            {"activity": donation.activity_id, "badge": donation.badge},
        )


def _disbursement_reaches_poor(ctx: Context, disbursement: Disbursement) -> bool:
    project = ctx.dataset.get(disbursement.project_id)
    return (
        (isinstance(project, Project) and _is_poor_village(ctx, project.village_id))
        or _is_poor_village(ctx, disbursement.village_id)
        or _is_poor_household(ctx, disbursement.household_id)
    )


@PACK.rule(
    code="CP119",
    name="disbursement-not-targeted",
    severity=Severity.WARNING,
    cites=[cite("§三(二)", "focus on poor villages and households; precise targeting")],
    title="A disbursement reaches no poor village or registered poor household",
    title_zh="支出未精准投向贫困村或建档立卡贫困户",
    remedy="Direct the disbursement to a poor village, a registered poor household, or a "
    "project located in a poor village.",
    remedy_zh="将支出投向贫困村、建档立卡贫困户或位于贫困村的项目。",
    reads=["disbursements", "projects", "villages", "households"],
    keys=_disbursement_keys,
    touched=_disbursement_touched,
)
def disbursement_not_targeted(ctx: Context, disbursement_id: str) -> Iterator[Violation]:
    """
    What it checks:
    A disbursement's project lies in a poor village, or its ``village_id`` is a poor
    village, or its ``household_id`` is a registered poor household.

    Why it matters:
    The plan concentrates resources on poor villages and households (精准扶贫).

    Example:
    Disbursement B8 pays a project in a village that is not poor, naming no household.

    Compliant:
    B8 pays registered poor household H3.

    References:
    county-plan §三(二).
    """
    disbursement = ctx.dataset.get(disbursement_id)
    assert isinstance(disbursement, Disbursement)
    if _disbursement_reaches_poor(ctx, disbursement):
        return
    yield Violation(
        (disbursement.id,),
        f"Disbursement {disbursement.id} ({disbursement.amount}) reaches no poor village or "
        "registered poor household.",
        f"支出 {disbursement.id}（{disbursement.amount}）未投向贫困村或建档立卡贫困户。",
        {
            "project": disbursement.project_id,
            "village": disbursement.village_id,
            "household": disbursement.household_id,
        },
    )


def _training_keys(ctx: Context) -> Iterable[str]:
    return (a.id for a in ctx.dataset.activities_of_kind(ActivityKind.VOCATIONAL_TRAINING))


def _kind_touched(kind: ActivityKind) -> Any:
    def touched(ctx: Context, record: Record) -> Iterable[str]:
        if isinstance(record, Activity) and record.kind is kind:
            yield record.id

    return touched


@PACK.rule(
    code="CP120",
    name="training-not-free",
    severity=Severity.ERROR,
    cites=[cite("§二(五)", "free vocational-skills training for the poor")],
    title="Vocational-skills training for poor households charges a fee",
    title_zh="面向贫困户的职业技能培训收费",
    remedy="Offer the training free of charge and refund any fee taken.",
    remedy_zh="免费开展培训，已收费用予以退还。",
    reads=["activities"],
    keys=_training_keys,
    touched=_kind_touched(ActivityKind.VOCATIONAL_TRAINING),
)
def training_not_free(ctx: Context, activity_id: str) -> Iterator[Violation]:
    """
    What it checks:
    A vocational-training activity's fee is empty or zero.

    Why it matters:
    The plan's sector relief offers poor households vocational-skills training free of charge.

    Example:
    Training A7 charges 200 yuan.

    Compliant:
    A7's fee is 0 or empty.

    References:
    county-plan §二(五).
    """
    activity = ctx.dataset.get(activity_id)
    assert isinstance(activity, Activity)
    if activity.fee is not None and activity.fee.yuan > 0:
        yield Violation(
            (activity.id,),
            f"Vocational training {activity.id} charges {activity.fee}.",
            f"职业技能培训 {activity.id} 收费 {activity.fee}。",
            {"fee": activity.fee},
        )


def _notable_keys(ctx: Context) -> Iterable[str]:
    ds = ctx.dataset
    return (d.id for d in ds.donations if _is_notable_return(ctx, d))


def _is_notable_return(ctx: Context, donation: Donation) -> bool:
    donor = ctx.dataset.get(donation.donor_id)
    activity = ctx.dataset.get(donation.activity_id)
    return (
        isinstance(donor, Donor)
        and donor.kind is DonorKind.LOCAL_NOTABLE
        and isinstance(activity, Activity)
        and activity.kind is ActivityKind.HOMETOWN_RETURN
    )


@PACK.rule(
    code="CP121",
    name="notable-gift-outside-hometown",
    severity=Severity.INFO,
    cites=[cite("§二(七)", "local notables give back to their hometown (春晖行动)")],
    title="A local notable's hometown-return gift goes outside the home township",
    title_zh="乡贤回报家乡的捐赠未投向其家乡乡镇",
    remedy="Direct the gift to a project or village in the notable's home township.",
    remedy_zh="将捐赠定向到乡贤家乡乡镇的项目或村。",
    reads=["donations", "donors", "activities", "projects", "villages"],
    keys=_notable_keys,
    touched=_donation_touched,
)
def notable_outside_hometown(ctx: Context, donation_id: str) -> Iterator[Violation]:
    """
    What it checks:
    A directed donation by a local notable through a hometown-return activity designates a
    project (by its village) or a village lying in the notable's ``home_township_id``.
    Undesignated gifts and notables with no recorded home township are not judged.

    Why it matters:
    The plan's hometown-return action (春晖行动) invites notables to support their own home.

    Example:
    Notable R1 from T02 designates project J9 in a village of T05.

    Compliant:
    R1 designates a project in a village of T02.

    References:
    county-plan §二(七).
    """
    ds = ctx.dataset
    donation = ds.get(donation_id)
    assert isinstance(donation, Donation)
    if not _is_notable_return(ctx, donation):
        return
    donor = ds.get(donation.donor_id)
    assert isinstance(donor, Donor)
    if donor.home_township_id is None or donation.designation is None:
        return
    project = ds.get(donation.designated_project_id)
    village_id = (
        project.village_id if isinstance(project, Project) else donation.designated_village_id
    )
    village = ds.get(village_id)
    township = village.township_id if isinstance(village, Village) else None
    if township == donor.home_township_id:
        return
    yield Violation(
        (donation.id, donor.id),
        f"Donation {donation.id} by local notable {donor.id} goes to {township}, not to the "
        f"home township {donor.home_township_id}.",
        f"乡贤 {donor.id} 的捐赠 {donation.id} 投向 {township}，而非其家乡 {donor.home_township_id}。",
        {
            "home_township": donor.home_township_id,
            "destination_township": township,
            "designation": donation.designation,
        },
    )


@PACK.rule(
    code="CP123",
    name="solicitation-with-quota",
    severity=Severity.ERROR,
    cites=[
        cite("§二(一)", "one gift, one heart: giving is voluntary"),
        cite("§二(二)", "voluntary participation"),
    ],
    title="A solicitation sets a quota or mandatory amount",
    title_zh="募捐摊派或规定捐赠数额",
    remedy="Remove the quota: ask for voluntary gifts of any amount.",
    remedy_zh="取消摊派数额，倡导自愿捐赠。",
    reads=["solicitations"],
    keys=_solicitation_keys,
    touched=_solicitation_touched,
)
def solicitation_quota(ctx: Context, solicitation_id: str) -> Iterator[Violation]:
    """
    What it checks:
    No solicitation sets a quota (a mandatory amount per person or unit); an empty or zero
    quota is fine.

    Why it matters:
    The plan promotes voluntary giving ("one gift, one heart"); apportioned amounts are levies.

    Example:
    Solicitation S4 asks each cadre of D02 for 200 yuan.

    Compliant:
    S4 sets no quota.

    References:
    county-plan §二(一), §二(二).
    """
    sol = ctx.dataset.get(solicitation_id)
    assert isinstance(sol, Solicitation)
    if sol.quota is not None and sol.quota.yuan > 0:
        yield Violation(
            (sol.id,),
            f"Solicitation {sol.id} sets a quota of {sol.quota}.",
            f"募捐请求 {sol.id} 规定了捐赠数额 {sol.quota}。",
            {"quota": sol.quota},
        )


def _tour_keys(ctx: Context) -> Iterable[str]:
    return (a.id for a in ctx.dataset.activities_of_kind(ActivityKind.INSPECTION_TOUR))


@PACK.rule(
    code="CP124",
    name="tour-visits-no-poor",
    severity=Severity.WARNING,
    cites=[cite("§二(二)", "inspection tours go into poor villages and households")],
    title="An inspection tour visits no poor village or registered poor household",
    title_zh="扶贫考察活动未深入贫困村或贫困户",
    remedy="Take the tour to at least one poor village or registered poor household.",
    remedy_zh="考察活动须至少深入一个贫困村或建档立卡贫困户。",
    reads=["activities", "villages", "households"],
    keys=_tour_keys,
    touched=_kind_touched(ActivityKind.INSPECTION_TOUR),
)
def tour_without_poor(ctx: Context, activity_id: str) -> Iterator[Violation]:
    """
    What it checks:
    An inspection tour lists a poor village in ``villages`` or a registered poor household
    in ``households``.

    Why it matters:
    The plan sends enterprise representatives into poor villages and households to see
    needs first-hand.

    Example:
    Tour A9 lists only a county-town village that is not poor.

    Compliant:
    A9 lists poor village V3.

    References:
    county-plan §二(二).
    """
    activity = ctx.dataset.get(activity_id)
    assert isinstance(activity, Activity)
    if any(_is_poor_village(ctx, v) for v in activity.villages) or any(
        _is_poor_household(ctx, h) for h in activity.households
    ):
        return
    yield Violation(
        (activity.id,),
        f"Inspection tour {activity.id} visits no poor village or registered poor household.",
        f"扶贫考察活动 {activity.id} 未深入贫困村或建档立卡贫困户。",
        {"villages": activity.villages, "households": activity.households},
    )


PACK.translate(DOCS_ZH)

__all__ = ["PACK"]
