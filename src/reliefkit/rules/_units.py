"""Who is a unit, which township a thing belongs to, and who is paired (reading notes)."""

from __future__ import annotations

from collections.abc import Iterator

from reliefkit.models import Activity, ActivityKind, Donor, Queries, Solicitation, Village


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
    """The township a ceremony belongs to: its organiser, when that is a township.

    A ceremony with no organiser, or organised by a department, belongs to no township: it
    is not judged by CP105/CP107 and meets no township's CP106 duty (reading notes).
    """
    if activity.kind is ActivityKind.CEREMONY and is_township(ds, activity.organizer_id):
        return activity.organizer_id
    return None


def ceremonies_of(ds: Queries, township_id: str) -> list[Activity]:
    """Ceremonies organised by a township."""
    return [a for a in ds.activities_by(township_id) if a.kind is ActivityKind.CEREMONY]


def township_of_partner(ds: Queries, partner_id: str) -> str | None:
    """The township a pairing's partner stands for: itself, or a village's township."""
    if is_township(ds, partner_id):
        return partner_id
    village = ds.get(partner_id)
    return village.township_id if isinstance(village, Village) else None


def solicitations_naming(ds: Queries, unit_id: str) -> Iterator[Solicitation]:
    """Solicitations organised by a unit or aimed at it (or at a donor standing for it)."""
    yield from ds.group("solicitations_by_organizer", unit_id)
    yield from ds.solicitations_of(unit_id)
    for donor in ds.donors_of_unit(unit_id):
        if ds.donor_unit(donor) == unit_id:
            yield from ds.solicitations_of(donor.id)
