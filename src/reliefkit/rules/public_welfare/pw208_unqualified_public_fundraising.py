"""Rule PW208, unqualified-public-fundraising: declaration, judge, texts (en, zh) and
recipes."""

from __future__ import annotations

from collections.abc import Iterator

import pendulum

from reliefkit.models import Activity, DateRange, Donation, Fund, FundHolder
from reliefkit.rules._core import Context, Severity, Violation
from reliefkit.rules.public_welfare._pack import (
    CL,
    CL_START,
    COMPLIANT,
    EXAMPLE,
    GOVERNMENT_HOLDERS,
    PACK,
    WHAT,
    WHY,
    charity_law_acts,
    cite,
    day_under_charity_law,
)
from reliefkit.rules.public_welfare._scopes import DRIVES
from reliefkit.rules.recipes import Draft, Draw, Subjects

DOC_ZH: dict[str, str] = {
    WHAT: "2016 年 9 月 1 日起面向社会公众的募捐活动（``public`` 为是）只能募集到有公开募捐资格的"
    "慈善组织持有的资金：活动指定的资金（``fund_id``）和活动中捐赠所进入的资金，其持有者须具备"
    "公开募捐资格（``public_fundraising`` 为是），且不是政府机关。不具备资格的组织者（如政府单位）"
    "须与有资格的慈善组织合作，由后者管理款物。资格未记录的非政府资金、以及不知进入哪个资金的活动不判断。",
    WHY: "慈善法规定开展公开募捐须取得公开募捐资格；"
    "不具备资格的组织或个人可与具有资格的慈善组织合作，由该慈善组织开展募捐并管理募得款物。",
    EXAMPLE: "2016 年 10 月 10 日乡镇 T1 的公开募捐活动 DR5 把善款存入乡镇政府持有的资金 F3。",
    COMPLIANT: "DR5 与具有公开募捐资格的县慈善会合作，善款进入慈善会持有的资金 F4。",
}


def public_drive(ctx: Context, activity: Activity) -> bool:
    """An activity raising money from the public into a fund that is known: one it names,
    or one its donations went into."""
    if activity.public is not True:
        return False
    return activity.fund_id is not None or any(
        table == "donations" for table, _, _ in ctx.view.referrers(activity.id)
    )


def raises_into(ctx: Context, activity: Activity) -> list[Fund]:
    """The funds an activity raises into: the one it names and those its donations went
    into, sorted by id."""
    view = ctx.view
    ids = {activity.fund_id} if activity.fund_id is not None else set()
    for table, key, _ in view.referrers(activity.id):
        donation = view.get(key) if table == "donations" else None
        if isinstance(donation, Donation):
            ids.add(donation.fund_id)
    funds = [f for f in (view.get(i) for i in sorted(ids)) if isinstance(f, Fund)]
    return funds


def unqualified(fund: Fund) -> str | None:
    """Why a fund's holder may not raise from the public (``None``: qualified, or not
    recorded)."""
    if fund.holder in GOVERNMENT_HOLDERS:
        return f"held by a government body ({fund.holder.value})"
    if fund.public_fundraising is False:
        return "its holder has no public-fundraising qualification"
    return None


@PACK.rule(
    doc_zh=DOC_ZH,
    code="PW208",
    name="unqualified-public-fundraising",
    severity=Severity.ERROR,
    cites=[
        cite(
            CL,
            "Art.22",
            "public fundraising needs a charity holding the public-fundraising qualification",
            "开展公开募捐须取得公开募捐资格",
        ),
        cite(
            CL,
            "Art.26",
            "an unqualified organiser partners with a qualified charity, which raises and "
            "manages the money",
            "不具备资格的组织者与有资格的慈善组织合作，由后者募捐并管理款物",
        ),
    ],
    title="A public fundraising drive raises into a fund no qualified charity holds",
    title_zh="公开募捐所得未由具有公开募捐资格的慈善组织管理",
    remedy="Raise from the public only through a charity holding the public-fundraising "
    "qualification: partner with one and have it hold and manage the money.",
    remedy_zh="与具有公开募捐资格的慈善组织合作，由其开展募捐并管理募得款物。",
    reads=["activities", "funds", "donations"],
    scope=DRIVES,
    where=public_drive,
    in_force=DateRange(CL_START),
    dated=lambda activity: activity.on,
)
def unqualified_public_fundraising(ctx: Context, activity: Activity) -> Iterator[Violation]:
    """
    What it checks:
    From 2016-09-01, an activity raising money from the public (``public`` true) raises
    only into funds held by a charity with the public-fundraising qualification: the fund
    it names (``fund_id``) and every fund its donations went into are held by a qualified
    holder (``public_fundraising`` true), never by a government body. An unqualified
    organiser (a government unit) partners with a qualified charity, which holds and
    manages the money. A non-government fund whose qualification is not recorded, and a
    drive whose funds are unknown, are not judged.

    Why it matters:
    The Charity Law reserves public fundraising to qualified charities; others may raise
    from the public only in partnership with one, which manages what is raised.

    Example:
    Township T1's public drive DR5 of 10 October 2016 pays into fund F3, held by the
    township government.

    Compliant:
    DR5 partners with the county charity federation, qualified to raise from the public,
    and the money goes into its fund F4.

    References:
    CL Art.22, 26 (from 2016-09-01).
    """
    bad = [(f, why) for f in raises_into(ctx, activity) if (why := unqualified(f)) is not None]
    if not bad:
        return
    reasons = "; ".join(f"{f.id}: {why}" for f, why in bad)
    reasons_zh = "；".join(
        f"{f.id}：{'由政府机关持有' if f.holder in GOVERNMENT_HOLDERS else '持有者无公开募捐资格'}"
        for f, _ in bad
    )
    yield Violation(
        (activity.id, *(f.id for f, _ in bad)),
        f"Public fundraising {activity.id} organised by {activity.organizer_id or '—'} on "
        f"{activity.on.isoformat()} raises into funds no qualified charity holds ({reasons}).",
        f"{activity.organizer_id or '—'} 于 {activity.on.isoformat()} 开展的公开募捐 "
        f"{activity.id} 募得款物进入无公开募捐资格者持有的资金（{reasons_zh}）。",
        {"funds": [f.id for f, _ in bad], "organizer": activity.organizer_id},
    )


# ---- recipes: how violating("PW208") breaks this rule --------------------------------------
@PACK.breaks("PW208", impossible=charity_law_acts)
def raise_without_qualification(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """A public drive under the Charity Law (from 2016-09-01, in a campaign running past
    that day) naming a new fund whose charity lacks the public-fundraising qualification,
    or that a county department holds."""
    organizer = draw.pick(d.units())
    drive = d.add_drive(draw, organizer)
    fund = d.add_fund(draw)
    if draw.booleans():
        fund = d.replace(fund, holder=FundHolder.CHARITY, public_fundraising=False)
    else:
        fund = d.replace(fund, holder=FundHolder.DEPARTMENT)
    d.replace(drive, public=True, fund_id=fund.id, on=day_under_charity_law(draw, d, as_of))
    return (drive.id, fund.id)


# ---- the statement of the columnar engine --------------------------------------------------
PACK.sql(
    "PW208",
    """
    WITH given AS (
        SELECT DISTINCT campaign_id, activity_id
        FROM donations
        WHERE NULLIF(activity_id, '') IS NOT NULL
    ),
    raised AS (
        SELECT campaign_id, id AS activity_id, fund_id
        FROM activities
        WHERE NULLIF(fund_id, '') IS NOT NULL
        UNION
        SELECT campaign_id, activity_id, fund_id
        FROM donations
        WHERE NULLIF(activity_id, '') IS NOT NULL
    ),
    unqualified AS (
        SELECT DISTINCT r.campaign_id, r.activity_id
        FROM raised r
        JOIN funds f ON f.campaign_id = r.campaign_id AND f.id = r.fund_id
        WHERE f.holder IN ('township_government', 'department') OR f.public_fundraising IS FALSE
    )
    SELECT a.campaign_id, a.id AS subject_id, u.activity_id IS NOT NULL AS flagged
    FROM activities a
    JOIN rule_eras e ON e.code = 'PW208'
    LEFT JOIN given g ON g.campaign_id = a.campaign_id AND g.activity_id = a.id
    LEFT JOIN unqualified u ON u.campaign_id = a.campaign_id AND u.activity_id = a.id
    WHERE a.public IS TRUE
        AND (NULLIF(a.fund_id, '') IS NOT NULL OR g.activity_id IS NOT NULL)
        AND (a."on" IS NULL OR (a."on" >= e.since AND (e."until" IS NULL OR a."on" <= e."until")))
    """,
)
