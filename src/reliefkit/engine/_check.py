"""``check``: run the packs' rules over every subject of a dataset.

Each rule's scope enumerates its subjects; the engine then applies the declared deferrals
(a rule stays silent where a rule it defers to reports, unwaived, on the same subject), the
waivers, and finally the rules judged after all the others (unused waivers).
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, cast, overload

import pendulum

from reliefkit.engine._plan import Plan, Setting, plan_for
from reliefkit.engine._waivers import Book, book_of
from reliefkit.models import Campaigns, Dataset, Queries
from reliefkit.report import CampaignsReport, Outcome, Report, Waived
from reliefkit.rules import (
    Context,
    Finding,
    Registry,
    Rule,
    as_date,
    check_selectors,
    default_registry,
    matches,
)


def rule_error(exc: BaseException) -> str:
    """How a rule that raised is reported (made safe when shown, like every output)."""
    return "".join(traceback.format_exception_only(exc)).strip()


def context(view: Queries, day: Any, setting: Setting, plan: Plan, **extra: Any) -> Context:
    """The context a rule of one pack judges in."""
    return Context(view, day, setting.params, setting.year, plan.known, **extra)


def judge_all(rule: Rule, ctx: Context) -> tuple[list[Finding], bool]:
    """Every finding of a rule over its scope's subjects in reach, and whether any was."""
    found: list[Finding] = []
    judged = False
    for subject in rule.scope.subjects(ctx.view):
        if rule.in_reach(ctx, subject):
            judged = True
            found += (rule.stamp(v) for v in rule.judge(ctx, subject))
    return found, judged


def defer(
    rule: Rule, found: list[Finding], reported: Mapping[str, set[str]]
) -> tuple[list[Finding], bool]:
    """Drop the findings on subjects where a rule this one defers to reports (unwaived)."""
    if not rule.defers_to or not found:
        return found, False
    taken = set().union(*(reported.get(code, set()) for code in rule.defers_to))
    kept = [f for f in found if f.subject not in taken]
    return kept, len(kept) < len(found)


def apply_waivers(findings: Iterable[Finding], book: Book) -> tuple[list[Finding], list[Waived]]:
    """Split findings into those kept and those a valid waiver exempts."""
    kept: list[Finding] = []
    waived: list[Waived] = []
    for finding in findings:
        waiver = book.get((finding.code, finding.subject))
        if waiver is None:
            kept.append(finding)
        else:
            waived.append(Waived(finding, waiver))
    return kept, waived


def require_dataset(dataset: object) -> None:
    """A clear ``TypeError`` for what is not a dataset (a list of records, a dict)."""
    if not isinstance(dataset, Dataset):
        raise TypeError(
            f"dataset={type(dataset).__name__}: expected a reliefkit Dataset "
            "(build one with Dataset.from_records(records) or reliefkit.load(path))"
        )


@overload
def check(
    dataset: Dataset,
    *,
    as_of: Any,
    packs: Sequence[str] | None = None,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] | None = None,
    params: Mapping[str, Any] | None = None,
    registry: Registry | None = None,
) -> Report: ...


@overload
def check(
    dataset: Campaigns,
    *,
    as_of: Any,
    packs: Sequence[str] | None = None,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] | None = None,
    params: Mapping[str, Any] | None = None,
    registry: Registry | None = None,
) -> CampaignsReport: ...


def check(
    dataset: Dataset | Campaigns,
    *,
    as_of: Any,
    packs: Sequence[str] | None = None,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] | None = None,
    params: Mapping[str, Any] | None = None,
    registry: Registry | None = None,
) -> Report | CampaignsReport:
    """Check every rule of ``packs`` (default: the registry's default packs, the county
    plan) and of the packs that always run (waivers) against ``dataset``.

    ``as_of`` decides which deadlines have passed and which waivers are valid; which law
    applies is decided by the campaign's dates. ``select``/``ignore`` take codes or prefixes
    (``CP1``, ``CP101``, ``RK``). ``params`` overrides parameters by name.

    Given :class:`~reliefkit.Campaigns` (``load_campaigns``), checks each campaign with the
    same options and ``as_of``, one at a time, and returns a ``CampaignsReport``.
    """
    if isinstance(dataset, Campaigns):
        day = as_date(as_of)
        chosen = registry or default_registry()
        selected, ignored = selectors(select), selectors(ignore)
        reports = (
            (
                key,
                check(
                    one,
                    as_of=day,
                    packs=packs,
                    select=selected,
                    ignore=ignored,
                    params=params,
                    registry=chosen,
                ),
            )
            for key, one in dataset.items()
        )
        return CampaignsReport.collect(reports, as_of=day, keep_datasets=not dataset.is_lazy)
    require_dataset(dataset)
    day = as_date(as_of)
    plan = plan_for(registry or default_registry(), dataset.campaign, packs, params)
    select, ignore = selectors(select), selectors(ignore)
    codes = [rule.code for rule, _ in plan.rules]
    check_selectors(select, codes, option="select")
    check_selectors(ignore, codes, option="ignore")
    # Renderings that need the records (frames' township column, the HTML page's balances
    # and coverage, charts) read them from the report's context unless given a dataset.
    return run_plan(dataset, day, plan, select, ignore, shown_with={"dataset": dataset})


Judging = Callable[[Rule, Context], tuple[list[Finding], bool]]
"""How an engine judges one rule in a context: its findings, and whether any subject was in
its reach."""


def run_plan(
    view: Queries,
    day: pendulum.Date,
    plan: Plan,
    select: Sequence[str],
    ignore: Sequence[str],
    judging: Judging = judge_all,
    *,
    shown_with: Mapping[str, Any],
    due_of: Callable[[Rule, Context], bool] | None = None,
) -> Report:
    """The report of a plan's rules on a view: each rule judged (by ``judging``), then the
    deferrals, the waivers, the rules judged after all the others, and the outcomes. Both
    engines end here: the object engine judges every subject, the columnar engine only the
    subjects its statements flag (and says, with ``due_of``, whether a judged rule's
    obligations are due, in the context it judged in)."""
    outcomes: dict[str, Outcome] = {}
    errors: dict[str, str] = {}
    raw: dict[str, list[Finding]] = {}
    judged: dict[str, bool] = {}
    last: list[tuple[Rule, Setting]] = []
    # One context per pack: the rules of a pack share what they work out alike.
    contexts: dict[int, Context] = {}
    for rule, setting in plan.rules:
        if not chosen(rule.code, select, ignore):
            continue
        if setting is None:
            outcomes[rule.code] = Outcome.NOT_APPLICABLE
            continue
        if rule.after_all:
            last.append((rule, setting))
            continue
        ctx = contexts.get(id(setting)) or contexts.setdefault(
            id(setting), context(view, day, setting, plan)
        )
        try:
            found, any_subject = judging(rule, ctx)
            due = (rule.due is None or rule.due(ctx)) if due_of is None else due_of(rule, ctx)
        except Exception as exc:  # a broken rule must not hide the others' findings
            outcomes[rule.code] = Outcome.ERROR
            errors[rule.code] = rule_error(exc)
            continue
        raw[rule.code] = found
        judged[rule.code] = any_subject and due
    book = book_of(cast(Dataset, view), day, plan)
    reported = {
        code: {f.subject for f in found if (code, f.subject) not in book}
        for code, found in raw.items()
    }
    found_all: list[Finding] = []
    for code, found in raw.items():
        kept, silenced = defer(plan.by_code[code][0], found, reported)
        found_all += kept
        if kept:
            outcomes[code] = Outcome.FAIL
        elif silenced or not judged[code]:
            outcomes[code] = Outcome.NOT_APPLICABLE
        else:
            outcomes[code] = Outcome.PASS
    kept, waived = apply_waivers(found_all, book)
    used = frozenset((w.finding.code, w.finding.subject) for w in waived)
    for rule, setting in last:
        # Judged over what the others found (unused waivers), on every subject.
        ctx = context(view, day, setting, plan, ran=frozenset(raw), used_waivers=used)
        try:
            found, any_subject = judge_all(rule, ctx)
        except Exception as exc:
            outcomes[rule.code] = Outcome.ERROR
            errors[rule.code] = rule_error(exc)
            continue
        kept += found
        outcomes[rule.code] = (
            Outcome.FAIL if found else Outcome.PASS if any_subject else Outcome.NOT_APPLICABLE
        )
    return Report(
        as_of=day,
        campaign_id=view.campaign.id,
        findings=tuple(sorted(kept, key=Finding.sort_key)),
        waived=tuple(sorted(waived, key=lambda w: w.finding.sort_key())),
        outcomes=outcomes,
        rule_errors=errors,
        packs=plan.packs,
        context=shown_with,
    )


def chosen(code: str, select: Sequence[str], ignore: Sequence[str]) -> bool:
    """Whether rule ``code`` runs: selected (or nothing is) and not ignored."""
    return not (select and not matches(code, select)) and not (ignore and matches(code, ignore))


def selectors(value: Iterable[str] | str | None) -> list[str]:
    """Codes or prefixes; a single string is one code (``select="CP101"``)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [s for s in value.replace(",", " ").split() if s]
    return list(value)
