"""SQL text of the columnar engine's shared views of fund ledgers and of the county plan's
classification of disbursements.

Each constant mirrors its Python helper exactly (see :mod:`reliefkit.rules._ledger` and
``classify`` in :mod:`reliefkit.rules.county_plan._pack`); a pack registers the views it
uses with ``PACK.view(name, CONSTANT)`` (the county-plan pack in its CP122 and CP112
modules; other packs may register the same text under the same names). Each statement is
self-contained (its steps are common table expressions), so registering one view never
needs another. Portable SQL only; every join matches ``campaign_id``.

An optional reference read as ``""`` is "not given" to the models (``optional_text``):
hence ``NULLIF(x, '')`` on the optional ids read here.
"""

from __future__ import annotations

FUND_LEDGER_VIEW = "fund_ledger"
"""The name the ledger view is registered under."""

LEDGER_TARGETS_VIEW = "ledger_targets"
"""The name the view of disbursement targets is registered under (when a pack needs it)."""

LEDGER_DESIGNATIONS_VIEW = "ledger_designations"
"""The name the view of designations (D[k], S[k]) is registered under (when needed)."""

DISBURSEMENT_CLASSES_VIEW = "disbursement_classes"
"""The name the county plan's classification view is registered under."""

_ZERO = "CAST(0 AS DECIMAL(38, 2))"

# The steps shared by the ledger statements, as common table expressions:
# - ledger_gifts: each donation with its designation (``Donation.designation``: its project
#   when it names one, else its village);
# - ledger_designated: D[k] per fund and designation (a designation given 0 is still one);
# - ledger_reach: each disbursement with its village (``village_of``: its own, else its
#   project's when the id names a project, else its household's when it names one);
# - ledger_paid: each disbursement with its target (``target_of``: its project when that is
#   a designation of the fund, else its village when that is one, else NULL).
DESIGNATION = "COALESCE(NULLIF(d.designated_project_id, ''), NULLIF(d.designated_village_id, ''))"
"""A donation's designation (``Donation.designation``), over donations ``d``."""


def _steps(designation: str) -> str:
    """The steps, with ``designation`` as what a donation ``d`` is designated to."""
    return _STEPS_TEXT.replace("{designation}", designation)


_STEPS_TEXT = """
    ledger_gifts AS (
        SELECT
            d.campaign_id,
            d.id AS donation_id,
            d.fund_id,
            d.amount,
            d."on",
            {designation} AS designation
        FROM donations d
    ),
    ledger_designated AS (
        SELECT g.campaign_id, g.fund_id, g.designation, SUM(g.amount) AS designated
        FROM ledger_gifts g
        WHERE g.designation IS NOT NULL
        GROUP BY g.campaign_id, g.fund_id, g.designation
    ),
    ledger_reach AS (
        SELECT
            b.campaign_id,
            b.id AS disbursement_id,
            b.fund_id,
            b.amount,
            b."on",
            NULLIF(b.project_id, '') AS project_id,
            CASE
                WHEN NULLIF(b.village_id, '') IS NOT NULL THEN b.village_id
                WHEN p.id IS NOT NULL THEN p.village_id
                WHEN h.id IS NOT NULL THEN h.village_id
            END AS village_id
        FROM disbursements b
        LEFT JOIN projects p ON p.campaign_id = b.campaign_id AND p.id = b.project_id
        LEFT JOIN households h ON h.campaign_id = b.campaign_id AND h.id = b.household_id
    ),
    ledger_paid AS (
        SELECT
            r.campaign_id,
            r.disbursement_id,
            r.fund_id,
            r.amount,
            r."on",
            r.project_id,
            r.village_id,
            CASE
                WHEN r.project_id IS NOT NULL AND dp.designation IS NOT NULL THEN r.project_id
                WHEN r.village_id IS NOT NULL AND dv.designation IS NOT NULL THEN r.village_id
            END AS target
        FROM ledger_reach r
        LEFT JOIN ledger_designated dp
            ON dp.campaign_id = r.campaign_id
            AND dp.fund_id = r.fund_id
            AND dp.designation = r.project_id
        LEFT JOIN ledger_designated dv
            ON dv.campaign_id = r.campaign_id
            AND dv.fund_id = r.fund_id
            AND dv.designation = r.village_id
    ),
    ledger_spent AS (
        SELECT p.campaign_id, p.fund_id, p.target, SUM(p.amount) AS spent
        FROM ledger_paid p
        WHERE p.target IS NOT NULL
        GROUP BY p.campaign_id, p.fund_id, p.target
    )"""

_STEPS = _steps(DESIGNATION)

LEDGER_TARGETS = f"""
WITH {_STEPS}
SELECT campaign_id, disbursement_id, fund_id, amount, "on", project_id, village_id, target
FROM ledger_paid
"""
"""Each disbursement with the designation it pays to (``target_of``; NULL for none) and
its village (``village_of``): ``campaign_id, disbursement_id, fund_id, amount, on,
project_id, village_id, target``."""

LEDGER_DESIGNATIONS = f"""
WITH {_STEPS}
SELECT
    d.campaign_id,
    d.fund_id,
    d.designation,
    d.designated,
    COALESCE(s.spent, {_ZERO}) AS spent
FROM ledger_designated d
LEFT JOIN ledger_spent s
    ON s.campaign_id = d.campaign_id AND s.fund_id = d.fund_id AND s.target = d.designation
"""
"""Each designation of each fund: ``designated`` (D[k]) and ``spent`` (S[k], 0 when
nothing paid to it): ``Ledger.designated`` and ``Ledger.spent``."""


def fund_ledger(designation: str = DESIGNATION) -> str:
    """The ledger statement, with ``designation`` as what a donation ``d`` is designated to
    (the donations law reads a gift whose donor agreed to a change of use as undesignated)."""
    return _FUND_LEDGER_TEXT.replace("{steps}", _steps(designation))


_FUND_LEDGER_TEXT = f"""
WITH {{steps}},
    ledger_overdrawn AS (
        SELECT
            s.campaign_id,
            s.fund_id,
            SUM(CASE WHEN s.spent > d.designated THEN s.spent - d.designated ELSE {_ZERO} END)
                AS overdrawn
        FROM ledger_spent s
        JOIN ledger_designated d
            ON d.campaign_id = s.campaign_id
            AND d.fund_id = s.fund_id
            AND d.designation = s.target
        GROUP BY s.campaign_id, s.fund_id
    ),
    ledger_in AS (
        SELECT
            g.campaign_id,
            g.fund_id,
            COUNT(*) AS donations,
            SUM(g.amount) AS received,
            SUM(CASE WHEN g.designation IS NULL THEN g.amount ELSE {_ZERO} END) AS undesignated,
            MAX(g."on") AS last_in
        FROM ledger_gifts g
        GROUP BY g.campaign_id, g.fund_id
    ),
    ledger_out AS (
        SELECT
            p.campaign_id,
            p.fund_id,
            COUNT(*) AS disbursements,
            SUM(p.amount) AS disbursed,
            SUM(CASE WHEN p.target IS NULL THEN p.amount ELSE {_ZERO} END) AS spent_other,
            MAX(p."on") AS last_out
        FROM ledger_paid p
        GROUP BY p.campaign_id, p.fund_id
    ),
    ledger_funds AS (
        SELECT campaign_id, id AS fund_id FROM funds
        UNION
        SELECT campaign_id, fund_id FROM donations
        UNION
        SELECT campaign_id, fund_id FROM disbursements
    )
SELECT
    f.campaign_id,
    f.fund_id,
    COALESCE(i.donations, 0) AS donations,
    COALESCE(o.disbursements, 0) AS disbursements,
    COALESCE(i.received, {_ZERO}) AS received,
    COALESCE(o.disbursed, {_ZERO}) AS disbursed,
    COALESCE(i.undesignated, {_ZERO}) AS undesignated,
    COALESCE(o.spent_other, {_ZERO}) AS spent_other,
    COALESCE(v.overdrawn, {_ZERO}) AS overdrawn,
    COALESCE(o.spent_other, {_ZERO}) + COALESCE(v.overdrawn, {_ZERO}) AS needed_from_pot,
    CASE
        WHEN i.last_in IS NULL THEN o.last_out
        WHEN o.last_out IS NULL OR i.last_in >= o.last_out THEN i.last_in
        ELSE o.last_out
    END AS last_movement
FROM ledger_funds f
LEFT JOIN ledger_in i ON i.campaign_id = f.campaign_id AND i.fund_id = f.fund_id
LEFT JOIN ledger_out o ON o.campaign_id = f.campaign_id AND o.fund_id = f.fund_id
LEFT JOIN ledger_overdrawn v ON v.campaign_id = f.campaign_id AND v.fund_id = f.fund_id
"""

FUND_LEDGER = fund_ledger()
"""The ledger (:class:`~reliefkit.rules._ledger.Ledger`) of every fund named by a fund, a
donation or a disbursement: ``campaign_id, fund_id, donations, disbursements`` (how many
of each: whether the fund is in ``donations_by_fund`` / ``disbursements_by_fund``),
``received, disbursed, undesignated`` (U), ``spent_other`` (S_other), ``overdrawn``
(Σ max(0, S[k] − D[k]), ``Ledger.over``), ``needed_from_pot`` (N) and ``last_movement``
(NULL when none)."""

DISBURSEMENT_CLASSES = """
SELECT
    b.campaign_id,
    b.id AS disbursement_id,
    CASE
        WHEN p.government_obligated IS TRUE OR g.item IS NOT NULL THEN 'CP113'
        WHEN x.item IS NOT NULL THEN 'CP114'
        WHEN a.item IS NULL THEN 'CP112'
        ELSE ''
    END AS code
FROM disbursements b
LEFT JOIN projects p ON p.campaign_id = b.campaign_id AND p.id = b.project_id
LEFT JOIN (
    SELECT DISTINCT campaign_id, item FROM param_items WHERE name = 'government_purposes'
) g
    ON g.campaign_id = b.campaign_id
    AND g.item = lower(trim(COALESCE(b.purpose, '')))
LEFT JOIN (
    SELECT DISTINCT campaign_id, item FROM param_items WHERE name = 'other_expense_purposes'
) x
    ON x.campaign_id = b.campaign_id
    AND x.item = lower(trim(COALESCE(b.purpose, '')))
LEFT JOIN (
    SELECT DISTINCT campaign_id, item FROM param_items WHERE name = 'permitted_purposes'
) a
    ON a.campaign_id = b.campaign_id
    AND a.item = lower(trim(COALESCE(b.purpose, '')))
"""
"""The county plan's one classification of each disbursement (``classify``): ``code`` is
'CP113' (a government-obligated project, or a government purpose), 'CP114' (an other
expense), 'CP112' (no permitted purpose) or '' (permitted). Reads the pack's
``param_items`` (``government_purposes``, ``other_expense_purposes``,
``permitted_purposes``); one row per disbursement."""
