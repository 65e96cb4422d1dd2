"""Summary numbers for reports and plots: fund balances, coverage, findings by township.

Everything here reads a :class:`~reliefkit.models.Dataset` through its indexes and returns
plain frozen records; the HTML page, the plots and the notebook all share these numbers.
Nothing here touches personal data: households are counted, never named. Names and purposes
are free text, so their reprs are made safe (:func:`reliefkit._privacy.masked_repr`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal

import attrs

from reliefkit._privacy import masked_repr
from reliefkit.models import Dataset, DateRange, Township
from reliefkit.rules import Finding, ledger

__all__ = [
    "NO_PURPOSE",
    "NO_TOWNSHIP",
    "PURPOSES_ZH",
    "FundBalance",
    "PurposeMoney",
    "TownshipCoverage",
    "TownshipFindings",
    "coverage",
    "findings_by_township",
    "fund_balances",
    "money_by_purpose",
    "purpose_label",
    "township_name",
    "townships_of",
]

NO_TOWNSHIP = ""
"""The key of findings whose subjects lie in no township (a fund, the campaign)."""

NO_PURPOSE = ""
"""The purpose key of money that names no purpose (undesignated, or designated to a village)."""


@attrs.frozen
class FundBalance:
    """A fund's totals from its ledger, in yuan."""

    fund_id: str = attrs.field(repr=masked_repr)
    name: str | None = attrs.field(repr=masked_repr)
    holder: str
    received: Decimal
    disbursed: Decimal

    @property
    def balance(self) -> Decimal:
        """Received minus disbursed (negative when overspent, which CP122 flags)."""
        return self.received - self.disbursed


@attrs.frozen
class TownshipCoverage:
    """How well a township's poor villages and registered poor households are covered."""

    township_id: str = attrs.field(repr=masked_repr)
    name: str | None = attrs.field(repr=masked_repr)
    poor_villages: int
    villages_with_team: int
    work_teams: int
    poor_households: int
    households_with_person: int

    @property
    def team_share(self) -> float | None:
        """Share of poor villages with a work team active during the campaign."""
        return self.villages_with_team / self.poor_villages if self.poor_villages else None

    @property
    def person_share(self) -> float | None:
        """Share of registered poor households with a responsible person."""
        if not self.poor_households:
            return None
        return self.households_with_person / self.poor_households


@attrs.frozen
class TownshipFindings:
    """Findings touching one township (``township_id`` is ``""`` for none), by code."""

    township_id: str = attrs.field(repr=masked_repr)
    name: str | None = attrs.field(repr=masked_repr)
    by_code: dict[str, int]
    errors: int
    warnings: int
    infos: int

    @property
    def total(self) -> int:
        """How many findings touch the township."""
        return self.errors + self.warnings + self.infos


@attrs.frozen
class PurposeMoney:
    """Money raised for and paid out to one purpose (``""``: no purpose named), in yuan."""

    purpose: str = attrs.field(repr=masked_repr)
    raised: Decimal
    disbursed: Decimal


def fund_balances(dataset: Dataset) -> tuple[FundBalance, ...]:
    """Received, disbursed and balance of every fund, from ``reliefkit.rules.ledger``."""
    out = []
    for fund in sorted(dataset.funds, key=lambda f: f.id):
        book = ledger(dataset, fund.id)
        out.append(
            FundBalance(fund.id, fund.name, fund.holder.value, book.received, book.disbursed)
        )
    return tuple(out)


def coverage(dataset: Dataset) -> tuple[TownshipCoverage, ...]:
    """Work teams per poor village and responsible persons per poor household, by township.

    A team counts when its period overlaps the campaign's (as CP109 reads it).
    """
    campaign = dataset.campaign
    period = DateRange(campaign.starts_on, campaign.ends_on)
    out = []
    for township in sorted(dataset.townships, key=lambda t: t.id):
        poor = covered = teams = households = with_person = 0
        for village in dataset.villages_in(township.id):
            for household in dataset.households_in(village.id):
                if household.registered_poor:
                    households += 1
                    with_person += household.responsible_person_id is not None
            if not village.poor:
                continue
            poor += 1
            active = [
                t
                for t in dataset.teams_in(village.id)
                if DateRange(t.starts_on, t.ends_on).overlaps(period)
            ]
            teams += len(active)
            covered += bool(active)
        out.append(
            TownshipCoverage(
                township.id, township.name, poor, covered, teams, households, with_person
            )
        )
    return tuple(out)


def _unit_township(dataset: Dataset, unit_id: str | None) -> str | None:
    return unit_id if dataset.table_of(unit_id) == "townships" else None


def _village_township(dataset: Dataset, village_id: str | None) -> str | None:
    village = dataset.get(village_id)
    return getattr(village, "township_id", None)


def _one_township(dataset: Dataset, subject: str) -> str | None:
    """The township a record lies in, through simple look-ups; ``None`` when there is none."""
    table = dataset.table_of(subject)
    record = dataset.get(subject)
    if table is None or record is None:
        # Synthetic keys of tables without an id column: exit plans, work plans, pairings.
        if "@" in subject:
            return _village_township(dataset, subject.split("@", 1)[0])
        if subject.endswith("#plan"):
            return _unit_township(dataset, subject[: -len("#plan")])
        return None
    if table == "townships":
        return subject
    if table in ("villages",):
        return _village_township(dataset, subject)
    if table in ("households", "work_teams", "projects"):
        return _village_township(dataset, getattr(record, "village_id", None))
    if table == "activities":
        return getattr(record, "township_id", None) or _unit_township(
            dataset, getattr(record, "organizer_id", None)
        )
    if table == "solicitations":
        return _unit_township(dataset, getattr(record, "organizer_id", None))
    if table == "people":
        return _unit_township(dataset, getattr(record, "unit_id", None))
    if table == "pledges":
        return _one_township(dataset, getattr(record, "project_id", ""))
    if table == "disbursements":
        for village_id in (
            getattr(record, "village_id", None),
            getattr(dataset.get(getattr(record, "project_id", None)), "village_id", None),
            getattr(dataset.get(getattr(record, "household_id", None)), "village_id", None),
        ):
            if village_id is not None:
                return _village_township(dataset, village_id)
    return None


def townships_of(dataset: Dataset, subjects: Iterable[str]) -> tuple[str, ...]:
    """The townships that the subjects lie in (sorted, distinct); funds lie in none."""
    found = {_one_township(dataset, s) for s in subjects}
    return tuple(sorted(t for t in found if t is not None))


def township_name(dataset: Dataset | None, township_id: str) -> str | None:
    """A township's name, or ``None``."""
    record = dataset.get(township_id) if dataset is not None else None
    return record.name if isinstance(record, Township) else None


def findings_by_township(
    findings: Sequence[Finding], dataset: Dataset
) -> tuple[TownshipFindings, ...]:
    """Each township's findings (a finding counts once per township its subjects touch).

    Every township of the dataset gets a row; findings touching none go to the ``""`` row,
    which is last and present only when such findings exist.
    """
    codes: defaultdict[str, Counter[str]] = defaultdict(Counter)
    severities: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for finding in findings:
        for township in townships_of(dataset, finding.subjects) or (NO_TOWNSHIP,):
            codes[township][finding.code] += 1
            severities[township][finding.severity.value] += 1
    keys = sorted(t.id for t in dataset.townships)
    if NO_TOWNSHIP in codes:
        keys.append(NO_TOWNSHIP)
    return tuple(
        TownshipFindings(
            key,
            township_name(dataset, key),
            dict(sorted(codes[key].items())),
            severities[key]["error"],
            severities[key]["warning"],
            severities[key]["info"],
        )
        for key in keys
    )


def money_by_purpose(dataset: Dataset) -> tuple[PurposeMoney, ...]:
    """Money raised and disbursed by purpose.

    A donation counts for the purpose of the project it designates; undesignated donations
    and donations designated to a village name no purpose (``""``). A disbursement counts for
    its own ``purpose``.
    """
    raised: defaultdict[str, Decimal] = defaultdict(Decimal)
    paid: defaultdict[str, Decimal] = defaultdict(Decimal)
    for donation in dataset.donations:
        project = dataset.get(donation.designated_project_id)
        raised[getattr(project, "purpose", None) or NO_PURPOSE] += donation.amount.yuan
    for disbursement in dataset.disbursements:
        paid[disbursement.purpose or NO_PURPOSE] += disbursement.amount.yuan
    keys = sorted(set(raised) | set(paid), key=lambda k: (k == NO_PURPOSE, k))
    return tuple(PurposeMoney(k, raised[k], paid[k]) for k in keys)


PURPOSES_ZH: dict[str, str] = {
    "infrastructure": "基础设施",
    "industry": "产业发展",
    "vocational_training": "职业技能培训",
    "technical_services": "技术服务",
    "education_aid": "助学",
    "medical_aid": "医疗救助",
    "elderly_support": "扶老",
    "disability_support": "助残",
    "orphan_relief": "救孤",
    "hardship_relief": "济困",
    "housing": "住房",
    "government_investment": "政府投资项目",
    "administration": "行政经费",
    "event": "活动经费",
    "travel": "差旅",
    "meals": "餐饮招待",
    "gifts": "礼品",
    "salaries": "工资津贴",
    "vehicles": "车辆",
    "office": "办公",
    "other": "其他",
}
"""Chinese names of the purposes of the interchange format."""


def purpose_label(purpose: str, lang: str = "en") -> str:
    """How a purpose is shown: the token in English, its Chinese name with ``lang="zh"``."""
    if purpose == NO_PURPOSE:
        return "未指定用途" if lang == "zh" else "no purpose named"
    return PURPOSES_ZH.get(purpose, purpose) if lang == "zh" else purpose
