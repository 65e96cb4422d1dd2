"""Dataset changes: ``replace``, ``remove``, ``change`` and idempotent ``add``.

Expectations come from a dataset rebuilt from scratch with the resulting records
(``Dataset.from_records``) and from scanning the records, never from the indexes under test.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reliefkit.examples import county_2015
from reliefkit.exceptions import IntegrityError, InvalidValueError
from reliefkit.models import GROUPINGS, TABLES, Dataset, Solicitation

SMALL = settings(deadline=None, max_examples=max(10, settings().max_examples // 4))


@cache
def example() -> Dataset:
    return county_2015()


def _referrers_by_scan(data: Dataset, record_id: str) -> set[tuple[str, str, str]]:
    out: set[tuple[str, str, str]] = set()
    for table, records in data.tables().items():
        if table == "campaign":
            continue
        for record in records:
            for field in attrs.fields(type(record)):
                if not field.metadata.get("refs"):
                    continue
                value = getattr(record, field.name)
                if value == record_id or (isinstance(value, tuple) and record_id in value):
                    out.add((table, record.id, field.name))
    return out


def _same_lookups(changed: Dataset, rebuilt: Dataset) -> None:
    assert changed.tables() == rebuilt.tables()
    for name in GROUPINGS:
        keys = set(changed.group_keys(name)) | set(rebuilt.group_keys(name))
        for key in keys:
            assert set(changed.group(name, key)) == set(rebuilt.group(name, key)), (name, key)
    for record in rebuilt.records():
        table = type(record).table
        if table != "campaign":
            assert changed.find(table, record.id) == record


def _unreferred(data: Dataset) -> list[Any]:
    referred: set[str] = set()
    for record in data.records():
        for field in attrs.fields(type(record)):
            if field.metadata.get("refs"):
                value = getattr(record, field.name)
                referred.update(value if isinstance(value, tuple) else (value,))
    return [r for r in data.records() if type(r).table != "campaign" and r.id not in referred]


_TEXT_FIELDS = {"name", "purpose", "place", "reason", "goods"}


def _edited(record: Any) -> Any | None:
    """The record with one free-text field changed (None when it has none)."""
    for field in attrs.fields(type(record)):
        if field.name in _TEXT_FIELDS:
            return attrs.evolve(record, **{field.name: f"{getattr(record, field.name)}（改）"})
    return None


@SMALL
@given(st.data())
def test_replace_equals_a_rebuilt_dataset(data: st.DataObject) -> None:
    """Replacing records gives the dataset built from scratch with them in their places."""
    base = example()
    candidates = [r for r in base.records() if type(r).table != "campaign" and _edited(r)]
    chosen = data.draw(st.lists(st.sampled_from(candidates), min_size=1, max_size=4, unique_by=id))
    chosen = list({(type(r).table, r.id): r for r in chosen}.values())
    news = [_edited(r) for r in chosen]
    swap = {id(old): new for old, new in zip(chosen, news, strict=True)}
    rebuilt = Dataset.from_records(swap.get(id(r), r) for r in base.records())
    _same_lookups(base.replace(*news), rebuilt)


@SMALL
@given(st.data())
def test_remove_equals_a_rebuilt_dataset(data: st.DataObject) -> None:
    """Removing unreferred records gives the dataset built from scratch without them."""
    base = example()
    leaves = _LEAVES()
    chosen = data.draw(st.lists(st.sampled_from(leaves), min_size=1, max_size=5, unique_by=id))
    gone = {id(r) for r in chosen}
    rebuilt = Dataset.from_records(r for r in base.records() if id(r) not in gone)
    changed = base.remove(*(r.id for r in chosen))
    _same_lookups(changed, rebuilt)
    for record in chosen:
        for target_field in attrs.fields(type(record)):
            value = getattr(record, target_field.name)
            if target_field.metadata.get("refs") and isinstance(value, str):
                assert set(changed.referrers(value)) == _referrers_by_scan(rebuilt, value)


@cache
def _leaves() -> list[Any]:
    return _unreferred(example())


def _LEAVES() -> list[Any]:
    return _leaves()


def test_referrers_match_a_scan() -> None:
    """The reverse-reference index lists exactly the records that refer to an id."""
    base = example()
    for record_id in [base.townships[0].id, base.villages[0].id, base.funds[0].id]:
        assert set(base.referrers(record_id)) == _referrers_by_scan(base, record_id)
    person = next(p for p in base.people if _referrers_by_scan(base, p.id))
    assert set(base.referrers(person.id)) == _referrers_by_scan(base, person.id)


def test_remove_refuses_a_referred_record_naming_the_referrers() -> None:
    """Removing a record that others refer to names every referrer, unless removed too."""
    base = example()
    fund = base.funds[0]
    with pytest.raises(IntegrityError) as refused:
        base.remove(fund.id)
    referrers = _referrers_by_scan(base, fund.id)
    assert len(refused.value.problems) == len(referrers)
    assert {(p[0], p[1], p[2]) for p in refused.value.problems} == referrers
    movements = [rid for _, rid, _ in referrers]
    audits = [a for a in base.audits if a.fund_id == fund.id]
    assert not (set(movements) - {r.id for r in (*base.donations, *base.disbursements, *audits)})
    smaller = base.remove(fund.id, *movements)
    assert smaller.get(fund.id) is None and len(smaller) == len(base) - 1 - len(movements)


def test_add_is_idempotent_and_refuses_a_different_record_under_an_id() -> None:
    """Retrying a stored record is a no-op; another record under its id says to replace."""
    base = example()
    stored = base.solicitations[0]
    assert base.add(attrs.evolve(stored)) is base
    with pytest.raises(IntegrityError, match=r"use Dataset\.replace"):
        base.add(attrs.evolve(stored, quota="100"))


def test_replace_and_remove_refuse_unknown_ids_and_the_campaign() -> None:
    """Replacing or removing what is not stored is an error; so is replacing the campaign."""
    base = example()
    ghost = Solicitation(
        id="S-GHOST", activity_id=base.activities[0].id, organizer_id=base.townships[0].id,
        target_id=base.townships[1].id, on="2015-10-01",
    )  # fmt: skip
    with pytest.raises(IntegrityError, match=r"use Dataset\.add"):
        base.replace(ghost)
    with pytest.raises(IntegrityError, match="no record has this id"):
        base.remove("S-GHOST")
    with pytest.raises(InvalidValueError, match="cannot be replaced"):
        base.replace(attrs.evolve(base.campaign, name="x"))  # type: ignore[arg-type]


def test_change_applies_replacements_then_removals_then_additions() -> None:
    """A change whose replacement stops referring to a removed record is one valid unit."""
    base = example()
    disbursement = next(b for b in base.disbursements if b.project_id is not None)
    project = disbursement.project_id
    assert project is not None
    others = [rid for _, rid, _ in base.referrers(project) if rid != disbursement.id]
    free = attrs.evolve(disbursement, project_id=None)
    changed = base.change(replace=[free], remove=[project, *others])
    assert changed.get(project) is None and changed.get(disbursement.id) == free
    assert set(TABLES) >= set(changed.tables())
