"""Rule CP113, pays-government-obligation: declaration, judge, texts (en, zh) and recipes."""

from __future__ import annotations

from collections.abc import Iterator

import pendulum

from reliefkit._words import word
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
    classify,
)
from reliefkit.rules.recipes import Draft, Draw, Subjects, reuse
from reliefkit.rules.scopes import (
    DISBURSEMENTS,
)

DOC_ZH: dict[str, str] = {
    WHAT: "没有支出用于应由政府承担投资的项目，或用途为 ``government_investment``。",
    WHY: "工作方案禁止把捐赠用于应由政府投资的项目。",
    EXAMPLE: "支出 B5 支付标记为 ``government_obligated`` 的项目 J2。",
    COMPLIANT: "B5 支付项目 J3：由捐赠建设、不属于政府投资责任的村道。",
}


@PACK.rule(
    doc_zh=DOC_ZH,
    code="CP113",
    name="pays-government-obligation",
    severity=Severity.ERROR,
    cites=[
        cite(
            "§三(三)",
            "raised funds never pay for projects the government must fund",
            "募集资金不得用于应由政府投资的项目",
        )
    ],
    title="Raised money pays for a project the government must fund",
    title_zh="募集资金用于应由政府承担投资的项目",
    remedy="Reverse the disbursement and fund the project from the government budget.",
    remedy_zh="追回该支出，相关项目由政府投资解决。",
    reads=["disbursements", "projects"],
    scope=DISBURSEMENTS,
    params=["permitted_purposes", "other_expense_purposes", "government_purposes"],
)
def pays_government_obligation(ctx: Context, disbursement: Disbursement) -> Iterator[Violation]:
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
    if classify(ctx, disbursement) == "CP113":
        subjects = (disbursement.id,) + (
            (disbursement.project_id,) if disbursement.project_id else ()
        )
        project = ctx.view.get(disbursement.project_id)
        reasons, reasons_zh = [], []
        if isinstance(project, Project) and project.government_obligated:
            reasons.append(f"project {project.id} is one the government must fund")
            reasons_zh.append(f"项目 {project.id} 应由政府承担投资")
        purpose = (disbursement.purpose or "").strip().lower()
        if purpose in ctx.param("government_purposes"):
            reasons.append(f"its purpose is {disbursement.purpose!r}")
            reasons_zh.append(f"用途为“{word(purpose, 'zh')}”")
        amount = str(disbursement.amount)  # formatted once for both languages
        yield Violation(
            subjects,
            f"Disbursement {disbursement.id} ({amount} from fund "
            f"{disbursement.fund_id}) pays for government-obligated investment: "
            + " and ".join(reasons)
            + ".",
            f"支出 {disbursement.id}（资金 {disbursement.fund_id}，{amount}）用于应由"
            "政府承担投资的项目：" + "，且".join(reasons_zh) + "。",
            {
                "purpose": disbursement.purpose,
                "project": disbursement.project_id,
                "amount": disbursement.amount,
            },
        )


# ---- recipes: how violating("CP113") breaks this rule --------------------------------------------
@PACK.breaks("CP113")
def pay_for_government_investment(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """A disbursement for government investment, or paying a project the government must
    fund."""
    if draw.booleans():
        paid = reuse(draw, d.rows("disbursements"), lambda: d.add_flow(draw))
        d.replace(paid, purpose=draw.pick(sorted(d.param("government_purposes"))))
        return (paid.id, *([paid.project_id] if paid.project_id else []))
    paying: dict[str, list[Disbursement]] = {}
    for b in d.rows("disbursements"):
        if b.project_id is not None:
            paying.setdefault(b.project_id, []).append(b)
    once = [ps[0] for ps in paying.values() if len(ps) == 1]

    def new_flow() -> Disbursement:
        project = d.add_project(draw, d.poor_villages()[0].id)
        return d.add_flow(draw, target=(project.id, None, None))

    paid = reuse(draw, once, new_flow)
    d.replace(d.record(Project, paid.project_id), government_obligated=True)
    return (paid.id, str(paid.project_id))


# ---- the statement of the columnar engine --------------------------------------------------------
# Reads the pack's classification view (declared beside CP112).
PACK.sql(
    "CP113",
    """
    SELECT c.campaign_id, c.disbursement_id AS subject_id, c.code = 'CP113' AS flagged
    FROM disbursement_classes c
    """,
)
