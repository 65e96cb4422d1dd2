"""Rule CP108, leader-visit-missing: declaration, judge, texts (en, zh) and recipes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pendulum

from reliefkit._words import word
from reliefkit.models import (
    Activity,
    ActivityKind,
    Campaign,
    Role,
    Sector,
)
from reliefkit.rules._core import Context, Kind, Severity, Violation
from reliefkit.rules.county_plan._pack import (
    COMPLIANT,
    EXAMPLE,
    PACK,
    WHAT,
    WHY,
    cite,
    is_poor_household,
    is_poor_village,
    role_of,
)
from reliefkit.rules.recipes import Draft, Draw, Subjects
from reliefkit.rules.scopes import (
    VISITS,
)

DOC_ZH: dict[str, str] = {
    WHAT: "每次访贫慰问都由角色为 ``county_leader`` 的县领导带队；并且在时间窗口"
    "（默认 10 月 12 日至 18 日）结束后，至少有一次由县领导带队、在窗口内、深入贫困村或"
    "建档立卡贫困户的慰问。",
    WHY: "工作方案要求县领导在 10 月 15 日前后带头深入贫困村、贫困户访贫慰问。",
    EXAMPLE: "唯一一次访贫慰问由乡镇干部带队，或在 11 月 1 日进行。",
    COMPLIANT: "县领导 P1 于 10 月 15 日走访贫困村 V3。",
}


def visit_window(ctx: Context) -> tuple[Any, Any]:
    """The window of 'around 15 October' as two dates."""
    start, end = ctx.param("visit_window")
    return ctx.date_in_year(start), ctx.date_in_year(end)


def visits_due(ctx: Context) -> bool:
    """Whether there is a visit to judge, or the window has closed."""
    return bool(ctx.view.activities_of_kind(ActivityKind.LEADER_VISIT)) or (
        ctx.as_of > visit_window(ctx)[1]
    )


def qualifies(ctx: Context, visit: Activity, window: tuple[Any, Any]) -> bool:
    """A county leader's visit, in the window, to a poor village or household."""
    return (
        role_of(ctx, visit.led_by) is Role.COUNTY_LEADER
        and window[0] <= visit.on <= window[1]
        and (
            any(is_poor_village(ctx, v) for v in visit.villages)
            or any(is_poor_household(ctx, h) for h in visit.households)
        )
    )


@PACK.rule(
    kinds=("breach", "obligation"),
    doc_zh=DOC_ZH,
    code="CP108",
    name="leader-visit-missing",
    severity=Severity.WARNING,
    cites=[
        cite(
            "§二(三)",
            "around 15 October county leaders lead visits to the poor",
            "10月15日前后县领导带队走访贫困村和贫困户",
        )
    ],
    title="No county-leader visit to the poor around 15 October, or a visit not led by a "
    "county leader",
    title_zh="10月15日前后县领导未带头访贫慰问，或访贫慰问未由县领导带队",
    remedy="Have a county leader lead a visit to a poor village or household within the window.",
    remedy_zh="由县领导在规定时段内带队到贫困村或贫困户访贫慰问。",
    reads=["activities", "people", "villages", "households"],
    scope=VISITS,
    due=visits_due,
    params=["visit_window"],
)
def leader_visit_missing(ctx: Context, subject: Campaign | Activity) -> Iterator[Violation]:
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
    ds = ctx.view
    if isinstance(subject, Activity):
        visit = subject
        role = role_of(ctx, visit.led_by)
        if role is not Role.COUNTY_LEADER:
            by, by_zh = _leader(visit.led_by, role)
            yield Violation(
                (visit.id,),
                f"Leader visit {visit.id} on {visit.on.isoformat()} is led by {by}, "
                "not by a county leader.",
                f"访贫慰问 {visit.id}（{visit.on.isoformat()}）由{by_zh}带队，而非县领导。",
                {"led_by": visit.led_by, "role": role.value if role else None},
                kind=Kind.BREACH,
            )
        return
    window = visit_window(ctx)
    if ctx.as_of <= window[1]:
        return
    visits = ds.activities_of_kind(ActivityKind.LEADER_VISIT)
    if not any(qualifies(ctx, v, window) for v in visits):
        first, last = window[0].isoformat(), window[1].isoformat()
        if visits:
            reasons = [_why_not(ctx, v, window) for v in sorted(visits, key=lambda v: v.id)]
            found = f": of {len(visits)} leader visit(s), " + "; ".join(r[0] for r in reasons)
            found_zh = f"：共 {len(visits)} 次访贫慰问，" + "；".join(r[1] for r in reasons)
        else:
            found, found_zh = ": no leader visit is recorded", "：没有访贫慰问记录"
        yield Violation(
            (subject.id,),
            f"Campaign {subject.id}: no county leader led a visit to a poor village or "
            f"registered poor household between {first} and {last}{found}.",
            f"活动 {subject.id}：{first} 至 {last} 期间没有县领导带队到贫困村或建档立卡贫困户访贫慰问"
            f"{found_zh}。",
            {"window": [window[0], window[1]], "leader_visits": len(visits)},
            kind=Kind.OBLIGATION,
            due=window[1],
        )


def _leader(person_id: str | None, role: Role | None) -> tuple[str, str]:
    """Who leads a visit, in words: the person and their role."""
    if person_id is None:
        return "nobody recorded", "未记录的人"
    if role is None:
        return f"{person_id} (not a recorded person)", f" {person_id}（非已登记人员）"
    return f"{person_id} ({word(role)})", f" {person_id}（{word(role, 'zh')}）"


def _why_not(ctx: Context, visit: Activity, window: tuple[Any, Any]) -> tuple[str, str]:
    """Why a leader visit does not count, in English and Chinese (the first reason found)."""
    role = role_of(ctx, visit.led_by)
    if role is not Role.COUNTY_LEADER:
        by, by_zh = _leader(visit.led_by, role)
        return f"{visit.id} was led by {by}", f"{visit.id} 由{by_zh}带队"
    if not window[0] <= visit.on <= window[1]:
        on = visit.on.isoformat()
        return f"{visit.id} was on {on}, outside the window", f"{visit.id} 在窗口之外（{on}）"
    return (
        f"{visit.id} listed no poor village or registered poor household",
        f"{visit.id} 未走访贫困村或建档立卡贫困户",
    )


# ---- recipes: how violating("CP108") breaks this rule --------------------------------------------
@PACK.breaks("CP108")
def visit_without_a_county_leader(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """A leader visit not led by a county leader (on any ``as_of``), or, once the window has
    closed, no county leader's visit to the poor in it: none at all, or only visits outside
    the window."""
    start, end = (d.date_in_year(md) for md in d.param("visit_window"))
    ways = ["not a county leader"] + (["no visit"] if as_of > end else [])
    year = d.campaign.year
    if draw.pick(ways) == "no visit":
        visits = d.activities_of_kind(ActivityKind.LEADER_VISIT)
        if draw.booleans():
            d.remove(*visits)
        else:
            for visit in visits:
                early_from = min(pendulum.Date(year, 9, 1), start.subtract(days=1))
                early = draw.day(early_from, start.subtract(days=1))
                late = draw.day(end.add(days=1), max(end.add(days=1), pendulum.Date(year, 11, 30)))
                d.replace(visit, on=early if draw.booleans() else late)
        return (d.campaign.id,)
    others = [p.id for p in d.rows("people") if p.role is not Role.COUNTY_LEADER]
    groups = [x.id for x in d.rows("departments") if x.sector is Sector.LEADING_GROUP]
    visit = d.add(
        Activity(
            id=d.new_id("LV"),
            kind=ActivityKind.LEADER_VISIT,
            organizer_id=draw.maybe(groups),
            on=draw.day(pendulum.Date(year, 9, 1), pendulum.Date(year, 11, 30)),
            led_by=draw.maybe(others),
            villages=(draw.pick(d.rows("villages")).id,),
        )
    )
    return (visit.id,)


# ---- the statement of the columnar engine --------------------------------------------------------
@PACK.derive
def _cp108_days(ctx: Context) -> dict[str, Any]:
    """The visit window's first and last days; ``None`` when a month-day is not a day of the
    year (the judge, run on the campaign, reports the error)."""
    try:
        first, last = visit_window(ctx)
    except (ValueError, TypeError):
        return {"cp108_window_first": None, "cp108_window_last": None}
    return {"cp108_window_first": first, "cp108_window_last": last}


# Each leader visit (led by no county leader?), and the campaign: once the window has closed,
# is there no qualifying visit (a county leader's, in the window, to a poor village or a
# registered poor household)?
PACK.sql(
    "CP108",
    """
    WITH visits AS (
        SELECT a.campaign_id, a.id, a."on", (r.role = 'county_leader') IS TRUE AS by_leader
        FROM activities a
        LEFT JOIN people r ON r.campaign_id = a.campaign_id AND r.id = a.led_by
        WHERE a.kind = 'leader_visit'
    ),
    to_the_poor AS (
        SELECT l.campaign_id, l.id
        FROM activities__villages l
        JOIN villages v ON v.campaign_id = l.campaign_id AND v.id = l.item
        WHERE v.poor IS TRUE
        UNION
        SELECT l.campaign_id, l.id
        FROM activities__households l
        JOIN households h ON h.campaign_id = l.campaign_id AND h.id = l.item
        WHERE h.registered_poor IS TRUE
    ),
    qualifying AS (
        SELECT DISTINCT v.campaign_id
        FROM visits v
        JOIN params p ON p.campaign_id = v.campaign_id
        JOIN to_the_poor t ON t.campaign_id = v.campaign_id AND t.id = v.id
        WHERE v.by_leader AND v."on" >= p.cp108_window_first AND v."on" <= p.cp108_window_last
    )
    SELECT c.campaign_id, c.id AS subject_id,
        p.cp108_window_last IS NULL
            OR (p.as_of > p.cp108_window_last AND q.campaign_id IS NULL) AS flagged
    FROM campaign c
    JOIN params p ON p.campaign_id = c.campaign_id
    LEFT JOIN qualifying q ON q.campaign_id = c.campaign_id
    UNION ALL
    SELECT campaign_id, id, NOT by_leader
    FROM visits
    """,
)
