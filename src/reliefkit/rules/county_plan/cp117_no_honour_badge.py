"""Rule CP117, no-honour-badge: declaration, judge, texts (en, zh) and recipes."""

from __future__ import annotations

from collections.abc import Iterator

import pendulum

from reliefkit.models import (
    ActivityKind,
    Donation,
)
from reliefkit.rules._core import Context, Kind, Severity, Violation
from reliefkit.rules.county_plan._pack import (
    COMPLIANT,
    EXAMPLE,
    PACK,
    WHAT,
    WHY,
    cite,
    donation_in_activity,
)
from reliefkit.rules.recipes import Draft, Draw, Subjects, reuse
from reliefkit.rules.scopes import (
    DONATIONS,
)

DOC_ZH: dict[str, str] = {
    WHAT: "在活动（募捐活动、乡贤回乡等）中的每笔捐赠都记录为已赠荣誉标识"
    "（``badge`` 为是）。公开捐赠人姓名须经同意（PW204），赠予标识则不需要。",
    WHY: "工作方案要求向参与者赠予荣誉标识，以鼓励捐赠。",
    EXAMPLE: "募捐活动 A2 中的捐赠 N9 的 ``badge`` 为否或空白。",
    COMPLIANT: "N9 的 ``badge`` 为是。",
}


@PACK.rule(
    kinds=("obligation",),
    doc_zh=DOC_ZH,
    code="CP117",
    name="no-honour-badge",
    severity=Severity.INFO,
    cites=[
        cite(
            "§二(一)",
            "give participants an honour badge",
            "向参与捐赠者颁发荣誉标识",
        )
    ],
    title="A donation made in an activity received no honour badge",
    title_zh="参与捐赠活动者未获赠荣誉标识",
    remedy="Give the donor an honour badge and record it.",
    remedy_zh="向捐赠人赠予荣誉标识并登记。",
    reads=["donations"],
    scope=DONATIONS,
    where=donation_in_activity,
)
def no_honour_badge(ctx: Context, donation: Donation) -> Iterator[Violation]:
    """
    What it checks:
    Every donation made in an activity (a drive, a hometown return, …) is recorded with
    ``badge`` true. Naming a donor in public needs consent (PW204); a badge does not.

    Why it matters:
    The plan asks that participants receive an honour badge, to encourage giving.

    Example:
    Donation N9 in drive A2 has ``badge`` false or empty.

    Compliant:
    N9 has ``badge`` true.

    References:
    county-plan §二(一).
    """
    if donation.activity_id is not None and donation.badge is not True:
        yield Violation(
            (donation.id, donation.donor_id),
            f"Donation {donation.id} by donor {donation.donor_id} ({donation.amount}) in "
            f"activity {donation.activity_id} received no honour badge (badge is "
            f"{'false' if donation.badge is False else 'not recorded'}).",
            f"捐赠人 {donation.donor_id} 在活动 {donation.activity_id} 中的捐赠 {donation.id}"
            f"（{donation.amount}）未获赠荣誉标识（{'记为否' if donation.badge is False else '未记录'}）。",
            {"activity": donation.activity_id, "badge": donation.badge},
            kind=Kind.OBLIGATION,
        )


# ---- recipes: how violating("CP117") breaks this rule --------------------------------------------
@PACK.breaks("CP117")
def give_no_badge(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """A donation made in an activity without an honour badge."""
    no_badge = draw.pick([False, None])
    in_activity = [n for n in d.rows("donations") if n.activity_id is not None]
    if in_activity and draw.booleans():
        donation = draw.pick(in_activity)
        d.replace(donation, badge=no_badge)
        return (donation.id, donation.donor_id)
    # Not a hometown return: a notable's directed gift there would also be judged by CP121.
    giving = [
        a
        for a in d.rows("activities")
        if a.kind in (ActivityKind.DONATION_DRIVE, ActivityKind.CHARITY)
    ]
    activity = reuse(
        draw,
        giving,
        lambda: d.add_activity(draw, ActivityKind.CHARITY, draw.pick(d.rows("departments")).id),
    )
    outside = [n for n in d.rows("donations") if n.activity_id is None]
    if outside and draw.booleans():
        donation = draw.pick(outside)
        d.replace(donation, activity_id=activity.id, badge=no_badge)
        return (donation.id, donation.donor_id)
    fund = d.add_fund(draw)
    donors = [e.id for e in d.rows("donors")]
    donation = d.add_donation(
        draw,
        fund.id,
        draw.amount(),
        donor_id=reuse(draw, donors, lambda: d.add_donor(draw).id),
        activity_id=activity.id,
        badge=no_badge,
    )
    d.add_audit(draw, fund.id)
    return (donation.id, donation.donor_id)


# ---- the statement of the columnar engine --------------------------------------------------------
PACK.sql(
    "CP117",
    """
    SELECT n.campaign_id, n.id AS subject_id, n.badge IS NOT TRUE AS flagged
    FROM donations n
    WHERE n.activity_id IS NOT NULL
    """,
)
