"""Rule TP406, household-exit-unmet: declaration, judge, texts (en, zh) and recipes."""

from __future__ import annotations

from collections.abc import Iterator

import pendulum

from reliefkit.models import Household, Money
from reliefkit.rules._core import Context, Severity, Violation
from reliefkit.rules.recipes import Draft, Draw, Subjects
from reliefkit.rules.scopes import HOUSEHOLDS
from reliefkit.rules.targeted_poverty._pack import (
    COMPLIANT,
    EXAMPLE,
    EXIT,
    EXIT_ERA,
    PACK,
    WHAT,
    WHY,
    cite,
    era_day,
    iso,
    line_of,
    run_into,
)

SECURITIES: tuple[tuple[str, str, str], ...] = (
    ("secure_food", "food", "不愁吃"),
    ("secure_clothing", "clothing", "不愁穿"),
    ("secure_education", "compulsory education", "义务教育有保障"),
    ("secure_medical", "basic medical care", "基本医疗有保障"),
    ("secure_housing", "safe housing", "住房安全有保障"),
)
"""The two assurances and three guarantees (两不愁三保障): column, English, Chinese."""

STEPS: tuple[tuple[str, str, str], ...] = (
    ("exit_reviewed", "the village's review", "民主评议"),
    ("exit_verified", "verification", "核实"),
    ("exit_acknowledged", "the household's acknowledgement", "贫困户认可"),
    ("exit_noticed", "the village notice", "公示"),
)
"""The steps of the procedure, in order: column, English, Chinese."""

COLUMNS = ("exit_income", *(c for c, _, _ in SECURITIES), *(c for c, _, _ in STEPS))

DOC_ZH: dict[str, str] = {
    WHAT: "2016年4月1日起退出的贫困户（按 ``exited_on`` 判断；意见只知月份，取当月1日）："
    "退出年度人均纯收入（``exit_income``）高于当年扶贫标准（参数 ``poverty_line``，"
    "按退出年份；没有该年标准的不判断收入）；两不愁三保障（``secure_food`` 吃、"
    "``secure_clothing`` 穿、``secure_education`` 义务教育、``secure_medical`` 基本医疗、"
    "``secure_housing`` 住房安全）都已实现；经过民主评议（``exit_reviewed``）、核实"
    "（``exit_verified``）、贫困户认可（``exit_acknowledged``）和公示（``exit_noticed``），"
    "公示无异议（``exit_objection`` 不为真）。标记为“否”才算缺失，为空的不判断。",
    WHY: "贫困退出机制要求贫困户稳定超过扶贫标准且实现两不愁三保障，并经过规定程序"
    "退出，防止数字脱贫、虚假脱贫。",
    EXAMPLE: "H1 于 2016-11-30 退出，但 ``secure_housing`` 为否（住房不安全），公示期间有异议。",
    COMPLIANT: "H1 退出时五项保障都已实现，四个程序都已完成，公示无异议，"
    "2016年人均纯收入高于当年标准。",
}


def _exited(ctx: Context, household: Household) -> bool:
    """A household that exited (the era narrows it to exits from April 2016)."""
    return household.exited_on is not None


def problems_of(ctx: Context, household: Household) -> list[tuple[str, str, str]]:
    """What the exit lacks, each as (key, English, Chinese)."""
    found: list[tuple[str, str, str]] = []
    day = household.exited_on
    income = household.exit_income
    line = line_of(ctx, None if day is None else day.year)
    if income is not None and line is not None and income <= line:
        found.append(
            (
                "exit_income",
                f"its income of {income} per head in {day.year if day else ''} is not above "
                f"that year's line of {line}",
                f"{day.year if day else ''}年人均纯收入 {income} 未超过当年扶贫标准 {line}",
            )
        )
    missing = [(c, en, zh) for c, en, zh in SECURITIES if getattr(household, c) is False]
    if missing:
        found.append(
            (
                "securities",
                "it lacks " + ", ".join(en for _, en, _ in missing),
                "未实现" + "、".join(zh for _, _, zh in missing),
            )
        )
    skipped = [(c, en, zh) for c, en, zh in STEPS if getattr(household, c) is False]
    if skipped:
        found.append(
            (
                "steps",
                "it skipped " + ", ".join(en for _, en, _ in skipped),
                "未经过" + "、".join(zh for _, _, zh in skipped),
            )
        )
    if household.exit_objection is True:
        found.append(("exit_objection", "an objection was raised to the notice", "公示期间有异议"))
    return found


@PACK.rule(
    doc_zh=DOC_ZH,
    code="TP406",
    name="household-exit-unmet",
    severity=Severity.ERROR,
    cites=[
        cite(
            EXIT,
            "household exit",
            "a household exits when its income is steadily above the line and food, "
            "clothing, compulsory education, basic medical care and safe housing are assured, "
            "after a village review, verification, the household's acknowledgement and a "
            "notice without objection",
            "贫困户退出以人均纯收入稳定超过扶贫标准且两不愁三保障为标准，经民主评议、"
            "核实、贫困户认可、公示无异议后退出",
            confidence="V2",
            in_force=EXIT_ERA,
        )
    ],
    title="A household exited without meeting the exit standard or procedure",
    title_zh="贫困户退出不符合标准或程序",
    remedy="Reopen the exit: meet the income standard and the five assurances, complete the "
    "review, verification, acknowledgement and notice, and settle any objection.",
    remedy_zh="重新评估该户退出：达到收入标准和两不愁三保障，完成评议、核实、认可和公示，"
    "妥善处理异议。",
    reads=["households"],
    scope=HOUSEHOLDS,
    where=_exited,
    params=["poverty_line"],
    in_force=EXIT_ERA,
    dated=lambda household: household.exited_on,
)
def household_exit_unmet(ctx: Context, household: Household) -> Iterator[Violation]:
    """
    What it checks:
    A household that exited from 2016-04-01 on (by ``exited_on``; the opinion is known by its
    month only, and its first day is taken) exited by the standard and the procedure: its
    income per head in the year of exit (``exit_income``) is above that year's line (the
    ``poverty_line`` parameter, by the exit's year; an exit of a year the parameter does not
    hold is not judged on income); food, clothing, compulsory education, basic medical care
    and safe housing are assured (``secure_food`` … ``secure_housing``); the village
    reviewed it, it was verified, the household acknowledged it and the village posted a
    notice (``exit_reviewed``, ``exit_verified``, ``exit_acknowledged``, ``exit_noticed``);
    and no objection was raised (``exit_objection``). Only a flag recorded as false (true,
    for the objection) fails; an empty one is not judged.

    Why it matters:
    The exit mechanism lets a household leave the register only when it is out of poverty
    by income and by the five assurances (两不愁三保障), through a procedure the village can
    see, so that exits are real and not numbers.

    Example:
    H1 exits on 2016-11-30 with ``secure_housing`` false (unsafe housing), and an objection
    was raised to the notice.

    Compliant:
    H1 exits with the five assurances met, the four steps taken, no objection, and a 2016
    income above that year's line.

    References:
    exit opinion 2016, household exit [V2].
    """
    problems = problems_of(ctx, household)
    if not problems:
        return
    yield Violation(
        (household.id,),
        f"Household {household.id} (village {household.village_id}) exited on "
        f"{iso(household.exited_on)} without meeting the exit standard: "
        f"{'; '.join(en for _, en, _ in problems)}.",
        f"贫困户 {household.id}（村 {household.village_id}）于 {iso(household.exited_on)} "
        f"退出，不符合退出标准：{'；'.join(zh for _, _, zh in problems)}。",
        {"failed": [key for key, _, _ in problems], "exited_on": household.exited_on},
    )


# ---- recipes: how violating("TP406") breaks this rule --------------------------------------------
@PACK.breaks("TP406")
def exit_a_household_too_soon(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """A registered poor household that exits from April 2016 with an assurance missing, a
    step skipped, an objection raised, or (for a year with a line) its income not above the
    line; the rest of its exit in order (the campaign is made to run into the exit's year)."""
    day = era_day(draw, EXIT_ERA, 2017)
    run_into(d, pendulum.Date(day.year, 12, 31))
    lines: dict[int, Money] = d.param("poverty_line")
    line = lines.get(day.year)
    way = draw.pick(["security", "step", "objection", *(["income"] if line else [])])
    poor = d.poor_households()
    if poor and draw.booleans():
        household = draw.pick(poor)
    else:
        household = d.add_household(draw, draw.pick(d.rows("villages")).id, registered_poor=True)
    fields: dict[str, object] = dict.fromkeys(COLUMNS, True)
    fields.update(exited_on=day, exit_objection=way == "objection")
    if line is None:
        fields["exit_income"] = None
    elif way == "income":
        fields["exit_income"] = Money.fen(line.in_fen - draw.integers(0, line.in_fen))
    else:
        fields["exit_income"] = Money.fen(line.in_fen + draw.integers(1, 500_000))
    if way == "security":
        for column in draw.subset([c for c, _, _ in SECURITIES], 5, min_size=1):
            fields[column] = False
    elif way == "step":
        for column in draw.subset([c for c, _, _ in STEPS], 4, min_size=1):
            fields[column] = False
    d.replace(household, **fields)
    return (household.id,)


# ---- the statement of the columnar engine --------------------------------------------------------
# Reach: a household that exited within the rule's era. Flagged (``problems_of``): an exit
# income not above the line of the exit's year (when ``poverty_line`` holds that year: see
# ``tp_poverty_lines``), an assurance or a step recorded as false, or an objection.
PACK.sql(
    "TP406",
    """
    SELECT h.campaign_id, h.id AS subject_id,
        COALESCE(h.exit_income <= l.line, FALSE)
            OR h.secure_food IS FALSE
            OR h.secure_clothing IS FALSE
            OR h.secure_education IS FALSE
            OR h.secure_medical IS FALSE
            OR h.secure_housing IS FALSE
            OR h.exit_reviewed IS FALSE
            OR h.exit_verified IS FALSE
            OR h.exit_acknowledged IS FALSE
            OR h.exit_noticed IS FALSE
            OR h.exit_objection IS TRUE AS flagged
    FROM households h
    JOIN rule_eras r ON r.code = 'TP406'
    LEFT JOIN tp_poverty_lines l
        ON l.campaign_id = h.campaign_id
        AND l.year = CAST(EXTRACT(YEAR FROM h.exited_on) AS BIGINT)
    WHERE h.exited_on IS NOT NULL
        AND r.since <= h.exited_on
        AND (r.until IS NULL OR h.exited_on <= r.until)
    """,
)
