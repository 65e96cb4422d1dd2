"""Rule TP408, county-exit-unmet: declaration, judge, texts (en, zh) and recipes."""

from __future__ import annotations

import math
from collections.abc import Iterator
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs
import pendulum

from reliefkit.models import Campaign
from reliefkit.rules._core import Context, Severity, Violation
from reliefkit.rules.recipes import Draft, Draw, Subjects
from reliefkit.rules.targeted_poverty._pack import (
    CAMPAIGN,
    COMPLIANT,
    EXAMPLE,
    EXIT,
    EXIT_ERA,
    PACK,
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
    WHAT: "2016年4月1日起退出的贫困县（活动记录的 ``exited_on``）符合四项标准："
    "贫困发生率（``poor_population`` / ``population``）低于所在地区的标准（2%，西部3%）；"
    "错退率（``wrong_exits`` / ``sampled_exits``）低于2%；漏评率（``omissions`` / "
    "``sampled_households``）低于2%；群众认可度（``approving`` / ``surveyed``）不低于90%。"
    "比率按人数精确计算；每项只在其两个数都有、且分母大于0时判断。",
    WHY: "贫困县摘帽要经第三方评估；贫困发生率、错退率、漏评率和群众认可度是国家规定的退出标准。",
    EXAMPLE: "活动 C1 的县于 2016-12-31 退出，抽查200户已退出户，其中6户错退（3%）。",
    COMPLIANT: "抽查200户中2户错退（1%），漏评率1%，贫困发生率2.5%，群众认可度93%。",
}


@attrs.frozen
class Test:
    """One exit test: its counts' columns, its threshold parameter, and whether the rate
    must stay below the threshold (``True``) or reach it (``False``)."""

    key: str
    part: str
    whole: str
    below: bool
    en: str
    zh: str
    of: str
    of_zh: str


TESTS = (
    Test(
        "incidence",
        "poor_population",
        "population",
        True,
        "poverty incidence",
        "贫困发生率",
        "{part} of {whole} people poor",
        "{whole} 人中 {part} 人贫困",
    ),
    Test(
        "wrong_exits",
        "wrong_exits",
        "sampled_exits",
        True,
        "wrong exits",
        "错退率",
        "{part} of {whole} sampled exits wrong",
        "抽查 {whole} 户退出户中 {part} 户错退",
    ),
    Test(
        "omissions",
        "omissions",
        "sampled_households",
        True,
        "omissions",
        "漏评率",
        "{part} of {whole} sampled households left out",
        "抽查 {whole} 户中 {part} 户漏评",
    ),
    Test(
        "approval",
        "approving",
        "surveyed",
        False,
        "public approval",
        "群众认可度",
        "{part} of {whole} people surveyed approving",
        "调查 {whole} 人中 {part} 人认可",
    ),
)


def threshold_of(params: dict[str, object] | Context, test: Test) -> Decimal:
    """The threshold of one test under the campaign's parameters."""
    values = params.params if isinstance(params, Context) else params
    if test.key == "incidence":
        return exit_incidence_max(values)
    name = {
        "wrong_exits": "county_wrong_exit_max",
        "omissions": "county_omission_max",
        "approval": "county_approval_min",
    }[test.key]
    value = values[name]
    assert isinstance(value, Decimal)  # the parameter's check
    return value


def _counts(campaign: Campaign, test: Test) -> tuple[int, int] | None:
    part, whole = getattr(campaign, test.part), getattr(campaign, test.whole)
    return None if part is None or whole is None or whole <= 0 else (part, whole)


def _exited(ctx: Context, campaign: Campaign) -> bool:
    """A county that exited, with the counts of at least one test."""
    return campaign.exited_on is not None and any(_counts(campaign, t) for t in TESTS)


def fails(test: Test, share: Fraction, threshold: Decimal) -> bool:
    """Whether a rate fails its test."""
    return share >= exact(threshold) if test.below else share < exact(threshold)


@PACK.rule(
    doc_zh=DOC_ZH,
    code="TP408",
    name="county-exit-unmet",
    severity=Severity.ERROR,
    cites=[
        cite(
            EXIT,
            "county exit",
            "a poor county exits when its poverty incidence is below the regional threshold, "
            "wrong exits and omissions are each below 2% and at least 90% of people approve",
            "贫困县退出：贫困发生率低于规定标准，错退率、漏评率均低于2%，群众认可度达到90%以上",
            in_force=EXIT_ERA,
        )
    ],
    title="A county exited without meeting the exit tests",
    title_zh="贫困县退出未达到退出标准",
    remedy="Reopen the county's exit assessment until every test is met.",
    remedy_zh="重新开展贫困县退出评估，待各项标准都达到后再退出。",
    reads=["campaign"],
    scope=CAMPAIGN,
    where=_exited,
    params=[
        "region",
        "exit_incidence_max",
        "exit_incidence_max_western",
        "county_wrong_exit_max",
        "county_omission_max",
        "county_approval_min",
    ],
    in_force=EXIT_ERA,
    dated=lambda campaign: campaign.exited_on,
)
def county_exit_unmet(ctx: Context, campaign: Campaign) -> Iterator[Violation]:
    """
    What it checks:
    A county that exited from 2016-04-01 on (the campaign record's ``exited_on``) met the
    four tests: poverty incidence (``poor_population`` / ``population``) below the regional
    threshold (2%, 3% in the western region); wrong exits (``wrong_exits`` /
    ``sampled_exits``) below 2%; omissions (``omissions`` / ``sampled_households``) below 2%;
    public approval (``approving`` / ``surveyed``) at least 90%. Rates are exact fractions
    of the counts; a test is judged when both its counts are recorded and the second is
    above 0. The subject is the campaign (its id), which stands for its county.

    Why it matters:
    A county leaves the list of poor counties after an assessment by these national tests;
    one that leaves without meeting them exits on paper only.

    Example:
    The county of campaign C1 exits on 2016-12-31; of 200 exited households sampled, 6 were
    wrongly exited (3%).

    Compliant:
    2 of 200 wrongly exited (1%), omissions 1%, incidence 2.5%, approval 93%.

    References:
    exit opinion 2016, county exit.
    """
    failed: list[tuple[str, str, str]] = []
    for test in TESTS:
        counts = _counts(campaign, test)
        if counts is None:
            continue
        part, whole = counts
        share = rate(part, whole)
        threshold = threshold_of(ctx, test)
        if fails(test, share, threshold):
            bound, bound_zh = ("not below", "未低于") if test.below else ("below", "低于")
            failed.append(
                (
                    test.key,
                    f"{test.en} {percent(share)} ({test.of.format(part=part, whole=whole)}) "
                    f"is {bound} {percent(threshold)}",
                    f"{test.zh} {percent(share)}（{test.of_zh.format(part=part, whole=whole)}）"
                    f"{bound_zh} {percent(threshold)}",
                )
            )
    if not failed:
        return
    yield Violation(
        (campaign.id,),
        f"The county of campaign {campaign.id} exited on {iso(campaign.exited_on)} without "
        f"meeting the exit tests: {'; '.join(en for _, en, _ in failed)}.",
        f"活动 {campaign.id} 所在县于 {iso(campaign.exited_on)} 退出，未达到退出标准："
        f"{'；'.join(zh for _, _, zh in failed)}。",
        {"failed": [key for key, _, _ in failed]},
    )


# ---- recipes: how violating("TP408") breaks this rule --------------------------------------------
_PARAMS = (
    "region",
    "exit_incidence_max",
    "exit_incidence_max_western",
    "county_wrong_exit_max",
    "county_omission_max",
    "county_approval_min",
)


def _count(draw: Draw, test: Test, threshold: Decimal, whole: int, *, fail: bool) -> int | None:
    """A count of ``whole`` whose rate fails the test (``fail``) or passes it, if any."""
    bound = math.ceil(exact(threshold) * whole)  # the smallest count at or above the threshold
    low, high = (bound, whole) if test.below == fail else (0, bound - 1)
    return draw.integers(low, high) if low <= high else None


@PACK.breaks("TP408")
def exit_the_county_too_soon(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """The campaign's county exits from April 2016 failing one of the four tests (the
    others met, when they can be): incidence too high, too many wrong exits or omissions,
    too little approval (the campaign is made to run into the exit's year)."""
    day = era_day(draw, EXIT_ERA, 2017)
    run_into(d, pendulum.Date(day.year, 12, 31))
    params = {n: d.param(n) for n in _PARAMS}
    wholes = {t.key: draw.integers(100, 100_000) for t in TESTS}
    possible = [
        t
        for t in TESTS
        if _count(draw, t, threshold_of(params, t), wholes[t.key], fail=True) is not None
    ]
    failing = draw.pick(possible)
    counts: dict[str, Any] = {}
    for test in TESTS:
        whole = wholes[test.key]
        part = _count(draw, test, threshold_of(params, test), whole, fail=test is failing)
        counts[test.part] = part
        counts[test.whole] = whole if part is not None else None
    d.campaign = attrs.evolve(d.campaign, exited_on=day, **counts)
    return (d.campaign.id,)


# ---- the statement of the columnar engine --------------------------------------------------------
# Reach (``_exited``): the campaign, when its county exited within the rule's era with the
# counts of one test at least (both recorded, the second above 0). Flagged (``fails``): a
# rate at or above its threshold (incidence, wrong exits, omissions: part ≥ whole ×
# threshold) or, for approval, below it (part < whole × threshold).
PACK.sql(
    "TP408",
    """
    SELECT c.campaign_id, c.id AS subject_id,
        COALESCE(
            c.population > 0
                AND c.poor_population >= c.population * CASE
                    WHEN p.region = 'western' THEN p.exit_incidence_max_western
                    ELSE p.exit_incidence_max
                END,
            FALSE
        )
        OR COALESCE(
            c.sampled_exits > 0 AND c.wrong_exits >= c.sampled_exits * p.county_wrong_exit_max,
            FALSE
        )
        OR COALESCE(
            c.sampled_households > 0
                AND c.omissions >= c.sampled_households * p.county_omission_max,
            FALSE
        )
        OR COALESCE(
            c.surveyed > 0 AND c.approving < c.surveyed * p.county_approval_min, FALSE
        ) AS flagged
    FROM campaign c
    JOIN params p ON p.campaign_id = c.campaign_id
    JOIN rule_eras r ON r.code = 'TP408'
    WHERE c.exited_on IS NOT NULL
        AND r.since <= c.exited_on
        AND (r.until IS NULL OR c.exited_on <= r.until)
        AND (
            (c.poor_population IS NOT NULL AND c.population > 0)
            OR (c.wrong_exits IS NOT NULL AND c.sampled_exits > 0)
            OR (c.omissions IS NOT NULL AND c.sampled_households > 0)
            OR (c.approving IS NOT NULL AND c.surveyed > 0)
        )
    """,
)
