"""Rule TP407, village-exit-above-incidence: declaration, judge, texts (en, zh) and recipes."""

from __future__ import annotations

import math
from collections.abc import Iterator

import pendulum

from reliefkit.models import Village
from reliefkit.rules._core import Context, Severity, Violation
from reliefkit.rules.recipes import Draft, Draw, Subjects
from reliefkit.rules.scopes import VILLAGES
from reliefkit.rules.targeted_poverty._pack import (
    COMPLIANT,
    EXAMPLE,
    EXIT,
    EXIT_ERA,
    PACK,
    REGIONS_ZH,
    WHAT,
    WHY,
    cite,
    era_day,
    exact,
    exit_incidence_max,
    iso,
    percent,
    rate,
    run_into,
)

DOC_ZH: dict[str, str] = {
    WHAT: "2016年4月1日起退出的贫困村（按 ``exited_on`` 判断）退出时贫困发生率"
    "（``poor_population`` / ``population``，按人数精确计算）低于2%，西部地区低于3%"
    "（参数 ``region``，重庆属西部；``exit_incidence_max``、``exit_incidence_max_western``）。"
    "人口或贫困人口为空、或人口为0的村不判断。",
    WHY: "贫困村退出以贫困发生率为主要衡量标准；未降到标准以下就退出，属于虚假脱贫。",
    EXAMPLE: "西部地区的村 V1 于 2016-12-20 退出，1000人中仍有40人贫困（4%），不低于3%。",
    COMPLIANT: "V1 退出时1000人中有20人贫困（2%），低于3%。",
}


def _exited(ctx: Context, village: Village) -> bool:
    """A village that exited, whose population and poor people are recorded."""
    return (
        village.exited_on is not None
        and village.population is not None
        and village.population > 0
        and village.poor_population is not None
    )


@PACK.rule(
    doc_zh=DOC_ZH,
    code="TP407",
    name="village-exit-above-incidence",
    severity=Severity.ERROR,
    cites=[
        cite(
            EXIT,
            "village exit",
            "a poor village exits when its poverty incidence is below 2% (3% in the western "
            "region)",
            "贫困村退出以贫困发生率为主要衡量标准，原则上降至2%以下（西部地区3%以下）",
            confidence="V2",
            in_force=EXIT_ERA,
        )
    ],
    title="A village exited with poverty incidence at or above the threshold",
    title_zh="贫困村退出时贫困发生率未降到标准以下",
    remedy="Reopen the village's exit until its poverty incidence is below the threshold.",
    remedy_zh="重新评估该村退出，待贫困发生率降至标准以下再退出。",
    reads=["villages"],
    scope=VILLAGES,
    where=_exited,
    params=["region", "exit_incidence_max", "exit_incidence_max_western"],
    in_force=EXIT_ERA,
    dated=lambda village: village.exited_on,
)
def village_exit_above_incidence(ctx: Context, village: Village) -> Iterator[Violation]:
    """
    What it checks:
    A village that exited from 2016-04-01 on (by ``exited_on``) had a poverty incidence
    (``poor_population`` / ``population``, an exact fraction of the counts) below 2% at its
    exit, or below 3% in the western region (the ``region`` parameter: Chongqing is western;
    ``exit_incidence_max``, ``exit_incidence_max_western``). A village whose counts are
    empty, or whose population is 0, is not judged.

    Why it matters:
    A poor village leaves the list on its poverty incidence; one that leaves above the
    threshold exits on paper only.

    Example:
    Village V1 of the western region exits on 2016-12-20 with 40 of its 1,000 people still
    poor (4%), not below 3%.

    Compliant:
    V1 exits with 20 of 1,000 poor (2%), below 3%.

    References:
    exit opinion 2016, village exit [V2].
    """
    population, poor = village.population, village.poor_population
    if population is None or poor is None or population <= 0:
        return
    incidence = rate(poor, population)
    threshold = exit_incidence_max(ctx)
    if incidence < exact(threshold):
        return
    region = ctx.param("region")
    yield Violation(
        (village.id,),
        f"Village {village.id} (township {village.township_id}) exited on "
        f"{iso(village.exited_on)} with a poverty incidence of {percent(incidence)} ({poor} of "
        f"{population} people), not below {percent(threshold)} ({region} region).",
        f"贫困村 {village.id}（乡镇 {village.township_id}）于 {iso(village.exited_on)} 退出，"
        f"贫困发生率 {percent(incidence)}（{population} 人中 {poor} 人）"
        f"未低于 {percent(threshold)}（{REGIONS_ZH.get(region, region)}地区）。",
        {"incidence": percent(incidence), "threshold": percent(threshold), "region": region},
    )


# ---- recipes: how violating("TP407") breaks this rule --------------------------------------------
@PACK.breaks("TP407")
def exit_a_village_too_soon(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """A village that exits from April 2016 with its poverty incidence at or above the
    threshold of its region (the campaign is made to run into the exit's year)."""
    day = era_day(draw, EXIT_ERA, 2017)
    run_into(d, pendulum.Date(day.year, 12, 31))
    threshold = exit_incidence_max({n: d.param(n) for n in _PARAMS})
    population = draw.integers(100, 5000)
    poor = draw.integers(math.ceil(exact(threshold) * population), population)
    village = draw.pick(d.rows("villages"))
    d.replace(village, exited_on=day, population=population, poor_population=poor)
    return (village.id,)


_PARAMS = ("region", "exit_incidence_max", "exit_incidence_max_western")


# ---- the statement of the columnar engine --------------------------------------------------------
# Reach (``_exited``): a village that exited within the rule's era, with a population above 0
# and its poor people. Flagged: poor / population ≥ the threshold of the region
# (``exit_incidence_max``), that is poor ≥ population × threshold.
PACK.sql(
    "TP407",
    """
    SELECT v.campaign_id, v.id AS subject_id,
        v.poor_population >= v.population * CASE
            WHEN p.region = 'western' THEN p.exit_incidence_max_western
            ELSE p.exit_incidence_max
        END AS flagged
    FROM villages v
    JOIN params p ON p.campaign_id = v.campaign_id
    JOIN rule_eras r ON r.code = 'TP407'
    WHERE v.exited_on IS NOT NULL
        AND v.population IS NOT NULL
        AND v.population > 0
        AND v.poor_population IS NOT NULL
        AND r.since <= v.exited_on
        AND (r.until IS NULL OR v.exited_on <= r.until)
    """,
)
