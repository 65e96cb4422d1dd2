"""Fund ledgers: totals, designations and the money drawn from the undesignated pot.

Kept beside the rules (not in the models): this is how CP115 and CP122 read a fund, judged
on totals and never on the order of records (county-plan reading notes, "Funds and
designations").
"""

from __future__ import annotations

from collections import ChainMap, defaultdict
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs
import pendulum

from reliefkit.models import Disbursement, Donation, Household, Overlay, Project, Queries
from reliefkit.rules._memo import IdentityMemo

ZERO = Decimal(0)


@attrs.frozen
class Ledger:
    """A fund's totals. ``designated[k]`` is D[k], ``spent[k]`` S[k], ``undesignated`` U;
    ``over`` is Σ max(0, S[k] − D[k]), kept so that N costs O(1)."""

    fund_id: str
    received: Decimal
    disbursed: Decimal
    undesignated: Decimal
    designated: Mapping[str, Decimal]
    spent: Mapping[str, Decimal]
    spent_other: Decimal
    last_movement: pendulum.Date | None
    over: Decimal

    @property
    def needed_from_pot(self) -> Decimal:
        """N = S_other + Σ max(0, S[k] − D[k]): what must come from undesignated money."""
        return self.spent_other + self.over


def _excess(designated: Mapping[str, Decimal], spent: Mapping[str, Decimal], key: str) -> Decimal:
    """max(0, S[k] − D[k]) for one designation."""
    return max(ZERO, spent.get(key, ZERO) - designated.get(key, ZERO))


def village_of(view: Queries, disbursement: Disbursement) -> str | None:
    """The village a disbursement goes to: its ``village_id``, else its project's village,
    else its household's village (county-plan reading notes, "Funds and designations")."""
    if disbursement.village_id is not None:
        return disbursement.village_id
    project = view.get(disbursement.project_id)
    if isinstance(project, Project):
        return project.village_id
    household = view.get(disbursement.household_id)
    if isinstance(household, Household):
        return household.village_id
    return None


def target_of(
    view: Queries, disbursement: Disbursement, designations: set[str] | Mapping[str, Decimal]
) -> str | None:
    """The designation a disbursement pays to: its project if designated, else its village
    (see :func:`village_of`) if designated, else none."""
    if disbursement.project_id is not None and disbursement.project_id in designations:
        return disbursement.project_id
    village = village_of(view, disbursement)
    if village is not None and village in designations:
        return village
    return None


def build_ledger(
    view: Queries,
    fund_id: str,
    donations: tuple[Donation, ...],
    disbursements: tuple[Disbursement, ...],
) -> Ledger:
    """The ledger of one fund from its donations and disbursements: O(records of the fund)."""
    designated: defaultdict[str, Decimal] = defaultdict(Decimal)
    undesignated = ZERO
    received = ZERO
    last: pendulum.Date | None = None
    for d in donations:
        received += d.amount.yuan
        key = d.designation
        if key is None:
            undesignated += d.amount.yuan
        else:
            designated[key] += d.amount.yuan
        last = d.on if last is None or d.on > last else last
    spent: defaultdict[str, Decimal] = defaultdict(Decimal)
    spent_other = ZERO
    disbursed = ZERO
    for b in disbursements:
        disbursed += b.amount.yuan
        key = target_of(view, b, designated)
        if key is None:
            spent_other += b.amount.yuan
        else:
            spent[key] += b.amount.yuan
        last = b.on if last is None or b.on > last else last
    over = sum((_excess(designated, spent, k) for k in spent), ZERO)
    return Ledger(
        fund_id,
        received,
        disbursed,
        undesignated,
        dict(designated),
        dict(spent),
        spent_other,
        last,
        over,
    )


def _extend(
    view: Queries,
    base: Ledger,
    donations: list[Donation],
    disbursements: list[Disbursement],
    less: tuple[list[Donation], list[Disbursement]] = ([], []),
    base_view: Queries | None = None,
) -> Ledger:
    """``base`` plus a few new records and less a few old ones (replaced or removed), when
    the designations stay the same and the last movement is not among the old ones.

    Copies nothing: the changed totals sit in small dicts layered over the base's, and
    ``over`` is corrected for the designations that changed only. O(changed records).
    """
    designated_delta: dict[str, Decimal] = {}
    spent_delta: dict[str, Decimal] = {}
    # Writes go to the deltas only (ChainMap writes to its first map): the base stays as is.
    designated = ChainMap(designated_delta, base.designated)  # type: ignore[arg-type]
    spent = ChainMap(spent_delta, base.spent)  # type: ignore[arg-type]
    received, undesignated, disbursed, spent_other = (
        base.received,
        base.undesignated,
        base.disbursed,
        base.spent_other,
    )
    last = base.last_movement
    for d in donations:
        received += d.amount.yuan
        if d.designation is None:
            undesignated += d.amount.yuan
        else:
            designated_delta[d.designation] = designated.get(d.designation, ZERO) + d.amount.yuan
        last = d.on if last is None or d.on > last else last
    for b in disbursements:
        disbursed += b.amount.yuan
        key = target_of(view, b, designated)
        if key is None:
            spent_other += b.amount.yuan
        else:
            spent_delta[key] = spent.get(key, ZERO) + b.amount.yuan
        last = b.on if last is None or b.on > last else last
    for d in less[0]:
        received -= d.amount.yuan
        undesignated -= d.amount.yuan  # only undesignated donations are taken out by delta
    for b in less[1]:
        disbursed -= b.amount.yuan
        key = target_of(base_view if base_view is not None else view, b, base.designated)
        if key is None:
            spent_other -= b.amount.yuan
        else:
            spent_delta[key] = spent.get(key, ZERO) - b.amount.yuan
    over = base.over
    for key in designated_delta.keys() | spent_delta.keys():
        over += _excess(designated, spent, key) - _excess(base.designated, base.spent, key)
    return Ledger(
        base.fund_id,
        received,
        disbursed,
        undesignated,
        designated,
        spent,
        spent_other,
        last,
        over,
    )


_LEDGERS: IdentityMemo[dict[str, Ledger]] = IdentityMemo()


def _moves(record: Any, fund_id: str) -> bool:
    """A donation into, or a disbursement out of, the fund."""
    return isinstance(record, Donation | Disbursement) and record.fund_id == fund_id


def ledger(view: Queries, fund_id: str) -> Ledger:
    """The ledger of a fund, memoised per view (by identity).

    On an :class:`~reliefkit.models.Overlay` (what ``admit`` judges) the base dataset's
    ledger is extended by the added records instead of being rebuilt, unless they add a new
    designation (which can re-route earlier disbursements).
    """
    cache = (
        view.scratch.setdefault("ledgers", {})
        if isinstance(view, Overlay)
        else _LEDGERS.get(view, dict)
    )
    found = cache.get(fund_id)
    if found is not None:
        return found
    if isinstance(view, Overlay):
        base = ledger(view.base, fund_id)
        plus: list[Any] = [r for r in view.added if _moves(r, fund_id)]
        minus: list[Any] = []
        rerouted = False
        for old, new in view.replaced:
            rerouted = rerouted or isinstance(old, Project | Household)
            minus += [old] if _moves(old, fund_id) else []
            plus += [new] if _moves(new, fund_id) else []
        for old in view.removed:
            rerouted = rerouted or isinstance(old, Project | Household)
            minus += [old] if _moves(old, fund_id) else []
        donations = [d for d in plus if isinstance(d, Donation)]
        disbursements = [b for b in plus if isinstance(b, Disbursement)]
        less_d = [d for d in minus if isinstance(d, Donation)]
        less_b = [b for b in minus if isinstance(b, Disbursement)]
        same_designations = all(
            d.designation is None or d.designation in base.designated for d in donations
        ) and all(d.designation is None for d in less_d)
        keeps_last = all(r.on != base.last_movement for r in minus)
        if not rerouted and same_designations and keeps_last:
            found = _extend(view, base, donations, disbursements, (less_d, less_b), view.base)
    if found is None:
        found = build_ledger(
            view, fund_id, view.donations_to(fund_id), view.disbursements_from(fund_id)
        )
    cache[fund_id] = found
    return found
