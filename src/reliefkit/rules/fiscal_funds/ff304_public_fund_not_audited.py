"""Rule FF304, public-fund-not-audited: declaration, judge, texts (en, zh) and recipes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pendulum

from reliefkit._words import word
from reliefkit.models import Audit, Fund, Money, Queries, Sector
from reliefkit.rules._core import Context, Kind, Severity, Violation
from reliefkit.rules._ledger import ledger
from reliefkit.rules.county_plan._pack import due_date, has_come

# The county plan's due-day reading of audits, shared (the parameters have the same names).
from reliefkit.rules.county_plan.cp118_fund_not_audited import (
    _audits_not_due,
    _over_by_as_of,
    audits_due,
    coverage_faults,
)
from reliefkit.rules.fiscal_funds._pack import (
    AUDIT_LAW,
    COMPLIANT,
    EXAMPLE,
    GOVERNMENT_HOLDERS,
    PACK,
    WHAT,
    WHY,
    audited_kind,
    cite,
    fund_to_audit,
    ids_of,
)
from reliefkit.rules.recipes import Draft, Draw, Subjects, reuse
from reliefkit.rules.scopes import FUNDS

DOC_ZH: dict[str, str] = {
    WHAT: "审计到期后（默认为活动最后一天，与县方案相同），每笔财政资金（``fiscal`` 为真，"
    "有拨款或收支）和每笔由政府部门经管并收到捐赠的资金（持有人为乡镇政府或部门），都有"
    "一份审计部门（``audit`` 类部门）出具、日期不早于资金最后一笔收支且不晚于截止日的审计。"
    "审计日期晚于截止日本身即已逾期，不论 ``as_of`` 都报告。本规则只看审计是否覆盖，"
    "审计数与账面是否一致由县方案 CP118 判断；同一资金 CP118 已报告时本规则不再报告。",
    WHY: "审计法规定审计机关对财政收支以及政府部门管理的社会捐赠资金进行审计监督。",
    EXAMPLE: "拨款 100,000 元的财政资金 F3 已有支出，但到期仍无审计。",
    COMPLIANT: "审计局 D01 于 2015-12-20（F3 最后一笔支出之后）审计了 F3。",
}


@PACK.rule(
    doc_zh=DOC_ZH,
    kinds=("obligation", "breach"),
    cured_by={"audits": "admit the movement together with the audit that covers it"},
    code="FF304",
    name="public-fund-not-audited",
    severity=Severity.ERROR,
    cites=[
        cite(
            AUDIT_LAW,
            "Art.16",
            "the audit office audits the budgets and fiscal spending of government bodies",
            "审计机关对本级各部门的预算执行和其他财政收支进行审计监督",
        ),
        cite(
            AUDIT_LAW,
            "Art.23",
            "the audit office audits donated funds handled by government bodies",
            "审计机关对政府部门管理的社会捐赠资金进行审计监督",
        ),
    ],
    title="A fiscal fund, or a government-handled fund of donations, has no audit by the "
    "audit department",
    title_zh="财政资金或政府部门经管的捐赠资金未经审计部门审计",
    remedy="Have the audit department audit the fund after its last movement and by the due day.",
    remedy_zh="由审计部门在资金最后一笔收支之后、截止日之前进行审计。",
    reads=["funds", "donations", "disbursements", "audits", "departments"],
    scope=FUNDS,
    where=fund_to_audit,
    due=audits_due,
    params=["audit_due", "due_day_counts"],
    defers_to=["CP118"],
)
def public_fund_not_audited(ctx: Context, fund: Fund) -> Iterator[Violation]:
    """
    What it checks:
    Once audits are due (by default on the campaign's last day, as in the county plan),
    every fiscal fund (``fiscal`` true, with an allocation or money moving) and every fund
    held by a township government or a department that received donations has an audit by
    a department of sector ``audit``, dated on or after the fund's last donation and
    disbursement and no later than the due day. An audit dated after the due day is itself
    late: the fund is reported whatever ``as_of``. This rule asks for coverage only; whether
    an audit's totals equal the ledger's is the county plan's CP118, and where CP118
    reports a fund this rule stays silent on it.

    Why it matters:
    The Audit Law puts fiscal revenue and spending, and donated funds handled by government
    bodies, under the audit office's supervision.

    Example:
    Fiscal fund F3, allocated 100,000 yuan, has paid out money and has no audit once audits
    are due.

    Compliant:
    Audit bureau D01 audited F3 on 2015-12-20, after its last disbursement.

    References:
    Audit Law Art.16, Art.23.
    """
    view = ctx.view
    due = due_date(ctx, "audit_due")
    audits = view.audits_of(fund.id)
    if not has_come(ctx, due) and not any(a.on > due for a in audits):
        return
    last = ledger(view, fund.id).last_movement

    def covers(audit: Audit) -> bool:
        auditor = view.get(audit.auditor_id)
        return (
            getattr(auditor, "sector", None) is Sector.AUDIT
            and audit.on <= due
            and (last is None or audit.on >= last)
        )

    if any(covers(a) for a in audits):
        return
    day = due.isoformat()
    if audited_kind(view, fund) == "fiscal":
        what = f"Fiscal fund {fund.id}"
        what_zh = f"财政资金 {fund.id}"
        if fund.allocated is not None:
            what += f" (allocated {fund.allocated})"
            what_zh += f"（拨款 {fund.allocated}）"
    else:
        what = f"Fund {fund.id}, of donations held by a {word(fund.holder)},"
        what_zh = f"{word(fund.holder, 'zh')}经管的捐赠资金 {fund.id}"
    if audits:
        found = [_faults(view, a, last, due) for a in sorted(audits, key=lambda a: a.id)]
        message = (
            f"{what} has no audit by the audit department dated after its last movement and "
            f"by {day}: " + "; ".join(f"audit {a} {', and '.join(f[0])}" for a, f in found) + "."
        )
        message_zh = (
            f"{what_zh}没有由审计部门在最后一笔收支之后、{day} 之前出具的审计："
            + "；".join(f"审计 {a} {'，且'.join(f[1])}" for a, f in found)
            + "。"
        )
    else:
        message = f"{what} has no audit; the audit department was to audit it by {day}."
        message_zh = f"{what_zh}没有审计，应由审计部门在 {day} 前审计。"
    yield Violation(
        (fund.id, *ids_of(audits)),
        message,
        message_zh,
        {
            "due": due,
            "last_movement": last,
            "fiscal": fund.fiscal,
            "holder": fund.holder,
            "audits": {a.id: {"auditor": a.auditor_id, "on": a.on} for a in audits},
        },
        kind=Kind.BREACH if any(a.on > due for a in audits) else Kind.OBLIGATION,
        due=due,
    )


def _faults(
    view: Queries, audit: Audit, last: pendulum.Date | None, due: pendulum.Date
) -> tuple[str, tuple[list[str], list[str]]]:
    """What keeps an audit from covering the fund, in English and Chinese (CP118's reading
    of coverage, without its totals: comparing totals stays CP118's)."""
    return audit.id, coverage_faults(view, audit, last, due)


# ---- recipes: how violating("FF304") breaks this rule --------------------------------------------
@PACK.breaks("FF304", impossible=_audits_not_due, adjust=_over_by_as_of)
def leave_unaudited(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """A fiscal fund (a new one, allocated, with a disbursement) or a government-held fund
    of donations of the campaign, with no audit, or only audits that do not cover it: too
    early, too late (after the due day), or by a department that is not the audit bureau."""
    held = [
        f.id
        for f in d.rows("funds")
        if f.holder in GOVERNMENT_HOLDERS and d.donations_to(f.id) and f.fiscal is not True
    ]

    def new_fiscal_fund() -> str:
        fund = d.add_fund(draw)
        d.replace(fund, fiscal=True, allocated=Money.fen(draw.amount(100_000, 100_000_000)))
        d.add_disbursement(draw, fund.id, draw.amount(100, 5_000_000), d.reaches(draw))
        d.add_audit(draw, fund.id)
        return fund.id

    fund_id = reuse(draw, held, new_fiscal_fund)
    audits = list(d.audits_of(fund_id))
    way = draw.pick(["none", "auditor", "too early", "too late"])
    if way == "none":
        d.remove(*audits)
        return (fund_id,)
    due = d.due("audit_due")
    last = d.ledger(fund_id).last_movement
    for audit in audits:
        if way == "auditor":
            others = [x.id for x in d.rows("departments") if x.sector is not Sector.AUDIT]
            auditor = reuse(draw, others, lambda: d.add_department(draw).id)
            d.replace(audit, auditor_id=auditor)
        elif way == "too late":
            d.replace(audit, on=due.add(days=draw.integers(1, 60)))
        else:
            assert last is not None  # a fund with donations or a disbursement has moved
            d.replace(audit, on=last.subtract(days=draw.integers(1, 30)))
    return (fund_id, *sorted(a.id for a in audits))


# ---- the statement of the columnar engine --------------------------------------------------------
@PACK.derive
def _ff304_days(ctx: Context) -> dict[str, Any]:
    """The day audits are due, and whether it has come on ``as_of``; ``None`` when
    ``audit_due`` is not a day of the year (the judge reports the error)."""
    try:
        due = due_date(ctx, "audit_due")
    except ValueError:
        return {"ff304_due": None, "ff304_due_has_come": None}
    return {"ff304_due": due, "ff304_due_has_come": has_come(ctx, due)}


# Reach (``fund_to_audit``): a fiscal fund with money moving or a positive allocation, or a
# fund held by a township government or a department that received donations. Flagged: the
# due day has come or one of its audits is dated after it, and no audit covers it (by a
# department of sector audit, dated by the due day and on or after the last movement).
PACK.sql(
    "FF304",
    """
    WITH gifts AS (
        SELECT d.campaign_id, d.fund_id, MAX(d."on") AS last_day
        FROM donations d
        GROUP BY d.campaign_id, d.fund_id
    ),
    payments AS (
        SELECT b.campaign_id, b.fund_id, MAX(b."on") AS last_day
        FROM disbursements b
        GROUP BY b.campaign_id, b.fund_id
    ),
    reach AS (
        SELECT f.campaign_id, f.id,
            CASE
                WHEN g.last_day IS NULL THEN o.last_day
                WHEN o.last_day IS NULL OR g.last_day >= o.last_day THEN g.last_day
                ELSE o.last_day
            END AS last_movement
        FROM funds f
        LEFT JOIN gifts g ON g.campaign_id = f.campaign_id AND g.fund_id = f.id
        LEFT JOIN payments o ON o.campaign_id = f.campaign_id AND o.fund_id = f.id
        WHERE (
                f.fiscal IS TRUE
                AND (
                    g.fund_id IS NOT NULL
                    OR o.fund_id IS NOT NULL
                    OR (f.allocated IS NOT NULL AND f.allocated > 0)
                )
            )
            OR (f.holder IN ('township_government', 'department') AND g.fund_id IS NOT NULL)
    ),
    audited AS (
        SELECT x.campaign_id, x.id,
            MAX(CASE WHEN a."on" > p.ff304_due THEN 1 ELSE 0 END) AS late,
            MAX(
                CASE
                    WHEN dep.id IS NOT NULL
                        AND a."on" <= p.ff304_due
                        AND (x.last_movement IS NULL OR a."on" >= x.last_movement)
                    THEN 1
                    ELSE 0
                END
            ) AS covered
        FROM reach x
        JOIN params p ON p.campaign_id = x.campaign_id
        JOIN audits a ON a.campaign_id = x.campaign_id AND a.fund_id = x.id
        LEFT JOIN departments dep
            ON dep.campaign_id = a.campaign_id
            AND dep.id = a.auditor_id
            AND dep.sector = 'audit'
        GROUP BY x.campaign_id, x.id
    )
    SELECT x.campaign_id, x.id AS subject_id,
        (p.ff304_due_has_come IS TRUE OR COALESCE(au.late, 0) = 1)
            AND COALESCE(au.covered, 0) = 0 AS flagged
    FROM reach x
    JOIN params p ON p.campaign_id = x.campaign_id
    LEFT JOIN audited au ON au.campaign_id = x.campaign_id AND au.id = x.id
    """,
)
