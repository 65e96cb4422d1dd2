"""Rule TP404, work-team-understaffed-or-short: declaration, judge, texts (en, zh) and
recipes."""

from __future__ import annotations

from collections.abc import Iterator

import pendulum

from reliefkit.models import WorkTeam
from reliefkit.rules._core import Context, Severity, Violation
from reliefkit.rules.recipes import Draft, Draw, Subjects
from reliefkit.rules.targeted_poverty._pack import (
    COMPLIANT,
    EXAMPLE,
    PACK,
    TEAM_ERA,
    TEAMS,
    WHAT,
    WHY,
    WORK_TEAMS,
    cite,
    era_day,
    iso,
    run_into,
)

DOC_ZH: dict[str, str] = {
    WHAT: "2017年1月1日起派驻的驻村工作队（按 ``starts_on`` 判断）至少有3名队员"
    "（参数 ``team_min_members``），每期驻村至少2年（参数 ``team_min_term_years``）："
    "``ends_on`` 不早于 ``starts_on`` 加2年的前一天（两端都计入）。"
    "队员数为空的不判断人数；``ends_on`` 为空（仍在驻村）的不判断期限。",
    WHY: "2017年起的驻村工作队选派要求：工作队一般不少于3人，每期驻村时间不少于2年，"
    "以保证帮扶力量和连续性。",
    EXAMPLE: "工作队 W1 于 2017-03-01 进驻，只有2名队员，2018-02-28 撤离（不足2年）。",
    COMPLIANT: "W1 有3名队员，驻村至 2019-02-28。",
}


def _term_end(team: WorkTeam, years: int) -> pendulum.Date:
    """The last day a term of ``years`` from the team's first day reaches (both ends
    counted): the day before the same date ``years`` later."""
    return team.starts_on.add(years=years).subtract(days=1)


def _judged(ctx: Context, team: WorkTeam) -> bool:
    """A team whose members or last day is recorded."""
    return team.members is not None or team.ends_on is not None


@PACK.rule(
    doc_zh=DOC_ZH,
    code="TP404",
    name="work-team-understaffed-or-short",
    severity=Severity.WARNING,
    cites=[
        cite(
            TEAMS,
            "team composition and term",
            "a work team stationed from 2017 has at least three members and serves at least "
            "two years",
            "2017年起驻村工作队一般不少于3人，每期驻村时间不少于2年",
            confidence="V2",
            in_force=TEAM_ERA,
        )
    ],
    title="A work team has too few members or too short a term",
    title_zh="驻村工作队人数不足或驻村期限过短",
    remedy="Staff the team with enough members and keep it stationed for the full term.",
    remedy_zh="补足工作队队员，并保证驻村满规定期限。",
    reads=["work_teams"],
    scope=WORK_TEAMS,
    where=_judged,
    params=["team_min_members", "team_min_term_years"],
    in_force=TEAM_ERA,
    dated=lambda team: team.starts_on,
)
def work_team_understaffed_or_short(ctx: Context, team: WorkTeam) -> Iterator[Violation]:
    """
    What it checks:
    A work team stationed from 2017-01-01 (by ``starts_on``) has at least three members
    (``team_min_members``) and a term of at least two years (``team_min_term_years``):
    ``ends_on`` is on or after the day before the same date two years after ``starts_on``
    (both ends count). A team whose ``members`` is empty is not judged on its size, one whose
    ``ends_on`` is empty (still stationed) not on its term. Teams stationed before 2017 are
    not judged.

    Why it matters:
    From 2017 the national guideline on stationed teams asks for at least three members per
    team and terms of at least two years, so that assistance is staffed and continuous.

    Example:
    Team W1 arrives on 2017-03-01 with two members and leaves on 2018-02-28, short of two
    years.

    Compliant:
    W1 has three members and stays until 2019-02-28.

    References:
    work-team guideline 2017, team composition and term [V2].
    """
    least: int = ctx.param("team_min_members")
    years: int = ctx.param("team_min_term_years")
    problems: list[tuple[str, str]] = []
    if team.members is not None and team.members < least:
        problems.append(
            (
                f"it has {team.members} members, fewer than {least}",
                f"队员 {team.members} 人，少于 {least} 人",
            )
        )
    if team.ends_on is not None and team.ends_on < _term_end(team, years):
        problems.append(
            (
                f"its term from {iso(team.starts_on)} to {iso(team.ends_on)} is shorter than "
                f"{years} years (it would end on {iso(_term_end(team, years))} at the earliest)",
                f"驻村期限 {iso(team.starts_on)} 至 {iso(team.ends_on)} 不足 {years} 年"
                f"（最早应至 {iso(_term_end(team, years))}）",
            )
        )
    if not problems:
        return
    yield Violation(
        (team.id,),
        f"Work team {team.id} in village {team.village_id}, stationed from "
        f"{iso(team.starts_on)}: {'; '.join(en for en, _ in problems)}.",
        f"驻村工作队 {team.id}（村 {team.village_id}，{iso(team.starts_on)} 起驻村）："
        f"{'；'.join(zh for _, zh in problems)}。",
        {"members": team.members, "starts_on": team.starts_on, "ends_on": team.ends_on},
    )


# ---- recipes: how violating("TP404") breaks this rule --------------------------------------------
@PACK.breaks("TP404")
def station_a_small_or_short_team(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """A work team stationed in 2017 with too few members or too short a term (the campaign
    is made to run into 2017, so that the rule is in force for it)."""
    least: int = d.param("team_min_members")
    years: int = d.param("team_min_term_years")
    start = era_day(draw, TEAM_ERA, 2017)
    run_into(d, pendulum.Date(2017, 12, 31))
    ways = ["term", *(["members"] if least > 1 else [])]
    way = draw.pick(ways)
    full = start.add(years=years).subtract(days=1)
    if way == "members":
        members = draw.integers(1, least - 1)
        ends_on = draw.pick([None, full, full.add(days=draw.integers(1, 400))])
    else:
        members = draw.integers(least, least + 5)
        ends_on = draw.day(start, full.subtract(days=1))
    team = d.add(
        WorkTeam(
            id=d.new_id("W"),
            village_id=draw.pick(d.rows("villages")).id,
            dispatched_by=draw.maybe(d.units()),
            members=members,
            starts_on=start,
            ends_on=ends_on,
        )
    )
    return (team.id,)


# ---- the statement of the columnar engine --------------------------------------------------------
# Reach: a team stationed within the rule's era (by ``starts_on``) whose members or last day
# is recorded. Flagged: fewer members than the least, or a last day before ``_term_end``, the
# day before the same date ``years`` later (29 February becoming 28 February in a common
# year, as pendulum adds years): ``ends_on + 1 < starts_on + years``, compared as
# year·10000 + month·100 + day.
PACK.sql(
    "TP404",
    """
    WITH reach AS (
        SELECT w.campaign_id, w.id, w.members, w.ends_on,
            p.team_min_members AS least,
            EXTRACT(YEAR FROM w.starts_on) + p.team_min_term_years AS term_year,
            EXTRACT(MONTH FROM w.starts_on) AS term_month,
            EXTRACT(DAY FROM w.starts_on) AS start_day
        FROM work_teams w
        JOIN params p ON p.campaign_id = w.campaign_id
        JOIN rule_eras r ON r.code = 'TP404'
        WHERE (w.members IS NOT NULL OR w.ends_on IS NOT NULL)
            AND r.since <= w.starts_on
            AND (r.until IS NULL OR w.starts_on <= r.until)
    ),
    terms AS (
        SELECT x.campaign_id, x.id, x.members, x.least,
            CASE
                WHEN x.ends_on IS NULL THEN NULL
                ELSE EXTRACT(YEAR FROM x.ends_on + 1) * 10000
                    + EXTRACT(MONTH FROM x.ends_on + 1) * 100
                    + EXTRACT(DAY FROM x.ends_on + 1)
            END AS after_end,
            x.term_year * 10000 + x.term_month * 100
                + CASE
                    WHEN x.term_month = 2
                        AND x.start_day = 29
                        AND NOT (
                            (x.term_year % 4 = 0 AND x.term_year % 100 <> 0)
                            OR x.term_year % 400 = 0
                        )
                    THEN 28
                    ELSE x.start_day
                END AS term_end_after
        FROM reach x
    )
    SELECT t.campaign_id, t.id AS subject_id,
        COALESCE(t.members < t.least, FALSE)
            OR COALESCE(t.after_end < t.term_end_after, FALSE) AS flagged
    FROM terms t
    """,
)
