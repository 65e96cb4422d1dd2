"""Rule CP116, pledge-to-unpublished-project: declaration, judge, texts (en, zh) and recipes."""

from __future__ import annotations

from collections.abc import Iterator

import pendulum

from reliefkit.models import (
    Money,
    Pledge,
    PledgeKind,
    Project,
)
from reliefkit.rules._core import Context, Severity, Violation
from reliefkit.rules.county_plan._pack import (
    COMPLIANT,
    EXAMPLE,
    PACK,
    WHAT,
    WHY,
    cite,
    iso,
)
from reliefkit.rules.recipes import Draft, Draw, Subjects, reuse
from reliefkit.rules.scopes import (
    PLEDGES,
)

DOC_ZH: dict[str, str] = {
    WHAT: "认捐认建所指的项目在认捐当天或之前已经公布；没有公布日期的项目视为未公布。",
    WHY: "工作方案要求先制定并公布帮扶项目，由捐赠人定点定向认捐、认建。",
    EXAMPLE: "2015-10-10 的认捐 G1 指向 2015-10-15 才公布的项目 J4。",
    COMPLIANT: "J4 于 2015-09-20 公布。",
}


@PACK.rule(
    doc_zh=DOC_ZH,
    code="CP116",
    name="pledge-to-unpublished-project",
    severity=Severity.WARNING,
    cites=[
        cite(
            "§二(一)",
            "publish assistance projects; directed pledges",
            "公布帮扶项目，供捐赠人定向认捐认建",
        )
    ],
    title="A pledge names a project not yet published on the day of the pledge",
    title_zh="认捐认建的项目在认捐时尚未公布",
    remedy="Publish the project before taking pledges for it, and record its publication date.",
    remedy_zh="先公布帮扶项目再组织认捐认建，并登记公布日期。",
    reads=["pledges", "projects"],
    scope=PLEDGES,
)
def pledge_to_unpublished_project(ctx: Context, pledge: Pledge) -> Iterator[Violation]:
    """
    What it checks:
    A pledge names a project published on or before the pledge's date; a project with no
    publication date counts as unpublished.

    Why it matters:
    The plan asks for projects to be drawn up and published so that donors choose among
    them (定点定向认捐、认建).

    Example:
    Pledge G1 of 2015-10-10 names project J4, published on 2015-10-15.

    Compliant:
    J4 was published on 2015-09-20.

    References:
    county-plan §二(一).
    """
    ds = ctx.view
    project = ds.get(pledge.project_id)
    assert isinstance(project, Project)
    if project.published_on is not None and project.published_on <= pledge.on:
        return
    kind_zh = "认建" if pledge.kind is PledgeKind.BUILD else "认捐"
    if project.published_on is None:
        when = "has no publication date (it was never published)"
        when_zh = "没有公布日期（从未公布）"
    else:
        early = (project.published_on - pledge.on).days
        when = (
            f"was published only on {iso(project.published_on)}, "
            f"{early} day{'s' if early != 1 else ''} later"
        )
        when_zh = f"到 {iso(project.published_on)} 才公布，晚 {early} 天"
    yield Violation(
        (pledge.id, project.id),
        f"Pledge {pledge.id} of {pledge.on.isoformat()} ({pledge.amount}) names project "
        f"{project.id}, which {when}.",
        f"{kind_zh} {pledge.id}（{pledge.on.isoformat()}，{pledge.amount}）所指项目 {project.id}"
        f" {when_zh}。",
        {"pledged_on": pledge.on, "published_on": project.published_on},
    )


# ---- recipes: how violating("CP116") breaks this rule --------------------------------------------
@PACK.breaks("CP116")
def pledge_before_publication(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """A pledge for a project published only later, or never."""
    way = draw.pick(["new pledge", "earlier pledge", "unpublished"])
    pledged: dict[str, list[Pledge]] = {}
    for g in d.rows("pledges"):
        pledged.setdefault(g.project_id, []).append(g)
    dated = [g for g in d.rows("pledges") if d.record(Project, g.project_id).published_on]
    if way == "earlier pledge" and dated:
        pledge = draw.pick(dated)
        published = d.record(Project, pledge.project_id).published_on
        assert published is not None
        d.replace(pledge, on=published.subtract(days=draw.integers(1, 60)))
        return (pledge.id, pledge.project_id)
    once = [gs[0] for gs in pledged.values() if len(gs) == 1]
    if way == "unpublished" and once:
        pledge = draw.pick(once)
        d.replace(d.record(Project, pledge.project_id), published_on=None)
        return (pledge.id, pledge.project_id)
    project = reuse(
        draw,
        d.rows("projects"),
        lambda: d.add_project(draw, draw.pick(d.rows("villages")).id, published_on=draw.booleans()),
    )
    year = d.campaign.year
    if project.published_on is None:
        on = draw.day(pendulum.Date(year, 6, 1), pendulum.Date(year, 11, 30))
    else:
        on = project.published_on.subtract(days=draw.integers(1, 60))
    donors = [e.id for e in d.rows("donors")]
    pledge = d.add(
        Pledge(
            id=d.new_id("G"),
            donor_id=reuse(draw, donors, lambda: d.add_donor(draw).id),
            project_id=project.id,
            kind=draw.pick(tuple(PledgeKind)),
            amount=Money.fen(draw.amount(100_000, 5_000_000)),
            on=on,
        )
    )
    return (pledge.id, project.id)


# ---- the statement of the columnar engine --------------------------------------------------------
# A pledge naming no project is flagged: its judge fails on it, as on the object engine.
PACK.sql(
    "CP116",
    """
    SELECT g.campaign_id, g.id AS subject_id,
        j.published_on IS NULL OR j.published_on > g."on" AS flagged
    FROM pledges g
    LEFT JOIN projects j ON j.campaign_id = g.campaign_id AND j.id = g.project_id
    """,
)
