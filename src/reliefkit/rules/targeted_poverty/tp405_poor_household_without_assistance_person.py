"""Rule TP405, poor-household-without-assistance-person: declaration, judge, texts (en, zh)
and recipes."""

from __future__ import annotations

from collections.abc import Iterator

import pendulum

from reliefkit.models import Household
from reliefkit.rules._core import Context, Kind, Severity, Violation
from reliefkit.rules.recipes import Draft, Draw, Subjects
from reliefkit.rules.scopes import HOUSEHOLDS
from reliefkit.rules.targeted_poverty._pack import (
    COMPLIANT,
    EXAMPLE,
    LGOP,
    PACK,
    WHAT,
    WHY,
    cite,
)

DOC_ZH: dict[str, str] = {
    WHAT: "每个建档立卡贫困户都有帮扶责任人（``responsible_person_id`` 不为空）。"
    "与县方案 CP110 是同一问题：两个规则包都运行时，只由 CP110 报告（同一户），"
    "只运行本包时由 TP405 报告。",
    WHY: "国务院扶贫办2014年的精准扶贫工作机制要求每个贫困户都有明确的帮扶责任人。",
    EXAMPLE: "建档立卡贫困户 H12 的 ``responsible_person_id`` 为空。",
    COMPLIANT: "H12 的帮扶责任人是干部 P40。",
}


def _registered(ctx: Context, household: Household) -> bool:
    """A registered poor household."""
    return household.registered_poor


@PACK.rule(
    kinds=("obligation",),
    doc_zh=DOC_ZH,
    code="TP405",
    name="poor-household-without-assistance-person",
    severity=Severity.ERROR,
    cites=[
        cite(
            LGOP,
            "assistance to households",
            "every registered poor household has a named person responsible for helping it",
            "每个建档立卡贫困户都有帮扶责任人",
            confidence="V2",
        )
    ],
    title="A registered poor household has no named responsible person",
    title_zh="建档立卡贫困户没有帮扶责任人",
    remedy="Name a person responsible for helping the household (帮扶责任人).",
    remedy_zh="为该户明确帮扶责任人。",
    reads=["households"],
    scope=HOUSEHOLDS,
    where=_registered,
    defers_to=["CP110"],
)
def poor_household_without_assistance_person(
    ctx: Context, household: Household
) -> Iterator[Violation]:
    """
    What it checks:
    Every registered poor household names a responsible person (``responsible_person_id``).
    It is the county plan's CP110 under national law: when both packs run, CP110 reports the
    household and this rule stays silent on it; run alone, this rule reports it.

    Why it matters:
    The 2014 targeted-poverty mechanism of the State Council's poverty office gives every
    registered poor household a named person responsible for helping it.

    Example:
    Registered poor household H12 has an empty ``responsible_person_id``.

    Compliant:
    H12's responsible person is cadre P40.

    References:
    LGOP 2014, assistance to households [V2]; county-plan §二(四) (CP110).
    """
    if household.responsible_person_id is None:
        yield Violation(
            (household.id,),
            f"Registered poor household {household.id} (village {household.village_id}) has "
            "no named responsible person: its responsible_person_id is empty.",
            f"建档立卡贫困户 {household.id}（村 {household.village_id}）没有帮扶责任人："
            "responsible_person_id 为空。",
            {"village": household.village_id},
            kind=Kind.OBLIGATION,
            due=ctx.campaign.starts_on,
        )


# ---- recipes: how violating("TP405") breaks this rule --------------------------------------------
@PACK.breaks("TP405")
def leave_a_poor_household_unassisted(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """A registered poor household without a responsible person: one already registered, or
    a new one (the county plan's CP110 reports it too, when it runs)."""
    poor = d.poor_households()
    if poor and draw.booleans():
        household = draw.pick(poor)
    else:
        household = d.add_household(draw, draw.pick(d.rows("villages")).id, registered_poor=True)
    d.replace(household, responsible_person_id=None)
    return (household.id,)


# ---- the statement of the columnar engine --------------------------------------------------------
# Reach: a registered poor household. Flagged: it names no responsible person ("" is none).
PACK.sql(
    "TP405",
    """
    SELECT h.campaign_id, h.id AS subject_id,
        COALESCE(h.responsible_person_id, '') = '' AS flagged
    FROM households h
    WHERE h.registered_poor IS TRUE
    """,
)
