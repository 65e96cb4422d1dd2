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
from reliefkit.engine._waivers import Book, book_of, extended, rebuilt
from reliefkit.models import RECORD_TYPES, Dataset, Overlay, Queries, Record, Waiver
from reliefkit.report import Decision, Waived
from reliefkit.rules import (
    Context,
    Finding,
    IdentityMemo,
    Kind,
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
        if subject is None:
            return found  # not memoised: new ids would grow the dataset's memo for ever
        if rule.where is None or rule.where(ctx, subject):
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
    records: Record | Iterable[Record] = (),
    *,
    replace: Record | Iterable[Record] = (),
    remove: str | Iterable[str] = (),
    as_of: Any,
    params: Mapping[str, Any] | None = None,
    packs: Sequence[str] | None = None,
    registry: Registry | None = None,
) -> Decision:
    """Would this change break a rule? ``records`` are added, ``replace`` records take the
    place of the stored ones with their ids, ``remove`` ids are taken out — judged as one
    unit, as ``dataset.change(records, replace=..., remove=...)`` would store it.

    ``decision.findings`` are exactly the findings ``check`` of the changed dataset has and
    ``check`` of the dataset has not, over all rules of the packs run (waiver rules included);
    ``decision.resolved`` those the change fixes, ``superseded`` those now reported by a rule
    they defer to, and ``waived`` those a waiver now exempts. Error-severity findings refuse;
    warnings and info allow; a rule that raises refuses (it fails closed). A record whose id
    exists raises the :class:`~reliefkit.exceptions.IntegrityError` that ``Dataset.add``
    raises (a stored record added again is a retry: nothing changes).
    """
    require_dataset(dataset)
    added = _records(records)
    replaced = _records(replace)
    removed = (remove,) if isinstance(remove, str) else tuple(remove)
    day = as_date(as_of)
    plan = plan_for(registry or default_registry(), dataset.campaign, packs, params)
    view: Overlay = dataset.overlay(*added, replace=replaced, remove=removed)
    before = _before(dataset, day, plan)
    after = _Side(view, _book_after(before.book, view, day, plan), day, plan, None)

    keys = _keys(plan, dataset, view)
    consulted = sorted(keys)
    changed = {r.id for r in view.added} | {new.id for _, new in view.replaced}
    diff = _Diff(before, after, changed)
    errors: dict[str, str] = {}
    for code in consulted:
        rule, setting = plan.by_code[code]
        assert setting is not None
        try:
            for key in keys[code]:
                diff.judge(rule, setting, key)
        except Exception as exc:  # fail closed, and say why as check does
            errors[code] = rule_error(exc)
    try:
        rk_new, rk_gone = _unused_waivers(plan, keys, before, after)
        diff.added += rk_new
        diff.gone += rk_gone
    except Exception as exc:
        errors["RK003"] = rule_error(exc)
    if not (diff.added or diff.refusing or diff.waived or diff.pending or diff.gone):
        return Decision(allowed=not errors, findings=(), consulted=tuple(consulted),
                        rule_errors=errors)  # fmt: skip
    diff.added.sort(key=Finding.sort_key)
    return Decision(
        allowed=not errors and not diff.refusing,
        refusals=tuple(sorted(diff.refusing, key=Finding.sort_key)),
        hints=_hints(plan, diff.refusing, view),
        findings=tuple(diff.added),
        consulted=tuple(consulted),
        waived=tuple(sorted(diff.waived, key=lambda w: w.finding.sort_key())),
        rule_errors=errors,
        gone=diff.taken_away,
    )


class _Diff:
    """What a change adds and takes away, subject by subject.

    What it adds (and refuses, and newly waives) is judged at once; the dataset's side of a
    subject is judged only when the change finds something there, or when what the change
    takes away is read (``Decision.resolved``): an allowed record with nothing to say costs
    one judgement per rule and subject.
    """

    def __init__(self, before: _Side, after: _Side, changed: set[str]) -> None:
        self.before, self.after, self.changed = before, after, changed
        self.added: list[Finding] = []
        self.refusing: list[Finding] = []
        self.waived: list[Waived] = []
        self.gone: list[Finding] = []
        self.superseded: list[Finding] = []
        self.pending: list[tuple[Rule, Setting, str]] = []

    def judge(self, rule: Rule, setting: Setting, key: str) -> None:
        now = self.after.kept(rule, setting, key)
        if not now:
            self.pending.append((rule, setting, key))
            return
        self._compare(rule, setting, key, now)

    def _compare(self, rule: Rule, setting: Setting, key: str, now: tuple[Finding, ...]) -> None:
        before, after = self.before, self.after
        then = before.kept(rule, setting, key)
        if not now and not then:
            return
        now_kept, now_waived = apply_waivers(now, after.book)
        then_kept, then_waived = apply_waivers(then, before.book)
        then_ids = {f.identity for f in then_kept}
        now_ids = {f.identity for f in now}
        self.added += (f for f in now_kept if f.identity not in then_ids)
        self.refusing += (
            f
            for f in now_kept
            if f.severity is Severity.ERROR
            and f.kind is Kind.BREACH
            and (f.identity not in then_ids or not self.changed.isdisjoint(f.subjects))
        )
        waived_before = {w.finding.identity for w in then_waived}
        self.waived += (w for w in now_waived if w.finding.identity not in waived_before)
        lost = [f for f in then_kept if f.identity not in now_ids]
        if lost and rule.defers_to:
            raw = {f.identity for f in after.raw(rule, setting, key)}
            self.superseded += (f for f in lost if f.identity in raw)
            lost = [f for f in lost if f.identity not in raw]
        self.gone += lost
        newly = _ids(now_waived)
        self.gone += (f for f in then_kept if f.identity in now_ids and f.identity in newly)

    def taken_away(self) -> tuple[tuple[Finding, ...], tuple[Finding, ...]]:
        """(resolved, superseded): the subjects left pending are judged now."""
        for rule, setting, key in self.pending:
            self._compare(rule, setting, key, ())
        self.pending = []
        newly_waived = {w.finding.identity for w in self.waived}
        resolved = sorted(
            (f for f in self.gone if f.identity not in newly_waived), key=Finding.sort_key
        )
        return tuple(resolved), tuple(sorted(self.superseded, key=Finding.sort_key))


def _book_after(base: Book, view: Overlay, day: pendulum.Date, plan: Plan) -> Book:
    """The waiver book after the change: the base book, unless the change touches waivers
    or their grantors."""
    if view.changed:
        tables = {type(r).table for r in (*view.removed, *(old for old, _ in view.replaced))}
        if tables & {"waivers", "departments"}:
            return rebuilt(view, day, plan)
    added = waivers_of(view.added)
    return extended(base, view, added, day, plan) if added else base


def _keys(plan: Plan, base: Queries, view: Overlay) -> dict[str, list[str]]:
    """Per consulted rule, the keys of the subjects the change touches (in order, once):
    of an old record on the dataset before, of a new one on the view after."""
    keys: dict[str, dict[str, None]] = {}
    sides: list[tuple[Queries, Any]] = [(view, r) for r in view.added]
    for old, new in view.replaced:
        sides += [(base, old), (view, new)]
    sides += [(base, r) for r in view.removed]
    follows = plan.follows
    for side, record in sides:
        for changes, codes in follows.get(type(record).table, ()):
            touched = dict.fromkeys(changes(side, record)) if changes is not None else {}
            for code in codes:
                found = keys.get(code)
                if found is None:
                    keys[code] = dict(touched)
                else:
                    found.update(touched)
    for code in list(keys):  # a deferring rule follows the subjects of the rules it defers to
        for other in plan.deferring.get(code, ()):
            keys.setdefault(other, {}).update(keys[code])
    return {code: list(found) for code, found in keys.items()}


def _hints(plan: Plan, refusing: list[Finding], view: Overlay) -> tuple[str, ...]:
    """For each refusal a batch would avoid, what to admit with it (the rule says which
    table cures it), unless the change already brings a record of that table."""
    brought = {type(r).table for r in (*view.added, *(n for _, n in view.replaced))}
    hints: dict[str, None] = {}
    for finding in refusing:
        rule = plan.by_code[finding.code][0]
        for table, advice in rule.cured_by.items():
            if table not in brought:
                hints[f"{finding.code} on {finding.subject}: {advice}"] = None
    return tuple(hints)


def _ids(waived: list[Waived]) -> set[Identity]:
    return {w.finding.identity for w in waived}


def _unused_waivers(
    plan: Plan, keys: Mapping[str, list[str]], before: _Side, after: _Side
) -> tuple[list[Finding], list[Finding]]:
    """RK003 findings the change adds and removes: a valid waiver whose finding comes or
    goes, or a waiver admitted, replaced, removed or made (in)valid by the change."""
    rule, setting = plan.by_code.get("RK003", (None, None))
    view = after.view
    assert isinstance(view, Overlay)
    if rule is None or setting is None or not (before.book or after.book):
        return [], []
    candidates: dict[str, Waiver] = {}
    for waiver in (*view.added, *(n for _, n in view.replaced), *(o for o, _ in view.replaced)):
        if isinstance(waiver, Waiver):
            candidates[waiver.id] = waiver
    for waiver in view.removed:
        if isinstance(waiver, Waiver):
            candidates[waiver.id] = waiver
    if after.book is before.book:  # the same waivers: look only where a code has one
        book = before.book
        waived = _waived_codes(book)
        if not candidates and waived.isdisjoint(keys):
            return [], []
        for code, subjects in keys.items():
            if code in waived:
                for key in subjects:
                    found = book.get((code, key))
                    if found is not None:
                        candidates.setdefault(found.id, found)
    else:
        for book in (before.book, after.book):
            for found in book.values():
                candidates.setdefault(found.id, found)
    new: list[Finding] = []
    gone: list[Finding] = []
    for waiver_id in candidates:
        now = _rk003(rule, setting, waiver_id, after)
        then = _rk003(rule, setting, waiver_id, before)
        then_ids = {f.identity for f in then}
        now_ids = {f.identity for f in now}
        new += (f for f in now if f.identity not in then_ids)
        gone += (f for f in then if f.identity not in now_ids)
    return new, gone


_WAIVED: dict[int, tuple[Book, frozenset[str]]] = {}


def _waived_codes(book: Book) -> frozenset[str]:
    """The codes a book holds waivers for (remembered for the last books seen)."""
    hit = _WAIVED.get(id(book))
    if hit is not None and hit[0] is book:
        return hit[1]
    if len(_WAIVED) > 64:
        _WAIVED.clear()
    codes = frozenset(code for code, _ in book)
    _WAIVED[id(book)] = (book, codes)
    return codes


def _rk003(rule: Rule, setting: Setting, waiver_id: str, side: _Side) -> list[Finding]:
    """RK003 on one waiver as ``check`` of the side's view would report it."""
    code, _, subject = waiver_id.partition(":")
    waiver = side.book.get((code.upper(), subject))
    if waiver is None or waiver.id != waiver_id:
        return []  # not valid on this side (RK001/RK002 report it) or not there at all
    target = side.plan.by_code.get(code.upper())
    used = False
    if target is not None and target[1] is not None and code.upper() in side.plan.ran:
        used = bool(side.kept(target[0], target[1], subject))
    ctx = context(
        side.view,
        side.day,
        setting,
        side.plan,
        ran=side.plan.ran,
        used_waivers=frozenset({(code.upper(), subject)}) if used else frozenset(),
    )
    return [rule.stamp(v) for v in rule.judge(ctx, waiver)]
