"""The admit law, over every record type (issue "One home per rule", item 6).

For a dataset ``D``, a day ``as_of`` and new records ``r`` that ``D.add(*r)`` accepts::

    {f.identity for f in admit(D, r, as_of=as_of).findings}
        == {f.identity for f in check(D.add(*r), as_of=as_of).findings}
         - {f.identity for f in check(D, as_of=as_of).findings}

over every rule, the engine's waiver codes (RK…) included. The expectation comes from ``check``
alone, never from anything the decision says (such as the rules it consulted). ``D`` is a
compliant campaign or one broken by up to three recipes, sometimes with townships left without
their work plan; ``r`` is one record of each of the 19 types, or a batch of mixed types whose
later records may refer to earlier ones. And ``admit`` refuses exactly what ``Dataset.add``
refuses (an id already used, a second work plan, …).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, event, given, note, reject, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from reliefkit.engine import admit, check
from reliefkit.exceptions import IntegrityError
from reliefkit.models import TABLES, Dataset, ExitPlan, Pairing, Record, Waiver, WorkPlan
from reliefkit.rules import Finding
from reliefkit.testing import datasets
from reliefkit.testing._draw import Draw
from reliefkit.testing._records import RECORD_TABLES, record_batches_for, records_for
from test_testing_laws import AS_OFS, campaigns_with_findings

Identity = tuple[str, tuple[str, ...]]
KEYED = {t for t in RECORD_TABLES if "id" in attrs.fields_dict(TABLES[t])}

# Each example builds a campaign and checks it twice: no per-example deadline. One bug per
# test is shrunk and reported: shrinking whole campaigns is slow, and admit's bugs overlap.
LAW = settings(
    deadline=None, suppress_health_check=[HealthCheck.too_slow], report_multiple_bugs=False
)
# The per-type property runs 19 times over: a quarter of the profile's examples each.
PER_TABLE = settings(LAW, max_examples=max(10, settings().max_examples // 4))


# What records of a table refer to that a generated campaign may lack.
NEEDS = {
    "pledges": ("donors", "projects"),
    "donations": ("funds", "donors"),
    "disbursements": ("funds",),
    "audits": ("funds",),
}


def _identities(findings: Iterable[Finding]) -> set[Identity]:
    return {f.identity for f in findings}


@st.composite
def bases(draw: Draw, *, room_for: str | None = None) -> tuple[Dataset, str]:
    """A dataset and an as_of: compliant or broken by recipes, some townships maybe planless.

    ``room_for`` names a table the dataset must leave room for: ``"work_plans"`` leaves at
    least one township without a plan (generated campaigns give every township one); a table
    in ``NEEDS`` gets a fund, donor or project when the campaign has none.
    """
    if draw(st.booleans()):
        dataset, as_of = draw(campaigns_with_findings())
    else:
        as_of = draw(st.sampled_from(AS_OFS))
        dataset = draw(datasets(as_of=as_of))
    planned = sorted({w.township_id for w in dataset.work_plans})
    least = 1 if room_for == "work_plans" else 0
    dropped = (
        set(draw(st.lists(st.sampled_from(planned), unique=True, min_size=least)))
        if planned
        else set()
    )
    if dropped:
        tables = {t: rows for t, rows in dataset.tables().items() if t != "campaign"}
        tables["work_plans"] = tuple(w for w in dataset.work_plans if w.township_id not in dropped)
        dataset = Dataset.build(dataset.campaign, **tables)
    for table in NEEDS.get(room_for or "", ()):
        if not dataset.rows(table):
            dataset = dataset.add(draw(records_for(dataset, tables=(table,))))
    return dataset, as_of


def _law_holds(dataset: Dataset, records: tuple[Record, ...], as_of: str) -> None:
    """admit's findings are exactly those check adds; the expectation is check's alone."""
    for record in records:
        event(f"table: {type(record).table}")
    note(f"as_of={as_of!r}, records={records!r}")
    try:
        grown = dataset.add(*records)
    except IntegrityError as exc:  # a bug of the strategy, not of admit
        pytest.fail(f"the dataset refuses the drawn records: {exc}")
    before = _identities(check(dataset, as_of=as_of).findings)
    expected = _identities(check(grown, as_of=as_of).findings) - before
    event("check adds findings" if expected else "check adds no finding")
    decision = admit(dataset, records[0] if len(records) == 1 else records, as_of=as_of)
    found = _identities(decision.findings)
    note(f"missing from admit: {sorted(expected - found)}; extra: {sorted(found - expected)}")
    assert found == expected
    assert decision.rule_errors == {}


@pytest.mark.parametrize("table", RECORD_TABLES)
@PER_TABLE
@given(data=st.data())
def test_admit_finds_what_check_adds_for_each_record_type(table: str, data: st.DataObject) -> None:
    """admit(D, r) reports exactly what check(D + r) adds to check(D), for r of each type."""
    dataset, as_of = data.draw(bases(room_for=table), label="dataset, as_of")
    try:
        strategy = records_for(dataset, tables=(table,))
    except InvalidArgument:  # nothing to refer to: no fund for a donation, …
        reject()
    record = data.draw(strategy, label="record")
    assert type(record).table == table
    _law_holds(dataset, (record,), as_of)


@LAW
@given(data=st.data())
def test_admit_finds_what_check_adds_for_mixed_batches(data: st.DataObject) -> None:
    """admit(D, batch) reports exactly what check adds, for batches that refer to themselves."""
    # Drawn first, so that the batch's make-up varies as much as the campaign does.
    tables = data.draw(st.permutations(RECORD_TABLES), label="tables")
    size = data.draw(st.integers(1, 5), label="size")
    dataset, as_of = data.draw(bases(), label="dataset, as_of")
    batch = data.draw(
        record_batches_for(dataset, tables=tables, min_size=size, max_size=size), label="batch"
    )
    event(f"batch of {len(batch)}")
    _law_holds(dataset, batch, as_of)


# ---- refusals ----------------------------------------------------------------------------------
def _key_of(record: Any) -> dict[str, Any]:
    """The fields that make a record's key (its id, or the parts of its synthetic key)."""
    if isinstance(record, WorkPlan):
        return {"township_id": record.township_id}
    if isinstance(record, ExitPlan):
        return {"village_id": record.village_id, "adopted_on": record.adopted_on}
    if isinstance(record, Pairing):
        return {"department_id": record.department_id, "partner_id": record.partner_id}
    if isinstance(record, Waiver):
        return {"code": record.code, "subject_id": record.subject_id}
    return {"id": record.id}


@st.composite
def clashes(draw: Draw, dataset: Dataset, table: str) -> tuple[Record, ...]:
    """New records of ``table`` under a key already used: by a record of the dataset (an id of
    any table, or a synthetic key of the same table), or by an earlier record of the batch."""
    record = draw(records_for(dataset, tables=(table,)), label="record")
    # An id clashes across tables; a synthetic key only within its own.
    olds = [r for t in sorted(KEYED if table in KEYED else {table}) for r in dataset.rows(t)]
    if olds and draw(st.booleans()):
        old = draw(st.sampled_from(olds), label="old")
        return (attrs.evolve(record, **_key_of(old)),)
    twin = draw(records_for(dataset, tables=(table,)), label="twin")
    return (record, attrs.evolve(twin, **_key_of(record)))


@LAW
@given(data=st.data())
def test_admit_refuses_what_add_refuses(data: st.DataObject) -> None:
    """admit raises IntegrityError exactly when Dataset.add refuses the same records."""
    table = data.draw(st.sampled_from(RECORD_TABLES), label="table")
    dataset, as_of = data.draw(bases(room_for=table), label="dataset, as_of")
    records = data.draw(clashes(dataset, table), label="records")
    try:
        dataset.add(*records)
    except IntegrityError:
        event(f"Dataset.add refuses a {type(records[-1]).__name__}")
        with pytest.raises(IntegrityError):
            admit(dataset, records, as_of=as_of)
    else:  # no clash after all: a stored record added again is a retry
        event(f"Dataset.add accepts a {type(records[-1]).__name__}")
        admit(dataset, records, as_of=as_of)
