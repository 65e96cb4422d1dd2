"""Rule PW206, sale-proceeds-diverted: declaration, judge, texts (en, zh) and recipes."""

from __future__ import annotations

from collections.abc import Iterator

import pendulum

from reliefkit.models import Donation, Money
from reliefkit.rules._core import Context, Severity, Violation
from reliefkit.rules.public_welfare._pack import (
    COMPLIANT,
    EXAMPLE,
    PACK,
    PWDL,
    WHAT,
    WHY,
    cite,
)
from reliefkit.rules.recipes import Draft, Draw, Subjects, reuse
from reliefkit.rules.scopes import DONATIONS

DOC_ZH: dict[str, str] = {
    WHAT: "因不易储存、运输或超过实际需要而变卖的捐赠物资"
    "（``goods`` 已填，``sold_for`` 为变卖所得），"
    "其全部所得用于捐赠目的：``proceeds_used`` 不少于 ``sold_for``。"
    "未记录变卖所得或其用途时本条不适用。",
    WHY: "捐赠法允许变卖难以储存、使用的受赠物资，但所得全部收入应用于捐赠目的。",
    EXAMPLE: "捐赠 N7（50 吨水泥）变卖得 20,000 元，只有 15,000 元用于捐赠目的。",
    COMPLIANT: "20,000 元全部用于捐赠目的（``proceeds_used`` 为 20,000）。",
}


def sold_goods(ctx: Context, donation: Donation) -> bool:
    """Goods that were sold, with what the sale paid and what went to the purpose recorded."""
    return (
        donation.goods is not None
        and donation.sold_for is not None
        and donation.proceeds_used is not None
    )


@PACK.rule(
    doc_zh=DOC_ZH,
    code="PW206",
    name="sale-proceeds-diverted",
    severity=Severity.ERROR,
    cites=[
        cite(
            PWDL,
            "Art.17",
            "gifts that cannot be stored, carried or used may be sold; all the proceeds serve "
            "the gift's purpose",
            "难以储存、运输或超出需要的受赠财产可以变卖，所得全部用于捐赠目的",
        )
    ],
    title="Proceeds of sold donated goods did not all go to the donation's purpose",
    title_zh="变卖捐赠物资所得未全部用于捐赠目的",
    remedy="Put the whole of what the goods were sold for to the donation's purpose and "
    "record it (proceeds_used).",
    remedy_zh="将变卖所得全部用于捐赠目的并登记。",
    reads=["donations"],
    scope=DONATIONS,
    where=sold_goods,
    dated=lambda donation: donation.on,
)
def sale_proceeds_diverted(ctx: Context, donation: Donation) -> Iterator[Violation]:
    """
    What it checks:
    Donated goods (``goods`` named) that were sold because they could not be stored,
    carried or used (``sold_for``, what the sale paid) had all the proceeds put to the
    donation's purpose: ``proceeds_used`` is at least ``sold_for``. A donation without both
    amounts recorded is not judged.

    Why it matters:
    The donations law lets a donee sell such goods, but every yuan of the sale serves the
    gift's purpose.

    Example:
    Donation N7 (50 tonnes of cement) was sold for 20,000 yuan, of which 15,000 went to the
    purpose.

    Compliant:
    All 20,000 went to the purpose (``proceeds_used`` 20,000).

    References:
    PWDL Art.17.
    """
    sold, used = donation.sold_for, donation.proceeds_used
    assert sold is not None and used is not None  # in reach
    if used >= sold:
        return
    missing = sold - used
    yield Violation(
        (donation.id,),
        f"Donation {donation.id} ({donation.goods}, given {donation.on.isoformat()}) was sold "
        f"for {sold} but only {used} went to its purpose: {missing} of the proceeds went "
        "elsewhere.",
        f"捐赠 {donation.id}（{donation.goods}，{donation.on.isoformat()} 捐赠）变卖得 {sold}，"
        f"仅 {used} 用于捐赠目的，{missing} 另作他用。",
        {"sold_for": sold, "proceeds_used": used, "diverted": missing},
    )


# ---- recipes: how violating("PW206") breaks this rule --------------------------------------
@PACK.breaks("PW206")
def divert_sale_proceeds(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """Donated goods sold, only part of the proceeds put to the purpose: goods already
    given, or a new gift of goods into a new, audited fund."""
    sold = draw.amount(200)
    used = Money.fen(draw.integers(0, sold - 1))
    goods = [n for n in d.rows("donations") if n.goods is not None]
    if goods and draw.booleans():
        donation = d.replace(draw.pick(goods), sold_for=Money.fen(sold), proceeds_used=used)
        return (donation.id,)
    fund = d.add_fund(draw)
    donors = [e.id for e in d.rows("donors")]
    donation = d.add_donation(
        draw, fund.id, draw.amount(), donor_id=reuse(draw, donors, lambda: d.add_donor(draw).id)
    )
    d.replace(
        donation,
        goods=draw.pick(("水泥 50 吨", "化肥 200 袋", "大米 3 吨", "棉被 400 床")),
        sold_for=Money.fen(sold),
        proceeds_used=used,
    )
    d.add_audit(draw, fund.id)
    return (donation.id,)


# ---- the statement of the columnar engine --------------------------------------------------
PACK.sql(
    "PW206",
    """
    SELECT n.campaign_id, n.id AS subject_id, n.proceeds_used < n.sold_for AS flagged
    FROM donations n
    JOIN rule_eras e ON e.code = 'PW206'
    WHERE NULLIF(n.goods, '') IS NOT NULL
        AND n.sold_for IS NOT NULL
        AND n.proceeds_used IS NOT NULL
        AND (n."on" IS NULL OR (n."on" >= e.since AND (e."until" IS NULL OR n."on" <= e."until")))
    """,
)
