"""The scopes of the built-in packs, one per kind of subject, shared by every rule over it.

For each scope, ``changes`` lists every table whose records can change one of its subjects,
and says which; a table a rule reads but its scope does not list is refused when the rule is
declared, so ``admit`` can never miss a subject that ``check`` would judge. The engine asks
about the old record on the dataset before a change and about the new one after it, so a
record that moves (a donor to another unit) changes the subjects on both sides; a replaced
or removed record also fans out to the records that refer to it (``referring``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from reliefkit.models import (
    Activity,
    ActivityKind,
    Campaign,
    Disbursement,
    Donation,
    Donor,
    Fund,
    Household,
    Pairing,
    Pledge,
    Queries,
    Solicitation,
    Township,
    Village,
    Waiver,
)
from reliefkit.rules._scope import Scope, every, field, itself, nothing, record_scope, referring
from reliefkit.rules._units import (
    is_township,
    resolve_unit,
    solicitations_naming,
    township_of_partner,
)


def _paired_solicitations(view: Queries, pairing: Pairing) -> Iterator[str]:
    """A pairing can exempt solicitations between its department and the partner's township."""
    township = township_of_partner(view, pairing.partner_id)
    if township is None:
        return
    ends = {pairing.department_id, township}
    for sol in solicitations_naming(view, pairing.department_id):
        if {resolve_unit(view, sol.organizer_id), resolve_unit(view, sol.target_id)} == ends:
            yield sol.id


def _village_pairings(view: Queries, village: Village) -> Iterator[str]:
    """A village's township decides which township its pairings exempt."""
    for _, key, _ in view.referrers(village.id):
        pairing = view.find("pairings", key)
        if isinstance(pairing, Pairing):
            yield from _paired_solicitations(view, pairing)


SOLICITATIONS: Scope[Solicitation] = record_scope(
    "solicitations",
    Solicitation,
    "Each solicitation.",
    {
        "pairings": _paired_solicitations,
        # A unit's kind cannot change (a record keeps its table); only a donor's unit can.
        "townships": nothing,
        "departments": nothing,
        "donors": referring("solicitations"),
        "villages": _village_pairings,
        "activities": nothing,
    },
)


def _solicited_units(view: Queries) -> list[str]:
    units = {resolve_unit(view, s.target_id) for s in view.rows("solicitations")}
    return sorted(u for u in units if u is not None)


def _unit(view: Queries, key: str) -> str | None:
    return key if view.table_of(key) in ("townships", "departments") else None


def _target_unit(view: Queries, sol: Solicitation) -> Iterable[str]:
    unit = resolve_unit(view, sol.target_id)
    return () if unit is None else (unit,)


def _donor_unit(view: Queries, donor: Donor) -> Iterable[str]:
    unit = view.donor_unit(donor)
    return () if unit is None else (unit,)


def _units_asked_through(view: Queries, activity: Activity) -> Iterator[str]:
    """An activity's organiser decides whose own activity it is."""
    for sol in view.group("solicitations_by_activity", activity.id):
        unit = resolve_unit(view, sol.target_id)
        if unit is not None:
            yield unit


SOLICITED_UNITS: Scope[str] = Scope(
    name="solicited-units",
    doc="Each unit (township or department) that a solicitation targets, itself or through "
    "a cadre or unit donor standing for it.",
    subjects=_solicited_units,
    key=lambda unit: unit,
    fetch=_unit,
    changes={
        "solicitations": _target_unit,
        "donors": _donor_unit,
        "activities": _units_asked_through,
        "townships": nothing,
        "departments": nothing,
    },
)


def _organizer_township(view: Queries, activity: Activity) -> Iterable[str]:
    organizer = activity.organizer_id
    return (organizer,) if organizer is not None and is_township(view, organizer) else ()


TOWNSHIPS: Scope[Township] = record_scope(
    "townships",
    Township,
    "Each township.",
    {
        "work_plans": field("township_id"),
        "activities": _organizer_township,
        "people": nothing,
    },
)

ACTIVITIES: Scope[Activity] = record_scope(
    "activities",
    Activity,
    "Each activity.",
    {
        "townships": referring("activities"),
        "villages": referring("activities"),
        "households": referring("activities"),
        "people": nothing,
    },
)


def _visit_subjects(view: Queries) -> Iterator[Campaign | Activity]:
    yield view.campaign
    yield from view.activities_of_kind(ActivityKind.LEADER_VISIT)


def _visit(view: Queries, key: str) -> Campaign | Activity | None:
    if key == view.campaign.id:
        return view.campaign
    found = view.get(key)
    return (
        found if isinstance(found, Activity) and found.kind is ActivityKind.LEADER_VISIT else None
    )


def _visit_changes(view: Queries, activity: Activity) -> Iterable[str]:
    if activity.kind is ActivityKind.LEADER_VISIT:
        return (view.campaign.id, activity.id)
    return ()


def _visits_naming(view: Queries, record: Any) -> Iterator[str]:
    """A person's role, a village's or household's poverty decide whether the visits naming
    them qualify (and so whether the campaign has its qualifying visit)."""
    visits = []
    for table, key, _ in view.referrers(record.id):
        activity = view.get(key) if table == "activities" else None
        if isinstance(activity, Activity) and activity.kind is ActivityKind.LEADER_VISIT:
            visits.append(key)
    if visits:
        yield view.campaign.id
        yield from visits


VISITS: Scope[Campaign | Activity] = Scope(
    name="leader-visits",
    doc="The campaign (its duty to hold a qualifying visit) and each leader visit.",
    subjects=_visit_subjects,
    key=lambda subject: subject.id,
    fetch=_visit,
    changes={
        "activities": _visit_changes,
        "people": _visits_naming,
        "villages": _visits_naming,
        "households": _visits_naming,
    },
)

VILLAGES: Scope[Village] = record_scope(
    "villages",
    Village,
    "Each village.",
    {"work_teams": field("village_id"), "exit_plans": field("village_id")},
)

HOUSEHOLDS: Scope[Household] = record_scope("households", Household, "Each household.")

DISBURSEMENTS: Scope[Disbursement] = record_scope(
    "disbursements",
    Disbursement,
    "Each disbursement.",
    {
        "projects": referring("disbursements"),
        "villages": every(referring("disbursements"), referring("projects", "disbursements")),
        "households": referring("disbursements"),
    },
)


def _funds_via(table: str) -> Any:
    """Funds of the records of ``table`` referring to the changed record."""

    def changes(view: Queries, record: Any) -> Iterator[str]:
        for t, key, _ in view.referrers(record.id):
            found = view.get(key) if t == table else None
            fund = getattr(found, "fund_id", None)
            if fund is not None:
                yield fund

    changes.__name__ = f"funds_via_{table}"
    return changes


FUNDS: Scope[Fund] = record_scope(
    "funds",
    Fund,
    "Each fund.",
    {
        "donations": field("fund_id"),
        "disbursements": field("fund_id"),
        "audits": field("fund_id"),
        "departments": _funds_via("audits"),
        "projects": _funds_via("disbursements"),
        # A village's own fields do not route money; only which village a project or a
        # household lies in does.
        "villages": nothing,
        "households": _funds_via("disbursements"),
    },
)

PLEDGES: Scope[Pledge] = record_scope(
    "pledges", Pledge, "Each pledge.", {"projects": referring("pledges")}
)

DONATIONS: Scope[Donation] = record_scope(
    "donations",
    Donation,
    "Each donation.",
    {
        "donors": referring("donations"),
        "activities": referring("donations"),
        "projects": referring("donations"),
        "villages": every(referring("donations"), referring("projects", "donations")),
    },
)


def _waiver(view: Queries, key: str) -> Waiver | None:
    """A waiver by its key ``CODE:subject`` (waivers have no id column of their own)."""
    _, _, subject = key.partition(":")
    return next((w for w in view.group("waivers_by_subject", subject) if w.id == key), None)


WAIVERS: Scope[Waiver] = Scope(
    name="waivers",
    doc="Each waiver (keyed CODE:subject).",
    subjects=lambda view: view.rows("waivers"),
    key=lambda waiver: waiver.id,
    fetch=_waiver,
    changes={"waivers": itself, "departments": referring("waivers")},
)

__all__ = [
    "ACTIVITIES",
    "DISBURSEMENTS",
    "DONATIONS",
    "FUNDS",
    "HOUSEHOLDS",
    "PLEDGES",
    "SOLICITATIONS",
    "SOLICITED_UNITS",
    "TOWNSHIPS",
    "VILLAGES",
    "VISITS",
    "WAIVERS",
]
