"""Rule RK003, unused-waiver: declaration, judge and texts (en, zh)."""

from __future__ import annotations

from collections.abc import Iterator

import pendulum

from reliefkit.models import Waiver
from reliefkit.rules._core import Context, Severity, Violation
from reliefkit.rules.recipes import Draft, Draw, Subjects
from reliefkit.rules.scopes import WAIVERS
from reliefkit.rules.waivers._pack import (
    COMPLIANT,
    EXAMPLE,
    PACK,
    WHAT,
    WHY,
    cite,
    problem_of,
)
from reliefkit.rules.waivers.rk001_invalid_waiver import add_waiver, grantor

DOC_ZH: dict[str, str] = {
    WHAT: "每份有效的豁免都免除了某条已运行规则的一项检查结果（同一规则代码、同一主要对象）。",
    WHY: "不再需要的豁免应撤销，以免日后掩盖新的问题。",
    EXAMPLE: "豁免 W3 免除 V07 的 CP109，但 V07 已有驻村工作队。",
    COMPLIANT: "撤销 W3。",
}


@PACK.rule(
    code="RK003",
    name="unused-waiver",
    severity=Severity.INFO,
    cites=[cite("a waiver exempts one finding", "一项豁免对应一个问题")],
    title="A valid waiver that exempts no finding",
    title_zh="有效豁免未豁免任何问题",
    remedy="Remove the waiver: nothing needs it any more.",
    remedy_zh="撤销该豁免：已无需豁免。",
    reads=["waivers", "departments"],
    scope=WAIVERS,
    params=["grantor_sector"],
    after_all=True,
    doc_zh=DOC_ZH,
)
def unused_waiver(ctx: Context, waiver: Waiver) -> Iterator[Violation]:
    """
    What it checks:
    Once every other rule has run, each valid waiver of a rule that ran exempts a finding of
    that rule whose main subject is the waiver's subject.

    Why it matters:
    A waiver nothing needs any more should be removed, lest it hide a new problem later.

    Example:
    Waiver W3 exempts CP109 for village V07, which now has a work team.

    Compliant:
    W3 is removed.

    References:
    data-format waivers.csv.
    """
    code = waiver.code.upper()
    used = (code, waiver.subject_id) in ctx.used_waivers
    if problem_of(ctx, waiver) is None and code in ctx.ran and not used:
        yield Violation(
            (waiver.id,),
            f"Waiver {waiver.id} exempts no finding: rule {code} reports nothing on "
            f"{waiver.subject_id} as of {ctx.as_of.isoformat()}.",
            f"豁免 {waiver.id} 未豁免任何问题：截至 {ctx.as_of.isoformat()}，规则 {code} 对 "
            f"{waiver.subject_id} 没有报告问题。",
            {"waived_code": waiver.code, "subject": waiver.subject_id},
        )


# ---- recipes: how violating("RK003") breaks this rule --------------------------------------------
@PACK.breaks("RK003")
def waive_nothing(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """A valid waiver that exempts nothing (the campaign breaks no rule)."""
    until = as_of.add(days=draw.integers(0, 365))
    waiver = add_waiver(draw, d, grantor(draw, d), until)
    return (waiver.id,)
