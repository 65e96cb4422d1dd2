"""The targeted-poverty pack (TP): one flags and one allows test per code, era boundaries of the
dated rules, the overlaps with the county plan, absent columns, and laws checked with the
pack's recipes.

Expectations come from the catalogue (more-packs.md, TP table) and from counts computed here:
the line of 2013 income is 2,736 yuan; a poor village's rate is at least twice the provincial
rate (7.1% by default, so 14.2%) and its income below 60% of the provincial average (8,332 by
default, so 4,999.20); teams of 2017 have 3 members and two-year terms; exits from 2016-04-01
are judged; a village or county of the western region exits below 3% (2% elsewhere), with
wrong exits and omissions below 2% and approval of at least 90%.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaigns import CAMPAIGN, add, build, drop, replace
from reliefkit.engine import admit, check
from reliefkit.exceptions import ParameterError
from reliefkit.models import Dataset, Household, Money, Waiver, WorkTeam
from reliefkit.report import Outcome
from reliefkit.rules import Registry
from reliefkit.rules.county_plan import PACK as COUNTY_PLAN
from reliefkit.rules.targeted_poverty import PACK
from reliefkit.rules.waivers import PACK as WAIVERS
from reliefkit.testing import violating

TP = "targeted-poverty"
CP = "county-plan"
AS_OF = "2016-01-31"
LATER = "2018-01-31"


def registry() -> Registry:
    """The county plan (run by default), the waivers, and this pack (run when named)."""
    reg = Registry()
    reg.register(COUNTY_PLAN, default=True)
    reg.register(WAIVERS)
    reg.register(PACK)
    return reg


REG = registry()


def found(
    data: Dataset,
    *,
    packs: tuple[str, ...] = (TP,),
    as_of: str = AS_OF,
    params: Mapping[str, Any] | None = None,
    ignore: tuple[str, ...] = (),
) -> list[tuple[str, tuple[str, ...]]]:
    """``(code, subjects)`` of every finding of a check with these packs."""
    report = check(data, as_of=as_of, packs=list(packs), params=params, ignore=ignore, registry=REG)
    assert report.rule_errors == {}
    return [(f.code, f.subjects) for f in report.findings]


def outcome(data: Dataset, code: str, *, as_of: str = AS_OF) -> Outcome:
    """The outcome of one rule of this pack on ``data``."""
    return check(data, as_of=as_of, packs=[TP], registry=REG).outcomes[code]


def household(record_id: str, **fields: Any) -> dict[str, list[Any]]:
    """The households with one changed."""
    return replace("households", record_id, **fields)


def village(record_id: str, **fields: Any) -> dict[str, list[Any]]:
    """The villages with one changed."""
    return replace("villages", record_id, **fields)


def later(changes: dict[str, list[Any]], ends_on: str = "2017-12-31", **campaign: Any) -> Dataset:
    """The compliant campaign with ``changes``, running until ``ends_on`` (so that the rules
    of the exit mechanism and of 2017 are in force for it)."""
    return build(changes, ends_on=ends_on, **campaign)


# ---- the pack ------------------------------------------------------------------------------------
def test_pack_registers_beside_the_county_plan() -> None:
    """The pack registers next to county-plan and waivers, with its deferrals to CP109/CP110."""
    assert REG.pack("TP") is PACK
    assert {r.code for r in PACK} == {f"TP{n}" for n in range(401, 409)}
    assert REG.rule("TP403").defers_to == ("CP109",)
    assert REG.rule("TP405").defers_to == ("CP110",)
    assert REG.rule("TP403").scope is REG.rule("CP109").scope
    assert REG.rule("TP405").scope is REG.rule("CP110").scope


def test_rules_carry_catalogue_severities_and_eras() -> None:
    """Severities and eras follow the catalogue and the brief (exits from 2016-04-01, teams
    from 2017-01-01, the rest from 2014)."""
    severity = {r.code: r.severity.value for r in PACK}
    assert severity == {
        "TP401": "warning",
        "TP402": "warning",
        "TP403": "error",
        "TP404": "warning",
        "TP405": "error",
        "TP406": "error",
        "TP407": "error",
        "TP408": "error",
    }
    starts = {r.code: r.in_force.starts_on.isoformat() for r in PACK if r.in_force.starts_on}
    assert starts == {
        "TP401": "2014-01-01",
        "TP402": "2014-01-01",
        "TP403": "2014-01-01",
        "TP404": "2017-01-01",
        "TP405": "2014-01-01",
        "TP406": "2016-04-01",
        "TP407": "2016-04-01",
        "TP408": "2016-04-01",
    }
    for rule in PACK:
        assert rule.doc.keys() >= {"What it checks", "Why it matters", "Example", "Compliant"}
        assert set(rule.doc_zh) >= {"What it checks", "Why it matters", "Example", "Compliant"}


def test_unverified_values_are_marked() -> None:
    """Recalled provincial figures are marked R, secondary-copy values V2, and a finding that
    rests on them says so."""
    params = PACK.parameters
    assert params["provincial_poverty_rate"].confidence == "R"
    assert params["provincial_income"].confidence == "R"
    assert params["poverty_line"].confidence == "V2"
    assert params["region"].confidence == "V2"
    data = build(household("H1", income_per_capita="3000", income_year=2013))
    (finding,) = check(data, as_of=AS_OF, packs=[TP], registry=REG).findings
    assert any("poverty_line" in c and "[V2]" in c for c in finding.caveats)


def test_compliant_campaign_has_no_finding_and_nothing_applicable_without_columns() -> None:
    """The compliant campaign without the law columns gives no TP finding; the rules that
    need those columns are not applicable, never passed or failed."""
    data = build()
    assert found(data, packs=(CP, TP)) == []
    outcomes = check(data, as_of=AS_OF, packs=[TP], registry=REG).outcomes
    for code in ("TP401", "TP402", "TP404", "TP406", "TP407", "TP408"):
        assert outcomes[code] is Outcome.NOT_APPLICABLE, code
    assert outcomes["TP403"] is Outcome.PASS
    assert outcomes["TP405"] is Outcome.PASS


def test_parameter_overrides_are_checked() -> None:
    """An override the rules cannot read is refused, naming the parameter."""
    data = build()
    bad: list[dict[str, Any]] = [
        {"region": "northern"},
        {"exit_incidence_max": Decimal("2")},
        {"poverty_line": {"2013": Money(2736)}},
    ]
    for params in bad:
        with pytest.raises(ParameterError, match=next(iter(params))):
            check(data, as_of=AS_OF, packs=[TP], params=params, registry=REG)


# ---- TP401 ---------------------------------------------------------------------------------------
def test_tp401_flags_income_above_the_line() -> None:
    """A registered poor household with 3,000 yuan of 2013 income is above 2,736."""
    data = build(household("H1", income_per_capita="3000", income_year=2013))
    assert found(data) == [("TP401", ("H1",))]


def test_tp401_flags_income_on_the_line() -> None:
    """Exactly 2,736 yuan is not below the 2013 line."""
    data = build(household("H1", income_per_capita="2736", income_year=2013))
    assert found(data) == [("TP401", ("H1",))]


def test_tp401_allows_income_below_the_line() -> None:
    """2,735.99 yuan of 2013 income is below 2,736."""
    data = build(household("H1", income_per_capita="2735.99", income_year=2013))
    assert found(data) == []


def test_tp401_unknown_year_or_absent_income_is_not_applicable() -> None:
    """A year without a line in the parameter (2014), or an empty income, is not judged;
    adding the year's line by override judges it."""
    data = build(household("H1", income_per_capita="3000", income_year=2014))
    assert found(data) == []
    assert outcome(data, "TP401") is Outcome.NOT_APPLICABLE
    lines = {**PACK.parameters["poverty_line"].latest, 2014: Money(2800)}
    assert found(data, params={"poverty_line": lines}) == [("TP401", ("H1",))]
    assert found(build(household("H1", income_year=2013))) == []


def test_tp401_ignores_households_not_registered() -> None:
    """A household not registered poor may earn anything."""
    data = build(household("H2", income_per_capita="9000", income_year=2013))
    assert found(data) == []


# ---- TP402 ---------------------------------------------------------------------------------------
def test_tp402_flags_a_low_poverty_rate() -> None:
    """50 poor of 1,000 (5%) is below twice the provincial 7.1% (14.2%)."""
    data = build(village("V1", population=1000, poor_population=50))
    assert found(data) == [("TP402", ("V1",))]


def test_tp402_rate_boundary_is_exact() -> None:
    """142 of 1,000 is exactly 14.2%: it meets the test; 141 does not."""
    assert found(build(village("V1", population=1000, poor_population=142))) == []
    assert found(build(village("V1", population=1000, poor_population=141))) == [("TP402", ("V1",))]


def test_tp402_flags_income_not_below_sixty_percent() -> None:
    """4,999.20 yuan is 60% of 8,332: not below it; 4,999.19 is."""
    assert found(build(village("V1", income_per_capita="4999.20"))) == [("TP402", ("V1",))]
    assert found(build(village("V1", income_per_capita="4999.19"))) == []


def test_tp402_flags_collective_income() -> None:
    """A collective income of 1 yuan fails the third test; 0 meets it."""
    assert found(build(village("V3", collective_income="1"))) == [("TP402", ("V3",))]
    assert found(build(village("V3", collective_income="0"))) == []


def test_tp402_allows_a_village_meeting_all_three_tests() -> None:
    """200 of 1,000 poor (20%), 4,000 yuan per head and no collective income meet all three."""
    changes = village(
        "V1", population=1000, poor_population=200, income_per_capita="4000", collective_income="0"
    )
    assert found(build(changes)) == []


def test_tp402_ignores_villages_not_poor_exited_or_without_figures() -> None:
    """A village not poor, a village that exited (its counts are its exit's), and a poor
    village without figures are not judged."""
    assert found(build(village("V2", population=1000, poor_population=0))) == []
    exited = village("V1", population=1000, poor_population=10, exited_on="2015-11-30")
    assert found(build(exited)) == []
    assert outcome(build(), "TP402") is Outcome.NOT_APPLICABLE
    empty = build(village("V1", population=0, poor_population=0))
    assert found(empty) == []
    assert outcome(empty, "TP402") is Outcome.NOT_APPLICABLE


# ---- TP403 (defers to CP109) ---------------------------------------------------------------------
def test_tp403_flags_a_poor_village_without_a_team() -> None:
    """Run alone, the pack reports poor village V3 once its only team W3 is gone."""
    data = build(drop("work_teams", "W3"))
    assert found(data) == [("TP403", ("V3",))]


def test_tp403_defers_to_cp109_when_both_packs_run() -> None:
    """With the county plan, one problem gives one finding: CP109's, on the same village."""
    data = build(drop("work_teams", "W3"))
    assert found(data, packs=(CP, TP)) == [("CP109", ("V3",))]
    report = check(data, as_of=AS_OF, packs=[CP, TP], registry=REG)
    assert report.outcomes["TP403"] is Outcome.NOT_APPLICABLE


def test_tp403_reports_when_cp109_is_ignored_or_waived() -> None:
    """When CP109 does not report the village (ignored, or waived), TP403 judges it."""
    data = build(drop("work_teams", "W3"))
    assert found(data, packs=(CP, TP), ignore=("CP109",)) == [("TP403", ("V3",))]
    waiver = Waiver(code="CP109", subject_id="V3", granted_by="LG", until="2016-06-30")
    waived = build({**drop("work_teams", "W3"), "waivers": [waiver]})
    assert found(waived, packs=(CP, TP)) == [("TP403", ("V3",))]


def test_tp403_allows_a_team_overlapping_the_first_day_and_two_teams() -> None:
    """A team ending on the campaign's first day counts; two teams are not a breach."""
    data = build(replace("work_teams", "W3", ends_on="2015-09-01"))
    assert found(data) == []
    second = WorkTeam(id="W4", village_id="V3", members=3, starts_on="2015-06-01")
    assert found(build(add("work_teams", second))) == []


# ---- TP404 (teams stationed from 2017) -----------------------------------------------------------
def team(**fields: Any) -> dict[str, list[Any]]:
    """The work teams with W9 added in V1 (3 members, 2017-03-01 to 2019-02-28 unless told)."""
    values: dict[str, Any] = {"members": 3, "starts_on": "2017-03-01", "ends_on": "2019-02-28"}
    values.update(fields)
    return add("work_teams", WorkTeam(id="W9", village_id="V1", **values))


def test_tp404_flags_a_team_of_two() -> None:
    """A 2017 team of two members is too small."""
    assert found(later(team(members=2)), as_of=LATER) == [("TP404", ("W9",))]


def test_tp404_flags_a_term_short_by_a_day() -> None:
    """2017-03-01 to 2019-02-27 is a day short of two years."""
    assert found(later(team(ends_on="2019-02-27")), as_of=LATER) == [("TP404", ("W9",))]


def test_tp404_allows_three_members_for_two_full_years() -> None:
    """2017-03-01 to 2019-02-28 is two years, both ends counted; an open team is not judged
    on its term."""
    assert found(later(team()), as_of=LATER) == []
    assert found(later(team(ends_on=None)), as_of=LATER) == []


def test_tp404_era_starts_on_2017_01_01() -> None:
    """A small team stationed on 2016-12-31 is not judged; one on 2017-01-01 is."""
    before = later(team(members=2, starts_on="2016-12-31", ends_on="2018-12-31"))
    assert found(before, as_of=LATER) == []
    on_day = later(team(members=2, starts_on="2017-01-01", ends_on="2018-12-31"))
    assert found(on_day, as_of=LATER) == [("TP404", ("W9",))]


def test_tp404_not_in_force_for_a_2015_campaign() -> None:
    """A 2015 campaign is not judged by the 2017 guideline, whatever its records say."""
    data = build(team(members=2))
    assert found(data, as_of=LATER) == []
    assert outcome(data, "TP404", as_of=LATER) is Outcome.NOT_APPLICABLE


def test_tp404_absent_size_and_end_is_not_applicable() -> None:
    """A 2017 team with neither members nor an end recorded is not judged."""
    data = later(team(members=None, ends_on=None))
    assert found(data, as_of=LATER) == []


# ---- TP405 (defers to CP110) ---------------------------------------------------------------------
def test_tp405_flags_a_poor_household_without_a_responsible_person() -> None:
    """Run alone, the pack reports H3 without a responsible person."""
    data = build(household("H3", responsible_person_id=None))
    assert found(data) == [("TP405", ("H3",))]


def test_tp405_defers_to_cp110_when_both_packs_run() -> None:
    """With the county plan, one problem gives one finding: CP110's, on the same household."""
    data = build(household("H3", responsible_person_id=None))
    assert found(data, packs=(CP, TP)) == [("CP110", ("H3",))]


def test_tp405_allows_a_named_person_and_ignores_households_not_registered() -> None:
    """H3 with cadre K1 is fine; H2, not registered poor, needs no one."""
    assert found(build(household("H3", responsible_person_id="K1"))) == []
    assert found(build(household("H2", responsible_person_id=None))) == []


# ---- TP406 (household exits from 2016-04-01) -----------------------------------------------------
EXIT_OK: dict[str, Any] = {
    "exited_on": "2016-11-30",
    "exit_income": "3500",
    "secure_food": True,
    "secure_clothing": True,
    "secure_education": True,
    "secure_medical": True,
    "secure_housing": True,
    "exit_reviewed": True,
    "exit_verified": True,
    "exit_acknowledged": True,
    "exit_noticed": True,
    "exit_objection": False,
}
LINES_2016 = {2013: Money(2736), 2015: Money(2855), 2016: Money(2952)}


def exit_of(**fields: Any) -> Dataset:
    """H1 exits (in order unless told) in a campaign running to the end of 2016."""
    return later(household("H1", **{**EXIT_OK, **fields}), ends_on="2016-12-31")


def test_tp406_allows_an_exit_in_order() -> None:
    """Five assurances, four steps and no objection: a proper exit."""
    assert found(exit_of(), as_of=LATER) == []


@pytest.mark.parametrize(
    "fields",
    [
        {"secure_housing": False},
        {"secure_food": False, "secure_medical": False},
        {"exit_reviewed": False},
        {"exit_noticed": False},
        {"exit_objection": True},
    ],
)
def test_tp406_flags_a_missing_assurance_step_or_an_objection(fields: dict[str, Any]) -> None:
    """An assurance or step recorded as missing, or an objection, fails the exit."""
    assert found(exit_of(**fields), as_of=LATER) == [("TP406", ("H1",))]


def test_tp406_income_must_be_above_the_line_of_the_exit_year() -> None:
    """With 2016's line given (2,952), 2,952 yuan is not above it and 2,952.01 is; without
    a 2016 line (the default), the income is not judged."""
    on_line = exit_of(exit_income="2952")
    assert found(on_line, as_of=LATER, params={"poverty_line": LINES_2016}) == [("TP406", ("H1",))]
    above = exit_of(exit_income="2952.01")
    assert found(above, as_of=LATER, params={"poverty_line": LINES_2016}) == []
    assert found(on_line, as_of=LATER) == []


def test_tp406_era_starts_on_2016_04_01() -> None:
    """An exit on 2016-03-31 without safe housing is not judged; on 2016-04-01 it is."""
    assert found(exit_of(exited_on="2016-03-31", secure_housing=False), as_of=LATER) == []
    on_day = exit_of(exited_on="2016-04-01", secure_housing=False)
    assert found(on_day, as_of=LATER) == [("TP406", ("H1",))]


def test_tp406_absent_columns_give_no_finding() -> None:
    """An exit with nothing else recorded, or flags without an exit, are not judged."""
    bare = later(household("H1", exited_on="2016-11-30"), ends_on="2016-12-31")
    assert found(bare, as_of=LATER) == []
    no_exit = later(household("H1", secure_housing=False), ends_on="2016-12-31")
    assert found(no_exit, as_of=LATER) == []
    assert outcome(no_exit, "TP406", as_of=LATER) is Outcome.NOT_APPLICABLE


# ---- TP407 (village exits from 2016-04-01) -------------------------------------------------------
def village_exit(poor: int, *, on: str = "2016-12-20", population: int = 1000) -> Dataset:
    """V1 exits with ``poor`` of ``population`` people still poor."""
    changes = village("V1", exited_on=on, population=population, poor_population=poor)
    return later(changes, ends_on="2016-12-31")


def test_tp407_flags_three_percent_in_the_western_region() -> None:
    """30 of 1,000 (3%) is not below the western 3%."""
    assert found(village_exit(30), as_of=LATER) == [("TP407", ("V1",))]


def test_tp407_allows_just_below_three_percent() -> None:
    """29 of 1,000 (2.9%) is below 3%."""
    assert found(village_exit(29), as_of=LATER) == []


def test_tp407_other_regions_exit_below_two_percent() -> None:
    """Outside the western region, 20 of 1,000 (2%) fails and 19 passes."""
    central = {"region": "central"}
    assert found(village_exit(20), as_of=LATER, params=central) == [("TP407", ("V1",))]
    assert found(village_exit(19), as_of=LATER, params=central) == []


def test_tp407_era_starts_on_2016_04_01() -> None:
    """A village exiting on 2016-03-31 at 5% is not judged; on 2016-04-01 it is."""
    assert found(village_exit(50, on="2016-03-31"), as_of=LATER) == []
    assert found(village_exit(50, on="2016-04-01"), as_of=LATER) == [("TP407", ("V1",))]


def test_tp407_absent_counts_give_no_finding() -> None:
    """An exited village without its counts is not judged."""
    data = later(village("V1", exited_on="2016-12-20"), ends_on="2016-12-31")
    assert found(data, as_of=LATER) == []


# ---- TP408 (county exits from 2016-04-01) --------------------------------------------------------
COUNTY_OK: dict[str, Any] = {
    "exited_on": "2016-12-31",
    "population": 100_000,
    "poor_population": 2_500,
    "sampled_exits": 200,
    "wrong_exits": 2,
    "sampled_households": 200,
    "omissions": 2,
    "surveyed": 200,
    "approving": 186,
}


def county(**fields: Any) -> Dataset:
    """The county of campaign C15 exits at the end of 2016 (in order unless told)."""
    return later({}, ends_on="2016-12-31", **{**COUNTY_OK, **fields})


def test_tp408_allows_an_exit_meeting_the_four_tests() -> None:
    """2.5% incidence, 1% wrong exits, 1% omissions and 93% approval meet the tests."""
    assert found(county(), as_of=LATER) == []


@pytest.mark.parametrize(
    "fields",
    [
        {"poor_population": 3_000},  # 3%, not below the western 3%
        {"wrong_exits": 4},  # 2% of 200
        {"omissions": 4},  # 2% of 200
        {"approving": 179},  # 89.5%
    ],
)
def test_tp408_flags_each_failed_test(fields: dict[str, Any]) -> None:
    """Each test failed on its own (at its boundary) fails the county's exit."""
    assert found(county(**fields), as_of=LATER) == [("TP408", (CAMPAIGN.id,))]


def test_tp408_allows_approval_of_exactly_ninety_percent() -> None:
    """180 of 200 approving is 90%: enough."""
    assert found(county(approving=180), as_of=LATER) == []


def test_tp408_era_starts_on_2016_04_01() -> None:
    """A county exiting on 2016-03-31 with 3% wrong exits is not judged; on 2016-04-01 it is."""
    assert found(county(exited_on="2016-03-31", wrong_exits=6), as_of=LATER) == []
    on_day = county(exited_on="2016-04-01", wrong_exits=6)
    assert found(on_day, as_of=LATER) == [("TP408", (CAMPAIGN.id,))]


def test_tp408_absent_counts_or_exit_give_no_finding() -> None:
    """An exit without counts, or counts without an exit, are not judged; a 2015 campaign is
    not judged by the exit mechanism at all."""
    bare = later({}, ends_on="2016-12-31", exited_on="2016-12-31")
    assert found(bare, as_of=LATER) == []
    counts = {k: v for k, v in COUNTY_OK.items() if k != "exited_on"}
    assert found(later({}, ends_on="2016-12-31", **{**counts, "wrong_exits": 6})) == []
    old = build(**{**COUNTY_OK, "wrong_exits": 6})
    assert found(old, as_of=LATER) == []
    assert outcome(old, "TP408", as_of=LATER) is Outcome.NOT_APPLICABLE


# ---- admit follows the same scopes ---------------------------------------------------------------
def test_admit_finds_what_check_adds() -> None:
    """Admitting a registered poor household above the line finds TP401 on it, as check of
    the changed campaign does."""
    data = build()
    new = Household(
        id="H9",
        village_id="V1",
        registered_poor=True,
        responsible_person_id="K1",
        income_per_capita="3000",
        income_year=2013,
    )
    decision = admit(data, new, as_of=AS_OF, packs=[TP], registry=REG)
    assert [(f.code, f.subjects) for f in decision.findings] == [("TP401", ("H9",))]
    assert found(build(add("households", new))) == [("TP401", ("H9",))]


def test_admit_follows_work_teams_and_removals() -> None:
    """Admitting a small 2017 team finds TP404 on it; removing a poor village's only team
    finds TP403 on the village (run alone), an obligation, which admit does not refuse."""
    data = later({})
    small = WorkTeam(id="W9", village_id="V1", members=2, starts_on="2017-03-01")
    decision = admit(data, small, as_of=LATER, packs=[TP], registry=REG)
    assert [(f.code, f.subjects) for f in decision.findings] == [("TP404", ("W9",))]
    decision = admit(build(), remove="W3", as_of=AS_OF, packs=[TP], registry=REG)
    assert [(f.code, f.subjects) for f in decision.findings] == [("TP403", ("V3",))]
    assert decision.allowed


# ---- laws ----------------------------------------------------------------------------------------
# Whole campaigns per example, eight codes over: a quarter of the profile's examples each.
LAW = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    max_examples=max(5, settings().max_examples // 4),
)
DEFERS = {"TP403": "CP109", "TP405": "CP110"}


@pytest.mark.parametrize("code", sorted(PACK.rules))
def test_violating_gives_exactly_that_finding(code: str) -> None:
    """violating(code) breaks the rule once: run alone the pack reports exactly it; with the
    county plan, the same subjects give the one finding of CP109/CP110 for the overlaps."""

    @LAW
    @given(violating(code, registry=REG))
    def check_one(case: tuple[Dataset, tuple[str, ...]]) -> None:
        data, subjects = case
        assert found(data, as_of="2015-12-31") == [(code, subjects)]
        both = found(data, packs=(CP, TP), as_of="2015-12-31")
        assert both == [(DEFERS.get(code, code), subjects)]

    check_one()


@settings(deadline=None)
@given(
    population=st.integers(1, 10_000),
    share=st.integers(0, 10_000),
    region=st.sampled_from(["eastern", "central", "western"]),
)
def test_village_exit_threshold_is_exact(population: int, share: int, region: str) -> None:
    """TP407 flags exactly when 100·poor ≥ 3·population in the west (2· elsewhere): integer
    arithmetic, no rounding."""
    poor = population * share // 10_000
    data = village_exit(poor, population=population)
    limit = 3 if region == "western" else 2
    expected = [("TP407", ("V1",))] if 100 * poor >= limit * population else []
    assert found(data, as_of=LATER, params={"region": region}) == expected


@settings(deadline=None)
@given(fen=st.integers(0, 1_000_000), year=st.sampled_from([2013, 2015]))
def test_registration_line_comparison_is_exact(fen: int, year: int) -> None:
    """TP401 flags exactly when the income in fen is at least the line in fen (273,600 for
    2013, 285,500 for 2015)."""
    line_fen = {2013: 273_600, 2015: 285_500}[year]
    data = build(household("H1", income_per_capita=Money.fen(fen), income_year=year))
    expected = [("TP401", ("H1",))] if fen >= line_fen else []
    assert found(data) == expected


# ---- scenarios -----------------------------------------------------------------------------------
SCENARIOS = Path(__file__).parents[1] / "src" / "reliefkit" / "rules" / "targeted_poverty"


def test_scenarios_pass() -> None:
    """Every scenario folder of the pack gives exactly its expected findings."""
    from reliefkit.scenarios import run_scenarios

    results = run_scenarios(SCENARIOS / "scenarios", registry=REG)
    codes = {f.code for r in results for f in r.found}
    assert codes >= set(PACK.rules) - {"TP403", "TP405"} | {"CP109", "CP110"}
    assert {"TP403", "TP405"} <= codes
    failed = [r for r in results if not r.passed]
    assert failed == [], failed


def test_registry_keeps_the_default_pack() -> None:
    """Registering the pack does not make it run by default (the lead decides that)."""
    assert REG.default_packs == ("county-plan",)
    data = build(household("H1", income_per_capita="3000", income_year=2013))
    assert check(data, as_of=AS_OF, registry=REG).findings == ()
