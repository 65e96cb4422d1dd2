"""Rule CP107, ceremony-not-in-populous-seat: declaration, judge, texts (en, zh) and recipes."""

from __future__ import annotations

from collections.abc import Iterator

import pendulum

from reliefkit.models import (
    Activity,
)
from reliefkit.rules._core import Context, Severity, Violation
from reliefkit.rules.county_plan._pack import (
    COMPLIANT,
    EXAMPLE,
    PACK,
    WHAT,
    WHY,
    cite,
    township_ceremony,
)
from reliefkit.rules.county_plan.cp105_main_leader_absent_from_ceremony import township_ceremonies
from reliefkit.rules.recipes import Draft, Draw, Subjects, reuse
from reliefkit.rules.scopes import (
    ACTIVITIES,
)

DOC_ZH: dict[str, str] = {
    WHAT: "每场乡镇纪念活动仪式记录为在乡镇所在地（``in_seat``）人口集中的地点"
    "（``populous``）举行；未记录的事实视为未证明。",
    WHY: "工作方案希望仪式在群众集中的地方举行，扩大活动影响。",
    EXAMPLE: "T01 的仪式 A1 在偏远的村举行（``in_seat`` 为否）。",
    COMPLIANT: "A1 在乡镇所在地的中心广场举行（``in_seat`` 与 ``populous`` 均为是）。",
}


@PACK.rule(
    doc_zh=DOC_ZH,
    code="CP107",
    name="ceremony-not-in-populous-seat",
    severity=Severity.WARNING,
    cites=[
        cite(
            "§三(一)",
            "ceremony at a populous place in the township seat",
            "纪念仪式在乡镇所在地人口集中处举行",
        )
    ],
    title="A ceremony is not held at a populous place in the township seat",
    title_zh="纪念活动仪式未在乡镇所在地人口集中的地点举行",
    remedy="Hold the ceremony at a populous place in the township seat, and record both facts.",
    remedy_zh="在乡镇所在地人口集中的地点举行仪式，并如实登记。",
    reads=["activities"],
    scope=ACTIVITIES,
    where=township_ceremony,
)
def ceremony_not_in_populous_seat(ctx: Context, ceremony: Activity) -> Iterator[Violation]:
    """
    What it checks:
    Each township ceremony is recorded as held in the township seat (``in_seat``) at a
    populous place (``populous``). A fact not recorded counts as not shown.

    Why it matters:
    The plan wants the ceremony where many people see it, to spread the campaign.

    Example:
    Ceremony A1 of T01 is held in a remote village (``in_seat`` false).

    Compliant:
    A1 is held on the seat's main square (``in_seat`` and ``populous`` true).

    References:
    county-plan §三(一).
    """
    if ceremony.in_seat is True and ceremony.populous is True:
        return
    township_id = ceremony.organizer_id
    assert township_id is not None  # in reach: a township's ceremony
    facts = {
        "in_seat": ("是否在乡镇所在地", ceremony.in_seat),
        "populous": ("是否人口集中的地点", ceremony.populous),
    }
    failed = [
        f"{name} is {'false' if value is False else 'not recorded'}"
        for name, (_, value) in facts.items()
        if value is not True
    ]
    failed_zh = [
        f"{what_zh}：{'否' if value is False else '未填'}"
        for what_zh, value in facts.values()
        if value is not True
    ]
    place = f" at {ceremony.place}" if ceremony.place else ""
    place_zh = f"（地点：{ceremony.place}）" if ceremony.place else ""
    yield Violation(
        (ceremony.id, township_id),
        f"Ceremony {ceremony.id} of township {township_id}{place} is not shown to be at a "
        f"populous place in the township seat: {'; '.join(failed)}.",
        f"乡镇 {township_id} 的纪念活动仪式 {ceremony.id}{place_zh}未表明在乡镇所在地人口集中的"
        f"地点举行：{'；'.join(failed_zh)}。",
        {"in_seat": ceremony.in_seat, "populous": ceremony.populous, "place": ceremony.place},
    )


# ---- recipes: how violating("CP107") breaks this rule --------------------------------------------
@PACK.breaks("CP107")
def hold_the_ceremony_elsewhere(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """A township's ceremony not shown to be at a populous place in the township seat."""
    ceremony = reuse(
        draw,
        township_ceremonies(d),
        lambda: d.add_ceremony(draw, draw.pick(d.rows("townships"))),
    )
    which = draw.pick(["in_seat", "populous", "both"])
    in_seat = draw.pick([False, None]) if which != "populous" else True
    populous = draw.pick([False, None]) if which != "in_seat" else True
    d.replace(ceremony, in_seat=in_seat, populous=populous)
    return (ceremony.id, str(ceremony.organizer_id))


# ---- the statement of the columnar engine --------------------------------------------------------
PACK.sql(
    "CP107",
    """
    SELECT c.campaign_id, c.activity_id AS subject_id,
        NOT (a.in_seat IS TRUE AND a.populous IS TRUE) AS flagged
    FROM ceremony_townships c
    JOIN activities a ON a.campaign_id = c.campaign_id AND a.id = c.activity_id
    """,
)
