"""``datasets()``: whole campaigns, referentially intact and compliant with the county plan.

The generator draws counts first and then each record's choices, so Hypothesis shrinks a
failing campaign towards one township with one poor village and nothing optional. Compliance
is built in, rule by rule (the comments name the codes), never filtered for.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, TypeVar

import attrs
import pendulum
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from reliefkit.exceptions import InvalidValueError, ParameterError
from reliefkit.models import (
    Activity,
    ActivityKind,
    Campaign,
    Dataset,
    Department,
    Donor,
    DonorKind,
    Household,
    Money,
    Pledge,
    PledgeKind,
    Project,
    Role,
    Sector,
    Solicitation,
    Township,
    TownshipKind,
    Village,
    WorkPlan,
    to_date,
)
from reliefkit.rules import Registry, default_registry, paired, resolve_unit
from reliefkit.testing._draft import GIVING_KINDS, Draft, pairing
from reliefkit.testing._draw import (
    Choices,
    Draw,
    day,
    flag,
    maybe,
    maybe_day,
    maybe_flag,
    person_name,
    pick,
    resident_id,
    some,
)
from reliefkit.testing._shown import FROM_RECORDS, Records
from reliefkit.testing._strategies import (
    COUNTIES,
    DEC_31,
    DEPARTMENT_NAMES,
    GOODS,
    TOWNSHIP_NAMES,
    VILLAGE_NAMES,
    YEAR,
)

T = TypeVar("T")

# The earliest last day of a generated campaign: it always spans the visit window (12–18 Oct).
EARLIEST_END = pendulum.Date(YEAR, 10, 18)

_SIZE_DEFAULTS: dict[str, int] = {
    "min_townships": 1,
    "max_townships": 3,
    "min_villages_per_township": 0,
    "max_villages_per_township": 3,
    "min_households_per_village": 0,
    "max_households_per_village": 3,
    "min_departments": 0,
    "max_departments": 3,
    "min_donors": 0,
    "max_donors": 4,
    "min_drives": 0,
    "max_drives": 2,
    "min_activities": 0,
    "max_activities": 3,
    "min_projects": 0,
    "max_projects": 3,
    "min_funds": 0,
    "max_funds": 2,
    "min_donations_per_fund": 0,
    "max_donations_per_fund": 3,
}
"""The size options of :func:`datasets` and :func:`~reliefkit.testing.violating`, with their
defaults: every ``max_X`` has its ``min_X``."""

SIZE_NAMES = tuple(_SIZE_DEFAULTS)


@attrs.frozen
class Options:
    """Validated options of :func:`datasets` (and of :func:`violating`)."""

    as_of: pendulum.Date
    min_townships: int = 1
    max_townships: int = 3
    min_villages_per_township: int = 0
    max_villages_per_township: int = 3
    min_households_per_village: int = 0
    max_households_per_village: int = 3
    min_departments: int = 0
    max_departments: int = 3
    min_donors: int = 0
    max_donors: int = 4
    min_drives: int = 0
    max_drives: int = 2
    min_activities: int = 0
    max_activities: int = 3
    min_projects: int = 0
    max_projects: int = 3
    min_funds: int = 0
    max_funds: int = 2
    min_donations_per_fund: int = 0
    max_donations_per_fund: int = 3
    # Earliest and latest last day of the campaign (it spans the visit window; violations of
    # CP118 need the audit due by as_of).
    earliest_end: pendulum.Date = EARLIEST_END
    latest_end: pendulum.Date = DEC_31
    # The pack parameters campaigns comply with (defaults, with the caller's overrides), and
    # the codes of the rules they are checked against (a waiver may name them).
    params: Mapping[str, Any] = attrs.field(factory=dict, eq=False)
    codes: frozenset[str] = frozenset()


def check_as_of(as_of: object) -> pendulum.Date:
    """``as_of`` as a date, or :class:`~hypothesis.errors.InvalidArgument`."""
    try:
        return to_date(as_of)
    except InvalidValueError as exc:
        raise InvalidArgument(f"as_of={as_of!r}: {exc}") from None


def make_options(
    as_of: object,
    sizes: Mapping[str, Any],
    params: Mapping[str, Any] | None = None,
    registry: Registry | None = None,
) -> Options:
    """Validate the keyword options shared by ``datasets`` and ``violating``."""
    day = check_as_of(as_of)
    for name, value in sizes.items():
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidArgument(f"{name}={value!r}: expected an int")
        if value < 0:
            raise InvalidArgument(f"{name}={value!r}: must not be negative")
    if sizes["min_townships"] < 1:
        raise InvalidArgument(
            f"min_townships={sizes['min_townships']!r}: a campaign needs at least one township "
            "(its poor village is where county leaders visit, CP108)"
        )
    for name in SIZE_NAMES:
        if name.startswith("min_"):
            high = "max_" + name.removeprefix("min_")
            if sizes[name] > sizes[high]:
                raise InvalidArgument(f"{name}={sizes[name]!r}: more than {high}={sizes[high]!r}")
    if sizes["min_donations_per_fund"] and not sizes["max_donors"]:
        raise InvalidArgument(
            f"min_donations_per_fund={sizes['min_donations_per_fund']!r}: donations need a "
            "donor, but max_donors=0"
        )
    if sizes["max_villages_per_township"] < 1:
        raise InvalidArgument(
            f"max_villages_per_township={sizes['max_villages_per_township']!r}: a compliant "
            "campaign needs at least one poor village (CP108)"
        )
    registry = default_registry() if registry is None else registry
    values = resolve_params(params, registry)
    earliest = EARLIEST_END
    window = values.get("visit_window")
    if window is not None:
        month, dd = (int(x) for x in window[1].split("-"))
        earliest = max(earliest, pendulum.Date(YEAR, month, dd))
    if earliest > DEC_31:  # pragma: no cover - a window ending in 2016 cannot be set
        raise InvalidArgument(f"params={params!r}: the visit window ends after {YEAR}")
    return Options(as_of=day, earliest_end=earliest, params=values, codes=_codes(registry), **sizes)


def _codes(registry: Registry) -> frozenset[str]:
    """Codes of the rules ``check`` runs by default with this registry."""
    packs = [registry.pack(name) for name in registry.default_packs]
    packs += [p for p in registry.always if p not in packs]
    return frozenset(code for pack in packs for code in pack.rules)


_PROBE = Campaign(
    id="C2015", year=YEAR, starts_on=pendulum.Date(YEAR, 8, 1), ends_on=pendulum.Date(YEAR, 12, 31)
)


def resolve_params(
    params: Mapping[str, Any] | None, registry: Registry | None = None
) -> dict[str, Any]:
    """The parameters of a 2015 campaign with ``params`` applied, over every pack of the
    registry; an unknown name or a value the rules cannot read raises ``InvalidArgument``.

    Generated campaigns are county-plan campaigns: the built-in packs' values are the base,
    whatever the registry (a third-party registry need not hold them).
    """
    if params is not None and not isinstance(params, Mapping):
        raise InvalidArgument(f"params={params!r}: expected a mapping of parameter names")
    overrides = dict(params or {})
    packs = (registry or default_registry()).packs()
    unknown = set(overrides) - {n for p in packs for n in p.parameters}
    if unknown:
        raise InvalidArgument(f"params={sorted(unknown)!r}: no such parameter in the packs")
    values: dict[str, Any] = {}
    for pack in [*default_registry().packs(), *packs]:
        own = {k: v for k, v in overrides.items() if k in pack.parameters}
        try:
            values.update(pack.resolve_params(_PROBE, own))
        except ParameterError as exc:
            raise InvalidArgument(str(exc)) from None
    return values


def datasets(
    *,
    as_of: object = "2015-12-31",
    params: Mapping[str, Any] | None = None,
    min_townships: int = 1,
    max_townships: int = 3,
    min_villages_per_township: int = 0,
    max_villages_per_township: int = 3,
    min_households_per_village: int = 0,
    max_households_per_village: int = 3,
    min_departments: int = 0,
    max_departments: int = 3,
    min_donors: int = 0,
    max_donors: int = 4,
    min_drives: int = 0,
    max_drives: int = 2,
    min_activities: int = 0,
    max_activities: int = 3,
    min_projects: int = 0,
    max_projects: int = 3,
    min_funds: int = 0,
    max_funds: int = 2,
    min_donations_per_fund: int = 0,
    max_donations_per_fund: int = 3,
) -> st.SearchStrategy[Dataset]:
    """Whole 2015 campaigns that break no county-plan rule: ``check(ds, as_of=as_of)`` finds
    nothing.

    Every reference resolves, and every family of records can appear: townships with their
    main leaders, work plans and on-time ceremonies; poor villages with work teams and exit
    plans; households (registered poor ones with a responsible person); pairings; county
    leaders' visits in the window; donation drives whose solicitations respect pairings and
    never solicit a target twice; inspection tours, free trainings, hometown returns;
    published projects and pledges; funds with directed and undesignated donations,
    disbursements within their designations, and audits matching the ledgers. Optional
    families may be empty. No waivers are drawn.

    ``as_of`` is the day the campaign is checked on (a date or ISO string); generated
    campaigns comply on every day, so it is only validated here (:func:`violating` uses it).
    ``params`` overrides pack parameters by name, as ``check(..., params=...)`` does:
    campaigns then comply under those values (``{"poverty_day": "10-20"}`` dates ceremonies
    by 20 October). The ``min_``/``max_`` options bound the counts (every ``max_X`` has its
    ``min_X``: ``min_funds=1, min_donations_per_fund=1`` makes sure there is a fund with
    money in it, so that ``records_for(data, tables="donations")`` always has room); the
    defaults keep examples small. Bad options (a ``min_`` above its ``max_``) raise
    :class:`hypothesis.errors.InvalidArgument` at once.

    A failing example prints as ``Dataset.from_records([Campaign(...), Township(...), …])``:
    the records' reprs, which can be pasted back into a test.
    """
    sizes = {k: v for k, v in locals().items() if k in _SIZE_DEFAULTS}
    options = make_options(as_of, sizes, params)
    # Through the records, so that a failing example prints as code (see _shown).
    return drafts(options).map(records_of).map(FROM_RECORDS)


def records_of(draft: Draft) -> Records:
    """A draft's records, campaign first, in the format's table order."""
    return Records((draft.campaign, *(r for rows in draft.tables.values() for r in rows)))


def _draw_many(
    draw: Draw, items: tuple[T, ...] | list[T], max_size: int, min_size: int = 0
) -> list[T]:
    """``min_size`` to ``max_size`` items, repeats allowed (kinds of departments, donors,
    activities)."""
    indexes = st.lists(st.integers(0, len(items) - 1), min_size=min_size, max_size=max_size)
    return [items[i] for i in draw(indexes)]


# ---- the generator -----------------------------------------------------------------------------
@st.composite
def drafts(raw: Draw, options: Options) -> Draft:
    """A compliant campaign as a :class:`Draft` (for recipes that change it afterwards)."""
    draw = Choices(raw)
    county = pick(draw, COUNTIES)
    campaign = Campaign(
        id="C2015",
        name=f"{county}2015年扶贫日系列活动",
        year=YEAR,
        county=county,
        starts_on=day(draw, pendulum.Date(YEAR, 8, 1), pendulum.Date(YEAR, 10, 1)),
        ends_on=day(draw, options.earliest_end, options.latest_end),
    )
    d = Draft.empty(campaign, options.params, options.codes)
    _units(draw, d, options)
    _villages(draw, d, options)
    _pairings(draw, d)
    _ceremonies_and_visits(draw, d)
    _donors(draw, d, options)
    _drives(draw, d, options)
    _other_activities(draw, d, options)
    _projects_and_pledges(draw, d, options)
    _funds(draw, d, options)
    # Villages added on the way (a poor village a visit or a tour needs) get their
    # households too, so every minimum asked for holds for every village.
    for village in d.rows("villages"):
        for _ in range(options.min_households_per_village - len(d.households_in(village.id))):
            d.add_household(draw, village.id)
    return d


def _units(draw: Choices, d: Draft, o: Options) -> None:
    d.add(
        Department(
            id="LG", name=DEPARTMENT_NAMES[Sector.LEADING_GROUP], sector=Sector.LEADING_GROUP
        )
    )
    d.add(Department(id="AU", name=DEPARTMENT_NAMES[Sector.AUDIT], sector=Sector.AUDIT))
    for sector in _draw_many(draw, tuple(Sector), o.max_departments, o.min_departments):
        d.add(Department(id=d.new_id("D"), name=DEPARTMENT_NAMES[sector], sector=sector))
    for _ in range(draw(st.integers(1, 2))):
        d.add_person(draw, "LG", Role.COUNTY_LEADER)  # CP108: someone to lead visits
    names = draw(st.permutations(TOWNSHIP_NAMES))
    for i in range(draw(st.integers(o.min_townships, o.max_townships))):
        township_id = d.new_id("T")
        leader = d.add_person(draw, township_id, Role.TOWNSHIP_MAIN_LEADER)
        for _ in range(draw(st.integers(0, 2))):
            d.add_person(draw, township_id, Role.CADRE)
        d.add(
            Township(
                id=township_id,
                name=names[i % len(names)],
                kind=pick(draw, TownshipKind),
                main_leader_id=leader.id,
            )
        )
        # CP104: a plan naming the main leader, with tasks.
        d.add(
            WorkPlan(
                township_id=township_id,
                responsible_person_id=leader.id,
                tasks=draw(st.integers(1, 8)),
            )
        )
    for department in d.departments:
        if department.id != "LG" and draw(st.booleans()):
            d.add_person(draw, department.id, pick(draw, [Role.CADRE, Role.OTHER]))


def _villages(draw: Choices, d: Draft, o: Options) -> None:
    names = draw(st.permutations(VILLAGE_NAMES))
    for n, township in enumerate(d.townships):
        first = n == 0
        least = max(o.min_villages_per_township, 1 if first else 0)
        count = draw(st.integers(least, o.max_villages_per_township))
        for i in range(count):
            # CP108 needs a poor village somewhere: the first one is always poor.
            poor = True if first and i == 0 else draw(st.booleans())
            village = d.add(
                Village(
                    id=d.new_id("V"),
                    name=names[len(d.rows("villages")) % len(names)],
                    township_id=township.id,
                    poor=poor,
                )
            )
            if poor:
                d.add_team(draw, village.id)  # CP109
                d.add_exit_plan(draw, village.id)  # CP111
            elif draw(st.booleans()):
                d.add_team(draw, village.id)
            staff = [p.id for p in d.people_in(township.id)]
            households = st.integers(o.min_households_per_village, o.max_households_per_village)
            for _ in range(draw(households)):
                registered = draw(st.booleans())
                responsible = (
                    pick(draw, staff)  # CP110
                    if registered
                    else maybe(draw, staff)
                )
                d.add(
                    Household(
                        id=d.new_id("H"),
                        village_id=village.id,
                        head_name=person_name(draw),
                        resident_id=resident_id(draw) if flag(draw) else None,
                        members=draw(st.integers(1, 7)),
                        registered_poor=registered,
                        responsible_person_id=responsible,
                    )
                )


def _pairings(draw: Choices, d: Draft) -> None:
    partners = [t.id for t in d.townships] + [v.id for v in d.rows("villages")]
    pairs = [(dep.id, p) for dep in d.departments for p in partners]
    for department_id, partner_id in some(draw, pairs, 2):
        since = maybe_day(draw, pendulum.Date(2014, 1, 1), d.campaign.starts_on)
        d.add(attrs.evolve(pairing(department_id, partner_id), since=since))


def _ceremonies_and_visits(draw: Choices, d: Draft) -> None:
    for township in d.townships:
        for _ in range(draw(st.integers(1, 2))):
            d.add_ceremony(draw, township)  # CP105, CP106, CP107
    leaders = [p.id for p in d.county_leaders()]
    poor = [v.id for v in d.poor_villages()]
    poor_households = [h.id for h in d.poor_households()]
    everything = [v.id for v in d.rows("villages")]
    for n in range(draw(st.integers(1, 2))):
        # CP108: the first visit qualifies; every visit is led by a county leader.
        if n == 0:
            on = day(draw, *d.visit_window())
            listed = [pick(draw, poor), *some(draw, everything, 1)]
        else:
            on = day(draw, pendulum.Date(YEAR, 9, 1), pendulum.Date(YEAR, 11, 30))
            listed = some(draw, everything, 2)
        listed = list(dict.fromkeys(listed))
        households = some(draw, poor_households, 1) if poor_households else []
        d.add(
            Activity(
                id=d.new_id("LV"),
                kind=ActivityKind.LEADER_VISIT,
                organizer_id=pick(draw, ["LG", None]),
                township_id=d.township_of(listed[0]) if listed else None,
                on=on,
                led_by=pick(draw, leaders),
                villages=tuple(listed),
                households=tuple(households),
            )
        )


def _donors(draw: Choices, d: Draft, o: Options) -> None:
    # min_donations_per_fund: a donation needs a donor.
    least = max(o.min_donors, 1 if o.min_donations_per_fund else 0)
    for kind in _draw_many(draw, tuple(DonorKind), o.max_donors, least):
        d.add_donor(draw, kind)


def _allowed_target(d: Draft, organizer: str, target: str) -> bool:
    """CP101: may ``organizer`` solicit ``target`` (a resolved unit, or a donor)?"""
    org_table, tgt_table = d.table_of(organizer), d.table_of(target)
    if target == organizer or tgt_table not in ("townships", "departments"):
        return True
    if org_table == "townships" and tgt_table == "townships":
        return False
    if org_table == "townships":
        return paired(d, target, organizer)
    if tgt_table == "townships":
        return paired(d, organizer, target)
    # Department asks department: the clause does not name it, unless a parameter does.
    return not d.param("forbid_department_to_department")


def _drives(draw: Choices, d: Draft, o: Options) -> None:
    units = d.units()
    # CP102: the activity through which each unit was asked (its own activities aside).
    asked_in: dict[str, str] = {}
    for _ in range(draw(st.integers(o.min_drives, o.max_drives))):
        drive = d.add_drive(draw, pick(draw, units))
        organizer = drive.organizer_id
        assert organizer is not None
        targets = units + [e.id for e in d.rows("donors")]
        stands = {t: resolve_unit(d, t) for t in targets}
        candidates = [
            t
            for t in targets
            if _allowed_target(d, organizer, stands[t] or t)
            and stands[t] in (None, organizer, *[u for u in units if u not in asked_in])
        ]
        for target in some(draw, candidates, 3):
            unit = stands[target]
            if unit not in (None, organizer) and asked_in.setdefault(unit, drive.id) != drive.id:
                continue
            d.add(
                Solicitation(
                    id=d.new_id("S"),
                    activity_id=drive.id,
                    organizer_id=organizer,
                    target_id=target,
                    on=drive.on.add(days=draw(st.integers(0, 10))),
                    quota=maybe(draw, [Money.zero()]),  # CP123
                )
            )


def _other_activities(draw: Choices, d: Draft, o: Options) -> None:
    kinds = [
        ActivityKind.INSPECTION_TOUR,
        ActivityKind.VOCATIONAL_TRAINING,
        ActivityKind.SECTOR_RELIEF,
        ActivityKind.CHARITY,
        ActivityKind.HOMETOWN_RETURN,
        ActivityKind.SYMPOSIUM,
    ]
    departments = [dep.id for dep in d.departments]
    townships = [t.id for t in d.townships]
    for kind in _draw_many(draw, kinds, o.max_activities, o.min_activities):
        if kind is ActivityKind.HOMETOWN_RETURN:
            organizer: str | None = pick(draw, townships)
        elif kind is ActivityKind.INSPECTION_TOUR:
            # CP124 with CP103: a township's tour stays in the township, so it needs a poor
            # village there; departments may tour anywhere.
            with_poor = sorted({v.township_id for v in d.poor_villages()})
            organizer = pick(draw, departments + with_poor)
        else:
            organizer = maybe(draw, departments + townships)
        activity = d.add_activity(draw, kind, organizer)
        in_township = organizer is not None and d.table_of(organizer) == "townships"
        local = [v for v in d.rows("villages") if not in_township or v.township_id == organizer]
        listed = some(draw, [v.id for v in local], 2) if local else []
        changes: dict[str, Any] = {}
        if kind is ActivityKind.INSPECTION_TOUR:
            poor = [v.id for v in local if v.poor]
            listed = list(dict.fromkeys([pick(draw, poor), *listed]))
        if kind is ActivityKind.VOCATIONAL_TRAINING:
            changes["fee"] = maybe(draw, [Money.zero()])  # CP120
        if kind is ActivityKind.HOMETOWN_RETURN:
            changes["township_id"] = organizer
        d.replace(activity, villages=tuple(listed), **changes)


def _projects_and_pledges(draw: Choices, d: Draft, o: Options) -> None:
    villages = d.rows("villages")
    for _ in range(draw(st.integers(o.min_projects, o.max_projects))):
        village = pick(draw, villages)
        d.add_project(
            draw,
            village.id,
            published_on=pick(draw, [True, True, True, False]),
            government_obligated=pick(draw, [False, False, True]),
        )
    donors = [e.id for e in d.rows("donors")]
    published = [p for p in d.rows("projects") if p.published_on is not None]
    if not donors or not published:
        return
    for _ in range(draw(st.integers(0, 3))):
        project = pick(draw, published)
        assert project.published_on is not None
        # CP116: pledged on or after the project's publication.
        on = day(draw, project.published_on, project.published_on.add(days=60))
        d.add(
            Pledge(
                id=d.new_id("G"),
                donor_id=pick(draw, donors),
                project_id=project.id,
                kind=pick(draw, PledgeKind),
                amount=Money.fen(draw.amount(100_000, 5_000_000)),
                on=min(on, DEC_31),
            )
        )


def _designations(
    d: Draft, donor_id: str, activity: Activity | None
) -> list[tuple[str | None, str | None]]:
    """What a donation may be directed to; CP121 keeps a notable's hometown gift at home."""
    donor = d.record(Donor, donor_id)
    home = None
    if (
        activity is not None
        and activity.kind is ActivityKind.HOMETOWN_RETURN
        and donor.kind is DonorKind.LOCAL_NOTABLE
    ):
        home = donor.home_township_id
    out: list[tuple[str | None, str | None]] = [(None, None)]
    for project in d.rows("projects"):
        if home is None or d.township_of(project.village_id) == home:
            out.append((project.id, None))
    for village in d.rows("villages"):
        if home is None or village.township_id == home:
            out.append((None, village.id))
    return out


def _funds(draw: Choices, d: Draft, o: Options) -> None:
    donors = [e.id for e in d.rows("donors")]
    giving = d.activities(*GIVING_KINDS)
    for _ in range(draw(st.integers(o.min_funds, o.max_funds))):
        fund = d.add_fund(draw)
        if not donors:
            continue
        for _ in range(draw(st.integers(o.min_donations_per_fund, o.max_donations_per_fund))):
            donor_id = pick(draw, donors)
            activity = maybe(draw, giving) if giving else None
            project_id, village_id = pick(draw, _designations(d, donor_id, activity))
            donation = d.add_donation(
                draw,
                fund.id,
                draw.amount(),
                donor_id=donor_id,
                project_id=project_id,
                village_id=village_id,
                activity_id=activity.id if activity else None,
                # CP117: a donation in an activity gets a badge; others may or may not.
                badge=True if activity else maybe_flag(draw),
            )
            if draw(st.booleans()):
                d.replace(donation, goods=pick(draw, GOODS), receipt=draw(st.booleans()))
        _spend(draw, d, fund.id)
        if d.donations_to(fund.id):
            d.add_audit(draw, fund.id)  # CP118


def _fen(yuan: Decimal) -> int:
    return Money(yuan).in_fen


def _spend(draw: Choices, d: Draft, fund_id: str) -> None:
    """Disburse within the designations and the undesignated pot (CP115, CP122), to the poor
    (CP119), for permitted purposes (CP112–CP114).

    The fund's ledger and where a payment goes are the rules' own reading
    (:func:`~reliefkit.rules.build_ledger`, :func:`~reliefkit.rules.target_of` through
    :meth:`Draft.reaches`), so that a payment meant for the pot never lands on a designation.
    """
    book = d.ledger(fund_id)
    given = {key: _fen(total) for key, total in book.designated.items()}
    pot = _fen(book.undesignated)
    for key, total in sorted(given.items()):
        target = _designation_target(d, key)
        if target is None or not draw(st.booleans()):
            continue
        d.add_disbursement(draw, fund_id, draw(st.integers(1, total)), target)
    # Paid only where the pot can go: when every poor place is designated, a new village
    # would break the size options asked for, so the pot stays unspent.
    targets = d.reaching(avoid=given)
    for _ in range(draw(st.integers(0, 2)) if targets else 0):
        if pot <= 0:
            break
        amount = draw(st.integers(1, pot))
        pot -= amount
        d.add_disbursement(draw, fund_id, amount, draw(st.sampled_from(targets)))


def _designation_target(d: Draft, key: str) -> tuple[str | None, str | None, str | None] | None:
    """How to pay a designation so that the payment also reaches the poor, if it can: the
    project (or village) itself, with a registered poor household when it is not poor."""
    record = d.get(key)
    poor_households = d.poor_households()
    if isinstance(record, Project):
        if record.government_obligated:
            return None  # CP113: never pay a government-obligated project
        if d.record(Village, record.village_id).poor:
            return (key, None, None)
        return (key, None, poor_households[0].id) if poor_households else None
    if isinstance(record, Village) and record.poor:
        return (None, key, None)
    return (None, key, poor_households[0].id) if poor_households else None


__all__ = [
    "EARLIEST_END",
    "SIZE_NAMES",
    "Options",
    "datasets",
    "drafts",
    "make_options",
    "resolve_params",
]
