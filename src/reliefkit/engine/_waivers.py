"""The waiver book: the valid waivers of a view on a day, by (code, main subject).

Validity is the waiver pack's :func:`~reliefkit.rules.waivers.problem_of`, so a waiver is
valid exactly when neither RK001 nor RK002 reports it. The book of a dataset is built once
per dataset (by identity), day and setting; ``admit`` extends it by the waivers it admits.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pendulum

from reliefkit.engine._plan import Plan
from reliefkit.models import Dataset, Queries, Waiver
from reliefkit.rules import Context, IdentityMemo, problem_of

Book = Mapping[tuple[str, str], Waiver]


def _valid(
    view: Queries, waivers: Iterable[Waiver], day: pendulum.Date, plan: Plan
) -> dict[tuple[str, str], Waiver]:
    setting = plan.waiver_setting
    if setting is None:  # no waiver pack in force: no waiver exempts anything
        return {}
    ctx = Context(view, day, setting.params, setting.year, plan.known)
    return {(w.code.upper(), w.subject_id): w for w in waivers if problem_of(ctx, w) is None}


_BOOKS: IdentityMemo[dict[tuple[pendulum.Date, int], tuple[Plan, Book]]] = IdentityMemo()


def book_of(dataset: Dataset, day: pendulum.Date, plan: Plan) -> Book:
    """The valid waivers of a dataset (memoised per dataset, day and plan)."""
    books = _BOOKS.get(dataset, dict)
    key = (day, id(plan))
    found = books.get(key)
    if found is None or found[0] is not plan:
        found = books[key] = (plan, _valid(dataset, dataset.waivers, day, plan))
    return found[1]


def extended(
    base: Book, view: Queries, added: Iterable[Waiver], day: pendulum.Date, plan: Plan
) -> Book:
    """``base`` plus the valid ones among waivers added in ``view``."""
    extra = _valid(view, added, day, plan)
    return {**base, **extra} if extra else base


def rebuilt(view: Queries, day: pendulum.Date, plan: Plan) -> Book:
    """The valid waivers of a view, read afresh (a change replaced or removed waivers or
    their grantors)."""
    return _valid(view, view.rows("waivers"), day, plan)
