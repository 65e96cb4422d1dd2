"""Regressions: ``admit`` must say what ``check`` says.

A decision's findings are exactly ``check`` of the dataset with the records minus ``check`` of
the dataset without them (DESIGN.md, "Changes"; the catalogue's "Finding identity"). Every
expectation here comes from ``check``, never from ``admit`` itself.

The CP115/CP122 dependency through ``check`` (CP115 fails, not passes, with CP122 ignored) is
``test_cp115_judges_alone_when_cp122_does_not_run`` in ``test_readings.py``.
"""

from __future__ import annotations

import gc
import weakref
from collections.abc import Callable
from typing import Any

import attrs
import pytest

import reliefkit as rk
from campaigns import build
from reliefkit.examples import county_2015
from reliefkit.exceptions import IntegrityError
from reliefkit.models import Dataset, Donor, Person, Township, Waiver, WorkPlan

Identities = set[tuple[str, tuple[str, ...]]]


@pytest.fixture(scope="module")
def example() -> Dataset:
    return county_2015()


def _identities(findings: Any) -> Identities:
    return {(f.code, f.subjects) for f in findings}


def _added_by_check(data: Dataset, records: list[Any], as_of: str) -> Identities:
    """What ``check`` reports with the records and not without them."""
    after = rk.check(data.add(*records), as_of=as_of)
    before = rk.check(data, as_of=as_of)
    return _identities(after.findings) - _identities(before.findings)


def _new_township(tid: str, pid: str) -> list[Any]:
    """A township with its main leader and a complete work plan, but no ceremony."""
    return [
        Township(id=tid, name="新建镇", kind="town", main_leader_id=pid),
        Person(id=pid, name="钱新", unit_id=tid, role="township_main_leader"),
        WorkPlan(township_id=tid, responsible_person_id=pid, tasks=2),
    ]


@pytest.mark.parametrize(
    ("dataset", "tid", "pid"),
    [("small", "T9", "P9"), ("example", "T99", "P-T99")],
)
def test_admit_new_township_after_poverty_day_matches_check(
    dataset: str, tid: str, pid: str, example: Dataset
) -> None:
    """A township added after 17 October without a ceremony: admit reports CP106 as check."""
    data = build() if dataset == "small" else example
    records = _new_township(tid, pid)
    expected = _added_by_check(data, records, "2015-10-20")
    assert ("CP106", (tid,)) in expected  # the catalogue's reading, to keep the test honest
    decision = rk.admit(data, records, as_of="2015-10-20")
    assert _identities(decision.findings) == expected


# V07-01 has no work team: the example's deliberate CP109 finding, here waived badly.
BAD_WAIVERS: dict[str, tuple[Waiver, str]] = {
    "not-leading-group": (
        Waiver(code="CP109", subject_id="V07-01", granted_by="D01", until="2016-06-30"),
        "RK001",
    ),
    "expired": (
        Waiver(code="CP109", subject_id="V07-01", granted_by="LG", until="2015-12-01"),
        "RK002",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_WAIVERS))
def test_admit_bad_waiver_matches_check(case: str, example: Dataset) -> None:
    """Admitting a waiver by the wrong unit gives RK001, an expired one RK002, as check does."""
    waiver, code = BAD_WAIVERS[case]
    expected = _added_by_check(example, [waiver], "2015-12-31")
    assert (code, ("CP109:V07-01",)) in expected
    decision = rk.admit(example, waiver, as_of="2015-12-31")
    assert _identities(decision.findings) == expected


DUPLICATES: dict[str, Callable[[], Any]] = {
    "same-table": lambda: Township(id="T1", name="另一镇", kind="township", main_leader_id="P1"),
    "other-table": lambda: Donor(id="T1", name="同名公司", kind="private_enterprise"),
}


@pytest.mark.parametrize("case", sorted(DUPLICATES))
def test_admit_existing_id_raises_like_add(case: str) -> None:
    """Admitting a different record under an existing id raises Dataset.add's IntegrityError."""
    data, record = build(), DUPLICATES[case]()
    with pytest.raises(IntegrityError) as by_add:
        data.add(record)
    with pytest.raises(IntegrityError) as by_admit:
        rk.admit(data, record, as_of="2015-10-20")
    assert str(by_admit.value) == str(by_add.value)


def test_a_dataset_admitted_against_is_freed() -> None:
    """The engine's memos keep judgements, not datasets: once the caller drops a dataset (and
    the records it made), nothing of the engine holds it."""
    data = build()
    record = attrs.evolve(data.donations[0], id="N-freed")
    rk.admit(data, [record], as_of="2015-12-31")
    rk.admit(data, [record], as_of="2015-12-31")  # the second call reuses the memo
    ref = weakref.ref(data)
    del data
    gc.collect()
    assert ref() is None
