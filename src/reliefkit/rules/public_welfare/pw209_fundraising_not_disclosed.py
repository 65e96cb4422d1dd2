"""Rule PW209, fundraising-not-disclosed: declaration, judge, texts (en, zh) and recipes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pendulum

from reliefkit.models import DateRange, Fund, FundHolder
from reliefkit.rules._core import Context, Kind, Severity, Violation
from reliefkit.rules.public_welfare._pack import (
    ART72,
    CL,
    CL_START,
    COMPLIANT,
    EXAMPLE,
    PACK,
    WHAT,
    WHY,
    charity_law_acts,
    cite,
    run_into_charity_law,
)
from reliefkit.rules.recipes import Draft, Draw, Subjects
from reliefkit.rules.scopes import FUNDS

DOC_ZH: dict[str, str] = {
    WHAT: "登记了开始募捐日期（``opened_on``）和已公开次数（``disclosures``）的资金："
    "2016 年 9 月 1 日起募捐持续超过 6 个月的，至少每 3 个月公开一次——公开次数不少于"
    "持续整月数除以 3 取整（仍在募捐的按查看日计算，慈善法施行前的时间不计）；"
    "募捐结束（``closed_on``）后 3 个月内全面公开（``final_disclosed_on``）。"
    "月数均为参数。",
    WHY: "慈善法要求公开募捐周期超过六个月的至少每三个月公开一次募捐情况，"
    "结束后三个月内全面、详细公开募得款物和使用情况。",
    EXAMPLE: "资金 F5 于 2016 年 9 月 1 日开始募捐，到 2017 年 6 月 30 日仍在募捐（9 个整月），"
    "只公开过 1 次（应至少 3 次）。",
    COMPLIANT: "F5 已公开 3 次；或于 2016 年 12 月 31 日结束并在 2017 年 3 月 31 日前全面公开。",
}


def tracked(ctx: Context, fund: Fund) -> bool:
    """A fund whose start of fundraising and count of disclosures are recorded."""
    return fund.opened_on is not None and fund.disclosures is not None


def whole_months(start: pendulum.Date, end: pendulum.Date) -> int:
    """The whole months from ``start`` to ``end``: the most ``n`` with ``start.add(months=n)``
    on or before ``end`` (a month from 31 January ends on the last of February), 0 when
    ``end`` is not after ``start``. (Not pendulum's ``in_months()``, which counts 2 September
    to 1 June as 9 months.)"""
    if end <= start:
        return 0
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - 1 if start.add(months=months) > end else months


def interim_due(ctx: Context, fund: Fund) -> tuple[int, int]:
    """``(whole months of fundraising under the Charity Law by as_of, disclosures due)``:
    none are due unless it ran longer than ``disclosure_after_months``."""
    assert fund.opened_on is not None
    start = max(fund.opened_on, CL_START)
    end = ctx.as_of if fund.closed_on is None else min(fund.closed_on, ctx.as_of)
    months = whole_months(start, end)
    if end <= start.add(months=ctx.param("disclosure_after_months")):
        return months, 0
    return months, months // ctx.param("disclosure_every_months")


@PACK.rule(
    doc_zh=DOC_ZH,
    code="PW209",
    name="fundraising-not-disclosed",
    severity=Severity.WARNING,
    kinds=("obligation", "breach"),
    cites=[
        ART72,
        cite(
            CL,
            "Art.73",
            "a charitable project running over six months discloses every three months, and "
            "in full within three months of its end",
            "慈善项目实施周期超过六个月的至少每三个月公开一次，结束后三个月内全面公开",
        ),
    ],
    title="Fundraising was not disclosed as it went, or in full after it ended",
    title_zh="募捐情况未按期公开或结束后未全面公开",
    remedy="Disclose the fundraising at least every three months while it runs longer than "
    "six months, and in full within three months of its end; record the disclosures.",
    remedy_zh="募捐超过六个月的至少每三个月公开一次，结束后三个月内全面公开，并登记。",
    reads=["funds"],
    scope=FUNDS,
    where=tracked,
    in_force=DateRange(CL_START),
    params=["disclosure_after_months", "disclosure_every_months", "final_disclosure_months"],
)
def fundraising_not_disclosed(ctx: Context, fund: Fund) -> Iterator[Violation]:
    """
    What it checks:
    A fund whose start of fundraising (``opened_on``) and count of interim disclosures
    (``disclosures``) are recorded: while it raises for longer than 6 months under the
    Charity Law, it discloses at least every 3 months — ``disclosures`` is at least the
    whole months it ran (to ``closed_on``, or to ``as_of`` while still open; months before
    2016-09-01 do not count) divided by 3, rounded down — and within 3 months after
    ``closed_on`` it discloses in full (``final_disclosed_on``). A full disclosure dated
    after that is late whatever ``as_of``. The months are parameters.

    Why it matters:
    The Charity Law asks fundraising (and projects) running over six months to be
    disclosed at least every three months, and in full, with how the money was used,
    within three months of the end.

    Example:
    Fund F5 opened on 1 September 2016 and is still raising on 30 June 2017 (9 whole
    months) with 1 disclosure made (3 due).

    Compliant:
    F5 made 3 disclosures; or it closed on 31 December 2016 and disclosed in full by
    31 March 2017.

    References:
    CL Art.72, 73 (from 2016-09-01).
    """
    lacks: list[str] = []
    lacks_zh: list[str] = []
    kind = Kind.OBLIGATION
    due: pendulum.Date | None = None
    months, needed = interim_due(ctx, fund)
    made = fund.disclosures or 0
    if made < needed:
        lacks.append(f"{made} interim disclosure(s) in {months} months, {needed} due")
        lacks_zh.append(f"募捐 {months} 个整月仅公开 {made} 次，应至少 {needed} 次")
        assert fund.opened_on is not None  # in reach
        start = max(fund.opened_on, CL_START)
        due = start.add(months=needed * ctx.param("disclosure_every_months"))
    closed = fund.closed_on
    if closed is not None and closed >= CL_START:
        final_due = closed.add(months=ctx.param("final_disclosure_months"))
        final = fund.final_disclosed_on
        if final is not None and final > final_due:
            kind = Kind.BREACH
            lacks.append(f"full disclosure on {final.isoformat()}, after {final_due.isoformat()}")
            lacks_zh.append(f"全面公开于 {final.isoformat()}，晚于 {final_due.isoformat()}")
        elif final is None and ctx.as_of > final_due:
            lacks.append(f"no full disclosure by {final_due.isoformat()}")
            lacks_zh.append(f"至 {final_due.isoformat()} 未全面公开")
            due = final_due if due is None else min(due, final_due)
    if not lacks:
        return
    opened = fund.opened_on.isoformat() if fund.opened_on is not None else "—"
    period = f"raising from {opened}" + (
        f" to {closed.isoformat()}" if closed is not None else ", still open"
    )
    period_zh = f"{opened} 起募捐" + (
        f"，{closed.isoformat()} 结束" if closed is not None else "，尚未结束"
    )
    yield Violation(
        (fund.id,),
        f"Fund {fund.id} ({period}) was not disclosed as the Charity Law asks: {'; '.join(lacks)}.",
        f"资金 {fund.id}（{period_zh}）未按慈善法公开：{'；'.join(lacks_zh)}。",
        {
            "months": months,
            "disclosures": made,
            "disclosures_due": needed,
            "closed_on": closed,
            "final_disclosed_on": fund.final_disclosed_on,
        },
        kind=kind,
        due=due,
    )


# ---- recipes: how violating("PW209") breaks this rule --------------------------------------
def _late_disclosure(draw: Draw, d: Draft, as_of: pendulum.Date) -> Fund:
    """A fund under the Charity Law, closed within six months, fully disclosed too late
    (or, once the three months have passed by ``as_of``, not at all)."""
    fund = d.add_fund(draw)
    closes = draw.day(CL_START, max(CL_START, min(as_of, d.campaign.ends_on)))
    opened = draw.day(closes.subtract(months=5), closes)
    final_due = closes.add(months=d.param("final_disclosure_months"))
    if as_of > final_due and draw.booleans():
        final = None
    else:
        final = draw.day(final_due.add(days=1), final_due.add(days=90))
    return d.replace(
        fund,
        holder=FundHolder.CHARITY,
        public_fundraising=True,
        opened_on=opened,
        closed_on=closes,
        disclosures=draw.integers(0, 2),
        final_disclosed_on=final,
    )


def _few_disclosures(draw: Draw, d: Draft, as_of: pendulum.Date) -> Fund:
    """A fund under the Charity Law still raising at ``as_of`` after more than six months,
    with fewer disclosures than one per three months."""
    last = as_of.subtract(months=d.param("disclosure_after_months"), days=1)
    opened = draw.day(min(CL_START, last), last)
    start = max(opened, CL_START)
    months = whole_months(start, as_of)
    needed = months // d.param("disclosure_every_months")
    if needed < 1:  # parameters that ask for no disclosure yet
        return _late_disclosure(draw, d, as_of)
    fund = d.add_fund(draw)
    return d.replace(
        fund,
        holder=FundHolder.CHARITY,
        public_fundraising=True,
        opened_on=opened,
        disclosures=draw.integers(0, needed - 1),
    )


@PACK.breaks("PW209", impossible=charity_law_acts)
def keep_fundraising_dark(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """A fund under the Charity Law whose full disclosure came late or never came, or that
    has raised for more than six months with too few disclosures (when ``as_of`` is late
    enough for that)."""
    run_into_charity_law(draw, d, as_of)
    last = as_of.subtract(months=d.param("disclosure_after_months"), days=1)
    if last >= CL_START and draw.booleans():
        return (_few_disclosures(draw, d, as_of).id,)
    return (_late_disclosure(draw, d, as_of).id,)


# ---- the statement of the columnar engine --------------------------------------------------
@PACK.derive
def _pw209_days(ctx: Context) -> dict[str, Any]:
    """The first day whose months count (the Charity Law's, as ``interim_due`` reads it)."""
    return {"pw209_counts_from": CL_START}


# ``whole_months``: the difference of the months, less one when the end's day of the month
# is before the start's clamped to the end's month (31 January to 29 February is a month).
# And ``day <= start.add(months=n)`` (the day clamped to the month's end) holds when the
# day's month is before the start's plus n, or is that month and its day is not after the
# start's.
PACK.sql(
    "PW209",
    """
    WITH tracked AS (
        SELECT
            f.campaign_id,
            f.id,
            f.disclosures,
            f.closed_on,
            f.final_disclosed_on,
            p.as_of,
            p.pw209_counts_from AS counts_from,
            p.disclosure_after_months AS after_months,
            p.disclosure_every_months AS every_months,
            p.final_disclosure_months AS final_months,
            CASE WHEN f.opened_on > p.pw209_counts_from THEN f.opened_on
                ELSE p.pw209_counts_from END AS start_on,
            CASE WHEN f.closed_on IS NOT NULL AND f.closed_on < p.as_of THEN f.closed_on
                ELSE p.as_of END AS end_on
        FROM funds f
        JOIN params p ON p.campaign_id = f.campaign_id
        WHERE f.opened_on IS NOT NULL AND f.disclosures IS NOT NULL
    ),
    parts AS (
        SELECT
            t.*,
            EXTRACT(YEAR FROM t.start_on) * 12 + EXTRACT(MONTH FROM t.start_on) AS start_month,
            EXTRACT(DAY FROM t.start_on) AS start_day,
            EXTRACT(YEAR FROM t.end_on) * 12 + EXTRACT(MONTH FROM t.end_on) AS end_month,
            EXTRACT(DAY FROM t.end_on) AS end_day,
            EXTRACT(YEAR FROM t.end_on) AS end_year,
            EXTRACT(MONTH FROM t.end_on) AS end_of_year,
            EXTRACT(YEAR FROM t.closed_on) * 12 + EXTRACT(MONTH FROM t.closed_on) AS closed_month,
            EXTRACT(DAY FROM t.closed_on) AS closed_day,
            EXTRACT(YEAR FROM t.final_disclosed_on) * 12
                + EXTRACT(MONTH FROM t.final_disclosed_on) AS final_month,
            EXTRACT(DAY FROM t.final_disclosed_on) AS final_day,
            EXTRACT(YEAR FROM t.as_of) * 12 + EXTRACT(MONTH FROM t.as_of) AS as_of_month,
            EXTRACT(DAY FROM t.as_of) AS as_of_day
        FROM tracked t
    ),
    lengths AS (
        SELECT
            q.*,
            CASE
                WHEN q.end_of_year = 2 THEN
                    CASE WHEN (q.end_year % 4 = 0 AND q.end_year % 100 <> 0)
                        OR q.end_year % 400 = 0 THEN 29 ELSE 28 END
                WHEN q.end_of_year IN (4, 6, 9, 11) THEN 30
                ELSE 31
            END AS end_month_days
        FROM parts q
    ),
    counted AS (
        SELECT
            l.*,
            CASE
                WHEN l.end_on <= l.start_on THEN 0
                WHEN l.end_day < l.start_day AND l.end_day < l.end_month_days
                    THEN l.end_month - l.start_month - 1
                ELSE l.end_month - l.start_month
            END AS months,
            l.end_month < l.start_month + l.after_months
                OR (l.end_month = l.start_month + l.after_months AND l.end_day <= l.start_day)
                AS too_short,
            l.final_month < l.closed_month + l.final_months
                OR (l.final_month = l.closed_month + l.final_months AND l.final_day <= l.closed_day)
                AS final_in_time,
            l.as_of_month < l.closed_month + l.final_months
                OR (l.as_of_month = l.closed_month + l.final_months AND l.as_of_day <= l.closed_day)
                AS final_not_due
        FROM lengths l
    )
    SELECT
        c.campaign_id,
        c.id AS subject_id,
        (NOT c.too_short AND (c.disclosures + 1) * c.every_months <= c.months)
        OR (
            c.closed_on IS NOT NULL
            AND c.closed_on >= c.counts_from
            AND (
                (c.final_disclosed_on IS NOT NULL AND NOT c.final_in_time)
                OR (c.final_disclosed_on IS NULL AND NOT c.final_not_due)
            )
        ) AS flagged
    FROM counted c
    """,
)
