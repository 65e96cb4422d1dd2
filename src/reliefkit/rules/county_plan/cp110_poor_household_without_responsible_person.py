"""Rule CP110, poor-household-without-responsible-person: declaration, judge, texts (en, zh) and recipes."""

from __future__ import annotations

from collections.abc import Iterator

import pendulum

from reliefkit.models import (
    Household,
)
from reliefkit.rules._core import Context, Kind, Severity, Violation
from reliefkit.rules.county_plan._pack import (
    COMPLIANT,
    EXAMPLE,
    PACK,
    WHAT,
    WHY,
    cite,
    poor_household,
)
from reliefkit.rules.recipes import Draft, Draw, Subjects
from reliefkit.rules.scopes import (
    HOUSEHOLDS,
)

DOC_ZH: dict[str, str] = {
    WHAT: "每个建档立卡贫困户都有帮扶责任人。",
    WHY: "工作方案要求贫困户户户都有责任人。",
    EXAMPLE: "建档立卡贫困户 H12 的 ``responsible_person_id`` 为空。",
    COMPLIANT: "H12 的帮扶责任人是干部 P40。",
}


@PACK.rule(
    kinds=("obligation",),
    doc_zh=DOC_ZH,
    code="CP110",
    name="poor-household-without-responsible-person",
    severity=Severity.ERROR,
    cites=[
        cite(
            "§二(四)",
            "every poor household has a responsible person 户户都有责任人",
            "每户贫困户都有帮扶责任人",
        )
    ],
    title="A registered poor household has no responsible person",
    title_zh="建档立卡贫困户没有帮扶责任人",
    remedy="Assign a responsible person (帮扶责任人) to the household.",
    remedy_zh="为该户明确帮扶责任人。",
    reads=["households"],
    scope=HOUSEHOLDS,
    where=poor_household,
)
def poor_household_without_responsible_person(
    ctx: Context, household: Household
) -> Iterator[Violation]:
    """
    What it checks:
    Every registered poor household names a responsible person.

    Why it matters:
    The plan requires a named person responsible for every poor household (户户都有责任人).

    Example:
    Registered poor household H12 has an empty ``responsible_person_id``.

    Compliant:
    H12's responsible person is cadre P40.

    References:
    county-plan §二(四).
    """
    if household.responsible_person_id is None:
        yield Violation(
            (household.id,),
            f"Registered poor household {household.id} (village {household.village_id}) has "
            "no responsible person: its responsible_person_id is empty.",
            f"建档立卡贫困户 {household.id}（村 {household.village_id}）没有帮扶责任人："
            "responsible_person_id 为空。",
            {"village": household.village_id},
            kind=Kind.OBLIGATION,
            due=ctx.campaign.starts_on,
        )


# ---- recipes: how violating("CP110") breaks this rule --------------------------------------------
@PACK.breaks("CP110")
def leave_a_poor_household_alone(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """A registered poor household without a responsible person: one already registered, one
    newly registered, or a new one."""
    way = draw.pick(["poor", "newly registered", "new"])
    candidates = (
        d.poor_households()
        if way == "poor"
        else [h for h in d.rows("households") if not h.registered_poor]
    )
    if way != "new" and candidates:
        household = draw.pick(candidates)
    else:
        village = draw.pick(d.rows("villages")).id
        household = d.add_household(draw, village, registered_poor=True)
    d.replace(household, registered_poor=True, responsible_person_id=None)
    return (household.id,)


# ---- the statement of the columnar engine --------------------------------------------------------
PACK.sql(
    "CP110",
    """
    SELECT h.campaign_id, h.id AS subject_id, h.responsible_person_id IS NULL AS flagged
    FROM households h
    WHERE h.registered_poor
    """,
)
