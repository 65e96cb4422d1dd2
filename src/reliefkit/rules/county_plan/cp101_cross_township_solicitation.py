"""Rule CP101, cross-township-solicitation: declaration, judge, texts (en, zh) and recipes."""

from __future__ import annotations

from collections.abc import Iterator

import pendulum

from reliefkit.models import (
    ActivityKind,
    Solicitation,
)
from reliefkit.rules._core import Context, Severity, Violation
from reliefkit.rules._sql_units import register_unit_views
from reliefkit.rules._units import (
    is_department,
    is_township,
    paired,
    resolve_unit,
)
from reliefkit.rules.county_plan._pack import (
    COMPLIANT,
    EXAMPLE,
    PACK,
    WHAT,
    WHY,
    cite,
)
from reliefkit.rules.county_plan.cp102_duplicate_solicitation import solicitations_of_unit
from reliefkit.rules.recipes import Draft, Draw, Subjects, reuse, standing_for
from reliefkit.rules.scopes import (
    SOLICITATIONS,
)

DOC_ZH: dict[str, str] = {
    WHAT: "募捐请求的发起单位与募捐对象（干部或单位类捐赠人视同其所在单位）分属两个不同"
    "乡镇，或一方为乡镇、另一方为县级部门（任一方向），且该部门与该乡镇或其所辖村之间"
    "没有对口帮扶关系。",
    WHY: "工作方案禁止单位之间互相募捐，以免捐赠变成部门之间的摊派；只有正式结对的"
    "对口帮扶单位之间可以互请。",
    EXAMPLE: "乡镇 T01 请乡镇 T02 捐赠（募捐请求 S1）。",
    COMPLIANT: "与 T02 结对帮扶的部门 D03 请 T02 捐赠；或 T01 请民营企业捐赠。",
}


@PACK.rule(
    cured_by={
        "pairings": "admit the solicitation together with the pairing (对口帮扶) that permits it",
    },
    doc_zh=DOC_ZH,
    code="CP101",
    name="cross-township-solicitation",
    severity=Severity.ERROR,
    cites=[
        cite(
            "§三(一)",
            "no mutual solicitation between townships, or townships and departments, "
            "except paired units",
            "除对口帮扶单位外，乡镇之间、乡镇与部门之间不得互相募捐",
        )
    ],
    title="A township solicits another township, or a township and a department solicit each other, "
    "without a pairing",
    title_zh="乡镇之间、乡镇与部门之间非对口帮扶单位互请捐赠",
    remedy="Withdraw the solicitation, or record the official pairing (对口帮扶) that permits it.",
    remedy_zh="撤回该募捐请求，或登记允许该请求的对口帮扶关系。",
    reads=["solicitations", "townships", "departments", "donors", "pairings", "villages"],
    scope=SOLICITATIONS,
    params=["forbid_department_to_department"],
)
def cross_township_solicitation(ctx: Context, sol: Solicitation) -> Iterator[Violation]:
    """
    What it checks:
    A solicitation whose organiser and target (a cadre or unit donor stands for its unit) are
    two different townships, or a township and a county department in either direction,
    unless a pairing joins the department with the township or one of its villages.

    Why it matters:
    The plan forbids units from asking each other for donations, which turns giving into a
    levy between offices; only officially paired units may ask each other.

    Example:
    Township T01 asks township T02 to donate (solicitation S1).

    Compliant:
    Department D03, paired with T02, asks T02; or T01 asks a private enterprise.

    References:
    county-plan §三(一).
    """
    ds = ctx.view
    organizer = resolve_unit(ds, sol.organizer_id)
    target = resolve_unit(ds, sol.target_id)
    if organizer is None or target is None or organizer == target:
        return
    org_t, tgt_t = is_township(ds, organizer), is_township(ds, target)
    if org_t and tgt_t:
        kind = "township asks township"
    elif org_t or tgt_t:
        department, township = (target, organizer) if org_t else (organizer, target)
        if paired(ds, department, township):
            return
        kind = "township asks department" if org_t else "department asks township"
    elif (
        is_department(ds, organizer)
        and is_department(ds, target)
        and ctx.param("forbid_department_to_department")
    ):
        kind = "department asks department"
    else:
        return
    org_en, org_zh = ("township", "乡镇") if org_t else ("department", "部门")
    tgt_en, tgt_zh = ("township", "乡镇") if tgt_t else ("department", "部门")
    via, via_zh = "", " "
    if sol.target_id != target:
        via = f" (through donor {sol.target_id}, who stands for it)"
        via_zh = f"（通过代表该单位的捐赠人 {sol.target_id}）"
    if org_t or tgt_t:
        why = "and no pairing (对口帮扶) joins them"
        why_zh = "双方之间没有对口帮扶关系"
    else:
        why = "which forbid_department_to_department=True forbids"
        why_zh = "而参数 forbid_department_to_department 禁止部门之间互相募捐"
    yield Violation(
        (sol.id, sol.organizer_id, sol.target_id),
        f"Solicitation {sol.id}: {org_en} {organizer} asks {tgt_en} {target}{via} to donate, "
        f"{why}.",
        f"募捐请求 {sol.id}：{org_zh} {organizer} 向{tgt_zh} {target}{via_zh}募捐，{why_zh}。",
        {"organizer": organizer, "target_unit": target, "relation": kind, "paired": False},
    )


# ---- recipes: how violating("CP101") breaks this rule --------------------------------------------
@PACK.breaks("CP101")
def ask_another_township(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """A township asks another township, or a township and a department ask each other with
    no pairing between them (or, when the parameter forbids it, a department asks another),
    itself or through a cadre or unit donor standing for it. The target was never asked
    before, so CP102 stays silent."""
    ways = ["township-township", "township-department", "department-township"]
    if d.param("forbid_department_to_department"):
        ways.append("department-department")
    way = draw.pick(ways)
    townships = [t.id for t in d.rows("townships")]
    departments = [x.id for x in d.rows("departments")]
    fresh = [u for u in d.units() if not solicitations_of_unit(d, u)]
    if way == "township-township":
        organizer = draw.pick(townships)
        others = [t for t in fresh if t in townships and t != organizer]
        target = reuse(draw, others, lambda: d.add_township(draw).id)
    elif way == "township-department":
        organizer = draw.pick(townships)
        unpaired = [u for u in fresh if u in departments and not paired(d, u, organizer)]
        target = reuse(draw, unpaired, lambda: d.add_department(draw).id)
    elif way == "department-township":
        target = reuse(draw, [t for t in fresh if t in townships], lambda: d.add_township(draw).id)
        unpaired = [x for x in departments if not paired(d, x, target)]
        organizer = reuse(draw, unpaired, lambda: d.add_department(draw).id)
    else:
        organizer = draw.pick(departments)
        others = [u for u in fresh if u in departments and u != organizer]
        target = reuse(draw, others, lambda: d.add_department(draw).id)
    drives = [
        a for a in d.activities_of_kind(ActivityKind.DONATION_DRIVE) if a.organizer_id == organizer
    ]
    drive = reuse(draw, drives, lambda: d.add_drive(draw, organizer))
    sol = d.add_solicitation(draw, drive, standing_for(draw, d, target))
    return (sol.id, sol.organizer_id, sol.target_id)


# ---- the statement of the columnar engine --------------------------------------------------------
# The unit views of the pack's statements (``unit_of``, ``paired_units``, …: see _sql_units).
register_unit_views(PACK)

PACK.sql(
    "CP101",
    """
    SELECT s.campaign_id, s.id AS subject_id,
        CASE
            WHEN o.unit_id IS NULL OR t.unit_id IS NULL OR o.unit_id = t.unit_id THEN FALSE
            WHEN o.unit_is_township AND t.unit_is_township THEN TRUE
            WHEN o.unit_is_township OR t.unit_is_township THEN pu.department_id IS NULL
            WHEN o.unit_is_department AND t.unit_is_department
                THEN p.forbid_department_to_department IS TRUE
            ELSE FALSE
        END AS flagged
    FROM solicitations s
    JOIN params p ON p.campaign_id = s.campaign_id
    LEFT JOIN unit_of o ON o.campaign_id = s.campaign_id AND o.id = s.organizer_id
    LEFT JOIN unit_of t ON t.campaign_id = s.campaign_id AND t.id = s.target_id
    LEFT JOIN paired_units pu ON pu.campaign_id = s.campaign_id
        AND pu.department_id = CASE WHEN o.unit_is_township THEN t.unit_id ELSE o.unit_id END
        AND pu.township_id = CASE WHEN o.unit_is_township THEN o.unit_id ELSE t.unit_id END
    """,
)
