"""The targeted-poverty pack itself: its metadata, dated parameters, scopes and shared helpers.

Each rule lives in its own module beside this one (``tp401_registered_above_poverty_line.py``
…); the catalogue is the TP table of "more-packs" (``more-packs.md`` of the domain documents),
whose confidence marks the citations and parameters carry: ``V`` verified, ``V2`` read in a
secondary copy, ``R`` recalled (only ever a parameter, so a caller can correct it).

Eras. The pack is in force from 2014 (the national registration of poor households and
villages). TP404 applies to work teams stationed from 2017-01-01 (the 2017 guideline on team
composition). TP406–TP408 apply to exits dated from 2016-04-01: the catalogue knows only the
month of the exit-mechanism opinion (April 2016), and its first day is taken so that no exit
of that month escapes the rules.

Parameters are read on the campaign's first day, so every one is declared from the pack's
first day even when the rule reading it starts later (the rule's era, not the parameter's,
decides which acts are judged).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_FLOOR, Decimal, localcontext
from fractions import Fraction
from typing import Any

import attrs
import pendulum

from reliefkit.models import Campaign, DateRange, Money, Queries, WorkTeam
from reliefkit.rules._core import Citation, Context, Pack
from reliefkit.rules._scope import Scope, itself, record_scope
from reliefkit.rules.recipes import Draft, Draw

WHAT, WHY, EXAMPLE, COMPLIANT = "What it checks", "Why it matters", "Example", "Compliant"

EXIT_ERA = DateRange("2016-04-01")
"""Exits judged by TP406–TP408: the opinion is of April 2016 (month only known; its first
day is used)."""
TEAM_ERA = DateRange("2017-01-01")
"""Work teams judged by TP404: those stationed from 2017."""

# Sources, as the catalogue names them.
LINE = "national poverty line"
REGISTRATION = "registration plan 2014"
LGOP = "LGOP 2014"
TEAMS = "work-team guideline 2017"
EXIT = "exit opinion 2016"


def cite(
    source: str,
    clause: str,
    summary: str,
    summary_zh: str,
    *,
    confidence: str = "V",
    in_force: DateRange | None = None,
) -> Citation:
    """A clause of a national measure, with what it asks in English and in Chinese (our own
    paraphrase), the catalogue's confidence mark and, for a later measure, when it is law."""
    return Citation(source, clause, summary, summary_zh, in_force=in_force, confidence=confidence)


PACK = Pack(
    name="targeted-poverty",
    prefix="TP",
    title="Targeted poverty alleviation: registration, assistance and exit",
    title_zh="精准扶贫：建档立卡、驻村帮扶与贫困退出",
    source="National targeted poverty alleviation measures: the poverty line, the 2014 "
    "registration of poor households and villages, stationed assistance, and the 2016 exit "
    "mechanism",
    in_force=DateRange("2014-01-01"),
)


# ---- parameter checks (an override the rules cannot read is refused) ---------------------------
def _lines(value: Mapping[Any, Any]) -> None:
    if not isinstance(value, Mapping):
        raise TypeError("expected a mapping of income years to Money")
    for year, line in value.items():
        if isinstance(year, bool) or not isinstance(year, int):
            raise ValueError(f"year {year!r}: expected a year as an int (2013)")
        if not isinstance(line, Money) or line <= 0:
            raise ValueError(f"line of {year}: expected a positive Money, not {line!r}")


def _share(value: Decimal) -> None:
    if not isinstance(value, Decimal) or not 0 <= value <= 1:
        raise ValueError("expected a share as a Decimal from 0 to 1 (Decimal('0.02') is 2%)")


def _positive_money(value: Money) -> None:
    if not isinstance(value, Money) or value <= 0:
        raise ValueError("expected a positive Money")


def _positive_int(value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError("expected a whole number of at least 1")


REGIONS = ("eastern", "central", "western")
REGIONS_ZH = {"eastern": "东部", "central": "中部", "western": "西部"}


def _region(value: str) -> None:
    if value not in REGIONS:
        raise ValueError(f"expected one of {', '.join(REGIONS)}")


PACK.parameter(
    "poverty_line",
    {2013: Money(2736), 2015: Money(2855)},
    source=cite(
        LINE,
        "2,300 yuan a year at 2010 prices",
        "the rural poverty line, 2,300 yuan per head at 2010 prices, restated each year",
        "农村扶贫标准：按2010年不变价每人每年2300元，逐年折算",
    ),
    doc="The rural poverty line per head, in current yuan, by income year (TP401, TP406). "
    "2,736 for 2013 income and about 2,855 for 2015 are read in secondary copies; which year "
    "2,855 belongs to is ambiguous there (the income year or the year it was announced). "
    "Other years are not in the catalogue: a household of an income year missing here is "
    "not judged; add the year to judge it (params={'poverty_line': {..., 2016: Money(...)}}).",
    confidence="V2",
    check=_lines,
)
PACK.parameter(
    "provincial_poverty_rate",
    Decimal("0.071"),
    source=cite(
        REGISTRATION,
        "poor villages: one high",
        "a poor village's poverty rate is at least twice the province's",
        "贫困村贫困发生率比全省高一倍以上",
    ),
    doc="The province's rural poverty rate at registration (Chongqing by default), as a "
    "share: recalled, not verified; give the province's own figure.",
    confidence="R",
    check=_share,
)
PACK.parameter(
    "provincial_income",
    Money(8332),
    source=cite(
        REGISTRATION,
        "poor villages: one low",
        "a poor village's income per head is below 60% of the province's average",
        "贫困村农民人均纯收入低于全省平均水平的60%",
    ),
    doc="The province's average rural net income per head in the reference year (Chongqing, "
    "2013, by default): recalled, not verified; give the province's own figure.",
    confidence="R",
    check=_positive_money,
)
PACK.parameter(
    "poor_village_rate_multiple",
    2,
    source=cite(
        REGISTRATION,
        "poor villages: one high",
        "a poor village's poverty rate is at least twice the province's",
        "贫困村贫困发生率比全省高一倍以上",
    ),
    doc="How many times the provincial poverty rate a poor village's rate reaches at least "
    "('higher by one fold' read as twice).",
    check=_positive_int,
)
PACK.parameter(
    "poor_village_income_share",
    Decimal("0.6"),
    source=cite(
        REGISTRATION,
        "poor villages: one low",
        "a poor village's income per head is below 60% of the province's average",
        "贫困村农民人均纯收入低于全省平均水平的60%",
    ),
    doc="The share of the provincial average income a poor village's income stays below.",
    check=_share,
)
PACK.parameter(
    "team_min_members",
    3,
    source=cite(
        TEAMS,
        "team composition",
        "a work team has at least three members",
        "驻村工作队一般不少于3人",
        confidence="V2",
        in_force=TEAM_ERA,
    ),
    doc="The fewest members of a work team stationed from 2017 (TP404).",
    confidence="V2",
    check=_positive_int,
)
PACK.parameter(
    "team_min_term_years",
    2,
    source=cite(
        TEAMS,
        "team term",
        "each stationing lasts at least two years",
        "每期驻村时间不少于2年",
        confidence="V2",
        in_force=TEAM_ERA,
    ),
    doc="The shortest term, in years, of a work team stationed from 2017 (TP404).",
    confidence="V2",
    check=_positive_int,
)
PACK.parameter(
    "region",
    "western",
    source=cite(
        EXIT,
        "village and county exit",
        "the western region exits at a higher incidence",
        "西部地区贫困发生率退出标准放宽",
        confidence="V2",
        in_force=EXIT_ERA,
    ),
    doc="The region of the campaign's county: eastern, central or western (Chongqing is "
    "western), which decides the exit incidence of TP407 and TP408.",
    confidence="V2",
    check=_region,
)
PACK.parameter(
    "exit_incidence_max",
    Decimal("0.02"),
    source=cite(
        EXIT,
        "village and county exit",
        "a village or county exits with poverty incidence below 2%",
        "贫困村、贫困县退出时贫困发生率低于2%",
        confidence="V2",
        in_force=EXIT_ERA,
    ),
    doc="The poverty incidence a village or county exits below, outside the western region.",
    confidence="V2",
    check=_share,
)
PACK.parameter(
    "exit_incidence_max_western",
    Decimal("0.03"),
    source=cite(
        EXIT,
        "village and county exit",
        "in the western region, below 3%",
        "西部地区低于3%",
        confidence="V2",
        in_force=EXIT_ERA,
    ),
    doc="The poverty incidence a village or county of the western region exits below.",
    confidence="V2",
    check=_share,
)
PACK.parameter(
    "county_wrong_exit_max",
    Decimal("0.02"),
    source=cite(
        EXIT,
        "county exit",
        "wrongly exited households below 2% of those sampled",
        "错退率低于2%",
        in_force=EXIT_ERA,
    ),
    doc="The share of sampled exited households found wrongly exited a county stays below.",
    check=_share,
)
PACK.parameter(
    "county_omission_max",
    Decimal("0.02"),
    source=cite(
        EXIT,
        "county exit",
        "poor households left off the register below 2% of those sampled",
        "漏评率低于2%",
        in_force=EXIT_ERA,
    ),
    doc="The share of sampled households found left out of the register a county stays below.",
    check=_share,
)
PACK.parameter(
    "county_approval_min",
    Decimal("0.9"),
    source=cite(
        EXIT,
        "county exit",
        "at least 90% of people surveyed approve of the exit",
        "群众认可度达到90%以上",
        in_force=EXIT_ERA,
    ),
    doc="The share of people surveyed who approve of the county's exit, at least.",
    check=_share,
)


# ---- scopes the shared ones do not cover -------------------------------------------------------
WORK_TEAMS: Scope[WorkTeam] = record_scope("work_teams", WorkTeam, "Each work team.")


def _campaign(view: Queries, key: str) -> Campaign | None:
    return view.campaign if key == view.campaign.id else None


CAMPAIGN: Scope[Campaign] = Scope(
    name="campaign",
    doc="The campaign itself (its county's exit assessment); its key is the campaign's id.",
    subjects=lambda view: (view.campaign,),
    key=lambda campaign: campaign.id,
    fetch=_campaign,
    # The campaign record is never replaced by a change (a new campaign is a new dataset).
    changes={"campaign": itself},
)


# ---- shared helpers --------------------------------------------------------------------------
def ids_of(records: Iterable[Any]) -> tuple[str, ...]:
    """The records' ids, sorted."""
    return tuple(sorted(r.id for r in records))


def iso(day: pendulum.Date | None) -> str:
    """A date as ISO text, or a dash."""
    return day.isoformat() if day is not None else "—"


def rate(part: int, whole: int) -> Fraction:
    """``part / whole`` exactly (``whole`` is positive)."""
    return Fraction(part, whole)


def exact(value: Decimal | int) -> Fraction:
    """A parameter (a share or a multiple) as an exact fraction."""
    return Fraction(value)


def percent(value: Fraction | Decimal | int) -> str:
    """A share as a percentage for a message: ``Fraction(1, 40)`` is ``2.5%``.

    Rounded down to two places, so a shown value never crosses a threshold the other way
    (a rate of 1.999…% is never shown as 2%, nor 89.99…% approval as 90%).
    """
    share = Fraction(value)
    with localcontext() as decimals:
        decimals.prec = 40
        shown = (Decimal(share.numerator) * 100 / Decimal(share.denominator)).quantize(
            Decimal("0.01"), rounding=ROUND_FLOOR
        )
    text = f"{shown:f}".rstrip("0").rstrip(".")
    return f"{text}%"


def yuan(value: Money | Fraction) -> str:
    """An amount for a message: ``¥2,736.00`` (a fraction of fen is rounded down)."""
    if isinstance(value, Money):
        return str(value)
    return str(Money.fen(int(value * 100) if value >= 0 else -int(-value * 100)))


def exit_incidence_max(ctx: Context | Mapping[str, Any]) -> Decimal:
    """The poverty incidence a village or county of the campaign's region exits below."""
    params: Mapping[str, Any] = ctx.params if isinstance(ctx, Context) else ctx
    if params["region"] == "western":
        return Decimal(params["exit_incidence_max_western"])
    return Decimal(params["exit_incidence_max"])


def line_of(ctx: Context, year: int | None) -> Money | None:
    """The poverty line of an income year, or ``None`` when the parameter has no such year."""
    lines: Mapping[int, Money] = ctx.param("poverty_line")
    return None if year is None else lines.get(year)


# ---- recipes' helpers ---------------------------------------------------------------------------
def run_into(d: Draft, day: pendulum.Date) -> None:
    """Let the draft's campaign run until ``day`` at least, so that a rule whose era starts
    later (an exit from April 2016, a team of 2017) is in force for it. Generated campaigns
    are of 2015; their other records keep their dates, so they stay compliant."""
    campaign = d.campaign
    if campaign.ends_on < day:
        d.campaign = attrs.evolve(campaign, ends_on=day)


def era_day(draw: Draw, era: DateRange, year_end: int) -> pendulum.Date:
    """A day from the era's first day to the end of ``year_end``."""
    start = era.starts_on
    assert start is not None  # the eras here have a first day
    return draw.day(start, pendulum.Date(year_end, 12, 31))


# ---- what the statements of the columnar engine share ---------------------------------------
POVERTY_LINES_VIEW = "tp_poverty_lines"
"""The view of the poverty line of each income year (``line_of``)."""

PACK.view(
    POVERTY_LINES_VIEW,
    """
    SELECT m.campaign_id, CAST(m.key AS BIGINT) AS year, CAST(m.value AS DECIMAL(38, 2)) AS line
    FROM param_map m
    WHERE m.name = 'poverty_line'
    """,
)
"""``campaign_id, year, line``: each year ``poverty_line`` holds a line for, with it."""
