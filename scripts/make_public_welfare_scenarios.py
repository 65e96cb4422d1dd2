"""Build the scenario folders of the donations-law pack (PW), from Python records.

    .venv/bin/python scripts/make_public_welfare_scenarios.py          # rewrite them in src/
    .venv/bin/python scripts/make_public_welfare_scenarios.py --check  # exit 1 if stale

Each scenario is the smallest campaign that breaks one rule: a clean base (one township with
its work plan and on-time ceremony, a county leader's visit to a registered poor household,
in 2015 or, for the Charity Law's rules, in 2016) and the few records that plant the problem.
The expected findings and their subjects are written here from the catalogue
(``more-packs.md``, Pack PW) and from the records planted, never copied from what ``check``
says. A few more scenarios show the overlaps with the county plan (one problem, one finding)
and the Charity Law's first day. ``tests/test_pack_pw.py`` runs the folders.

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
    Fund,
    Household,
    Person,
    Pledge,
    Project,
    Solicitation,
    Township,
    Village,
    WorkPlan,
)
from reliefkit.scenarios import ScenarioSpec, scenarios_main

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "src" / "reliefkit" / "rules" / "public_welfare" / "scenarios"
BOTH = ("county-plan", "donations-law")
ONLY = ("donations-law",)

Records = list[Any]
# A scenario run with the county plan and the pack, unless told.
Spec = functools.partial(ScenarioSpec, packs=BOTH)


def base(year: int = 2015, starts_on: str | None = None) -> Records:
    """A clean campaign of ``year``: township T1 (main leader P1) with its work plan and an
    on-time ceremony in a populous place of its seat; county leader P2 of the leading group
    D1 visits village V1 and the registered poor household H1 (responsible person P1) on
    15 October; the audit department D3 and the enterprise donor E1."""
    return [
        Campaign(id="C1", name=f"扶贫日 {year}", year=year, county="青山县",
                 starts_on=starts_on or f"{year}-09-01", ends_on=f"{year}-12-31"),
        Township(id="T1", name="河口镇", kind="town", main_leader_id="P1"),
        Department(id="D1", name="县扶贫开发领导小组办公室", sector="leading_group"),
        Department(id="D3", name="县审计局", sector="audit"),
        Person(id="P1", unit_id="T1", role="township_main_leader"),
        Person(id="P2", unit_id="D1", role="county_leader"),
        Village(id="V1", name="石桥村", township_id="T1", poor=False),
        Household(id="H1", village_id="V1", members=3, registered_poor=True,
                  responsible_person_id="P1"),
        WorkPlan(township_id="T1", responsible_person_id="P1", tasks=2),
        Activity(id="A1", kind="ceremony", organizer_id="T1", township_id="T1",
                 on=f"{year}-10-16", place="镇文化广场", populous=True, in_seat=True,
                 led_by="P1", participants=("P1",)),
        Activity(id="A2", kind="leader_visit", organizer_id="D1", township_id="T1",
                 on=f"{year}-10-15", place="石桥村", led_by="P2", participants=("P2",),
                 villages=("V1",), households=("H1",)),
        Donor(id="E1", name="青山建材有限公司", kind="private_enterprise"),
    ]  # fmt: skip


def charity(fund_id: str = "F1", **fields: Any) -> Fund:
    """A fund of the county charity federation."""
    return Fund(id=fund_id, name="县慈善会扶贫专户", holder="charity", **fields)


def gift(on: str, amount: str = "10000", **fields: Any) -> Donation:
    """E1's donation DN1 into F1, outside any activity."""
    fields = {"donor_id": "E1", "fund_id": "F1", **fields}
    return Donation(id="DN1", amount=amount, on=on, **fields)


def audit(on: str, received: str, disbursed: str = "0") -> Audit:
    """The audit department's audit AU1 of F1's totals."""
    return Audit(id="AU1", fund_id="F1", auditor_id="D3", on=on, received_total=received,
                 disbursed_total=disbursed)  # fmt: skip


def drive(on: str = "2015-10-01", **fields: Any) -> Activity:
    """Township T1's donation drive DR1 in its own township."""
    return Activity(id="DR1", kind="donation_drive", organizer_id="T1", township_id="T1", on=on,
                    **fields)  # fmt: skip


def specs() -> list[ScenarioSpec]:
    """Every scenario of the pack."""
    b, b16 = base(), base(2016)
    return [
        Spec(
            "pw201-apportioned-giving",
            "Township T1's drive asks enterprise E1 for a gift deducted from its staff's wages "
            "(no quota: the county plan's CP123 is silent, PW201 reports).",
            [*b, drive(), Solicitation(id="S1", activity_id="DR1", organizer_id="T1",
                                       target_id="E1", on="2015-10-02", wage_deduction=True)],
            (("PW201", ("S1",)),),
            "2015-12-31",
        ),
        Spec(
            "pw201-quota-defers-to-cp123",
            "T1's solicitation S1 sets a quota of 500 yuan: with both packs run, CP123 reports "
            "it and PW201 defers (one problem, one finding).",
            [*b, drive(), Solicitation(id="S1", activity_id="DR1", organizer_id="T1",
                                       target_id="E1", on="2015-10-02", quota="500")],
            (("CP123", ("S1",)),),
            "2015-12-31",
        ),
        Spec(
            "pw202-unlawful-donee",
            "Township T1's government holds fund F1, which received E1's 10,000 yuan.",
            [*b, Fund(id="F1", name="镇政府募捐账户", holder="township_government"),
             gift("2015-10-08"), audit("2015-12-01", "10000")],
            (("PW202", ("F1",)),),
            "2015-12-31",
        ),
        Spec(
            "pw203-donor-intent-not-honoured",
            "DN1 is given for project PR1, but F1 pays DB1 to household H1 instead, with no "
            "undesignated money and no consent of the donor to the change.",
            [*b, charity(), gift("2015-10-08", designated_project_id="PR1"),
             Project(id="PR1", name="石桥村道路", purpose="infrastructure", village_id="V1",
                     published_on="2015-09-15"),
             Disbursement(id="DB1", fund_id="F1", amount="4000", purpose="hardship_relief",
                          household_id="H1", on="2015-10-20"),
             audit("2015-12-01", "10000", "4000")],
            (("PW203", ("F1", "DB1", "DN1")),),
            "2015-12-31",
            packs=ONLY,
        ),
        Spec(
            "pw203-defers-to-cp115",
            "The same diversion with both packs run: the county plan's CP115 reports it and "
            "PW203 defers.",
            [*b, charity(), gift("2015-10-08", designated_project_id="PR1"),
             Project(id="PR1", name="石桥村道路", purpose="infrastructure", village_id="V1",
                     published_on="2015-09-15"),
             Disbursement(id="DB1", fund_id="F1", amount="4000", purpose="hardship_relief",
                          household_id="H1", on="2015-10-20"),
             audit("2015-12-01", "10000", "4000")],
            (("CP115", ("F1", "DB1", "DN1")),),
            "2015-12-31",
        ),
        Spec(
            "pw204-donor-named-without-consent",
            "E1, who refused publicity, is commended in public for its gift DN1.",
            [*(attrs.evolve(r, publicity_consent=False) if isinstance(r, Donor) else r
               for r in b),
             charity(), gift("2015-10-08", commended=True), audit("2015-12-01", "10000")],
            (("PW204", ("DN1", "E1")),),
            "2015-12-31",
        ),
        Spec(
            "pw205-construction-without-agreement-or-report",
            "E1 pledges (G1) to build project PR1, completed on 20 November with no written "
            "agreement and no report to E1.",
            [*b, Project(id="PR1", name="石桥村便民桥", purpose="infrastructure", village_id="V1",
                         published_on="2015-09-15", completed_on="2015-11-20"),
             Pledge(id="G1", donor_id="E1", project_id="PR1", kind="build", amount="50000",
                    on="2015-10-05")],
            (("PW205", ("G1", "PR1")),),
            "2015-12-31",
        ),
        Spec(
            "pw206-sale-proceeds-diverted",
            "E1's 50 tonnes of cement (DN1) were sold for 8,000 yuan; only 6,000 went to the "
            "gift's purpose.",
            [*b, charity(), gift("2015-10-08", goods="水泥 50 吨", sold_for="8000",
                                 proceeds_used="6000"),
             audit("2015-12-01", "10000")],
            (("PW206", ("DN1",)),),
            "2015-12-31",
        ),
        Spec(
            "pw207-donation-without-receipt",
            "E1's gift DN1 of 8 October 2016 got no receipt, and no waiver is recorded.",
            [*b16, charity(), gift("2016-10-08", receipt=False), audit("2016-12-01", "10000")],
            (("PW207", ("DN1",)),),
            "2016-12-31",
        ),
        Spec(
            "pw207-charity-law-first-day",
            "A campaign from 1 August 2016: DN1 (31 August) and DN2 (1 September) got no "
            "receipt; only DN2 is judged by the Charity Law.",
            [*base(2016, starts_on="2016-08-01"), charity(), gift("2016-08-31", receipt=False),
             Donation(id="DN2", donor_id="E1", fund_id="F1", amount="500", on="2016-09-01",
                      receipt=False),
             audit("2016-12-01", "10500")],
            (("PW207", ("DN2",)),),
            "2016-12-31",
        ),
        Spec(
            "pw208-unqualified-public-fundraising",
            "Township T1 raises from the public (DR1, October 2016) into fund F2, whose "
            "holder has no public-fundraising qualification.",
            [*b16, drive("2016-10-01", public=True, fund_id="F2"),
             charity("F2", public_fundraising=False)],
            (("PW208", ("DR1", "F2")),),
            "2016-12-31",
        ),
        Spec(
            "pw209-fundraising-not-disclosed",
            "Fund F2 raised from 1 September to 31 October 2016 and made no full disclosure "
            "by 31 January 2017.",
            [*b16, charity("F2", public_fundraising=True, opened_on="2016-09-01",
                           closed_on="2016-10-31", disclosures=0)],
            (("PW209", ("F2",)),),
            "2017-03-31",
        ),
        Spec(
            "pw210-gift-to-related-party",
            "F1 pays household H1 (DB1, October 2016); H1 is related to E1, who gave DN1 "
            "into F1.",
            [*(attrs.evolve(r, related_to=("E1",)) if isinstance(r, Household) else r
               for r in b16),
             charity(), gift("2016-10-08"),
             Disbursement(id="DB1", fund_id="F1", amount="4000", purpose="hardship_relief",
                          household_id="H1", on="2016-10-20"),
             audit("2016-12-01", "10000", "4000")],
            (("PW210", ("DB1", "H1", "E1")),),
            "2016-12-31",
        ),
        Spec(
            "pw211-spending-ratio-missed",
            "In 2015 the public-fundraising foundation holding F2 spent 5 million yuan of "
            "last year's 10 million (7 million due).",
            [*b, charity("F2", foundation=True, public_fundraising=True,
                         previous_income="10000000", spending="5000000")],
            (("PW211", ("F2",)),),
            "2015-12-31",
        ),
    ]  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    return scenarios_main({FOLDER: specs()}, argv, description=__doc__.splitlines()[0])


if __name__ == "__main__":
    sys.exit(main())
