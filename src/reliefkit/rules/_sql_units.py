"""The unit helpers of :mod:`reliefkit.rules._units` as SQL views for the columnar engine.

Each constant is the ``SELECT`` of one view, in the portable subset the statements use
(see :meth:`~reliefkit.rules.Pack.sql`); each view stands on the format's tables alone (no
view reads another, so a pack may register any of them, in any order). A pack registers
the views its statements read with :func:`register_unit_views` (or ``PACK.view(name,
TEXT)`` for one of them); two packs registering the same text under the same name share
it. Ids are unique within a campaign (the loader refuses a second record under an id).

The views (name: columns — what they mirror):

- ``record_tables``: ``campaign_id, id, table_name`` — ``Queries.table_of``;
- ``unit_of``: ``campaign_id, id, unit_id, unit_is_township, unit_is_department`` —
  ``resolve_unit``, and ``is_township``/``is_department`` of the unit;
- ``paired_units``: ``campaign_id, department_id, township_id`` — ``paired``;
- ``ceremony_townships``: ``campaign_id, activity_id, township_id`` — ``ceremony_township``;
- ``partner_townships``: ``campaign_id, partner_id, township_id`` — ``township_of_partner``;
- ``solicitations_naming``: ``campaign_id, unit_id, solicitation_id`` —
  ``solicitations_naming``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reliefkit.rules._core import Pack

KEYED = (
    "townships",
    "departments",
    "people",
    "villages",
    "households",
    "work_teams",
    "activities",
    "solicitations",
    "donors",
    "projects",
    "pledges",
    "funds",
    "donations",
    "disbursements",
    "audits",
)
"""The tables with an ``id`` column (the campaign aside): what ``table_of`` knows."""

RECORD_TABLES = "\nUNION ALL\n".join(
    f"SELECT campaign_id, id, '{table}' AS table_name FROM {table}" for table in KEYED
)
"""``table_of``: one row per keyed record, ``(campaign_id, id, table_name)``. An id with no
row is unknown (``table_of`` gives ``None``)."""

UNIT_OF = """
SELECT campaign_id, id, id AS unit_id,
       TRUE AS unit_is_township, FALSE AS unit_is_department
FROM townships
UNION ALL
SELECT campaign_id, id, id, FALSE, TRUE
FROM departments
UNION ALL
SELECT d.campaign_id, d.id, d.unit_id, t.id IS NOT NULL, p.id IS NOT NULL
FROM donors d
LEFT JOIN townships t ON t.campaign_id = d.campaign_id AND t.id = d.unit_id
LEFT JOIN departments p ON p.campaign_id = d.campaign_id AND p.id = d.unit_id
WHERE d.kind IN ('cadre', 'unit') AND d.unit_id IS NOT NULL
"""
"""``resolve_unit``: one row per id that stands for a unit, ``(campaign_id, id, unit_id,
unit_is_township, unit_is_department)``: a township or a department itself, or a cadre or
unit donor with a ``unit_id`` (whatever that id names: ``unit_is_township`` and
``unit_is_department`` are ``is_township``/``is_department`` of the unit). An id with no
row resolves to ``None`` (LEFT JOIN it)."""

PAIRED_UNITS = """
SELECT campaign_id, department_id, partner_id AS township_id
FROM pairings
WHERE department_id IS NOT NULL AND partner_id IS NOT NULL
UNION
SELECT p.campaign_id, p.department_id, v.township_id
FROM pairings p
JOIN villages v ON v.campaign_id = p.campaign_id AND v.id = p.partner_id
WHERE p.department_id IS NOT NULL AND v.township_id IS NOT NULL
"""
"""``paired(ds, department_id, township_id)`` holds exactly for the rows ``(campaign_id,
department_id, township_id)``: a pairing with the id itself, or with a village whose
``township_id`` it is (distinct rows)."""

CEREMONY_TOWNSHIPS = """
SELECT a.campaign_id, a.id AS activity_id, a.organizer_id AS township_id
FROM activities a
JOIN townships t ON t.campaign_id = a.campaign_id AND t.id = a.organizer_id
WHERE a.kind = 'ceremony'
"""
"""``ceremony_township``: one row per ceremony a township organised, ``(campaign_id,
activity_id, township_id)``; a ceremony with no row belongs to no township."""

PARTNER_TOWNSHIPS = """
SELECT campaign_id, id AS partner_id, id AS township_id
FROM townships
UNION ALL
SELECT campaign_id, id, township_id
FROM villages
WHERE township_id IS NOT NULL
"""
"""``township_of_partner``: ``(campaign_id, partner_id, township_id)`` for every id that
stands for a township (a township itself, a village of one); other ids give ``None``."""

SOLICITATIONS_NAMING = """
SELECT campaign_id, organizer_id AS unit_id, id AS solicitation_id
FROM solicitations
WHERE organizer_id IS NOT NULL
UNION
SELECT campaign_id, target_id, id
FROM solicitations
WHERE target_id IS NOT NULL
UNION
SELECT s.campaign_id, d.unit_id, s.id
FROM solicitations s
JOIN donors d ON d.campaign_id = s.campaign_id AND d.id = s.target_id
WHERE d.kind IN ('cadre', 'unit') AND d.unit_id IS NOT NULL
"""
"""``solicitations_naming``: ``(campaign_id, unit_id, solicitation_id)`` for each
solicitation the id organised or is aimed at, itself or through a cadre or unit donor
standing for it (distinct rows: the generator may yield a solicitation twice, e.g. one a
unit aims at itself)."""

UNIT_VIEWS: dict[str, str] = {
    "record_tables": RECORD_TABLES,
    "unit_of": UNIT_OF,
    "paired_units": PAIRED_UNITS,
    "ceremony_townships": CEREMONY_TOWNSHIPS,
    "partner_townships": PARTNER_TOWNSHIPS,
    "solicitations_naming": SOLICITATIONS_NAMING,
}
"""Every view of this module by its name."""


def register_unit_views(pack: Pack, names: tuple[str, ...] | None = None) -> None:
    """Declare the views (all of them, or those ``names``) for ``pack``'s statements."""
    for name in names or tuple(UNIT_VIEWS):
        pack.view(name, UNIT_VIEWS[name])
