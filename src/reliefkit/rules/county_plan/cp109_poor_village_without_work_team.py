"""Rule CP109, poor-village-without-work-team: declaration, judge, texts (en, zh) and recipes."""

from __future__ import annotations

from collections.abc import Iterator

import pendulum

from reliefkit.models import (
    DateRange,
    Village,
)
from reliefkit.rules._core import Context, Kind, Severity, Violation
from reliefkit.rules.county_plan._pack import (
    COMPLIANT,
    EXAMPLE,
    PACK,
    WHAT,
    WHY,
    cite,
    ids_of,
    poor_village,
)
from reliefkit.rules.recipes import Draft, Draw, Subjects
from reliefkit.rules.scopes import (
    VILLAGES,
)

DOC_ZH: dict[str, str] = {
    WHAT: "每个贫困村都有一支驻村工作队，其驻村期间（``starts_on`` 至 ``ends_on``，"
    "结束日期为空表示仍在驻村）与活动期间有重叠。",
    WHY: "工作方案要求贫困村村村都有工作队。",
    EXAMPLE: "贫困村 V7 没有工作队，或唯一的工作队在活动开始前已撤离。",
    COMPLIANT: "工作队 W7 自 2015-03-01 起驻 V7。",
}


@PACK.rule(
    kinds=("obligation",),
    cured_by={
        "work_teams": "admit the village together with its work team",
    },
    doc_zh=DOC_ZH,
    code="CP109",
    name="poor-village-without-work-team",
    severity=Severity.ERROR,
    cites=[
        cite(
            "§二(四)",
            "every poor village has a work team 村村都有工作队",
            "每个贫困村都有驻村工作队",
        )
    ],
    title="A poor village has no work team during the campaign",
    title_zh="贫困村在活动期间没有驻村工作队",
    remedy="Station a work team in the village for a period that overlaps the campaign.",
    remedy_zh="向该村派驻工作队，驻村时间须与活动期间重叠。",
    reads=["villages", "work_teams"],
    scope=VILLAGES,
    where=poor_village,
)
def poor_village_without_work_team(ctx: Context, village: Village) -> Iterator[Violation]:
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
    village_id = village.id
    teams = ctx.view.teams_in(village_id)
    if any(DateRange(t.starts_on, t.ends_on).overlaps(period) for t in teams):
        return
    first, last = period.starts_on.isoformat(), period.ends_on.isoformat() if period.ends_on else ""
    if teams:
        stays = [
            (t.id, t.starts_on.isoformat(), t.ends_on.isoformat() if t.ends_on else "")
            for t in sorted(teams, key=lambda t: t.id)
        ]
        found = "; its teams are stationed outside it: " + ", ".join(
            f"{i} from {a}" + (f" to {b}" if b else "") for i, a, b in stays
        )
        found_zh = "；其工作队驻村时间均不在活动期间：" + "、".join(
            f"{i}（{a} 起" + (f"至 {b}" if b else "") + "）" for i, a, b in stays
        )
    else:
        found, found_zh = "; none is recorded", "；没有工作队记录"
    yield Violation(
        (village_id,),
        f"Poor village {village_id} has no work team stationed during the campaign "
        f"({first} to {last}){found}.",
        f"贫困村 {village_id} 在活动期间（{first} 至 {last}）没有驻村工作队{found_zh}。",
        {"teams": ids_of(teams), "campaign": [period.starts_on, period.ends_on]},
        kind=Kind.OBLIGATION,
        due=ctx.campaign.starts_on,
    )


# ---- recipes: how violating("CP109") breaks this rule --------------------------------------------
@PACK.breaks("CP109")
def withdraw_the_work_team(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """A poor village whose work teams are gone, left before the campaign, or came after."""
    village = draw.pick(d.poor_villages())
    way = draw.pick(["none", "left before", "came after"])
    c = d.campaign
    for team in d.teams_in(village.id):
        if way == "none":
            d.remove(team)
        elif way == "left before":
            before = c.starts_on.subtract(days=1)
            start = draw.day(min(pendulum.Date(c.year, 1, 1), before), before)
            d.replace(team, starts_on=start, ends_on=draw.day(start, before))
        else:
            d.replace(team, starts_on=c.ends_on.add(days=draw.integers(1, 60)), ends_on=None)
    return (village.id,)


# ---- the statement of the columnar engine --------------------------------------------------------
PACK.sql(
    "CP109",
    """
    WITH staffed AS (
        SELECT DISTINCT w.campaign_id, w.village_id
        FROM work_teams w
        JOIN params p ON p.campaign_id = w.campaign_id
        WHERE w.starts_on <= p.ends_on AND (w.ends_on IS NULL OR p.starts_on <= w.ends_on)
    )
    SELECT v.campaign_id, v.id AS subject_id, s.village_id IS NULL AS flagged
    FROM villages v
    LEFT JOIN staffed s ON s.campaign_id = v.campaign_id AND s.village_id = v.id
    WHERE v.poor IS TRUE
    """,
)
