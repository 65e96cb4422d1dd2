"""Rule CP111, poor-village-without-exit-plan: declaration, judge, texts (en, zh) and recipes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pendulum

from reliefkit.models import (
    ExitPlan,
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
    due_date,
    has_come,
    poor_village,
)
from reliefkit.rules.recipes import Draft, Draw, Subjects
from reliefkit.rules.scopes import (
    VILLAGES,
)

DOC_ZH: dict[str, str] = {
    WHAT: "每个贫困村在活动最后一天或之前制定脱贫规划。规划日期晚于截止日，不论 "
    "``as_of`` 都算逾期；没有规划的村在截止日（默认活动最后一天）起报告。",
    WHY: "驻村工作队要帮助每个贫困村规划如何脱贫。",
    EXAMPLE: "活动结束时贫困村 V7 没有脱贫规划，或到 2016 年才制定。",
    COMPLIANT: "V7 的规划于 2015-06-30 制定。",
}


def exit_plans_due(ctx: Context) -> bool:
    """Whether exit plans are due, or some plan is already adopted after the due day."""
    due = due_date(ctx, "exit_plan_due")
    return has_come(ctx, due) or any(p.adopted_on > due for p in ctx.view.rows("exit_plans"))


@PACK.rule(
    kinds=("obligation", "breach"),
    cured_by={
        "exit_plans": "admit the village together with its exit plan",
    },
    doc_zh=DOC_ZH,
    code="CP111",
    name="poor-village-without-exit-plan",
    severity=Severity.WARNING,
    cites=[
        cite(
            "§二(四)",
            "stationed teams help poor villages plan their exit from poverty",
            "驻村工作队帮助贫困村制定脱贫规划",
        )
    ],
    title="A poor village has no exit plan adopted by the end of the campaign",
    title_zh="贫困村在活动结束前未制定脱贫规划",
    remedy="Adopt the village's exit plan (脱贫规划) by the end of the campaign.",
    remedy_zh="在活动结束前制定该村脱贫规划。",
    reads=["villages", "exit_plans"],
    scope=VILLAGES,
    where=poor_village,
    due=exit_plans_due,
    params=["exit_plan_due", "due_day_counts"],
)
def poor_village_without_exit_plan(ctx: Context, village: Village) -> Iterator[Violation]:
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
    due = due_date(ctx, "exit_plan_due")
    village_id = village.id
    plans = ctx.view.exit_plans_of(village_id)
    if any(p.adopted_on <= due for p in plans):
        return
    if plans or has_come(ctx, due):
        day = due.isoformat()
        if plans:
            first = min(p.adopted_on for p in plans)
            late = (first - due).days
            message = (
                f"Poor village {village_id}'s exit plan was adopted on {first.isoformat()}, "
                f"{late} day{'s' if late != 1 else ''} after it was due ({day})."
            )
            message_zh = (
                f"贫困村 {village_id} 的脱贫规划于 {first.isoformat()} 制定，比截止日（{day}）"
                f"晚 {late} 天。"
            )
        else:
            message = (
                f"Poor village {village_id} has no exit plan; one was due by {day} "
                f"(as of {ctx.as_of.isoformat()} none is recorded)."
            )
            message_zh = (
                f"贫困村 {village_id} 没有脱贫规划，应于 {day} 前制定（截至 "
                f"{ctx.as_of.isoformat()} 仍无记录）。"
            )
        yield Violation(
            (village_id,),
            message,
            message_zh,
            {"due": due, "adopted_on": [p.adopted_on for p in plans]},
            # A plan adopted after the due day is itself late; no plan is still lacking.
            kind=Kind.BREACH if plans else Kind.OBLIGATION,
            due=due,
        )


# ---- recipes: how violating("CP111") breaks this rule --------------------------------------------
@PACK.breaks("CP111")
def plan_the_exit_late(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """A poor village whose exit plan is adopted after its due day (on any ``as_of``), or,
    once plans are due, one with no plan at all."""
    village = draw.pick(d.poor_villages())
    d.remove(*d.exit_plans_of(village.id))
    due = d.due("exit_plan_due")
    if d.has_come(as_of, due) and draw.booleans():
        return (village.id,)
    d.add(ExitPlan(village_id=village.id, adopted_on=due.add(days=draw.integers(1, 90))))
    return (village.id,)


# ---- the statement of the columnar engine --------------------------------------------------------
@PACK.derive
def _cp111_days(ctx: Context) -> dict[str, Any]:
    """The day exit plans are due, and whether it has come on ``as_of``; ``None`` when
    ``exit_plan_due`` is not a day of the year (the judge reports the error)."""
    try:
        due = due_date(ctx, "exit_plan_due")
    except ValueError:
        return {"cp111_due": None, "cp111_due_has_come": None}
    return {"cp111_due": due, "cp111_due_has_come": has_come(ctx, due)}


PACK.sql(
    "CP111",
    """
    WITH plans AS (
        SELECT e.campaign_id, e.village_id,
            SUM(CASE WHEN e.adopted_on <= p.cp111_due THEN 1 ELSE 0 END) AS on_time
        FROM exit_plans e
        JOIN params p ON p.campaign_id = e.campaign_id
        GROUP BY e.campaign_id, e.village_id
    )
    SELECT v.campaign_id, v.id AS subject_id,
        pl.village_id IS NULL AND p.cp111_due_has_come IS TRUE
            OR pl.village_id IS NOT NULL AND pl.on_time = 0 AS flagged
    FROM villages v
    JOIN params p ON p.campaign_id = v.campaign_id
    LEFT JOIN plans pl ON pl.campaign_id = v.campaign_id AND pl.village_id = v.id
    WHERE v.poor IS TRUE
    """,
)
