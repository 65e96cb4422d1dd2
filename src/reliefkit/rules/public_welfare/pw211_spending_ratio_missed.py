"""Rule PW211, spending-ratio-missed: declaration, judge, texts (en, zh) and recipes."""

from __future__ import annotations

import math
from collections.abc import Iterator
from decimal import Decimal

import pendulum

from reliefkit.models import DateRange, Fund, FundHolder, Money
from reliefkit.rules._core import Context, Severity, Violation
from reliefkit.rules.public_welfare._pack import (
    CL,
    COMPLIANT,
    EXAMPLE,
    FOUNDATION_REGS,
    FOUNDATION_REGS_START,
    GOVERNMENT_HOLDERS,
    MCA,
    PACK,
    WHAT,
    WHY,
    Band,
    cite,
    percent,
    yuan,
)
from reliefkit.rules.recipes import Bounds, Draft, Draw, Subjects
from reliefkit.rules.scopes import FUNDS

DOC_ZH: dict[str, str] = {
    WHAT: "登记了本年慈善支出（``spending``）和公开募捐资格（``public_fundraising``）"
    "的非政府持有者："
    "具有公开募捐资格的基金会年度支出不低于上年总收入（``previous_income``）的 70%，"
    "管理费用（``admin_costs``）不超过当年总支出的 10%；其他具有公开募捐资格的慈善组织为 70% / 13%"
    "（2016 年 9 月 1 日起）；不具有公开募捐资格的按上年末净资产（``net_assets``）分档"
    "（民政部 2016 年规定，二手资料）：1000 万元以上 6% / 13%，500–1000 万 7% / 14%，"
    "100–500 万 8% / 15%，100 万以下 8% 且不低于上年收入 50% / 20%。"
    "管理费用低于 20 万元的不受比例限制。"
    "2016 年 9 月 1 日前只约束基金会（基金会管理条例第二十九条）。"
    "比例、分档和起点均为按时期的参数，取活动首日的时期；缺少所需数额的部分不判断。",
    WHY: "慈善组织应把募得财产主要用于慈善目的，并控制管理费用；"
    "基金会管理条例和慈善法规定了年度支出和管理费用的比例。",
    EXAMPLE: "2015 年公募基金会 F6 上年收入 1,000 万元，本年公益支出 500 万元（低于 700 万元）。",
    COMPLIANT: "F6 本年公益支出 720 万元，管理费用 60 万元。",
}


def reports_spending(ctx: Context, fund: Fund) -> bool:
    """A fund whose (non-government) holder's spending and qualification are recorded."""
    return (
        fund.spending is not None
        and fund.public_fundraising is not None
        and fund.holder not in GOVERNMENT_HOLDERS
    )


def band_for(bands: tuple[Band, ...], net_assets: Decimal) -> Band | None:
    """The band of the largest lower bound not above ``net_assets``."""
    fitting = [b for b in bands if b[0] <= net_assets]
    return max(fitting, key=lambda b: b[0], default=None)


def _kind_of(fund: Fund) -> tuple[str, str]:
    public = "public" if fund.public_fundraising else "non_public"
    holder = "foundation" if fund.foundation is True else "charity"
    return public, holder


@PACK.rule(
    doc_zh=DOC_ZH,
    code="PW211",
    name="spending-ratio-missed",
    severity=Severity.WARNING,
    cites=[
        cite(
            FOUNDATION_REGS,
            "Art.29",
            "foundations spend a share of last year's income or balance; admin costs are capped",
            "基金会年度公益支出不低于规定比例，工资福利和行政办公支出有上限",
        ),
        cite(
            CL,
            "Art.60",
            "a charity spends a share of last year's income (70% for public-fundraising "
            "foundations) and caps admin costs (10% of the year's spending)",
            "慈善组织年度支出和管理费用符合比例（公募基金会不低于上年收入70%，管理费用不超过10%）",
        ),
        cite(
            MCA,
            "spending ratios",
            "the ratios of other charities, by qualification and net assets; small admin "
            "costs are exempt",
            "其他慈善组织按资格和净资产确定比例；管理费用较少的不受比例限制",
            confidence="V2",
        ),
    ],
    title="A charity spent too little of its income or assets, or too much on administration",
    title_zh="慈善组织年度支出不足或管理费用超标",
    remedy="Spend at least the required share on charitable purposes and keep administration "
    "within its cap (a three-year average of income may replace last year's: record it).",
    remedy_zh="年度慈善支出达到规定比例，管理费用控制在上限内（可按前三年收入平均数计算）。",
    reads=["funds"],
    scope=FUNDS,
    where=reports_spending,
    in_force=DateRange(FOUNDATION_REGS_START),
    params=[
        "spending_floor_public_foundation",
        "admin_cap_public_foundation",
        "spending_floor_public_charity",
        "admin_cap_public_charity",
        "spending_bands_non_public_foundation",
        "spending_bands_non_public_charity",
        "admin_cap_exempt_below",
        "admin_cap_base",
    ],
)
def spending_ratio_missed(ctx: Context, fund: Fund) -> Iterator[Violation]:
    """
    What it checks:
    For a fund whose holder (not a government body) reports its charitable spending of the
    year (``spending``) and whether it may raise from the public (``public_fundraising``):
    a public-fundraising foundation (``foundation`` true) spends at least 70% of last
    year's income (``previous_income``) and keeps administration (``admin_costs``) within
    10% of the year's total spending; from 2016-09-01 another public-fundraising charity
    spends 70% and keeps administration within 13%, and a charity without public
    fundraising is banded by last year's net assets (``net_assets``): from 10 million yuan
    6% of net assets / 13%; 5–10 million 7% / 14%; 1–5 million 8% / 15%; under 1 million
    8% and 50% of last year's income / 20%. Admin costs under 200,000 yuan are not capped.
    Before 2016-09-01 only foundations are bound. Shares, bands and the exemption are
    parameters with eras (the era of the campaign's first day applies); a part whose
    amounts are not recorded is not judged.

    Why it matters:
    Raised money is for charitable purposes: the Foundation Regulations and the Charity Law
    set a least share spent each year and a cap on administration.

    Example:
    In 2015 public-fundraising foundation F6 had 10 million yuan of income the year before
    and spent 5 million (7 million due).

    Compliant:
    F6 spent 7.2 million, with 600,000 of administration.

    References:
    Foundation Regs Art.29; CL Art.60 (from 2016-09-01); MCA 2016 (from 2016-09-01, read
    in a secondary copy).
    """
    public, holder = _kind_of(fund)
    spent = fund.spending.yuan if fund.spending is not None else Decimal(0)
    floor_income = floor_assets = Decimal(0)
    cap = Decimal(1)
    band: Band | None = None
    if public == "public":
        floor_income = ctx.param(f"spending_floor_public_{holder}")
        cap = ctx.param(f"admin_cap_public_{holder}")
    elif fund.net_assets is not None:
        band = band_for(ctx.param(f"spending_bands_non_public_{holder}"), fund.net_assets.yuan)
        if band is not None:
            _, floor_assets, floor_income, cap = band
    lacks: list[str] = []
    lacks_zh: list[str] = []
    evidence: dict[str, object] = {"spending": fund.spending, "band": band}
    if floor_income > 0 and fund.previous_income is not None:
        due = floor_income * fund.previous_income.yuan
        evidence["due_of_income"] = due
        if spent < due:
            lacks.append(
                f"spent {yuan(spent)}, less than {percent(floor_income)} of last year's "
                f"income {fund.previous_income} ({yuan(due)})"
            )
            lacks_zh.append(
                f"支出 {yuan(spent)}，低于上年收入 {fund.previous_income} 的 "
                f"{percent(floor_income)}（{yuan(due)}）"
            )
    if floor_assets > 0 and fund.net_assets is not None:
        due = floor_assets * fund.net_assets.yuan
        evidence["due_of_net_assets"] = due
        if spent < due:
            lacks.append(
                f"spent {yuan(spent)}, less than {percent(floor_assets)} of last year's net "
                f"assets {fund.net_assets} ({yuan(due)})"
            )
            lacks_zh.append(
                f"支出 {yuan(spent)}，低于上年末净资产 {fund.net_assets} 的 "
                f"{percent(floor_assets)}（{yuan(due)}）"
            )
    admin = fund.admin_costs
    exempt: Money = ctx.param("admin_cap_exempt_below")
    if cap < 1 and admin is not None and admin >= exempt:
        total = ctx.param("admin_cap_base") == "total"
        base = spent + admin.yuan if total else spent
        allowed = cap * base
        evidence["admin_allowed"] = allowed
        if admin.yuan > allowed:
            of = "total spending" if total else "charitable spending"
            of_zh = "当年总支出" if total else "慈善支出"
            lacks.append(
                f"administration cost {admin}, more than {percent(cap)} of {of} "
                f"{yuan(base)} ({yuan(allowed)})"
            )
            lacks_zh.append(
                f"管理费用 {admin}，超过{of_zh} {yuan(base)} 的 {percent(cap)}（{yuan(allowed)}）"
            )
    if not lacks:
        return
    what = {
        ("public", "foundation"): ("public-fundraising foundation", "公募基金会"),
        ("public", "charity"): ("public-fundraising charity", "具有公开募捐资格的慈善组织"),
        ("non_public", "foundation"): ("non-public foundation", "非公募基金会"),
        ("non_public", "charity"): (
            "charity without public fundraising",
            "无公开募捐资格的慈善组织",
        ),
    }[(public, holder)]
    yield Violation(
        (fund.id,),
        f"The holder of fund {fund.id}, a {what[0]}, missed its spending ratios: "
        f"{'; '.join(lacks)}.",
        f"资金 {fund.id} 的持有者（{what[1]}）未达支出比例：{'；'.join(lacks_zh)}。",
        evidence,
        on=PACK.first_day(ctx.campaign),
    )


# ---- recipes: how violating("PW211") breaks this rule --------------------------------------
def _no_ratio(bounds: Bounds) -> str | None:
    floor = bounds.params.get("spending_floor_public_foundation", Decimal(0))
    cap = bounds.params.get("admin_cap_public_foundation", Decimal(1))
    if floor <= 0 and cap >= 1:
        return "the parameters set no spending floor and no admin cap for foundations"
    return None


@PACK.breaks("PW211", impossible=_no_ratio)
def spend_too_little(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """A public-fundraising foundation's fund (bound from the Foundation Regulations on) whose
    holder spent less than its share of last year's income, or spent more than its cap on
    administration (admin costs not exempt)."""
    fund = d.add_fund(draw)
    floor = d.param("spending_floor_public_foundation")
    cap = d.param("admin_cap_public_foundation")
    income = Decimal(draw.integers(100_000, 50_000_000))
    if floor > 0 and (cap >= 1 or draw.booleans()):
        spent = Decimal(draw.integers(0, math.ceil(floor * income) - 1))
        changes: dict[str, object] = {"previous_income": Money(income), "spending": Money(spent)}
    else:
        spent = Decimal(draw.integers(100_000, 50_000_000))
        exempt = d.param("admin_cap_exempt_below").yuan
        total = d.param("admin_cap_base") == "total"
        # admin > cap × (spent + admin) ⇔ admin × (1 − cap) > cap × spent
        over = cap * spent / (1 - cap) if total else cap * spent
        admin = max(math.floor(over) + 1, math.ceil(exempt))
        changes = {"spending": Money(spent), "admin_costs": Money(draw.integers(admin, admin * 2))}
    d.replace(fund, holder=FundHolder.CHARITY, foundation=True, public_fundraising=True, **changes)
    return (fund.id,)


# ---- the statement of the columnar engine --------------------------------------------------
# The bands are list parameters of tuples: ``param_items`` holds each band's four numbers as
# its parts 0-3, at the band's place in the list (``pos``). ``band_for`` takes the first band
# (in the list's order) of the largest lower bound not above the net assets.
_D = "DECIMAL(38, 12)"

PACK.sql(
    "PW211",
    f"""
    WITH bands AS (
        SELECT
            campaign_id,
            name = 'spending_bands_non_public_foundation' AS foundation,
            pos,
            MAX(CASE WHEN part = 0 THEN CAST(item AS {_D}) END) AS assets_from,
            MAX(CASE WHEN part = 1 THEN CAST(item AS {_D}) END) AS share_assets,
            MAX(CASE WHEN part = 2 THEN CAST(item AS {_D}) END) AS share_income,
            MAX(CASE WHEN part = 3 THEN CAST(item AS {_D}) END) AS cap
        FROM param_items
        WHERE name IN ('spending_bands_non_public_foundation', 'spending_bands_non_public_charity')
        GROUP BY campaign_id, name, pos
    ),
    judged AS (
        SELECT f.*
        FROM funds f
        WHERE f.spending IS NOT NULL
            AND f.public_fundraising IS NOT NULL
            AND f.holder NOT IN ('township_government', 'department')
    ),
    fitting AS (
        SELECT f.campaign_id, f.id, b.pos, b.assets_from, b.share_assets, b.share_income, b.cap
        FROM judged f
        JOIN bands b
            ON b.campaign_id = f.campaign_id
            AND b.foundation = (f.foundation IS TRUE)
            AND b.assets_from <= f.net_assets
        WHERE f.public_fundraising IS FALSE
    ),
    top AS (
        SELECT campaign_id, id, MAX(assets_from) AS assets_from
        FROM fitting
        GROUP BY campaign_id, id
    ),
    first AS (
        SELECT x.campaign_id, x.id, MIN(x.pos) AS pos
        FROM fitting x
        JOIN top t
            ON t.campaign_id = x.campaign_id AND t.id = x.id AND t.assets_from = x.assets_from
        GROUP BY x.campaign_id, x.id
    ),
    chosen AS (
        SELECT x.campaign_id, x.id, x.share_assets, x.share_income, x.cap
        FROM fitting x
        JOIN first t ON t.campaign_id = x.campaign_id AND t.id = x.id AND t.pos = x.pos
    ),
    shares AS (
        SELECT
            f.campaign_id,
            f.id,
            f.spending,
            f.previous_income,
            f.net_assets,
            f.admin_costs,
            p.admin_cap_exempt_below AS exempt,
            p.admin_cap_base = 'total' AS of_total,
            CASE
                WHEN f.public_fundraising AND f.foundation IS TRUE
                    THEN CAST(p.spending_floor_public_foundation AS {_D})
                WHEN f.public_fundraising THEN CAST(p.spending_floor_public_charity AS {_D})
                ELSE COALESCE(c.share_income, CAST(0 AS {_D}))
            END AS floor_income,
            CASE
                WHEN f.public_fundraising THEN CAST(0 AS {_D})
                ELSE COALESCE(c.share_assets, CAST(0 AS {_D}))
            END AS floor_assets,
            CASE
                WHEN f.public_fundraising AND f.foundation IS TRUE
                    THEN CAST(p.admin_cap_public_foundation AS {_D})
                WHEN f.public_fundraising THEN CAST(p.admin_cap_public_charity AS {_D})
                ELSE COALESCE(c.cap, CAST(1 AS {_D}))
            END AS cap
        FROM judged f
        JOIN params p ON p.campaign_id = f.campaign_id
        LEFT JOIN chosen c ON c.campaign_id = f.campaign_id AND c.id = f.id
    )
    SELECT
        s.campaign_id,
        s.id AS subject_id,
        (s.floor_income > 0 AND s.previous_income IS NOT NULL
            AND s.spending < s.floor_income * s.previous_income)
        OR (s.floor_assets > 0 AND s.net_assets IS NOT NULL
            AND s.spending < s.floor_assets * s.net_assets)
        OR (s.cap < 1 AND s.admin_costs IS NOT NULL AND s.admin_costs >= s.exempt
            AND s.admin_costs > s.cap * (
                CASE WHEN s.of_total THEN s.spending + s.admin_costs ELSE s.spending END
            )) AS flagged
    FROM shares s
    """,
)
