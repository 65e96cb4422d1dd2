"""Rule CP124, tour-visits-no-poor: declaration, judge, texts (en, zh) and recipes."""

from __future__ import annotations

from collections.abc import Iterator

import pendulum

from reliefkit.models import (
    Activity,
    ActivityKind,
)
from reliefkit.rules._core import Context, Severity, Violation
from reliefkit.rules.county_plan._pack import (
    COMPLIANT,
    EXAMPLE,
    PACK,
    WHAT,
    WHY,
    cite,
    inspection_tour,
    is_poor_household,
    is_poor_village,
)
from reliefkit.rules.recipes import Draft, Draw, Subjects, reuse
from reliefkit.rules.scopes import (
    ACTIVITIES,
)

DOC_ZH: dict[str, str] = {
    WHAT: "扶贫考察活动在 ``villages`` 中列有贫困村，或在 ``households`` 中列有建档立卡贫困户。",
    WHY: "工作方案组织企业代表深入贫困村、贫困户，实地了解需求。",
    EXAMPLE: "考察 A9 只列了县城一个非贫困村。",
    COMPLIANT: "A9 列有贫困村 V3。",
}


@PACK.rule(
    doc_zh=DOC_ZH,
    code="CP124",
    name="tour-visits-no-poor",
    severity=Severity.WARNING,
    cites=[
        cite(
            "§二(二)",
            "inspection tours go into poor villages and households",
            "考察活动深入贫困村和贫困户",
        )
    ],
    title="An inspection tour visits no poor village or registered poor household",
    title_zh="扶贫考察活动未深入贫困村或贫困户",
    remedy="Take the tour to at least one poor village or registered poor household.",
    remedy_zh="考察活动须至少深入一个贫困村或建档立卡贫困户。",
    reads=["activities", "villages", "households"],
    scope=ACTIVITIES,
    where=inspection_tour,
)
def tour_visits_no_poor(ctx: Context, activity: Activity) -> Iterator[Violation]:
    """
    What it checks:
    An inspection tour lists a poor village in ``villages`` or a registered poor household
    in ``households``.

    Why it matters:
    The plan sends enterprise representatives into poor villages and households to see
    needs first-hand.

    Example:
    Tour A9 lists only a county-town village that is not poor.

    Compliant:
    A9 lists poor village V3.

    References:
    county-plan §二(二).
    """
    if any(is_poor_village(ctx, v) for v in activity.villages) or any(
        is_poor_household(ctx, h) for h in activity.households
    ):
        return
    yield Violation(
        (activity.id,),
        f"Inspection tour {activity.id} on {activity.on.isoformat()} visits no poor village or "
        f"registered poor household: it lists {_listed(activity)}.",
        f"扶贫考察活动 {activity.id}（{activity.on.isoformat()}）未深入贫困村或建档立卡贫困户："
        f"{_listed_zh(activity)}。",
        {"villages": activity.villages, "households": activity.households},
    )


def _listed(activity: Activity) -> str:
    """What a tour lists, in words (none of it poor)."""
    parts = []
    if activity.villages:
        parts.append("villages " + ", ".join(activity.villages) + " (none poor)")
    if activity.households:
        parts.append("households " + ", ".join(activity.households) + " (none registered poor)")
    return " and ".join(parts) or "no village and no household"


def _listed_zh(activity: Activity) -> str:
    parts = []
    if activity.villages:
        parts.append("所列村 " + "、".join(activity.villages) + " 均非贫困村")
    if activity.households:
        parts.append("所列户 " + "、".join(activity.households) + " 均非建档立卡贫困户")
    return "，".join(parts) or "未列任何村或户"


# ---- recipes: how violating("CP124") breaks this rule --------------------------------------------
@PACK.breaks("CP124")
def tour_past_the_poor(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """An inspection tour that lists no poor village and no registered poor household."""
    departments = [x.id for x in d.rows("departments")]
    tour = reuse(
        draw,
        d.activities_of_kind(ActivityKind.INSPECTION_TOUR),
        lambda: d.add_activity(draw, ActivityKind.INSPECTION_TOUR, draw.maybe(departments)),
    )
    in_township = d.table_of(tour.organizer_id) == "townships"
    rich = [
        v.id
        for v in d.rows("villages")
        if not v.poor and (not in_township or v.township_id == tour.organizer_id)
    ]
    rich_households = [h.id for h in d.rows("households") if not h.registered_poor]
    d.replace(
        tour,
        villages=tuple(draw.subset(rich, 2)),
        households=tuple(draw.subset(rich_households, 2)),
    )
    return (tour.id,)


# ---- the statement of the columnar engine --------------------------------------------------------
PACK.sql(
    "CP124",
    """
    WITH poor_stops AS (
        SELECT av.campaign_id, av.id
        FROM activities__villages av
        JOIN villages v ON v.campaign_id = av.campaign_id AND v.id = av.item
        WHERE v.poor IS TRUE
        UNION
        SELECT ah.campaign_id, ah.id
        FROM activities__households ah
        JOIN households h ON h.campaign_id = ah.campaign_id AND h.id = ah.item
        WHERE h.registered_poor IS TRUE
    )
    SELECT a.campaign_id, a.id AS subject_id, s.id IS NULL AS flagged
    FROM activities a
    LEFT JOIN poor_stops s ON s.campaign_id = a.campaign_id AND s.id = a.id
    WHERE a.kind = 'inspection_tour'
    """,
)
