"""Rule CP121, notable-gift-outside-hometown: declaration, judge, texts (en, zh) and recipes."""

from __future__ import annotations

from collections.abc import Iterator

import pendulum

from reliefkit.models import (
    Activity,
    ActivityKind,
    Donation,
    Donor,
    DonorKind,
    Project,
    Village,
)
from reliefkit.rules._core import Context, Severity, Violation
from reliefkit.rules.county_plan._pack import (
    COMPLIANT,
    EXAMPLE,
    PACK,
    WHAT,
    WHY,
    cite,
    notable_return,
)
from reliefkit.rules.recipes import Draft, Draw, Subjects, reuse
from reliefkit.rules.scopes import (
    DONATIONS,
)

DOC_ZH: dict[str, str] = {
    WHAT: "乡贤通过回报家乡活动所作的定向捐赠，其指定的项目（按项目所在村）或村位于该"
    "乡贤的家乡乡镇（``home_township_id``）。非定向捐赠和未记录家乡乡镇的乡贤不作判断。",
    WHY: "工作方案的春晖行动号召乡贤回报自己的家乡。",
    EXAMPLE: "来自 T02 的乡贤 R1 指定捐建 T05 某村的项目 J9。",
    COMPLIANT: "R1 指定捐建 T02 某村的项目。",
}


@PACK.rule(
    doc_zh=DOC_ZH,
    code="CP121",
    name="notable-gift-outside-hometown",
    severity=Severity.INFO,
    cites=[
        cite(
            "§二(七)",
            "local notables give back to their hometown (春晖行动)",
            "乡贤回报家乡（春晖行动）",
        )
    ],
    title="A local notable's hometown-return gift goes outside the home township",
    title_zh="乡贤回报家乡的捐赠未投向其家乡乡镇",
    remedy="Direct the gift to a project or village in the notable's home township.",
    remedy_zh="将捐赠定向到乡贤家乡乡镇的项目或村。",
    reads=["donations", "donors", "activities", "projects", "villages"],
    scope=DONATIONS,
    where=notable_return,
)
def notable_gift_outside_hometown(ctx: Context, donation: Donation) -> Iterator[Violation]:
    """
    What it checks:
    A directed donation by a local notable through a hometown-return activity designates a
    project (by its village) or a village lying in the notable's ``home_township_id``.
    Undesignated gifts and notables with no recorded home township are not judged.

    Why it matters:
    The plan's hometown-return action (春晖行动) invites notables to support their own home.

    Example:
    Notable R1 from T02 designates project J9 in a village of T05.

    Compliant:
    R1 designates a project in a village of T02.

    References:
    county-plan §二(七).
    """
    ds = ctx.view
    donor = ds.get(donation.donor_id)
    assert isinstance(donor, Donor)
    if donor.home_township_id is None or donation.designation is None:
        return
    project = ds.get(donation.designated_project_id)
    village_id = (
        project.village_id if isinstance(project, Project) else donation.designated_village_id
    )
    village = ds.get(village_id)
    township = village.township_id if isinstance(village, Village) else None
    if township == donor.home_township_id:
        return
    yield Violation(
        (donation.id, donor.id),
        f"Donation {donation.id} ({donation.amount}) by local notable {donor.id} is directed to "
        f"{_what(donation)} in township {township}, not in the notable's home township "
        f"{donor.home_township_id}.",
        f"乡贤 {donor.id} 的捐赠 {donation.id}（{donation.amount}）定向到{_what_zh(donation)}，位于乡镇 "
        f"{township}，而非其家乡乡镇 {donor.home_township_id}。",
        {
            "home_township": donor.home_township_id,
            "destination_township": township,
            "designation": donation.designation,
        },
    )


def _what(donation: Donation) -> str:
    if donation.designated_project_id is not None:
        return f"project {donation.designated_project_id}"
    return f"village {donation.designated_village_id}"


def _what_zh(donation: Donation) -> str:
    if donation.designated_project_id is not None:
        return f"项目 {donation.designated_project_id}"
    return f"村 {donation.designated_village_id}"


# ---- recipes: how violating("CP121") breaks this rule --------------------------------------------
@PACK.breaks("CP121")
def give_away_from_home(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """A local notable's hometown-return gift directed to a project or village outside the
    home township."""
    notables = [
        e
        for e in d.rows("donors")
        if e.kind is DonorKind.LOCAL_NOTABLE and e.home_township_id is not None
    ]
    notable = reuse(draw, notables, lambda: d.add_donor(draw, DonorKind.LOCAL_NOTABLE))
    home = notable.home_township_id
    away = [v for v in d.rows("villages") if v.township_id != home]
    if not away:
        d.add_township(draw)
        away = [v for v in d.rows("villages") if v.township_id != home]
    village = draw.pick(away)
    if draw.booleans():
        designation: tuple[str | None, str | None] = (None, village.id)
    else:
        projects = [p for p in d.rows("projects") if p.village_id == village.id]
        project = reuse(draw, projects, lambda: d.add_project(draw, village.id))
        designation = (project.id, None)

    def new_return() -> Activity:
        organizer = draw.pick(d.rows("townships")).id
        activity = d.add_activity(draw, ActivityKind.HOMETOWN_RETURN, organizer)
        return d.replace(activity, township_id=organizer)

    activity = reuse(draw, d.activities_of_kind(ActivityKind.HOMETOWN_RETURN), new_return)
    fund = d.add_fund(draw)
    donation = d.add_donation(
        draw,
        fund.id,
        draw.amount(),
        donor_id=notable.id,
        project_id=designation[0],
        village_id=designation[1],
        activity_id=activity.id,
    )
    d.add_audit(draw, fund.id)
    return (donation.id, notable.id)


# ---- the statement of the columnar engine --------------------------------------------------------
PACK.sql(
    "CP121",
    """
    WITH gifts AS (
        SELECT n.campaign_id, n.id, e.home_township_id,
            n.designated_project_id IS NOT NULL
                OR n.designated_village_id IS NOT NULL AS designated,
            CASE WHEN j.id IS NOT NULL THEN j.village_id ELSE n.designated_village_id END
                AS village_id
        FROM donations n
        JOIN donors e ON e.campaign_id = n.campaign_id AND e.id = n.donor_id
        JOIN activities a ON a.campaign_id = n.campaign_id AND a.id = n.activity_id
        LEFT JOIN projects j
            ON j.campaign_id = n.campaign_id AND j.id = n.designated_project_id
        WHERE e.kind = 'local_notable' AND a.kind = 'hometown_return'
    )
    SELECT g.campaign_id, g.id AS subject_id,
        g.home_township_id IS NOT NULL AND g.designated
            AND (v.township_id IS NULL OR v.township_id <> g.home_township_id) AS flagged
    FROM gifts g
    LEFT JOIN villages v ON v.campaign_id = g.campaign_id AND v.id = g.village_id
    """,
)
