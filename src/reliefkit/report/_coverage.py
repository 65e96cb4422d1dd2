"""Summary numbers for reports and plots: fund balances, coverage, findings by township.

Everything here reads a :class:`~reliefkit.models.Dataset` through its indexes and returns
plain frozen records; the HTML page, the plots and the frames all share these numbers.
Nothing here touches personal data: households are counted, never named, and
:func:`record_name` gives no person's name. Names and purposes are free text, so their reprs
are made safe (:func:`reliefkit._privacy.masked_repr`); renderers make them safe when shown.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs

from reliefkit._privacy import masked_repr
from reliefkit._words import word
from reliefkit.models import Dataset, DateRange, Township
from reliefkit.rules import Finding, ledger

if TYPE_CHECKING:
    from reliefkit.report._report import Report

__all__ = [
    "NO_PURPOSE",
    "NO_TOWNSHIP",
    "FundBalance",
    "PurposeMoney",
    "TownshipCoverage",
    "TownshipFindings",
    "coverage",
    "dataset_of",
    "findings_by_township",
    "floor_percent",
    "fund_balances",
    "money_by_purpose",
    "purpose_label",
    "record_name",
    "township_name",
    "township_of",
]

NO_TOWNSHIP = ""
"""The key of findings whose main subject lies in no township (a fund, the campaign)."""

NO_PURPOSE = ""
"""The purpose key of money that names no purpose (undesignated, or designated to a village)."""


def dataset_of(report: Report, dataset: Dataset | None) -> Dataset | None:
    """The dataset a rendering reads: the one passed, else the one the report was checked
    against (``check`` keeps it in ``report.context["dataset"]``), else ``None``."""
    if dataset is not None:
        return dataset
    found = report.context.get("dataset")
    return found if isinstance(found, Dataset) else None


def floor_percent(part: int, whole: int) -> str | None:
    """``part`` of ``whole`` as a percentage with one decimal, rounded **down** (602 of 603
    is ``99.8%``, never ``100.0%``: a shortfall is never hidden); ``None`` when ``whole`` is 0.

    Integer arithmetic: no float can round 28.999… up or down wrongly."""
    if whole <= 0:
        return None
    tenths = 1000 * part // whole
    return f"{tenths // 10}.{tenths % 10}%"


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
        """Share of poor villages with a work team active during the campaign (for charts;
        tables show :func:`floor_percent`)."""
        return self.villages_with_team / self.poor_villages if self.poor_villages else None

    @property
    def person_share(self) -> float | None:
        """Share of registered poor households with a responsible person (for charts)."""
        if not self.poor_households:
            return None
        return self.households_with_person / self.poor_households

    @property
    def empty(self) -> bool:
        """Nothing to cover: no poor village and no registered poor household."""
        return not self.poor_villages and not self.poor_households


@attrs.frozen
class TownshipFindings:
    """Findings filed under one township (``township_id`` is ``""`` for none), by code."""

    township_id: str = attrs.field(repr=masked_repr)
    name: str | None = attrs.field(repr=masked_repr)
    by_code: dict[str, int]
    errors: int
    warnings: int
    infos: int

    @property
    def total(self) -> int:
        """How many findings are filed under the township."""
        return self.errors + self.warnings + self.infos


@attrs.frozen
class PurposeMoney:
    """Money raised for and paid out to one purpose (``""``: no purpose named), in yuan.

    ``flagged`` is the part of ``disbursed`` paid by disbursements that a finding is about
    (their main subject): CP112, CP113, CP114, CP119 in the county plan; ``codes`` are those
    findings' codes."""

    purpose: str = attrs.field(repr=masked_repr)
    raised: Decimal
    disbursed: Decimal
    flagged: Decimal = Decimal(0)
    codes: tuple[str, ...] = ()


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


# ---- where a record lies -------------------------------------------------------------------

# Tables keyed by a synthetic key: a subject that is no record's id may be one of these.
_SYNTHETIC = ("work_plans", "exit_plans", "pairings", "waivers")

# How a record of each table leads to its township: the fields followed, in order; the first
# that leads to a township wins. A field naming a township is the township itself.
_WAYS: dict[str, tuple[str, ...]] = {
    "villages": ("township_id",),
    "households": ("village_id",),
    "work_teams": ("village_id",),
    "exit_plans": ("village_id",),
    "work_plans": ("township_id",),
    "projects": ("village_id",),
    "pledges": ("project_id",),
    # An activity's own place first, then its organiser when that is a township.
    "activities": ("township_id", "organizer_id"),
    # A solicitation or a donation lies where its activity (the drive) does.
    "solicitations": ("activity_id", "organizer_id"),
    "donations": ("activity_id", "designated_project_id", "designated_village_id"),
    "disbursements": ("village_id", "project_id", "household_id"),
    "people": ("unit_id",),
    "donors": ("home_township_id", "unit_id"),
    "pairings": ("partner_id",),
    "waivers": ("subject_id",),
}
# Funds, audits, departments and the campaign lie in no township.


def _record(dataset: Dataset, record_id: str) -> tuple[str | None, Any]:
    table = dataset.table_of(record_id)
    if table is not None:
        return table, dataset.get(record_id)
    for synthetic in _SYNTHETIC:
        found = dataset.find(synthetic, record_id)
        if found is not None:
            return synthetic, found
    return None, None


def township_of(dataset: Dataset, record_id: str | None) -> str | None:
    """The township a record lies in, through the dataset: a village's township, a
    household's or project's village, an activity's place (or its organising township), a
    solicitation's or donation's activity, a disbursement's village, project or household,
    a waiver's subject. ``None`` for what lies in no township (a fund, an audit, a
    department, the campaign) and for an unknown id.

    Findings are filed under the township of their main subject (``finding.subject``): CP117
    about donation ``DN-E-T02-1`` to T02's drive is T02's.
    """
    return _township(dataset, record_id, _DEPTH)


# Every way above leads "up" (a household to its village, a village to its township), so a
# path is short; the bound only guards against a reference loop in hand-made data.
_DEPTH = 8


def _township(dataset: Dataset, record_id: str | None, depth: int) -> str | None:
    if record_id is None or depth <= 0:
        return None
    table, record = _record(dataset, record_id)
    if table == "townships":
        return record_id
    for field in _WAYS.get(table or "", ()):
        # The first field that leads to a township wins; a dead end tries the next one.
        found = _township(dataset, getattr(record, field, None), depth - 1)
        if found is not None:
            return found
    return None


def record_name(dataset: Dataset | None, record_id: str) -> str | None:
    """The name the dataset gives a record, to show beside its id; ``None`` for records
    without a name and for personal names (people, household heads, donors who are natural
    persons), which reports never show."""
    record = dataset.get(record_id) if dataset is not None else None
    name = getattr(record, "name", None)
    if record is None or not isinstance(name, str) or not name:
        return None
    field = attrs.fields_dict(type(record)).get("name")
    if field is not None and field.metadata.get("personal"):
        kind = getattr(record, "kind", None)
        if kind is None or getattr(kind, "is_person", True):
            return None
    return name


def township_name(dataset: Dataset | None, township_id: str) -> str | None:
    """A township's name, or ``None``."""
    record = dataset.get(township_id) if dataset is not None else None
    return record.name if isinstance(record, Township) else None


def findings_by_township(
    findings: Sequence[Finding], dataset: Dataset
) -> tuple[TownshipFindings, ...]:
    """Each township's findings, each finding filed once: under the township of its main
    subject (:func:`township_of`).

    Every township of the dataset gets a row (renderers fold those with none); findings whose
    main subject lies in no township go to the ``""`` row, which is last and present only
    when such findings exist.
    """
    codes: defaultdict[str, Counter[str]] = defaultdict(Counter)
    severities: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for finding in findings:
        township = township_of(dataset, finding.subject) or NO_TOWNSHIP
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


def money_by_purpose(
    dataset: Dataset, findings: Iterable[Finding] = ()
) -> tuple[PurposeMoney, ...]:
    """Money raised and disbursed by purpose, and the part of it that findings flag.

    A donation counts for the purpose of the project it designates; undesignated donations
    and donations designated to a village name no purpose (``""``). A disbursement counts for
    its own ``purpose``; it is *flagged* when it is the main subject of one of ``findings``.
    """
    raised: defaultdict[str, Decimal] = defaultdict(Decimal)
    paid: defaultdict[str, Decimal] = defaultdict(Decimal)
    flagged: defaultdict[str, Decimal] = defaultdict(Decimal)
    codes: defaultdict[str, set[str]] = defaultdict(set)
    by_disbursement: defaultdict[str, set[str]] = defaultdict(set)
    for finding in findings:
        if dataset.table_of(finding.subject) == "disbursements":
            by_disbursement[finding.subject].add(finding.code)
    for donation in dataset.donations:
        project = dataset.get(donation.designated_project_id)
        raised[getattr(project, "purpose", None) or NO_PURPOSE] += donation.amount.yuan
    for disbursement in dataset.disbursements:
        purpose = disbursement.purpose or NO_PURPOSE
        paid[purpose] += disbursement.amount.yuan
        if disbursement.id in by_disbursement:
            flagged[purpose] += disbursement.amount.yuan
            codes[purpose] |= by_disbursement[disbursement.id]
    keys = sorted(set(raised) | set(paid), key=lambda k: (k == NO_PURPOSE, k))
    return tuple(
        PurposeMoney(k, raised[k], paid[k], flagged[k], tuple(sorted(codes[k]))) for k in keys
    )


def purpose_label(purpose: str, lang: str = "en") -> str:
    """How a purpose is shown: its word in ``lang`` (:func:`reliefkit._words.word`)."""
    if purpose == NO_PURPOSE:
        return "未指定用途" if lang == "zh" else "no purpose named"
    return word(purpose, lang)
