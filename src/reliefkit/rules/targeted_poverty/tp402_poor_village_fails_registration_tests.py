"""Rule TP402, poor-village-fails-registration-tests: declaration, judge, texts (en, zh) and
recipes."""

from __future__ import annotations

import math
from collections.abc import Iterator
from fractions import Fraction

import pendulum

from reliefkit.models import Money, Village
from reliefkit.rules._core import Context, Severity, Violation
from reliefkit.rules.recipes import Draft, Draw, Subjects
from reliefkit.rules.scopes import VILLAGES
from reliefkit.rules.targeted_poverty._pack import (
    COMPLIANT,
    EXAMPLE,
    PACK,
    REGISTRATION,
    WHAT,
    WHY,
    cite,
    exact,
    percent,
    rate,
    yuan,
)

DOC_ZH: dict[str, str] = {
    WHAT: "贫困村同时符合“一高一低一无”三项标准：贫困发生率（``poor_population`` / "
    "``population``）不低于全省贫困发生率的2倍；农民人均纯收入（``income_per_capita``）"
    "低于全省平均水平的60%；没有集体经济收入（``collective_income`` 为0）。"
    "每项只在其数据齐全时判断（人口须大于0）；数据都为空的村不判断。"
    "已退出的村（``exited_on`` 不为空）不判断：其人口数据按退出时读取，由 TP407 判断。"
    "比率按人数精确计算。",
    WHY: "贫困村按统一标准识别；不符合标准的村占用了扶贫资源，说明识别不精准。",
    EXAMPLE: "贫困村 V1 有1000人，其中50人贫困（5%），低于全省7.1%的2倍（14.2%）。",
    COMPLIANT: "V1 有1000人，其中200人贫困（20%），人均纯收入4000元（低于8332元的60%），"
    "集体经济收入为0。",
}


def _testable(ctx: Context, village: Village) -> bool:
    """A poor village that has not exited, with the data of at least one test."""
    return (
        village.poor
        and village.exited_on is None
        and (
            (bool(village.population) and village.poor_population is not None)
            or village.income_per_capita is not None
            or village.collective_income is not None
        )
    )


def failed_tests(ctx: Context, village: Village) -> list[tuple[str, str, str]]:
    """The tests the village fails, each as (name, English, Chinese) explanations."""
    failed: list[tuple[str, str, str]] = []
    population, poor = village.population, village.poor_population
    if population is not None and poor is not None and population > 0:
        share = rate(poor, population)
        least = ctx.param("poor_village_rate_multiple") * exact(
            ctx.param("provincial_poverty_rate")
        )
        if share < least:
            failed.append(
                (
                    "rate",
                    f"its poverty rate {percent(share)} ({poor} of {population}) is below "
                    f"{percent(least)}, twice the provincial rate",
                    f"贫困发生率 {percent(share)}（{population} 人中 {poor} 人）低于全省贫困"
                    f"发生率的2倍 {percent(least)}",
                )
            )
    income = village.income_per_capita
    if income is not None:
        average: Money = ctx.param("provincial_income")
        ceiling = exact(ctx.param("poor_village_income_share")) * Fraction(average.in_fen, 100)
        if Fraction(income.in_fen, 100) >= ceiling:
            failed.append(
                (
                    "income",
                    f"its income per head {income} is not below {yuan(ceiling)}, "
                    f"{percent(exact(ctx.param('poor_village_income_share')))} of the "
                    f"provincial average {average}",
                    f"农民人均纯收入 {income} 不低于全省平均水平 {average} 的 "
                    f"{percent(exact(ctx.param('poor_village_income_share')))}（{yuan(ceiling)}）",
                )
            )
    collective = village.collective_income
    if collective is not None and collective > 0:
        failed.append(
            (
                "collective",
                f"it has a collective income of {collective}",
                f"有集体经济收入 {collective}",
            )
        )
    return failed


@PACK.rule(
    doc_zh=DOC_ZH,
    code="TP402",
    name="poor-village-fails-registration-tests",
    severity=Severity.WARNING,
    cites=[
        cite(
            REGISTRATION,
            "poor villages: one high, one low, one none",
            "a poor village has a poverty rate at least twice the province's, income below "
            "60% of the province's average, and no collective income",
            "贫困村：贫困发生率比全省高一倍以上，农民人均纯收入低于全省平均水平60%，无集体经济收入",
        )
    ],
    title="A poor village does not meet the registration tests",
    title_zh="贫困村不符合识别标准",
    remedy="Check the village's figures; if it does not meet the three tests, review its "
    "registration as a poor village.",
    remedy_zh="核实该村数据；不符合“一高一低一无”标准的，复核其贫困村识别。",
    reads=["villages"],
    scope=VILLAGES,
    where=_testable,
    params=[
        "provincial_poverty_rate",
        "provincial_income",
        "poor_village_rate_multiple",
        "poor_village_income_share",
    ],
)
def poor_village_fails_registration_tests(ctx: Context, village: Village) -> Iterator[Violation]:
    """
    What it checks:
    A poor village meets the three registration tests ("one high, one low, one none"): its
    poverty rate (``poor_population`` / ``population``) is at least twice the provincial
    rate; its farmers' income per head (``income_per_capita``) is below 60% of the
    provincial average; and it has no collective income (``collective_income`` is 0). Each
    test is judged when its data are there (a rate needs a population above 0); a village
    with none of them is not judged. A
    village that has exited (``exited_on`` set) is not judged: its counts are read as those
    of its exit (TP407). Rates are exact fractions of the counts.

    Why it matters:
    Poor villages are chosen by one national standard; a village outside it takes assistance
    meant for others, and shows the registration went wrong.

    Example:
    Poor village V1 has 1,000 people of whom 50 are poor (5%), below twice the provincial
    rate of 7.1% (14.2%).

    Compliant:
    V1 has 1,000 people of whom 200 are poor (20%), an income of 4,000 yuan per head (below
    60% of 8,332) and no collective income.

    References:
    registration plan 2014, poor villages (one high, one low, one none).
    """
    failed = failed_tests(ctx, village)
    if not failed:
        return
    yield Violation(
        (village.id,),
        f"Poor village {village.id} (township {village.township_id}) does not meet the "
        f"registration tests: {'; '.join(en for _, en, _ in failed)}.",
        f"贫困村 {village.id}（乡镇 {village.township_id}）不符合识别标准："
        f"{'；'.join(zh for _, _, zh in failed)}。",
        {"failed": [name for name, _, _ in failed]},
    )


# ---- recipes: how violating("TP402") breaks this rule --------------------------------------------
def _counts(draw: Draw, least: Fraction, *, fail: bool) -> tuple[int, int] | None:
    """``(population, poor)`` whose rate is below ``least`` (``fail``) or not, if any."""
    population = draw.integers(100, 5000)
    bound = math.ceil(least * population)  # the fewest poor people meeting the test
    if fail:
        return None if bound < 1 else (population, draw.integers(0, min(bound - 1, population)))
    return None if bound > population else (population, draw.integers(bound, population))


@PACK.breaks("TP402")
def register_a_village_outside_the_tests(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """A poor village whose figures fail one of the three tests (a poverty rate too low, an
    income too high, a collective income) and meet the others: one already poor, or a new
    one."""
    least = d.param("poor_village_rate_multiple") * exact(d.param("provincial_poverty_rate"))
    average: Money = d.param("provincial_income")
    ceiling_fen = math.ceil(exact(d.param("poor_village_income_share")) * average.in_fen)
    ways = ["income", "collective", *(["rate"] if least > 0 else [])]
    way = draw.pick(ways)
    villages = d.poor_villages()
    if villages and draw.booleans():
        village = draw.pick(villages)
    else:
        village = d.add_village(draw, draw.pick(d.rows("townships")).id, poor=True)
    counts = _counts(draw, least, fail=way == "rate")
    population, poor = counts if counts is not None else (None, None)
    if way == "income":
        income: Money | None = Money.fen(draw.integers(ceiling_fen, ceiling_fen + 1_000_000))
    else:
        income = Money.fen(draw.integers(0, ceiling_fen - 1)) if ceiling_fen > 0 else None
    collective = Money.fen(draw.amount(1, 5_000_000)) if way == "collective" else Money(0)
    d.replace(
        village,
        population=population,
        poor_population=poor,
        income_per_capita=income,
        collective_income=collective,
        exited_on=None,
    )
    return (village.id,)


# ---- the statement of the columnar engine --------------------------------------------------------
# Reach (``_testable``): a poor village that has not exited, with the data of one test at
# least (a population that is not 0 with its poor people, an income, a collective income).
# Flagged (``failed_tests``), exactly: poor / population < multiple × rate, that is
# poor < population × multiple × rate (a population above 0); income ≥ share × average; a
# collective income above 0.
PACK.sql(
    "TP402",
    """
    SELECT v.campaign_id, v.id AS subject_id,
        COALESCE(
            v.population > 0
                AND v.poor_population IS NOT NULL
                AND v.poor_population
                    < v.population * p.poor_village_rate_multiple * p.provincial_poverty_rate,
            FALSE
        )
        OR COALESCE(
            v.income_per_capita >= p.poor_village_income_share * p.provincial_income, FALSE
        )
        OR COALESCE(v.collective_income > 0, FALSE) AS flagged
    FROM villages v
    JOIN params p ON p.campaign_id = v.campaign_id
    WHERE v.poor IS TRUE
        AND v.exited_on IS NULL
        AND (
            (v.population IS NOT NULL AND v.population <> 0 AND v.poor_population IS NOT NULL)
            OR v.income_per_capita IS NOT NULL
            OR v.collective_income IS NOT NULL
        )
    """,
)
