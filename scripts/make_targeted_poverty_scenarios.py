"""Build the scenario folders of the targeted-poverty pack (package data), from Python records.

    .venv/bin/python scripts/make_targeted_poverty_scenarios.py          # rewrite them in src/
    .venv/bin/python scripts/make_targeted_poverty_scenarios.py --check  # exit 1 if stale

One scenario per TP rule, each the smallest campaign that breaks it: a clean base (township
T1 with its work plan and ceremony, a county leader's visit to registered poor household H1)
of the campaign's year, and the few records that plant the problem. Two more show the
overlaps with the county plan: with both packs run, CP109 and CP110 report the village and the
household, and TP403 and TP405 stay silent. The expected findings and their subjects are
written here from the catalogue (``more-packs.md``, TP table) and from what is planted, never
copied from what ``check`` says; ``tests/test_pack_tp.py`` runs the folders.

A scenario's data is what ``reliefkit.dump`` writes, minus the files of empty tables (an
absent file is a table with no records).
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs

from reliefkit.models import (
    Activity,
    Campaign,
    Department,
    ExitPlan,
    Household,
    Person,
    Township,
    Village,
    WorkPlan,
    WorkTeam,
)
from reliefkit.scenarios import ScenarioSpec, scenarios_main

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "src" / "reliefkit" / "rules" / "targeted_poverty" / "scenarios"
TP = "targeted-poverty"
CP = "county-plan"

Records = list[Any]
# A scenario of the pack alone, unless told.
Spec = functools.partial(ScenarioSpec, packs=(TP,))


def base(year: int) -> Records:
    """A clean campaign C1 of ``year`` (September to December): township T1 (main leader
    P1) with its work plan and an on-time ceremony; county leader P2 of the leading group D1
    visits village V1 and the registered poor household H1 (responsible person P1) on 15
    October."""
    return [
        Campaign(
            id="C1",
            name=f"扶贫日 {year}",
            year=year,
            county="青山县",
            starts_on=f"{year}-09-01",
            ends_on=f"{year}-12-31",
        ),
        Township(id="T1", name="河口镇", kind="town", main_leader_id="P1"),
        Department(id="D1", name="县扶贫开发领导小组办公室", sector="leading_group"),
        Person(id="P1", unit_id="T1", role="township_main_leader"),
        Person(id="P2", unit_id="D1", role="county_leader"),
        Village(id="V1", name="石桥村", township_id="T1", poor=False),
        Household(
            id="H1", village_id="V1", members=3, registered_poor=True, responsible_person_id="P1"
        ),
        WorkPlan(township_id="T1", responsible_person_id="P1", tasks=2),
        Activity(
            id="A1",
            kind="ceremony",
            organizer_id="T1",
            township_id="T1",
            on=f"{year}-10-16",
            place="镇文化广场",
            populous=True,
            in_seat=True,
            led_by="P1",
            participants=("P1",),
        ),
        Activity(
            id="A2",
            kind="leader_visit",
            organizer_id="D1",
            township_id="T1",
            on=f"{year}-10-15",
            place="石桥村",
            led_by="P2",
            participants=("P2",),
            villages=("V1",),
            households=("H1",),
        ),
    ]


def swap(records: Records, key: str, **changes: Any) -> Records:
    """``records`` with the one of id ``key`` changed."""
    return [attrs.evolve(r, **changes) if r.id == key else r for r in records]


def campaign(records: Records, **changes: Any) -> Records:
    """``records`` with the campaign changed."""
    return [attrs.evolve(r, **changes) if isinstance(r, Campaign) else r for r in records]


def poor_village(*, team: bool = True, **fields: Any) -> Records:
    """Poor village V2 of T1 with its exit plan and (unless told) its work team WT1."""
    records: Records = [
        Village(id="V2", name="高山村", township_id="T1", poor=True, **fields),
        ExitPlan(village_id="V2", adopted_on="2015-06-30"),
    ]
    if team:
        records.append(
            WorkTeam(
                id="WT1", village_id="V2", dispatched_by="D1", members=3, starts_on="2015-03-01"
            )
        )
    return records


EXIT_IN_ORDER: dict[str, Any] = {
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


def specs() -> list[ScenarioSpec]:
    """One scenario per TP rule, and the two overlaps with the county plan."""
    b15, b16, b17 = base(2015), base(2016), base(2017)
    no_team = [*b15, *poor_village(team=False)]
    alone = swap(b15, "H1", responsible_person_id=None)
    return [
        Spec(
            "tp401-registered-above-poverty-line",
            "Registered poor household H1 earned 3,000 yuan per head in 2013, not below that "
            "year's line of 2,736.",
            swap(b15, "H1", income_per_capita="3000", income_year=2013),
            (("TP401", ("H1",)),),
            "2015-12-31",
        ),
        Spec(
            "tp402-poor-village-fails-registration-tests",
            "Poor village V2 has 50 poor of 1,000 people (5%), below twice the provincial "
            "7.1%; its income and collective income meet the other tests.",
            [
                *b15,
                *poor_village(
                    population=1000,
                    poor_population=50,
                    income_per_capita="4000",
                    collective_income="0",
                ),
            ],
            (("TP402", ("V2",)),),
            "2015-12-31",
        ),
        Spec(
            "tp403-poor-village-without-stationed-team",
            "Poor village V2 has an exit plan but no work team; the pack runs alone.",
            no_team,
            (("TP403", ("V2",)),),
            "2015-12-31",
        ),
        Spec(
            "tp403-defers-to-cp109",
            "Poor village V2 has no work team; with the county plan run too, CP109 reports "
            "it and TP403 stays silent.",
            no_team,
            (("CP109", ("V2",)),),
            "2015-12-31",
            packs=(CP, TP),
        ),
        Spec(
            "tp404-work-team-understaffed-or-short",
            "Work team WT9, stationed in V1 from 2017-03-01 to 2019-02-28, has two members.",
            [
                *b17,
                WorkTeam(
                    id="WT9",
                    village_id="V1",
                    dispatched_by="D1",
                    members=2,
                    starts_on="2017-03-01",
                    ends_on="2019-02-28",
                ),
            ],
            (("TP404", ("WT9",)),),
            "2017-12-31",
        ),
        Spec(
            "tp405-poor-household-without-assistance-person",
            "Registered poor household H1 has no responsible person; the pack runs alone.",
            alone,
            (("TP405", ("H1",)),),
            "2015-12-31",
        ),
        Spec(
            "tp405-defers-to-cp110",
            "Registered poor household H1 has no responsible person; with the county plan run "
            "too, CP110 reports it and TP405 stays silent.",
            alone,
            (("CP110", ("H1",)),),
            "2015-12-31",
            packs=(CP, TP),
        ),
        Spec(
            "tp406-household-exit-unmet",
            "Household H1 exits on 2016-11-30 although its housing is not safe.",
            swap(b16, "H1", exited_on="2016-11-30", **{**EXIT_IN_ORDER, "secure_housing": False}),
            (("TP406", ("H1",)),),
            "2016-12-31",
        ),
        Spec(
            "tp407-village-exit-above-incidence",
            "Village V1 (western region) exits on 2016-12-20 with 40 of its 1,000 people "
            "still poor (4%), not below 3%.",
            swap(b16, "V1", exited_on="2016-12-20", population=1000, poor_population=40),
            (("TP407", ("V1",)),),
            "2016-12-31",
        ),
        Spec(
            "tp408-county-exit-unmet",
            "The county of campaign C1 exits on 2016-12-31 with 6 of 200 sampled exits "
            "wrong (3%); incidence (2.5%), omissions (1%) and approval (93%) meet the tests.",
            campaign(
                b16,
                exited_on="2016-12-31",
                population=100_000,
                poor_population=2_500,
                sampled_exits=200,
                wrong_exits=6,
                sampled_households=200,
                omissions=2,
                surveyed=200,
                approving=186,
            ),
            (("TP408", ("C1",)),),
            "2016-12-31",
        ),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    return scenarios_main({FOLDER: specs()}, argv, description=__doc__.splitlines()[0])


if __name__ == "__main__":
    sys.exit(main())
