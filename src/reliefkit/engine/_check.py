"""``check`` and ``admit``: run packs over a dataset, or over a dataset plus new records."""

from __future__ import annotations

import traceback
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from reliefkit.engine._waivers import read_waivers, unused
from reliefkit.exceptions import ParameterError
from reliefkit.models import Dataset, DateRange, Record
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

_Selection = tuple[list[tuple[Rule, Context | None]], list[str]]


def _plan(
    dataset: Any,
    as_of: Any,
    packs: Sequence[str] | None,
    select: Iterable[str] | None,
    ignore: Iterable[str] | None,
    params: Mapping[str, Any] | None,
) -> _Selection:
    """The rules to run, each with its context (``None`` when not in force for the campaign)."""
    day = as_date(as_of)
    chosen = [get_pack(p) for p in (packs or DEFAULT_PACKS)]
    codes = [r.code for p in chosen for r in p]
    select, ignore = list(select or ()), list(ignore or ())
    check_selectors(select, codes)
    check_selectors(ignore, codes)
    known = {n for p in chosen for n in p.parameters}
    unknown = set(params or {}) - known
    if unknown:
        raise ParameterError(f"params={sorted(unknown)!r}: no such parameter in the packs run")
    campaign = dataset.campaign
    period = DateRange(campaign.starts_on, campaign.ends_on)
    plan: list[tuple[Rule, Context | None]] = []
    for pack in chosen:
        own = {k: v for k, v in (params or {}).items() if k in pack.parameters}
        in_force = pack.applies_to(campaign)
        ctx = Context(dataset, day, pack.resolve_params(campaign, own)) if in_force else None
        for rule in pack:
            if select and not matches(rule.code, select):
                continue
            if ignore and matches(rule.code, ignore):
                continue
            applies = not rule.removed and rule.in_force.overlaps(period)
            plan.append((rule, ctx if applies else None))
    return plan, codes


def _judge_all(rule: Rule, ctx: Context) -> tuple[list[Finding], bool]:
    keys = list(rule.keys(ctx))
    findings = [rule.stamp(v) for key in keys for v in rule.judge(ctx, key)]
    return findings, bool(keys)


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
    plan, _ = _plan(dataset, as_of, packs, select, ignore, params)
    day = as_date(as_of)
    outcomes: dict[str, Outcome] = {}
    errors: dict[str, str] = {}
    found: list[Finding] = []
    for rule, ctx in plan:
        if ctx is None:
            outcomes[rule.code] = Outcome.NOT_APPLICABLE
            continue
        try:
            findings, any_keys = _judge_all(rule, ctx)
        except Exception as exc:  # a broken rule must not hide the others' findings
            outcomes[rule.code] = Outcome.ERROR
            errors[rule.code] = "".join(traceback.format_exception_only(exc)).strip()
            continue
        found += findings
        if findings:
            outcomes[rule.code] = Outcome.FAIL
        elif not any_keys or (rule.due is not None and not rule.due(ctx)):
            outcomes[rule.code] = Outcome.NOT_APPLICABLE
        else:
            outcomes[rule.code] = Outcome.PASS
    known = {r.code for r in all_rules()}
    book = read_waivers(dataset, dataset.waivers, day, known)
    kept: list[Finding] = []
    waived: list[Waived] = []
    used: set[tuple[str, str]] = set()
    for finding in found:
        waiver = book.waiver_for(finding)
        if waiver is None:
            kept.append(finding)
        else:
            waived.append(Waived(finding, waiver))
            used.add((finding.code, finding.subjects[0]))
    ran = {rule.code for rule, ctx in plan if ctx is not None}
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
    the records would add.
    """
    records = (
        (record_or_records,)
        if hasattr(type(record_or_records), "table")
        else tuple(record_or_records)  # type: ignore[arg-type]
    )
    tables = {type(r).table for r in records}
    plan, _ = _plan(dataset, as_of, packs, None, None, params)
    view = dataset.overlay(*records)
    new: list[Finding] = []
    consulted: list[str] = []
    for rule, base_ctx in plan:
        if base_ctx is None or not (rule.reads & tables):
            continue
        consulted.append(rule.code)
        ctx = Context(view, base_ctx.as_of, base_ctx.params)  # type: ignore[arg-type]
        if rule.touched is None:
            before = {f.identity for f in _judge_all(rule, base_ctx)[0]}
            after = [rule.stamp(v) for k in rule.keys(ctx) for v in rule.judge(ctx, k)]
        else:
            keys = list(dict.fromkeys(k for r in records for k in rule.touched(ctx, r)))
            before = {
                rule.stamp(v).identity
                for k in keys
                if _exists(dataset, k)
                for v in rule.judge(base_ctx, k)
            }
            after = [rule.stamp(v) for k in keys for v in rule.judge(ctx, k)]
        new += [f for f in after if f.identity not in before]
    known = {r.code for r in all_rules()}
    book = read_waivers(
        view,
        (*dataset.waivers, *(r for r in records if type(r).table == "waivers")),  # type: ignore[arg-type]
        as_date(as_of),
        known,
    )
    kept, waived = [], []
    for finding in sorted(new, key=Finding.sort_key):
        waiver = book.waiver_for(finding)
        if waiver is None:
            kept.append(finding)
        else:
            waived.append(Waived(finding, waiver))
    return Decision(
        allowed=not any(f.severity is Severity.ERROR for f in kept),
        findings=tuple(kept),
        consulted=tuple(consulted),
        waived=tuple(waived),
    )


def _exists(dataset: Dataset, key: Any) -> bool:
    """Whether a judging key names something already in the dataset."""
    if isinstance(key, tuple):
        kind, record_id = key
        return kind == "campaign" or dataset.get(record_id) is not None
    return dataset.get(key) is not None
