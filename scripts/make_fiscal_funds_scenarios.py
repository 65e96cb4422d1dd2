"""Build the fiscal-funds pack's scenario folders (package data), from Python records.

    .venv/bin/python scripts/make_fiscal_funds_scenarios.py          # rewrite them in src/
    .venv/bin/python scripts/make_fiscal_funds_scenarios.py --check  # exit 1 if not current

Each scenario is the smallest campaign that breaks one rule of pack FF (fiscal poverty
funds): a township with a poor village, the audit bureau, a fiscal fund, and the few records
that plant the problem. The expected findings and their subjects are written here from the
catalogue (pack FF of ``more-packs.md``) and from the records planted, never copied from
what ``check`` says; ``tests/test_pack_ff.py`` runs the folders through the same runner as
``reliefkit test`` (with a registry that holds the pack: it is not a default pack).

A scenario's data is what ``reliefkit.dump`` writes, minus the files of empty tables.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reliefkit.models import (
    Activity,
    Audit,
    Campaign,
    Department,
    Disbursement,
    Donation,
    Donor,
    Fund,
    Household,
    Person,
    Project,
    Township,
    Village,
    WorkPlan,
)
from reliefkit.scenarios import ScenarioSpec, scenarios_main

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "src" / "reliefkit" / "rules" / "fiscal_funds" / "scenarios"
FF = ("fiscal-funds",)

Records = list[Any]
# A scenario of the pack alone, judged at the end of 2017, unless told.
Spec = functools.partial(ScenarioSpec, packs=FF, as_of="2017-12-31")


def campaign(starts_on: str = "2017-08-01", ends_on: str = "2017-12-31") -> Campaign:
    """The campaign (2017 unless told)."""
    year = int(starts_on[:4])
    return Campaign(
        id="C1",
        name=f"扶贫日 {year}",
        year=year,
        county="青山县",
        starts_on=starts_on,
        ends_on=ends_on,
    )


def base(**dates: str) -> Records:
    """Township T1 with the poor village V1, and the audit bureau D9."""
    return [
        campaign(**dates),
        Township(id="T1", name="河口镇", kind="town"),
        Village(id="V1", name="石桥村", township_id="T1", poor=True),
        Department(id="D9", name="县审计局", sector="audit"),
    ]


def fiscal(allocated: str = "100000", **fields: Any) -> Fund:
    """Fiscal fund F1, held by a department, with its allocation."""
    return Fund(
        id="F1",
        name="财政专项扶贫资金",
        holder="department",
        fiscal=True,
        allocated=allocated,
        **fields,
    )


def pay(id: str, amount: str, purpose: str | None, on: str, **fields: Any) -> Disbursement:
    """A disbursement from F1, to the poor village V1 unless told."""
    fields = {"village_id": "V1", **fields}
    return Disbursement(id=id, fund_id="F1", amount=amount, purpose=purpose, on=on, **fields)


def audit(disbursed: str, on: str = "2017-12-01", received: str = "0") -> Audit:
    """The audit bureau D9's audit AU1 of F1 (after every movement)."""
    return Audit(
        id="AU1",
        fund_id="F1",
        auditor_id="D9",
        on=on,
        received_total=received,
        disbursed_total=disbursed,
    )


def clean_county_plan() -> Records:
    """A 2017 campaign that breaks no county-plan rule: township T1 (main leader P1) with its
    work plan and an on-time ceremony in a populous place of its seat; county leader P2 of
    the leading group D1 visits the registered poor household H1 on 15 October."""
    return [
        campaign(),
        Township(id="T1", name="河口镇", kind="town", main_leader_id="P1"),
        Department(id="D1", name="县扶贫开发领导小组办公室", sector="leading_group"),
        Department(id="D9", name="县审计局", sector="audit"),
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
            on="2017-10-16",
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
            on="2017-10-15",
            place="石桥村",
            led_by="P2",
            participants=("P2",),
            villages=("V1",),
            households=("H1",),
        ),
    ]


def specs() -> list[ScenarioSpec]:
    """One scenario per rule of the pack, and two that show its eras and its deferral."""
    return [
        Spec(
            "ff301-negative-list-spending",
            "Fiscal fund F1 pays DB1 for an office building in 2017, which the 2017 "
            "measures' negative list forbids; DB2 pays for a road.",
            [
                *base(),
                fiscal(),
                pay("DB1", "20000", "office_building", "2017-10-20"),
                pay("DB2", "30000", "infrastructure", "2017-10-21"),
                audit("50000"),
            ],
            # The disbursement, then its fund.
            (("FF301", ("DB1", "F1")),),
        ),
        Spec(
            "ff301-judged-by-the-list-of-its-day",
            "A campaign across the change of regime: bonuses are on the 2011 list only "
            "(DB1 in 2016 breaks it, DB2 in 2017 does not), large irrigation works on the "
            "2017 list only (DB3 in 2016 does not break it, DB4 in 2017 does).",
            [
                *base(starts_on="2016-08-01", ends_on="2017-03-31"),
                fiscal(),
                pay("DB1", "1000", "bonuses", "2016-11-01"),
                pay("DB2", "1000", "bonuses", "2017-01-10"),
                pay("DB3", "1000", "large_irrigation", "2016-11-01"),
                pay("DB4", "1000", "large_irrigation", "2017-01-10"),
                audit("4000", on="2017-03-20"),
            ],
            (("FF301", ("DB1", "F1")), ("FF301", ("DB4", "F1"))),
            as_of="2017-03-31",
        ),
        Spec(
            "ff302-management-fee-over-cap",
            "Fiscal fund F1, allocated 100,000 yuan, pays 1,100 yuan of project management "
            "fees in 2017 (DB1 600, DB2 500): above 1% (1,000).",
            [
                *base(),
                fiscal(),
                pay("DB1", "600", "management_fee", "2017-09-01", village_id=None),
                pay("DB2", "500", "management_fee", "2017-10-01", village_id=None),
                pay("DB3", "50000", "infrastructure", "2017-10-01"),
                audit("51100"),
            ],
            # The fund, then its management-fee disbursements.
            (("FF302", ("F1", "DB1", "DB2")),),
        ),
        Spec(
            "ff303-project-not-publicly-noticed",
            "Project J1, paid from fiscal fund F1, was posted on 25 August, 7 days before "
            "its funding was decided on 1 September (the notice runs 10 days); J2 was posted "
            "on 10 August and announced on 10 September.",
            [
                *base(),
                fiscal(),
                Project(
                    id="J1",
                    name="石桥村道路",
                    purpose="infrastructure",
                    village_id="V1",
                    published_on="2017-08-25",
                    approved_on="2017-09-01",
                    announced_on="2017-09-05",
                ),
                Project(
                    id="J2",
                    name="石桥村水池",
                    purpose="infrastructure",
                    village_id="V1",
                    published_on="2017-08-10",
                    approved_on="2017-09-01",
                    announced_on="2017-09-10",
                ),
                pay(
                    "DB1", "30000", "infrastructure", "2017-09-20", village_id=None, project_id="J1"
                ),
                pay(
                    "DB2", "20000", "infrastructure", "2017-09-20", village_id=None, project_id="J2"
                ),
                audit("50000"),
            ],
            (("FF303", ("J1",)),),
        ),
        Spec(
            "ff304-public-fund-not-audited",
            "Fiscal fund F1, allocated 100,000 yuan, paid DB1 and was never audited.",
            [*base(), fiscal(), pay("DB1", "30000", "infrastructure", "2017-10-20")],
            (("FF304", ("F1",)),),
        ),
        Spec(
            "ff304-defers-to-cp118",
            "Department D1 holds fund F1, which received DN1 and was never audited: with the "
            "county plan run too, the one problem is CP118's finding, and FF304 stays "
            "silent.",
            [
                *clean_county_plan(),
                Fund(id="F1", name="部门代收扶贫捐款", holder="department"),
                Donor(id="E1", name="青山建材有限公司", kind="private_enterprise"),
                Donation(id="DN1", donor_id="E1", fund_id="F1", amount="10000", on="2017-10-08"),
            ],
            (("CP118", ("F1",)),),
            packs=("county-plan", "fiscal-funds"),
        ),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    return scenarios_main({SCENARIOS: specs()}, argv, description=__doc__.splitlines()[0])


if __name__ == "__main__":
    sys.exit(main())
