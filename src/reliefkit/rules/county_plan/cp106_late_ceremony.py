"""Rule CP106, late-ceremony: declaration, judge, texts (en, zh) and recipes."""

from __future__ import annotations

from collections.abc import Iterator

import pendulum

from reliefkit.models import (
    ActivityKind,
    Township,
)
from reliefkit.rules._core import Context, Kind, Severity, Violation
from reliefkit.rules._units import (
    ceremonies_of,
)
from reliefkit.rules.county_plan._pack import (
    COMPLIANT,
    EXAMPLE,
    PACK,
    WHAT,
    WHY,
    ceremony_deadline,
    cite,
    ids_of,
    late,
)
from reliefkit.rules.recipes import Draft, Draw, Subjects
from reliefkit.rules.scopes import (
    TOWNSHIPS,
)

DOC_ZH: dict[str, str] = {
    WHAT: "每个乡镇（由其自己组织）在扶贫日（活动年份的 10 月 17 日；当天是否算按时为参数）当天或之前"
    "举行纪念活动仪式。仪式日期晚于扶贫日，不论 ``as_of`` 都算逾期；没有仪式的乡镇在 "
    "``as_of`` 过了扶贫日之后才算违规。",
    WHY: "工作方案要求各乡镇在扶贫日前以仪式纪念这一天。",
    EXAMPLE: "乡镇 T03 唯一的仪式在 2015-10-20 举行。",
    COMPLIANT: "T03 在 2015-10-16 举行仪式。",
}


def ceremonies_due(ctx: Context) -> bool:
    """Whether the deadline has passed, or some ceremony is already dated past it."""
    return late(ctx, ctx.as_of) or any(
        late(ctx, a.on) for a in ctx.view.activities_of_kind(ActivityKind.CEREMONY)
    )


@PACK.rule(
    kinds=("breach", "obligation"),
    cured_by={
        "activities": "admit the township together with its ceremony",
    },
    doc_zh=DOC_ZH,
    code="CP106",
    name="late-ceremony",
    severity=Severity.ERROR,
    cites=[
        cite(
            "§三(一)",
            "each township holds its ceremony before 17 October",
            "各乡镇在10月17日前举行纪念仪式",
        )
    ],
    title="A township holds no ceremony on or before Poverty Alleviation Day",
    title_zh="乡镇未在扶贫日（10月17日）前举行纪念活动仪式",
    remedy="Hold the township's ceremony on or before 17 October of the campaign year.",
    remedy_zh="在当年10月17日前（含当日）举行乡镇纪念活动仪式。",
    reads=["activities", "townships"],
    scope=TOWNSHIPS,
    due=ceremonies_due,
    params=["poverty_day", "ceremony_deadline_inclusive"],
)
def late_ceremony(ctx: Context, township: Township) -> Iterator[Violation]:
    """
    What it checks:
    Every township holds its own ceremony (one it organises) on or before Poverty Alleviation
    Day (17 October of the campaign year; whether the day itself counts is a parameter). A
    ceremony with no organiser, or organised by a department, meets no township's duty. A ceremony dated after the
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
    township_id = township.id
    ceremonies = ceremonies_of(ctx.view, township_id)
    after = [c for c in ceremonies if late(ctx, c.on)]
    deadline = ceremony_deadline(ctx)
    day = deadline.isoformat()
    if after:
        ids = ids_of(after)
        dated = sorted(after, key=lambda c: c.id)
        yield Violation(
            (township_id, *ids),
            f"Township {township_id} holds its ceremony too late: "
            + "; ".join(
                f"{c.id} on {c.on.isoformat()} ({_lateness(c.on, deadline)})" for c in dated
            )
            + f"; Poverty Alleviation Day, the deadline, is {day}.",
            f"乡镇 {township_id} 的纪念活动仪式晚于扶贫日（{day}）："
            + "；".join(
                f"{c.id} 于 {c.on.isoformat()} 举行（{_lateness_zh(c.on, deadline)}）"
                for c in dated
            )
            + "。",
            {"deadline": deadline, "ceremonies": {c.id: c.on for c in after}},
            kind=Kind.BREACH,
        )
    elif not ceremonies and late(ctx, ctx.as_of):
        yield Violation(
            (township_id,),
            f"Township {township_id} held no ceremony of its own by Poverty Alleviation Day "
            f"({day}); none is recorded as of {ctx.as_of.isoformat()}.",
            f"乡镇 {township_id} 未在扶贫日（{day}）前举行本乡镇组织的纪念活动仪式，截至 "
            f"{ctx.as_of.isoformat()} 仍无记录。",
            {"deadline": deadline, "as_of": ctx.as_of, "ceremonies": 0},
            kind=Kind.OBLIGATION,
            due=deadline,
        )


def _lateness(on: pendulum.Date, deadline: pendulum.Date) -> str:
    days = on.toordinal() - deadline.toordinal()
    if days == 0:
        return "on the day itself, which ceremony_deadline_inclusive=False does not count"
    return f"{days} day{'s' if days != 1 else ''} after it"


def _lateness_zh(on: pendulum.Date, deadline: pendulum.Date) -> str:
    days = on.toordinal() - deadline.toordinal()
    if days == 0:
        return "正值扶贫日当天，而参数 ceremony_deadline_inclusive=False 不算按时"
    return f"晚 {days} 天"


# ---- recipes: how violating("CP106") breaks this rule --------------------------------------------
@PACK.breaks("CP106")
def hold_the_ceremony_late(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """A township's ceremony dated after Poverty Alleviation Day (on any ``as_of``), or, once
    the day has passed, a township with no ceremony of its own: none at all, or only ones
    organised by nobody or by a department, which meet no township's duty."""
    day = d.date_in_year(d.param("poverty_day"))
    inclusive = d.param("ceremony_deadline_inclusive")
    first_late = day.add(days=1) if inclusive else day
    ways = ["late", "late new"]
    if as_of >= first_late:
        ways += ["missing", "organised by another"]
    way = draw.pick(ways)
    township = draw.pick(d.rows("townships"))
    own = [c for c in d.activities_by(township.id) if c.kind is ActivityKind.CEREMONY]
    if way == "missing":
        d.remove(*own)
        return (township.id,)
    if way == "organised by another":
        for ceremony in own:
            departments = [x.id for x in d.rows("departments")]
            d.replace(ceremony, organizer_id=draw.maybe(departments))
        return (township.id,)
    ceremony = draw.pick(own) if way == "late" and own else d.add_ceremony(draw, township)
    last = pendulum.Date(d.campaign.year, 12, 31)
    d.replace(ceremony, on=draw.day(first_late, max(first_late, last)))
    return (township.id, ceremony.id)


# ---- the statement of the columnar engine --------------------------------------------------------
@PACK.derive
def _cp106_days(ctx: Context) -> dict[str, object]:
    """The last day a ceremony is on time (``late`` is "after it"), and whether ``as_of`` is
    past it; ``None`` when Poverty Alleviation Day is not a day of the year (the judge
    reports the error)."""
    try:
        deadline = ceremony_deadline(ctx)
    except ValueError:
        return {"cp106_last_day": None, "cp106_as_of_late": None}
    last = deadline if ctx.param("ceremony_deadline_inclusive") else deadline.subtract(days=1)
    return {"cp106_last_day": last, "cp106_as_of_late": late(ctx, ctx.as_of)}


PACK.sql(
    "CP106",
    """
    WITH held AS (
        SELECT c.campaign_id, c.township_id,
            MAX(CASE WHEN a."on" > p.cp106_last_day THEN 1 ELSE 0 END) AS any_late
        FROM ceremony_townships c
        JOIN activities a ON a.campaign_id = c.campaign_id AND a.id = c.activity_id
        JOIN params p ON p.campaign_id = c.campaign_id
        GROUP BY c.campaign_id, c.township_id
    )
    SELECT t.campaign_id, t.id AS subject_id,
        h.any_late = 1
            OR (h.township_id IS NULL AND p.cp106_as_of_late IS TRUE) AS flagged
    FROM townships t
    JOIN params p ON p.campaign_id = t.campaign_id
    LEFT JOIN held h ON h.campaign_id = t.campaign_id AND h.township_id = t.id
    """,
)
