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
    with pytest.raises(IntegrityError, match=r"use Dataset\.replace") as added:
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


# ---- breaches and obligations ------------------------------------------------------------------
# The catalogue's table "Breaches and obligations": the kinds each code can yield.
KINDS = {
    **{
        code: {"breach"}
        for code in (
            *("CP101", "CP102", "CP103", "CP107", "CP112", "CP113", "CP114", "CP115", "CP116"),
            *("CP119", "CP120", "CP121", "CP122", "CP123", "CP124"),
        )
    },
    "CP104": {"obligation", "breach"},
    "CP105": {"breach"},
    "CP106": {"breach", "obligation"},
    "CP108": {"breach", "obligation"},
    "CP109": {"obligation"},
    "CP110": {"obligation"},
    "CP111": {"obligation", "breach"},
    "CP117": {"obligation"},
    "CP118": {"obligation", "breach"},
    "RK001": {"breach"},
    "RK002": {"obligation"},
    "RK003": {"breach"},
}


def test_rules_declare_the_kinds_of_the_catalogue() -> None:
    """Each rule declares exactly the kinds the catalogue gives its code."""
    county = [r for r in rk.all_rules() if r.pack in ("county-plan", "waivers")]
    assert {r.code: {k.value for k in r.kinds} for r in county} == KINDS


def test_example_findings_have_their_kinds() -> None:
    """The example's missing team and responsible person are obligations due at the start;
    its meals disbursement and cross-township solicitation are breaches."""
    report = rk.check(example(), as_of=AS_OF)
    kinds = {f.code: f.kind.value for f in report.findings}
    assert kinds["CP109"] == kinds["CP110"] == "obligation"
    assert kinds["CP114"] == kinds["CP101"] == "breach"
    start = example().campaign.starts_on
    assert {f.due for f in report.findings if f.code in ("CP109", "CP110")} == {start}


def test_an_obligation_does_not_refuse_and_says_what_meets_it() -> None:
    """A new poor village without its team is allowed, its CP109 listed as an obligation
    with its due day and what would meet it."""
    data = example()
    village = Village(id="V-NEW", name="新村", township_id=data.townships[0].id, poor=True)
    decision = rk.admit(data, village, as_of=AS_OF)
    assert decision.allowed
    [obligation] = [o for o in decision.obligations if o.finding.code == "CP109"]
    assert obligation.due == data.campaign.starts_on
    assert "work team" in obligation.meets


def test_replacing_a_breach_by_another_is_refused() -> None:
    """Replacing the meals disbursement by a travel one keeps CP114's identity, yet names the
    replaced record: refused."""
    data = example()
    travel = attrs.evolve(data.get("B-F01-901"), purpose="travel")
    decision = rk.admit(data, replace=[travel], as_of=AS_OF)
    added, gone = _check_diff(data, replace=[travel])
    assert not added and not gone and not decision.findings
    assert not decision.allowed
    assert [f.identity for f in decision.refusals] == [("CP114", ("B-F01-901",))]


def test_a_refusal_a_batch_would_avoid_says_so() -> None:
    """A cross-township solicitation is refused with advice to bring the pairing along."""
    data = example()
    sol = attrs.evolve(data.get("S-T05-99"), id="S-NEW")
    decision = rk.admit(data, sol, as_of=AS_OF)
    assert not decision.allowed
    assert decision.hints == (
        "CP101 on S-NEW: admit the solicitation together with the pairing (对口帮扶) that "
        "permits it",
    )


def test_kind_is_not_part_of_identity() -> None:
    """Two findings differing only in kind are the same finding."""
    finding = rk.check(example(), as_of=AS_OF).findings[0]
    other = attrs.evolve(finding, kind="obligation" if finding.kind.value == "breach" else "breach")
    assert other == finding and other.identity == finding.identity
