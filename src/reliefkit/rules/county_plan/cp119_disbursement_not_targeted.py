"""Rule CP119, disbursement-not-targeted: declaration, judge, texts (en, zh) and recipes."""

from __future__ import annotations

from collections.abc import Iterator

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
    cites=[cite("§三(二)", "focus on poor villages and households; precise targeting")],
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
