"""Rule PW210, gift-to-related-party: declaration, judge, texts (en, zh) and recipes."""

from __future__ import annotations

from collections.abc import Iterator

import pendulum

from reliefkit.models import DateRange, Disbursement, Household
from reliefkit.rules._core import Context, Severity, Violation
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
from reliefkit.rules.public_welfare._scopes import PAYMENTS_TO_HOUSEHOLDS
from reliefkit.rules.recipes import Draft, Draw, Subjects, reuse

DOC_ZH: dict[str, str] = {
    WHAT: "2016 年 9 月 1 日起的每笔支出，受益户不是关联方：受益户的 ``related_to`` "
    "不含向付款资金捐赠的捐赠人，也不含付款资金本身（其管理人员的关联户）。"
    "未登记关联关系的户不判断。按支出日期判断。",
    WHY: "慈善法规定慈善组织不得指定捐赠人的利害关系人作为受益人，"
    "其管理人员的利害关系人也不得从中受益。",
    EXAMPLE: "2016 年 10 月 20 日资金 F1 向 H7 户支付 5,000 元；H7 是 F1 的捐赠人 E2 的亲属"
    "（``related_to`` 含 E2）。",
    COMPLIANT: "H7 由其他（无关联）资金帮扶，或 F1 按公开、公平的程序选择无关联的受益户。",
}


def _household(ctx: Context, disbursement: Disbursement) -> Household | None:
    found = ctx.view.get(disbursement.household_id)
    return found if isinstance(found, Household) else None


def to_household_with_relations(ctx: Context, disbursement: Disbursement) -> bool:
    """A disbursement to a household whose related parties are recorded."""
    household = _household(ctx, disbursement)
    return household is not None and bool(household.related_to)


def related_parties(ctx: Context, disbursement: Disbursement, household: Household) -> list[str]:
    """The ids among the household's relations that are the paying fund or a donor who gave
    into it, sorted."""
    related = set(household.related_to)
    found = {disbursement.fund_id} & related
    found |= {d.donor_id for d in ctx.view.donations_to(disbursement.fund_id)} & related
    return sorted(found)


@PACK.rule(
    doc_zh=DOC_ZH,
    code="PW210",
    name="gift-to-related-party",
    severity=Severity.ERROR,
    cites=[
        cite(
            CL,
            "Art.40",
            "a donor may not name the donor's own related parties as beneficiaries",
            "捐赠人不得指定其利害关系人作为受益人",
        ),
        cite(
            CL,
            "Art.58",
            "beneficiaries are chosen openly and fairly; managers' related parties are not chosen",
            "受益人按公开、公平原则确定，不得指定管理人员的利害关系人",
        ),
    ],
    title="A disbursement benefits a party related to a donor of its fund or to the fund",
    title_zh="向捐赠人或资金管理人员的利害关系人支付",
    remedy="Stop paying related parties: choose beneficiaries openly and fairly among people "
    "unrelated to the fund's donors and managers, and recover the payment.",
    remedy_zh="停止向利害关系人支付，按公开、公平原则在无关联者中确定受益人，并追回款项。",
    reads=["disbursements", "households", "donations"],
    scope=PAYMENTS_TO_HOUSEHOLDS,
    where=to_household_with_relations,
    in_force=DateRange(CL_START),
    dated=lambda disbursement: disbursement.on,
)
def gift_to_related_party(ctx: Context, disbursement: Disbursement) -> Iterator[Violation]:
    """
    What it checks:
    From 2016-09-01, no disbursement reaches a household related to the paying fund's
    donors or managers: the household's ``related_to`` names neither a donor who gave into
    the fund nor the fund itself (standing for its managers). A household whose relations
    are not recorded is not judged. Judged by the day of the disbursement.

    Why it matters:
    The Charity Law forbids a donor to name the donor's related parties as beneficiaries,
    and a charity to choose its managers' related parties.

    Example:
    On 20 October 2016 fund F1 paid 5,000 yuan to household H7, a relative of E2, who gave
    into F1 (``related_to`` names E2).

    Compliant:
    H7 is helped from another, unrelated fund, or F1 chooses unrelated households openly.

    References:
    CL Art.40, 58 (from 2016-09-01).
    """
    household = _household(ctx, disbursement)
    assert household is not None  # in reach
    related = related_parties(ctx, disbursement, household)
    if not related:
        return
    fund = disbursement.fund_id
    whom = ", ".join(("the fund itself" if r == fund else f"donor {r}") for r in related)
    whom_zh = "、".join(("资金本身" if r == fund else f"捐赠人 {r}") for r in related)
    yield Violation(
        (disbursement.id, household.id, *related),
        f"Disbursement {disbursement.id} from fund {fund} ({disbursement.amount}, "
        f"{disbursement.on.isoformat()}) reaches household {household.id}, related to "
        f"{whom} of that fund.",
        f"资金 {fund} 的支出 {disbursement.id}（{disbursement.amount}，"
        f"{disbursement.on.isoformat()}）付给了 {household.id} 户，该户是{whom_zh}的利害关系人。",
        {"related": related},
    )


# ---- recipes: how violating("PW210") breaks this rule --------------------------------------
@PACK.breaks("PW210", impossible=charity_law_acts)
def pay_a_relative(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """A new, audited fund pays, under the Charity Law (from 2016-09-01, in a campaign
    running past that day), a registered poor household related to one of its donors, or
    to the fund's managers."""
    fund = d.add_fund(draw)
    donors = [e.id for e in d.rows("donors")]
    donor = reuse(draw, donors, lambda: d.add_donor(draw).id)
    given = draw.amount()
    d.add_donation(draw, fund.id, given, donor_id=donor)
    village = draw.pick(d.poor_villages())
    household = d.add_household(draw, village.id, registered_poor=True)
    related = draw.pick([donor, fund.id])
    household = d.replace(household, related_to=(related,))
    paid = d.add_disbursement(draw, fund.id, draw.integers(1, given), (None, None, household.id))
    paid = d.replace(paid, on=day_under_charity_law(draw, d, as_of))
    d.add_audit(draw, fund.id)
    return (paid.id, household.id, related)


# ---- the statement of the columnar engine --------------------------------------------------
PACK.sql(
    "PW210",
    """
    WITH relations AS (
        SELECT r.campaign_id, r.id AS household_id, r.item
        FROM households__related_to r
        JOIN households h ON h.campaign_id = r.campaign_id AND h.id = r.id
    ),
    related AS (SELECT DISTINCT campaign_id, household_id FROM relations),
    donors_of AS (SELECT DISTINCT campaign_id, fund_id, donor_id FROM donations),
    to_related AS (
        SELECT DISTINCT b.campaign_id, b.id
        FROM disbursements b
        JOIN relations r ON r.campaign_id = b.campaign_id AND r.household_id = b.household_id
        LEFT JOIN donors_of d
            ON d.campaign_id = b.campaign_id AND d.fund_id = b.fund_id AND d.donor_id = r.item
        WHERE r.item = b.fund_id OR d.donor_id IS NOT NULL
    )
    SELECT b.campaign_id, b.id AS subject_id, x.id IS NOT NULL AS flagged
    FROM disbursements b
    JOIN rule_eras e ON e.code = 'PW210'
    JOIN related h ON h.campaign_id = b.campaign_id AND h.household_id = b.household_id
    LEFT JOIN to_related x ON x.campaign_id = b.campaign_id AND x.id = b.id
    WHERE b."on" IS NULL OR (b."on" >= e.since AND (e."until" IS NULL OR b."on" <= e."until"))
    """,
)
