"""``violating(code)``: campaigns that break one rule exactly once, with the finding's subjects.

Each recipe starts from a compliant draft (:func:`~reliefkit.testing._datasets.drafts`) and
changes or adds a few records so that exactly one finding appears: of that code, on the
subjects the catalogue (``county-plan.md``) names, and nothing else. Where a rule can be broken
in several ways, the recipe draws the way, so the strategy covers them all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import attrs
import pendulum
from hypothesis import strategies as st

from reliefkit.exceptions import CannotViolateError, UnknownRuleError
from reliefkit.models import (
    Activity,
    ActivityKind,
    Dataset,
    DonorKind,
    Household,
    Money,
    Pledge,
    PledgeKind,
    Role,
    Sector,
    Solicitation,
    Waiver,
)
from reliefkit.testing._datasets import EARLIEST_END, Options, drafts, make_options
from reliefkit.testing._draft import NON_UNIT_KINDS, Draft, paid_to
from reliefkit.testing._draw import (
    Draw,
    amount,
    day,
    flag,
    maybe,
    person_name,
    pick,
    some,
)
from reliefkit.testing._strategies import (
    DEC_31,
    OTHER_EXPENSES,
    POVERTY_DAY,
    YEAR,
)

Subjects = tuple[str, ...]
Apply = Callable[[Draw, Draft, pendulum.Date], Subjects]

VISIT_WINDOW_END = pendulum.Date(YEAR, 10, 18)
_SIZE_NAMES = (
    "min_townships",
    "max_townships",
    "max_villages_per_township",
    "max_households_per_village",
    "max_departments",
    "max_donors",
    "max_drives",
    "max_activities",
    "max_projects",
    "max_funds",
    "max_donations_per_fund",
)


@attrs.frozen
class Recipe:
    """How to break one rule: ``apply`` changes a compliant draft and returns the subjects;
    ``impossible`` says why it cannot be broken on an ``as_of`` (``None`` when it can)."""

    code: str
    apply: Apply
    impossible: Callable[[pendulum.Date], str | None] = lambda _: None
    adjust: Callable[[Options], Options] = lambda o: o


RECIPES: dict[str, Recipe] = {}


def recipe(
    code: str,
    *,
    impossible: Callable[[pendulum.Date], str | None] | None = None,
    adjust: Callable[[Options], Options] | None = None,
) -> Callable[[Apply], Apply]:
    """Register the decorated function as the recipe breaking ``code``."""

    def register(apply: Apply) -> Apply:
        RECIPES[code] = Recipe(
            code,
            apply,
            impossible or (lambda _: None),
            adjust or (lambda o: o),
        )
        return apply

    return register


# ---- the public strategy -----------------------------------------------------------------------
def violating(
    code: str,
    *,
    as_of: object = "2015-12-31",
    min_townships: int = 1,
    max_townships: int = 3,
    max_villages_per_township: int = 3,
    max_households_per_village: int = 3,
    max_departments: int = 3,
    max_donors: int = 4,
    max_drives: int = 2,
    max_activities: int = 3,
    max_projects: int = 3,
    max_funds: int = 2,
    max_donations_per_fund: int = 3,
) -> st.SearchStrategy[tuple[Dataset, tuple[str, ...]]]:
    """Campaigns that break rule ``code`` exactly once: ``(dataset, subjects)`` pairs.

    ``check(dataset, as_of=as_of)`` finds exactly one finding: of ``code``, with
    ``finding.subjects == subjects``, and nothing else. Every county-plan code (CP101–CP124)
    has a recipe, and so do the engine's waiver codes (RK001 invalid, RK002 expired, RK003
    unused waiver). A recipe draws a compliant campaign (same size options as
    :func:`datasets`) and then changes or adds a few records, drawing among the ways the rule
    can be broken.

    An unknown code raises :class:`~reliefkit.exceptions.UnknownRuleError`, and a rule that
    cannot be broken on ``as_of`` raises :class:`~reliefkit.exceptions.CannotViolateError`,
    both at once (not when drawing). Only CP118 is such a rule: audits fall due on the
    campaign's last day, and generated campaigns end on 18 October 2015 at the earliest.
    Deadline rules are otherwise broken in a way ``as_of`` allows: before 17 October a
    township cannot yet lack its ceremony, but a ceremony dated 20 October is late whatever
    the ``as_of`` (CP106); likewise CP108 (a visit not led by a county leader) and CP111 (an
    exit plan adopted after the campaign).
    """
    wanted = _known_code(code)
    sizes = {k: v for k, v in locals().items() if k in _SIZE_NAMES}
    options = make_options(as_of, sizes)
    found = RECIPES[wanted]
    reason = found.impossible(options.as_of)
    if reason is not None:
        raise CannotViolateError(
            f"code={code!r}, as_of={options.as_of.isoformat()!r}: {wanted} cannot be broken "
            f"on this day: {reason}"
        )
    return _violations(found, found.adjust(options))


def _known_code(code: object) -> str:
    from reliefkit.rules import get_rule

    if not isinstance(code, str):
        raise UnknownRuleError(f"code={code!r}: expected a rule code such as 'CP101'")
    wanted = get_rule(code).code  # raises UnknownRuleError
    if wanted not in RECIPES:
        raise CannotViolateError(
            f"code={code!r}: reliefkit.testing has no recipe to break {wanted}; recipes exist "
            f"for {', '.join(sorted(RECIPES))}"
        )
    return wanted


@st.composite
def _violations(draw: Draw, found: Recipe, options: Options) -> tuple[Dataset, Subjects]:
    draft = draw(drafts(options))
    subjects = found.apply(draw, draft, options.as_of)
    return draft.build(), tuple(subjects)


def recipe_codes() -> tuple[str, ...]:
    """Every code :func:`violating` can break, sorted."""
    return tuple(sorted(RECIPES))


# ---- shared moves ------------------------------------------------------------------------------
def _choose(draw: Draw, existing: Iterable[Any], make: Callable[[], Any]) -> Any:
    """One of ``existing``, or (sometimes, or when there is none) a new one from ``make``."""
    found = list(existing)
    if found and not draw(st.booleans()):
        return pick(draw, found)
    return make()


def _drive_of(draw: Draw, d: Draft, organizer: str, *, avoid: Iterable[str] = ()) -> Activity:
    """An existing drive of ``organizer`` (not in ``avoid``), or a new one."""
    avoid = set(avoid)
    drives = [
        a
        for a in d.activities(ActivityKind.DONATION_DRIVE)
        if a.organizer_id == organizer and a.id not in avoid
    ]
    return _choose(draw, drives, lambda: d.add_drive(draw, organizer))  # type: ignore[no-any-return]


def _solicit(draw: Draw, d: Draft, drive: Activity, target_id: str, **fields: Any) -> Solicitation:
    assert drive.organizer_id is not None
    return d.add(
        Solicitation(
            id=d.new_id("S"),
            activity_id=drive.id,
            organizer_id=drive.organizer_id,
            target_id=target_id,
            on=drive.on.add(days=draw(st.integers(0, 10))),
            **fields,
        )
    )


def _standing_for(draw: Draw, d: Draft, unit: str) -> str:
    """The unit itself, or a cadre (or unit) donor standing for it (asking staff is asking it)."""
    if draw(st.booleans()):
        return unit
    donors = [e.id for e in d.rows("donors") if e.id != unit and d.resolve(e.id) == unit]
    kind = pick(draw, [DonorKind.CADRE, DonorKind.UNIT])
    return _choose(draw, donors, lambda: d.add_donor(draw, kind, unit_id=unit).id)  # type: ignore[no-any-return]


def _late_day(draw: Draw) -> pendulum.Date:
    """A day after Poverty Alleviation Day, in 2015."""
    return day(draw, POVERTY_DAY.add(days=1), DEC_31)


def _township_ceremonies(d: Draft) -> list[Activity]:
    return [
        a for a in d.activities(ActivityKind.CEREMONY) if d.table_of(a.organizer_id) == "townships"
    ]


def _a_ceremony(draw: Draw, d: Draft) -> Activity:
    """An existing township ceremony, or a new one when none is left."""
    return _choose(  # type: ignore[no-any-return]
        draw, _township_ceremonies(d), lambda: d.add_ceremony(draw, pick(draw, d.townships))
    )


def _new_flow(
    draw: Draw,
    d: Draft,
    *,
    target: tuple[str | None, str | None, str | None] | None = None,
    purpose: str | None = None,
) -> Any:
    """A new fund with one undesignated donation, one disbursement within it, and its audit."""
    fund = d.add_fund(draw)
    given = d.amount(draw)
    d.add_donation(draw, fund.id, given, donor_id=_any_donor(draw, d))
    paid = d.add_disbursement(
        draw,
        fund.id,
        draw(st.integers(1, given)),
        target or d.reaches(draw),
        purpose=purpose,
    )
    d.add_audit(draw, fund.id)
    return paid


def _any_donor(draw: Draw, d: Draft) -> str:
    return _choose(draw, [e.id for e in d.rows("donors")], lambda: d.add_donor(draw).id)  # type: ignore[no-any-return]


def _disbursement(draw: Draw, d: Draft) -> Any:
    """An existing disbursement, or one in a new fund."""
    return _choose(draw, d.rows("disbursements"), lambda: _new_flow(draw, d))


def _reaudit(draw: Draw, d: Draft, fund_id: str) -> None:
    """Replace a fund's audits by one matching its ledger (CP118 stays silent)."""
    d.remove(*[a for a in d.rows("audits") if a.fund_id == fund_id])
    if any(n.fund_id == fund_id for n in d.rows("donations")):
        d.add_audit(draw, fund_id)


# ---- §三(一) coordination ------------------------------------------------------------------------
@recipe("CP101")
def _cp101(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """A township asks another township, or a township and a department ask each other, with
    no pairing; the target has not been solicited before (no CP102)."""
    way = pick(draw, ["township-township", "township-department", "department-township"])
    free = [u for u in d.units() if not d.drives_soliciting(u)]
    if way == "township-township":
        organizer = pick(draw, d.townships).id
        others = [t for t in free if d.table_of(t) == "townships" and t != organizer]
        target = _choose(draw, others, lambda: d.add_township(draw).id)
    elif way == "township-department":
        organizer = pick(draw, d.townships).id
        others = [
            u for u in free if d.table_of(u) == "departments" and not d.is_paired(u, organizer)
        ]
        target = _choose(draw, others, lambda: d.add_department(draw).id)
    else:
        target = _choose(
            draw,
            [t for t in free if d.table_of(t) == "townships"],
            lambda: d.add_township(draw).id,
        )
        others = [dep.id for dep in d.departments if not d.is_paired(dep.id, target)]
        organizer = _choose(draw, others, lambda: d.add_department(draw).id)
    sol = _solicit(draw, d, _drive_of(draw, d, organizer), _standing_for(draw, d, target))
    return (sol.id, sol.organizer_id, sol.target_id)


@recipe("CP102")
def _cp102(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """A donor (or a department) solicited by two or three different drives."""
    if draw(st.booleans()):
        donors = [
            e.id
            for e in d.rows("donors")
            if d.resolve(e.id) == e.id and len(d.drives_soliciting(e.id)) <= 1
        ]
        target = _choose(draw, donors, lambda: d.add_donor(draw).id)
        organizers = d.units()
    else:
        departments = [dep.id for dep in d.departments if len(d.drives_soliciting(dep.id)) <= 1]
        target = _choose(draw, departments, lambda: d.add_department(draw).id)
        organizers = [dep.id for dep in d.departments if dep.id != target]
    wanted = draw(st.integers(2, 3))
    while len(d.drives_soliciting(target)) < wanted:
        taken = d.drives_soliciting(target)
        drives = [
            a
            for a in d.activities(ActivityKind.DONATION_DRIVE)
            if a.organizer_id in organizers and a.id not in taken
        ]
        drive = _choose(draw, drives, lambda: d.add_drive(draw, pick(draw, organizers)))
        asked = target if d.table_of(target) == "donors" else _standing_for(draw, d, target)
        _solicit(draw, d, drive, asked)
    return (target, *sorted(s.id for s in d.solicitations_of(target)))


@recipe("CP103")
def _cp103(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """A township's activity placed in, or listing a village of, another township."""
    if len(d.townships) < 2 or draw(st.booleans()):
        d.add_township(draw)
    organizer = pick(draw, d.townships).id
    elsewhere = [t.id for t in d.townships if t.id != organizer]
    foreign = [v.id for v in d.rows("villages") if v.township_id != organizer]
    kinds = [
        ActivityKind.SYMPOSIUM,
        ActivityKind.CHARITY,
        ActivityKind.SECTOR_RELIEF,
        ActivityKind.DONATION_DRIVE,
    ]
    own = [a for a in d.activities() if a.organizer_id == organizer]
    activity = _choose(draw, own, lambda: d.add_activity(draw, pick(draw, kinds), organizer))
    if foreign and draw(st.booleans()):
        d.replace(activity, villages=(*activity.villages, pick(draw, foreign)))
    else:
        d.replace(activity, township_id=pick(draw, elsewhere))
    return (activity.id,)


@recipe("CP104")
def _cp104(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """A township with no work plan, or one naming someone else, or assigning no task."""
    township = pick(draw, d.townships)
    plan = next((w for w in d.rows("work_plans") if w.township_id == township.id), None)
    if plan is None:  # already without a plan (a draft broken before)
        return (township.id,)
    way = pick(draw, ["missing", "someone else", "no task"])
    if way == "missing":
        d.remove(plan)
    elif way == "someone else":
        others = [p.id for p in d.rows("people") if p.id != township.main_leader_id]
        d.replace(plan, responsible_person_id=maybe(draw, others))
    else:
        d.replace(plan, tasks=pick(draw, [0, None]))
    return (township.id,)


@recipe("CP105")
def _cp105(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """A ceremony its township's main leader neither leads nor attends."""
    ceremony = _a_ceremony(draw, d)
    township = d.get(ceremony.organizer_id)
    leader = township.main_leader_id
    others = [p.id for p in d.rows("people") if p.id != leader]
    d.replace(
        ceremony,
        led_by=maybe(draw, others),
        participants=tuple(p for p in ceremony.participants if p != leader),
    )
    return (ceremony.id, township.id)


@recipe("CP106")
def _cp106(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """A ceremony dated after 17 October (any ``as_of``), or, once the day has passed, a
    township with no ceremony at all."""
    ways = ["late", "late new"] + (["missing"] if as_of > POVERTY_DAY else [])
    way = pick(draw, ways)
    township = pick(draw, d.townships)
    own = [c for c in _township_ceremonies(d) if c.organizer_id == township.id]
    if way == "missing":
        d.remove(*own)
        return (township.id,)
    ceremony = pick(draw, own) if way == "late" and own else d.add_ceremony(draw, township)
    d.replace(ceremony, on=_late_day(draw))
    return (township.id, ceremony.id)


@recipe("CP107")
def _cp107(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """A ceremony not shown to be at a populous place in the township seat."""
    ceremony = _a_ceremony(draw, d)
    which = pick(draw, ["in_seat", "populous", "both"])
    in_seat = pick(draw, [False, None]) if which != "populous" else True
    populous = pick(draw, [False, None]) if which != "in_seat" else True
    d.replace(ceremony, in_seat=in_seat, populous=populous)
    return (ceremony.id, str(ceremony.organizer_id))


# ---- §二(三) leader visits ----------------------------------------------------------------------
@recipe("CP108")
def _cp108(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """A leader visit not led by a county leader (any ``as_of``), or, once the window has
    closed, no county leader's visit to the poor in it."""
    ways = ["not a county leader"] + (["no visit"] if as_of > VISIT_WINDOW_END else [])
    if pick(draw, ways) == "no visit":
        visits = d.activities(ActivityKind.LEADER_VISIT)
        if draw(st.booleans()):
            d.remove(*visits)
        else:
            for visit in visits:
                early = day(draw, pendulum.Date(YEAR, 9, 1), pendulum.Date(YEAR, 10, 11))
                late = day(draw, VISIT_WINDOW_END.add(days=1), pendulum.Date(YEAR, 11, 30))
                d.replace(visit, on=early if flag(draw) else late)
        return (d.campaign.id,)
    others = [p.id for p in d.rows("people") if p.role is not Role.COUNTY_LEADER]
    visit = d.add(
        Activity(
            id=d.new_id("LV"),
            kind=ActivityKind.LEADER_VISIT,
            organizer_id=pick(draw, ["LG", None]),
            on=day(draw, pendulum.Date(YEAR, 9, 1), pendulum.Date(YEAR, 11, 30)),
            led_by=maybe(draw, others) if others else None,
            villages=(pick(draw, d.rows("villages")).id,),
        )
    )
    return (visit.id,)


# ---- §二(四) village stationing ------------------------------------------------------------------
@recipe("CP109")
def _cp109(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """A poor village whose work teams are gone, left before the campaign, or came after."""
    village = pick(draw, d.poor_villages())
    teams = [w for w in d.rows("work_teams") if w.village_id == village.id]
    way = pick(draw, ["none", "left before", "came after"])
    c = d.campaign
    for team in teams:
        if way == "none":
            d.remove(team)
        elif way == "left before":
            start = day(draw, pendulum.Date(YEAR, 1, 1), c.starts_on.subtract(days=1))
            d.replace(team, starts_on=start, ends_on=day(draw, start, c.starts_on.subtract(days=1)))
        else:
            d.replace(team, starts_on=c.ends_on.add(days=draw(st.integers(1, 60))), ends_on=None)
    return (village.id,)


@recipe("CP110")
def _cp110(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """A registered poor household without a responsible person."""
    way = pick(draw, ["poor", "newly registered", "new"])
    candidates = (
        d.poor_households()
        if way == "poor"
        else [h for h in d.rows("households") if not h.registered_poor]
    )
    if way != "new" and candidates:
        household = pick(draw, candidates)
        d.replace(household, registered_poor=True, responsible_person_id=None)
        return (household.id,)
    household = d.add(
        Household(
            id=d.new_id("H"),
            village_id=pick(draw, d.rows("villages")).id,
            head_name=person_name(draw),
            members=draw(st.integers(1, 7)),
            registered_poor=True,
        )
    )
    return (household.id,)


@recipe("CP111")
def _cp111(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """A poor village whose exit plan comes after the campaign (any ``as_of``), or, once the
    campaign is over, has none."""
    village = pick(draw, d.poor_villages())
    plans = [p for p in d.rows("exit_plans") if p.village_id == village.id]
    d.remove(*plans)
    if as_of >= d.campaign.ends_on and draw(st.booleans()):
        return (village.id,)
    from reliefkit.models import ExitPlan

    d.add(
        ExitPlan(
            village_id=village.id,
            adopted_on=d.campaign.ends_on.add(days=draw(st.integers(1, 90))),
        )
    )
    return (village.id,)


# ---- what raised money pays for -----------------------------------------------------------------
@recipe("CP112")
def _cp112(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """A disbursement with no permitted purpose: empty, ``other``, or one nobody knows."""
    paid = _disbursement(draw, d)
    d.replace(paid, purpose=pick(draw, [None, "other", "Other ", "fireworks", "misc"]))
    return (paid.id,)


@recipe("CP113")
def _cp113(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """A disbursement for government investment, or paying a government-obligated project."""
    if draw(st.booleans()):
        paid = _disbursement(draw, d)
        d.replace(paid, purpose="government_investment")
        return (paid.id, *([paid.project_id] if paid.project_id else []))
    paying: dict[str, list[Any]] = {}
    for b in d.rows("disbursements"):
        if b.project_id is not None:
            paying.setdefault(b.project_id, []).append(b)
    once = [ps[0] for ps in paying.values() if len(ps) == 1]
    paid = _choose(
        draw,
        once,
        lambda: _new_flow(
            draw, d, target=(d.add_project(draw, d.poor_villages()[0].id).id, None, None)
        ),
    )
    d.replace(d.get(paid.project_id), government_obligated=True)
    return (paid.id, paid.project_id)


@recipe("CP114")
def _cp114(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """A disbursement for an "other expense": administration, events, travel, meals, …"""
    paid = _disbursement(draw, d)
    d.replace(paid, purpose=pick(draw, OTHER_EXPENSES))
    return (paid.id,)


# ---- funds -------------------------------------------------------------------------------------
def designation_subjects(d: Draft, fund_id: str) -> Subjects:
    """CP115's subjects per the reading notes: the fund, the disbursements drawing on the
    undesignated pot, the directed donations whose money was not all spent on them."""
    book = d.ledger(fund_id)
    drawing = sorted(
        b.id
        for b in d.rows("disbursements")
        if b.fund_id == fund_id
        and (
            (k := paid_to(b, book.designated)) is None or book.spent.get(k, 0) > book.designated[k]
        )
    )
    unspent = sorted(
        n.id
        for n in d.rows("donations")
        if n.fund_id == fund_id
        and n.designation is not None
        and book.spent.get(n.designation, 0) < book.designated[n.designation]
    )
    return (fund_id, *drawing, *unspent)


@recipe("CP115")
def _cp115(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """A fund that spends directed money elsewhere (but no more than it received)."""
    fund = d.add_fund(draw)
    poor = {v.id for v in d.poor_villages()}
    options = [("v", v) for v in sorted(poor)] + [
        ("p", p.id)
        for p in d.rows("projects")
        if p.village_id in poor and not p.government_obligated
    ]
    chosen = some(draw, options, 2, min_size=1)
    if draw(st.booleans()):
        chosen.append(("p", d.add_project(draw, pick(draw, sorted(poor))).id))
    slack = 0
    for kind, key in chosen:
        given = d.amount(draw)
        d.add_donation(
            draw,
            fund.id,
            given,
            donor_id=_any_donor(draw, d),
            project_id=key if kind == "p" else None,
            village_id=key if kind == "v" else None,
        )
        spent = draw(st.integers(0, given - 1))
        slack += given - spent
        if spent:
            target = (key, None, None) if kind == "p" else (None, key, None)
            d.add_disbursement(draw, fund.id, spent, target)
    pot = amount(draw, 1) if flag(draw) else None
    if pot is not None:
        d.add_donation(draw, fund.id, pot, donor_id=_any_donor(draw, d))
    pot = pot or 0
    d.add_disbursement(
        draw,
        fund.id,
        draw(st.integers(pot + 1, pot + slack)),
        d.reaches(draw, avoid=[key for _, key in chosen]),
    )
    d.add_audit(draw, fund.id)
    return designation_subjects(d, fund.id)


@recipe("CP116")
def _cp116(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """A pledge for a project published only later, or never."""
    way = pick(draw, ["new pledge", "earlier pledge", "unpublished"])
    pledged: dict[str, list[Pledge]] = {}
    for g in d.rows("pledges"):
        pledged.setdefault(g.project_id, []).append(g)
    dated = [g for g in d.rows("pledges") if d.get(g.project_id).published_on is not None]
    if way == "earlier pledge" and dated:
        pledge = pick(draw, dated)
        project = d.get(pledge.project_id)
        d.replace(pledge, on=project.published_on.subtract(days=draw(st.integers(1, 60))))
        return (pledge.id, project.id)
    once = [gs[0] for gs in pledged.values() if len(gs) == 1]
    if way == "unpublished" and once:
        pledge = pick(draw, once)
        d.replace(d.get(pledge.project_id), published_on=None)
        return (pledge.id, pledge.project_id)
    project = _choose(
        draw,
        d.rows("projects"),
        lambda: d.add_project(
            draw, pick(draw, d.rows("villages")).id, published_on=draw(st.booleans())
        ),
    )
    if project.published_on is None:
        on = day(draw, pendulum.Date(YEAR, 6, 1), pendulum.Date(YEAR, 11, 30))
    else:
        on = project.published_on.subtract(days=draw(st.integers(1, 60)))
    pledge = d.add(
        Pledge(
            id=d.new_id("G"),
            donor_id=_any_donor(draw, d),
            project_id=project.id,
            kind=pick(draw, tuple(PledgeKind)),
            amount=Money.fen(d.amount(draw, 100_000, 5_000_000)),
            on=on,
        )
    )
    return (pledge.id, project.id)


@recipe("CP117")
def _cp117(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """A donation made in an activity without an honour badge."""
    no_badge = pick(draw, [False, None])
    in_activity = [n for n in d.rows("donations") if n.activity_id is not None]
    if in_activity and draw(st.booleans()):
        donation = pick(draw, in_activity)
        d.replace(donation, badge=no_badge)
        return (donation.id, donation.donor_id)
    # Not a hometown return: a notable's directed gift there would also be judged by CP121.
    giving = d.activities(ActivityKind.DONATION_DRIVE, ActivityKind.CHARITY)
    activity = _choose(
        draw,
        giving,
        lambda: d.add_activity(draw, ActivityKind.CHARITY, pick(draw, d.departments).id),
    )
    outside = [n for n in d.rows("donations") if n.activity_id is None]
    if outside and draw(st.booleans()):
        donation = pick(draw, outside)
        d.replace(donation, activity_id=activity.id, badge=no_badge)
        return (donation.id, donation.donor_id)
    fund = d.add_fund(draw)
    donation = d.add_donation(
        draw,
        fund.id,
        d.amount(draw),
        donor_id=_any_donor(draw, d),
        activity_id=activity.id,
        badge=no_badge,
    )
    d.add_audit(draw, fund.id)
    return (donation.id, donation.donor_id)


def _audits_not_due(as_of: pendulum.Date) -> str | None:
    if as_of < EARLIEST_END:
        return (
            "audits are due on the campaign's last day, and generated campaigns end on "
            f"{EARLIEST_END.isoformat()} at the earliest; use an as_of on or after it"
        )
    return None


def _end_by_as_of(options: Options) -> Options:
    return attrs.evolve(options, latest_end=min(options.as_of, DEC_31))


@recipe("CP118", impossible=_audits_not_due, adjust=_end_by_as_of)
def _cp118(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """A fund that received donations with no audit, or only audits that are wrong: other
    totals, too early, too late (after the campaign's last day), or by a department that is
    not the audit bureau."""
    funded = sorted({n.fund_id for n in d.rows("donations")})

    def new_fund() -> str:
        paid = _new_flow(draw, d)
        return str(paid.fund_id)

    fund_id = _choose(draw, funded, new_fund)
    audits = [a for a in d.rows("audits") if a.fund_id == fund_id]
    book = d.ledger(fund_id)
    way = pick(draw, ["none", "received", "disbursed", "auditor", "too early", "too late"])
    if way == "none":
        d.remove(*audits)
        return (fund_id,)
    for audit in audits:
        if way == "received":
            d.replace(audit, received_total=Money.fen(_off(draw, book.received)))
        elif way == "disbursed":
            d.replace(audit, disbursed_total=Money.fen(_off(draw, book.disbursed)))
        elif way == "auditor":
            others = [dep.id for dep in d.departments if dep.sector is not Sector.AUDIT]
            d.replace(audit, auditor_id=pick(draw, others))
        elif way == "too late":
            d.replace(audit, on=d.campaign.ends_on.add(days=draw(st.integers(1, 60))))
        else:
            assert book.last_movement is not None
            d.replace(audit, on=book.last_movement.subtract(days=draw(st.integers(1, 30))))
    return (fund_id, *sorted(a.id for a in audits))


def _off(draw: Draw, amount: int) -> int:
    """Another amount: a little more, or a little less when there is something to take."""
    delta = int(draw(st.integers(1, 100_000)))
    if amount > 0 and flag(draw):
        return max(0, amount - delta)
    return amount + delta


@recipe("CP119")
def _cp119(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """A disbursement that reaches no poor village or registered poor household."""
    way = pick(draw, ["nothing", "village", "household", "project"])
    target: tuple[str | None, str | None, str | None] = (None, None, None)
    if way == "village":
        rich = [v for v in d.rows("villages") if not v.poor]
        village = _choose(draw, rich, lambda: d.add_village(draw, pick(draw, d.townships).id))
        target = (None, village.id, None)
    elif way == "household":
        rich_h = [h for h in d.rows("households") if not h.registered_poor]
        household = _choose(
            draw,
            rich_h,
            lambda: d.add(
                Household(
                    id=d.new_id("H"),
                    village_id=pick(draw, d.rows("villages")).id,
                    head_name=person_name(draw),
                    members=draw(st.integers(1, 7)),
                )
            ),
        )
        target = (None, None, household.id)
    elif way == "project":
        rich_p = [
            p
            for p in d.rows("projects")
            if not p.government_obligated and not d.get(p.village_id).poor
        ]

        def new_project() -> Any:
            rich = [v for v in d.rows("villages") if not v.poor]
            village = rich[0] if rich else d.add_village(draw, pick(draw, d.townships).id)
            return d.add_project(draw, village.id)

        target = (_choose(draw, rich_p, new_project).id, None, None)
    paid = _new_flow(draw, d, target=target)
    return (paid.id,)


@recipe("CP120")
def _cp120(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """Vocational training that charges a fee."""
    trainings = d.activities(ActivityKind.VOCATIONAL_TRAINING)
    training = _choose(
        draw,
        trainings,
        lambda: d.add_activity(draw, ActivityKind.VOCATIONAL_TRAINING, pick(draw, d.units())),
    )
    d.replace(training, fee=Money.fen(d.amount(draw, 1, 100_000)))
    return (training.id,)


@recipe("CP121")
def _cp121(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """A local notable's hometown-return gift directed outside the home township."""
    notables = [
        e
        for e in d.rows("donors")
        if e.kind is DonorKind.LOCAL_NOTABLE and e.home_township_id is not None
    ]
    notable = _choose(draw, notables, lambda: d.add_donor(draw, DonorKind.LOCAL_NOTABLE))
    home = notable.home_township_id
    away = [v for v in d.rows("villages") if v.township_id != home]
    if not away:
        d.add_township(draw)
        away = [v for v in d.rows("villages") if v.township_id != home]
    village = pick(draw, away)
    projects = [p for p in d.rows("projects") if p.village_id == village.id]
    designation = (
        (None, village.id)
        if draw(st.booleans())
        else (_choose(draw, projects, lambda: d.add_project(draw, village.id)).id, None)
    )
    returns = d.activities(ActivityKind.HOMETOWN_RETURN)

    def new_return() -> Activity:
        organizer = pick(draw, d.townships).id
        activity = d.add_activity(draw, ActivityKind.HOMETOWN_RETURN, organizer)
        return d.replace(activity, township_id=organizer)  # type: ignore[no-any-return]

    activity = _choose(draw, returns, new_return)
    fund = d.add_fund(draw)
    donation = d.add_donation(
        draw,
        fund.id,
        d.amount(draw),
        donor_id=notable.id,
        project_id=designation[0],
        village_id=designation[1],
        activity_id=activity.id,
    )
    d.add_audit(draw, fund.id)
    return (donation.id, notable.id)


@recipe("CP122")
def _cp122(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """A fund that pays out more than it received (possibly nothing at all)."""
    funded = sorted({n.fund_id for n in d.rows("donations")})
    if funded and draw(st.booleans()):
        fund_id = pick(draw, funded)
        book = d.ledger(fund_id)
        extra = max(book.received - book.disbursed, 0) + draw(st.integers(1, 1_000_000))
        d.add_disbursement(draw, fund_id, extra, d.reaches(draw, avoid=book.designated))
        _reaudit(draw, d, fund_id)
    else:
        fund_id = d.add_fund(draw).id
        received = 0
        for _ in range(draw(st.integers(0, 2))):
            given = d.amount(draw)
            received += given
            d.add_donation(draw, fund_id, given, donor_id=_any_donor(draw, d))
        total = received + draw(st.integers(1, 1_000_000))
        parts = draw(st.integers(1, min(3, total)))
        for i in range(parts):
            amount = total // parts + (total % parts if i == 0 else 0)
            d.add_disbursement(draw, fund_id, amount, d.reaches(draw))
        _reaudit(draw, d, fund_id)
    paid = sorted(b.id for b in d.rows("disbursements") if b.fund_id == fund_id)
    return (fund_id, *paid)


@recipe("CP123")
def _cp123(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """A solicitation with a quota."""
    quota = Money.fen(d.amount(draw, 1, 100_000))
    if d.rows("solicitations") and draw(st.booleans()):
        sol = pick(draw, d.rows("solicitations"))
        d.replace(sol, quota=quota)
        return (sol.id,)
    donor = d.add_donor(draw, pick(draw, NON_UNIT_KINDS))
    drive = _drive_of(draw, d, pick(draw, d.units()))
    sol = _solicit(draw, d, drive, donor.id, quota=quota)
    return (sol.id,)


@recipe("CP124")
def _cp124(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """An inspection tour that lists no poor village and no registered poor household."""
    tours = d.activities(ActivityKind.INSPECTION_TOUR)
    tour = _choose(
        draw,
        tours,
        lambda: d.add_activity(
            draw,
            ActivityKind.INSPECTION_TOUR,
            maybe(draw, [dep.id for dep in d.departments]),
        ),
    )
    in_township = d.table_of(tour.organizer_id) == "townships"
    rich = [
        v.id
        for v in d.rows("villages")
        if not v.poor and (not in_township or v.township_id == tour.organizer_id)
    ]
    rich_h = [h.id for h in d.rows("households") if not h.registered_poor]
    d.replace(
        tour,
        villages=tuple(some(draw, rich, 2)) if rich else (),
        households=tuple(some(draw, rich_h, 2)) if rich_h else (),
    )
    return (tour.id,)


# ---- the engine's waiver codes -----------------------------------------------------------------
def _waiver(
    draw: Draw, d: Draft, granted_by: str | None, until: pendulum.Date, code: str | None = None
) -> Waiver:
    code = code or f"CP{draw(st.integers(101, 124))}"
    waived = {w.subject_id for w in d.rows("waivers") if w.code == code}  # one per key
    subject = _choose(
        draw,
        [t.id for t in d.townships if t.id not in waived]
        + [v.id for v in d.rows("villages") if v.id not in waived],
        lambda: d.new_id("X"),
    )
    return d.add(
        Waiver(
            code=code,
            subject_id=subject,
            reason=pick(draw, ["因灾延期", "特殊情况，经研究同意"]),
            granted_by=granted_by,
            until=until,
        )
    )


@recipe("RK001")
def _rk001(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """A waiver not granted by the leading group, or naming no rule."""
    until = as_of.add(days=draw(st.integers(0, 365)))
    if draw(st.booleans()):
        others = [t.id for t in d.townships] + [
            dep.id for dep in d.departments if dep.sector is not Sector.LEADING_GROUP
        ]
        waiver = _waiver(draw, d, maybe(draw, others), until)
    else:
        waiver = _waiver(draw, d, "LG", until, code=f"CP{draw(st.integers(900, 999))}")
    return (waiver.id,)


@recipe("RK002")
def _rk002(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """A waiver granted by the leading group that expired before ``as_of``."""
    waiver = _waiver(draw, d, "LG", as_of.subtract(days=draw(st.integers(1, 365))))
    return (waiver.id,)


@recipe("RK003")
def _rk003(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """A valid waiver that exempts nothing (the campaign breaks no rule)."""
    waiver = _waiver(draw, d, "LG", as_of.add(days=draw(st.integers(0, 365))))
    return (waiver.id,)


__all__ = ["RECIPES", "designation_subjects", "recipe_codes", "violating"]
