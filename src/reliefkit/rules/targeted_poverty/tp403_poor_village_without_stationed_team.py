"""Rule TP403, poor-village-without-stationed-team: declaration, judge, texts (en, zh) and
recipes."""

from __future__ import annotations

from collections.abc import Iterator

import pendulum

from reliefkit.models import DateRange, Village
from reliefkit.rules._core import Context, Kind, Severity, Violation
from reliefkit.rules.recipes import Draft, Draw, Subjects
from reliefkit.rules.scopes import VILLAGES
from reliefkit.rules.targeted_poverty._pack import (
    COMPLIANT,
    EXAMPLE,
    LGOP,
    PACK,
    WHAT,
    WHY,
    cite,
    ids_of,
    iso,
)

DOC_ZH: dict[str, str] = {
    WHAT: "每个建档立卡贫困村都有驻村工作队，其驻村期间（``starts_on`` 至 ``ends_on``，"
    "结束日期为空表示仍在驻村）与活动期间有重叠。“一村一队”读作至少一支："
    "两支工作队（如轮换交接）不算违规。与县方案 CP109 是同一问题：两个规则包都运行时，"
    "只由 CP109 报告（同一个村），只运行本包时由 TP403 报告。",
    WHY: "国务院扶贫办2014年的精准扶贫工作机制要求每个贫困村都有驻村工作队。",
    EXAMPLE: "贫困村 V7 没有工作队，或唯一的工作队在活动开始前已撤离。",
    COMPLIANT: "工作队 W7 自 2015-03-01 起驻 V7。",
}


def _poor(ctx: Context, village: Village) -> bool:
    """A registered poor village."""
    return village.poor


@PACK.rule(
    kinds=("obligation",),
    cured_by={"work_teams": "admit the village together with its work team"},
    doc_zh=DOC_ZH,
    code="TP403",
    name="poor-village-without-stationed-team",
    severity=Severity.ERROR,
    cites=[
        cite(
            LGOP,
            "stationed assistance",
            "every registered poor village has a stationed work team",
            "每个贫困村都有驻村工作队",
            confidence="V2",
        )
    ],
    title="A registered poor village has no stationed work team",
    title_zh="建档立卡贫困村没有驻村工作队",
    remedy="Station a work team in the village for a period that overlaps the campaign.",
    remedy_zh="向该村派驻工作队，驻村时间须与活动期间重叠。",
    reads=["villages", "work_teams"],
    scope=VILLAGES,
    where=_poor,
    defers_to=["CP109"],
)
def poor_village_without_stationed_team(ctx: Context, village: Village) -> Iterator[Violation]:
    """
    What it checks:
    Every registered poor village has a work team whose period (``starts_on`` …
    ``ends_on``, open when empty) overlaps the campaign's. "One team per village" is read as
    at least one: two teams (one handing over to the next) are not a breach. It is the
    county plan's CP109 under national law: when both packs run, CP109 reports the village
    and this rule stays silent on it; run alone, this rule reports it.

    Why it matters:
    The 2014 targeted-poverty mechanism of the State Council's poverty office stations a work
    team in every registered poor village.

    Example:
    Poor village V7 has no team, or only one that left before the campaign began.

    Compliant:
    Team W7 has been stationed in V7 since 2015-03-01.

    References:
    LGOP 2014, stationed assistance [V2]; county-plan §二(四) (CP109).
    """
    period = DateRange(ctx.campaign.starts_on, ctx.campaign.ends_on)
    teams = ctx.view.teams_in(village.id)
    if any(DateRange(t.starts_on, t.ends_on).overlaps(period) for t in teams):
        return
    first, last = iso(period.starts_on), iso(period.ends_on)
    ordered = sorted(teams, key=lambda t: t.id)
    stays = ", ".join(f"{t.id} ({iso(t.starts_on)} to {iso(t.ends_on)})" for t in ordered)
    stays_zh = "、".join(f"{t.id}（{iso(t.starts_on)} 至 {iso(t.ends_on)}）" for t in ordered)
    found = f"; its teams serve outside it: {stays}" if teams else "; none is recorded"
    found_zh = f"；其工作队均不在活动期间驻村：{stays_zh}" if teams else "；没有工作队记录"
    yield Violation(
        (village.id,),
        f"Registered poor village {village.id} has no work team stationed during the campaign "
        f"({first} to {last}){found}.",
        f"建档立卡贫困村 {village.id} 在活动期间（{first} 至 {last}）没有驻村工作队{found_zh}。",
        {"teams": ids_of(teams), "campaign": [period.starts_on, period.ends_on]},
        kind=Kind.OBLIGATION,
        due=ctx.campaign.starts_on,
    )


# ---- recipes: how violating("TP403") breaks this rule --------------------------------------------
@PACK.breaks("TP403")
def leave_a_poor_village_without_a_team(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """A registered poor village whose work teams are gone or left before the campaign (the
    county plan's CP109 reports it too, when it runs)."""
    villages = d.poor_villages()
    if villages and draw.booleans():
        village = draw.pick(villages)
    else:
        village = d.add_village(draw, draw.pick(d.rows("townships")).id, poor=True)
    c = d.campaign
    for team in d.teams_in(village.id):
        if draw.booleans():
            d.remove(team)
        else:
            before = c.starts_on.subtract(days=1)
            start = draw.day(min(pendulum.Date(c.year, 1, 1), before), before)
            d.replace(team, starts_on=start, ends_on=draw.day(start, before))
    return (village.id,)


# ---- the statement of the columnar engine --------------------------------------------------------
# Reach: a registered poor village. Flagged: none of its work teams serves a period that
# overlaps the campaign's (a team's open end is open).
PACK.sql(
    "TP403",
    """
    WITH stationed AS (
        SELECT DISTINCT w.campaign_id, w.village_id
        FROM work_teams w
        JOIN params p ON p.campaign_id = w.campaign_id
        WHERE w.starts_on <= p.ends_on AND (w.ends_on IS NULL OR p.starts_on <= w.ends_on)
    )
    SELECT v.campaign_id, v.id AS subject_id, s.village_id IS NULL AS flagged
    FROM villages v
    LEFT JOIN stationed s ON s.campaign_id = v.campaign_id AND s.village_id = v.id
    WHERE v.poor IS TRUE
    """,
)
