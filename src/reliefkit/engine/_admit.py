"""``admit``: would recording these records break a rule? Judged incrementally.

For each rule that reads a type of the new records, its scope says which subjects the
records change; the rule judges those subjects on the dataset with the records (an overlay,
nothing copied) and, only when that can matter, on the dataset as it is (memoised per
dataset by identity). Deferrals and waivers are applied on each side exactly as ``check``
applies them, so the findings are those ``check`` of the dataset with the records adds.

What a plan implies is worked out once per plan (by identity): every rule in force as the
functions it calls, and, per table, the route a change of one record of it takes (the scopes
that follow the table, the rules they lead to in code order, whether the record is itself
the subject). A decision on one record then only follows its route, reading each subject
once for all the rules of its scope; a larger change merges the keys rule by rule.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import pendulum

from reliefkit.engine._check import (
    apply_waivers,
    context,
    require_dataset,
    rule_error,
)
from reliefkit.engine._plan import Plan, Setting, plan_for
from reliefkit.engine._waivers import (
    Book,
    DatasetBook,
    amended,
    book_of,
    changed_records,
    key_of,
)
from reliefkit.models import RECORD_TYPES, Dataset, Overlay, Queries, Record, Waiver
from reliefkit.models._records import KEYED_TABLES
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
from reliefkit.rules._scope import itself, record_class

Identity = tuple[str, tuple[str, ...]]
Gone = tuple[tuple[Finding, ...], tuple[Finding, ...]]
RECORD_CLASSES = tuple(RECORD_TYPES)
_RECORD_CLASS_SET = frozenset(RECORD_TYPES)
_KEYED = frozenset(KEYED_TABLES)
_NOTHING_GONE: Gone = ((), ())
_BOOK_TABLES = frozenset({"waivers", "departments"})
"""Tables whose records can change which waivers are valid (a waiver, its grantor)."""

Entry = tuple[str, Rule, Setting, int, Any, Any, Any, Any, bool]
"""A rule in force as ``admit`` runs it: ``(code, rule, setting, slot, fetch, where, judge,
stamp, defers)``, ``slot`` numbering its setting (one context per setting and side) and the
functions read once."""

# The base side of admit, per dataset and (day, plan): judged once per subject, then reused
# by every decision against the same dataset. Only judgements are kept: a memo entry must
# not hold its dataset, or the dataset would never be collected.
_BEFORE: IdentityMemo[dict[tuple[pendulum.Date, int], tuple[Plan, dict[Any, Any]]]] = IdentityMemo()


class _Compiled:
    """What admit reads of a plan, worked out once: the rules in force as entries, their
    settings, and the route of a changed record per table (made on first use)."""

    __slots__ = ("cures", "entries", "plan", "rk003", "routes", "settings")

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.settings: list[Setting] = []
        slots: dict[int, int] = {}
        self.entries: dict[str, Entry] = {}
        for rule, setting in plan.rules:
            if setting is None:
                continue
            slot = slots.get(id(setting))
            if slot is None:
                slot = slots[id(setting)] = len(self.settings)
                self.settings.append(setting)
            self.entries[rule.code] = (
                rule.code,
                rule,
                setting,
                slot,
                rule.scope.fetch,
                rule.where,
                rule.judge,
                rule.stamp,
                bool(rule.defers_to),
            )
        self.routes: dict[str, _Route | None] = {}
        self.rk003 = "RK003" in self.entries
        # The codes of the rules that say what a batch would cure (refusals give hints).
        self.cures = frozenset(code for code, entry in self.entries.items() if entry[1].cured_by)

    def context(self, view: Queries, day: pendulum.Date, slot: int) -> Context:
        """The context the rules of one setting judge in on a view (``context`` unrolled)."""
        setting = self.settings[slot]
        return Context(view, day, setting.params, setting.year, self.plan.known)

    def route(self, table: str) -> _Route | None:
        """The route of one record of ``table`` (``None``: take the general path)."""
        try:
            return self.routes[table]
        except KeyError:
            found = self.routes[table] = _Route.of(self, table)
            return found


class _Route:
    """How one record of a table, added, replaced or removed, is followed: per scope that
    follows the table, what the record changes (``direct``: the record is itself the
    subject, read as the scope's fetch would read it); the rules consulted, in code order,
    each with its scope's index; and whether the record is a waiver (which changes the
    waiver book)."""

    __slots__ = ("codes", "consulted", "follows", "order", "waived", "waiver")

    def __init__(
        self,
        follows: tuple[tuple[Any, Any, type[Any] | None], ...],
        order: tuple[tuple[Entry, int], ...],
        waiver: bool,
    ) -> None:
        self.follows = follows
        self.order = order
        self.consulted = tuple(entry[0] for entry, _ in order)
        self.codes = frozenset(self.consulted)
        self.waiver = waiver
        # For the codes of the last waiver book seen (not the book: a memo must not keep a
        # dataset's waivers alive): the rules with a waiver in it, and their scopes.
        self.waived: tuple[frozenset[str], tuple[tuple[str, int], ...]] | None = None

    def waives(self, book: Book, touched: Sequence[Sequence[str]]) -> bool:
        """Whether ``book`` holds a waiver of a rule of the route for a subject touched
        (RK003 can only change there when the waivers stay the same)."""
        waived = self.waived
        codes = book.codes
        if waived is None or waived[0] is not codes:
            found = tuple((entry[0], index) for entry, index in self.order if entry[0] in codes)
            waived = self.waived = (codes, found)
        for code, index in waived[1]:
            for key in touched[index]:
                if (code, key) in book:
                    return True
        return False

    @classmethod
    def of(cls, compiled: _Compiled, table: str) -> _Route | None:
        plan = compiled.plan
        follows: list[tuple[Any, Any, type[Any] | None]] = []
        order: list[tuple[Entry, int]] = []
        seen: set[str] = set()
        for index, (changes, codes) in enumerate(plan.follows.get(table, ())):
            # A deferring rule follows the subjects of the rules it defers to (its scope's).
            led = dict.fromkeys(codes)
            for code in codes:
                led.update(dict.fromkeys(plan.deferring.get(code, ())))
            if seen.intersection(led):  # a rule led to twice: merge keys on the general path
                return None
            seen.update(led)
            entries = [compiled.entries[code] for code in led]
            fetch = entries[0][4]
            if any(entry[4] is not fetch for entry in entries):
                return None  # rules of one scope share its fetch; anything else is general
            direct = record_class(fetch) if changes is itself and table in _KEYED else None
            follows.append((changes, fetch, direct))
            order += ((entry, index) for entry in entries)
        order.sort(key=lambda pair: pair[0][0])
        return cls(tuple(follows), tuple(order), table == "waivers")


_COMPILED: dict[int, _Compiled] = {}


def _compiled(plan: Plan) -> _Compiled:
    found = _COMPILED.get(id(plan))
    if found is None or found.plan is not plan:
        if len(_COMPILED) > 64:
            _COMPILED.clear()
        found = _COMPILED[id(plan)] = _Compiled(plan)
    return found


class _Side:
    """One side of a decision (before or after): a view, its waiver book and its judgements."""

    __slots__ = ("book", "compiled", "contexts", "day", "memo", "view")

    def __init__(
        self,
        view: Queries,
        book: Book,
        day: pendulum.Date,
        compiled: _Compiled,
        memo: dict[Any, tuple[Finding, ...]] | None,
        contexts: list[Context | None] | None = None,
    ) -> None:
        self.view, self.book, self.day, self.compiled, self.memo = view, book, day, compiled, memo
        self.contexts: list[Context | None] = (
            contexts if contexts is not None else [None] * len(compiled.settings)
        )

    @property
    def plan(self) -> Plan:
        return self.compiled.plan

    def context(self, slot: int) -> Context:
        """One context per pack setting on this side."""
        found = self.contexts[slot]
        if found is None:
            found = self.contexts[slot] = self.compiled.context(self.view, self.day, slot)
        return found

    def raw(self, entry: Entry, key: str) -> tuple[Finding, ...]:
        """The rule's findings on one subject, before deferrals and waivers."""
        memo = self.memo
        if memo is not None:
            hit = memo.get((entry[0], key))
            if hit is not None:
                return hit
        code, _, _, slot, fetch, where, judge, stamp, _ = entry
        subject = fetch(self.view, key)
        if subject is None:
            return ()  # not memoised: new ids would grow the dataset's memo for ever
        ctx = self.contexts[slot] or self.context(slot)
        found: tuple[Finding, ...] = (
            tuple(map(stamp, judge(ctx, subject))) if where is None or where(ctx, subject) else ()
        )
        if memo is not None:
            memo[(code, key)] = found
        return found

    def kept(self, entry: Entry, key: str) -> tuple[Finding, ...]:
        """The rule's findings on one subject after deferrals (before waivers)."""
        found = self.raw(entry, key)
        if found and entry[8] and self.deferred(entry, key):
            return ()
        return found

    def deferred(self, entry: Entry, key: str) -> bool:
        """Whether a rule this one defers to reports (unwaived) on the subject."""
        entries = self.compiled.entries
        for code in entry[1].defers_to:
            other = entries.get(code)
            if other is None:  # not in force for the campaign
                continue
            if (code, key) not in self.book and self.raw(other, key):
                return True
        return False


def _before_memo(dataset: Dataset, day: pendulum.Date, plan: Plan) -> dict[Any, Any]:
    """The dataset's judgements on one day under one plan, kept with the dataset."""
    sides = _BEFORE.get(dataset, dict)
    found = sides.get((day, id(plan)))
    if found is None or found[0] is not plan:
        found = sides[(day, id(plan))] = (plan, {})
    return found[1]


def _records(value: Record | Iterable[Record]) -> tuple[Record, ...]:
    kind = type(value)
    if kind in _RECORD_CLASS_SET:
        return (value,)  # type: ignore[return-value]
    if kind is tuple and not value:
        return ()
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


_DAYS: dict[str, pendulum.Date] = {}


def _day(as_of: Any) -> pendulum.Date:
    """``as_date``, remembered for the few ISO strings a system passes over and over."""
    if type(as_of) is not str:
        return as_date(as_of)
    found = _DAYS.get(as_of)
    if found is None:
        found = as_date(as_of)
        if len(_DAYS) > 256:
            _DAYS.clear()
        _DAYS[as_of] = found
    return found


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
    if type(dataset) is not Dataset:
        require_dataset(dataset)
    added = _records(records)
    replaced = _records(replace)
    removed = (remove,) if isinstance(remove, str) else tuple(remove)
    day = _day(as_of)
    plan = plan_for(registry or default_registry(), dataset.campaign, packs, params)
    view = Overlay(dataset, added, replace=replaced, remove=removed)
    compiled = _compiled(plan)
    book = book_of(dataset, day, plan)
    # What the view holds: what a retry, or a replacement by an equal record, leaves out.
    adds, swaps, drops = view.added, view.replaced, view.removed
    if len(adds) + len(swaps) + len(drops) == 1:  # one record changes: follow its route
        record: Any = None
        sides: tuple[tuple[Queries, Any], ...]
        if adds:
            record = adds[0]
            sides = ((view, record),)
        elif swaps:
            old, record = swaps[0]
            sides = ((dataset, old), (view, record))
        else:
            sides = ((dataset, drops[0]),)
        table = type(sides[-1][1]).table
        # A change of the waiver book takes the general path (it touches other subjects).
        after_book = amended(book, view, day, plan) if table in _BOOK_TABLES else book
        if after_book is book:
            route = compiled.route(table)
            if route is not None:
                return _one(dataset, view, sides, record, route, compiled, day, book)
    else:
        after_book = amended(book, view, day, plan)
    return _general(dataset, view, compiled, day, book, after_book)


def _one(
    dataset: Dataset,
    view: Overlay,
    sides: tuple[tuple[Queries, Any], ...],
    record: Any,
    route: _Route,
    compiled: _Compiled,
    day: pendulum.Date,
    book: Book,
) -> Decision:
    """A decision on one record added, replaced or removed: it follows its table's route.
    ``sides`` are the old record on the dataset and the new one on the view (as ``_keys``
    takes them); ``record`` is the new one (``None`` for a removal)."""
    touched: list[Sequence[str]] = []
    subjects: list[Sequence[tuple[str, Any]] | None] = []
    fresh: list[bool] = []
    rid = sides[0][1].id
    # An added record is a subject the dataset does not hold: nothing to compare it with.
    added = record is not None and len(sides) == 1
    for changes, fetch, direct in route.follows:
        fresh.append(added and direct is not None)
        if direct is not None:  # the record is the subject, as fetch would find it (by id)
            touched.append((rid,))
            subjects.append(((rid, record if isinstance(record, direct) else None),))
            continue
        if changes is None:
            found: Any = ()
        elif len(sides) == 1:
            found = changes(*sides[0])
        else:
            found = [key for side, changed in sides for key in changes(side, changed)]
        # One key or none (the common answer) needs no de-duplication.
        keys = found if type(found) is tuple and len(found) < 2 else list(dict.fromkeys(found))
        touched.append(keys)
        subjects.append(_fetched(fetch, view, keys) if keys else ())
    diff = _Diff(dataset, view, day, compiled, book, book)
    diff.run(route.order, touched, subjects, fresh)
    if compiled.rk003 and book and (route.waiver or route.waives(book, touched)):
        diff.unused_waivers({entry[0]: touched[index] for entry, index in route.order})
    return diff.decision(route.consulted)


def _general(
    dataset: Dataset,
    view: Overlay,
    compiled: _Compiled,
    day: pendulum.Date,
    book: DatasetBook,
    after_book: Book,
) -> Decision:
    """A decision on any change: the keys of every record on its side, merged per rule,
    and of the findings whose waiver the change gives or takes away."""
    plan = compiled.plan
    keys = _keys(plan, dataset, view, after_book.changes)
    consulted = sorted(keys)
    order: list[tuple[Entry, int]] = []
    touched: list[Sequence[str]] = []
    subjects: list[Sequence[tuple[str, Any]] | None] = []
    fetched: dict[tuple[Any, tuple[str, ...]], list[tuple[str, Any]] | None] = {}
    for code in consulted:
        entry = compiled.entries[code]
        order.append((entry, len(touched)))
        found = keys[code]
        touched.append(found)
        # Rules of one scope mostly follow the same keys: read their subjects once.
        slot = (entry[4], tuple(found))
        pairs = fetched[slot] if slot in fetched else _fetched(entry[4], view, found)
        subjects.append(fetched.setdefault(slot, pairs))
    diff = _Diff(dataset, view, day, compiled, book, after_book)
    diff.run(order, touched, subjects)
    diff.unused_waivers(keys)
    return diff.decision(tuple(consulted))


def _fetched(fetch: Any, view: Queries, keys: Sequence[str]) -> list[tuple[str, Any]] | None:
    """``(key, subject)`` for ``keys``, read once for all the rules of their scope (``None``
    when a fetch raises: the rules then read them one by one and fail as ``check`` would)."""
    try:
        if len(keys) == 1:  # the common case, without a comprehension's frame
            key = keys[0]
            return [(key, fetch(view, key))]
        return [(key, fetch(view, key)) for key in keys]
    except Exception:
        return None


class _Diff:
    """What a change adds and takes away, subject by subject.

    What it adds (and refuses, and newly waives) is judged at once; the dataset's side of a
    subject is judged only when the change finds something there, or when what the change
    takes away is read (``Decision.resolved``): an allowed record with nothing to say costs
    one judgement per rule and subject.
    """

    def __init__(
        self,
        dataset: Dataset,
        view: Overlay,
        day: pendulum.Date,
        compiled: _Compiled,
        book: Book,
        after_book: Book,
    ) -> None:
        self.dataset, self.view, self.day, self.compiled = dataset, view, day, compiled
        self.book, self.after_book = book, after_book
        self.contexts: list[Context | None] = [None] * len(compiled.settings)
        self.errors: dict[str, str] = {}
        self.pending: list[tuple[Entry, str]] = []

    # Made when first needed (most decisions compare nothing and need neither side).
    compared = False
    added: list[Finding]
    refusing: list[Finding]
    waived: list[Waived]
    gone: list[Finding]
    superseded: list[Finding]
    _before: _Side | None = None
    _after: _Side | None = None
    _changed: set[str] | None = None

    @property
    def before(self) -> _Side:
        """The dataset's side (its judgements memoised with the dataset)."""
        if self._before is None:
            memo = _before_memo(self.dataset, self.day, self.compiled.plan)
            self._before = _Side(self.dataset, self.book, self.day, self.compiled, memo)
        return self._before

    @property
    def after(self) -> _Side:
        """The changed view's side (nothing memoised: the view lives for one decision)."""
        if self._after is None:
            self._after = _Side(
                self.view, self.after_book, self.day, self.compiled, None, self.contexts
            )
        return self._after

    def context(self, slot: int) -> Context:
        found = self.contexts[slot]
        if found is None:
            found = self.contexts[slot] = self.compiled.context(self.view, self.day, slot)
        return found

    def run(
        self,
        order: Iterable[tuple[Entry, int]],
        touched: Sequence[Sequence[str]],
        subjects: Sequence[Sequence[tuple[str, Any]] | None],
        fresh: Sequence[bool] | None = None,
    ) -> None:
        """Judge the changed subjects after the change, rule by rule in code order; a rule
        that raises is reported (it fails closed) and the others still judge. ``fresh``
        marks the scopes whose subject is an added record: the dataset has nothing there,
        so what is found is new and what is not is not pending."""
        contexts = self.contexts
        pending = self.pending
        for entry, index in order:
            fetched = subjects[index]
            if not fetched and fetched is not None:
                continue  # no subject
            code, _, _, slot, _, where, judge, stamp, defers = entry
            ctx = contexts[slot] or self.context(slot)
            new = fresh is not None and fresh[index]
            try:
                if fetched is None:  # a fetch raised: read and judge key by key
                    self._one_by_one(entry, touched[index])
                    continue
                for key, subject in fetched:
                    if subject is None or (where is not None and not where(ctx, subject)):
                        if not new:
                            pending.append((entry, key))
                        continue
                    violations = iter(judge(ctx, subject))
                    now: tuple[Finding, ...] = ()
                    for violation in violations:  # found something (rarely): stamp it all
                        now = (stamp(violation), *map(stamp, violations))
                    if now and defers and self.after.deferred(entry, key):
                        now = ()
                    if now:
                        if new:
                            self._start()
                            self._new(now)
                        else:
                            self._compare(entry, key, now)
                    elif not new:
                        pending.append((entry, key))
            except Exception as exc:  # fail closed, and say why as check does
                self.errors[code] = rule_error(exc)

    def _one_by_one(self, entry: Entry, keys: Sequence[str]) -> None:
        after = self.after
        for key in keys:
            now = after.kept(entry, key)
            if now:
                self._compare(entry, key, now)
            else:
                self.pending.append((entry, key))

    def _start(self) -> None:
        if not self.compared:
            self.compared = True
            self.added, self.refusing, self.waived, self.gone, self.superseded = [], [], [], [], []

    def _compare(self, entry: Entry, key: str, now: tuple[Finding, ...]) -> None:
        self._start()
        before, after = self.before, self.after
        then = before.kept(entry, key)
        if not then:
            if now:  # all of it is new (the common case of a finding)
                self._new(now)
            return
        now_kept, now_waived = apply_waivers(now, after.book)
        then_kept, then_waived = apply_waivers(then, before.book)
        then_ids = {f.identity for f in then_kept}
        now_ids = {f.identity for f in now}
        self.added += (f for f in now_kept if f.identity not in then_ids)
        changed = self._changed
        if changed is None:
            changed = self._changed = {r.id for r in self.view.added} | {
                new.id for _, new in self.view.replaced
            }
        self.refusing += (
            f
            for f in now_kept
            if f.severity is Severity.ERROR
            and f.kind is Kind.BREACH
            and (f.identity not in then_ids or not changed.isdisjoint(f.subjects))
        )
        waived_before = {w.finding.identity for w in then_waived}
        self.waived += (w for w in now_waived if w.finding.identity not in waived_before)
        lost = [f for f in then_kept if f.identity not in now_ids]
        if lost and entry[8]:
            raw = {f.identity for f in after.raw(entry, key)}
            self.superseded += (f for f in lost if f.identity in raw)
            lost = [f for f in lost if f.identity not in raw]
        self.gone += lost
        newly = _ids(now_waived)
        self.gone += (f for f in then_kept if f.identity in now_ids and f.identity in newly)

    def _new(self, now: tuple[Finding, ...]) -> None:
        """``_compare`` when the dataset had nothing there: every finding is new."""
        book = self.after_book or None
        for finding in now:
            if book is not None:
                waiver = book.get((finding.code, finding.subjects[0]))
                if waiver is not None:
                    self.waived.append(Waived(finding, waiver))
                    continue
            self.added.append(finding)
            if finding.severity is Severity.ERROR and finding.kind is Kind.BREACH:
                self.refusing.append(finding)

    def unused_waivers(self, keys: Mapping[str, Sequence[str]]) -> None:
        """RK003's findings that the change adds and takes away (it fails closed too)."""
        try:
            rk_new, rk_gone = _unused_waivers(self.compiled, keys, self)
        except Exception as exc:
            self.errors["RK003"] = rule_error(exc)
            return
        if rk_new or rk_gone:
            self._start()
            self.added += rk_new
            self.gone += rk_gone

    def taken_away(self) -> Gone:
        """(resolved, superseded): the subjects left pending are judged now."""
        for entry, key in self.pending:
            self._compare(entry, key, ())
        self.pending = []
        if not self.compared:
            return _NOTHING_GONE
        newly_waived = {w.finding.identity for w in self.waived}
        resolved = sorted(
            (f for f in self.gone if f.identity not in newly_waived), key=Finding.sort_key
        )
        return tuple(resolved), tuple(sorted(self.superseded, key=Finding.sort_key))

    def decision(self, consulted: tuple[str, ...]) -> Decision:
        errors = self.errors
        gone: Gone | Callable[[], Gone] = self.taken_away if self.pending else _NOTHING_GONE
        if not self.compared:  # nothing found either side: the common, allowed case
            return Decision(
                allowed=not errors,
                findings=(),
                consulted=consulted,
                waived=(),
                rule_errors=errors,
                refusals=(),
                hints=(),
                gone=gone,
            )
        added, refusing, waived = self.added, self.refusing, self.waived
        if len(added) > 1:
            added.sort(key=Finding.sort_key)
        cures = self.compiled.cures
        return Decision(
            allowed=not errors and not refusing,
            refusals=(
                ()
                if not refusing
                else (refusing[0],)
                if len(refusing) == 1
                else tuple(sorted(refusing, key=Finding.sort_key))
            ),
            hints=(
                _hints(self.compiled.plan, refusing, self.view)
                if refusing and not cures.isdisjoint([f.code for f in refusing])
                else ()
            ),
            findings=tuple(added),
            consulted=consulted,
            waived=tuple(sorted(waived, key=lambda w: w.finding.sort_key())) if waived else (),
            rule_errors=errors,
            gone=self.taken_away,
        )


def _keys(
    plan: Plan, base: Queries, view: Overlay, waived: Iterable[tuple[str, str]] = ()
) -> dict[str, list[str]]:
    """Per consulted rule, the keys of the subjects the change touches (in order, once):
    of an old record on the dataset before, of a new one on the view after, and the
    subjects of ``waived`` (code and main subject), whose waiver the change gives or takes
    away."""
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
    for code, subject in waived:
        if code in plan.ran:  # a rule judged after all the others is never waived
            keys.setdefault(code, {})[subject] = None
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
    compiled: _Compiled, keys: Mapping[str, Sequence[str]], diff: _Diff
) -> tuple[list[Finding], list[Finding]]:
    """RK003 findings the change adds and removes: a valid waiver whose finding comes or
    goes, or a waiver admitted, replaced, removed or made (in)valid by the change. Only
    those waivers are judged: the book is never read whole."""
    rule, setting = compiled.plan.by_code.get("RK003", (None, None))
    book, after_book = diff.book, diff.after_book
    if rule is None or setting is None or not (book or after_book):
        return [], []
    candidates: dict[str, None] = {}
    for record in changed_records(diff.view):
        if isinstance(record, Waiver):
            candidates[record.id] = None
    books: tuple[Book, ...] = (book,)
    codes = book.codes
    if after_book is not book:
        books, codes = (book, after_book), codes | after_book.codes
    if not candidates and not after_book.changes and codes.isdisjoint(keys):
        return [], []
    waived: dict[tuple[str, str], None] = dict.fromkeys(after_book.changes)
    for code, subjects in keys.items():  # where a finding of a waived rule comes or goes
        if code in codes:
            for subject in subjects:
                key = (code, subject)
                if any(key in side_book for side_book in books):
                    waived[key] = None
    for code, subject in waived:  # every waiver of such a key, on either side
        for side in (diff.dataset, diff.view):
            for waiver in side.group("waivers_by_subject", subject):
                if waiver.code.upper() == code:
                    candidates[waiver.id] = None
    new: list[Finding] = []
    gone: list[Finding] = []
    for waiver_id in candidates:
        now = _rk003(rule, setting, waiver_id, diff.after)
        then = _rk003(rule, setting, waiver_id, diff.before)
        then_ids = {f.identity for f in then}
        now_ids = {f.identity for f in now}
        new += (f for f in now if f.identity not in then_ids)
        gone += (f for f in then if f.identity not in now_ids)
    return new, gone


def _rk003(rule: Rule, setting: Setting, waiver_id: str, side: _Side) -> list[Finding]:
    """RK003 on one waiver as ``check`` of the side's view would report it."""
    waiver = side.view.find("waivers", waiver_id)
    if waiver is None:
        return []  # not there on this side
    code, subject = key_of(waiver)
    if (code, subject) not in side.book:
        return []  # no waiver of its key is valid, so neither is this one
    plan = side.plan
    target = side.compiled.entries.get(code)
    used = False
    if target is not None and code in plan.ran:
        used = bool(side.kept(target, subject))
    ctx = context(
        side.view,
        side.day,
        setting,
        plan,
        ran=plan.ran,
        used_waivers=frozenset({(code, subject)}) if used else frozenset(),
    )
    return [rule.stamp(v) for v in rule.judge(ctx, waiver)]
