"""Rule CP122, fund-overspent: declaration, judge, texts (en, zh) and recipes."""

from __future__ import annotations

from collections.abc import Iterator

import pendulum

from reliefkit.models import (
    Fund,
    Money,
)
from reliefkit.rules._core import Context, Severity, Violation
from reliefkit.rules._ledger import ZERO, ledger
from reliefkit.rules._sql_ledger import FUND_LEDGER, FUND_LEDGER_VIEW
from reliefkit.rules.county_plan._pack import (
    COMPLIANT,
    EXAMPLE,
    PACK,
    WHAT,
    WHY,
    cite,
    ids_of,
    moving_fund,
)
from reliefkit.rules.recipes import Draft, Draw, Subjects, reuse
from reliefkit.rules.scopes import (
    FUNDS,
)

DOC_ZH: dict[str, str] = {
    WHAT: "一笔资金的支出合计不超过收入合计（实物按评估价值计）：余额不为负。",
    WHY: "支出从未收到的钱，说明漏记了捐赠或有未登记的来源。",
    EXAMPLE: "资金 F3 收入 50,000 元，支出 60,000 元。",
    COMPLIANT: "F3 支出 45,000 元，结余 5,000 元。",
}


@PACK.rule(
    cured_by={
        "donations": "admit the disbursement together with the donation that funds it",
    },
    doc_zh=DOC_ZH,
    code="CP122",
    name="fund-overspent",
    severity=Severity.ERROR,
    cites=[cite("§三(三)", "supervision of raised funds", "加强对募集资金的监督")],
    title="A fund pays out more than it received",
    title_zh="资金支出超过收入（余额为负）",
    remedy="Reverse the excess disbursements or record the missing donations.",
    remedy_zh="追回超支部分，或补录漏记的捐赠。",
    reads=["funds", "donations", "disbursements"],
    scope=FUNDS,
    where=moving_fund,
)
def fund_overspent(ctx: Context, fund: Fund) -> Iterator[Violation]:
    """
    What it checks:
    The total disbursed from a fund is at most the total it received (goods at their
    assessed value): no negative balance.

    Why it matters:
    Paying out money a fund never received hides a missing donation or an unrecorded source.

    Example:
    Fund F3 received 50,000 yuan and disbursed 60,000.

    Compliant:
    F3 disbursed 45,000 and holds 5,000.

    References:
    county-plan §三(三).
    """
    fund_id = fund.id
    book = ledger(ctx.view, fund_id)
    if book.disbursed <= book.received:
        return
    over = book.disbursed - book.received
    yield Violation(
        (fund_id, *ids_of(ctx.view.disbursements_from(fund_id))),
        f"Fund {fund_id} disbursed ¥{book.disbursed:,.2f} but received only "
        f"¥{book.received:,.2f}: ¥{over:,.2f} more than it holds (balance −¥{over:,.2f}).",
        f"资金 {fund_id} 支出 ¥{book.disbursed:,.2f}，收入仅 ¥{book.received:,.2f}，超支 ¥{over:,.2f}"
        f"（余额 −¥{over:,.2f}）。",
        {"received": book.received, "disbursed": book.disbursed, "balance": -over},
    )


# ---- recipes: how violating("CP122") breaks this rule --------------------------------------------
def _reaudit(draw: Draw, d: Draft, fund_id: str) -> None:
    """Replace a fund's audits by one matching its ledger (CP118 stays silent)."""
    d.remove(*d.audits_of(fund_id))
    if d.donations_to(fund_id):
        d.add_audit(draw, fund_id)


@PACK.breaks("CP122")
def overspend(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """A fund that pays out more than it received (possibly nothing at all): an existing
    fund paying one more time, or a new one."""
    funded = sorted({n.fund_id for n in d.rows("donations")})
    if funded and draw.booleans():
        fund_id = draw.pick(funded)
        book = d.ledger(fund_id)
        left = Money(max(book.received - book.disbursed, ZERO)).in_fen
        extra = left + draw.integers(1, 1_000_000)
        d.add_disbursement(draw, fund_id, extra, d.reaches(draw, avoid=book.designated))
    else:
        fund_id = d.add_fund(draw).id
        received = 0
        donors = [e.id for e in d.rows("donors")]
        for _ in range(draw.integers(0, 2)):
            given = draw.amount()
            received += given
            donor = reuse(draw, donors, lambda: d.add_donor(draw).id)
            d.add_donation(draw, fund_id, given, donor_id=donor)
        total = received + draw.integers(1, 1_000_000)
        parts = draw.integers(1, min(3, total))
        for i in range(parts):
            amount = total // parts + (total % parts if i == 0 else 0)
            d.add_disbursement(draw, fund_id, amount, d.reaches(draw))
    _reaudit(draw, d, fund_id)
    return (fund_id, *sorted(b.id for b in d.disbursements_from(fund_id)))


# ---- the statement of the columnar engine --------------------------------------------------------
# The fund ledger is the pack's shared view (CP115 and CP118 read it too).
PACK.view(FUND_LEDGER_VIEW, FUND_LEDGER)

# In reach: ``moving_fund``, a fund not fiscal with a donation or a disbursement.
PACK.sql(
    "CP122",
    """
    SELECT f.campaign_id, f.id AS subject_id, l.disbursed > l.received AS flagged
    FROM funds f
    JOIN fund_ledger l ON l.campaign_id = f.campaign_id AND l.fund_id = f.id
    WHERE f.fiscal IS NOT TRUE AND (l.donations > 0 OR l.disbursements > 0)
    """,
)
