"""Rule PW203, donor-intent-not-honoured: declaration, judge, texts (en, zh) and recipes."""

from __future__ import annotations

from collections.abc import Iterator

import attrs
import pendulum

from reliefkit.models import Donation, Fund, Queries
from reliefkit.rules._core import Context, Severity, Violation
from reliefkit.rules._ledger import ZERO, Ledger, build_ledger, target_of
from reliefkit.rules._sql_ledger import DESIGNATION, fund_ledger
from reliefkit.rules.public_welfare._pack import (
    CL,
    COMPLIANT,
    EXAMPLE,
    PACK,
    PWDL,
    WHAT,
    WHY,
    cite,
    ids_of,
)
from reliefkit.rules.recipes import Draft, Draw, Subjects, reuse
from reliefkit.rules.scopes import FUNDS

DOC_ZH: dict[str, str] = {
    WHAT: "与县级方案 CP115 相同的资金合计判断（定向捐赠只能用于其指定的项目或村，"
    "其余支出只能动用非定向捐赠），但捐赠人书面同意改变用途（``change_consent`` 为是）的定向捐赠"
    "视同非定向捐赠，不构成违反。CP115 或 CP122 报告同一资金时，本条让位于它们。",
    WHY: "受赠人应按捐赠协议和捐赠人意愿使用捐赠财产；改变用途须征得捐赠人同意。",
    EXAMPLE: "资金 F1 只收到定向给 V1 村的 10,000 元（未经捐赠人同意改变用途），却支付给了 V2 村。",
    COMPLIANT: "F1 把这笔钱用于 V1 村，或捐赠人书面同意改用于 V2 村。",
}


def _as_agreed(donation: Donation) -> Donation:
    """A directed donation whose donor agreed in writing to a change of use: its money may be
    used as undesignated money."""
    if donation.change_consent is True and donation.directed:
        return attrs.evolve(donation, designated_project_id=None, designated_village_id=None)
    return donation


def intent_ledger(view: Queries, fund_id: str) -> Ledger:
    """The fund's ledger (the county plan's reading) with every consented change of use
    counted as undesignated money."""
    donations = tuple(_as_agreed(d) for d in view.donations_to(fund_id))
    return build_ledger(view, fund_id, donations, view.disbursements_from(fund_id))


def moving_fund(ctx: Context, fund: Fund) -> bool:
    """A fund with a donation or a disbursement."""
    view = ctx.view
    return view.has_group("donations_by_fund", fund.id) or view.has_group(
        "disbursements_by_fund", fund.id
    )


@PACK.rule(
    doc_zh=DOC_ZH,
    code="PW203",
    name="donor-intent-not-honoured",
    severity=Severity.ERROR,
    cites=[
        cite(
            PWDL,
            "Art.5",
            "the donor's wishes are respected; gifts are not diverted",
            "尊重捐赠人意愿，不得挪作他用",
        ),
        cite(
            PWDL,
            "Art.12",
            "a donor may agree the kind, quantity and use of a gift with the donee",
            "捐赠人可与受赠人约定捐赠财产的种类、数量和用途",
        ),
        cite(
            PWDL,
            "Art.18",
            "the donee uses gifts as agreed; a change of use needs the donor's consent",
            "受赠人按约定用途使用，改变用途须征得捐赠人同意",
        ),
        cite(
            CL,
            "Art.55",
            "a charity uses donations as agreed; changing their use needs the donor's consent",
            "慈善组织按约定使用捐赠财产，改变用途应征得捐赠人同意",
        ),
    ],
    title="Designated money is used otherwise without the donor's consent",
    title_zh="未经捐赠人同意改变定向捐赠用途",
    remedy="Spend directed money on its designation, or record the donor's written consent "
    "to the change (change_consent).",
    remedy_zh="定向款物用于指定用途，或取得并登记捐赠人书面同意改变用途。",
    reads=["funds", "donations", "disbursements", "projects", "households"],
    scope=FUNDS,
    where=moving_fund,
    defers_to=["CP115", "CP122"],
)
def donor_intent_not_honoured(ctx: Context, fund: Fund) -> Iterator[Violation]:
    """
    What it checks:
    The county plan's designation test (CP115, on the fund's totals): what the
    disbursements need from undesignated money — payments to anything that is not a
    designation, plus payments to a designation beyond what was given for it — is at most
    what undesignated donations gave. A directed donation whose donor agreed in writing to
    a change of use (``change_consent`` true) counts as undesignated: using it otherwise is
    no breach. Where CP115 or CP122 reports the same fund, this rule defers to them.

    Why it matters:
    The donee uses gifts as the donor intended; a change of use needs the donor's consent.

    Example:
    Fund F1 received only 10,000 yuan directed to village V1 (no consent to a change) and
    paid it to village V2.

    Compliant:
    F1 spent the money in V1, or the donor agreed in writing to V2.

    References:
    PWDL Art.5, 12, 18; CL Art.55 (from 2016-09-01).
    """
    view = ctx.view
    book = intent_ledger(view, fund.id)
    needed = book.needed_from_pot
    if needed <= book.undesignated:
        return
    drawing = [
        b
        for b in view.disbursements_from(fund.id)
        if (k := target_of(view, b, book.designated)) is None
        or book.spent.get(k, ZERO) > book.designated[k]
    ]
    unspent = [
        d
        for d in view.donations_to(fund.id)
        if d.change_consent is not True
        and d.designation is not None
        and book.spent.get(d.designation, ZERO) < book.designated[d.designation]
    ]
    short = needed - book.undesignated
    consented = sorted(d.id for d in view.donations_to(fund.id) if _as_agreed(d) is not d)
    agreed = f" (changes agreed for {', '.join(consented)})" if consented else ""
    agreed_zh = f"（{'、'.join(consented)} 已获同意改变用途）" if consented else ""
    yield Violation(
        (fund.id, *ids_of(drawing), *ids_of(unspent)),
        f"Fund {fund.id} uses ¥{short:,.2f} of directed money otherwise without the donors' "
        f"consent: its disbursements need ¥{needed:,.2f} of undesignated money, but "
        f"undesignated (or consented) donations gave only ¥{book.undesignated:,.2f}{agreed}.",
        f"资金 {fund.id} 未经捐赠人同意改变定向捐赠用途 ¥{short:,.2f}：支出需动用非定向资金 "
        f"¥{needed:,.2f}，而非定向（或已获同意）的捐赠仅 ¥{book.undesignated:,.2f}{agreed_zh}。",
        {
            "needed_from_undesignated": needed,
            "undesignated_or_consented": book.undesignated,
            "designated": dict(book.designated),
            "consented": consented,
        },
        on=max((b.on for b in drawing), default=None),
    )


# ---- recipes: how violating("PW203") breaks this rule --------------------------------------
@PACK.breaks("PW203")
def change_use_without_consent(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """A new, audited fund with a directed donation (no consent to a change) paid out, in
    part or whole, somewhere that is not its designation; sometimes also a directed donation
    whose donor agreed to a change, which covers only part of what went elsewhere."""
    fund = d.add_fund(draw)
    poor = sorted(v.id for v in d.poor_villages())
    options: list[tuple[str | None, str | None]] = [(None, v) for v in poor]
    options += [
        (p.id, None)
        for p in d.rows("projects")
        if p.village_id in poor and not p.government_obligated
    ]
    project, village = draw.pick(options)
    donors = [e.id for e in d.rows("donors")]
    given = draw.amount()
    directed = d.add_donation(
        draw,
        fund.id,
        given,
        donor_id=reuse(draw, donors, lambda: d.add_donor(draw).id),
        project_id=project,
        village_id=village,
    )
    directed = d.replace(directed, change_consent=draw.maybe((False,)))
    agreed = 0
    if draw.booleans():
        other = draw.pick(options)
        agreed = draw.amount()
        consent = d.add_donation(
            draw,
            fund.id,
            agreed,
            donor_id=reuse(draw, donors, lambda: d.add_donor(draw).id),
            project_id=other[0],
            village_id=other[1],
        )
        d.replace(consent, change_consent=True)
    elsewhere = d.reaches(draw, avoid=[project or str(village)])
    paid = d.add_disbursement(draw, fund.id, draw.integers(agreed + 1, agreed + given), elsewhere)
    d.add_audit(draw, fund.id)
    return (fund.id, paid.id, directed.id)


# ---- the statement of the columnar engine --------------------------------------------------
# The county plan's ledger (``fund_ledger`` of ``reliefkit.rules._sql_ledger``) read as
# ``intent_ledger`` reads it: a donation whose donor agreed to a change of use has no
# designation.
INTENT_LEDGER_VIEW = "intent_ledger"

PACK.view(
    INTENT_LEDGER_VIEW,
    fund_ledger(f"CASE WHEN d.change_consent IS TRUE THEN NULL ELSE {DESIGNATION} END"),
)

PACK.sql(
    "PW203",
    """
    SELECT
        f.campaign_id,
        f.id AS subject_id,
        l.needed_from_pot > l.undesignated AS flagged
    FROM funds f
    JOIN intent_ledger l ON l.campaign_id = f.campaign_id AND l.fund_id = f.id
    WHERE l.donations > 0 OR l.disbursements > 0
    """,
)
