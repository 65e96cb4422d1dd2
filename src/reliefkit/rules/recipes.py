"""Recipes: how to break a rule, kept in the rule's own module, for ``violating(code)``.

A recipe is a plain function ``apply(draw, draft, as_of) -> subjects``: it starts from a
compliant campaign under construction (a :class:`Draft`), changes or adds a few records so that
the rule reports exactly one finding, and returns that finding's subjects — known from what it
planted, never asked of the query under test. It is registered beside its rule::

    @PACK.breaks("CP120")
    def charge_for_training(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
        # its docstring says how it breaks the rule: "Vocational training that charges a fee."
        training = reuse(
            draw,
            d.activities_of_kind(ActivityKind.VOCATIONAL_TRAINING),
            lambda: d.add_activity(draw, ActivityKind.VOCATIONAL_TRAINING, draw.pick(d.units())),
        )
        d.replace(training, fee=Money.fen(draw.amount(1, 100_000)))
        return (training.id,)

Nothing here imports Hypothesis: :class:`Draw` names the random choices a recipe makes, and
``reliefkit.testing`` adapts Hypothesis's ``draw`` to it (so every choice still shrinks). A
:class:`Draft` answers the rules' queries (it *is* a :class:`~reliefkit.models.Queries`), so
recipes build data with the rules' own functions — unit resolution, pairing, the fund ledger,
designation targets — and keep the campaign compliant with the ``add_…`` helpers.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol, TypeVar

import attrs
import pendulum

from reliefkit.models import (
    Activity,
    ActivityKind,
    Audit,
    Campaign,
    Department,
    Disbursement,
    Donation,
    Donor,
    DonorKind,
    Fund,
    Household,
    Person,
    Project,
    Queries,
    Role,
    Sector,
    Solicitation,
    Township,
    Village,
)
from reliefkit.rules._ledger import Ledger, build_ledger

__all__ = [
    "Apply",
    "Bounds",
    "Draft",
    "Draw",
    "Recipe",
    "Subjects",
    "Target",
    "reuse",
    "standing_for",
]

T = TypeVar("T")
R = TypeVar("R")

Subjects = tuple[str, ...]
"""The subjects of the one finding a recipe plants (main subject first)."""

Target = tuple[str | None, str | None, str | None]
"""Where a disbursement goes: ``(project_id, village_id, household_id)``."""


class Draw(Protocol):
    """The random choices a recipe makes. Each shrinks towards its simplest value: the low
    end, ``False``, the first item, ``None``, the earliest day."""

    def integers(self, low: int, high: int) -> int:
        """An integer from ``low`` to ``high`` inclusive."""
        ...

    def booleans(self) -> bool:
        """True or False."""
        ...

    def pick(self, items: Iterable[T]) -> T:
        """One of ``items`` (which must not be empty)."""
        ...

    def maybe(self, items: Iterable[T]) -> T | None:
        """``None`` or one of ``items``."""
        ...

    def subset(self, items: Iterable[T], max_size: int = 2, *, min_size: int = 0) -> list[T]:
        """Distinct items, between ``min_size`` and ``max_size`` of them (as many as exist)."""
        ...

    def day(self, start: pendulum.Date, end: pendulum.Date) -> pendulum.Date:
        """A day from ``start`` to ``end`` inclusive."""
        ...

    def amount(self, low: int = 100, high: int = 2_000_000) -> int:
        """A plausible amount in fen from ``low`` to ``high``: mostly whole yuan."""
        ...


def reuse(draw: Draw, existing: Iterable[T], make: Callable[[], T]) -> T:
    """One of ``existing``, or (sometimes, and always when there is none) a new one."""
    found = list(existing)
    if found and not draw.booleans():
        return draw.pick(found)
    return make()


def standing_for(draw: Draw, d: Draft, unit: str) -> str:
    """The unit itself, or a cadre or unit donor standing for it (asking its staff is asking
    it): an existing one, or a new one."""
    if draw.booleans():
        return unit
    donors = [e.id for e in d.donors_of_unit(unit) if d.donor_unit(e) == unit]
    kind = draw.pick((DonorKind.CADRE, DonorKind.UNIT))
    return reuse(draw, donors, lambda: d.add_donor(draw, kind, unit_id=unit).id)


class Draft(Queries, ABC):
    """A campaign under construction: the rules' query protocol, plus the changes a recipe
    makes (``add``, ``replace``, ``remove``, ``new_id``) and helpers that add compliant pieces.

    Each ``add_…`` helper keeps the campaign compliant on its own (a township comes with its
    main leader, work plan and ceremony; a poor village with its team and exit plan; a fund's
    audit matches its ledger). ``reliefkit.testing`` implements it.
    """

    campaign: Campaign

    # ---- changes ----------------------------------------------------------------------------
    @abstractmethod
    def new_id(self, prefix: str) -> str:
        """A fresh id ``prefix1``, ``prefix2``, … (reserved)."""

    @abstractmethod
    def add(self, record: R) -> R:
        """Add a record to its table."""

    @abstractmethod
    def replace(self, old: R, **changes: Any) -> R:
        """Replace ``old`` with a copy carrying ``changes``; the copy is returned."""

    @abstractmethod
    def remove(self, *records: Any) -> None:
        """Remove records."""

    @abstractmethod
    def param(self, name: str) -> Any:
        """The value of a pack parameter the campaign is judged under (``poverty_day``, …)."""

    @abstractmethod
    def rule_codes(self) -> frozenset[str]:
        """Codes of the rules the campaign is checked against (a waiver may name them)."""

    # ---- compliant additions ----------------------------------------------------------------
    @abstractmethod
    def add_township(self, draw: Draw, *, villages: int = 1) -> Township:
        """A township with its main leader, work plan, ceremony and ``villages`` villages."""

    @abstractmethod
    def add_department(self, draw: Draw, sector: Sector | None = None) -> Department:
        """A department (of ``sector``, or one with no special meaning to the rules)."""

    @abstractmethod
    def add_person(self, draw: Draw, unit_id: str, role: Role) -> Person:
        """A person of a unit."""

    @abstractmethod
    def add_village(self, draw: Draw, township_id: str, *, poor: bool = False) -> Village:
        """A village; a poor one comes with a work team and an exit plan."""

    @abstractmethod
    def add_household(
        self, draw: Draw, village_id: str, *, registered_poor: bool = False
    ) -> Household:
        """A household; a registered poor one comes with a responsible person."""

    @abstractmethod
    def add_ceremony(self, draw: Draw, township: Township) -> Activity:
        """A ceremony of the township: on time, in the seat, its main leader taking part."""

    @abstractmethod
    def add_drive(self, draw: Draw, organizer: str) -> Activity:
        """A donation drive of a unit, in its own township when a township organises it."""

    @abstractmethod
    def add_activity(self, draw: Draw, kind: ActivityKind, organizer: str | None) -> Activity:
        """An activity of ``kind``, in the organiser's own township when it is one."""

    @abstractmethod
    def add_solicitation(
        self, draw: Draw, activity: Activity, target_id: str, *, organizer: str | None = None
    ) -> Solicitation:
        """A solicitation without a quota in ``activity``, by ``organizer`` (by default the
        activity's organiser)."""

    @abstractmethod
    def add_donor(self, draw: Draw, kind: DonorKind | None = None, **fields: Any) -> Donor:
        """A donor (of ``kind``, or of a kind that never stands for a unit)."""

    @abstractmethod
    def add_project(
        self,
        draw: Draw,
        village_id: str,
        *,
        published_on: pendulum.Date | bool | None = True,
        government_obligated: bool = False,
    ) -> Project:
        """A project in a village, published before October unless told otherwise."""

    @abstractmethod
    def add_fund(self, draw: Draw) -> Fund:
        """An empty fund with a compliant holder."""

    @abstractmethod
    def add_donation(
        self,
        draw: Draw,
        fund_id: str,
        amount_fen: int,
        *,
        donor_id: str | None = None,
        project_id: str | None = None,
        village_id: str | None = None,
        activity_id: str | None = None,
        badge: bool | None = True,
    ) -> Donation:
        """A donation into a fund, within the campaign (a badge unless ``badge`` says)."""

    @abstractmethod
    def add_disbursement(
        self,
        draw: Draw,
        fund_id: str,
        amount_fen: int,
        target: Target,
        *,
        purpose: str | None = None,
    ) -> Disbursement:
        """A disbursement to ``target`` for a permitted purpose (or ``purpose``)."""

    @abstractmethod
    def add_audit(self, draw: Draw, fund_id: str) -> Audit:
        """An audit by the audit department matching the fund's ledger, on time."""

    @abstractmethod
    def add_flow(
        self, draw: Draw, *, target: Target | None = None, purpose: str | None = None
    ) -> Disbursement:
        """A new fund with one undesignated donation, one disbursement within it (to
        ``target``, or somewhere reaching the poor) and its audit: the disbursement."""

    @abstractmethod
    def reaches(self, draw: Draw, avoid: Iterable[str] = ()) -> Target:
        """A target reaching the poor (CP119) that pays to no designation in ``avoid``."""

    # ---- look-ups built on the query protocol -------------------------------------------------
    def record(self, cls: type[R], record_id: str | None) -> R:
        """The record with this id, which must be a ``cls``."""
        found = self.get(record_id)
        if not isinstance(found, cls):
            raise LookupError(f"record_id={record_id!r}: not a {cls.__name__} of this draft")
        return found

    def units(self) -> list[str]:
        """Ids of every township and department."""
        return [t.id for t in self.rows("townships")] + [d.id for d in self.rows("departments")]

    def poor_villages(self) -> list[Village]:
        """Every poor village."""
        return [v for v in self.rows("villages") if v.poor]

    def poor_households(self) -> list[Household]:
        """Every registered poor household."""
        return [h for h in self.rows("households") if h.registered_poor]

    def ledger(self, fund_id: str) -> Ledger:
        """The fund's ledger now (built afresh: a draft changes, so it is never memoised)."""
        return build_ledger(
            self, fund_id, self.donations_to(fund_id), self.disbursements_from(fund_id)
        )

    def date_in_year(self, month_day: str) -> pendulum.Date:
        """``"10-17"`` in the campaign's year."""
        month, day = (int(x) for x in month_day.split("-"))
        return pendulum.Date(self.campaign.year, month, day)

    def due(self, name: str) -> pendulum.Date:
        """A due-day parameter (``campaign_end`` or ``MM-DD``) as a date."""
        value = self.param(name)
        return self.campaign.ends_on if value == "campaign_end" else self.date_in_year(value)

    def has_come(self, as_of: pendulum.Date, due: pendulum.Date) -> bool:
        """Whether a duty due on ``due`` is judged on ``as_of`` (the due day itself counts
        when the ``due_day_counts`` parameter says so)."""
        return as_of >= due if self.param("due_day_counts") else as_of > due


@attrs.frozen
class Bounds:
    """The frame of the campaigns a recipe starts from: the day they are checked on, the
    earliest and latest last day the generator may give them, and the pack parameters they
    are judged under."""

    as_of: pendulum.Date
    earliest_end: pendulum.Date
    latest_end: pendulum.Date
    params: Mapping[str, Any] = attrs.field(factory=dict, eq=False)


Apply = Callable[[Draw, Draft, pendulum.Date], Subjects]
"""``apply(draw, draft, as_of)``: break the rule on the draft, return the finding's subjects."""


def _always(bounds: Bounds) -> str | None:
    return None


def _as_is(bounds: Bounds) -> Bounds:
    return bounds


@attrs.frozen
class Recipe:
    """How to break one rule: ``apply`` changes a compliant draft and returns the subjects;
    ``impossible`` says why the rule cannot be broken within some bounds (``None`` when it
    can); ``adjust`` narrows the bounds the campaign is drawn in (CP118 needs the campaign
    over by ``as_of``)."""

    code: str
    apply: Apply = attrs.field(repr=False)
    impossible: Callable[[Bounds], str | None] = attrs.field(default=_always, repr=False)
    adjust: Callable[[Bounds], Bounds] = attrs.field(default=_as_is, repr=False)

    @property
    def doc(self) -> str:
        """How it breaks the rule: the first paragraph of the recipe's docstring."""
        return " ".join((self.apply.__doc__ or "").strip().split("\n\n")[0].split())
