"""The engine: outcomes, selection, parameters, waivers, rule errors, admit."""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import reliefkit as rk
from campaigns import build, replace, tables
from reliefkit.models import (
    Activity,
    Disbursement,
    Donation,
    Household,
    Money,
    Solicitation,
    Waiver,
)
from reliefkit.report import Outcome
from reliefkit.rules import Severity, get_rule
from reliefkit.rules._ledger import ledger

AS_OF = "2016-01-31"


def test_select_and_ignore_by_prefix() -> None:
    """select and ignore take codes or prefixes, ruff-style."""
    report = rk.check(build(), as_of=AS_OF, select=["CP10"], ignore=["CP101"])
    assert sorted(report.outcomes) == [f"CP10{i}" for i in range(2, 10)]


def test_unknown_selector_is_refused() -> None:
    """A selector matching no rule is an error, not an empty check."""
    with pytest.raises(rk.UnknownRuleError):
        rk.check(build(), as_of=AS_OF, select=["XX9"])


def test_unknown_parameter_is_refused() -> None:
    """An override naming no parameter is a ParameterError."""
    with pytest.raises(rk.ParameterError, match="nope"):
        rk.check(build(), as_of=AS_OF, params={"nope": 1})


def test_parameter_of_wrong_type_is_refused() -> None:
    """An override of the wrong type names the parameter and the value."""
    with pytest.raises(rk.ParameterError, match="ceremony_deadline_inclusive"):
        rk.check(build(), as_of=AS_OF, params={"ceremony_deadline_inclusive": "yes"})


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("audit_due", "13-45"),
        ("audit_due", "end"),
        ("exit_plan_due", "02-30"),
        ("poverty_day", "1017"),
        ("visit_window", ("10-18", "10-12")),
        ("visit_window", ("10-12",)),
    ],
)
def test_parameter_value_the_rules_cannot_read_is_refused(name: str, value: object) -> None:
    """A month-day that does not exist, or a window ending before it starts, is refused when
    checking starts (a ParameterError naming it), not by a rule failing half-way."""
    with pytest.raises(rk.ParameterError, match=name):
        rk.check(build(), as_of=AS_OF, params={name: value})


def test_parameter_values_that_exist_are_accepted() -> None:
    """The same parameters with readable values run the check."""
    params = {
        "audit_due": "11-30",
        "exit_plan_due": "campaign_end",
        "visit_window": ("10-10", "10-20"),
    }
    assert rk.check(build(), as_of=AS_OF, params=params).rule_errors == {}


def test_pack_not_in_force_is_not_applicable(monkeypatch: pytest.MonkeyPatch) -> None:
    """A campaign before the pack's first day gets no county-plan findings (the pack is
    moved to 2016 here: every campaign year from 2014 on is in force for the real one). The
    same campaign checked before, during and after the move sees the pack as it is then."""
    from reliefkit.models import DateRange
    from reliefkit.rules import get_pack

    data = build(replace("activities", "VT1", fee="5"))  # one CP120 finding while in force
    in_force = rk.check(data, as_of=AS_OF)
    assert [f.code for f in in_force.findings] == ["CP120"]
    monkeypatch.setattr(get_pack("county-plan"), "in_force", DateRange("2016-01-01"))
    report = rk.check(data, as_of=AS_OF)
    assert report.findings == ()
    assert set(report.outcomes.values()) == {Outcome.NOT_APPLICABLE}
    monkeypatch.undo()
    assert rk.check(data, as_of=AS_OF) == in_force


def test_rule_that_raises_is_an_error_outcome(monkeypatch: pytest.MonkeyPatch) -> None:
    """A rule that raises is recorded as an error; the others still run and the exit is 1."""
    rule = get_rule("CP110")

    def broken(ctx: object, key: object) -> list[object]:
        raise RuntimeError("boom")

    from reliefkit.rules import county_plan

    monkeypatch.setitem(county_plan.PACK.rules, "CP110", attrs.evolve(rule, judge=broken))
    report = rk.check(build(replace("activities", "VT1", fee="5")), as_of=AS_OF)
    assert report.outcomes["CP110"] is Outcome.ERROR
    assert "boom" in report.rule_errors["CP110"]
    assert [f.code for f in report.findings] == ["CP120"]
    assert report.exit_code == 1


def test_findings_sorted_by_severity_code_subjects() -> None:
    """Errors come first, then by code and subjects."""
    activities = [
        attrs.evolve(a, villages=("V2",))
        if a.id == "IT1"
        else attrs.evolve(a, fee="1")
        if a.id == "VT1"
        else a
        for a in tables()["activities"]
    ]
    changes = {**replace("households", "H3", responsible_person_id=None), "activities": activities}
    report = rk.check(build(changes), as_of=AS_OF)
    assert [f.code for f in report.findings] == ["CP110", "CP120", "CP124"]
    assert report.findings[0].severity is Severity.ERROR
    assert [f.code for f in report.warnings] == ["CP124"]


def _waiver(**fields: object) -> Waiver:
    base = dict(
        code="CP110",
        subject_id="H3",
        reason="新识别贫困户，责任人待定",
        granted_by="LG",
        until="2016-03-31",
    )
    base.update(fields)
    return Waiver(**base)  # type: ignore[arg-type]


def test_valid_waiver_moves_finding_to_waived() -> None:
    """A leading-group waiver valid on as_of exempts its subject from its code."""
    changes = {**replace("households", "H3", responsible_person_id=None), "waivers": [_waiver()]}
    report = rk.check(build(changes), as_of=AS_OF)
    assert report.findings == ()
    assert [(w.finding.code, w.waiver.subject_id) for w in report.waived] == [("CP110", "H3")]
    assert report.to_dict()["waived"][0]["waiver"]["granted_by"] == "LG"
    assert report.outcomes["CP110"] is Outcome.FAIL  # what the rule found, before waivers
    assert report.exit_code == 0  # … but nothing left to act on


def test_waiver_not_by_leading_group_is_rk001() -> None:
    """Only the leading group may grant a waiver; others are reported and ignored."""
    changes = {
        **replace("households", "H3", responsible_person_id=None),
        "waivers": [_waiver(granted_by="D1")],
    }
    report = rk.check(build(changes), as_of=AS_OF)
    assert sorted(f.code for f in report.findings) == ["CP110", "RK001"]


def test_expired_waiver_is_rk002() -> None:
    """A waiver that ended before as_of no longer exempts, and says so."""
    changes = {
        **replace("households", "H3", responsible_person_id=None),
        "waivers": [_waiver(until="2015-12-31")],
    }
    report = rk.check(build(changes), as_of=AS_OF)
    assert sorted(f.code for f in report.findings) == ["CP110", "RK002"]


def test_unused_waiver_is_rk003() -> None:
    """A valid waiver with nothing to exempt is reported as unused."""
    report = rk.check(build({"waivers": [_waiver()]}), as_of=AS_OF)
    assert [(f.code, f.severity) for f in report.findings] == [("RK003", Severity.INFO)]


def test_json_report_schema() -> None:
    """The JSON report carries the schema, findings with every field, and outcomes."""
    import json

    report = rk.check(build(replace("activities", "VT1", fee="5")), as_of=AS_OF)
    data = json.loads(report.to_json())
    assert data["schema"] == "reliefkit.report.v1"
    assert data["as_of"] == "2016-01-31"
    assert set(data["findings"][0]) == {
        "code",
        "severity",
        "subjects",
        "message",
        "message_zh",
        "citations",
        "evidence",
        "remedy",
    }
    assert data["findings"][0]["evidence"] == {"fee": "5.00"}
    assert data["outcomes"]["CP120"] == "fail"


# ---- admit -------------------------------------------------------------------------------
def test_admit_refuses_cross_township_solicitation() -> None:
    """A refused solicitation names CP101, its subjects, the evidence and the clause."""
    data = build()
    new = Solicitation(
        id="S9", activity_id="DR1", organizer_id="T1", target_id="D2", on="2015-10-03"
    )
    decision = rk.admit(data, new, as_of="2015-10-03")
    assert not decision.allowed
    (finding,) = decision.findings
    assert finding.identity == ("CP101", ("S9", "T1", "D2"))
    assert finding.evidence["relation"] == "township asks department"
    assert str(finding.citations[0]) == "county-plan §三(一)"
    assert "CP101" in decision.consulted and "CP110" not in decision.consulted


def test_admit_allows_compliant_donation() -> None:
    """An undesignated donation into an audited fund before the audit is allowed."""
    new = Donation(id="N9D", donor_id="E1", fund_id="F1", amount="100", on="2015-10-20")
    decision = rk.admit(build(), new, as_of="2015-10-20")
    assert decision.allowed and decision.findings == ()


def test_admit_warns_but_allows() -> None:
    """Warnings allow the record, with findings."""
    new = Activity(
        id="IT9", kind="inspection_tour", organizer_id="D1", on="2015-10-11", villages=("V2",)
    )
    decision = rk.admit(build(), new, as_of="2015-10-11")
    assert decision.allowed
    assert [f.identity for f in decision.findings] == [("CP124", ("IT9",))]


def test_admit_refuses_late_ceremony_whatever_the_as_of() -> None:
    """A ceremony dated 20 October is refused even when as_of is 10 October."""
    data = build({"activities": [a for a in tables()["activities"] if a.id != "CE2"]})
    late = Activity(
        id="CE9",
        kind="ceremony",
        organizer_id="T2",
        township_id="T2",
        on="2015-10-20",
        populous=True,
        in_seat=True,
        led_by="P2",
    )
    decision = rk.admit(data, late, as_of="2015-10-10")
    assert not decision.allowed
    assert [f.identity for f in decision.findings] == [("CP106", ("T2", "CE9"))]


def test_admit_refuses_overspending_disbursement() -> None:
    """A disbursement beyond the fund's balance is refused with CP122."""
    new = Disbursement(
        id="B9", fund_id="F1", amount="99999", purpose="housing", village_id="V3", on="2015-11-20"
    )
    decision = rk.admit(build(), new, as_of="2015-11-20")
    assert not decision.allowed
    assert "CP122" in {f.code for f in decision.findings}


def test_admit_matches_check_difference() -> None:
    """admit(D, r) finds what check(D + r) adds to check(D), for the rules consulted."""
    data = build(replace("activities", "VT1", fee="5"))
    records = [
        Solicitation(
            id="S9", activity_id="DR2", organizer_id="D1", target_id="E1", on="2015-10-03"
        ),
        Disbursement(id="B9", fund_id="F1", amount="4000", purpose="meals", on="2015-11-20"),
        Donation(
            id="N9D",
            donor_id="N1",
            fund_id="F1",
            activity_id="HR1",
            amount="10",
            on="2016-01-02",
            designated_village_id="V3",
            badge=False,
        ),
    ]
    for record in records:
        decision = rk.admit(data, record, as_of=AS_OF)
        before = {f.identity for f in rk.check(data, as_of=AS_OF).findings}
        after = rk.check(data.add(record), as_of=AS_OF).findings
        expected = {f.identity for f in after if f.code in decision.consulted} - before
        assert {f.identity for f in decision.findings} == expected, record.id


def test_admit_never_changes_the_dataset() -> None:
    """admit leaves the dataset as it was."""
    data = build()
    size = len(data)
    rk.admit(
        data,
        Donation(id="N9D", donor_id="E1", fund_id="F1", amount="1", on="2015-10-20"),
        as_of=AS_OF,
    )
    assert len(data) == size and data.get("N9D") is None


def test_admit_refuses_dangling_reference() -> None:
    """A new record naming an unknown fund is bad input, not a finding."""
    with pytest.raises(rk.IntegrityError, match="F404"):
        rk.admit(
            build(),
            Donation(id="N9D", donor_id="E1", fund_id="F404", amount="1", on="2015-10-20"),
            as_of=AS_OF,
        )


def test_dataset_add_shares_unchanged_tables() -> None:
    """add returns a new dataset sharing the tables it does not change; the changed table keeps
    its records in order, the new one last."""
    data = build()
    gift = Donation(id="N9D", donor_id="E1", fund_id="F1", amount="1", on="2015-10-20")
    more = data.add(gift)
    assert more.households is data.households
    assert list(more.donations) == [*data.donations, gift]
    assert more.get("N9D") is gift and data.get("N9D") is None


def test_waiver_applies_in_admit() -> None:
    """A valid waiver on the record's subject lets admit allow it."""
    data = build({"waivers": [_waiver(code="CP123", subject_id="S9")]})
    new = Solicitation(
        id="S9", activity_id="DR1", organizer_id="T1", target_id="E1", on="2015-10-03", quota="100"
    )
    decision = rk.admit(data, new, as_of="2015-10-03")
    assert decision.allowed and [w.finding.code for w in decision.waived] == ["CP123"]


_AMOUNTS = st.integers(min_value=1, max_value=2_000_000).map(Money.fen)
_DESIGNATIONS = st.sampled_from([None, "J1", "J2", "V1", "V3"])


@given(
    gifts=st.lists(st.tuples(_AMOUNTS, _DESIGNATIONS), max_size=4),
    payments=st.lists(st.tuples(_AMOUNTS, st.sampled_from([None, "J1", "J2"]),
                                st.sampled_from([None, "V1", "V3"])), max_size=4),
)  # fmt: skip
def test_incremental_ledger_equals_a_rebuilt_one(
    gifts: list[tuple[Money, str | None]], payments: list[tuple[Money, str | None, str | None]]
) -> None:
    """The ledger admit extends (O(new records)) equals the ledger built from scratch."""
    data = build()
    new: list[Any] = [
        Donation(id=f"XN{i}", donor_id="E1", fund_id="F1", amount=amount, on="2015-10-10",
                 designated_project_id=k if k and k.startswith("J") else None,
                 designated_village_id=k if k and k.startswith("V") else None)
        for i, (amount, k) in enumerate(gifts)
    ]  # fmt: skip
    new += [
        Disbursement(id=f"XB{i}", fund_id="F1", amount=amount, purpose="housing",
                     project_id=project, village_id=village, on="2015-11-10")
        for i, (amount, project, village) in enumerate(payments)
    ]  # fmt: skip
    extended = ledger(data.overlay(*new), "F1")
    rebuilt = ledger(data.add(*new), "F1")
    for name in ("received", "disbursed", "undesignated", "spent_other", "needed_from_pot"):
        assert getattr(extended, name) == getattr(rebuilt, name), name
    assert dict(extended.designated) == dict(rebuilt.designated)
    assert {k: v for k, v in extended.spent.items() if v} == {
        k: v for k, v in rebuilt.spent.items() if v
    }


def test_repeated_admits_agree_and_follow_the_dataset() -> None:
    """admit on the same dataset twice gives equal decisions; a dataset made from it by add is
    judged on its own records, and judging it changes nothing for the first."""
    data = build()
    big = Disbursement(id="XB", fund_id="F1", amount="9000", purpose="housing",
                       village_id="V1", on="2015-11-10")  # fmt: skip
    first = rk.admit(data, big, as_of="2015-11-10")
    assert [f.code for f in first.findings] == ["CP122"]
    assert rk.admit(data, big, as_of="2015-11-10") == first
    # After a gift the same payment fits.
    richer = data.add(Donation(id="XN", donor_id="E1", fund_id="F1", amount="9000",
                               on="2015-10-10"))  # fmt: skip
    assert rk.admit(richer, big, as_of="2015-11-10").allowed
    assert rk.admit(data, big, as_of="2015-11-10") == first


def test_replaced_rule_is_not_served_stale(monkeypatch: pytest.MonkeyPatch) -> None:
    """A rule replaced after check and admit have judged a dataset is the one they use on
    that same dataset next time, and the original is used again once it is put back."""
    from reliefkit.rules import county_plan

    data = build()
    household = Household(id="H9", village_id="V3", members=1, registered_poor=True)
    refused = rk.admit(data, household, as_of=AS_OF)
    assert [f.identity for f in refused.findings] == [("CP110", ("H9",))]
    grown = data.add(household)
    assert [f.code for f in rk.check(grown, as_of=AS_OF).findings] == ["CP110"]

    def lenient(ctx: object, key: object) -> list[object]:
        return []

    rule = get_rule("CP110")
    monkeypatch.setitem(county_plan.PACK.rules, "CP110", attrs.evolve(rule, judge=lenient))
    assert rk.admit(data, household, as_of=AS_OF).findings == ()
    assert rk.check(grown, as_of=AS_OF).findings == ()
    monkeypatch.undo()
    assert rk.admit(data, household, as_of=AS_OF) == refused
    assert [f.code for f in rk.check(grown, as_of=AS_OF).findings] == ["CP110"]
