"""The catalogue's reading notes, one flag and one near miss per reading.

Expectations come from the clause catalogue "county-plan" ("Reading notes", "Which rules
apply"), worked out by hand on the small campaign of `campaigns.py`.
"""

from __future__ import annotations

from typing import Any

import attrs
import pendulum
import pytest

import reliefkit as rk
from campaigns import CAMPAIGN, add, build, drop, replace, tables
from reliefkit.models import (
    Activity,
    Dataset,
    Pairing,
    Project,
    Solicitation,
    Waiver,
)
from reliefkit.report import Outcome

AS_OF = "2016-01-31"
CEREMONY_RULES = ["CP105", "CP106", "CP107"]


def _found(report: rk.Report) -> list[tuple[str, tuple[str, ...]]]:
    return [(f.code, f.subjects) for f in report.findings]


def _edited(table: str, **edits: dict[str, Any]) -> dict[str, list[Any]]:
    """The table with several records changed, by id: ``_edited("x", B1={"amount": "1"})``."""
    return {
        table: [attrs.evolve(r, **edits[r.id]) if r.id in edits else r for r in tables()[table]]
    }


def _joined(*changes: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """Changes to several tables at once (each table named by one change only)."""
    out: dict[str, list[Any]] = {}
    for change in changes:
        assert not set(change) & set(out), "two changes to one table: use _edited"
        out.update(change)
    return out


# ---- CP102: repeated solicitation concerns units only ----------------------------------------

SYMPOSIUM_D1 = Activity(id="SY1", kind="symposium", organizer_id="D1", on="2015-10-05")
SYMPOSIUM_LG = Activity(id="SY2", kind="symposium", organizer_id="LG", on="2015-10-06")


def _ask(sid: str, activity: str, organizer: str, target: str) -> Solicitation:
    return Solicitation(
        id=sid, activity_id=activity, organizer_id=organizer, target_id=target, on="2015-10-07"
    )


def test_cp102_enterprise_asked_through_two_activities_is_allowed() -> None:
    """An enterprise asked by a township drive and by a county appeal is not a CP102 subject."""
    # E1 is already asked by T1's drive DR1 (S1); D1's drive asks it too.
    data = build(add("solicitations", _ask("S9", "DR2", "D1", "E1")))
    assert _found(rk.check(data, as_of=AS_OF)) == []


def test_cp102_township_asked_through_two_activities_flags() -> None:
    """A township asked through a drive and a symposium is a repeat, pairing or not."""
    # T2 is asked by D1's drive DR2 (S2); D1 is paired with T2, and asks it again at a symposium.
    data = build(
        _joined(
            add("activities", SYMPOSIUM_D1),
            add("solicitations", _ask("S9", "SY1", "D1", "T2")),
        )
    )
    assert _found(rk.check(data, as_of=AS_OF)) == [("CP102", ("T2", "S2", "S9"))]


def test_cp102_same_activity_twice_is_allowed() -> None:
    """Two solicitations of a township through one activity are not a repeat."""
    data = build(add("solicitations", _ask("S9", "DR2", "D1", "T2")))
    assert _found(rk.check(data, as_of=AS_OF)) == []


def test_cp102_department_asked_through_two_activities_flags() -> None:
    """A department asked by another department's drive and the leading group's symposium."""
    data = build(
        _joined(
            add("activities", SYMPOSIUM_LG),
            add(
                "solicitations",
                _ask("S8", "DR2", "D1", "D2"),
                _ask("S9", "SY2", "LG", "D2"),
            ),
        )
    )
    assert _found(rk.check(data, as_of=AS_OF)) == [("CP102", ("D2", "S8", "S9"))]


def _t1_asked(first_activity: str, first_organizer: str) -> dict[str, list[Any]]:
    """T1 asked by D1's drive (D1 paired with T1), and its cadre K1D asked in another one."""
    return _joined(
        add("pairings", Pairing(department_id="D1", partner_id="T1")),
        add("activities", SYMPOSIUM_D1, Activity(id="SY3", kind="symposium", on="2015-10-05")),
        add(
            "solicitations",
            _ask("S8", first_activity, first_organizer, "K1D"),
            _ask("S9", "DR2", "D1", "T1"),
        ),
    )


def test_cp102_cadre_donor_stands_for_unit_flags() -> None:
    """Asking a township's cadre (donor with unit_id) counts as asking the township."""
    data = build(_t1_asked("SY1", "D1"))
    assert _found(rk.check(data, as_of=AS_OF)) == [("CP102", ("T1", "S8", "S9"))]


def test_cp102_cadre_donor_without_unit_is_not_a_unit() -> None:
    """A cadre donor without a unit_id stands for no unit, so T1 is asked once only."""
    changes = _joined(_t1_asked("SY1", "D1"), replace("donors", "K1D", unit_id=None))
    assert _found(rk.check(build(changes), as_of=AS_OF)) == []


def test_cp102_target_own_activity_is_left_out() -> None:
    """T1's own drive asking its cadre does not count towards T1's activities."""
    data = build(_t1_asked("DR1", "T1"))
    assert _found(rk.check(data, as_of=AS_OF)) == []


def test_cp102_activity_without_organiser_takes_the_solicitation_organiser() -> None:
    """An activity with no organiser is organised by the solicitation's organiser (here T1)."""
    data = build(_t1_asked("SY3", "T1"))
    assert _found(rk.check(data, as_of=AS_OF)) == []


# ---- CP105 / CP106 / CP107: ceremonies organised by a township ------------------------------


def _ceremony(organizer: str | None, township: str, **fields: Any) -> Activity:
    return Activity(
        id="CE9",
        kind="ceremony",
        organizer_id=organizer,
        township_id=township,
        on="2015-10-16",
        **fields,
    )


# Held without the township's main leader, at a place neither populous nor in the seat.
POOR_PLACE = {"place": "村委会", "populous": False, "in_seat": False}


def test_township_ceremony_without_leader_off_seat_flags() -> None:
    """A township's own ceremony without its main leader, off the seat: CP105 and CP107."""
    data = build(add("activities", _ceremony("T1", "T1", **POOR_PLACE)))
    report = rk.check(data, as_of=AS_OF, select=CEREMONY_RULES)
    assert _found(report) == [("CP105", ("CE9", "T1")), ("CP107", ("CE9", "T1"))]


@pytest.mark.parametrize("organizer", [None, "D1"])
def test_ceremony_not_organised_by_township_is_not_judged(organizer: str | None) -> None:
    """A ceremony with no organiser, or a department's, gets no CP105/CP107 finding."""
    data = build(add("activities", _ceremony(organizer, "T1", **POOR_PLACE)))
    assert _found(rk.check(data, as_of=AS_OF, select=CEREMONY_RULES)) == []


# Otherwise exemplary: T2's main leader leads it at a populous place in the seat, in time.
GOOD_PLACE = {"place": "乡政府广场", "populous": True, "in_seat": True, "led_by": "P2"}


@pytest.mark.parametrize("organizer", [None, "D1"])
def test_ceremony_not_organised_by_township_leaves_cp106_duty(organizer: str | None) -> None:
    """A ceremony the township did not organise does not meet its CP106 duty."""
    ceremony = _ceremony(organizer, "T2", **GOOD_PLACE)
    changes = {"activities": [*drop("activities", "CE2")["activities"], ceremony]}
    report = rk.check(build(changes), as_of=AS_OF, select=CEREMONY_RULES)
    assert _found(report) == [("CP106", ("T2",))]


def test_township_own_ceremony_meets_cp106_duty() -> None:
    """The same ceremony organised by the township meets its duty."""
    ceremony = _ceremony("T2", "T2", **GOOD_PLACE)
    changes = {"activities": [*drop("activities", "CE2")["activities"], ceremony]}
    assert _found(rk.check(build(changes), as_of=AS_OF, select=CEREMONY_RULES)) == []


# ---- CP115: a disbursement's village is its own, else its project's, else its household's ----

# B1 spends all of N1D's money on J1, so only N2D (designated to V1, ¥5,000) is at stake.
# Undesignated money U = ¥2,000.50; B3 (¥2,000 to J2) already draws on it.
PROJECT_J3 = Project(
    id="J3", name="红岩村水池", purpose="infrastructure", village_id="V1", published_on="2015-09-15"
)


def _b2_via(**fields: Any) -> dict[str, list[Any]]:
    """B2 (¥3,000) paid with no village_id of its own, through ``fields``."""
    b2 = {"village_id": None, "household_id": None, **fields}
    return _edited("disbursements", B1={"amount": "10000"}, B2=b2)


def test_cp115_follows_the_project_village() -> None:
    """A disbursement to a project in V1 honours a donation designated to V1."""
    changes = _joined(add("projects", PROJECT_J3), _b2_via(project_id="J3"))
    report = rk.check(build(changes), as_of=AS_OF, select=["CP115"])
    assert _found(report) == []
    assert report.outcomes["CP115"] is Outcome.PASS


def test_cp115_project_in_another_village_flags() -> None:
    """The same disbursement to a project in V2 uses V1's money elsewhere."""
    project = attrs.evolve(PROJECT_J3, village_id="V2")
    changes = _joined(add("projects", project), _b2_via(project_id="J3"))
    report = rk.check(build(changes), as_of=AS_OF, select=["CP115"])
    assert _found(report) == [("CP115", ("F1", "B2", "B3", "N2D"))]


def test_cp115_follows_the_household_village() -> None:
    """With no project, a disbursement to a household of V1 honours V1's designation."""
    report = rk.check(build(_b2_via(household_id="H1")), as_of=AS_OF, select=["CP115"])
    assert _found(report) == []
    assert report.outcomes["CP115"] is Outcome.PASS


def test_cp115_household_in_another_village_flags() -> None:
    """The same disbursement to a household of V2 uses V1's money elsewhere."""
    report = rk.check(build(_b2_via(household_id="H2")), as_of=AS_OF, select=["CP115"])
    assert _found(report) == [("CP115", ("F1", "B2", "B3", "N2D"))]


# ---- CP115 defers to CP122 on the same fund -------------------------------------------------

# Received ¥17,000.50; paid ¥27,000 (CP122). B1 pays N1D's project J1's money (¥20,000) to J2
# and B3 pays J2 too: N = ¥22,000 > U = ¥2,000.50 (CP115). B2 spends exactly N2D's ¥5,000 on V1.
OVERSPENT = _edited(
    "disbursements", B1={"amount": "20000", "project_id": "J2"}, B2={"amount": "5000"}
)
CP122_FINDING = ("CP122", ("F1", "B1", "B2", "B3"))
CP115_FINDING = ("CP115", ("F1", "B1", "B3", "N1D"))


def _fund_rules(report: rk.Report) -> list[tuple[str, tuple[str, ...]]]:
    return [f for f in _found(report) if f[0] in ("CP115", "CP122")]


def test_overspent_fund_is_cp122_only_and_cp115_not_applicable() -> None:
    """An overspent fund that also misuses designated money gives CP122 only; CP115 is n/a."""
    report = rk.check(build(OVERSPENT), as_of=AS_OF)
    assert _fund_rules(report) == [CP122_FINDING]
    assert report.outcomes["CP115"] is Outcome.NOT_APPLICABLE


@pytest.mark.parametrize(
    "how", [{"ignore": ["CP122"]}, {"select": ["CP115"]}], ids=["ignore", "select"]
)
def test_cp115_judges_alone_when_cp122_does_not_run(how: dict[str, list[str]]) -> None:
    """With CP122 not run, CP115 reports the misuse itself (outcome fail, never pass)."""
    report = rk.check(build(OVERSPENT), as_of=AS_OF, **how)
    assert _fund_rules(report) == [CP115_FINDING]
    assert report.outcomes["CP115"] is Outcome.FAIL


def _cp122_waiver(**fields: Any) -> dict[str, list[Any]]:
    """A waiver of CP122 on F1 by the leading group, valid on AS_OF unless ``fields`` say."""
    valid = {"reason": "补拨资金在途", "granted_by": "LG", "until": "2016-06-30"}
    return {"waivers": [Waiver(code="CP122", subject_id="F1", **{**valid, **fields})]}


def test_cp115_judges_alone_when_cp122_is_waived() -> None:
    """With CP122 validly waived on the fund, CP115 reports the misuse itself."""
    report = rk.check(build(_joined(OVERSPENT, _cp122_waiver())), as_of=AS_OF)
    assert _fund_rules(report) == [CP115_FINDING]
    assert [(w.finding.code, w.finding.subjects) for w in report.waived] == [CP122_FINDING]
    assert report.outcomes["CP115"] is Outcome.FAIL


@pytest.mark.parametrize(
    ("fields", "engine_code"),
    [({"until": "2016-01-30"}, "RK002"), ({"granted_by": "D1"}, "RK001")],
    ids=["expired", "not-leading-group"],
)
def test_cp115_still_defers_when_cp122_waiver_is_not_valid(
    fields: dict[str, str], engine_code: str
) -> None:
    """An expired or wrongly granted CP122 waiver waives nothing: CP122 only, CP115 n/a."""
    report = rk.check(build(_joined(OVERSPENT, _cp122_waiver(**fields))), as_of=AS_OF)
    assert _fund_rules(report) == [CP122_FINDING]
    assert (engine_code, ("CP122:F1",)) in _found(report)
    assert report.outcomes["CP115"] is Outcome.NOT_APPLICABLE


# ---- CP112-CP114: one classification, not a deferral ----------------------------------------


def test_meals_is_cp114() -> None:
    """A disbursement for meals is an other expense: CP114, not CP112."""
    data = build(replace("disbursements", "B3", purpose="meals"))
    assert _found(rk.check(data, as_of=AS_OF)) == [("CP114", ("B3",))]


@pytest.mark.parametrize(
    ("purpose", "code"), [("meals", "CP114"), ("government_investment", "CP113")]
)
def test_ignoring_the_class_moves_nothing(purpose: str, code: str) -> None:
    """Ignoring the rule that classifies a disbursement leaves no finding for the other two."""
    data = build(replace("disbursements", "B3", purpose=purpose))
    assert _found(rk.check(data, as_of=AS_OF, ignore=[code])) == []


def test_waiving_cp114_moves_nothing() -> None:
    """Waiving CP114 on a meals disbursement leaves no CP112 or CP113 finding."""
    waiver = Waiver(code="CP114", subject_id="B3", granted_by="LG", until="2016-06-30")
    changes = _joined(replace("disbursements", "B3", purpose="meals"), {"waivers": [waiver]})
    report = rk.check(build(changes), as_of=AS_OF)
    assert _found(report) == []
    assert [(w.finding.code, w.finding.subjects) for w in report.waived] == [("CP114", ("B3",))]


# ---- A campaign that starts before the pack's range (in force from 2014-01-01) -------------


def _a_year_earlier(record: Any) -> Any:
    dates = {
        a.name: getattr(record, a.name).subtract(years=1)
        for a in attrs.fields(type(record))
        if isinstance(getattr(record, a.name), pendulum.Date)
    }
    return attrs.evolve(record, **dates)


def _straddling(**changes: dict[str, Any]) -> Dataset:
    """The small campaign moved to 2014, starting on 1 December 2013; ``changes`` by id."""
    campaign = attrs.evolve(CAMPAIGN, year=2014, starts_on="2013-12-01", ends_on="2014-12-31")
    shifted = {
        table: [
            attrs.evolve(r, **changes[r.id]) if r.id in changes else r
            for r in map(_a_year_earlier, rows)
        ]
        for table, rows in tables().items()
    }
    return Dataset.build(campaign, **shifted)


def test_campaign_starting_before_the_pack_is_checked() -> None:
    """A campaign from December 2013 into 2014 is judged by the county plan, without error."""
    report = rk.check(_straddling(), as_of="2015-01-31")
    assert report.rule_errors == {}
    assert _found(report) == []
    assert report.outcomes["CP106"] is Outcome.PASS


def test_straddling_campaign_late_ceremony_flags() -> None:
    """Its deadline is 17 October 2014: a ceremony on 20 October 2014 is late."""
    data = _straddling(CE2={"on": "2014-10-20"})
    report = rk.check(data, as_of="2015-01-31", select=["CP106"])
    assert _found(report) == [("CP106", ("T2", "CE2"))]


def test_straddling_campaign_ceremony_on_the_day_is_allowed() -> None:
    """A ceremony on 17 October 2014 meets the straddling campaign's deadline."""
    data = _straddling(CE2={"on": "2014-10-17"})
    assert _found(rk.check(data, as_of="2015-01-31", select=["CP106"])) == []
