"""Rule CP105, main-leader-absent-from-ceremony: declaration, judge, texts (en, zh) and recipes."""

from __future__ import annotations

from collections.abc import Iterator

import pendulum

from reliefkit.models import (
    Activity,
    ActivityKind,
    Township,
)
from reliefkit.rules._core import Context, Severity, Violation
from reliefkit.rules._units import (
    ceremony_township,
)
from reliefkit.rules.county_plan._pack import (
    COMPLIANT,
    EXAMPLE,
    PACK,
    WHAT,
    WHY,
    cite,
    township_ceremony,
)
from reliefkit.rules.recipes import Draft, Draw, Subjects, reuse
from reliefkit.rules.scopes import (
    ACTIVITIES,
)

DOC_ZH: dict[str, str] = {
    WHAT: "乡镇组织的每场纪念活动仪式，本乡镇主要领导都列在参加人员（``participants``）"
    "中或为带队人（``led_by``）。",
    WHY: "工作方案要求乡镇主要领导亲自参加纪念活动仪式。",
    EXAMPLE: "T01 的仪式 A1 既未由其主要领导 P01 带队，也未把 P01 列为参加人员。",
    COMPLIANT: "A1 由 P01 带队。",
}


@PACK.rule(
    doc_zh=DOC_ZH,
    code="CP105",
    name="main-leader-absent-from-ceremony",
    severity=Severity.WARNING,
    cites=[
        cite(
            "§三(一)",
            "the township's main leader takes part in the ceremony",
            "乡镇主要领导参加本乡镇的纪念仪式",
        )
    ],
    title="The township's main leader does not take part in its ceremony",
    title_zh="乡镇主要领导未参加本乡镇扶贫日纪念活动仪式",
    remedy="Record the main leader as leading or taking part in the ceremony.",
    remedy_zh="由乡镇主要领导主持或参加纪念活动仪式。",
    reads=["activities", "townships"],
    scope=ACTIVITIES,
    where=township_ceremony,
)
def main_leader_absent_from_ceremony(ctx: Context, ceremony: Activity) -> Iterator[Violation]:
    """
    What it checks:
    For each ceremony organised by a township, the township's main leader is named in
    ``participants`` or as ``led_by``.

    Why it matters:
    The plan asks the township's main leader to attend the ceremony in person.

    Example:
    Ceremony A1 of T01 lists neither T01's main leader P01 as leader nor as participant.

    Compliant:
    A1 is led by P01.

    References:
    county-plan §三(一).
    """
    township = ctx.view.get(ceremony_township(ctx.view, ceremony))
    assert isinstance(township, Township)  # in reach: a township's ceremony
    leader = township.main_leader_id
    if leader is not None and (leader == ceremony.led_by or leader in ceremony.participants):
        return
    led = ceremony.led_by or "nobody"
    led_zh = ceremony.led_by or "无人"
    if leader is None:
        message = (
            f"Ceremony {ceremony.id} of township {township.id}: the township records no main "
            "leader, so none is shown to take part"
        )
        message_zh = (
            f"乡镇 {township.id} 的纪念活动仪式 {ceremony.id}：乡镇未登记主要领导，无法表明其参加"
        )
    else:
        listed = ", ".join(ceremony.participants) or "none"
        listed_zh = "、".join(ceremony.participants) or "无"
        message = (
            f"Ceremony {ceremony.id} of township {township.id}: its main leader {leader} "
            f"neither leads it (led by {led}) nor takes part (participants: {listed})"
        )
        message_zh = (
            f"乡镇 {township.id} 的纪念活动仪式 {ceremony.id}：主要领导 {leader} 既未带队"
            f"（带队：{led_zh}），也不在参加人员中（参加人员：{listed_zh}）"
        )
    yield Violation(
        (ceremony.id, township.id),
        f"{message}.",
        f"{message_zh}。",
        {"main_leader": leader, "led_by": ceremony.led_by, "participants": ceremony.participants},
    )


# ---- recipes: how violating("CP105") breaks this rule --------------------------------------------
def township_ceremonies(d: Draft) -> list[Activity]:
    """Ceremonies a township organised (those CP105–CP107 judge)."""
    return [
        a
        for a in d.activities_of_kind(ActivityKind.CEREMONY)
        if ceremony_township(d, a) is not None
    ]


@PACK.breaks("CP105")
def leave_the_main_leader_out(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """A township's ceremony its main leader neither leads nor attends."""
    ceremony = reuse(
        draw,
        township_ceremonies(d),
        lambda: d.add_ceremony(draw, draw.pick(d.rows("townships"))),
    )
    township = d.record(Township, ceremony.organizer_id)
    leader = township.main_leader_id
    others = [p.id for p in d.rows("people") if p.id != leader]
    d.replace(
        ceremony,
        led_by=draw.maybe(others),
        participants=tuple(p for p in ceremony.participants if p != leader),
    )
    return (ceremony.id, township.id)


# ---- the statement of the columnar engine --------------------------------------------------------
# A township's ceremony (``ceremony_townships``) its main leader neither leads nor attends.
PACK.sql(
    "CP105",
    """
    WITH present AS (
        SELECT DISTINCT c.campaign_id, c.activity_id
        FROM ceremony_townships c
        JOIN townships t ON t.campaign_id = c.campaign_id AND t.id = c.township_id
        JOIN activities__participants l ON l.campaign_id = c.campaign_id
            AND l.id = c.activity_id AND l.item = t.main_leader_id
    )
    SELECT c.campaign_id, c.activity_id AS subject_id,
        NOT (
            t.main_leader_id IS NOT NULL
            AND ((a.led_by = t.main_leader_id) IS TRUE OR p.activity_id IS NOT NULL)
        ) AS flagged
    FROM ceremony_townships c
    JOIN activities a ON a.campaign_id = c.campaign_id AND a.id = c.activity_id
    JOIN townships t ON t.campaign_id = c.campaign_id AND t.id = c.township_id
    LEFT JOIN present p ON p.campaign_id = c.campaign_id AND p.activity_id = c.activity_id
    """,
)
