"""Rule PW207, donation-without-receipt: declaration, judge, texts (en, zh) and recipes."""

from __future__ import annotations

from collections.abc import Iterator

import pendulum

from reliefkit.models import DateRange, Donation
from reliefkit.rules._core import Context, Kind, Severity, Violation
from reliefkit.rules.public_welfare._pack import (
    CL,
    CL_START,
    COMPLIANT,
    EXAMPLE,
    PACK,
    WHAT,
    WHY,
    charity_law_acts,
    cite,
    day_under_charity_law,
)
from reliefkit.rules.recipes import Draft, Draw, Subjects, reuse
from reliefkit.rules.scopes import DONATIONS

DOC_ZH: dict[str, str] = {
    WHAT: "2016 年 9 月 1 日起收到的每笔捐赠都开具捐赠票据：``receipt`` 记为否时，"
    "须有捐赠人匿名或不要票据的记录（``receipt_waived`` 为是）。"
    "``receipt`` 未记录时本条不适用。按捐赠日期判断：此前的捐赠不适用慈善法。",
    WHY: "慈善法要求慈善组织接受捐赠时开具载明捐赠人、财产种类数量、受赠人、经办人和日期的票据；"
    "捐赠人匿名或放弃票据的，应当做好记录。",
    EXAMPLE: "2016 年 10 月 8 日的捐赠 N12 ``receipt`` 为否，``receipt_waived`` 为空。",
    COMPLIANT: "N12 开具了票据，或登记了捐赠人放弃票据。",
}


def unreceipted(ctx: Context, donation: Donation) -> bool:
    """A donation recorded as given no receipt."""
    return donation.receipt is False


@PACK.rule(
    doc_zh=DOC_ZH,
    code="PW207",
    name="donation-without-receipt",
    severity=Severity.WARNING,
    kinds=("obligation",),
    cites=[
        cite(
            CL,
            "Art.38",
            "every gift gets a receipt naming donor, gift, donee, handler and date; an "
            "anonymous or declined receipt is recorded",
            "接受捐赠应开具载明捐赠人、财产、受赠人、经办人和日期的票据；匿名或放弃票据须记录",
        )
    ],
    title="A donation got no receipt and no record of a waived one",
    title_zh="捐赠未开具票据，也无放弃票据的记录",
    remedy="Issue the donation receipt (捐赠票据), or record that the donor gave anonymously "
    "or declined it (receipt_waived).",
    remedy_zh="开具捐赠票据，或登记捐赠人匿名或放弃票据。",
    reads=["donations"],
    scope=DONATIONS,
    where=unreceipted,
    in_force=DateRange(CL_START),
    dated=lambda donation: donation.on,
)
def donation_without_receipt(ctx: Context, donation: Donation) -> Iterator[Violation]:
    """
    What it checks:
    Every donation received from 2016-09-01 on gets a donation receipt (捐赠票据): one
    recorded with ``receipt`` false needs a record that the donor gave anonymously or
    declined it (``receipt_waived`` true). A donation whose ``receipt`` is not recorded is
    not judged. Judged by the day of the donation: earlier gifts are not under the Charity
    Law.

    Why it matters:
    The Charity Law asks a charity to give each donor a receipt naming the donor, the kind
    and amount of the gift, the donee, the handler and the date, and to keep a record when
    the donor gives anonymously or declines one.

    Example:
    Donation N12 of 8 October 2016 has ``receipt`` false and ``receipt_waived`` empty.

    Compliant:
    N12 got its receipt, or the donor's waiver is recorded.

    References:
    CL Art.38 (from 2016-09-01).
    """
    if donation.receipt_waived is True:
        return
    yield Violation(
        (donation.id,),
        f"Donation {donation.id} by {donation.donor_id} into fund {donation.fund_id} "
        f"({donation.amount}, {donation.on.isoformat()}) got no receipt, and no anonymous "
        "gift or declined receipt is recorded.",
        f"捐赠人 {donation.donor_id} 向资金 {donation.fund_id} 的捐赠 {donation.id}"
        f"（{donation.amount}，{donation.on.isoformat()}）未开具票据，也无匿名或放弃票据的记录。",
        {"receipt": donation.receipt, "receipt_waived": donation.receipt_waived},
        kind=Kind.OBLIGATION,
    )


# ---- recipes: how violating("PW207") breaks this rule --------------------------------------
@PACK.breaks("PW207", impossible=charity_law_acts)
def give_no_receipt(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """A gift into a new, audited fund, made under the Charity Law (from 2016-09-01, in a
    campaign running past that day), recorded with no receipt and no waiver."""
    fund = d.add_fund(draw)
    donors = [e.id for e in d.rows("donors")]
    donation = d.add_donation(
        draw, fund.id, draw.amount(), donor_id=reuse(draw, donors, lambda: d.add_donor(draw).id)
    )
    donation = d.replace(
        donation,
        on=day_under_charity_law(draw, d, as_of),
        receipt=False,
        receipt_waived=draw.maybe((False,)),
    )
    d.add_audit(draw, fund.id)
    return (donation.id,)


# ---- the statement of the columnar engine --------------------------------------------------
PACK.sql(
    "PW207",
    """
    SELECT n.campaign_id, n.id AS subject_id, n.receipt_waived IS NOT TRUE AS flagged
    FROM donations n
    JOIN rule_eras e ON e.code = 'PW207'
    WHERE n.receipt IS FALSE
        AND (n."on" IS NULL OR (n."on" >= e.since AND (e."until" IS NULL OR n."on" <= e."until")))
    """,
)
