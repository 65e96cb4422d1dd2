"""Rule CP103, activity-outside-township: declaration, judge, texts (en, zh) and recipes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pendulum

from reliefkit.models import (
    Activity,
    ActivityKind,
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
    organised_by_township,
)
from reliefkit.rules.recipes import Draft, Draw, Subjects, reuse
from reliefkit.rules.scopes import (
    ACTIVITIES,
)

DOC_ZH: dict[str, str] = {
    WHAT: "乡镇组织的活动在本乡镇内举行（``township_id``），活动所列的村也都属于本乡镇。",
    WHY: "按属地原则，各乡镇在本辖区内组织活动；跨区组织会使责任不清。",
    EXAMPLE: "乡镇 T01 组织的募捐活动地点在 T02，或列入了 T02 的村 V9。",
    COMPLIANT: "T01 的募捐活动在 T01 举行，只列本乡镇的村。",
}


@PACK.rule(
    doc_zh=DOC_ZH,
    code="CP103",
    name="activity-outside-township",
    severity=Severity.WARNING,
    cites=[cite("§三(一)", "territorial principle 属地原则", "按属地原则由所在乡镇组织活动")],
    title="A township's activity takes place outside the township",
    title_zh="乡镇组织的活动不在本乡镇内（属地原则）",
    remedy="Hold the activity in the organising township, or let the host township organise it.",
    remedy_zh="在组织乡镇内开展活动，或由所在乡镇组织。",
    reads=["activities", "villages", "townships"],
    scope=ACTIVITIES,
    where=organised_by_township,
)
def activity_outside_township(ctx: Context, activity: Activity) -> Iterator[Violation]:
    """
    What it checks:
    An activity organised by a township takes place in that township (``township_id``), and
    every village it lists lies in that township.

    Why it matters:
    Under the territorial principle each township organises activities on its own ground;
    activities elsewhere blur responsibility.

    Example:
    Township T01 organises a drive whose place is T02, or that lists village V9 of T02.

    Compliant:
    T01's drive takes place in T01 and lists only villages of T01.

    References:
    county-plan §三(一).
    """
    ds = ctx.view
    home = activity.organizer_id
    assert home is not None  # in reach: organised by a township
    problems: dict[str, Any] = {}
    if activity.township_id is not None and activity.township_id != home:
        problems["place"] = activity.township_id
    foreign = [
        v
        for v in activity.villages
        if isinstance(village := ds.get(v), Village) and village.township_id != home
    ]
    if foreign:
        problems["villages_elsewhere"] = foreign
    if problems:
        parts, parts_zh = [], []
        if "place" in problems:
            parts.append(f"it is held in township {activity.township_id}")
            parts_zh.append(f"举办地在乡镇 {activity.township_id}")
        if foreign:
            where = {v: getattr(ds.get(v), "township_id", "?") for v in foreign}
            parts.append("it lists " + ", ".join(f"village {v} (of {t})" for v, t in where.items()))
            parts_zh.append(
                "所列的"
                + "、".join(f"村 {v}（属乡镇 {t}）" for v, t in where.items())
                + "不在本乡镇"
            )
        yield Violation(
            (activity.id,),
            f"Activity {activity.id} of township {home} takes place outside it: "
            + "; ".join(parts)
            + ".",
            f"乡镇 {home} 组织的活动 {activity.id} 不在本乡镇内开展：" + "；".join(parts_zh) + "。",
            {"organizer": home, **problems},
        )


# ---- recipes: how violating("CP103") breaks this rule --------------------------------------------
@PACK.breaks("CP103")
def act_in_another_township(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """A township's activity placed in another township, or listing a village of one."""
    if len(d.rows("townships")) < 2 or draw.booleans():
        d.add_township(draw)
    organizer = draw.pick(d.rows("townships")).id
    elsewhere = [t.id for t in d.rows("townships") if t.id != organizer]
    foreign = [v.id for v in d.rows("villages") if v.township_id != organizer]
    kinds = (
        ActivityKind.SYMPOSIUM,
        ActivityKind.CHARITY,
        ActivityKind.SECTOR_RELIEF,
        ActivityKind.DONATION_DRIVE,
    )
    activity = reuse(
        draw, d.activities_by(organizer), lambda: d.add_activity(draw, draw.pick(kinds), organizer)
    )
    if foreign and draw.booleans():
        d.replace(activity, villages=(*activity.villages, draw.pick(foreign)))
    else:
        d.replace(activity, township_id=draw.pick(elsewhere))
    return (activity.id,)


# ---- the statement of the columnar engine --------------------------------------------------------
# A township's activity held elsewhere, or listing a village whose township is not the
# organiser (a listed id that is no village is not judged).
PACK.sql(
    "CP103",
    """
    WITH foreign_villages AS (
        SELECT DISTINCT a.campaign_id, a.id
        FROM activities a
        JOIN activities__villages l ON l.campaign_id = a.campaign_id AND l.id = a.id
        JOIN villages v ON v.campaign_id = l.campaign_id AND v.id = l.item
        WHERE (v.township_id = a.organizer_id) IS NOT TRUE
    )
    SELECT a.campaign_id, a.id AS subject_id,
        (a.township_id IS NOT NULL AND a.township_id <> a.organizer_id)
            OR f.id IS NOT NULL AS flagged
    FROM activities a
    JOIN townships t ON t.campaign_id = a.campaign_id AND t.id = a.organizer_id
    LEFT JOIN foreign_villages f ON f.campaign_id = a.campaign_id AND f.id = a.id
    """,
)
