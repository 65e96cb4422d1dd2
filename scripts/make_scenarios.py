"""Build the scenario folders the built-in packs ship (package data), from Python records.

    .venv/bin/python scripts/make_scenarios.py          # rewrite them in src/
    .venv/bin/python scripts/make_scenarios.py --check  # exit 1 if they are not current

Each scenario is the smallest campaign that breaks one rule: a clean base (one township
with its work plan and ceremony, a county leader's visit to a registered poor household)
and the few records that plant the problem. The expected finding and its subjects are
written here from the catalogue (``county-plan.md``: the column "subjects") and from the
records planted, never copied from what ``check`` says; ``tests/test_scenarios.py`` runs
the folders through the same runner as ``reliefkit test``.

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
    Audit,
    Campaign,
    Department,
    Disbursement,
    Donation,
    Donor,
    ExitPlan,
    Fund,
    Household,
    Person,
    Pledge,
    Project,
    Solicitation,
    Township,
    Village,
    Waiver,
    WorkPlan,
    WorkTeam,
)
from reliefkit.scenarios import ScenarioSpec, scenarios_main

ROOT = Path(__file__).resolve().parents[1]
PACKS = {
    "county-plan": ROOT / "src" / "reliefkit" / "rules" / "county_plan" / "scenarios",
    "waivers": ROOT / "src" / "reliefkit" / "rules" / "waivers" / "scenarios",
    # The sample external pack's own rule (XCP101's scenarios come from `reliefkit new-pack`).
    "example-county": ROOT / "examples" / "county-pack" / "scenarios",
}
AS_OF = "2015-12-31"

Records = list[Any]
# Named, so that an installed pack run by default never changes a built-in scenario.
Spec = functools.partial(ScenarioSpec, as_of=AS_OF, packs=("county-plan",))


def base() -> Records:
    """A clean campaign: township T1 (main leader P1) with its work plan and an on-time
    ceremony in a populous place of its seat; county leader P2 of the leading group D1 visits
    village V1 and the registered poor household H1 (responsible person P1) on 15 October."""
    return [
        Campaign(
            id="C1",
            name="扶贫日 2015",
            year=2015,
            county="青山县",
            starts_on="2015-09-01",
            ends_on="2015-12-31",
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
            on="2015-10-16",
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
            on="2015-10-15",
            place="石桥村",
            led_by="P2",
            participants=("P2",),
            villages=("V1",),
            households=("H1",),
        ),
    ]


def without(records: Records, *keys: str) -> Records:
    """``records`` without those whose id or table is in ``keys``."""
    return [r for r in records if _key(r) not in keys and type(r).table not in keys]


def _key(record: Any) -> str:
    return str(record.id)


def swap(records: Records, key: str, **changes: Any) -> Records:
    """``records`` with the one of key ``key`` changed."""
    return [attrs.evolve(r, **changes) if _key(r) == key else r for r in records]


def second_township() -> Records:
    """Township T2 (main leader P3) with its own work plan and on-time ceremony, so that it
    is clean."""
    return [
        Township(id="T2", name="清溪乡", kind="township", main_leader_id="P3"),
        Person(id="P3", unit_id="T2", role="township_main_leader"),
        WorkPlan(township_id="T2", responsible_person_id="P3", tasks=1),
        Activity(
            id="A3",
            kind="ceremony",
            organizer_id="T2",
            township_id="T2",
            on="2015-10-15",
            place="乡政府广场",
            populous=True,
            in_seat=True,
            led_by="P3",
            participants=("P3",),
        ),
    ]


def fund(received: str, disbursed: str | None = None) -> Records:
    """Fund F1 of a charity, the enterprise donor E1, and the audit department D3's audit
    AU1 of the fund's totals on 1 December (after every movement; the caller adds the
    donations and disbursements whose totals these are)."""
    records: Records = [
        Fund(id="F1", name="扶贫日募捐专户", holder="charity"),
        Donor(id="E1", name="青山建材有限公司", kind="private_enterprise"),
        Department(id="D3", name="县审计局", sector="audit"),
    ]
    if disbursed is not None:
        records.append(
            Audit(
                id="AU1",
                fund_id="F1",
                auditor_id="D3",
                on="2015-12-01",
                received_total=received,
                disbursed_total=disbursed,
            )
        )
    return records


def gift(amount: str = "10000", **fields: Any) -> Donation:
    """E1's donation DN1 into F1 on 8 October, outside any activity."""
    return Donation(id="DN1", donor_id="E1", fund_id="F1", amount=amount, on="2015-10-08", **fields)


def payment(amount: str = "4000", **fields: Any) -> Disbursement:
    """Disbursement DB1 from F1 on 20 October; by default hardship relief for H1 (a registered
    poor household, so that it is targeted)."""
    fields = {"purpose": "hardship_relief", "household_id": "H1", **fields}
    return Disbursement(id="DB1", fund_id="F1", amount=amount, on="2015-10-20", **fields)


def drive(organizer: str = "T1", id: str = "DR1", on: str = "2015-10-01") -> Activity:
    """A donation drive organised (and held) in township T1, or by department D1."""
    return Activity(
        id=id,
        kind="donation_drive",
        organizer_id=organizer,
        township_id="T1",
        on=on,
        place="镇政府",
    )


def county_plan() -> list[ScenarioSpec]:
    """One scenario per county-plan rule."""
    b = base()
    dept = Department(id="D2", name="县农业委员会", sector="agriculture")
    specs = [
        Spec(
            "cp101-cross-township-solicitation",
            "Township T1 asks department D2, which is not paired with it, to donate.",
            [
                *b,
                dept,
                drive(),
                Solicitation(
                    id="S1", activity_id="DR1", organizer_id="T1", target_id="D2", on="2015-10-02"
                ),
            ],
            # Solicitation, organiser, target.
            (("CP101", ("S1", "T1", "D2")),),
        ),
        Spec(
            "cp102-duplicate-solicitation",
            "The leading group D1 asks department D2 through two drives (DR1 and DR2); "
            "department asking department is not CP101.",
            [
                *b,
                dept,
                drive("D1", "DR1"),
                drive("D1", "DR2", "2015-10-09"),
                Solicitation(
                    id="S1", activity_id="DR1", organizer_id="D1", target_id="D2", on="2015-10-02"
                ),
                Solicitation(
                    id="S2", activity_id="DR2", organizer_id="D1", target_id="D2", on="2015-10-09"
                ),
            ],
            # The target unit, then its solicitations through the counted activities, sorted.
            (("CP102", ("D2", "S1", "S2")),),
        ),
        Spec(
            "cp103-activity-outside-township",
            "Township T1 holds a donation drive in township T2.",
            [*b, *second_township(), attrs.evolve(drive(), township_id="T2")],
            (("CP103", ("DR1",)),),
        ),
        Spec(
            "cp104-missing-work-plan",
            "Township T1 has no work plan.",
            without(b, "work_plans"),
            (("CP104", ("T1",)),),
        ),
        Spec(
            "cp105-main-leader-absent-from-ceremony",
            "Township T1's ceremony A1 is led by cadre P4; the main leader P1 is not there.",
            [
                *swap(b, "A1", led_by="P4", participants=("P4",)),
                Person(id="P4", unit_id="T1", role="cadre"),
            ],
            # The ceremony, then the township.
            (("CP105", ("A1", "T1")),),
        ),
        Spec(
            "cp106-late-ceremony",
            "Township T1 holds its ceremony A1 on 20 October, after Poverty Alleviation Day.",
            swap(b, "A1", on="2015-10-20"),
            # The township, then its late ceremonies.
            (("CP106", ("T1", "A1")),),
        ),
        Spec(
            "cp107-ceremony-not-in-populous-seat",
            "Township T1's ceremony A1 is in its seat but not at a populous place.",
            swap(b, "A1", populous=False),
            # The ceremony, then the township.
            (("CP107", ("A1", "T1")),),
        ),
        Spec(
            "cp108-leader-visit-missing",
            "No county leader visits anyone: the campaign has no leader visit.",
            without(b, "A2"),
            # The campaign, when no qualifying visit took place.
            (("CP108", ("C1",)),),
        ),
        Spec(
            "cp109-poor-village-without-work-team",
            "Poor village V2 has an exit plan but no work team.",
            [
                *b,
                Village(id="V2", name="高山村", township_id="T1", poor=True),
                ExitPlan(village_id="V2", adopted_on="2015-11-20"),
            ],
            (("CP109", ("V2",)),),
        ),
        Spec(
            "cp110-poor-household-without-responsible-person",
            "Registered poor household H1 has no responsible person.",
            swap(b, "H1", responsible_person_id=None),
            (("CP110", ("H1",)),),
        ),
        Spec(
            "cp111-poor-village-without-exit-plan",
            "Poor village V2 has a work team but no exit plan by the end of the campaign.",
            [
                *b,
                Village(id="V2", name="高山村", township_id="T1", poor=True),
                WorkTeam(
                    id="WT1", village_id="V2", dispatched_by="D1", members=3, starts_on="2015-03-01"
                ),
            ],
            (("CP111", ("V2",)),),
        ),
        Spec(
            "cp112-purpose-not-poverty-relief",
            "Disbursement DB1 names the unclassified purpose 'other'.",
            [*b, *fund("10000", "4000"), gift(), payment(purpose="other")],
            (("CP112", ("DB1",)),),
        ),
        Spec(
            "cp113-pays-government-obligation",
            "Disbursement DB1 pays for project PR1, which the government must fund.",
            [
                *b,
                *fund("10000", "4000"),
                gift(),
                Project(
                    id="PR1",
                    name="通村公路",
                    purpose="infrastructure",
                    village_id="V1",
                    published_on="2015-09-10",
                    government_obligated=True,
                ),
                payment(purpose="infrastructure", project_id="PR1"),
            ],
            # The disbursement, then the project.
            (("CP113", ("DB1", "PR1")),),
        ),
        Spec(
            "cp114-pays-other-expenses",
            "Disbursement DB1 pays for meals.",
            [*b, *fund("10000", "4000"), gift(), payment(purpose="meals")],
            (("CP114", ("DB1",)),),
        ),
        Spec(
            "cp115-designation-not-honoured",
            "DN1 is given for project PR1, but F1 pays DB1 to household H1 instead, with no "
            "undesignated money to draw on.",
            [
                *b,
                *fund("10000", "4000"),
                Project(
                    id="PR1",
                    name="石桥村饮水工程",
                    purpose="infrastructure",
                    village_id="V1",
                    published_on="2015-09-10",
                ),
                gift(designated_project_id="PR1"),
                payment(),
            ],
            # The fund, the disbursements that drew on undesignated money, the directed
            # donations not spent on their designation.
            (("CP115", ("F1", "DB1", "DN1")),),
        ),
        Spec(
            "cp116-pledge-to-unpublished-project",
            "Enterprise E1 pledges to project PR1, which was never published.",
            [
                *b,
                Donor(id="E1", name="青山建材有限公司", kind="private_enterprise"),
                Project(id="PR1", name="石桥村饮水工程", purpose="infrastructure", village_id="V1"),
                Pledge(
                    id="PL1",
                    donor_id="E1",
                    project_id="PR1",
                    kind="donate",
                    amount="50000",
                    on="2015-10-10",
                ),
            ],
            # The pledge, then the project.
            (("CP116", ("PL1", "PR1")),),
        ),
        Spec(
            "cp117-no-honour-badge",
            "E1 gives DN1 in T1's donation drive DR1 and receives no honour badge.",
            [
                *b,
                *fund("10000", "0"),
                drive(),
                gift(activity_id="DR1", badge=False, receipt=True),
            ],
            # The donation, then the donor.
            (("CP117", ("DN1", "E1")),),
        ),
        Spec(
            "cp118-fund-not-audited",
            "Fund F1 received DN1 and was never audited.",
            [*b, *fund("10000"), gift()],
            # The fund, then its audits (none).
            (("CP118", ("F1",)),),
        ),
        Spec(
            "cp119-disbursement-not-targeted",
            "Disbursement DB1 pays village V1, which is not poor, for no poor household.",
            [
                *b,
                *fund("10000", "4000"),
                gift(),
                payment(purpose="infrastructure", household_id=None, village_id="V1"),
            ],
            (("CP119", ("DB1",)),),
        ),
        Spec(
            "cp120-training-not-free",
            "Township T1's vocational training A4 charges a fee of 50 yuan.",
            [
                *b,
                Activity(
                    id="A4",
                    kind="vocational_training",
                    organizer_id="T1",
                    township_id="T1",
                    on="2015-10-12",
                    place="镇农技站",
                    households=("H1",),
                    fee="50",
                ),
            ],
            (("CP120", ("A4",)),),
        ),
        Spec(
            "cp121-notable-gift-outside-hometown",
            "Local notable N1, from township T2, gives DN1 through T1's hometown-return "
            "activity A4 for village V1 of T1.",
            [
                *b,
                *second_township(),
                *fund("10000", "0"),
                Donor(id="N1", name="陈先生", kind="local_notable", home_township_id="T2"),
                Activity(
                    id="A4",
                    kind="hometown_return",
                    organizer_id="T1",
                    township_id="T1",
                    on="2015-10-05",
                    place="镇政府",
                ),
                Donation(
                    id="DN1",
                    donor_id="N1",
                    fund_id="F1",
                    activity_id="A4",
                    amount="10000",
                    on="2015-10-05",
                    designated_village_id="V1",
                    badge=True,
                    receipt=True,
                ),
            ],
            # The donation, then the donor.
            (("CP121", ("DN1", "N1")),),
        ),
        Spec(
            "cp122-fund-overspent",
            "Fund F1 received 10,000 yuan and paid out 12,000.",
            [*b, *fund("10000", "12000"), gift(), payment("12000")],
            # The fund, then its disbursements (CP115 defers to CP122 on the fund).
            (("CP122", ("F1", "DB1")),),
        ),
        Spec(
            "cp123-solicitation-with-quota",
            "The leading group D1 asks enterprise E1 for at least 5,000 yuan.",
            [
                *b,
                drive("D1"),
                Donor(id="E1", name="青山建材有限公司", kind="private_enterprise"),
                Solicitation(
                    id="S1",
                    activity_id="DR1",
                    organizer_id="D1",
                    target_id="E1",
                    on="2015-10-02",
                    quota="5000",
                ),
            ],
            (("CP123", ("S1",)),),
        ),
        Spec(
            "cp124-tour-visits-no-poor",
            "An inspection tour A4 visits only village V1, which is not poor.",
            [
                *b,
                Activity(
                    id="A4",
                    kind="inspection_tour",
                    organizer_id="D1",
                    township_id="T1",
                    on="2015-10-13",
                    place="石桥村",
                    villages=("V1",),
                ),
            ],
            (("CP124", ("A4",)),),
        ),
    ]
    return specs


def waivers() -> list[ScenarioSpec]:
    """One scenario per waiver rule."""
    b = base()
    return [
        Spec(
            "rk001-invalid-waiver",
            "Township T1, not the leading group, waives CP109 for village V1.",
            [
                *b,
                Waiver(
                    code="CP109",
                    subject_id="V1",
                    reason="因灾延期",
                    granted_by="T1",
                    until="2016-03-31",
                ),
            ],
            # A waiver's id is code:subject.
            (("RK001", ("CP109:V1",)),),
        ),
        Spec(
            "rk002-expired-waiver",
            "The leading group's waiver of CP110 for H1 ran until 30 November.",
            [
                *b,
                Waiver(
                    code="CP110",
                    subject_id="H1",
                    reason="因灾延期",
                    granted_by="D1",
                    until="2015-11-30",
                ),
            ],
            (("RK002", ("CP110:H1",)),),
        ),
        Spec(
            "rk003-unused-waiver",
            "The leading group waives CP109 for V1, which is not poor: nothing to exempt.",
            [
                *b,
                Waiver(
                    code="CP109",
                    subject_id="V1",
                    reason="因灾延期",
                    granted_by="D1",
                    until="2016-03-31",
                ),
            ],
            (("RK003", ("CP109:V1",)),),
        ),
    ]


def example_county() -> list[ScenarioSpec]:
    """The sample external pack's XCP102, alone and beside the county plan's CP123."""
    ask = Solicitation(
        id="S1",
        activity_id="DR1",
        organizer_id="D1",
        target_id="E1",
        on="2015-10-02",  # a Friday: XCP101 (no solicitation on Sunday) stays silent
        quota="5000",
    )
    enterprise = Donor(id="E1", name="青山建材有限公司", kind="private_enterprise")
    alone = [
        Campaign(
            id="C1",
            name="扶贫日 2015",
            year=2015,
            county="青山县",
            starts_on="2015-09-01",
            ends_on="2015-12-31",
        ),
        Township(id="T1", name="河口镇", kind="town"),
        Department(id="D1", name="县扶贫开发领导小组办公室", sector="leading_group"),
        drive("D1"),
        enterprise,
        ask,
    ]
    return [
        Spec(
            "xcp102-solicitation-names-an-amount",
            "The leading group D1 asks enterprise E1 for 5,000 yuan; the county pack runs alone.",
            alone,
            (("XCP102", ("S1",)),),
            packs=("example-county",),
        ),
        Spec(
            "xcp102-defers-to-cp123",
            "The same request beside the county plan: CP123 reports it, and XCP102, which "
            "defers to CP123, stays silent (one problem, one finding).",
            [*base(), drive("D1"), enterprise, ask],
            (("CP123", ("S1",)),),
            packs=("county-plan", "example-county"),
        ),
    ]


def specs() -> dict[Path, list[ScenarioSpec]]:
    """Every scenario of the built-in packs, by the folder it is written to."""
    return {
        PACKS["county-plan"]: county_plan(),
        PACKS["waivers"]: waivers(),
        PACKS["example-county"]: example_county(),
    }


def main(argv: Sequence[str] | None = None) -> int:
    return scenarios_main(specs(), argv, description=__doc__.splitlines()[0])


if __name__ == "__main__":
    sys.exit(main())
