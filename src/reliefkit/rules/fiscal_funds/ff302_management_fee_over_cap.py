"""Rule FF302, management-fee-over-cap: declaration, judge, texts (en, zh) and recipes."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import ROUND_FLOOR, Decimal

import pendulum

from reliefkit.models import Disbursement, Fund, Money
from reliefkit.rules._core import Context, Severity, Violation
from reliefkit.rules.fiscal_funds._pack import (
    COMPLIANT,
    EXAMPLE,
    GENERATED_FIRST_DAY,
    PACK,
    REGIME_2017,
    WHAT,
    WHY,
    allocated_fiscal_fund,
    ids_of,
    into_2017,
    listed_for,
    measures_2017,
    percent,
)
from reliefkit.rules.recipes import Bounds, Draft, Draw, Subjects
from reliefkit.rules.scopes import FUNDS

DOC_ZH: dict[str, str] = {
    WHAT: "2017 年起，有拨款额（``allocated``）的财政资金，其用途为项目管理费"
    "（``management_fee``）的支出合计不超过拨款额的 1%（参数）。只计 2017-01-01 及以后"
    "的支出；没有拨款额的资金不在本规则范围内。",
    WHY: "2017 年办法限定项目管理费的比例，保证财政扶贫资金用在项目上。",
    EXAMPLE: "拨款 100,000 元的财政资金 F3 在 2017 年支付项目管理费 B4 800 元、B5 700 元，"
    "合计 1,500 元，超过上限 1,000 元。",
    COMPLIANT: "F3 的项目管理费合计 1,000 元。",
}


def fees_judged(ctx: Context, fund: Fund) -> list[Disbursement]:
    """The fund's management-fee disbursements dated from 2017-01-01 on, by id."""
    names = ctx.param("management_fee_purposes")
    return sorted(
        (
            d
            for d in ctx.view.disbursements_from(fund.id)
            if d.on in REGIME_2017 and (d.purpose or "").strip().lower() in names
        ),
        key=lambda d: d.id,
    )


def cap_fen(allocated: Money, share: Decimal) -> int:
    """The most a fund may pay in fees, in whole fen (a fee is within the share of the
    allocation exactly when it is within this)."""
    return int((Decimal(allocated.in_fen) * share).to_integral_value(rounding=ROUND_FLOOR))


@PACK.rule(
    doc_zh=DOC_ZH,
    code="FF302",
    name="management-fee-over-cap",
    severity=Severity.ERROR,
    cites=[
        measures_2017(
            "Art.9",
            "project management fees at most 1% of the fund",
            "项目管理费不超过资金的 1%",
            confidence="V2",
        )
    ],
    title="A fiscal fund's project management fees exceed their share of its allocation",
    title_zh="财政资金的项目管理费超过拨款额的规定比例",
    remedy="Return the fees above the cap to the fund, or pay them from another budget.",
    remedy_zh="将超出上限的管理费退回资金，或改由其他经费支付。",
    reads=["funds", "disbursements"],
    scope=FUNDS,
    where=allocated_fiscal_fund,
    params=["management_fee_purposes", "management_fee_share"],
    in_force=REGIME_2017,
)
def management_fee_over_cap(ctx: Context, fund: Fund) -> Iterator[Violation]:
    """
    What it checks:
    From 2017, the disbursements of a fiscal fund with a recorded allocation whose purpose is
    a project management fee (``management_fee``) total at most 1% (a parameter) of the
    allocation. Only disbursements dated from 2017-01-01 on count; a fund without an
    allocation is not judged.

    Why it matters:
    The 2017 measures cap project management fees so that fiscal relief money goes to the
    projects themselves.

    Example:
    Fiscal fund F3, allocated 100,000 yuan, pays management fees B4 (800) and B5 (700) in
    2017: 1,500 yuan, above the cap of 1,000.

    Compliant:
    F3's management fees total 1,000 yuan.

    References:
    财农〔2017〕8号 Art.9.
    """
    fees = fees_judged(ctx, fund)
    if not fees or fund.allocated is None:
        return
    last = max(d.on for d in fees)
    share: Decimal = PACK.param_on(ctx, "management_fee_share", last)
    total = sum((d.amount for d in fees), Money.zero())
    cap = Money.fen(cap_fen(fund.allocated, share))
    if total <= cap:
        return
    over = total - cap
    ids = ids_of(fees)
    listed = ", ".join(ids)
    shown = percent(share)
    yield Violation(
        (fund.id, *ids),
        f"Fiscal fund {fund.id} paid {total} in project management fees ({listed}) from "
        f"2017-01-01 on: more than {shown} of its allocation {fund.allocated} (at most "
        f"{cap}), by {over}.",
        f"财政资金 {fund.id} 自 2017-01-01 起支付项目管理费 {total}（{listed}），超过拨款额 "
        f"{fund.allocated} 的 {shown}（上限 {cap}），超出 {over}。",
        {"fees": total, "allocated": fund.allocated, "share": str(share), "cap": cap},
        on=last,
    )


# ---- recipes: how violating("FF302") breaks this rule --------------------------------------------
def _no_fee_to_plant(bounds: Bounds) -> str | None:
    """Why no fee can be planted (``None`` when one can)."""
    names = bounds.params.get("management_fee_purposes", frozenset({"management_fee"}))
    listed = listed_for(
        bounds.params.get("negative_list", frozenset()),
        GENERATED_FIRST_DAY,
        REGIME_2017.starts_on,
    )
    if not set(names) - set(listed):
        return "every management-fee purpose is on the 2017 negative list (FF301 would report)"
    if bounds.params.get("audit_due", "campaign_end") != "campaign_end":
        return (
            "the recipe runs the campaign on into 2017, and audits due on a month-day of its "
            "first year could not cover the 2017 fees (FF304 would report)"
        )
    return None


@PACK.breaks("FF302", impossible=_no_fee_to_plant)
def overpay_management(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """The campaign runs on into 2017, and a new fiscal fund (allocated, audited) pays
    project management fees in 2017 above its share of the allocation, in one or two
    disbursements."""
    first = d.campaign.starts_on
    d.campaign = into_2017(d.campaign)
    start = pendulum.Date(2017, 1, 1)
    listed = listed_for(d.param("negative_list"), first, start)
    purpose = draw.pick(sorted(set(d.param("management_fee_purposes")) - set(listed)))
    allocated = draw.amount(100_000, 100_000_000)
    fund = d.add_fund(draw)
    fund = d.replace(fund, fiscal=True, allocated=Money.fen(allocated))
    total = cap_fen(Money.fen(allocated), d.param("management_fee_share"))
    total += draw.integers(1, 1_000_000)
    amounts = [total]
    if total > 1 and draw.booleans():
        part = draw.integers(1, total - 1)
        amounts = [part, total - part]
    ids = []
    for amount in amounts:
        paid = d.add(
            Disbursement(
                id=d.new_id("B"),
                fund_id=fund.id,
                amount=Money.fen(amount),
                purpose=purpose,
                on=draw.day(start, pendulum.Date(2017, 12, 20)),
            )
        )
        ids.append(paid.id)
    d.add_audit(draw, fund.id)  # FF304: a fiscal fund is audited
    return (fund.id, *sorted(ids))


# ---- the statement of the columnar engine --------------------------------------------------------
# Reach: a fiscal fund with an allocation. Flagged: its management fees dated within the
# rule's era (``fees_judged``: the era is REGIME_2017) total more than the cap, the share in
# force on the last fee's day (``param_on``; the resolved value when no era covers it) of
# the allocation. ``total > floor(allocated_fen × share)`` holds exactly when
# ``allocated × share < total`` (the total is a whole number of fen).
PACK.sql(
    "FF302",
    """
    WITH fees AS (
        SELECT b.campaign_id, b.fund_id, SUM(b.amount) AS total, MAX(b."on") AS last_day
        FROM disbursements b
        JOIN rule_eras r ON r.code = 'FF302'
        JOIN param_items i
            ON i.campaign_id = b.campaign_id
            AND i.name = 'management_fee_purposes'
            AND i.item = lower(trim(COALESCE(b.purpose, '')))
        WHERE r.since <= b."on" AND (r.until IS NULL OR b."on" <= r.until)
        GROUP BY b.campaign_id, b.fund_id
    )
    SELECT f.campaign_id, f.id AS subject_id,
        fe.fund_id IS NOT NULL
            AND f.allocated * COALESCE(
                CAST(e.value AS DECIMAL(38, 18)),
                CAST(p.management_fee_share AS DECIMAL(38, 18))
            ) < fe.total AS flagged
    FROM funds f
    JOIN params p ON p.campaign_id = f.campaign_id
    LEFT JOIN fees fe ON fe.campaign_id = f.campaign_id AND fe.fund_id = f.id
    LEFT JOIN param_eras e
        ON e.campaign_id = f.campaign_id
        AND e.name = 'management_fee_share'
        AND (e.since IS NULL OR e.since <= fe.last_day)
        AND (e.until IS NULL OR fe.last_day <= e.until)
    WHERE f.fiscal IS TRUE AND f.allocated IS NOT NULL
    """,
)
