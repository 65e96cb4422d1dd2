"""Rule TP401, registered-above-poverty-line: declaration, judge, texts (en, zh) and recipes."""

from __future__ import annotations

from collections.abc import Iterator

import pendulum

from reliefkit.models import Household, Money
from reliefkit.rules._core import Context, Severity, Violation
from reliefkit.rules.recipes import Bounds, Draft, Draw, Subjects
from reliefkit.rules.scopes import HOUSEHOLDS
from reliefkit.rules.targeted_poverty._pack import (
    COMPLIANT,
    EXAMPLE,
    LINE,
    PACK,
    WHAT,
    WHY,
    cite,
    line_of,
)

DOC_ZH: dict[str, str] = {
    WHAT: "建档立卡贫困户在其收入年度（``income_year``）的人均纯收入（``income_per_capita``）"
    "低于该年度的国家扶贫标准（参数 ``poverty_line``，按收入年度）。收入或年度为空，"
    "或该年度没有扶贫标准的农户不判断。",
    WHY: "建档立卡识别的是收入低于扶贫标准的农户；收入不低于标准的农户被识别为贫困户，"
    "说明识别不精准。",
    EXAMPLE: "贫困户 H1 以2013年收入登记，人均纯收入3000元，不低于当年标准2736元。",
    COMPLIANT: "H1 的2013年人均纯收入为2500元，低于2736元。",
}


def _judged(ctx: Context, household: Household) -> bool:
    """A registered poor household whose income and its year are known, of a year with a
    line."""
    return (
        household.registered_poor
        and household.income_per_capita is not None
        and line_of(ctx, household.income_year) is not None
    )


@PACK.rule(
    doc_zh=DOC_ZH,
    code="TP401",
    name="registered-above-poverty-line",
    severity=Severity.WARNING,
    cites=[
        cite(
            LINE,
            "2,300 yuan a year at 2010 prices",
            "a household is registered poor when its income per head is below the line",
            "人均纯收入低于国家扶贫标准的农户识别为贫困户",
        )
    ],
    title="A registered poor household's income was not below the poverty line",
    title_zh="建档立卡贫困户收入不低于扶贫标准",
    remedy="Check the household's income; if it was above the line of its income year, "
    "correct the registration (or record the reason it was registered).",
    remedy_zh="核实该户收入；如高于收入年度的扶贫标准，纠正识别结果（或记录识别理由）。",
    reads=["households"],
    scope=HOUSEHOLDS,
    where=_judged,
    params=["poverty_line"],
)
def registered_above_poverty_line(ctx: Context, household: Household) -> Iterator[Violation]:
    """
    What it checks:
    A registered poor household's net income per head (``income_per_capita``) in its
    reference year (``income_year``) was below the national poverty line of that year (the
    ``poverty_line`` parameter, by income year). A household whose income or year is empty,
    or of a year the parameter does not hold, is not judged.

    Why it matters:
    Registration (建档立卡) names the households whose income is below the line; one at or
    above it on the register means the targeting went wrong.

    Example:
    Household H1 was registered on its 2013 income of 3,000 yuan per head, not below that
    year's line of 2,736.

    Compliant:
    H1's 2013 income was 2,500 yuan per head, below 2,736.

    References:
    national poverty line (2,300 yuan at 2010 prices; 2,736 for 2013 income [V2]).
    """
    year = household.income_year
    line = line_of(ctx, year)
    income = household.income_per_capita
    if line is None or income is None or income < line:
        return
    yield Violation(
        (household.id,),
        f"Registered poor household {household.id} (village {household.village_id}) had an "
        f"income of {income} per head in {year}, not below that year's poverty line of {line}.",
        f"建档立卡贫困户 {household.id}（村 {household.village_id}）{year}年人均纯收入 "
        f"{income}，不低于当年扶贫标准 {line}。",
        {"income_per_capita": income, "income_year": year, "poverty_line": line},
    )


# ---- recipes: how violating("TP401") breaks this rule --------------------------------------------
def _no_line(bounds: Bounds) -> str | None:
    if not bounds.params.get("poverty_line"):
        return "the poverty_line parameter holds no income year"
    return None


@PACK.breaks("TP401", impossible=_no_line)
def register_a_household_above_the_line(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """A registered poor household whose income of a year with a line is at or above that
    line: one already registered, or a new one."""
    lines: dict[int, Money] = d.param("poverty_line")
    year = draw.pick(sorted(lines))
    line = lines[year]
    poor = d.poor_households()
    if poor and draw.booleans():
        household = draw.pick(poor)
    else:
        household = d.add_household(draw, draw.pick(d.rows("villages")).id, registered_poor=True)
    income = Money.fen(line.in_fen + draw.integers(0, 500_000))
    d.replace(household, income_per_capita=income, income_year=year)
    return (household.id,)


# ---- the statement of the columnar engine --------------------------------------------------------
# Reach (``_judged``): a registered poor household with an income, of a year the
# ``poverty_line`` parameter holds (``tp_poverty_lines``). Flagged: the income is not below it.
PACK.sql(
    "TP401",
    """
    SELECT h.campaign_id, h.id AS subject_id, h.income_per_capita >= l.line AS flagged
    FROM households h
    JOIN tp_poverty_lines l ON l.campaign_id = h.campaign_id AND l.year = h.income_year
    WHERE h.registered_poor IS TRUE AND h.income_per_capita IS NOT NULL
    """,
)
