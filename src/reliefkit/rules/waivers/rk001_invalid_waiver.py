"""Rule RK001, invalid-waiver: declaration, judge and texts (en, zh)."""

from __future__ import annotations

from collections.abc import Iterator

import pendulum

from reliefkit._words import word
from reliefkit.models import Department, Sector, Waiver
from reliefkit.rules._core import Context, Severity, Violation
from reliefkit.rules.recipes import Draft, Draw, Subjects, reuse
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
    cites=[
        cite(
            "only the county leading group grants waivers, for a known rule",
            "豁免只能由县扶贫开发领导小组针对已有规则批准",
        )
    ],
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
            f"Waiver {waiver.id} (rule {waiver.code}, subject {waiver.subject_id}) was granted "
            f"by {_grantor(ctx, waiver)}, not by the county leading group (a department of "
            f"sector {ctx.param('grantor_sector')}).",
            f"豁免 {waiver.id}（规则 {waiver.code}，对象 {waiver.subject_id}）由"
            f"{_grantor_zh(ctx, waiver)}批准，而非县扶贫开发领导小组。",
            {**evidence, "granted_by": waiver.granted_by},
        )
    elif problem == UNKNOWN_CODE:
        yield Violation(
            (waiver.id,),
            f"Waiver {waiver.id} names rule {waiver.code!r}, which no pack run here knows "
            "(see `reliefkit rules`).",
            f"豁免 {waiver.id} 所指规则 {waiver.code} 不存在（规则列表见 `reliefkit rules`）。",
            evidence,
        )


def _grantor(ctx: Context, waiver: Waiver) -> str:
    """Who granted a waiver, in words."""
    grantor = ctx.view.get(waiver.granted_by)
    if waiver.granted_by is None:
        return "nobody recorded"
    if isinstance(grantor, Department):
        return f"{grantor.id} (a department of sector {grantor.sector.value})"
    return f"{waiver.granted_by} (not a department)"


def _grantor_zh(ctx: Context, waiver: Waiver) -> str:
    grantor = ctx.view.get(waiver.granted_by)
    if waiver.granted_by is None:
        return "未记录的单位"
    if isinstance(grantor, Department):
        return f" {grantor.id}（{word(grantor.sector, 'zh')}部门）"
    return f" {waiver.granted_by}（不是部门）"


# ---- recipes: how violating("RK001") breaks this rule --------------------------------------------
REASONS = ("因灾延期", "特殊情况，经研究同意")


def grantor(draw: Draw, d: Draft) -> str:
    """A department that may grant waivers (of the ``grantor_sector`` parameter's sector)."""
    sector = d.param("grantor_sector")
    found = [x.id for x in d.rows("departments") if x.sector.value == sector]
    return found[0] if found else d.add_department(draw, Sector(sector)).id


def add_waiver(
    draw: Draw, d: Draft, granted_by: str | None, until: pendulum.Date, code: str | None = None
) -> Waiver:
    """A waiver of ``code`` (by default a rule the campaign is checked against, other than
    the waiver rules) for a subject no waiver of that code names yet."""
    if code is None:
        code = draw.pick(sorted(c for c in d.rule_codes() if not c.startswith(PACK.prefix)))
    waived = {w.subject_id for w in d.rows("waivers") if w.code == code}  # one per key
    subject = reuse(
        draw,
        [t.id for t in d.rows("townships") if t.id not in waived]
        + [v.id for v in d.rows("villages") if v.id not in waived],
        lambda: d.new_id("X"),
    )
    return d.add(
        Waiver(
            code=code,
            subject_id=subject,
            reason=draw.pick(REASONS),
            granted_by=granted_by,
            until=until,
        )
    )


@PACK.breaks("RK001")
def grant_without_authority(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """A waiver not granted by the leading group (by someone else, or nobody), or one
    naming no rule the registry knows."""
    until = as_of.add(days=draw.integers(0, 365))
    if draw.booleans():
        sector = d.param("grantor_sector")
        others = [t.id for t in d.rows("townships")] + [
            x.id for x in d.rows("departments") if x.sector.value != sector
        ]
        waiver = add_waiver(draw, d, draw.maybe(others), until)
    else:
        unknown = [f"CP{n}" for n in range(900, 1000) if f"CP{n}" not in d.rule_codes()]
        waiver = add_waiver(draw, d, grantor(draw, d), until, code=draw.pick(unknown))
    return (waiver.id,)


# ---- the statement of the columnar engine --------------------------------------------------------
WAIVER_PROBLEMS = """
SELECT
    w.campaign_id,
    w.code || ':' || w.subject_id AS subject_id,
    CASE
        WHEN d.id IS NULL THEN 'grantor'
        WHEN k.code IS NULL THEN 'code'
        WHEN w."until" < p.as_of THEN 'expired'
    END AS problem
FROM waivers w
JOIN params p ON p.campaign_id = w.campaign_id
LEFT JOIN departments d
    ON d.campaign_id = w.campaign_id
    AND d.id = NULLIF(w.granted_by, '')
    AND d.sector = p.grantor_sector
LEFT JOIN known_codes k ON k.code = upper(w.code)
"""
"""What ``problem_of`` finds in each waiver (keyed ``CODE:subject``): 'grantor', 'code',
'expired' or NULL (valid); the codes a waiver may name are the registry's (``known_codes``)."""

PACK.view("waiver_problems", WAIVER_PROBLEMS)

PACK.sql(
    "RK001",
    """
    SELECT w.campaign_id, w.subject_id, w.problem IN ('grantor', 'code') AS flagged
    FROM waiver_problems w
    """,
)
