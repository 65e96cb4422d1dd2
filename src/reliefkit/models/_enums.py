"""Closed vocabularies of the interchange format (purposes stay open text: packs judge them)."""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "ActivityKind",
    "DonorKind",
    "FundHolder",
    "PledgeKind",
    "Purpose",
    "Role",
    "Sector",
    "TownshipKind",
]


class TownshipKind(StrEnum):
    """乡 / 镇 / 街道."""

    TOWNSHIP = "township"
    TOWN = "town"
    SUBDISTRICT = "subdistrict"


class Sector(StrEnum):
    """The sector of a county department; ``leading_group`` and ``audit`` matter to rules."""

    LEADING_GROUP = "leading_group"
    AUDIT = "audit"
    CIVIL_AFFAIRS = "civil_affairs"
    EDUCATION = "education"
    HEALTH = "health"
    AGRICULTURE = "agriculture"
    FINANCE = "finance"
    HUMAN_RESOURCES = "human_resources"
    TOURISM = "tourism"
    SCIENCE = "science"
    OTHER = "other"


class Role(StrEnum):
    """A person's role."""

    COUNTY_LEADER = "county_leader"
    TOWNSHIP_MAIN_LEADER = "township_main_leader"
    CADRE = "cadre"
    AUDITOR = "auditor"
    OTHER = "other"


class ActivityKind(StrEnum):
    """What an activity is."""

    CEREMONY = "ceremony"
    DONATION_DRIVE = "donation_drive"
    INSPECTION_TOUR = "inspection_tour"
    LEADER_VISIT = "leader_visit"
    SECTOR_RELIEF = "sector_relief"
    VOCATIONAL_TRAINING = "vocational_training"
    CHARITY = "charity"
    HOMETOWN_RETURN = "hometown_return"
    SYMPOSIUM = "symposium"


class DonorKind(StrEnum):
    """Who gives; ``cadre`` and ``unit`` donors with a ``unit_id`` stand for their unit."""

    CADRE = "cadre"
    RESIDENT = "resident"
    PRIVATE_ENTERPRISE = "private_enterprise"
    STATE_ENTERPRISE = "state_enterprise"
    FOREIGN_ENTERPRISE = "foreign_enterprise"
    INDIVIDUAL = "individual"
    LOCAL_NOTABLE = "local_notable"
    SOCIAL_ORGANIZATION = "social_organization"
    UNIT = "unit"

    @property
    def is_person(self) -> bool:
        """Whether the donor is a natural person (their name is personal data)."""
        return self in _PERSON_KINDS


_PERSON_KINDS = frozenset(
    {DonorKind.CADRE, DonorKind.RESIDENT, DonorKind.INDIVIDUAL, DonorKind.LOCAL_NOTABLE}
)


class PledgeKind(StrEnum):
    """认捐 (donate) or 认建 (build)."""

    DONATE = "donate"
    BUILD = "build"


class FundHolder(StrEnum):
    """Who holds a fund."""

    CHARITY = "charity"
    DESIGNATED_ACCOUNT = "designated_account"
    TOWNSHIP_GOVERNMENT = "township_government"
    DEPARTMENT = "department"


class Purpose(StrEnum):
    """Purposes the format names. Records keep purposes as text; packs decide what is allowed."""

    INFRASTRUCTURE = "infrastructure"
    INDUSTRY = "industry"
    VOCATIONAL_TRAINING = "vocational_training"
    TECHNICAL_SERVICES = "technical_services"
    EDUCATION_AID = "education_aid"
    MEDICAL_AID = "medical_aid"
    ELDERLY_SUPPORT = "elderly_support"
    DISABILITY_SUPPORT = "disability_support"
    ORPHAN_RELIEF = "orphan_relief"
    HARDSHIP_RELIEF = "hardship_relief"
    HOUSING = "housing"
    GOVERNMENT_INVESTMENT = "government_investment"
    ADMINISTRATION = "administration"
    EVENT = "event"
    TRAVEL = "travel"
    MEALS = "meals"
    GIFTS = "gifts"
    SALARIES = "salaries"
    VEHICLES = "vehicles"
    OFFICE = "office"
    OTHER = "other"
