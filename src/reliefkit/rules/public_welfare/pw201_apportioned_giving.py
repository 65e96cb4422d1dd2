"""Rule PW201, apportioned-giving: declaration, judge, texts (en, zh) and recipes."""

from __future__ import annotations

from collections.abc import Iterator

import pendulum

from reliefkit.models import ActivityKind, DonorKind, Solicitation
from reliefkit.rules._core import Context, Severity, Violation
from reliefkit.rules.public_welfare._pack import (
    CL,
    COMPLIANT,
    EXAMPLE,
    PACK,
    PWDL,
    WHAT,
    WHY,
    cite,
)
from reliefkit.rules.recipes import Draft, Draw, Subjects, reuse
from reliefkit.rules.scopes import SOLICITATIONS

DOC_ZH: dict[str, str] = {
    WHAT: "募捐请求不得摊派：不规定每人或每单位必须捐的数额（额度为空或为零），也不从工资中扣款"
    "（``wage_deduction`` 不为是）。县级方案的 CP123 报告同一请求的定额时，本条让位于 CP123。",
    WHY: "捐赠须出于自愿、无偿；强行摊派或变相摊派（包括从工资中扣缴）为法律所禁止。",
    EXAMPLE: "募捐请求 S4 写明从 D02 干部的十月工资中扣捐 100 元。",
    COMPLIANT: "S4 只倡导自愿捐赠，不定额，也不扣工资。",
}


@PACK.rule(
    doc_zh=DOC_ZH,
    code="PW201",
    name="apportioned-giving",
    severity=Severity.ERROR,
    cites=[
        cite(
            PWDL,
            "Art.4",
            "giving is voluntary and free; no forced or disguised apportionment",
            "捐赠自愿无偿，禁止强行或变相摊派",
        ),
        cite(
            CL,
            "Art.32",
            "fundraising may not apportion or force donations",
            "开展募捐不得摊派或变相摊派",
        ),
        cite(
            CL,
            "Art.101",
            "a charity that apportions donations is punished",
            "慈善组织摊派或变相摊派的，依法处罚",
        ),
        cite(
            CL,
            "Art.108",
            "officials who apportion donations are punished",
            "国家机关工作人员摊派或变相摊派的，依法处分",
        ),
    ],
    title="A solicitation apportions giving (a quota or a wage deduction)",
    title_zh="募捐摊派（规定数额或扣工资）",
    remedy="Drop the quota and the wage deduction: ask for voluntary gifts of any amount.",
    remedy_zh="取消规定数额和工资扣款，倡导自愿捐赠。",
    reads=["solicitations"],
    scope=SOLICITATIONS,
    defers_to=["CP123"],
    dated=lambda sol: sol.on,
)
def apportioned_giving(ctx: Context, sol: Solicitation) -> Iterator[Violation]:
    """
    What it checks:
    No solicitation apportions giving: it sets no quota (an amount each person or unit must
    give: empty or zero is fine) and deducts nothing from wages (``wage_deduction`` not
    true). Where the county plan's CP123 reports the same solicitation's quota, this rule
    defers to it: one problem, one finding.

    Why it matters:
    Giving is voluntary and free; forced or disguised apportionment, a deduction from pay
    included, is forbidden by the donations law and, from 2016-09-01, the Charity Law.

    Example:
    Solicitation S4 deducts 100 yuan from each D02 cadre's October pay.

    Compliant:
    S4 asks for voluntary gifts, with no amount set and no deduction.

    References:
    PWDL Art.4; CL Art.32, 101, 108 (from 2016-09-01).
    """
    quota = sol.quota is not None and sol.quota.yuan > 0
    wages = sol.wage_deduction is True
    if not (quota or wages):
        return
    how = [f"a quota of {sol.quota}"] if quota else []
    how += ["a deduction from wages"] if wages else []
    how_zh = [f"规定数额 {sol.quota}"] if quota else []
    how_zh += ["从工资中扣款"] if wages else []
    yield Violation(
        (sol.id,),
        f"Solicitation {sol.id} by {sol.organizer_id} to {sol.target_id} on "
        f"{sol.on.isoformat()} apportions giving: {' and '.join(how)}; giving must be "
        "voluntary (no quota, no wage deduction).",
        f"募捐请求 {sol.id}（{sol.organizer_id} 向 {sol.target_id}，{sol.on.isoformat()}）"
        f"摊派捐赠：{'、'.join(how_zh)}；捐赠应自愿，不得定额或扣工资。",
        {"quota": sol.quota, "wage_deduction": sol.wage_deduction},
    )


# ---- recipes: how violating("PW201") breaks this rule --------------------------------------
@PACK.breaks("PW201")
def deduct_from_wages(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """A solicitation that deducts the gift from wages (no quota, so the county plan's CP123
    stays silent and this rule reports): one already made, or a new one to a donor that is
    not a unit."""
    if d.rows("solicitations") and draw.booleans():
        sol = d.replace(draw.pick(d.rows("solicitations")), wage_deduction=True)
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
    sol = d.replace(d.add_solicitation(draw, drive, donor.id), wage_deduction=True)
    return (sol.id,)


# ---- the statement of the columnar engine --------------------------------------------------
PACK.sql(
    "PW201",
    """
    SELECT
        s.campaign_id,
        s.id AS subject_id,
        (s.quota IS NOT NULL AND s.quota > 0) OR s.wage_deduction IS TRUE AS flagged
    FROM solicitations s
    JOIN rule_eras e ON e.code = 'PW201'
    WHERE s."on" IS NULL OR (s."on" >= e.since AND (e."until" IS NULL OR s."on" <= e."until"))
    """,
)
