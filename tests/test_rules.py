"""One test that flags and one that allows for every county-plan rule code."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from campaigns import add, build, drop, replace, tables
from reliefkit.engine import check
from reliefkit.models import (
    Activity,
    Audit,
    Disbursement,
    Donation,
    Pairing,
    Project,
    Solicitation,
    WorkTeam,
)
from reliefkit.report import Outcome
from reliefkit.rules import all_rules

AS_OF = "2016-01-31"

# code -> (changes to the compliant campaign, expected subjects of the one finding)
FLAGS: dict[str, tuple[Callable[[], dict[str, list[Any]]], tuple[str, ...]]] = {
    "CP101": (
        lambda: add(
            "solicitations",
            Solicitation(
                id="S9", activity_id="DR1", organizer_id="T1", target_id="D2", on="2015-10-03"
            ),
        ),
        ("S9", "T1", "D2"),
    ),
    # Township T2 is asked through D1's drive (S2) and again through D1's tour: the pairing
    # of D1 with T2 exempts from CP101, not from CP102.
    "CP102": (
        lambda: add(
            "solicitations",
            Solicitation(
                id="S9", activity_id="IT1", organizer_id="D1", target_id="T2", on="2015-10-03"
            ),
        ),
        ("T2", "S2", "S9"),
    ),
    "CP103": (lambda: replace("activities", "DR1", villages=("V3",)), ("DR1",)),
    "CP104": (
        lambda: {"work_plans": [w for w in tables()["work_plans"] if w.township_id != "T2"]},
        ("T2",),
    ),
    "CP105": (lambda: replace("activities", "CE1", led_by=None), ("CE1", "T1")),
    "CP106": (lambda: replace("activities", "CE2", on="2015-10-20"), ("T2", "CE2")),
    "CP107": (lambda: replace("activities", "CE1", in_seat=False), ("CE1", "T1")),
    "CP108": (
        lambda: add(
            "activities",
            Activity(id="LV2", kind="leader_visit", led_by="K1", on="2015-10-16", villages=("V1",)),
        ),
        ("LV2",),
    ),
    "CP109": (lambda: drop("work_teams", "W3"), ("V3",)),
    "CP110": (lambda: replace("households", "H3", responsible_person_id=None), ("H3",)),
    "CP111": (lambda: {"exit_plans": tables()["exit_plans"][:1]}, ("V3",)),
    "CP112": (lambda: replace("disbursements", "B3", purpose="other"), ("B3",)),
    "CP113": (lambda: replace("projects", "J2", government_obligated=True), ("B3", "J2")),
    "CP114": (lambda: replace("disbursements", "B3", purpose="meals"), ("B3",)),
    "CP115": (
        lambda: replace("disbursements", "B1", project_id="J2"),
        ("F1", "B1", "B3", "N1D", "N2D"),
    ),
    "CP116": (lambda: replace("projects", "J1", published_on="2015-10-10"), ("G1", "J1")),
    "CP117": (lambda: replace("donations", "N1D", badge=False), ("N1D", "E1")),
    "CP118": (lambda: replace("audits", "AU1", received_total="17000"), ("F1", "AU1")),
    "CP119": (lambda: replace("disbursements", "B3", project_id=None, village_id="V2"), ("B3",)),
    "CP120": (lambda: replace("activities", "VT1", fee="200"), ("VT1",)),
    "CP121": (lambda: replace("donors", "N1", home_township_id="T2"), ("N2D", "N1")),
    "CP122": (
        lambda: {
            **add(
                "disbursements",
                Disbursement(
                    id="B4",
                    fund_id="F1",
                    amount="5000",
                    purpose="housing",
                    village_id="V3",
                    on="2015-11-04",
                ),
            ),
            **replace("audits", "AU1", disbursed_total="18000"),
        },
        ("F1", "B1", "B2", "B3", "B4"),
    ),
    "CP123": (lambda: replace("solicitations", "S1", quota="500"), ("S1",)),
    "CP124": (lambda: replace("activities", "IT1", villages=("V2",)), ("IT1",)),
}

# code -> changes that look close to a violation but are allowed
ALLOWS: dict[str, Callable[[], dict[str, list[Any]]]] = {
    "CP101": lambda: add(
        "solicitations",
        Solicitation(
            id="S9", activity_id="DR2", organizer_id="D1", target_id="T2", on="2015-10-03"
        ),
    ),
    # The same second request made through the same drive as S2: one activity, no repeat.
    "CP102": lambda: add(
        "solicitations",
        Solicitation(
            id="S9", activity_id="DR2", organizer_id="D1", target_id="T2", on="2015-10-03"
        ),
    ),
    "CP103": lambda: replace("activities", "DR1", villages=("V1",)),
    "CP104": lambda: replace("work_plans", "T2#plan", tasks=1),
    "CP105": lambda: replace("activities", "CE1", led_by=None, participants=("K1", "P1")),
    "CP106": lambda: replace("activities", "CE2", on="2015-10-17"),
    # A department's ceremony, out of the seat (in_seat=False, the one fact CP107 reads that
    # flags when CE1 has it): only township ceremonies must be in the seat.
    "CP107": lambda: add(
        "activities",
        Activity(
            id="CE9",
            kind="ceremony",
            organizer_id="D1",
            on="2015-10-16",
            place="县委礼堂",
            populous=True,
            in_seat=False,
        ),
    ),
    "CP108": lambda: add(
        "activities",
        Activity(id="LV2", kind="leader_visit", led_by="CL", on="2015-11-20", villages=("V2",)),
    ),
    "CP109": lambda: add(
        "work_teams",
        WorkTeam(id="W9", village_id="V3", starts_on="2015-01-01", ends_on="2015-09-01"),
    ),
    "CP110": lambda: replace("households", "H2", responsible_person_id=None),
    "CP111": lambda: replace("exit_plans", "V3@2015-06-30", adopted_on="2015-12-31"),
    "CP112": lambda: replace("disbursements", "B3", purpose="orphan_relief"),
    # A government-obligated project (the flag CP113 reads, which flags when B3 pays J2) that
    # no raised money pays for.
    "CP113": lambda: add(
        "projects",
        Project(
            id="J3",
            name="白果村卫生室",
            purpose="infrastructure",
            village_id="V3",
            published_on="2015-09-15",
            government_obligated=True,
        ),
    ),
    "CP114": lambda: replace("disbursements", "B3", purpose="hardship_relief"),
    "CP115": lambda: replace("disbursements", "B3", amount="2000.50"),
    "CP116": lambda: replace("projects", "J1", published_on="2015-10-05"),
    "CP117": lambda: add(
        "donations",
        Donation(id="N4D", donor_id="E1", fund_id="F2", amount="100", on="2015-10-10", badge=False),
    ),
    "CP118": lambda: replace("audits", "AU1", on="2015-11-03"),
    "CP119": lambda: replace("disbursements", "B3", project_id=None, household_id="H3"),
    "CP120": lambda: replace("activities", "VT1", fee=None),
    "CP121": lambda: {
        **replace("donors", "N1", home_township_id="T2"),
        **replace("donations", "N2D", activity_id="DR1"),
    },
    "CP122": lambda: add(
        "disbursements",
        Disbursement(
            id="B4",
            fund_id="F1",
            amount="0.50",
            purpose="housing",
            village_id="V3",
            on="2015-11-04",
        ),
    ),
    "CP123": lambda: replace("solicitations", "S1", quota="0"),
    "CP124": lambda: replace("activities", "IT1", villages=("V2",), households=("H3",)),
}


def _extra_for(code: str) -> dict[str, list[Any]]:
    # Some allows need supporting records (a second fund for CP117, its own audit).
    if code == "CP117":
        return {
            "funds": [
                *tables()["funds"],
                __import__("reliefkit").models.Fund(
                    id="F2", name="另一基金", holder="designated_account"
                ),
            ],
            "audits": [
                *tables()["audits"],
                Audit(
                    id="AU2",
                    fund_id="F2",
                    auditor_id="AU",
                    on="2015-12-15",
                    received_total="100",
                    disbursed_total="0",
                ),
            ],
        }
    if code in ("CP115", "CP122"):
        return replace("audits", "AU1", disbursed_total="13000.50")
    return {}


def test_every_code_has_both_tests() -> None:
    """The flag and allow tables cover every registered county-plan code."""
    codes = {r.code for r in all_rules() if r.pack == "county-plan"}
    assert set(FLAGS) == codes
    assert set(ALLOWS) == codes


def test_compliant_campaign_has_no_finding() -> None:
    """The hand-written campaign passes every rule."""
    report = check(build(), as_of=AS_OF)
    assert report.findings == ()
    plan = {c: o for c, o in report.outcomes.items() if c.startswith("CP")}
    assert set(plan.values()) == {Outcome.PASS}
    # It has no waiver: the waiver rules have nothing to judge.
    assert {report.outcomes[c] for c in ("RK001", "RK002", "RK003")} == {Outcome.NOT_APPLICABLE}


@pytest.mark.parametrize("code", sorted(FLAGS))
def test_rule_flags(code: str) -> None:
    """Breaking the rule once gives exactly one finding, of that code, on the right subjects."""
    changes, subjects = FLAGS[code]
    report = check(build(changes()), as_of=AS_OF)
    assert [(f.code, f.subjects) for f in report.findings] == [(code, subjects)]
    finding = report.findings[0]
    assert finding.citations and finding.remedy and finding.message and finding.message_zh
    assert report.outcomes[code] is Outcome.FAIL


@pytest.mark.parametrize("code", sorted(ALLOWS))
def test_rule_allows(code: str) -> None:
    """A near miss of the rule gives no finding at all, and no rule fails on it."""
    changes = {**ALLOWS[code](), **_extra_for(code)}
    report = check(build(changes), as_of=AS_OF)
    assert report.findings == ()
    assert report.rule_errors == {}


def test_late_ceremony_flags_whatever_the_as_of() -> None:
    """A ceremony dated after 17 October breaks CP106 even when as_of is earlier."""
    report = check(
        build(replace("activities", "CE2", on="2015-10-20")), as_of="2015-10-10", select=["CP106"]
    )
    assert [f.subjects for f in report.findings] == [("T2", "CE2")]


def test_missing_ceremony_waits_for_the_day() -> None:
    """Before 17 October a township without a ceremony is not yet in breach."""
    changes = drop("activities", "CE2")
    early = check(build(changes), as_of="2015-10-17", select=["CP106"])
    late = check(build(changes), as_of="2015-10-18", select=["CP106"])
    assert early.findings == () and early.outcomes["CP106"] is Outcome.NOT_APPLICABLE
    assert [f.subjects for f in late.findings] == [("T2",)]


def test_ceremony_deadline_exclusive_parameter() -> None:
    """Read '前' as exclusive and a ceremony on 17 October is late."""
    report = check(
        build(), as_of=AS_OF, select=["CP106"], params={"ceremony_deadline_inclusive": False}
    )
    assert [f.subjects for f in report.findings] == [("T2", "CE2")]


def test_no_qualifying_visit_flags_the_campaign() -> None:
    """When the only visit is outside the window, CP108 names the campaign."""
    report = check(build(replace("activities", "LV1", on="2015-11-01")), as_of=AS_OF)
    assert [(f.code, f.subjects) for f in report.findings] == [("CP108", ("C15",))]


def test_visit_window_parameter() -> None:
    """Widening the visit window lets a November visit qualify."""
    report = check(
        build(replace("activities", "LV1", on="2015-11-01")),
        as_of=AS_OF,
        params={"visit_window": ("10-01", "11-30")},
    )
    assert report.findings == ()


def test_department_to_department_parameter() -> None:
    """Departments may ask departments unless the parameter forbids it."""
    changes = add(
        "solicitations",
        Solicitation(
            id="S9", activity_id="DR2", organizer_id="D1", target_id="D2", on="2015-10-03"
        ),
    )
    assert check(build(changes), as_of=AS_OF, select=["CP101"]).findings == ()
    strict = check(
        build(changes),
        as_of=AS_OF,
        select=["CP101"],
        params={"forbid_department_to_department": True},
    )
    assert [f.subjects for f in strict.findings] == [("S9", "D1", "D2")]


def test_cadre_donor_stands_for_unit() -> None:
    """Asking a township's cadre is asking the township (CP101)."""
    changes = add(
        "solicitations",
        Solicitation(
            id="S9", activity_id="DR2", organizer_id="D1", target_id="K1D", on="2015-10-03"
        ),
    )
    report = check(build(changes), as_of=AS_OF, select=["CP101"])
    assert [f.subjects for f in report.findings] == [("S9", "D1", "K1D")]


def test_village_pairing_exempts_township() -> None:
    """A department paired with a village may solicit that village's township."""
    changes = {
        **add(
            "solicitations",
            Solicitation(
                id="S9", activity_id="DR2", organizer_id="D2", target_id="T1", on="2015-10-03"
            ),
        ),
        **add("pairings", Pairing(department_id="D2", partner_id="V1")),
    }
    assert check(build(changes), as_of=AS_OF, select=["CP101"]).findings == ()


def test_overspent_fund_is_cp122_only() -> None:
    """A fund paying out more than it received gives CP122, not also CP115."""
    changes = replace("disbursements", "B1", amount="20000", project_id="J2")
    report = check(build(changes), as_of=AS_OF, select=["CP115", "CP122"])
    assert [f.code for f in report.findings] == ["CP122"]


def test_government_purpose_is_cp113_not_cp112() -> None:
    """One problem, one finding: government investment is CP113's alone."""
    report = check(
        build(replace("disbursements", "B3", purpose="government_investment")), as_of=AS_OF
    )
    assert [(f.code, f.subjects) for f in report.findings] == [("CP113", ("B3", "J2"))]


def test_audits_wait_for_campaign_end() -> None:
    """Before the campaign's last day a missing audit is not yet a breach."""
    changes = {"audits": []}
    assert check(build(changes), as_of="2015-12-30", select=["CP118"]).findings == ()
    due = check(build(changes), as_of="2015-12-31", select=["CP118"])
    assert [f.subjects for f in due.findings] == [("F1",)]


@pytest.mark.parametrize("code", ["CP111", "CP118"])
def test_due_day_counts_is_a_parameter(code: str) -> None:
    """By default a check as of the due day (the campaign's last day) is its closing review
    and reports a missing exit plan or audit; with ``due_day_counts=False`` the day must have
    passed, as for the ceremony deadline (CP106)."""
    changes = {"audits": []} if code == "CP118" else drop("exit_plans", "V3@2015-06-30")
    data = build(changes)
    strict = {"due_day_counts": False}
    on_due_day = check(data, as_of="2015-12-31", select=[code])
    assert [f.code for f in on_due_day.findings] == [code]
    assert check(data, as_of="2015-12-31", select=[code], params=strict).findings == ()
    after = check(data, as_of="2016-01-01", select=[code], params=strict)
    assert [f.code for f in after.findings] == [code]


def test_audit_after_the_due_day_is_late() -> None:
    """An audit dated after the campaign's last day does not meet CP118 at any as_of: before
    the due day (the audit lies ahead) and after it (it came too late)."""
    late = build(replace("audits", "AU1", on="2016-01-10"))
    for as_of in ("2015-12-20", "2015-12-31", "2016-02-01"):
        report = check(late, as_of=as_of, select=["CP118"])
        assert [(f.code, f.subjects) for f in report.findings] == [("CP118", ("F1", "AU1"))]
    on_time = check(build(), as_of="2015-12-20", select=["CP118"])
    assert on_time.findings == ()


def test_audit_by_non_audit_department_does_not_count() -> None:
    """Only a department of sector audit can audit a fund."""
    report = check(build(replace("audits", "AU1", auditor_id="D1")), as_of=AS_OF)
    assert [(f.code, f.subjects) for f in report.findings] == [("CP118", ("F1", "AU1"))]


def test_donation_after_audit_breaks_cp118() -> None:
    """An audit must be dated on or after the fund's last movement."""
    report = check(build(replace("audits", "AU1", on="2015-11-02")), as_of=AS_OF)
    assert [f.code for f in report.findings] == ["CP118"]


def test_goods_count_at_assessed_value() -> None:
    """A donation in kind counts at its amount in the fund's totals."""
    changes = {
        **add(
            "donations",
            Donation(
                id="N4D",
                donor_id="E1",
                fund_id="F1",
                amount="500",
                goods="棉被 50 床",
                on="2015-10-20",
            ),
        ),
        **replace("audits", "AU1", received_total="17500.50"),
    }
    assert check(build(changes), as_of=AS_OF).findings == ()


def test_unpublished_project_counts_as_unpublished() -> None:
    """A project with no publication date fails CP116 for its pledges."""
    report = check(build(replace("projects", "J1", published_on=None)), as_of=AS_OF)
    assert [(f.code, f.subjects) for f in report.findings] == [("CP116", ("G1", "J1"))]


def test_every_rule_is_explained_in_chinese() -> None:
    """Every rule has Chinese text for What it checks / Why it matters / Example / Compliant,
    and ``doc_in("zh")`` falls back to English only for the references."""
    for rule in all_rules():
        zh = rule.doc_in("zh")
        for section in ("What it checks", "Why it matters", "Example", "Compliant"):
            assert section in rule.doc_zh, (rule.code, section)
            assert any("\u4e00" <= ch <= "\u9fff" for ch in zh[section]), (rule.code, section)
        assert zh["References"] == rule.doc["References"]
        assert rule.doc_in("en") == rule.doc
