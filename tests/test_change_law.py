"""The law of changes: ``admit`` of a change predicts ``check`` after it, exactly.

For generated changes (adds, replacements, removals, mixed) to hand-written campaigns (the
compliant one and each one broken by a rule's flagging example): ``decision.findings`` is
``check(D ⊕ change)`` minus ``check(D)``, and ``resolved`` ∪ ``superseded`` ∪ the findings of
``check(D)`` now ``waived`` is ``check(D)`` minus ``check(D ⊕ change)``, by identity, over all
rules. ``D ⊕ change`` is ``Dataset.change``. A stateful test then drives a dataset through
random admitted changes, checking after every step that ``check`` equals what the decisions
predicted and that every fund's ledger kept up incrementally equals one rebuilt from scratch.
"""

from __future__ import annotations

from typing import Any

import pendulum
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

import reliefkit as rk
from campaigns import build
from change_strategies import as_ofs, changes
from reliefkit.exceptions import IntegrityError
from reliefkit.models import Dataset
from reliefkit.rules import build_ledger, ledger
from test_rules import FLAGS

LAW = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
BASES = ["compliant", *sorted(FLAGS)]


def _base(name: str) -> Dataset:
    return build() if name == "compliant" else build(FLAGS[name][0]())


def _ids(findings: Any) -> set[tuple[str, tuple[str, ...]]]:
    return {f.identity for f in findings}


def _kind(change: dict[str, list[Any]]) -> str:
    return "+".join(k for k in ("records", "replace", "remove") if change[k]) or "nothing"


@LAW
@given(st.sampled_from(BASES).map(_base).flatmap(lambda d: st.tuples(st.just(d), changes(d))),
       as_ofs())  # fmt: skip
def test_admit_predicts_check_after_a_change(
    drawn: tuple[Dataset, dict[str, list[Any]]], as_of: pendulum.Date
) -> None:
    """admit's findings, resolved, superseded and newly waived findings are check's difference."""
    data, change = drawn
    event(_kind(change))
    try:
        changed = data.change(**change)
    except IntegrityError as refused:
        event("refused by Dataset.change")
        try:
            rk.admit(data, **change, as_of=as_of)
        except IntegrityError as also:
            assert str(also) == str(refused)
            return
        raise AssertionError("admit accepted a change Dataset.change refuses") from None
    before = _ids(rk.check(data, as_of=as_of).findings)
    after = _ids(rk.check(changed, as_of=as_of).findings)
    decision = rk.admit(data, **change, as_of=as_of)
    note(f"decision: {decision.to_dict()}")
    assert _ids(decision.findings) == after - before
    newly_waived = {w.finding.identity for w in decision.waived} & before
    assert _ids(decision.resolved) | _ids(decision.superseded) | newly_waived == before - after
    assert not decision.rule_errors


class StoredDataset(RuleBasedStateMachine):
    """A store that admits random changes and applies them: check never surprises it."""

    @initialize(name=st.sampled_from(BASES), as_of=as_ofs())
    def start(self, name: str, as_of: pendulum.Date) -> None:
        self.data = _base(name)
        self.as_of = as_of
        self.predicted = _ids(rk.check(self.data, as_of=as_of).findings)

    @rule(drawn=st.data())
    def change(self, drawn: st.DataObject) -> None:
        change = drawn.draw(changes(self.data))
        try:
            changed = self.data.change(**change)
        except IntegrityError:
            return
        decision = rk.admit(self.data, **change, as_of=self.as_of)
        view = self.data.overlay(
            *change["records"], replace=change["replace"], remove=change["remove"]
        )
        for fund in changed.funds:
            kept_up = ledger(view, fund.id)
            rebuilt = build_ledger(
                changed, fund.id, changed.donations_to(fund.id), changed.disbursements_from(fund.id)
            )
            assert (kept_up.received, kept_up.disbursed, kept_up.undesignated) == (
                rebuilt.received, rebuilt.disbursed, rebuilt.undesignated
            )  # fmt: skip
            assert kept_up.needed_from_pot == rebuilt.needed_from_pot
            assert kept_up.last_movement == rebuilt.last_movement
            assert {k: v for k, v in kept_up.spent.items() if v} == {
                k: v for k, v in rebuilt.spent.items() if v
            }
        waived_now = {w.finding.identity for w in decision.waived}
        gone = _ids(decision.resolved) | _ids(decision.superseded) | waived_now
        self.predicted = (self.predicted | _ids(decision.findings)) - gone
        self.data = changed

    @invariant()
    def check_is_what_the_decisions_predicted(self) -> None:
        if hasattr(self, "data"):
            assert _ids(rk.check(self.data, as_of=self.as_of).findings) == self.predicted


StoredDataset.TestCase.settings = settings(
    LAW, max_examples=max(10, settings().max_examples // 5), stateful_step_count=6
)
test_stored_dataset = StoredDataset.TestCase
