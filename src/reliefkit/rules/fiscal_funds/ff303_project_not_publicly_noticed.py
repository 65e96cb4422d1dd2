"""Rule FF303, project-not-publicly-noticed: declaration, judge, texts (en, zh) and recipes."""

from __future__ import annotations

from collections.abc import Iterator

import pendulum

from reliefkit.models import Disbursement, Money, Project
from reliefkit.rules._core import Context, Kind, Severity, Violation
from reliefkit.rules.fiscal_funds._pack import (
    COMPLIANT,
    DISCLOSURE_2017,
    EXAMPLE,
    PACK,
    PAID_PROJECTS,
    REGIME_2017,
    WHAT,
    WHY,
    cite,
    days,
    decided_fiscal_project,
    fiscal_payments,
    into_2017,
    listed_for,
)
from reliefkit.rules.recipes import Draft, Draw, Subjects

DOC_ZH: dict[str, str] = {
    WHAT: "2017 年起，由财政资金支付的项目，若记录了资金安排确定日（``approved_on``）："
    "须在确定日前至少 10 天（参数）公示（``published_on``），并在确定日当天或之后公告结果"
    "（``announced_on``），公告不晚于确定日后 30 天（参数，我们的解读）。未公示、公示不足、"
    "在确定前公告或逾期公告均为违规；宽限期过后（以 ``as_of`` 计）仍未公告为待履行。"
    "没有确定日的项目不在本规则范围内。",
    WHY: "2017 年扶贫资金项目公告公示要求项目和资金安排事前公示、事后公告，接受群众监督。",
    EXAMPLE: "财政资金 F3 支付的项目 J3 于 2017-05-01 确定资金安排，但 2017-04-25 才公示"
    "（仅 6 天）。",
    COMPLIANT: "J3 于 2017-04-15 公示，2017-05-10 公告结果。",
}


@PACK.rule(
    doc_zh=DOC_ZH,
    kinds=("breach", "obligation"),
    code="FF303",
    name="project-not-publicly-noticed",
    severity=Severity.WARNING,
    cites=[
        cite(
            DISCLOSURE_2017,
            "project notice",
            "projects and allocations are posted before funding is decided, and the result "
            "announced after",
            "项目和资金安排事前公示、事后公告",
            in_force=REGIME_2017,
            confidence="V2",
        )
    ],
    title="A project paid from a fiscal fund was not posted before its funding decision, or "
    "its result was not announced after",
    title_zh="财政资金支付的项目未在资金安排确定前公示，或确定后未公告结果",
    remedy="Post each project for the notice period before deciding its funding, and announce "
    "the result promptly after the decision.",
    remedy_zh="确定资金安排前按规定期限公示项目，确定后及时公告结果。",
    reads=["projects", "disbursements", "funds"],
    scope=PAID_PROJECTS,
    where=decided_fiscal_project,
    params=["notice_days", "announcement_grace_days"],
    in_force=REGIME_2017,
    dated=lambda project: project.approved_on,
)
def project_not_publicly_noticed(ctx: Context, project: Project) -> Iterator[Violation]:
    """
    What it checks:
    From 2017, each project paid from a fiscal fund whose funding decision is recorded
    (``approved_on``) was posted (``published_on``) at least 10 days (a parameter) before
    the decision, and its result was announced (``announced_on``) on or after the decision
    day, within 30 days (a parameter, our reading). A project never posted, posted too
    late, announced before the decision or announced late is in breach; one still
    unannounced once ``as_of`` is past the grace days still owes its announcement. A project
    without a decision day is not judged.

    Why it matters:
    The 2017 disclosure guidance asks that poverty-fund projects and allocations be posted
    before they are decided and announced after, so that villagers can object.

    Example:
    Project J3, paid from fiscal fund F3, had its funding decided on 2017-05-01 but was
    posted only on 2017-04-25 (6 days).

    Compliant:
    J3 was posted on 2017-04-15 and its result announced on 2017-05-10.

    References:
    poverty-fund disclosure guidance 2017 (project notice).
    """
    approved = project.approved_on
    if approved is None:
        return
    notice: int = PACK.param_on(ctx, "notice_days", approved)
    grace: int = PACK.param_on(ctx, "announcement_grace_days", approved)
    decided = approved.isoformat()
    due = approved.add(days=grace)
    en: list[str] = []
    zh: list[str] = []
    owed = False
    posted = project.published_on
    if posted is None:
        en.append(f"was never posted before its funding was decided on {decided}")
        zh.append(f"在 {decided} 确定资金安排前未公示")
    elif (approved - posted).days < notice:
        ahead = (approved - posted).days
        on = posted.isoformat()
        if ahead < 0:
            en.append(
                f"was posted on {on}, {days(-ahead)} after its funding was decided on {decided}"
            )
            zh.append(f"{on} 才公示，晚于 {decided} 确定资金安排 {-ahead} 天")
        else:
            en.append(
                f"was posted on {on}, {days(ahead)} before its funding was decided on "
                f"{decided}; the notice runs at least {days(notice)}"
            )
            zh.append(f"{on} 公示，距 {decided} 确定资金安排仅 {ahead} 天，公示期至少 {notice} 天")
    announced = project.announced_on
    if announced is not None and announced < approved:
        on = announced.isoformat()
        en.append(f"had its result announced on {on}, before the decision on {decided}")
        zh.append(f"{on} 公告结果，早于 {decided} 的资金安排决定")
    elif announced is not None and announced > due:
        on = announced.isoformat()
        late = (announced - due).days
        en.append(
            f"had its result announced on {on}, {days(late)} after it was due "
            f"({due.isoformat()}, {days(grace)} after the decision)"
        )
        zh.append(f"{on} 才公告结果，比截止日 {due.isoformat()}（决定后 {grace} 天）晚 {late} 天")
    elif announced is None and ctx.as_of > due:
        owed = True
        en.append(
            f"has no announcement of its result, due by {due.isoformat()} "
            f"({days(grace)} after the decision on {decided})"
        )
        zh.append(f"未公告结果，应在 {due.isoformat()}（{decided} 决定后 {grace} 天）前公告")
    if not en:
        return
    funds = sorted({d.fund_id for d in fiscal_payments(ctx.view, project)})
    paid = ", ".join(funds)
    yield Violation(
        (project.id,),
        f"Project {project.id}, paid from fiscal fund{'s' if len(funds) > 1 else ''} {paid}, "
        + "; and ".join(en)
        + ".",
        f"财政资金 {paid} 支付的项目 {project.id}：" + "；且".join(zh) + "。",
        {
            "published_on": posted,
            "approved_on": approved,
            "announced_on": announced,
            "notice_days": notice,
            "announcement_grace_days": grace,
            "funds": funds,
        },
        kind=Kind.OBLIGATION if owed and len(en) == 1 else Kind.BREACH,
        due=due if owed else None,
    )


# ---- recipes: how violating("FF303") breaks this rule --------------------------------------------
@PACK.breaks("FF303")
def skip_the_notice(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """The campaign runs on into 2017, and a new fiscal fund (allocated, audited) pays a new
    project whose funding was decided in 2017 and which was never posted, posted too late,
    announced before the decision, announced late, or (when ``as_of`` is past the grace
    days) not announced at all."""
    first = d.campaign.starts_on
    d.campaign = into_2017(d.campaign)
    notice = d.param("notice_days")
    grace = d.param("announcement_grace_days")
    ways = ["never posted", "posted late", "announced before", "announced late"]
    latest = pendulum.Date(2017, 10, 31)
    if as_of.subtract(days=grace + 1) >= pendulum.Date(2017, 1, 1):
        ways.append("not announced")
    way = draw.pick(ways)
    if way == "not announced":
        latest = min(latest, as_of.subtract(days=grace + 1))
    approved = draw.day(pendulum.Date(2017, 1, 1), latest)
    posted: pendulum.Date | None = approved.subtract(days=draw.integers(notice, notice + 30))
    announced: pendulum.Date | None = approved.add(days=draw.integers(0, grace))
    if way == "never posted":
        posted = None
    elif way == "posted late":
        posted = approved.subtract(days=draw.integers(-30, notice - 1))
    elif way == "announced before":
        announced = approved.subtract(days=draw.integers(1, 30))
    elif way == "announced late":
        announced = approved.add(days=grace + draw.integers(1, 60))
    else:
        announced = None
    village = draw.pick(d.rows("villages"))
    project = d.add_project(draw, village.id, published_on=posted or False)
    project = d.replace(project, approved_on=approved, announced_on=announced)
    fund = d.add_fund(draw)
    fund = d.replace(fund, fiscal=True, allocated=Money.fen(draw.amount(100_000, 100_000_000)))
    listed = listed_for(d.param("negative_list"), first, approved)
    purpose = project.purpose if (project.purpose or "") not in listed else None
    d.add(
        Disbursement(
            id=d.new_id("B"),
            fund_id=fund.id,
            amount=Money.fen(draw.amount(100, 5_000_000)),
            purpose=purpose,
            project_id=project.id,
            on=draw.day(approved, pendulum.Date(2017, 12, 20)),
        )
    )
    d.add_audit(draw, fund.id)  # FF304: a fiscal fund is audited
    return (project.id,)


# ---- the statement of the columnar engine --------------------------------------------------------
# Reach: a project with a decision day within the rule's era, paid by a disbursement from a
# fund recorded as fiscal. The notice and grace days are those ``param_on`` reads for the
# decision day (the era covering it, or the resolved value). Flagged: never posted, posted
# fewer than ``notice`` days before the decision (``approved - posted < notice``), announced
# before the decision or after ``approved + grace``, or unannounced with ``as_of`` past it.
PACK.sql(
    "FF303",
    """
    WITH paid AS (
        SELECT DISTINCT b.campaign_id, b.project_id
        FROM disbursements b
        JOIN funds f ON f.campaign_id = b.campaign_id AND f.id = b.fund_id
        WHERE f.fiscal IS TRUE AND b.project_id IS NOT NULL
    ),
    reach AS (
        SELECT p.campaign_id, p.id, p.approved_on, p.published_on, p.announced_on
        FROM projects p
        JOIN paid ON paid.campaign_id = p.campaign_id AND paid.project_id = p.id
        JOIN rule_eras r ON r.code = 'FF303'
        WHERE p.approved_on IS NOT NULL
            AND r.since <= p.approved_on
            AND (r.until IS NULL OR p.approved_on <= r.until)
    ),
    terms AS (
        SELECT x.campaign_id, x.id, x.approved_on, x.published_on, x.announced_on, pa.as_of,
            COALESCE(CAST(n.value AS INTEGER), CAST(pa.notice_days AS INTEGER)) AS notice,
            COALESCE(CAST(g.value AS INTEGER), CAST(pa.announcement_grace_days AS INTEGER))
                AS grace
        FROM reach x
        JOIN params pa ON pa.campaign_id = x.campaign_id
        LEFT JOIN param_eras n
            ON n.campaign_id = x.campaign_id
            AND n.name = 'notice_days'
            AND (n.since IS NULL OR n.since <= x.approved_on)
            AND (n.until IS NULL OR x.approved_on <= n.until)
        LEFT JOIN param_eras g
            ON g.campaign_id = x.campaign_id
            AND g.name = 'announcement_grace_days'
            AND (g.since IS NULL OR g.since <= x.approved_on)
            AND (g.until IS NULL OR x.approved_on <= g.until)
    )
    SELECT t.campaign_id, t.id AS subject_id,
        CASE
            WHEN t.published_on IS NULL THEN TRUE
            WHEN t.published_on + t.notice > t.approved_on THEN TRUE
            WHEN t.announced_on IS NULL THEN t.as_of > t.approved_on + t.grace
            ELSE t.announced_on < t.approved_on OR t.announced_on > t.approved_on + t.grace
        END AS flagged
    FROM terms t
    """,
)
