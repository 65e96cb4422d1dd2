"""A small hand-written campaign that breaks no rule, and helpers to break it one way."""

from __future__ import annotations

from typing import Any

import attrs

from reliefkit.models import (
    Activity,
    Audit,
    Campaign,
    Dataset,
    Department,
    Disbursement,
    Donation,
    Donor,
    ExitPlan,
    Fund,
    Household,
    Pairing,
    Person,
    Pledge,
    Project,
    Solicitation,
    Township,
    Village,
    WorkPlan,
    WorkTeam,
)

CAMPAIGN = Campaign(
    id="C15",
    name="扶贫日 2015",
    year=2015,
    county="青山县",
    starts_on="2015-09-01",
    ends_on="2015-12-31",
)


def tables() -> dict[str, list[Any]]:
    """The compliant campaign's tables, fresh lists each call."""
    return {
        "departments": [
            Department(id="LG", name="扶贫开发领导小组办公室", sector="leading_group"),
            Department(id="AU", name="审计局", sector="audit"),
            Department(id="D1", name="民政局", sector="civil_affairs"),
            Department(id="D2", name="教委", sector="education"),
        ],
        "townships": [
            Township(id="T1", name="龙潭镇", kind="town", main_leader_id="P1"),
            Township(id="T2", name="石门乡", kind="township", main_leader_id="P2"),
        ],
        "people": [
            Person(id="P1", name="王一", unit_id="T1", role="township_main_leader"),
            Person(id="P2", name="李二", unit_id="T2", role="township_main_leader"),
            Person(id="CL", name="赵县", unit_id="LG", role="county_leader"),
            Person(id="K1", name="陈干", unit_id="T1", role="cadre"),
        ],
        "villages": [
            Village(id="V1", name="红岩村", township_id="T1", poor=True),
            Village(id="V2", name="青杠村", township_id="T2", poor=False),
            Village(id="V3", name="白果村", township_id="T2", poor=True),
        ],
        "households": [
            Household(
                id="H1",
                village_id="V1",
                head_name="张三",
                resident_id="500101198001011235",
                members=4,
                registered_poor=True,
                responsible_person_id="K1",
            ),
            Household(id="H2", village_id="V2", head_name="李四", members=3, registered_poor=False),
            Household(
                id="H3",
                village_id="V3",
                head_name="刘五",
                members=2,
                registered_poor=True,
                responsible_person_id="K1",
            ),
        ],
        "pairings": [Pairing(department_id="D1", partner_id="T2")],
        "work_teams": [
            WorkTeam(
                id="W1",
                village_id="V1",
                dispatched_by="D1",
                leader_id="K1",
                members=3,
                starts_on="2015-03-01",
            ),
            WorkTeam(
                id="W3",
                village_id="V3",
                dispatched_by="D2",
                members=3,
                starts_on="2015-03-01",
                ends_on="2016-03-01",
            ),
        ],
        "exit_plans": [
            ExitPlan(village_id="V1", adopted_on="2015-06-30"),
            ExitPlan(village_id="V3", adopted_on="2015-06-30"),
        ],
        "work_plans": [
            WorkPlan(township_id="T1", responsible_person_id="P1", tasks=3),
            WorkPlan(township_id="T2", responsible_person_id="P2", tasks=2),
        ],
        "activities": [
            Activity(
                id="CE1",
                kind="ceremony",
                organizer_id="T1",
                township_id="T1",
                on="2015-10-16",
                place="镇广场",
                populous=True,
                in_seat=True,
                led_by="P1",
            ),
            Activity(
                id="CE2",
                kind="ceremony",
                organizer_id="T2",
                township_id="T2",
                on="2015-10-17",
                place="乡政府广场",
                populous=True,
                in_seat=True,
                participants=("P2",),
            ),
            Activity(
                id="DR1",
                kind="donation_drive",
                organizer_id="T1",
                township_id="T1",
                on="2015-10-01",
            ),
            Activity(id="DR2", kind="donation_drive", organizer_id="D1", on="2015-10-02"),
            Activity(
                id="LV1",
                kind="leader_visit",
                organizer_id="LG",
                township_id="T1",
                on="2015-10-15",
                led_by="CL",
                villages=("V1",),
                households=("H1",),
            ),
            Activity(
                id="IT1",
                kind="inspection_tour",
                organizer_id="D1",
                township_id="T2",
                on="2015-10-10",
                villages=("V3",),
            ),
            Activity(
                id="VT1",
                kind="vocational_training",
                organizer_id="D2",
                township_id="T2",
                on="2015-10-12",
                fee="0",
            ),
            Activity(
                id="HR1",
                kind="hometown_return",
                organizer_id="T1",
                township_id="T1",
                on="2015-10-08",
            ),
        ],
        "donors": [
            Donor(id="E1", name="山城建材有限公司", kind="private_enterprise"),
            Donor(id="N1", name="周乡贤", kind="local_notable", home_township_id="T1"),
            Donor(id="K1D", name="陈干", kind="cadre", unit_id="T1"),
        ],
        "solicitations": [
            Solicitation(
                id="S1", activity_id="DR1", organizer_id="T1", target_id="E1", on="2015-10-01"
            ),
            Solicitation(
                id="S2", activity_id="DR2", organizer_id="D1", target_id="T2", on="2015-10-02"
            ),
        ],
        "projects": [
            Project(
                id="J1",
                name="红岩村道路",
                purpose="infrastructure",
                village_id="V1",
                published_on="2015-09-15",
            ),
            Project(
                id="J2",
                name="白果村学校",
                purpose="education_aid",
                village_id="V3",
                published_on="2015-09-15",
            ),
        ],
        "pledges": [
            Pledge(
                id="G1",
                donor_id="E1",
                project_id="J1",
                kind="donate",
                amount="10000",
                on="2015-10-05",
            ),
        ],
        "funds": [Fund(id="F1", name="扶贫日募集资金", holder="charity")],
        "donations": [
            Donation(
                id="N1D",
                donor_id="E1",
                fund_id="F1",
                activity_id="DR1",
                amount="10000",
                on="2015-10-06",
                designated_project_id="J1",
                badge=True,
                receipt=True,
            ),
            Donation(
                id="N2D",
                donor_id="N1",
                fund_id="F1",
                activity_id="HR1",
                amount="5000",
                on="2015-10-08",
                designated_village_id="V1",
                badge=True,
                receipt=True,
            ),
            Donation(id="N3D", donor_id="K1D", fund_id="F1", amount="2000.50", on="2015-10-09"),
        ],
        "disbursements": [
            Disbursement(
                id="B1",
                fund_id="F1",
                amount="8000",
                purpose="infrastructure",
                project_id="J1",
                on="2015-11-01",
            ),
            Disbursement(
                id="B2",
                fund_id="F1",
                amount="3000",
                purpose="education_aid",
                village_id="V1",
                household_id="H1",
                on="2015-11-02",
            ),
            Disbursement(
                id="B3",
                fund_id="F1",
                amount="2000",
                purpose="education_aid",
                project_id="J2",
                on="2015-11-03",
            ),
        ],
        "audits": [
            Audit(
                id="AU1",
                fund_id="F1",
                auditor_id="AU",
                on="2015-12-15",
                received_total="17000.50",
                disbursed_total="13000",
            ),
        ],
    }


def build(changes: dict[str, list[Any]] | None = None, **campaign: Any) -> Dataset:
    """The compliant campaign with some tables replaced."""
    data = tables()
    data.update(changes or {})
    return Dataset.build(attrs.evolve(CAMPAIGN, **campaign), **data)


def replace(table: str, record_id: str, **fields: Any) -> dict[str, list[Any]]:
    """The table with one record (by ``id``, or a synthetic key) changed."""
    rows = tables()[table]
    return {table: [attrs.evolve(r, **fields) if r.id == record_id else r for r in rows]}


def add(table: str, *records: Any) -> dict[str, list[Any]]:
    """The table with records appended."""
    return {table: [*tables()[table], *records]}


def drop(table: str, *record_ids: str) -> dict[str, list[Any]]:
    """The table without some records."""
    return {table: [r for r in tables()[table] if r.id not in record_ids]}
