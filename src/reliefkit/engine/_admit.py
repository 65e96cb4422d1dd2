"""``admit``: would recording these records break a rule? Judged incrementally.

For each rule that reads a type of the new records, its scope says which subjects the
records change; the rule judges those subjects on the dataset with the records (an overlay,
nothing copied) and, only when that can matter, on the dataset as it is (memoised per
dataset by identity). Deferrals and waivers are applied on each side exactly as ``check``
applies them, so the findings are those ``check`` of the dataset with the records adds.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pendulum

from reliefkit.engine._check import (
    apply_waivers,
    context,
    require_dataset,
    rule_error,
    waivers_of,
)
from reliefkit.engine._plan import Plan, Setting, plan_for
from reliefkit.engine._waivers import Book, book_of, extended
from reliefkit.models import RECORD_TYPES, Dataset, Overlay, Queries, Record, Waiver
from reliefkit.report import Decision
from reliefkit.rules import (
    Context,
    Finding,
    IdentityMemo,
    Registry,
    Rule,
    Severity,
    as_date,
    default_registry,
)

Identity = tuple[str, tuple[str, ...]]
RECORD_CLASSES = tuple(RECORD_TYPES)

# The base side of admit, per dataset and (day, plan): judged once per subject, then reused
# by every decision against the same dataset.
_BEFORE: IdentityMemo[dict[tuple[pendulum.Date, int], tuple[Plan, _Side]]] = IdentityMemo()


class _Side:
    """One side of a decision (before or after): a view, its waiver book and its judgements."""

    __slots__ = ("book", "contexts", "day", "memo", "plan", "view")

    def __init__(
        self,
        view: Queries,
        book: Book,
        day: pendulum.Date,
        plan: Plan,
        memo: dict[Any, tuple[Rule, Setting, tuple[Finding, ...]]] | None,
    ) -> None:
        self.view, self.book, self.day, self.plan, self.memo = view, book, day, plan, memo
        self.contexts: dict[int, Context] = {}

    def context(self, setting: Setting) -> Context:
        """One context per pack setting on this side."""
        found = self.contexts.get(id(setting))
        if found is None:
            found = self.contexts[id(setting)] = context(self.view, self.day, setting, self.plan)
        return found

    def raw(self, rule: Rule, setting: Setting, key: str) -> tuple[Finding, ...]:
        """The rule's findings on one subject, before deferrals and waivers."""
        memo = self.memo
        if memo is not None:
            slot = (rule.code, key, id(setting))
            hit = memo.get(slot)
            if hit is not None and hit[0] is rule and hit[1] is setting:
                return hit[2]
        ctx = self.contexts.get(id(setting)) or self.context(setting)
        subject = rule.scope.fetch(self.view, key)
        found: tuple[Finding, ...] = ()
        if subject is not None and (rule.where is None or rule.where(ctx, subject)):
            found = tuple(map(rule.stamp, rule.judge(ctx, subject)))
        if memo is not None:
            memo[slot] = (rule, setting, found)
        return found

    def kept(self, rule: Rule, setting: Setting, key: str) -> tuple[Finding, ...]:
        """The rule's findings on one subject after deferrals (before waivers)."""
        found = self.raw(rule, setting, key)
        if found and rule.defers_to:
            for code in rule.defers_to:
                other, other_setting = self.plan.by_code[code]
                if other_setting is None:
                    continue
                if (code, key) not in self.book and self.raw(other, other_setting, key):
                    return ()
        return found


def _before(dataset: Dataset, day: pendulum.Date, plan: Plan) -> _Side:
    """The dataset's side of decisions on one day under one plan, kept with the dataset."""
    sides = _BEFORE.get(dataset, dict)
    found = sides.get((day, id(plan)))
    if found is None or found[0] is not plan:
        side = _Side(dataset, book_of(dataset, day, plan), day, plan, {})
        found = sides[(day, id(plan))] = (plan, side)
    return found[1]


def _records(value: Record | Iterable[Record]) -> tuple[Record, ...]:
    if isinstance(value, RECORD_CLASSES):
        return (value,)
    if isinstance(value, Mapping | str | bytes) or not isinstance(value, Iterable):
        raise TypeError(
            f"records={type(value).__name__}: expected a reliefkit record or records "
            "(build one, e.g. Solicitation(id=..., ...), rather than passing a dict)"
        )
    records = tuple(value)
    for record in records:
        if not hasattr(type(record), "table"):
            raise TypeError(f"records: {type(record).__name__} is not a reliefkit record")
    return records


def admit(
    dataset: Dataset,
    record_or_records: Record | Iterable[Record],
    *,
    as_of: Any,
    params: Mapping[str, Any] | None = None,
    packs: Sequence[str] | None = None,
    registry: Registry | None = None,
) -> Decision:
    """Would recording these record(s) break a rule? Error-severity findings refuse;
    warnings and info allow; a rule that raises refuses (it fails closed).

    The findings are exactly those ``check`` of the dataset with the records adds to
    ``check`` of the dataset, over all rules of the packs run (waiver rules included). A
    record whose id exists raises the :class:`~reliefkit.exceptions.IntegrityError` that
    ``Dataset.add`` raises. A record's own date counts: a ceremony dated after the deadline
    is refused whatever ``as_of``.
    """
    require_dataset(dataset)
    records = _records(record_or_records)
    day = as_date(as_of)
    plan = plan_for(registry or default_registry(), dataset.campaign, packs, params)
    view: Overlay = dataset.overlay(*records)  # raises IntegrityError as Dataset.add does
    before = _before(dataset, day, plan)
    added_waivers = waivers_of(records)
    after_book = (
        extended(before.book, view, added_waivers, day, plan) if added_waivers else before.book
    )
    # The view lives for this decision only: nothing to memoise across decisions.
    after = _Side(view, after_book, day, plan, None)

    keys = _keys(plan, view, records)
    consulted = sorted(keys)
    new: list[Finding] = []
    waived_new: list[Any] = []
    errors: dict[str, str] = {}
    for code in consulted:
        rule, setting = plan.by_code[code]
        assert setting is not None
        try:
            found, ids_before = _changes(rule, setting, keys[code], before, after)
        except Exception as exc:  # fail closed, and say why as check does
            errors[code] = rule_error(exc)
            continue
        kept, waived = apply_waivers(found, after.book)
        new += (f for f in kept if f.identity not in ids_before)
        waived_new += (w for w in waived if w.finding.identity not in ids_before)
    try:
        new += _unused_waivers(plan, keys, added_waivers, before, after)
    except Exception as exc:
        errors["RK003"] = rule_error(exc)
    new.sort(key=Finding.sort_key)
    return Decision(
        allowed=not errors and not any(f.severity is Severity.ERROR for f in new),
        findings=tuple(new),
        consulted=tuple(consulted),
        waived=tuple(waived_new),
        rule_errors=errors,
    )


def _keys(plan: Plan, view: Queries, records: tuple[Record, ...]) -> dict[str, list[str]]:
    """Per consulted rule, the keys of the subjects the records change (in order, once)."""
    keys: dict[str, dict[str, None]] = {}
    for record in records:
        table = type(record).table
        for rule in plan.by_table.get(table, ()):
            changes = rule.scope.changes.get(table)
            found = keys.setdefault(rule.code, {})
            if changes is not None:
                found.update(dict.fromkeys(changes(view, record)))
    for code in list(keys):  # a deferring rule follows the subjects of the rules it defers to
        for other in plan.deferring.get(code, ()):
            keys.setdefault(other, {}).update(keys[code])
    return {code: list(found) for code, found in keys.items()}


def _changes(
    rule: Rule, setting: Setting, keys: list[str], before: _Side, after: _Side
) -> tuple[list[Finding], set[Identity]]:
    """The rule's findings after the change on the changed subjects, and the identities of
    those it had before (judged only where the after side can differ from it in effect)."""
    found: list[Finding] = []
    ids_before: set[Identity] = set()
    for key in keys:
        now = after.kept(rule, setting, key)
        if not now:
            continue
        found += now
        ids_before.update(f.identity for f in before.kept(rule, setting, key))
    # Books only grow with additions and a waiver's validity reads records that exist
    # already, so a finding found before is kept or waived alike after: not new either way.
    return found, ids_before


def _unused_waivers(
    plan: Plan,
    keys: Mapping[str, list[str]],
    added: list[Waiver],
    before: _Side,
    after: _Side,
) -> list[Finding]:
    """RK003 findings the change adds: a valid waiver whose finding the change removes, or
    an admitted valid waiver that exempts nothing."""
    rule, setting = plan.by_code.get("RK003", (None, None))
    if rule is None or setting is None:
        return []
    ran = plan.ran
    candidates: dict[str, Waiver] = {w.id: w for w in added}
    for code, subjects in keys.items():
        for key in subjects:
            waiver = after.book.get((code, key))
            if waiver is not None:
                candidates.setdefault(waiver.id, waiver)
    out: list[Finding] = []
    for waiver in candidates.values():
        code = waiver.code.upper()
        if code not in ran or (code, waiver.subject_id) not in after.book:
            continue
        target, target_setting = plan.by_code[code]
        assert target_setting is not None
        used_after = bool(after.kept(target, target_setting, waiver.subject_id))
        if used_after:
            continue
        was_unused = (
            (code, waiver.subject_id) in before.book
            and before.book[(code, waiver.subject_id)] is waiver
            and not before.kept(target, target_setting, waiver.subject_id)
        )
        if was_unused:
            continue
        ctx = context(after.view, after.day, setting, plan, ran=ran, used_waivers=frozenset())
        out += (rule.stamp(v) for v in rule.judge(ctx, waiver))
    return out
