"""Changes, not only additions: correct and remove records, and admit such changes.

Each expectation comes from ``check`` of the dataset before and after the change
(``Dataset.change``), or from the example campaign's documented violations.
"""

from __future__ import annotations

from functools import cache

import attrs
import pytest

import reliefkit as rk
from reliefkit.exceptions import IntegrityError
from reliefkit.models import Dataset, Village, WorkTeam

AS_OF = "2015-12-31"


@cache
def example() -> Dataset:
    return rk.load("examples/county-2015")


def _ids(findings: object) -> set[tuple[str, tuple[str, ...]]]:
    return {f.identity for f in findings}  # type: ignore[attr-defined]


def _check_diff(data: Dataset, **change: object) -> tuple[set[object], set[object]]:
    before = _ids(rk.check(data, as_of=AS_OF).findings)
    after = _ids(rk.check(data.change(**change), as_of=AS_OF).findings)  # type: ignore[arg-type]
    return after - before, before - after


def test_correcting_a_purpose_resolves_its_finding() -> None:
    """Correcting the meals disbursement to housing is allowed and resolves its CP114."""
    data = example()
    fixed = attrs.evolve(data.get("B-F01-901"), purpose="housing")
    decision = rk.admit(data, replace=[fixed], as_of=AS_OF)
    added, gone = _check_diff(data, replace=[fixed])
    assert decision.allowed and not decision.findings and not added
    assert _ids(decision.resolved) == gone == {("CP114", ("B-F01-901",))}


def test_a_correction_is_not_counted_as_a_second_disbursement() -> None:
    """Replacing a disbursement changes the fund's ledger by the difference, not the sum."""
    data = example()
    old = data.get("B-F01-901")
    bigger = attrs.evolve(old, purpose="housing", amount="3900")
    decision = rk.admit(data, replace=[bigger], as_of=AS_OF)
    added, gone = _check_diff(data, replace=[bigger])
    assert _ids(decision.findings) == added
    assert _ids(decision.resolved) | _ids(decision.superseded) == gone


def test_withdrawing_a_solicitation_resolves_its_finding() -> None:
    """Removing the cross-township solicitation resolves CP101."""
    data = example()
    decision = rk.admit(data, remove=["S-T05-99"], as_of=AS_OF)
    added, gone = _check_diff(data, remove=["S-T05-99"])
    assert decision.allowed and not added
    assert _ids(decision.resolved) == gone
    assert ("CP101", ("S-T05-99", "T05", "T09")) in gone


def test_retrying_a_stored_record_changes_nothing() -> None:
    """Adding a stored record again is a no-op for add and for admit."""
    data = example()
    stored = data.get("S-T05-99")
    assert data.add(stored) is data
    decision = rk.admit(data, stored, as_of=AS_OF)
    assert decision.allowed and not decision.findings and not decision.resolved


def test_a_different_record_under_an_existing_id_says_to_replace() -> None:
    """admit refuses a different record under an existing id as add does, pointing to replace."""
    data = example()
    changed = attrs.evolve(data.get("S-T05-99"), quota="100")
    with pytest.raises(IntegrityError, match="use Dataset.replace") as added:
        data.add(changed)
    with pytest.raises(IntegrityError) as admitted:
        rk.admit(data, changed, as_of=AS_OF)
    assert str(admitted.value) == str(added.value)


def test_a_poor_village_and_its_team_admitted_together() -> None:
    """A new poor village alone lacks a team (CP109); with its team in the same change it
    does not, as check of the changed dataset says."""
    data = example()
    township = data.townships[0].id
    village = Village(id="V-NEW", name="新村", township_id=township, poor=True)
    team = WorkTeam(id="W-NEW", village_id="V-NEW", members=3, starts_on="2015-09-01")
    alone = rk.admit(data, village, as_of=AS_OF)
    assert ("CP109", ("V-NEW",)) in _ids(alone.findings)
    together = rk.admit(data, [village, team], as_of=AS_OF)
    added, _ = _check_diff(data, records=[village, team])
    assert _ids(together.findings) == added
    assert ("CP109", ("V-NEW",)) not in added


def test_removing_a_referred_record_names_the_referrers() -> None:
    """admit refuses a removal others depend on, as Dataset.remove does."""
    data = example()
    fund = data.funds[0].id
    with pytest.raises(IntegrityError, match="refers to a record being removed"):
        data.remove(fund)
    with pytest.raises(IntegrityError, match="refers to a record being removed"):
        rk.admit(data, remove=[fund], as_of=AS_OF)


def test_moving_a_village_fans_out_to_what_names_it() -> None:
    """A village made poor changes the judgements of the records that name it."""
    data = example()
    village = next(v for v in data.villages if not v.poor and data.referrers(v.id))
    poorer = attrs.evolve(village, poor=True)
    decision = rk.admit(data, replace=[poorer], as_of=AS_OF)
    added, gone = _check_diff(data, replace=[poorer])
    assert _ids(decision.findings) == added
    assert _ids(decision.resolved) | _ids(decision.superseded) == gone
