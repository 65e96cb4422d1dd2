"""Rule CP104, missing-work-plan: declaration, judge, texts (en, zh) and recipes."""

from __future__ import annotations

from collections.abc import Iterator

import pendulum

from reliefkit.models import (
    Township,
)
from reliefkit.rules._core import Context, Kind, Severity, Violation
from reliefkit.rules.county_plan._pack import (
    COMPLIANT,
    EXAMPLE,
    PACK,
    WHAT,
    WHY,
    cite,
)
from reliefkit.rules.recipes import Draft, Draw, Subjects
from reliefkit.rules.scopes import (
    TOWNSHIPS,
)

DOC_ZH: dict[str, str] = {
    WHAT: "每个乡镇都有本次活动的工作方案，方案的责任人是乡镇主要领导，且至少分解了一项任务。",
    WHY: "工作方案要求乡镇主要领导为直接责任人，并把任务具体分解落实。",
    EXAMPLE: "乡镇 T05 没有工作方案，或方案的责任人是副职，或没有分解任务。",
    COMPLIANT: "T05 的方案以主要领导 P05 为责任人，分解了 4 项任务。",
}


@PACK.rule(
    kinds=("obligation", "breach"),
    cured_by={
        "work_plans": "admit the township together with its work plan naming its main leader",
    },
    doc_zh=DOC_ZH,
    code="CP104",
    name="missing-work-plan",
    severity=Severity.ERROR,
    cites=[
        cite(
            "§三(一)",
            "each township makes a work plan; its main leader is directly responsible",
            "各乡镇制定工作方案，主要领导为直接责任人",
        )
    ],
    title="A township has no work plan naming its main leader and assigning tasks",
    title_zh="乡镇未制定工作方案，或方案未明确主要领导为直接责任人、未分解任务",
    remedy="Adopt a work plan that names the township's main leader as the responsible person "
    "and assigns at least one task.",
    remedy_zh="制定工作方案，明确乡镇主要领导为直接责任人，并分解至少一项任务。",
    reads=["work_plans", "townships"],
    scope=TOWNSHIPS,
)
def missing_work_plan(ctx: Context, township: Township) -> Iterator[Violation]:
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
    township_id = township.id
    plans = ctx.view.work_plans_of(township_id)
    problem = problem_zh = ""
    named_other = False
    leader = township.main_leader_id
    if not plans:
        start = ctx.campaign.starts_on.isoformat()
        problem = f"Township {township_id} has no work plan for the campaign (due by {start})"
        problem_zh = f"乡镇 {township_id} 未制定活动工作方案（应于 {start} 前制定）"
    elif leader is None:
        problem = (
            f"Township {township_id} records no main leader, so its work plan cannot name one "
            "as the directly responsible person"
        )
        problem_zh = f"乡镇 {township_id} 未登记主要领导，工作方案无法明确其为直接责任人"
    else:
        plan = plans[0]
        named = plan.responsible_person_id
        if named != leader:
            named_other = named is not None
            if named is None:
                problem = (
                    f"Township {township_id}'s work plan names no directly responsible person; "
                    f"it should name the main leader {leader}"
                )
                problem_zh = f"乡镇 {township_id} 的工作方案未写明直接责任人，应为主要领导 {leader}"
            else:
                problem = (
                    f"Township {township_id}'s work plan names {named} as the directly "
                    f"responsible person, not the main leader {leader}"
                )
                problem_zh = (
                    f"乡镇 {township_id} 的工作方案以 {named} 为直接责任人，而非主要领导 {leader}"
                )
        elif not plan.tasks:
            count = "tasks=0" if plan.tasks == 0 else "no task count recorded"
            count_zh = "任务数为 0" if plan.tasks == 0 else "未填任务数"
            problem = f"Township {township_id}'s work plan assigns no task ({count})"
            problem_zh = f"乡镇 {township_id} 的工作方案未分解任务（{count_zh}）"
    if problem:
        yield Violation(
            (township_id,),
            f"{problem}.",
            f"{problem_zh}。",
            {
                "work_plans": len(plans),
                "main_leader": township.main_leader_id,
                "responsible_person": plans[0].responsible_person_id if plans else None,
                "tasks": plans[0].tasks if plans else None,
            },
            # A plan naming someone else asserts something wrong; the rest is still lacking.
            kind=Kind.BREACH if named_other else Kind.OBLIGATION,
            due=ctx.campaign.starts_on,
        )


# ---- recipes: how violating("CP104") breaks this rule --------------------------------------------
@PACK.breaks("CP104")
def lose_the_work_plan(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """A township with no work plan, or one naming someone else, or assigning no task."""
    township = draw.pick(d.rows("townships"))
    plans = d.work_plans_of(township.id)
    if not plans:  # already without a plan (a draft broken before)
        return (township.id,)
    way = draw.pick(["missing", "someone else", "no task"])
    if way == "missing":
        d.remove(*plans)
    elif way == "someone else":
        others = [p.id for p in d.rows("people") if p.id != township.main_leader_id]
        d.replace(plans[0], responsible_person_id=draw.maybe(others))
    else:
        d.replace(plans[0], tasks=draw.pick([0, None]))
    return (township.id,)


# ---- the statement of the columnar engine --------------------------------------------------------
# The township's first work plan (in record order) is the one judged.
PACK.sql(
    "CP104",
    """
    WITH plans AS (
        SELECT campaign_id, township_id, responsible_person_id, tasks,
            ROW_NUMBER() OVER (
                PARTITION BY campaign_id, township_id ORDER BY _row ASC NULLS LAST
            ) AS n
        FROM work_plans
    )
    SELECT t.campaign_id, t.id AS subject_id,
        w.township_id IS NULL
            OR t.main_leader_id IS NULL
            OR (w.responsible_person_id = t.main_leader_id) IS NOT TRUE
            OR COALESCE(w.tasks, 0) = 0 AS flagged
    FROM townships t
    LEFT JOIN plans w ON w.campaign_id = t.campaign_id AND w.township_id = t.id AND w.n = 1
    """,
)
