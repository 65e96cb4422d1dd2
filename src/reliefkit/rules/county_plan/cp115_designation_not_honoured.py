"""Rule CP115, designation-not-honoured: declaration, judge, texts (en, zh) and recipes."""

from __future__ import annotations

from collections.abc import Iterator

import pendulum

from reliefkit.models import (
    Fund,
)
from reliefkit.rules._core import Context, Severity, Violation
from reliefkit.rules._ledger import ZERO, ledger, target_of
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
    WHAT: "按资金合计判断：各笔支出需要动用非定向捐赠的数额（支付给非指定对象的款项，"
    "加上超出某指定对象所获定向捐赠的部分）不超过非定向捐赠的合计。支出先计入其项目（若为指定对象），否则计入其所在村（本身的村，"
    "否则项目所在村，否则受益户所在村）。CP122 报告该资金超支时，本条让位于 CP122：一个问题只报告一次。",
    WHY: "工作方案要求尊重捐赠人意愿：定向捐赠只能用于其指定的项目或村。",
    EXAMPLE: "资金 F1 只收到定向给项目 J1 的 10,000 元，却向 V2 村的道路支付了 10,000 元。",
    COMPLIANT: "F1 把这 10,000 元支付给 J1，或其他支出来自非定向捐赠。",
}


@PACK.rule(
    cured_by={
        "donations": "admit the disbursement together with the undesignated donation that funds it",
    },
    doc_zh=DOC_ZH,
    code="CP115",
    name="designation-not-honoured",
    severity=Severity.ERROR,
    cites=[
        cite(
            "§二(一)",
            "respect the donor's wishes; directed giving",
            "尊重捐赠人意愿，定向捐赠定向使用",
        )
    ],
    title="Directed (designated) money is spent on something else",
    title_zh="定向捐赠款物未按指定用途使用",
    remedy="Spend directed money only on its designated project or village; restore what was "
    "used elsewhere.",
    remedy_zh="定向款物只能用于指定项目或村，挪用部分须予归还。",
    reads=["funds", "donations", "disbursements", "projects", "households"],
    scope=FUNDS,
    defers_to=["CP122"],
    where=moving_fund,
)
def designation_not_honoured(ctx: Context, fund: Fund) -> Iterator[Violation]:
    """
    What it checks:
    On a fund's totals: the money its disbursements need from undesignated donations
    (payments to anything that is not a designation, plus payments to a designation beyond
    what was given for it) is at most what undesignated donations gave. A disbursement pays
    to its project when that is a designation, else to its village (its own, else its
    project's, else its household's) when that is one. Where CP122 reports the fund (it
    spends more than it received), this rule defers to it: one problem, one finding.

    Why it matters:
    The plan asks that donors' wishes be respected: directed money (定向) serves only its
    project or village.

    Example:
    Fund F1 received 10,000 yuan directed to project J1 and nothing else, and paid 10,000 to
    village V2's road.

    Compliant:
    F1 paid the 10,000 to J1, or other payments came from undesignated gifts.

    References:
    county-plan §二(一).
    """
    fund_id = fund.id
    book = ledger(ctx.view, fund_id)
    needed = book.needed_from_pot
    if needed <= book.undesignated:
        return
    ds = ctx.view
    drawing = [
        b
        for b in ds.disbursements_from(fund_id)
        if (k := target_of(ds, b, book.designated)) is None
        or book.spent.get(k, ZERO) > book.designated[k]
    ]
    unspent = [
        d
        for d in ds.donations_to(fund_id)
        if d.designation is not None
        and book.spent.get(d.designation, ZERO) < book.designated[d.designation]
    ]
    short = needed - book.undesignated
    kept = sorted(
        (k, given, book.spent.get(k, ZERO))
        for k, given in book.designated.items()
        if book.spent.get(k, ZERO) < given
    )
    left = "; ".join(f"{k}: ¥{given:,.2f} given, ¥{spent:,.2f} spent" for k, given, spent in kept)
    left_zh = "；".join(f"{k}：定向 ¥{given:,.2f}，已用 ¥{spent:,.2f}" for k, given, spent in kept)
    yield Violation(
        (fund_id, *ids_of(drawing), *ids_of(unspent)),
        f"Fund {fund_id} spends ¥{short:,.2f} of designated money elsewhere: its disbursements "
        f"need ¥{needed:,.2f} of undesignated money, but undesignated donations gave only "
        f"¥{book.undesignated:,.2f}"
        + (f" (designations not fully spent on: {left})" if kept else "")
        + ".",
        f"资金 {fund_id} 挪用定向捐赠 ¥{short:,.2f}：支出需动用非定向资金 ¥{needed:,.2f}，"
        f"而非定向捐赠仅 ¥{book.undesignated:,.2f}"
        + (f"（未按定向用足：{left_zh}）" if kept else "")
        + "。",
        {
            "needed_from_undesignated": needed,
            "undesignated": book.undesignated,
            "designated": dict(book.designated),
            "spent_on_designations": dict(book.spent),
        },
    )


# ---- recipes: how violating("CP115") breaks this rule --------------------------------------------
@PACK.breaks("CP115")
def spend_designated_money_elsewhere(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """A new fund whose directed money (for poor villages or their projects) is partly spent
    on its designations and partly, with what undesignated money there is, somewhere that
    pays no designation — neither itself, nor through its project's or its household's
    village. It pays out no more than it received, so CP122 stays silent."""
    fund = d.add_fund(draw)
    poor = sorted(v.id for v in d.poor_villages())
    options: list[tuple[str | None, str | None]] = [(None, v) for v in poor]
    options += [
        (p.id, None)
        for p in d.rows("projects")
        if p.village_id in poor and not p.government_obligated
    ]
    chosen = draw.subset(options, 2, min_size=1)
    if draw.booleans():
        chosen.append((d.add_project(draw, draw.pick(poor)).id, None))
    donors = [e.id for e in d.rows("donors")]
    directed: list[str] = []
    slack = 0
    for project, village in chosen:
        given = draw.amount()
        donor = reuse(draw, donors, lambda: d.add_donor(draw).id)
        donation = d.add_donation(
            draw, fund.id, given, donor_id=donor, project_id=project, village_id=village
        )
        directed.append(donation.id)
        spent = draw.integers(0, given - 1)  # within the designation, leaving some
        slack += given - spent
        if spent:
            d.add_disbursement(draw, fund.id, spent, (project, village, None))
    pot = draw.amount(1) if draw.booleans() else 0
    if pot:
        d.add_donation(
            draw, fund.id, pot, donor_id=reuse(draw, donors, lambda: d.add_donor(draw).id)
        )
    elsewhere = d.reaches(draw, avoid=[project or str(village) for project, village in chosen])
    paid = d.add_disbursement(draw, fund.id, draw.integers(pot + 1, pot + slack), elsewhere)
    d.add_audit(draw, fund.id)
    return (fund.id, paid.id, *sorted(directed))


# ---- the statement of the columnar engine --------------------------------------------------------
# Reads the pack's ledger view (declared beside CP122). In reach: ``moving_fund``.
PACK.sql(
    "CP115",
    """
    SELECT f.campaign_id, f.id AS subject_id, l.needed_from_pot > l.undesignated AS flagged
    FROM funds f
    JOIN fund_ledger l ON l.campaign_id = f.campaign_id AND l.fund_id = f.id
    WHERE f.fiscal IS NOT TRUE AND (l.donations > 0 OR l.disbursements > 0)
    """,
)
