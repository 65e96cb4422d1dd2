"""``check`` and ``admit``: run packs over a dataset, or over a dataset plus new records."""

from __future__ import annotations

import functools
import traceback
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from itertools import chain
from typing import Any

import attrs
import pendulum

from reliefkit.engine._waivers import read_waivers, unused
from reliefkit.exceptions import ParameterError
from reliefkit.models import (
    Campaign,
    Dataset,
    DateRange,
    Queries,
    Record,
    Waiver,
    mask_resident_ids,
)
from reliefkit.report import Decision, Outcome, Report, Waived
from reliefkit.rules import (
    DEFAULT_PACKS,
    Context,
    Finding,
    Rule,
    Severity,
    all_rules,
    as_date,
    check_selectors,
    get_pack,
    matches,
)

Identity = tuple[str, tuple[str, ...]]

# A rule with the parameters it runs with; ``None`` when it is not in force for the campaign.
Planned = tuple[Rule, Mapping[str, Any] | None]


@attrs.frozen
class _Plan:
    """The rules of the chosen packs for one campaign, resolved once and cached."""

    rules: tuple[Planned, ...]
    by_table: Mapping[str, tuple[Planned, ...]]


def _build_plan(
    packs: tuple[str, ...],
    campaign: Campaign,
    params: tuple[tuple[str, Any], ...],
    registry: tuple[int, ...] = (),
) -> _Plan:
    """Resolve the packs' rules and parameters (``registry`` only keys the cache)."""
    chosen = [get_pack(p) for p in packs]
    unknown = {name for name, _ in params} - {n for p in chosen for n in p.parameters}
    if unknown:
        raise ParameterError(f"params={sorted(unknown)!r}: no such parameter in the packs run")
    period = DateRange(campaign.starts_on, campaign.ends_on)
    planned: list[Planned] = []
    for pack in chosen:
        values: Mapping[str, Any] | None = None
        if pack.applies_to(campaign):
            own = {k: v for k, v in params if k in pack.parameters}
            values = pack.resolve_params(campaign, own)
        for rule in pack:
            applies = not rule.removed and rule.in_force.overlaps(period)
            planned.append((rule, values if applies else None))
    by_table: defaultdict[str, list[Planned]] = defaultdict(list)
    for rule, values in planned:
        if values is not None:
            for table in rule.reads:
                by_table[table].append((rule, values))
    return _Plan(tuple(planned), {t: tuple(rs) for t, rs in by_table.items()})


_cached_plan = functools.lru_cache(maxsize=64)(_build_plan)


def _plan(
    campaign: Campaign, packs: Sequence[str] | None, params: Mapping[str, Any] | None
) -> _Plan:
    names = tuple(packs) if packs else DEFAULT_PACKS
    items = tuple(sorted(params.items())) if params else ()
    # Rules registered or replaced later must not be hidden by the cache.
    registry = tuple(map(id, chain.from_iterable(get_pack(n).rules.values() for n in names)))
    try:
        return _cached_plan(names, campaign, items, registry)
    except TypeError:  # an unhashable override (a list): resolve without the cache
        return _build_plan(names, campaign, items)


@functools.cache
def _known_codes() -> frozenset[str]:
    return frozenset(r.code for r in all_rules())


def _judge_all(rule: Rule, ctx: Context) -> tuple[list[Finding], bool]:
    keys = list(rule.keys(ctx))
    findings = [rule.stamp(v) for key in keys for v in rule.judge(ctx, key)]
    return findings, bool(keys)


def _apply_waivers(
    findings: Iterable[Finding], ds: Queries, waivers: Iterable[Waiver], day: pendulum.Date
) -> tuple[list[Finding], list[Waived], Any]:
    book = read_waivers(ds, waivers, day, set(_known_codes()))
    kept: list[Finding] = []
    waived: list[Waived] = []
    for finding in findings:
        waiver = book.waiver_for(finding)
        if waiver is None:
            kept.append(finding)
        else:
            waived.append(Waived(finding, waiver))
    return kept, waived, book


def check(
    dataset: Dataset,
    *,
    as_of: Any,
    packs: Sequence[str] | None = None,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] | None = None,
    params: Mapping[str, Any] | None = None,
) -> Report:
    """Check every rule of ``packs`` (default: the county plan) against ``dataset``.

    ``as_of`` decides which deadlines have passed and which waivers are valid; which law
    applies is decided by the campaign's dates. ``select``/``ignore`` take codes or prefixes
    (``CP1``, ``CP101``). ``params`` overrides parameters by name.
    """
    day = as_date(as_of)
    plan = _plan(dataset.campaign, packs, params)
    select, ignore = list(select or ()), list(ignore or ())
    codes = [rule.code for rule, _ in plan.rules]
    check_selectors(select, codes)
    check_selectors(ignore, codes)
    outcomes: dict[str, Outcome] = {}
    errors: dict[str, str] = {}
    found: list[Finding] = []
    ran: set[str] = set()
    for rule, values in plan.rules:
        if (select and not matches(rule.code, select)) or (ignore and matches(rule.code, ignore)):
            continue
        if values is None:
            outcomes[rule.code] = Outcome.NOT_APPLICABLE
            continue
        ran.add(rule.code)
        ctx = Context(dataset, day, values)
        try:
            findings, any_keys = _judge_all(rule, ctx)
            due = rule.due is None or rule.due(ctx)
        except Exception as exc:  # a broken rule must not hide the others' findings
            outcomes[rule.code] = Outcome.ERROR
            errors[rule.code] = mask_resident_ids(
                "".join(traceback.format_exception_only(exc)).strip()
            )
            continue
        found += findings
        if findings:
            outcomes[rule.code] = Outcome.FAIL
        elif not any_keys or not due:
            outcomes[rule.code] = Outcome.NOT_APPLICABLE
        else:
            outcomes[rule.code] = Outcome.PASS
    kept, waived, book = _apply_waivers(found, dataset, dataset.waivers, day)
    used = {(w.finding.code, w.finding.subjects[0]) for w in waived}
    kept += book.problems
    kept += unused(book, used, ran)
    return Report(
        as_of=day,
        campaign_id=dataset.campaign.id,
        findings=tuple(sorted(kept, key=Finding.sort_key)),
        waived=tuple(sorted(waived, key=lambda w: w.finding.sort_key())),
        outcomes=outcomes,
        rule_errors=errors,
        packs=tuple(packs or DEFAULT_PACKS),
    )


def admit(
    dataset: Dataset,
    record_or_records: Record | Iterable[Record],
    *,
    as_of: Any,
    params: Mapping[str, Any] | None = None,
    packs: Sequence[str] | None = None,
) -> Decision:
    """Would recording these record(s) break a rule? Errors refuse; warnings allow.

    Only the rules that read the records' types are consulted, and each judges only the
    keys (fund, township, target, …) the records touch, before and after, on a layered view
    of the dataset: nothing is copied. The findings are those ``check`` of the dataset with
    the records would add. A record's own date counts: a ceremony dated after the deadline
    is refused whatever ``as_of``.
    """
    records: tuple[Record, ...] = (
        (record_or_records,)  # type: ignore[assignment]
        if hasattr(type(record_or_records), "table")
        else tuple(record_or_records)  # type: ignore[arg-type]
    )
    day = as_date(as_of)
    plan = _plan(dataset.campaign, packs, params)
    view = dataset.overlay(*records)
    if len(records) == 1:  # the common case: the plan already lists its rules, once each
        consulted: Iterable[Planned] = plan.by_table.get(type(records[0]).table, ())
    else:
        unique: dict[str, Planned] = {}
        for record in records:
            for rule, values in plan.by_table.get(type(record).table, ()):
                unique.setdefault(rule.code, (rule, values))
        consulted = unique.values()
    contexts: dict[int, tuple[Context, Context]] = {}  # one pair per pack's parameters
    codes: list[str] = []
    new: list[Finding] = []
    for rule, values in consulted:
        assert values is not None
        codes.append(rule.code)
        pair = contexts.get(id(values))
        if pair is None:
            pair = contexts[id(values)] = (
                Context(dataset, day, values),
                Context(view, day, values),  # type: ignore[arg-type]
            )
        base_ctx, ctx = pair
        if rule.touched is None:  # no declared keys: judge everything, both sides
            after = _judge_all(rule, ctx)[0]
            if after:
                seen = {f.identity for f in _judge_all(rule, base_ctx)[0]}
                new += [f for f in after if f.identity not in seen]
            continue
        keys = tuple(
            rule.touched(ctx, records[0])
            if len(records) == 1
            else dict.fromkeys(k for r in records for k in rule.touched(ctx, r))
        )
        after = [rule.stamp(v) for k in keys for v in rule.judge(ctx, k)]
        if after:  # only then can something be new: judge the base on the same keys
            before: set[Identity] = set()
            for k in keys:
                before |= _judged_before(rule, base_ctx, k)
            new += [f for f in after if f.identity not in before]
    waivers = (*dataset.waivers, *(r for r in records if isinstance(r, Waiver)))
    kept, waived, _ = (
        _apply_waivers(sorted(new, key=Finding.sort_key), view, waivers, day)
        if new
        else ([], [], None)
    )
    return Decision(
        allowed=not any(f.severity is Severity.ERROR for f in kept),
        findings=tuple(kept),
        consulted=tuple(sorted(codes)),
        waived=tuple(waived),
    )


def _judged_before(rule: Rule, ctx: Context, key: Any) -> frozenset[Identity]:
    """The identities a rule finds on one key of the (frozen) base dataset, memoised there.

    A system admits many records against one dataset; most touch the same few keys (a fund,
    a township), so the "before" side is judged once per key, rule, parameters and day.
    """
    dataset = ctx.dataset
    memo: dict[Any, tuple[Rule, Mapping[str, Any], frozenset[Identity]]]
    memo = dataset.cache.setdefault("admit_before", {})
    slot = (rule.code, key, ctx.as_of)
    hit = memo.get(slot)
    if hit is not None and hit[0] is rule and hit[1] is ctx.params:
        return hit[2]
    found = frozenset(
        rule.stamp(v).identity for v in rule.judge(ctx, key)
    ) if _exists(dataset, key) else frozenset()  # fmt: skip
    memo[slot] = (rule, ctx.params, found)
    return found


def _exists(dataset: Dataset, key: Any) -> bool:
    """Whether a judging key names something already in the dataset."""
    if isinstance(key, tuple):
        kind, record_id = key
        return kind == "campaign" or dataset.get(record_id) is not None
    return dataset.get(key) is not None
