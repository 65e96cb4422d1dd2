"""Rule PW205, construction-without-agreement-or-report: declaration, judge, texts (en, zh)
and recipes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pendulum

from reliefkit.models import Money, Pledge, PledgeKind, Project
from reliefkit.rules._core import Context, Kind, Severity, Violation
from reliefkit.rules.public_welfare._pack import (
    COMPLIANT,
    EXAMPLE,
    PACK,
    PWDL,
    WHAT,
    WHY,
    cite,
)
from reliefkit.rules.recipes import Bounds, Draft, Draw, Subjects, reuse
from reliefkit.rules.scopes import PLEDGES

DOC_ZH: dict[str, str] = {
    WHAT: "认建（``kind`` 为 build）的工程项目竣工（项目 ``completed_on`` 不晚于查看日）后："
    "认建须有书面捐赠协议（``agreement_on`` 已填），并在竣工后（参数 "
    "``construction_report_days`` 天内，默认即竣工时）向捐赠人通报工程建设、资金使用和验收情况"
    "（``reported_on`` 不早于竣工日）。项目未记录竣工日期时本条不适用。",
    WHY: "捐赠法要求捐资兴建公益工程须订立捐赠协议，竣工后向捐赠人通报建设、资金和验收情况。",
    EXAMPLE: "认建 G3 对应的项目 J4 于 11 月 20 日竣工，但 G3 既无协议日期，也无通报日期。",
    COMPLIANT: "G3 于 10 月 8 日签订协议，11 月 25 日向捐赠人通报。",
}


def _project(ctx: Context, pledge: Pledge) -> Project | None:
    found = ctx.view.get(pledge.project_id)
    return found if isinstance(found, Project) else None


def completed_construction(ctx: Context, pledge: Pledge) -> bool:
    """A pledge to build (认建) whose project was completed by ``as_of``."""
    if pledge.kind is not PledgeKind.BUILD:
        return False
    project = _project(ctx, pledge)
    return (
        project is not None
        and project.completed_on is not None
        and (project.completed_on <= ctx.as_of)
    )


@PACK.rule(
    doc_zh=DOC_ZH,
    code="PW205",
    name="construction-without-agreement-or-report",
    severity=Severity.WARNING,
    kinds=("obligation",),
    cites=[
        cite(
            PWDL,
            "Art.13",
            "a donated construction has a written agreement; on completion the donor hears how "
            "it was built, what the money paid and how it was accepted",
            "捐资兴建工程须订立协议，竣工后向捐赠人通报建设、资金使用和验收情况",
        ),
        cite(
            PWDL,
            "Art.14",
            "the donor of a construction may be honoured on it, with the donee's agreement",
            "捐资兴建的工程项目可由捐赠人留名纪念",
        ),
    ],
    title="A donated construction lacks its written agreement or its completion report",
    title_zh="认建项目缺少书面协议或竣工通报",
    remedy="Sign (and record) the written agreement with the donor, and report construction, "
    "money used and acceptance to the donor on completion (agreement_on, reported_on).",
    remedy_zh="与捐赠人签订并登记书面协议；竣工后向捐赠人通报建设、资金使用和验收情况。",
    reads=["pledges", "projects"],
    scope=PLEDGES,
    where=completed_construction,
    params=["construction_report_days"],
    dated=lambda pledge: pledge.on,
)
def construction_without_agreement_or_report(ctx: Context, pledge: Pledge) -> Iterator[Violation]:
    """
    What it checks:
    A pledge to build (``kind`` build, 认建) whose project is completed (its
    ``completed_on`` on or before ``as_of``) has a written agreement (``agreement_on``), and
    the donor has the completion report — construction, money used, acceptance — dated on
    or after completion (``reported_on``), due ``construction_report_days`` after completion
    (0: on completion). A project with no completion date is not judged.

    Why it matters:
    The donations law asks for a written agreement on a donated construction and a report
    to the donor once it is completed.

    Example:
    Pledge G3 builds project J4, completed on 20 November; G3 has neither an agreement nor
    a report date.

    Compliant:
    G3's agreement was signed on 8 October and the donor was told on 25 November.

    References:
    PWDL Art.13, 14.
    """
    project = _project(ctx, pledge)
    assert project is not None and project.completed_on is not None  # in reach
    done = project.completed_on
    due = done.add(days=ctx.param("construction_report_days"))
    lacks: list[str] = []
    lacks_zh: list[str] = []
    if pledge.agreement_on is None:
        lacks.append("no written agreement is recorded")
        lacks_zh.append("未登记书面协议")
    reported = pledge.reported_on is not None and pledge.reported_on >= done
    if not reported and ctx.as_of >= due:
        lacks.append(f"no completion report to the donor (due {due.isoformat()})")
        lacks_zh.append(f"未向捐赠人通报竣工情况（应于 {due.isoformat()} 前）")
    if not lacks:
        return
    yield Violation(
        (pledge.id, project.id),
        f"Pledge {pledge.id} by {pledge.donor_id} to build project {project.id} "
        f"({pledge.amount}), completed on {done.isoformat()}: {'; '.join(lacks)}.",
        f"捐赠人 {pledge.donor_id} 认建项目 {project.id}（认建 {pledge.id}，{pledge.amount}），"
        f"{done.isoformat()} 竣工：{'；'.join(lacks_zh)}。",
        {
            "completed_on": done,
            "agreement_on": pledge.agreement_on,
            "reported_on": pledge.reported_on,
        },
        kind=Kind.OBLIGATION,
        due=due,
    )


# ---- recipes: how violating("PW205") breaks this rule --------------------------------------
def _too_early(bounds: Bounds) -> str | None:
    if bounds.as_of < pendulum.Date(2015, 10, 2):
        return "a generated project is published by 30 September 2015 and completed later"
    return None


@PACK.breaks("PW205", impossible=_too_early)
def complete_without_paperwork(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """A pledge to build a published project in a poor village, completed by ``as_of``,
    with no written agreement, or with no report to the donor, or neither."""
    poor = [v.id for v in d.poor_villages()]
    project = d.add_project(draw, draw.pick(poor))
    assert project.published_on is not None
    pledged = draw.day(project.published_on.add(days=1), as_of.subtract(days=1))
    donors = [e.id for e in d.rows("donors")]
    donor = reuse(draw, donors, lambda: d.add_donor(draw).id)
    grace = d.param("construction_report_days")
    if pledged <= as_of.subtract(days=grace) and draw.booleans():
        # Signed, never reported, and the report is due by ``as_of``.
        done = draw.day(pledged, as_of.subtract(days=grace))
        agreement: pendulum.Date | None = pledged
        report: pendulum.Date | None = None
    else:
        done = draw.day(pledged, as_of)
        agreement = None
        report = draw.maybe([done])
    d.replace(project, completed_on=done)
    pledge = d.add(
        Pledge(
            id=d.new_id("G"),
            donor_id=donor,
            project_id=project.id,
            kind=PledgeKind.BUILD,
            amount=Money.fen(draw.amount(10_000)),
            on=pledged,
            agreement_on=agreement,
            reported_on=report,
        )
    )
    return (pledge.id, project.id)


# ---- the statement of the columnar engine --------------------------------------------------
@PACK.derive
def _pw205_days(ctx: Context) -> dict[str, Any]:
    """The last completion day whose report is due by ``as_of`` (due ``construction_report_days``
    after completion); ``None`` when that is before the first day a date can be (the judge,
    adding the days to a completion day, reports the error)."""
    try:
        return {"pw205_report_by": ctx.as_of.subtract(days=ctx.param("construction_report_days"))}
    except OverflowError:
        return {"pw205_report_by": None}


PACK.sql(
    "PW205",
    """
    SELECT
        g.campaign_id,
        g.id AS subject_id,
        g.agreement_on IS NULL
        OR p.pw205_report_by IS NULL
        OR (
            (g.reported_on IS NULL OR g.reported_on < j.completed_on)
            AND j.completed_on <= p.pw205_report_by
        ) AS flagged
    FROM pledges g
    JOIN params p ON p.campaign_id = g.campaign_id
    JOIN rule_eras e ON e.code = 'PW205'
    JOIN projects j ON j.campaign_id = g.campaign_id AND j.id = g.project_id
    WHERE g.kind = 'build'
        AND j.completed_on IS NOT NULL
        AND j.completed_on <= p.as_of
        AND (g."on" IS NULL OR (g."on" >= e.since AND (e."until" IS NULL OR g."on" <= e."until")))
    """,
)
