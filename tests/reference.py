"""Reference readings for the tests, computed from first principles.

Small, slow and obvious: each function restates one reading of the county-plan catalogue
(``county-plan.md``, "Reading notes") over a dataset's plain tables, without calling anything
of ``reliefkit.rules``. Tests hold the recipes (what ``violating`` plants) and the judges (what
``check`` finds) against these, so that neither can agree with the other by sharing a bug.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from reliefkit.models import Dataset, Disbursement

Subjects = tuple[str, ...]


def _by_id(dataset: Dataset, table: str) -> dict[str, object]:
    return {r.id: r for r in dataset.rows(table)}


def unit_of(dataset: Dataset, record_id: str) -> str | None:
    """The unit an id stands for: a township or a department, or the unit of a cadre or unit
    donor that names one; anything else is not a unit."""
    if record_id in _by_id(dataset, "townships") or record_id in _by_id(dataset, "departments"):
        return record_id
    for donor in dataset.donors:
        if donor.id == record_id:
            return donor.unit_id if donor.kind.value in ("cadre", "unit") else None
    return None


def duplicate_solicitations(dataset: Dataset) -> dict[str, Subjects]:
    """CP102: per unit asked through more than one activity (activities organised by the unit
    itself left out; an activity's organiser is its own, else the solicitation's), the unit
    and then every solicitation made to it through the counted activities, sorted."""
    activities = {a.id: a for a in dataset.activities}
    asked: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for sol in dataset.solicitations:
        unit = unit_of(dataset, sol.target_id)
        if unit is None:
            continue
        activity = activities.get(sol.activity_id)
        organiser = (activity.organizer_id if activity else None) or sol.organizer_id
        if organiser == unit:
            continue
        asked[unit][sol.activity_id].append(sol.id)
    return {
        unit: (unit, *sorted(s for sols in per_activity.values() for s in sols))
        for unit, per_activity in asked.items()
        if len(per_activity) > 1
    }


def _paid_to(dataset: Dataset, paid: Disbursement, designations: set[str]) -> str | None:
    """The designation a disbursement pays: its project when that is one, else its village
    when that is one — its own village, else its project's, else its household's."""
    if paid.project_id in designations:
        return paid.project_id
    village = paid.village_id
    if village is None and paid.project_id is not None:
        village = next(p.village_id for p in dataset.projects if p.id == paid.project_id)
    if village is None and paid.household_id is not None:
        village = next(h.village_id for h in dataset.households if h.id == paid.household_id)
    return village if village in designations else None


def designations_not_honoured(dataset: Dataset) -> dict[str, Subjects]:
    """CP115: per fund that does not pay out more than it received (that is CP122's) and
    needs more undesignated money than it was given, the fund, then the disbursements paid
    to no designation or beyond a designation's money, then the directed donations whose
    money was not all spent on their designation (each group sorted)."""
    found: dict[str, Subjects] = {}
    for fund in dataset.funds:
        gifts = [n for n in dataset.donations if n.fund_id == fund.id]
        paid = [b for b in dataset.disbursements if b.fund_id == fund.id]
        if not gifts and not paid:
            continue
        received = sum((n.amount.yuan for n in gifts), Decimal(0))
        if sum((b.amount.yuan for b in paid), Decimal(0)) > received:
            continue
        given: dict[str, Decimal] = defaultdict(Decimal)
        pot = Decimal(0)
        for n in gifts:
            key = n.designated_project_id or n.designated_village_id
            if key is None:
                pot += n.amount.yuan
            else:
                given[key] += n.amount.yuan
        spent: dict[str, Decimal] = defaultdict(Decimal)
        elsewhere = Decimal(0)
        target = {}
        for b in paid:
            target[b.id] = _paid_to(dataset, b, set(given))
            if target[b.id] is None:
                elsewhere += b.amount.yuan
            else:
                spent[target[b.id]] += b.amount.yuan
        needed = elsewhere + sum(
            (max(Decimal(0), spent[k] - given.get(k, Decimal(0))) for k in spent), Decimal(0)
        )
        if needed <= pot:
            continue
        drawing = sorted(
            b.id for b in paid if target[b.id] is None or spent[target[b.id]] > given[target[b.id]]
        )
        unspent = sorted(
            n.id
            for n in gifts
            if (key := n.designated_project_id or n.designated_village_id) is not None
            and spent[key] < given[key]
        )
        found[fund.id] = (fund.id, *drawing, *unspent)
    return found


READINGS = {"CP102": duplicate_solicitations, "CP115": designations_not_honoured}
"""The codes with a reference reading, and the function computing their findings."""
