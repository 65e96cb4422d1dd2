"""Rule RK001, invalid-waiver: declaration, judge and texts (en, zh)."""

from __future__ import annotations

from collections.abc import Iterator

from reliefkit.models import Waiver
from reliefkit.rules._core import Context, Severity, Violation
from reliefkit.rules.scopes import WAIVERS
from reliefkit.rules.waivers._pack import (
    COMPLIANT,
    EXAMPLE,
    INVALID_GRANTOR,
    PACK,
    UNKNOWN_CODE,
    WHAT,
    WHY,
    cite,
    problem_of,
)

DOC_ZH: dict[str, str] = {
    WHAT: "每份豁免都由县扶贫开发领导小组（部门类别为 ``leading_group``，可由参数调整）批准，且所指规则存在。",
    WHY: "只有领导小组有权豁免一项检查结果；其他单位的豁免或指向不存在规则的豁免不起作用。",
    EXAMPLE: "豁免 W1 由乡镇 T01 批准，或指向规则 CP999。",
    COMPLIANT: "W1 由领导小组办公室 LG 批准，指向 CP109。",
}


@PACK.rule(
    code="RK001",
    name="invalid-waiver",
    severity=Severity.ERROR,
    cites=[cite("only the county leading group grants waivers, for a known rule")],
    title="A waiver not granted by the county leading group, or naming no known rule",
    title_zh="豁免并非由县扶贫开发领导小组批准，或所指规则不存在",
    remedy="Have the leading group office grant the waiver, and name an existing rule code.",
    remedy_zh="由县扶贫开发领导小组办公室批准豁免，并写明存在的规则代码。",
    reads=["waivers", "departments"],
    scope=WAIVERS,
    params=["grantor_sector"],
    doc_zh=DOC_ZH,
)
def invalid_waiver(ctx: Context, waiver: Waiver) -> Iterator[Violation]:
    """
    What it checks:
    Every waiver is granted by a department of the leading-group sector (a parameter) and
    names a rule code the registry knows.

    Why it matters:
    Only the leading group may exempt a finding; a waiver from anyone else, or for a rule
    that does not exist, exempts nothing.

    Example:
    Waiver W1 is granted by township T01, or names rule CP999.

    Compliant:
    W1 is granted by the leading group office LG and names CP109.

    References:
    data-format waivers.csv.
    """
    problem = problem_of(ctx, waiver)
    evidence = {"waived_code": waiver.code, "subject": waiver.subject_id}
    if problem == INVALID_GRANTOR:
        yield Violation(
            (waiver.id,),
            f"Waiver {waiver.id} was granted by {waiver.granted_by or 'nobody'}, not by the "
            "county leading group.",
            f"豁免 {waiver.id} 并非由县扶贫开发领导小组批准。",
            {**evidence, "granted_by": waiver.granted_by},
        )
    elif problem == UNKNOWN_CODE:
        yield Violation(
            (waiver.id,),
            f"Waiver {waiver.id} names no known rule {waiver.code!r}.",
            f"豁免 {waiver.id} 所指规则 {waiver.code} 不存在。",
            evidence,
        )
