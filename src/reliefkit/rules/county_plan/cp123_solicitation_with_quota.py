"""Rule CP123, solicitation-with-quota: declaration, judge, texts (en, zh) and recipes."""

from __future__ import annotations

from collections.abc import Iterator

import pendulum

from reliefkit.models import (
    ActivityKind,
    DonorKind,
    Money,
    Solicitation,
)
from reliefkit.rules._core import Context, Severity, Violation
from reliefkit.rules.county_plan._pack import (
    COMPLIANT,
    EXAMPLE,
    PACK,
    WHAT,
    WHY,
    cite,
)
from reliefkit.rules.recipes import Draft, Draw, Subjects, reuse
from reliefkit.rules.scopes import (
    SOLICITATIONS,
)

DOC_ZH: dict[str, str] = {
    WHAT: "募捐请求不设定额（每人或每单位必须捐的数额）；定额为空或为零均可。",
    WHY: "工作方案倡导自愿捐赠（“一次捐赠、一份爱心”）；规定数额就是摊派。",
    EXAMPLE: "募捐请求 S4 要求 D02 每名干部捐 200 元。",
    COMPLIANT: "S4 不设定额。",
}


@PACK.rule(
    doc_zh=DOC_ZH,
    code="CP123",
    name="solicitation-with-quota",
    severity=Severity.ERROR,
    cites=[
        cite(
            "§二(一)",
            "one gift, one heart: giving is voluntary",
            "捐赠量力而行，奉献爱心，自愿为主",
        ),
        cite("§二(二)", "voluntary participation", "自愿参加"),
    ],
    title="A solicitation sets a quota or mandatory amount",
    title_zh="募捐摊派或规定捐赠数额",
    remedy="Remove the quota: ask for voluntary gifts of any amount.",
    remedy_zh="取消摊派数额，倡导自愿捐赠。",
    reads=["solicitations"],
    scope=SOLICITATIONS,
)
def solicitation_with_quota(ctx: Context, sol: Solicitation) -> Iterator[Violation]:
    """
    What it checks:
    No solicitation sets a quota (a mandatory amount per person or unit); an empty or zero
    quota is fine.

    Why it matters:
    The plan promotes voluntary giving ("one gift, one heart"); apportioned amounts are levies.

    Example:
    Solicitation S4 asks each cadre of D02 for 200 yuan.

    Compliant:
    S4 sets no quota.

    References:
    county-plan §二(一), §二(二).
    """
    if sol.quota is not None and sol.quota.yuan > 0:
        quota = str(sol.quota)
        yield Violation(
            (sol.id,),
            f"Solicitation {sol.id} by {sol.organizer_id} to {sol.target_id} sets a quota of "
            f"{quota}; giving must be voluntary, with no amount set (quota empty or 0).",
            f"募捐请求 {sol.id}（{sol.organizer_id} 向 {sol.target_id}）规定了捐赠数额 {quota}；"
            "捐赠应自愿，不得规定数额（额度为空或 0）。",
            {"quota": sol.quota},
        )


# ---- recipes: how violating("CP123") breaks this rule --------------------------------------------
@PACK.breaks("CP123")
def set_a_quota(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """A solicitation with a quota: one already made, or a new one to a donor that is not a
    unit."""
    quota = Money.fen(draw.amount(1, 100_000))
    if d.rows("solicitations") and draw.booleans():
        sol = d.replace(draw.pick(d.rows("solicitations")), quota=quota)
        return (sol.id,)
    kinds = [
        k for k in DonorKind if k not in (DonorKind.CADRE, DonorKind.UNIT, DonorKind.LOCAL_NOTABLE)
    ]
    donor = d.add_donor(draw, draw.pick(kinds))
    organizer = draw.pick(d.units())
    drives = [
        a for a in d.activities_of_kind(ActivityKind.DONATION_DRIVE) if a.organizer_id == organizer
    ]
    drive = reuse(draw, drives, lambda: d.add_drive(draw, organizer))
    sol = d.replace(d.add_solicitation(draw, drive, donor.id), quota=quota)
    return (sol.id,)


# ---- the statement of the columnar engine --------------------------------------------------------
PACK.sql(
    "CP123",
    """
    SELECT s.campaign_id, s.id AS subject_id, s.quota IS NOT NULL AND s.quota > 0 AS flagged
    FROM solicitations s
    """,
)
