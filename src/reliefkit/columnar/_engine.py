"""``check`` on the columnar engine: each rule's statement finds the subjects it flags, over
every campaign of the source at once; the rule's judge then words those findings from the
few records they need (see :mod:`reliefkit.columnar._view`), and the deferrals, waivers
and outcomes are applied exactly as the object engine applies them."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, cast

import attrs

from reliefkit.columnar._backend import Backend
from reliefkit.columnar._source import Source, open_source
from reliefkit.columnar._view import KEYED_TABLES, Cache, Fetcher, LazyView
from reliefkit.engine._check import chosen, context, run_plan, selectors
from reliefkit.engine._plan import Plan, Setting, plan_for
from reliefkit.exceptions import ReliefkitError
from reliefkit.io._gc import no_cycle_collection
from reliefkit.models import Money
from reliefkit.report import Report
from reliefkit.rules import (
    Context,
    Finding,
    Pack,
    Registry,
    Rule,
    as_date,
    check_selectors,
    default_registry,
)
from reliefkit.rules._scope import record_class

MAX_PASSES = 64
"""Passes after which a judge still asking for records is a bug, not a slow finding."""


class NoStatementError(ReliefkitError, LookupError):
    """A rule of the packs run has no statement for the columnar engine."""


@attrs.frozen
class Flags:
    """What a rule's statement found: per campaign, the subjects flagged (by key) and
    whether any subject was in reach."""

    flagged: Mapping[str, tuple[str, ...]]
    in_reach: frozenset[str]


def _scalar(value: Any) -> Any:
    if isinstance(value, Money):
        return value.yuan
    if isinstance(value, datetime.date):
        return datetime.date(value.year, value.month, value.day)
    return value


def _param_tables(
    source: Source, plans: Mapping[str, Plan], day: Any, packs: Mapping[str, Pack]
) -> None:
    """``params__<pack>`` and ``param_items__<pack>`` for every pack run (see
    :meth:`~reliefkit.rules.Pack.sql`)."""
    import pyarrow as pa

    rows: defaultdict[str, list[dict[str, Any]]] = defaultdict(list)
    items: defaultdict[str, list[tuple[str, str, int, int, str]]] = defaultdict(list)
    eras: defaultdict[str, list[tuple[Any, ...]]] = defaultdict(list)
    maps: defaultdict[str, list[tuple[str, str, str, str]]] = defaultdict(list)
    for cid, plan in plans.items():
        campaign = source.campaigns[cid]
        settings: dict[str, Setting] = {}
        for rule, setting in plan.rules:
            if setting is not None:
                settings.setdefault(rule.pack, setting)
        for pack_name, setting in settings.items():
            row: dict[str, Any] = {
                "campaign_id": cid,
                "as_of": _scalar(day),
                "year": setting.year or campaign.year,
                "starts_on": _scalar(campaign.starts_on),
                "ends_on": _scalar(campaign.ends_on),
            }
            for name, value in setting.params.items():
                if isinstance(value, Mapping):
                    for key, item in sorted(value.items(), key=lambda kv: str(kv[0])):
                        maps[pack_name].append((cid, name, _text(key), _text(item)))
                elif isinstance(value, (tuple, list, set, frozenset)):
                    ordered = value if isinstance(value, (tuple, list)) else sorted(value, key=str)
                    for pos, item in enumerate(ordered):
                        # A tuple item (a band) is a row of parts.
                        parts = item if isinstance(item, tuple) else (item,)
                        for part, element in enumerate(parts):
                            items[pack_name].append((cid, name, pos, part, _text(element)))
                else:
                    row[name] = _scalar(value)
            pack = packs.get(pack_name)
            if pack is not None:
                eras[pack_name] += _eras(pack, campaign, setting)
            for derive in pack.sql_params if pack is not None else ():
                ctx = Context(
                    LazyView(Cache(campaign)), day, setting.params, setting.year, plan.known
                )
                row.update({k: _scalar(v) for k, v in derive(ctx).items()})
            rows[pack_name].append(row)
    for pack_name in packs:
        table = pa.Table.from_pylist(rows.get(pack_name) or [{"campaign_id": None}])
        backend = source.backend
        backend.register("_params", table)
        backend.materialise(f"params__{_ident(pack_name)}", "SELECT * FROM _params")
        ident = _ident(pack_name)
        _hold(backend, f"param_items__{ident}", _ITEMS, items.get(pack_name, []))
        _hold(backend, f"param_map__{ident}", _MAP, maps.get(pack_name, []))
        _hold(backend, f"param_eras__{ident}", _ERAS, eras.get(pack_name, []))


_ITEMS = (("campaign_id", "s"), ("name", "s"), ("pos", "i"), ("part", "i"), ("item", "s"))
_MAP = (("campaign_id", "s"), ("name", "s"), ("key", "s"), ("value", "s"))
_ERAS = (
    ("campaign_id", "s"),
    ("name", "s"),
    ("since", "d"),
    ("until", "d"),
    ("key", "s"),
    ("value", "s"),
)


def _hold(
    backend: Backend, name: str, columns: Sequence[tuple[str, str]], rows: Sequence[Sequence[Any]]
) -> None:
    """``name`` holds ``rows`` with ``columns`` (name, ``s`` text, ``i`` whole number or
    ``d`` date), typed even when there is no row."""
    import pyarrow as pa

    kinds = {"s": pa.string(), "i": pa.int64(), "d": pa.date32()}
    table = pa.table(
        {c: pa.array([r[i] for r in rows], kinds[k]) for i, (c, k) in enumerate(columns)}
    )
    backend.register(f"_{name}", table)
    backend.materialise(name, f"SELECT * FROM _{name}")


def _ident(name: str) -> str:
    """A pack's name as part of an identifier (``county_plan``)."""
    return "".join(c if c.isalnum() else "_" for c in name)


def _known_codes(source: Source, plans: Mapping[str, Plan]) -> None:
    """``known_codes`` (``code``): every code the registry knows (what a waiver may name)."""
    known = sorted({code for plan in plans.values() for code in plan.known})
    _hold(source.backend, "known_codes", (("code", "s"),), [(code,) for code in known])


def _rule_eras(source: Source, packs: Iterable[Pack]) -> None:
    """``rule_eras``: each rule's era (``code, since, until``), which a statement of a rule
    judging dated acts reads to keep the acts of its era."""
    rules = [r for pack in packs for r in pack.rules.values()]
    eras = [(r.code, _scalar(r.in_force.starts_on), _scalar(r.in_force.ends_on)) for r in rules]
    _hold(source.backend, "rule_eras", (("code", "s"), ("since", "d"), ("until", "d")), eras)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Money):
        return str(value.yuan)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _eras(pack: Pack, campaign: Any, setting: Setting) -> list[tuple[Any, ...]]:
    """``param_eras`` rows of one campaign: each era of each parameter (what
    :meth:`~reliefkit.rules.Pack.param_on` reads), or one open era for an override; a list
    parameter has a row per item."""
    out: list[tuple[Any, ...]] = []
    first = pack.first_day(campaign)
    for name, parameter in pack.parameters.items():
        current = setting.params.get(name)
        if current != parameter.value_from(first):
            spans = [(None, None, current)]
        else:
            spans = [
                (_scalar(e.in_force.starts_on), _scalar(e.in_force.ends_on), e.value)
                for e in parameter.values
            ]
        for since, until, value in spans:
            if isinstance(value, Mapping):
                for key, item in sorted(value.items(), key=lambda kv: str(kv[0])):
                    out.append((campaign.id, name, since, until, _text(key), _text(item)))
            elif isinstance(value, (tuple, list, set, frozenset)):
                for item in sorted(value, key=str):
                    out.append((campaign.id, name, since, until, None, _text(item)))
            else:
                out.append((campaign.id, name, since, until, None, _text(value)))
    return out


def _use_pack(source: Source, pack: str, views: Mapping[str, str]) -> None:
    """Point ``params`` and ``param_items`` at a pack's, and (re)create its views."""
    backend, ident = source.backend, _ident(pack)
    backend.view("params", f"SELECT * FROM params__{ident}")
    backend.view("param_items", f"SELECT * FROM param_items__{ident}")
    backend.view("param_eras", f"SELECT * FROM param_eras__{ident}")
    backend.view("param_map", f"SELECT * FROM param_map__{ident}")
    for name, statement in views.items():
        backend.shared(name, statement)


def statement_of(rule: Rule) -> str:
    """A rule's statement, or a :class:`NoStatementError` (never a fall back to objects)."""
    if rule.sql is None:
        raise NoStatementError(
            f"code={rule.code!r}: the rule has no SQL statement, so the columnar engine "
            "cannot run it (use engine='objects', or ignore the rule)"
        )
    return rule.sql


def run_statements(source: Source, rules: Sequence[Rule]) -> dict[str, Flags]:
    """What each rule's statement flags, and the campaigns where it judged any subject:
    the rules of one pack in one query (one job on Spark)."""
    parts = [
        f"SELECT '{rule.code}' AS code, campaign_id, subject_id, flagged "
        f"FROM ({statement_of(rule)}) s{n}"
        for n, rule in enumerate(rules)
    ]
    # One pass over each statement: its flagged subjects, and a row with no subject for a
    # campaign where it judged some that it does not flag.
    sql = (
        "SELECT DISTINCT code, campaign_id, CASE WHEN flagged THEN subject_id END AS subject_id "
        f"FROM ({' UNION ALL '.join(parts)}) r"
    )
    flagged: defaultdict[str, defaultdict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    reach: defaultdict[str, set[str]] = defaultdict(set)
    for code, cid, subject in sorted(source.backend.rows(sql)[1], key=_row_order):
        reach[code].add(cid)
        if subject is not None:
            flagged[code][cid].append(subject)
    return {
        rule.code: Flags(
            {c: tuple(dict.fromkeys(s)) for c, s in flagged[rule.code].items()},
            frozenset(reach[rule.code]),
        )
        for rule in rules
    }


def _row_order(row: tuple[Any, ...]) -> tuple[str, str, str]:
    return (row[0], row[1], row[2] or "")


def check_source(
    source: Any,
    *,
    as_of: Any,
    packs: Sequence[str] | None = None,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] | None = None,
    params: Mapping[str, Any] | None = None,
    registry: Registry | None = None,
    engine: str = "duckdb",
    threads: int | None = 2,
    memory_limit: str | None = None,
    session: Any = None,
) -> dict[str, Report]:
    """Check every campaign of ``source`` on the columnar engine (``duckdb``, or ``spark``
    with a ``session`` or a local one); a :class:`Report` per campaign id, in the source's
    order."""
    day = as_date(as_of)
    registry = registry or default_registry()
    opened = (
        source
        if isinstance(source, Source)
        else open_source(
            source, engine=engine, threads=threads, memory_limit=memory_limit, session=session
        )
    )
    try:
        return _check(opened, day, packs, select, ignore, params, registry)
    finally:
        if opened is not source:
            opened.close()


def _check(
    source: Source,
    day: Any,
    packs: Sequence[str] | None,
    select_: Iterable[str] | None,
    ignore_: Iterable[str] | None,
    params: Mapping[str, Any] | None,
    registry: Registry,
) -> dict[str, Report]:
    plans = {
        cid: plan_for(registry, campaign, packs, params)
        for cid, campaign in source.campaigns.items()
    }
    select, ignore = selectors(select_), selectors(ignore_)
    rules: dict[str, Rule] = {}
    for plan in plans.values():
        codes = [rule.code for rule, _ in plan.rules]
        check_selectors(select, codes, option="select")
        check_selectors(ignore, codes, option="ignore")
        for rule, setting in plan.rules:
            if chosen(rule.code, select, ignore) and setting is not None and not rule.after_all:
                rules.setdefault(rule.code, rule)
    pack_objects = {
        rule.pack: registry.pack(rule.pack) for plan in plans.values() for rule, _ in plan.rules
    }
    _param_tables(source, plans, day, pack_objects)
    _rule_eras(source, pack_objects.values())
    _known_codes(source, plans)
    flags: dict[str, Flags] = {}
    by_pack: defaultdict[str, list[Rule]] = defaultdict(list)
    for _, rule in sorted(rules.items()):
        statement_of(rule)  # every rule has one, before any runs
        by_pack[rule.pack].append(rule)
    for pack_name, pack_rules in by_pack.items():
        _use_pack(source, pack_name, pack_objects[pack_name].views)
        flags.update(run_statements(source, pack_rules))
    with no_cycle_collection():
        reports = _judged(source, plans, day, flags, select, ignore, rules.values())
    return {cid: reports[cid] for cid in source.campaigns}


def _judged(
    source: Source,
    plans: Mapping[str, Plan],
    day: Any,
    flags: Mapping[str, Flags],
    select: list[str],
    ignore: list[str],
    rules: Iterable[Rule],
) -> dict[str, Report]:
    """Each campaign's report: its judges' passes, with the records they missed fetched
    between passes for every campaign at once."""
    caches = {cid: Cache(c) for cid, c in source.campaigns.items()}
    reports: dict[str, Report] = {}
    # A source whose load checks passed row by row: its rows are made records without
    # running the validators again.
    fetcher = Fetcher(source.backend, source.records, vouched=source.vouched)
    _subjects_wanted(caches, rules, flags)
    fetcher.fill(caches)
    progress = {cid: Progress() for cid in caches}
    pending = list(caches)
    for _ in range(MAX_PASSES):
        still: list[str] = []
        for cid in pending:
            report = _attempt(caches[cid], plans[cid], day, flags, select, ignore, progress[cid])
            if report is None:
                still.append(cid)
            else:
                reports[cid] = report
                caches[cid] = Cache(source.campaigns[cid])  # done: let go of its records
                del progress[cid]
        if not still:
            break
        fetcher.fill({cid: caches[cid] for cid in still})
        pending = still
    else:  # pragma: no cover - a judge that never stops asking
        raise RuntimeError(f"campaigns {pending[:5]}: judges kept asking for records")
    return reports


def _subjects_wanted(
    caches: Mapping[str, Cache], rules: Iterable[Rule], flags: Mapping[str, Flags]
) -> None:
    """Ask, before the first pass, for what each judge's scope reads first: the subject of
    every key its statement flags (a record, by its table when the scope's subjects are
    records of one table)."""
    for rule in rules:
        cls = record_class(rule.scope.fetch)
        table = getattr(cls, "table", None) if cls is not None else None
        tables = frozenset({table}) if table in KEYED_TABLES else None
        for cid, keys in flags[rule.code].flagged.items():
            cache = caches.get(cid)
            if cache is None:
                continue
            if tables is None:
                view = LazyView(cache)
                for key in keys:
                    try:
                        rule.scope.fetch(view, key)  # noting what it misses
                    except Exception:  # the pass judging the rule says what
                        continue
                continue
            for key in keys:
                if key not in cache.by_id:
                    cache.want_ids.setdefault(key, tables)


Judged = tuple[list[Finding], bool, bool]
"""What a rule found in a campaign: its findings, whether any subject was in its reach,
and whether its obligations are due."""


class Progress:
    """What the passes over one campaign have settled so far."""

    def __init__(self) -> None:
        self.passes = 0
        self.kept: dict[str, Judged] = {}
        """Per code, what the rule found where it read no guess: final."""


def _judge(
    rule: Rule, ctx: Context, flags: Mapping[str, Flags], cid: str
) -> tuple[list[Finding], bool]:
    """Only the subjects the rule's statement flags; in reach where it judged any."""
    view = ctx.view
    flag = flags[rule.code]
    found: list[Finding] = []
    for key in flag.flagged.get(cid, ()):
        subject = rule.scope.fetch(view, key)
        if subject is not None and rule.in_reach(ctx, subject):
            found += (rule.stamp(v) for v in rule.judge(ctx, subject))
    return found, cid in flag.in_reach


def _attempt(
    cache: Cache,
    plan: Plan,
    day: Any,
    flags: Mapping[str, Flags],
    select: list[str],
    ignore: list[str],
    progress: Progress | None = None,
) -> Report | None:
    """One pass over a campaign: its report, or ``None`` when a record was missed (the
    pass's report is then thrown away, errors included).

    ``progress`` keeps, from pass to pass, what each rule found where it read no guess: a
    rule judges on a view (and in contexts) that has missed nothing so far, and a miss
    gives the rules after it a fresh view and fresh contexts, so that no memo worked out
    from a guess reaches them; a rule (with its due date) judged without a miss has found
    what it finds, and is not judged again. The first pass runs the whole plan (so that
    what the waivers and the rules judged after all the others read is asked for too);
    a later one judges the rules still unsettled, and makes the report only once they
    all are."""
    progress = progress or Progress()
    progress.passes += 1
    kept = progress.kept
    cid = cache.campaign.id
    if progress.passes > 1 and not _settled(cache, plan, day, flags, select, ignore, kept):
        return None
    first = LazyView(cache)
    views = [first]  # every view of the pass: its report stands if none of them missed
    contexts: dict[int, Context] = {}  # run_plan's context (by id) -> the one judging
    judged: dict[str, tuple[Context, list[Finding], bool]] = {}

    def context_of(ctx: Context) -> Context:
        view = views[-1]
        if view.dirty:  # what was worked out since the miss may hold guesses: start afresh
            view = LazyView(cache)
            views.append(view)
            contexts.clear()
        elif view is first:
            return ctx
        mine = contexts.get(id(ctx))
        if mine is None:
            mine = contexts[id(ctx)] = attrs.evolve(ctx, view=view)
        return mine

    def judging(rule: Rule, ctx: Context) -> tuple[list[Finding], bool]:
        known = kept.get(rule.code)
        if known is not None:
            return list(known[0]), known[1]
        mine = context_of(ctx)
        found, in_reach = _judge(rule, mine, flags, cid)
        judged[rule.code] = (mine, found, in_reach)
        return list(found), in_reach

    def due_of(rule: Rule, ctx: Context) -> bool:
        known = kept.get(rule.code)
        if known is not None:
            return known[2]
        mine, found, in_reach = judged.pop(rule.code)
        due = rule.due is None or rule.due(mine)
        if not cast(LazyView, mine.view).dirty:
            kept[rule.code] = (found, in_reach, due)
        return due

    report = run_plan(first, day, plan, select, ignore, judging, shown_with={}, due_of=due_of)
    return None if any(view.dirty for view in views) else report


def _settled(
    cache: Cache,
    plan: Plan,
    day: Any,
    flags: Mapping[str, Flags],
    select: list[str],
    ignore: list[str],
    kept: dict[str, Judged],
) -> bool:
    """Judge the rules of the plan not yet settled, as :func:`run_plan` would (in its order,
    in a context per pack, a fresh view after a miss); whether they all are now."""
    cid = cache.campaign.id
    view: LazyView | None = None
    contexts: dict[int, Context] = {}
    settled = True
    for rule, setting in plan.rules:
        if rule.code in kept or setting is None or rule.after_all:
            continue
        if not chosen(rule.code, select, ignore):
            continue
        if view is None or view.dirty:
            view = LazyView(cache)
            contexts = {}
        ctx = contexts.get(id(setting))
        if ctx is None:
            ctx = contexts[id(setting)] = context(view, day, setting, plan)
        try:
            found, in_reach = _judge(rule, ctx, flags, cid)
            due = rule.due is None or rule.due(ctx)
        except Exception:  # run_plan says what (when nothing else is missed)
            settled = settled and not view.dirty
            continue
        if view.dirty:
            settled = False
        else:
            kept[rule.code] = (found, in_reach, due)
    return settled
