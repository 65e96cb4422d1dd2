"""Rule CP114, pays-other-expenses: declaration, judge, texts (en, zh) and recipes."""

from __future__ import annotations

from collections.abc import Iterator

import pendulum

from reliefkit._words import word
from reliefkit.models import (
    Disbursement,
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
    WHAT: "没有支出的用途属于“其他开支”：行政、活动和仪式、差旅、餐饮、礼品、工资补贴、"
    "车辆或办公。",
    WHY: "工作方案禁止把募集资金用于扶贫以外的开支，并要求节俭务实。",
    EXAMPLE: "支出 B6 支付仪式的餐费（``meals``）。",
    COMPLIANT: "仪式餐费由乡镇自有经费列支，不动用募集资金。",
}


@PACK.rule(
    doc_zh=DOC_ZH,
    code="CP114",
    name="pays-other-expenses",
    severity=Severity.ERROR,
    cites=[
        cite("§三(三)", "raised funds never pay other expenses", "募集资金不得用于其他开支"),
        cite("§一", "frugal and practical", "节俭务实"),
    ],
    title="Raised money pays for other expenses (administration, events, travel, meals, …)",
    title_zh="募集资金用于其他开支（行政、活动、差旅、招待等）",
    remedy="Reverse the disbursement; pay such costs from the unit's own budget.",
    remedy_zh="追回该支出，此类费用由单位自有经费列支。",
    reads=["disbursements", "projects"],
    scope=DISBURSEMENTS,
    params=["permitted_purposes", "other_expense_purposes", "government_purposes"],
)
def pays_other_expenses(ctx: Context, disbursement: Disbursement) -> Iterator[Violation]:
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
    if classify(ctx, disbursement) == "CP114":
        amount = str(disbursement.amount)  # formatted once for both languages
        yield Violation(
            (disbursement.id,),
            f"Disbursement {disbursement.id} ({amount} from fund "
            f"{disbursement.fund_id}) pays for {word(disbursement.purpose)}, an other expense "
            "that raised money may not pay for.",
            f"支出 {disbursement.id}（资金 {disbursement.fund_id}，{amount}）用于"
            f"其他开支“{word(disbursement.purpose, 'zh')}”，募集资金不得用于此类开支。",
            {"purpose": disbursement.purpose, "amount": disbursement.amount},
        )


# ---- recipes: how violating("CP114") breaks this rule --------------------------------------------
@PACK.breaks("CP114")
def pay_other_expenses(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """A disbursement for an "other expense": administration, events, travel, meals, …"""
    paid = reuse(draw, d.rows("disbursements"), lambda: d.add_flow(draw))
    d.replace(paid, purpose=draw.pick(sorted(d.param("other_expense_purposes"))))
    return (paid.id,)


# ---- the statement of the columnar engine --------------------------------------------------------
# Reads the pack's classification view (declared beside CP112).
PACK.sql(
    "CP114",
    """
    SELECT c.campaign_id, c.disbursement_id AS subject_id, c.code = 'CP114' AS flagged
    FROM disbursement_classes c
    """,
)
