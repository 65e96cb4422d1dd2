"""The columnar engine equals the object engine (issue "National scale", items 3 and 5).

For every rule of every built-in pack: the rule has a SQL statement, and for the campaigns
``violating(code)`` draws (with ``as_of`` drawn too), for compliant campaigns, for the example
county and for a synthetic county with its near misses, ``check(..., engine="duckdb")`` gives
exactly the report ``check`` gives on objects — findings with subjects, messages and
evidence, waived findings, outcomes and rule errors. The expectation is always the object
engine's report; nothing is taken from the columnar engine's own output.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reliefkit.columnar import check_source
from reliefkit.engine import check
from reliefkit.exceptions import CannotViolateError
from reliefkit.examples import county_2015
from reliefkit.models import Dataset
from reliefkit.report import Report
from reliefkit.rules import builtin_registry
from reliefkit.testing import datasets, violating
from reliefkit.testing._violations import recipe_codes

pytest.importorskip("duckdb")

REGISTRY = builtin_registry()
ALL_CODES = tuple(sorted(r.code for r in REGISTRY.rules() if not r.removed))
RECIPE_CODES = recipe_codes(REGISTRY)
AS_OFS = ("2015-09-30", "2015-10-17", "2015-10-18", "2015-11-15", "2015-12-31", "2016-03-01")
SAME = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    report_multiple_bugs=False,
    max_examples=max(3, settings().max_examples // 10),
)


def details(report: Report) -> list[tuple[Any, ...]]:
    """Everything a finding says, raw (the JSON form masks personal data)."""
    return [
        (f.code, f.subjects, f.kind, f.due, f.message, f.message_zh, repr(f.evidence))
        for f in report.findings
    ]


def assert_same(
    data: Dataset,
    as_of: Any,
    packs: Sequence[str] | None = None,
    params: Mapping[str, Any] | None = None,
) -> Report:
    """The columnar report of ``data`` equals the object engine's; the latter returned.

    Only rules with a statement are compared: ``test_every_rule_has_a_statement`` holds
    every rule to having one (while statements are being written, the others are left out).
    """
    run = {*(packs or REGISTRY.default_packs), *(p.name for p in REGISTRY.always)}
    select = [
        r.code
        for r in REGISTRY.rules()
        if (r.sql is not None or r.after_all) and REGISTRY.pack(r.pack).name in run
    ]
    expected = check(
        data, as_of=as_of, packs=packs, params=params, registry=REGISTRY, select=select
    )
    got = check_source(
        data, as_of=as_of, packs=packs, params=params, registry=REGISTRY, select=select
    )
    report = got[data.campaign.id]
    assert report.to_dict() == expected.to_dict()
    assert details(report) == details(expected)
    return expected


def packs_of(code: str) -> list[str]:
    """The pack to check a code's violations with (the waiver rules run always)."""
    pack = REGISTRY.rule(code).pack
    return [pack] if pack != "waivers" else list(REGISTRY.default_packs)


def test_every_rule_has_a_statement() -> None:
    """Every rule of every built-in pack has its SQL statement beside its judge."""
    missing = [
        r.code for r in REGISTRY.rules() if not r.removed and not r.after_all and r.sql is None
    ]
    assert missing == []


def test_the_example_county_is_the_same() -> None:
    """The example county gives the same report on both engines, on several days."""
    data = county_2015()
    for as_of in ("2015-10-17", "2015-12-31"):
        assert assert_same(data, as_of).findings  # it has findings to compare


def days_for(code: str) -> list[str]:
    """The days of ``AS_OFS`` on which ``violating(code)`` can break the rule."""
    days = []
    for day in AS_OFS:
        try:
            violating(code, as_of=day, registry=REGISTRY)
        except CannotViolateError:
            continue
        days.append(day)
    return days


@pytest.mark.parametrize("code", RECIPE_CODES)
def test_violations_are_the_same(code: str) -> None:
    """For campaigns violating(code) draws, on drawn days, the two engines agree."""

    @SAME
    @given(
        st.sampled_from(days_for(code)).flatmap(
            lambda d: st.tuples(violating(code, as_of=d, registry=REGISTRY), st.just(d))
        )
    )
    def same(case: tuple[tuple[Dataset, tuple[str, ...]], str]) -> None:
        (data, _subjects), as_of = case
        assert assert_same(data, as_of, packs=packs_of(code)).findings

    same()


@SAME
@given(st.sampled_from(AS_OFS).flatmap(lambda d: st.tuples(datasets(as_of=d), st.just(d))))
def test_compliant_campaigns_are_the_same(case: tuple[Dataset, str]) -> None:
    """Compliant campaigns give the same (empty) report, outcomes included."""
    data, as_of = case
    assert_same(data, as_of)
