"""The plan of a check: which rules run for a campaign, with which parameters and year.

Built once per (registry, packs, campaign, parameters) and memoised by the registry's
identity, keyed also by the identities of its rules, so a replaced rule is never served a
stale plan.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from reliefkit.exceptions import ParameterError
from reliefkit.models import Campaign, DateRange
from reliefkit.rules import IdentityMemo, Registry, Rule


@attrs.frozen(eq=False)
class Setting:
    """What the rules of one pack run with for a campaign: parameters and the year."""

    params: Mapping[str, Any]
    year: int


Planned = tuple[Rule, Setting | None]
"""A rule with its setting; ``None`` when it is not in force for the campaign."""


@attrs.frozen(eq=False)
class Plan:
    """The rules of the chosen packs (and the packs that always run) for one campaign."""

    rules: tuple[Planned, ...]
    by_code: Mapping[str, Planned]
    by_table: Mapping[str, tuple[Rule, ...]]
    packs: tuple[str, ...]
    known: frozenset[str]
    waiver_setting: Setting | None
    deferring: Mapping[str, tuple[str, ...]]
    """Per code, the codes of the rules in force that defer to it."""
    follows: Mapping[str, tuple[tuple[Any, tuple[str, ...]], ...]]
    """Per table, what a record of it changes: ``(changes, codes)`` for each scope whose
    rules (``codes``, those in force that read the table) follow that table."""
    ran: frozenset[str]
    """Codes of the rules in force judged before the others (not ``after_all``)."""


def _build(
    registry: Registry, packs: tuple[str, ...], campaign: Campaign, params: Mapping[str, Any]
) -> Plan:
    chosen = [registry.pack(p) for p in packs]
    chosen += [p for p in registry.always if p not in chosen]
    unknown = set(params) - {n for p in chosen for n in p.parameters}
    if unknown:
        raise ParameterError(f"params={sorted(unknown)!r}: no such parameter in the packs run")
    period = DateRange(campaign.starts_on, campaign.ends_on)
    planned: list[Planned] = []
    waiver_setting: Setting | None = None
    for pack in chosen:
        setting: Setting | None = None
        if pack.applies_to(campaign):
            own = {k: v for k, v in params.items() if k in pack.parameters}
            values = pack.resolve_params(campaign, own)
            day = values.get("poverty_day", "10-17")
            setting = Setting(values, pack.year_for(campaign, day))
            if pack.always:
                waiver_setting = setting
        for rule in pack:
            applies = not rule.removed and rule.in_force.overlaps(period)
            planned.append((rule, setting if applies else None))
    by_table: defaultdict[str, list[Rule]] = defaultdict(list)
    for rule, setting in planned:
        if setting is not None and not rule.after_all:
            for table in rule.reads:
                by_table[table].append(rule)
    return Plan(
        rules=tuple(planned),
        by_code={rule.code: (rule, setting) for rule, setting in planned},
        by_table={t: tuple(rs) for t, rs in by_table.items()},
        packs=tuple(p.name for p in chosen),
        known=registry.codes(),
        waiver_setting=waiver_setting,
        deferring={
            code: tuple(r.code for r, s in planned if s is not None and code in r.defers_to)
            for code in {c for r, s in planned if s is not None for c in r.defers_to}
        },
        ran=frozenset(r.code for r, s in planned if s is not None and not r.after_all),
        follows=_follows(by_table),
    )


def _follows(
    by_table: Mapping[str, list[Rule]],
) -> dict[str, tuple[tuple[Any, tuple[str, ...]], ...]]:
    out: dict[str, tuple[tuple[Any, tuple[str, ...]], ...]] = {}
    for table, rules in by_table.items():
        scopes: dict[int, tuple[Any, list[str]]] = {}
        for rule in rules:
            changes = rule.scope.changes.get(table)
            entry = scopes.setdefault(id(rule.scope), (changes, []))
            entry[1].append(rule.code)
        out[table] = tuple((changes, tuple(codes)) for changes, codes in scopes.values())
    return out


_PLANS: IdentityMemo[dict[Any, Plan]] = IdentityMemo()


def plan_for(
    registry: Registry,
    campaign: Campaign,
    packs: Sequence[str] | None,
    params: Mapping[str, Any] | None,
) -> Plan:
    """The plan for a campaign (memoised per registry, packs, campaign and parameters)."""
    # Most calls repeat the last one (admit after admit on one dataset): compare by identity
    # first (the same packs, each with the same dates and rules), and fall back to the full
    # key when anything differs.
    current = registry.packs()
    last = _LAST.get(id(registry))
    if (
        last is not None
        and last[0] is registry
        and last[1] is campaign
        and last[2] is packs
        and last[3] is params
        and len(last[4]) == 4 * len(current)
    ):
        marks = last[4]
        i = 0
        for pack in current:
            rules = pack.rules
            if pack is not marks[i] or pack.in_force is not marks[i + 1]:
                break
            if rules is not marks[i + 2] or rules.version != marks[i + 3]:
                break
            i += 4
        else:
            plan: Plan = last[5]
            return plan
    found = _plan_for(registry, campaign, packs, params)
    marks = tuple(x for p in current for x in (p, p.in_force, p.rules, p.rules.version))
    _LAST[id(registry)] = (registry, campaign, packs, params, marks, found)
    return found


_LAST: dict[int, tuple[Any, ...]] = {}


def _plan_for(
    registry: Registry,
    campaign: Campaign,
    packs: Sequence[str] | None,
    params: Mapping[str, Any] | None,
) -> Plan:
    # One pack name is that pack, as select="CP101" is that code.
    names = (
        (packs,) if isinstance(packs, str) else tuple(packs) if packs else registry.default_packs
    )
    overrides = dict(params or {})
    # Rules and packs replaced or redated later must not be hidden by the memo.
    rules = tuple((id(p), p.in_force, id(p.rules), p.rules.version) for p in registry.packs())
    try:
        key: Any = (names, campaign, tuple(sorted(overrides.items())), rules)
        hash(key)
    except TypeError:  # an unhashable override (a list): resolve without the memo
        return _build(registry, names, campaign, overrides)
    plans = _PLANS.get(registry, dict)
    found = plans.get(key)
    if found is None:
        if len(plans) > 64:
            plans.clear()
        found = plans[key] = _build(registry, names, campaign, overrides)
    return found
