"""Rule CP102, duplicate-solicitation: declaration, judge, texts (en, zh) and recipes."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pendulum

from reliefkit.models import (
    Activity,
    ActivityKind,
    DonorKind,
    Pairing,
    Queries,
    Solicitation,
)
from reliefkit.rules._core import Context, Severity, Violation
from reliefkit.rules._units import paired
from reliefkit.rules.county_plan._pack import (
    COMPLIANT,
    EXAMPLE,
    PACK,
    WHAT,
    WHY,
    cite,
)
from reliefkit.rules.recipes import Draft, Draw, Subjects, reuse, standing_for
from reliefkit.rules.scopes import (
    SOLICITED_UNITS,
)

DOC_ZH: dict[str, str] = {
    WHAT: "按单位（乡镇或县级部门；请其干部或单位类捐赠人即是请该单位）统计向其募捐的"
    "不同活动（任何形式），该单位自己组织的活动不计；多于一个即为重复募捐。对口帮扶不免除"
    "本条：结对单位之间也只能互请一次。企业、群众、乡贤和社会组织在此不算单位。",
    WHY: "工作方案禁止单位之间重复募捐：同一单位不应被不同的活动反复劝募。",
    EXAMPLE: "乡镇 T03 在 T01 的募捐活动 A1 中被募捐，又通过其干部在 D02 的倡议活动 A2 中被募捐。",
    COMPLIANT: "T03 只通过活动 A1 被募捐（在同一活动中被请两次也不算重复）；企业 E1 被两个活动募捐不算。",
}


def solicitations_of_unit(ds: Queries, unit: str) -> list[Solicitation]:
    """Solicitations aimed at a unit itself or at a donor standing for it."""
    found = list(ds.solicitations_of(unit))
    for donor in ds.donors_of_unit(unit):
        if ds.donor_unit(donor) == unit:
            found += ds.solicitations_of(donor.id)
    return found


@PACK.rule(
    doc_zh=DOC_ZH,
    code="CP102",
    name="duplicate-solicitation",
    severity=Severity.ERROR,
    cites=[cite("§三(一)", "no duplicate or repeated drives", "单位之间不得重复募捐")],
    title="The same unit is solicited through more than one activity",
    title_zh="同一单位被多个活动重复募捐",
    remedy="Ask each unit through one activity: merge the activities or withdraw the extra "
    "solicitations.",
    remedy_zh="每个单位只通过一个活动募捐：合并活动或撤回多余的募捐请求。",
    reads=["solicitations", "activities", "donors", "townships", "departments"],
    scope=SOLICITED_UNITS,
)
def duplicate_solicitation(ctx: Context, target: str) -> Iterator[Violation]:
    """
    What it checks:
    Per unit (a township or a county department; asking its cadres or its unit donor is
    asking the unit), the distinct activities of any kind through which it was solicited,
    leaving out activities the unit organised itself. More than one is a repeat. A pairing
    does not exempt: paired units may ask each other, once. Enterprises, residents, notables
    and organisations are not units here (the plan itself appeals to enterprises county-wide
    beside the townships' drives).

    Why it matters:
    The plan forbids repeated fundraising between units: one office should not be asked
    again and again by different activities.

    Example:
    Township T03 is asked in drive A1 (by T01) and, through its cadre, in appeal A2 (by D02).

    Compliant:
    T03 is asked twice within drive A1, or only through A1; enterprise E1 asked by two
    drives is not a repeat.

    References:
    county-plan §三(一).
    """
    ds = ctx.view
    drives: dict[str, list[Solicitation]] = {}
    for sol in solicitations_of_unit(ds, target):
        activity = ds.get(sol.activity_id)
        organizer = activity.organizer_id if isinstance(activity, Activity) else None
        if (organizer or sol.organizer_id) == target:
            continue
        drives.setdefault(sol.activity_id, []).append(sol)
    if len(drives) <= 1:
        return
    sols = sorted(s.id for group in drives.values() for s in group)
    names = sorted(drives)
    through = {a: sorted(s.id for s in drives[a]) for a in names}
    yield Violation(
        (target, *sols),
        f"Unit {target} is solicited through {len(drives)} activities, where one is the limit: "
        + "; ".join(f"{a} (solicitations {', '.join(ids)})" for a, ids in through.items())
        + ".",
        f"单位 {target} 通过 {len(drives)} 个活动被重复募捐（限 1 个）："
        + "；".join(f"{a}（募捐请求 {'、'.join(ids)}）" for a, ids in through.items())
        + "。",
        {"activities": names, "solicitations": sols, "limit": 1},
    )


# ---- recipes: how violating("CP102") breaks this rule --------------------------------------------
# Kinds of new activities a unit may be asked through that no other rule judges.
PLAIN_KINDS = (
    ActivityKind.DONATION_DRIVE,
    ActivityKind.SYMPOSIUM,
    ActivityKind.CHARITY,
    ActivityKind.SECTOR_RELIEF,
)


def _askers(draw: Draw, d: Draft, unit: str) -> list[str]:
    """Units that CP101 lets ask ``unit``: another department (unless a parameter forbids
    it), a paired department or township (sometimes paired here: a pairing exempts from CP101,
    never from CP102), or the unit itself asking its staff."""
    townships = [t.id for t in d.rows("townships")]
    departments = [x.id for x in d.rows("departments") if x.id != unit]
    if unit in townships:
        found = [x for x in departments if paired(d, x, unit)]
        if not found or draw.booleans():
            department = reuse(
                draw, [x for x in departments if x not in found], lambda: d.add_department(draw).id
            )
            d.add(Pairing(department_id=department, partner_id=unit))
            found.append(department)
    else:
        found = [t for t in townships if paired(d, unit, t)]
        if not d.param("forbid_department_to_department"):
            found += departments
        if not found:
            township = draw.pick(townships)
            d.add(Pairing(department_id=unit, partner_id=township))
            found.append(township)
    return [*found, unit]


def _kept(activity: Activity) -> bool:
    """Activities other recipes never take away (they remove ceremonies and leader visits),
    so a campaign broken by several recipes keeps every reference whole."""
    return activity.kind in PLAIN_KINDS


def _new_activity(draw: Draw, d: Draft, organizer: str) -> Callable[[], Activity]:
    """How to make a new activity of a plain kind organised by ``organizer``."""
    return lambda: d.add_activity(draw, draw.pick(PLAIN_KINDS), organizer)


@PACK.breaks("CP102")
def ask_a_unit_twice(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """A unit — a township, or a department, perhaps paired with its askers — asked through
    two or three different activities of any kind (new ones, or ones already held), itself
    or through cadre and unit donors standing for it; sometimes also asking its own staff in
    an activity of its own, which does not count."""
    fresh = [u for u in d.units() if not solicitations_of_unit(d, u)]
    unit = reuse(
        draw,
        fresh,
        lambda: d.add_township(draw).id if draw.booleans() else d.add_department(draw).id,
    )
    askers = _askers(draw, d, unit)
    used: set[str] = set()
    planted: list[str] = []
    for _ in range(draw.integers(2, 3)):
        asker = draw.pick(askers)
        if asker == unit:  # the unit asks its staff, in an activity someone else organised
            held = [
                a
                for a in d.rows("activities")
                if a.organizer_id not in (None, unit) and a.id not in used and _kept(a)
            ]
            organizer = draw.pick([u for u in d.units() if u != unit])
            activity = reuse(draw, held, _new_activity(draw, d, organizer))
            target = d.add_donor(
                draw, draw.pick((DonorKind.CADRE, DonorKind.UNIT)), unit_id=unit
            ).id
        else:
            held = [
                a
                for a in d.rows("activities")
                if a.organizer_id in (None, asker) and a.id not in used and _kept(a)
            ]
            activity = reuse(draw, held, _new_activity(draw, d, asker))
            target = standing_for(draw, d, unit)
        used.add(activity.id)
        planted.append(d.add_solicitation(draw, activity, target, organizer=asker).id)
    if draw.booleans():  # the unit's own activity asking its own staff: not a repeat
        own = d.add_activity(draw, draw.pick(PLAIN_KINDS), unit)
        staff = d.add_donor(draw, draw.pick((DonorKind.CADRE, DonorKind.UNIT)), unit_id=unit)
        d.add_solicitation(draw, own, staff.id)
    return (unit, *sorted(planted))


# ---- the statement of the columnar engine --------------------------------------------------------
# Each unit a solicitation targets (itself or through a cadre or unit donor: ``unit_of``),
# and the distinct activities (``None`` counting as one) it was asked through, those it
# organised itself left out (the activity's organiser, else the solicitation's).
PACK.sql(
    "CP102",
    """
    WITH asked AS (
        SELECT s.campaign_id, u.unit_id, s.activity_id,
            (COALESCE(a.organizer_id, s.organizer_id) = u.unit_id) IS NOT TRUE AS counts
        FROM solicitations s
        JOIN unit_of u ON u.campaign_id = s.campaign_id AND u.id = s.target_id
        LEFT JOIN activities a ON a.campaign_id = s.campaign_id AND a.id = s.activity_id
    )
    SELECT campaign_id, unit_id AS subject_id,
        COUNT(DISTINCT CASE WHEN counts THEN activity_id END)
            + MAX(CASE WHEN counts AND activity_id IS NULL THEN 1 ELSE 0 END) > 1 AS flagged
    FROM asked
    GROUP BY campaign_id, unit_id
    """,
)
