"""Rule CP118, fund-not-audited: declaration, judge, texts (en, zh) and recipes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import attrs
import pendulum

from reliefkit._words import word
from reliefkit.models import (
    Audit,
    Department,
    Fund,
    Money,
    Queries,
    Sector,
)
from reliefkit.rules._core import Context, Kind, Severity, Violation
from reliefkit.rules._ledger import Ledger, ledger
from reliefkit.rules.county_plan._pack import (
    COMPLIANT,
    EXAMPLE,
    PACK,
    WHAT,
    WHY,
    cite,
    due_date,
    fund_with_donations,
    has_come,
    ids_of,
)
from reliefkit.rules.recipes import Bounds, Draft, Draw, Subjects, reuse
from reliefkit.rules.scopes import (
    FUNDS,
)

DOC_ZH: dict[str, str] = {
    WHAT: "审计到期后（默认为活动最后一天），每笔收到捐赠的资金都有一份由审计部门"
    "（``audit`` 类部门）出具、日期不早于资金最后一笔收支且不晚于截止日、收入与支出合计"
    "均与账面一致的审计。审计日期晚于截止日本身即已逾期，不论 ``as_of`` 都报告（与逾期"
    "制定的脱贫规划 CP111 相同）。",
    WHY: "工作方案把募集资金置于审计部门的监督之下。",
    EXAMPLE: "资金 F2 收到捐赠但没有审计，或审计认定收入 9,000 元而账面为 10,000 元。",
    COMPLIANT: "审计局 D01 于 2015-12-20 审计 F2，审计数与账面一致。",
}


def audits_due(ctx: Context) -> bool:
    """Whether audits are due, or some audit is already dated after the due day."""
    due = due_date(ctx, "audit_due")
    return has_come(ctx, due) or any(a.on > due for a in ctx.view.rows("audits"))


@PACK.rule(
    kinds=("obligation", "breach"),
    cured_by={
        "audits": "admit the movement together with the audit that covers it",
    },
    doc_zh=DOC_ZH,
    code="CP118",
    name="fund-not-audited",
    severity=Severity.ERROR,
    cites=[
        cite(
            "§三(三)",
            "the audit department audits raised funds",
            "审计部门对募集资金进行审计",
        )
    ],
    title="A fund that received donations has no matching audit by the audit department",
    title_zh="募集资金未经审计部门审计，或审计数与账面不符",
    remedy="Have the audit department audit the fund after its last movement and by the due day, "
    "with totals equal to the ledger.",
    remedy_zh="由审计部门在资金最后一笔收支之后、截止日之前进行审计，审计数须与账面一致。",
    reads=["funds", "donations", "disbursements", "audits", "departments"],
    scope=FUNDS,
    where=fund_with_donations,
    due=audits_due,
    params=["audit_due", "due_day_counts"],
)
def fund_not_audited(ctx: Context, fund: Fund) -> Iterator[Violation]:
    """
    What it checks:
    Once audits are due (by default on the campaign's last day), every fund that received
    donations has an audit by a department of sector ``audit``, dated on or after the fund's
    last donation and disbursement and no later than the due day, whose received and
    disbursed totals equal the ledger's. An audit dated after the due day is itself past the
    deadline: the fund is reported whatever ``as_of``, as a late exit plan is (CP111).

    Why it matters:
    The plan puts every raised fund under the audit department's supervision.

    Example:
    Fund F2 received donations and has no audit, or its audit found 9,000 received where
    the ledger shows 10,000.

    Compliant:
    Audit bureau D01 audited F2 on 2015-12-20 and found the ledger's totals.

    References:
    county-plan §三(三).
    """
    ds = ctx.view
    fund_id = fund.id
    due = due_date(ctx, "audit_due")
    audits = ds.audits_of(fund_id)
    if not has_come(ctx, due) and not any(a.on > due for a in audits):
        return
    book = ledger(ds, fund_id)

    def good(audit: Audit) -> bool:
        auditor = ds.get(audit.auditor_id)
        return (
            getattr(auditor, "sector", None) is Sector.AUDIT
            and audit.on <= due
            and (book.last_movement is None or audit.on >= book.last_movement)
            and audit.received_total.yuan == book.received
            and audit.disbursed_total.yuan == book.disbursed
        )

    if any(good(a) for a in audits):
        return
    day = due.isoformat()
    received, disbursed = Money(book.received), Money(book.disbursed)
    if audits:
        found = [_faults(ds, a, book, due) for a in sorted(audits, key=lambda a: a.id)]
        message = (
            f"Fund {fund_id} has no audit by the audit department, dated after its last "
            f"movement and by {day}, with the ledger's totals: "
            + "; ".join(f"audit {a.id} {', and '.join(f[0])}" for a, f in found)
            + "."
        )
        message_zh = (
            f"资金 {fund_id} 没有由审计部门在最后一笔收支之后、{day} 之前出具且与账面一致的审计："
            + "；".join(f"审计 {a.id} {'，且'.join(f[1])}" for a, f in found)
            + "。"
        )
    else:
        message = (
            f"Fund {fund_id} (received {received}, disbursed {disbursed}) has no audit; the "
            f"audit department was to audit it by {day}."
        )
        message_zh = (
            f"资金 {fund_id}（收入 {received}，支出 {disbursed}）没有审计，应由审计部门在 {day} "
            "前审计。"
        )
    yield Violation(
        (fund_id, *ids_of(audits)),
        message,
        message_zh,
        {
            "due": due,
            "ledger_received": book.received,
            "ledger_disbursed": book.disbursed,
            "last_movement": book.last_movement,
            "audits": {
                a.id: {
                    "auditor": a.auditor_id,
                    "on": a.on,
                    "received": a.received_total,
                    "disbursed": a.disbursed_total,
                }
                for a in audits
            },
        },
        kind=Kind.BREACH if any(a.on > due for a in audits) else Kind.OBLIGATION,
        due=due,
    )


def coverage_faults(
    view: Queries, audit: Audit, last: pendulum.Date | None, due: pendulum.Date
) -> tuple[list[str], list[str]]:
    """What keeps an audit from covering its fund, in English and Chinese: not by the audit
    department, after the due day, or before the fund's last movement (``last``). Shared with
    FF304, which asks for the same coverage of fiscal funds."""
    en: list[str] = []
    zh: list[str] = []
    auditor = view.get(audit.auditor_id)
    if not isinstance(auditor, Department):
        en.append(f"is by {audit.auditor_id}, not a recorded department")
        zh.append(f"由 {audit.auditor_id} 出具，该单位不是已登记的部门")
    elif auditor.sector is not Sector.AUDIT:
        en.append(
            f"is by {auditor.id}, a department of sector {auditor.sector.value} "
            "(the audit department is of sector audit)"
        )
        zh.append(f"由 {auditor.id}（{word(auditor.sector, 'zh')}部门）出具，不是审计部门")
    on = audit.on.isoformat()
    if audit.on > due:
        late = audit.on.toordinal() - due.toordinal()
        en.append(f"is dated {on}, {late} day{'s' if late != 1 else ''} after the due day")
        zh.append(f"日期为 {on}，比截止日晚 {late} 天")
    if last is not None and audit.on < last:
        en.append(f"is dated {on}, before the fund's last movement on {last.isoformat()}")
        zh.append(f"日期为 {on}，早于资金最后一笔收支（{last.isoformat()}）")
    return en, zh


def _faults(
    ds: Queries, audit: Audit, book: Ledger, due: pendulum.Date
) -> tuple[Audit, tuple[list[str], list[str]]]:
    """What is wrong with an audit, in English and Chinese: each failed condition with its
    numbers (auditor, date, totals)."""
    en, zh = coverage_faults(ds, audit, book.last_movement, due)
    for name, name_zh, stated, kept in (
        ("received", "收入", audit.received_total, Money(book.received)),
        ("disbursed", "支出", audit.disbursed_total, Money(book.disbursed)),
    ):
        if stated.yuan != kept.yuan:
            gap = Money(abs(stated.yuan - kept.yuan))
            more = stated.yuan > kept.yuan
            en.append(
                f"states {name} {stated}, {gap} {'more' if more else 'less'} than the "
                f"ledger's {kept}"
            )
            zh.append(f"{name_zh}合计为 {stated}，比账面 {kept} {'多' if more else '少'} {gap}")
    return audit, (en, zh)


# ---- recipes: how violating("CP118") breaks this rule --------------------------------------------
def _audits_not_due(bounds: Bounds) -> str | None:
    """Why no audit can be missing yet on ``as_of`` (``None`` when one can)."""
    counts = bounds.params.get("due_day_counts", True)
    due = bounds.params.get("audit_due", "campaign_end")
    if due != "campaign_end":
        month, day = (int(x) for x in due.split("-"))
        date = pendulum.Date(bounds.earliest_end.year, month, day)
        if bounds.as_of < date or (bounds.as_of == date and not counts):
            return f"audits fall due on {date.isoformat()}; use an as_of after it"
        return None
    end = bounds.earliest_end
    if bounds.as_of < end or (bounds.as_of == end and not counts):
        return (
            "audits are due on the campaign's last day, and generated campaigns end on "
            f"{end.isoformat()} at the earliest; use an as_of on or after it"
        )
    return None


def _over_by_as_of(bounds: Bounds) -> Bounds:
    """Campaigns that end by ``as_of`` (before it, when the due day does not count)."""
    if bounds.params.get("audit_due", "campaign_end") != "campaign_end":
        return bounds
    last = (
        bounds.as_of if bounds.params.get("due_day_counts", True) else bounds.as_of.subtract(days=1)
    )
    return attrs.evolve(bounds, latest_end=min(bounds.latest_end, last))


def _off(draw: Draw, fen: int) -> int:
    """Another amount: a little more, or a little less when there is something to take."""
    delta = draw.integers(1, 100_000)
    if fen > 0 and draw.booleans():
        return max(0, fen - delta)
    return fen + delta


@PACK.breaks("CP118", impossible=_audits_not_due, adjust=_over_by_as_of)
def audit_wrongly(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """A fund that received donations with no audit, or only audits that are wrong: other
    totals, too early, too late (after the due day), or by a department that is not the
    audit bureau."""
    funded = sorted({n.fund_id for n in d.rows("donations")})
    fund_id = reuse(draw, funded, lambda: d.add_flow(draw).fund_id)
    audits = d.audits_of(fund_id)
    book = d.ledger(fund_id)
    way = draw.pick(["none", "received", "disbursed", "auditor", "too early", "too late"])
    if way == "none":
        d.remove(*audits)
        return (fund_id,)
    due = d.due("audit_due")
    for audit in audits:
        if way == "received":
            d.replace(audit, received_total=Money.fen(_off(draw, Money(book.received).in_fen)))
        elif way == "disbursed":
            d.replace(audit, disbursed_total=Money.fen(_off(draw, Money(book.disbursed).in_fen)))
        elif way == "auditor":
            others = [x.id for x in d.rows("departments") if x.sector is not Sector.AUDIT]
            auditor = reuse(draw, others, lambda: d.add_department(draw).id)
            d.replace(audit, auditor_id=auditor)
        elif way == "too late":
            d.replace(audit, on=due.add(days=draw.integers(1, 60)))
        else:
            assert book.last_movement is not None
            d.replace(audit, on=book.last_movement.subtract(days=draw.integers(1, 30)))
    return (fund_id, *sorted(a.id for a in audits))


# ---- the statement of the columnar engine --------------------------------------------------------
@PACK.derive
def _cp118_days(ctx: Context) -> dict[str, Any]:
    """The day audits are due (``audit_due``), as the judge reads it; NULL when there is no
    such day in the year (29 February): the rule's ``due`` then raises, as on objects, and
    the engine reports the rule's error."""
    try:
        return {"cp118_audit_due": due_date(ctx, "audit_due")}
    except ValueError:
        return {"cp118_audit_due": None}


# Reads the pack's ledger view (declared beside CP122). In reach: ``fund_with_donations``.
# Flagged: audits have come due (or one is dated after the due day), and no audit is by
# a department of sector audit, dated by the due day and on or after the last movement,
# with the ledger's totals.
PACK.sql(
    "CP118",
    """
    WITH cp118_late AS (
        SELECT DISTINCT a.campaign_id, a.fund_id
        FROM audits a
        JOIN params p ON p.campaign_id = a.campaign_id
        WHERE a."on" > p.cp118_audit_due
    ),
    cp118_good AS (
        SELECT DISTINCT a.campaign_id, a.fund_id
        FROM audits a
        JOIN params p ON p.campaign_id = a.campaign_id
        JOIN departments d
            ON d.campaign_id = a.campaign_id AND d.id = a.auditor_id AND d.sector = 'audit'
        JOIN fund_ledger l ON l.campaign_id = a.campaign_id AND l.fund_id = a.fund_id
        WHERE a."on" <= p.cp118_audit_due
            AND (l.last_movement IS NULL OR a."on" >= l.last_movement)
            AND a.received_total = l.received
            AND a.disbursed_total = l.disbursed
    )
    SELECT
        f.campaign_id,
        f.id AS subject_id,
        (
            CASE
                WHEN p.due_day_counts IS TRUE THEN p.as_of >= p.cp118_audit_due
                ELSE p.as_of > p.cp118_audit_due
            END
            OR late.fund_id IS NOT NULL
        )
        AND good.fund_id IS NULL AS flagged
    FROM funds f
    JOIN params p ON p.campaign_id = f.campaign_id
    JOIN fund_ledger l ON l.campaign_id = f.campaign_id AND l.fund_id = f.id
    LEFT JOIN cp118_late late ON late.campaign_id = f.campaign_id AND late.fund_id = f.id
    LEFT JOIN cp118_good good ON good.campaign_id = f.campaign_id AND good.fund_id = f.id
    WHERE f.fiscal IS NOT TRUE AND l.donations > 0
    """,
)
