"""The donations-law pack itself: its metadata, dated parameters and the helpers its rules share.

Each rule lives in its own module beside this one (``pw201_apportioned_giving.py`` …); the
catalogue is "Pack PW" of ``more-packs.md`` (the domain documents). Two laws are cited, each
clause with its own era: the Public Welfare Donations Law (PWDL, from 1999-09-01; its clauses
carry no end date here, so acts after 2016-09-01 cite them beside the Charity Law's) and the
Charity Law (CL, from 2016-09-01). The spending ratios of PW211 come from the Foundation
Regulations (from 2004-06-01) and, from the Charity Law on, from the civil affairs ministry's
2016 rules (MCA 2016: read in a secondary copy, marked ``V2``; taken to apply from the Charity
Law's first day, the rules' own date not being verified).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import attrs
import pendulum

from reliefkit.models import DateRange, Fund, FundHolder, Money
from reliefkit.rules._core import Citation, Context, Pack
from reliefkit.rules.recipes import Bounds, Draft, Draw

WHAT, WHY, EXAMPLE, COMPLIANT = "What it checks", "Why it matters", "Example", "Compliant"

PWDL_START = pendulum.Date(1999, 9, 1)
"""The Public Welfare Donations Law (公益事业捐赠法) takes effect."""
FOUNDATION_REGS_START = pendulum.Date(2004, 6, 1)
"""The Foundation Regulations (基金会管理条例) take effect."""
CL_START = pendulum.Date(2016, 9, 1)
"""The Charity Law (慈善法) takes effect."""

PWDL = "PWDL"
CL = "CL"
FOUNDATION_REGS = "Foundation Regs"
MCA = "MCA 2016"


def cite(
    source: str,
    clause: str,
    summary: str,
    summary_zh: str,
    *,
    confidence: str = "V",
) -> Citation:
    """A clause of one of the pack's sources, with its era (the day its law took effect) and
    how sure we are of it; the summaries are our own paraphrase, never the statute's words."""
    since = {
        PWDL: PWDL_START,
        CL: CL_START,
        FOUNDATION_REGS: FOUNDATION_REGS_START,
        MCA: CL_START,
    }[source]
    return Citation(source, clause, summary, summary_zh, DateRange(since), confidence)


PACK = Pack(
    name="donations-law",
    prefix="PW",
    title="Public Welfare Donations Law (1999) and Charity Law (2016)",
    title_zh="公益事业捐赠法（1999）与慈善法（2016）",
    source="Public Welfare Donations Law of 1999 (from 1999-09-01); Charity Law of 2016 "
    "(from 2016-09-01); Foundation Regulations of 2004; MCA rules on charities' spending (2016)",
    in_force=DateRange(PWDL_START),
)


# ---- checks of overrides -------------------------------------------------------------------
def _share(value: Decimal) -> None:
    if not isinstance(value, Decimal) or not Decimal(0) <= value <= Decimal(1):
        raise ValueError("expected a Decimal share from 0 to 1, like Decimal('0.70')")


def _non_negative(value: int) -> None:
    if value < 0:
        raise ValueError("expected a count of zero or more")


def _positive(value: int) -> None:
    if value < 1:
        raise ValueError("expected a count of one or more")


def _bands(value: tuple[tuple[Decimal, Decimal, Decimal, Decimal], ...]) -> None:
    for band in value:
        if len(band) != 4 or not all(isinstance(x, Decimal) for x in band):
            raise ValueError(
                "expected bands (net assets from, share of net assets, share of previous "
                "income, admin cap), four Decimals each"
            )
        for share in band[1:]:
            _share(share)


def _admin_base(value: str) -> None:
    if value not in ("total", "spending"):
        raise ValueError("expected 'total' (spending plus admin costs) or 'spending'")


# ---- parameters ----------------------------------------------------------------------------
PACK.parameter(
    "government_donee_bases",
    frozenset({"natural_disaster", "overseas_request"}),
    source=cite(
        PWDL,
        "Art.11",
        "a government body receives donations only in a disaster or at an overseas donor's request",
        "政府及部门仅在自然灾害或境外捐赠人要求时方可作受赠人，且限县级以上",
    ),
    doc="Reasons (funds.government_basis) for which a county-level government body may be "
    "the donee (PW202).",
    since="1999-09-01",
)
PACK.parameter(
    "construction_report_days",
    0,
    source=cite(
        PWDL,
        "Art.13",
        "on completion the donee reports construction, money and acceptance to the donor",
        "工程竣工后受赠单位向捐赠人通报建设、资金使用和验收情况",
        confidence="I",
    ),
    doc="Days after a donated construction's completion by which the donor has its report "
    "(PW205); the law names no period, so 0 reads 'on completion'.",
    confidence="I",
    since="1999-09-01",
    check=_non_negative,
)
ART72 = cite(
    CL,
    "Art.72",
    "fundraising over six months discloses every three months, and in full within three "
    "months of its end",
    "公开募捐周期超过六个月的至少每三个月公开一次，结束后三个月内全面公开",
)
PACK.parameter(
    "disclosure_after_months",
    6,
    source=ART72,
    doc="Fundraising running longer than this many months discloses as it goes (PW209; read "
    "for acts from 2016-09-01).",
    since="1999-09-01",
    check=_positive,
)
PACK.parameter(
    "disclosure_every_months",
    3,
    source=ART72,
    doc="It then discloses at least once every this many months (PW209).",
    since="1999-09-01",
    check=_positive,
)
PACK.parameter(
    "final_disclosure_months",
    3,
    source=ART72,
    doc="Months after fundraising ends by which the full disclosure is made (PW209).",
    since="1999-09-01",
    check=_non_negative,
)

# PW211: spending ratios, era by era. A floor of 0, a cap of 1 or no bands means no
# requirement in that era (so an override keeps the type of every era).
_NONE = Decimal(0)
_ALL = Decimal(1)
Band = tuple[Decimal, Decimal, Decimal, Decimal]
"""(net assets from, share of net assets, share of previous income, admin cap)."""

_NO_RATIO = cite(
    FOUNDATION_REGS,
    "Art.29",
    "spending ratios of foundations (none before these regulations)",
    "基金会公益支出比例（本条例施行前未规定）",
    confidence="I",
)
_ART29 = cite(
    FOUNDATION_REGS,
    "Art.29",
    "a public-fundraising foundation spends 70% of last year's income; admin at most 10%",
    "公募基金会年度公益支出不低于上年总收入70%，工作人员工资福利和行政办公支出不超过10%",
)
_ART29_NON_PUBLIC = cite(
    FOUNDATION_REGS,
    "Art.29",
    "a non-public foundation spends 8% of last year's fund balance; admin at most 10%",
    "非公募基金会年度公益支出不低于上年基金余额8%，行政支出不超过10%",
    confidence="R",
)
_OTHER_BEFORE_CL = cite(
    FOUNDATION_REGS,
    "Art.29",
    "binds foundations only: no ratio for other charities before the Charity Law",
    "仅约束基金会：慈善法施行前其他组织无支出比例",
    confidence="I",
)
_ART60 = cite(
    CL,
    "Art.60",
    "a public-fundraising foundation spends 70% of last year's income; admin at most 10%",
    "具有公开募捐资格的基金会年度支出不低于上年总收入70%，管理费用不超过当年总支出10%",
)
_MCA = cite(
    MCA,
    "spending ratios",
    "spending and admin-cost ratios of other charities, by qualification and net assets",
    "其他慈善组织按募捐资格和净资产确定的年度支出和管理费用比例",
    confidence="V2",
)


def _eras(
    name: str,
    doc: str,
    check: Any,
    eras: Iterable[tuple[Any, Citation, str, str, str | None]],
) -> None:
    for value, source, confidence, since, until in eras:
        PACK.parameter(
            name,
            value,
            source=source,
            doc=doc,
            confidence=confidence,
            since=since,
            until=until,
            check=check,
        )


_BEFORE_FR = ("1999-09-01", "2004-05-31")
_FR = ("2004-06-01", "2016-08-31")

_eras(
    "spending_floor_public_foundation",
    "Least share of last year's income a public-fundraising foundation spends (PW211).",
    _share,
    [
        (_NONE, _NO_RATIO, "I", *_BEFORE_FR),
        (Decimal("0.70"), _ART29, "V", *_FR),
        (Decimal("0.70"), _ART60, "V", "2016-09-01", None),
    ],
)
_eras(
    "admin_cap_public_foundation",
    "Largest share of its spending a public-fundraising foundation's admin costs take (PW211).",
    _share,
    [
        (_ALL, _NO_RATIO, "I", *_BEFORE_FR),
        (Decimal("0.10"), _ART29, "V", *_FR),
        (Decimal("0.10"), _ART60, "V", "2016-09-01", None),
    ],
)
_eras(
    "spending_floor_public_charity",
    "Least share of last year's income another public-fundraising charity spends (PW211).",
    _share,
    [
        (_NONE, _NO_RATIO, "I", *_BEFORE_FR),
        (_NONE, _OTHER_BEFORE_CL, "I", *_FR),
        (Decimal("0.70"), _MCA, "V2", "2016-09-01", None),
    ],
)
_eras(
    "admin_cap_public_charity",
    "Largest share of its spending another public-fundraising charity's admin costs take (PW211).",
    _share,
    [
        (_ALL, _NO_RATIO, "I", *_BEFORE_FR),
        (_ALL, _OTHER_BEFORE_CL, "I", *_FR),
        (Decimal("0.13"), _MCA, "V2", "2016-09-01", None),
    ],
)


def _band(assets: int, share_assets: str, share_income: str, cap: str) -> Band:
    return (Decimal(assets), Decimal(share_assets), Decimal(share_income), Decimal(cap))


MCA_BANDS: tuple[Band, ...] = (
    _band(10_000_000, "0.06", "0", "0.13"),
    _band(5_000_000, "0.07", "0", "0.14"),
    _band(1_000_000, "0.08", "0", "0.15"),
    _band(0, "0.08", "0.50", "0.20"),
)
"""The MCA 2016 table for charities without public fundraising, by last year's net assets."""

_BANDS_DOC = (
    "Bands of a {who} without public fundraising (PW211): (net assets from, least share of "
    "net assets spent, least share of last year's income spent, largest admin share of "
    "spending); the band of the largest 'from' not above its net assets applies."
)
_eras(
    "spending_bands_non_public_foundation",
    _BANDS_DOC.format(who="foundation"),
    _bands,
    [
        ((), _NO_RATIO, "I", *_BEFORE_FR),
        ((_band(0, "0.08", "0", "0.10"),), _ART29_NON_PUBLIC, "R", *_FR),
        (MCA_BANDS, _MCA, "V2", "2016-09-01", None),
    ],
)
_eras(
    "spending_bands_non_public_charity",
    _BANDS_DOC.format(who="charity (not a foundation)"),
    _bands,
    [
        ((), _NO_RATIO, "I", *_BEFORE_FR),
        ((), _OTHER_BEFORE_CL, "I", *_FR),
        (MCA_BANDS, _MCA, "V2", "2016-09-01", None),
    ],
)
_eras(
    "admin_cap_exempt_below",
    "Admin costs below this amount are not held to an admin cap (PW211).",
    None,
    [
        (Money(0), _NO_RATIO, "I", *_BEFORE_FR),
        (Money(0), _ART29, "V", *_FR),
        (Money(200_000), _MCA, "V2", "2016-09-01", None),
    ],
)
PACK.parameter(
    "admin_cap_base",
    "total",
    source=cite(
        CL,
        "Art.60",
        "admin costs are a share of the year's total spending",
        "管理费用按当年总支出的比例计算",
        confidence="I",
    ),
    doc="What an admin cap is a share of (PW211): 'total' (spending plus admin costs, the "
    "year's total expenditure) or 'spending' (charitable spending alone).",
    confidence="I",
    since="1999-09-01",
    check=_admin_base,
)


# ---- shared helpers ------------------------------------------------------------------------
def ids_of(records: Iterable[Any]) -> tuple[str, ...]:
    """The records' ids, sorted."""
    return tuple(sorted(r.id for r in records))


def yuan(amount: Money | Decimal) -> str:
    """An amount as ``¥1,234.50``."""
    value = amount.yuan if isinstance(amount, Money) else amount
    return f"¥{value:,.2f}"


def percent(share: Decimal) -> str:
    """A share as ``70%`` (or ``7.5%``)."""
    return f"{(share * 100).normalize():f}%"


def fund_with_donations(ctx: Context, fund: Fund) -> bool:
    """A fund that received donations."""
    return ctx.view.has_group("donations_by_fund", fund.id)


GOVERNMENT_HOLDERS = frozenset({FundHolder.TOWNSHIP_GOVERNMENT, FundHolder.DEPARTMENT})
"""Holders that are government bodies."""


# ---- recipes of the Charity Law's rules ----------------------------------------------------
CL_CAMPAIGN_END = pendulum.Date(2016, 12, 31)


def charity_law_acts(bounds: Bounds) -> str | None:
    """Why a Charity-Law rule cannot be broken on ``as_of`` (``None`` when it can)."""
    if bounds.as_of < CL_START:
        return (
            "the Charity Law judges acts from 2016-09-01 on: check as of that day or later "
            "(as_of='2016-12-31')"
        )
    return None


def run_into_charity_law(draw: Draw, d: Draft, as_of: pendulum.Date) -> None:
    """Make the draft's campaign run past 2016-09-01 (generated campaigns end in 2015), to a
    day by ``as_of`` when that falls in 2016; no other record changes."""
    if d.campaign.ends_on < CL_START:
        last = max(CL_START, min(as_of, CL_CAMPAIGN_END))
        d.campaign = attrs.evolve(d.campaign, ends_on=draw.day(CL_START, last))


def day_under_charity_law(draw: Draw, d: Draft, as_of: pendulum.Date) -> pendulum.Date:
    """A day of the campaign under the Charity Law, on or before ``as_of`` (the campaign is
    first made to run past 2016-09-01)."""
    run_into_charity_law(draw, d, as_of)
    return draw.day(CL_START, max(CL_START, min(as_of, d.campaign.ends_on)))
