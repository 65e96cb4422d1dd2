"""Rule PW202, unlawful-donee: declaration, judge, texts (en, zh) and recipes."""

from __future__ import annotations

from collections.abc import Iterator

import pendulum

from reliefkit.models import Fund, FundHolder
from reliefkit.rules._core import Context, Severity, Violation
from reliefkit.rules.public_welfare._pack import (
    COMPLIANT,
    EXAMPLE,
    PACK,
    PWDL,
    WHAT,
    WHY,
    cite,
    fund_with_donations,
)
from reliefkit.rules.recipes import Draft, Draw, Subjects, reuse
from reliefkit.rules.scopes import FUNDS

DOC_ZH: dict[str, str] = {
    WHAT: "收到捐赠的资金由合法受赠人持有：公益性社会团体、公益性非营利事业单位或指定的慈善账户。"
    "乡镇政府从不能作受赠人；县级部门只有在 ``government_basis`` 为自然灾害（natural_disaster）"
    "或境外捐赠人要求（overseas_request）时才能作受赠人。部门持有的资金未填写理由时本条不适用"
    "（无从判断）。",
    WHY: "捐赠法规定受赠人是公益性组织；政府及其部门只在法定两种情形下、且在县级以上才能接受捐赠，"
    "并不得将捐赠用于自身。",
    EXAMPLE: "乡镇政府持有的资金 F2（``holder`` 为 township_government）收到三笔捐赠。",
    COMPLIANT: "F2 由县慈善会持有，或开设指定的慈善账户。",
}


@PACK.rule(
    doc_zh=DOC_ZH,
    code="PW202",
    name="unlawful-donee",
    severity=Severity.ERROR,
    cites=[
        cite(
            PWDL,
            "Art.11",
            "donees are public-welfare bodies; a government body only at county level, in a "
            "disaster or at an overseas donor's request, never for itself",
            "受赠人为公益性组织；政府及部门仅限县级以上、灾害或境外捐赠人要求时，且不得自用",
        )
    ],
    title="Donations are held by a body that may not be their donee",
    title_zh="捐赠由不得作受赠人的机关持有",
    remedy="Hand the money to a public-welfare organisation or a designated charitable "
    "account; a county department may hold it only in a natural disaster or at an overseas "
    "donor's request, recorded as its government_basis.",
    remedy_zh="将款物交公益性组织或指定慈善账户；县级部门仅在自然灾害或境外捐赠人要求时方可持有，"
    "并登记其理由。",
    reads=["funds", "donations"],
    scope=FUNDS,
    where=fund_with_donations,
    params=["government_donee_bases"],
)
def unlawful_donee(ctx: Context, fund: Fund) -> Iterator[Violation]:
    """
    What it checks:
    A fund that received donations is held by a lawful donee: a public-welfare organisation
    or a designated charitable account. A township government is never the donee; a county
    department is one only when its ``government_basis`` is a natural disaster
    (``natural_disaster``) or an overseas donor's request (``overseas_request``: the
    parameter ``government_donee_bases``). A department's fund with no basis recorded is
    not judged (nothing to judge it on).

    Why it matters:
    The donations law names public-welfare bodies as donees; a government body may receive
    only at county level or above, only in those two cases, and never for its own benefit.

    Example:
    Fund F2, held by a township government (``holder`` township_government), received
    three donations.

    Compliant:
    F2 is held by the county charity federation, or is a designated charitable account.

    References:
    PWDL Art.11.
    """
    gifts = len(ctx.view.donations_to(fund.id))
    if fund.holder is FundHolder.TOWNSHIP_GOVERNMENT:
        yield Violation(
            (fund.id,),
            f"Fund {fund.id} received {gifts} donation(s) but is held by a township "
            "government, which may never be a donee.",
            f"资金 {fund.id} 收到 {gifts} 笔捐赠，却由乡镇政府持有；乡镇政府不得作受赠人。",
            {"holder": fund.holder.value, "donations": gifts},
        )
        return
    basis = fund.government_basis
    bases = ctx.param("government_donee_bases")
    if fund.holder is FundHolder.DEPARTMENT and basis is not None and basis not in bases:
        yield Violation(
            (fund.id,),
            f"Fund {fund.id} received {gifts} donation(s) and is held by a county department "
            f"on the basis {basis!r}; a department may be the donee only for "
            f"{', '.join(sorted(bases))}.",
            f"资金 {fund.id} 收到 {gifts} 笔捐赠，由县级部门以“{basis}”为由持有；"
            f"部门仅在 {'、'.join(sorted(bases))} 时方可作受赠人。",
            {"holder": fund.holder.value, "government_basis": basis, "donations": gifts},
        )


# ---- recipes: how violating("PW202") breaks this rule --------------------------------------
@PACK.breaks("PW202")
def give_to_a_government(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """A new fund with a donation, audited, held by a township government, or by a county
    department on a basis the law does not name."""
    fund = d.add_fund(draw)
    if draw.booleans():
        fund = d.replace(fund, holder=FundHolder.TOWNSHIP_GOVERNMENT)
    else:
        basis = draw.pick(("poverty_relief", "campaign", "festival"))
        fund = d.replace(fund, holder=FundHolder.DEPARTMENT, government_basis=basis)
    donors = [e.id for e in d.rows("donors")]
    for _ in range(draw.integers(1, 2)):
        donor = reuse(draw, donors, lambda: d.add_donor(draw).id)
        d.add_donation(draw, fund.id, draw.amount(), donor_id=donor)
    d.add_audit(draw, fund.id)
    return (fund.id,)


# ---- the statement of the columnar engine --------------------------------------------------
PACK.sql(
    "PW202",
    """
    WITH given AS (SELECT DISTINCT campaign_id, fund_id FROM donations)
    SELECT
        f.campaign_id,
        f.id AS subject_id,
        f.holder = 'township_government'
        OR (
            f.holder = 'department'
            AND NULLIF(f.government_basis, '') IS NOT NULL
            AND b.item IS NULL
        ) AS flagged
    FROM funds f
    JOIN given g ON g.campaign_id = f.campaign_id AND g.fund_id = f.id
    LEFT JOIN (
        SELECT DISTINCT campaign_id, item FROM param_items WHERE name = 'government_donee_bases'
    ) b
        ON b.campaign_id = f.campaign_id AND b.item = f.government_basis
    """,
)
