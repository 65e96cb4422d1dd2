"""Rule CP119, disbursement-not-targeted: declaration, judge, texts (en, zh) and recipes."""

from __future__ import annotations

from collections.abc import Iterator

import pendulum

from reliefkit.models import (
    Disbursement,
    Project,
)
from reliefkit.rules._core import Context, Severity, Violation
from reliefkit.rules.county_plan._pack import (
    COMPLIANT,
    EXAMPLE,
    PACK,
    WHAT,
    WHY,
    cite,
    is_poor_household,
    is_poor_village,
)
from reliefkit.rules.recipes import Draft, Draw, Subjects, Target, reuse
from reliefkit.rules.scopes import (
    DISBURSEMENTS,
)

DOC_ZH: dict[str, str] = {
    WHAT: "支出的项目位于贫困村，或其 ``village_id`` 是贫困村，或其 ``household_id`` "
    "是建档立卡贫困户。",
    WHY: "工作方案要求资源向贫困村、贫困户集中（精准扶贫）。",
    EXAMPLE: "支出 B8 支付非贫困村的项目，且未指明贫困户。",
    COMPLIANT: "B8 支付给建档立卡贫困户 H3。",
}


def reaches_poor(ctx: Context, disbursement: Disbursement) -> bool:
    """Whether a disbursement reaches a poor village or a registered poor household."""
    project = ctx.view.get(disbursement.project_id)
    return (
        (isinstance(project, Project) and is_poor_village(ctx, project.village_id))
        or is_poor_village(ctx, disbursement.village_id)
        or is_poor_household(ctx, disbursement.household_id)
    )


@PACK.rule(
    doc_zh=DOC_ZH,
    code="CP119",
    name="disbursement-not-targeted",
    severity=Severity.WARNING,
    cites=[
        cite(
            "§三(二)",
            "focus on poor villages and households; precise targeting",
            "聚焦贫困村和贫困户，精准扶贫",
        )
    ],
    title="A disbursement reaches no poor village or registered poor household",
    title_zh="支出未精准投向贫困村或建档立卡贫困户",
    remedy="Direct the disbursement to a poor village, a registered poor household, or a "
    "project located in a poor village.",
    remedy_zh="将支出投向贫困村、建档立卡贫困户或位于贫困村的项目。",
    reads=["disbursements", "projects", "villages", "households"],
    scope=DISBURSEMENTS,
)
def disbursement_not_targeted(ctx: Context, disbursement: Disbursement) -> Iterator[Violation]:
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
    if reaches_poor(ctx, disbursement):
        return
    named, named_zh = [], []
    project = ctx.view.get(disbursement.project_id)
    if disbursement.project_id is not None:
        where = getattr(project, "village_id", None)
        named.append(f"project {disbursement.project_id} lies in village {where}, not a poor one")
        named_zh.append(f"项目 {disbursement.project_id} 所在的村 {where} 不是贫困村")
    if disbursement.village_id is not None:
        named.append(f"village {disbursement.village_id} is not a poor village")
        named_zh.append(f"村 {disbursement.village_id} 不是贫困村")
    if disbursement.household_id is not None:
        named.append(f"household {disbursement.household_id} is not a registered poor household")
        named_zh.append(f"户 {disbursement.household_id} 不是建档立卡贫困户")
    if not named:
        named.append("it names no project, village or household")
        named_zh.append("未指明项目、村或户")
    yield Violation(
        (disbursement.id,),
        f"Disbursement {disbursement.id} ({disbursement.amount} from fund "
        f"{disbursement.fund_id}) reaches no poor village or registered poor household: "
        + "; ".join(named)
        + ".",
        f"支出 {disbursement.id}（资金 {disbursement.fund_id}，{disbursement.amount}）未投向贫困村或"
        "建档立卡贫困户：" + "；".join(named_zh) + "。",
        {
            "project": disbursement.project_id,
            "village": disbursement.village_id,
            "household": disbursement.household_id,
        },
    )


# ---- recipes: how violating("CP119") breaks this rule --------------------------------------------
@PACK.breaks("CP119")
def pay_past_the_poor(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """A disbursement that reaches no poor village or registered poor household: nothing
    named, a village that is not poor, a household not registered, or a project in a
    village that is not poor."""
    way = draw.pick(["nothing", "village", "household", "project"])
    townships = [t.id for t in d.rows("townships")]
    rich = [v for v in d.rows("villages") if not v.poor]
    target: Target = (None, None, None)
    if way == "village":
        village = reuse(draw, rich, lambda: d.add_village(draw, draw.pick(townships)))
        target = (None, village.id, None)
    elif way == "household":
        household = reuse(
            draw,
            [h for h in d.rows("households") if not h.registered_poor],
            lambda: d.add_household(draw, draw.pick(d.rows("villages")).id),
        )
        target = (None, None, household.id)
    elif way == "project":
        rich_ids = {v.id for v in rich}
        projects = [
            p for p in d.rows("projects") if not p.government_obligated and p.village_id in rich_ids
        ]

        def new_project() -> Project:
            village = rich[0] if rich else d.add_village(draw, draw.pick(townships))
            return d.add_project(draw, village.id)

        target = (reuse(draw, projects, new_project).id, None, None)
    paid = d.add_flow(draw, target=target)
    return (paid.id,)


# ---- the statement of the columnar engine --------------------------------------------------------
PACK.sql(
    "CP119",
    """
    SELECT b.campaign_id, b.id AS subject_id,
        NOT (pv.poor IS TRUE OR v.poor IS TRUE OR h.registered_poor IS TRUE) AS flagged
    FROM disbursements b
    LEFT JOIN projects j ON j.campaign_id = b.campaign_id AND j.id = b.project_id
    LEFT JOIN villages pv ON pv.campaign_id = j.campaign_id AND pv.id = j.village_id
    LEFT JOIN villages v ON v.campaign_id = b.campaign_id AND v.id = b.village_id
    LEFT JOIN households h ON h.campaign_id = b.campaign_id AND h.id = b.household_id
    """,
)
