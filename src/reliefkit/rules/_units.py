"""Who is a unit, which township a thing belongs to, and who is paired (reading notes)."""

from __future__ import annotations

from reliefkit.models import Activity, ActivityKind, Donor, Queries


def resolve_unit(ds: Queries, record_id: str) -> str | None:
    """The unit an id stands for: a township or department itself, or a cadre/unit donor's unit.

    Enterprises, residents, individuals, notables and social organisations are not units.
    """
    table = ds.table_of(record_id)
    if table in ("townships", "departments"):
        return record_id
    if table == "donors":
        donor = ds.get(record_id)
        assert isinstance(donor, Donor)
        return ds.donor_unit(donor)
    return None


def resolve_target(ds: Queries, record_id: str) -> str:
    """A solicitation's target for CP102: its unit when it stands for one, else itself."""
    return resolve_unit(ds, record_id) or record_id


def is_township(ds: Queries, unit_id: str | None) -> bool:
    """Whether the id names a township."""
    return ds.table_of(unit_id) == "townships"


def is_department(ds: Queries, unit_id: str | None) -> bool:
    """Whether the id names a county department."""
    return ds.table_of(unit_id) == "departments"


def paired(ds: Queries, department_id: str, township_id: str) -> bool:
    """A pairing with the township, or with one of its villages, exempts the pair (CP101)."""
    if ds.is_paired(department_id, township_id):
        return True
    return any(ds.is_paired(department_id, v.id) for v in ds.villages_in(township_id))


def ceremony_township(ds: Queries, activity: Activity) -> str | None:
    """The township a ceremony belongs to: its organiser when a township, else its place."""
    if activity.kind is not ActivityKind.CEREMONY:
        return None
    if is_township(ds, activity.organizer_id):
        return activity.organizer_id
    if activity.organizer_id is None and activity.township_id is not None:
        return activity.township_id
    return None


def ceremonies_of(ds: Queries, township_id: str) -> list[Activity]:
    """Ceremonies belonging to a township (see :func:`ceremony_township`)."""
    found = [a for a in ds.activities_by(township_id) if a.kind is ActivityKind.CEREMONY]
    found += [
        a
        for a in ds.group("activities_by_place", township_id)
        if a.kind is ActivityKind.CEREMONY and a.organizer_id is None
    ]
    return found
