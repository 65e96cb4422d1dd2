"""Rule PW204, donor-named-without-consent: declaration, judge, texts (en, zh) and recipes."""

from __future__ import annotations

from collections.abc import Iterator

import pendulum

from reliefkit.models import Donation, Donor
from reliefkit.rules._core import Context, Severity, Violation
from reliefkit.rules.public_welfare._pack import (
    CL,
    COMPLIANT,
    EXAMPLE,
    PACK,
    PWDL,
    WHAT,
    WHY,
    cite,
)
from reliefkit.rules.recipes import Draft, Draw, Subjects, reuse
from reliefkit.rules.scopes import DONATIONS

DOC_ZH: dict[str, str] = {
    WHAT: "公开表彰或公开捐赠人姓名（捐赠的 ``commended`` 为是）须事先取得捐赠人同意"
    "（捐赠人的 ``publicity_consent`` 为是）；同意记为否或未记录均不符合。"
    "与县级方案 CP117（荣誉标识）是不同的问题，两条都报告。",
    WHY: "捐赠法规定对捐赠人进行公开表彰应征得其同意；慈善法要求不得公开捐赠人不同意公开的信息。",
    EXAMPLE: "捐赠 N9 的捐赠人 E3 在大会上被点名表彰，但 E3 的 ``publicity_consent`` 为空。",
    COMPLIANT: "E3 事先书面同意公开（``publicity_consent`` 为是），或不公开其姓名。",
}


def commended(ctx: Context, donation: Donation) -> bool:
    """A donation whose donor was named or commended in public."""
    return donation.commended is True


@PACK.rule(
    doc_zh=DOC_ZH,
    code="PW204",
    name="donor-named-without-consent",
    severity=Severity.WARNING,
    cites=[
        cite(
            PWDL,
            "Art.8 ¶3",
            "a donor is commended in public only with the donor's consent",
            "公开表彰捐赠人前须征得本人同意",
        ),
        cite(
            CL,
            "Art.90",
            "a donor's information the donor does not agree to publish stays private",
            "捐赠人不同意公开的信息不得公开",
            confidence="R",
        ),
    ],
    title="A donor was named or commended in public without consent",
    title_zh="未经同意公开表彰或公开捐赠人",
    remedy="Ask the donor first and record the consent (publicity_consent), or stop naming "
    "the donor.",
    remedy_zh="事先征得捐赠人同意并登记，或停止公开其姓名。",
    reads=["donations", "donors"],
    scope=DONATIONS,
    where=commended,
    dated=lambda donation: donation.on,
)
def donor_named_without_consent(ctx: Context, donation: Donation) -> Iterator[Violation]:
    """
    What it checks:
    A donor named or commended in public for a donation (``commended`` true) agreed to it
    beforehand (the donor's ``publicity_consent`` true); consent recorded as false, or not
    recorded, fails. The county plan's CP117 (an honour badge) is another problem: both
    report.

    Why it matters:
    The donations law asks the donor's consent before public commendation; from 2016-09-01
    the Charity Law keeps private what the donor does not agree to publish.

    Example:
    Donor E3 of donation N9 was named at the ceremony; E3's ``publicity_consent`` is empty.

    Compliant:
    E3 agreed in writing beforehand (``publicity_consent`` true), or was not named.

    References:
    PWDL Art.8 ¶3; CL Art.90 (from 2016-09-01; clause number not verified).
    """
    donor = ctx.view.get(donation.donor_id)
    consent = donor.publicity_consent if isinstance(donor, Donor) else None
    if consent is True:
        return
    said = "refused" if consent is False else "not recorded"
    said_zh = "记为不同意" if consent is False else "未记录"
    yield Violation(
        (donation.id, donation.donor_id),
        f"Donor {donation.donor_id} was named or commended in public for donation "
        f"{donation.id} ({donation.amount}, {donation.on.isoformat()}) but the donor's "
        f"consent to publicity is {said}.",
        f"捐赠人 {donation.donor_id} 因捐赠 {donation.id}（{donation.amount}，"
        f"{donation.on.isoformat()}）被公开表彰或点名，但其公开同意{said_zh}。",
        {"commended": True, "publicity_consent": consent},
    )


# ---- recipes: how violating("PW204") breaks this rule --------------------------------------
@PACK.breaks("PW204")
def commend_without_consent(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """A donation whose donor, who never agreed to publicity (or refused it), is commended in
    public: a donation already made, or a new one into a new, audited fund."""
    consent = draw.maybe((False,))
    if d.rows("donations") and draw.booleans():
        donation = d.replace(draw.pick(d.rows("donations")), commended=True)
        donor = d.record(Donor, donation.donor_id)
        d.replace(donor, publicity_consent=consent)
        return (donation.id, donation.donor_id)
    fund = d.add_fund(draw)
    donors = [e for e in d.rows("donors") if e.publicity_consent is not True]
    donor = reuse(draw, donors, lambda: d.add_donor(draw, publicity_consent=consent))
    donation = d.add_donation(draw, fund.id, draw.amount(), donor_id=donor.id)
    d.replace(donation, commended=True)
    d.add_audit(draw, fund.id)
    return (donation.id, donor.id)


# ---- the statement of the columnar engine --------------------------------------------------
PACK.sql(
    "PW204",
    """
    SELECT n.campaign_id, n.id AS subject_id, o.publicity_consent IS NOT TRUE AS flagged
    FROM donations n
    JOIN rule_eras e ON e.code = 'PW204'
    LEFT JOIN donors o ON o.campaign_id = n.campaign_id AND o.id = n.donor_id
    WHERE n.commended IS TRUE
        AND (n."on" IS NULL OR (n."on" >= e.since AND (e."until" IS NULL OR n."on" <= e."until")))
    """,
)
