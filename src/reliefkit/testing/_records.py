"""``records_for(dataset)``: new records that refer only to records a dataset already holds.

What a system would ask ``admit`` about: a solicitation, a donation, a disbursement or an
activity (most often a ceremony). The records are valid on their own and referentially sound
against the dataset, but may break any rule: that is what ``admit`` is for.
"""

from __future__ import annotations

from typing import Any

import pendulum
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from reliefkit.models import (
    Activity,
    ActivityKind,
    Dataset,
    Disbursement,
    Donation,
    Money,
    Record,
    Solicitation,
)
from reliefkit.testing._strategies import (
    ALL_PURPOSES,
    GOODS,
    PLACES,
    YEAR,
    days,
    fen_amounts,
)

RECORD_KINDS = ("solicitations", "donations", "disbursements", "activities")


def _fresh_id(dataset: Dataset, prefix: str) -> str:
    n = 1
    while dataset.get(f"{prefix}{n}") is not None:
        n += 1
    return f"{prefix}{n}"


def _optional(ids: list[str]) -> st.SearchStrategy[str | None]:
    return st.none() | st.sampled_from(ids) if ids else st.none()


def _subset(ids: list[str], max_size: int = 2) -> st.SearchStrategy[tuple[str, ...]]:
    if not ids:
        return st.just(())
    return st.lists(st.sampled_from(ids), unique=True, max_size=max_size).map(tuple)


def _amounts() -> st.SearchStrategy[Money]:
    return fen_amounts(1, 5_000_000).map(Money.fen)


def _dates() -> st.SearchStrategy[pendulum.Date]:
    return days(pendulum.Date(YEAR, 9, 1), pendulum.Date(YEAR + 1, 1, 31))


def records_for(
    dataset: Dataset, *, tables: tuple[str, ...] = RECORD_KINDS
) -> st.SearchStrategy[Record]:
    """One new record for ``dataset``: a solicitation, donation, disbursement or activity.

    Its id is new, and every id it refers to is one of the dataset's, of the right type, so
    ``dataset.add(record)`` and ``admit(dataset, record, …)`` accept it; whether it breaks a
    rule is drawn too. ``tables`` narrows the record types (names from
    ``("solicitations", "donations", "disbursements", "activities")``). A type the dataset
    cannot support (a donation with no fund or no donor) is left out.
    """
    if not isinstance(dataset, Dataset):
        raise InvalidArgument(f"dataset={dataset!r}: expected a reliefkit Dataset")
    unknown = set(tables) - set(RECORD_KINDS)
    if unknown or not tables:
        raise InvalidArgument(
            f"tables={tables!r}: expected a non-empty selection of {', '.join(RECORD_KINDS)}"
        )
    units = [t.id for t in dataset.townships] + [d.id for d in dataset.departments]
    townships = [t.id for t in dataset.townships]
    people = [p.id for p in dataset.people]
    villages = [v.id for v in dataset.villages]
    households = [h.id for h in dataset.households]
    projects = [p.id for p in dataset.projects]
    funds = [f.id for f in dataset.funds]
    donors = [e.id for e in dataset.donors]
    activities = [a.id for a in dataset.activities]
    drives = [a.id for a in dataset.activities if a.kind is ActivityKind.DONATION_DRIVE]
    choices: list[st.SearchStrategy[Any]] = []

    if "activities" in tables:
        kinds = st.one_of(st.just(ActivityKind.CEREMONY), st.sampled_from(ActivityKind))
        choices.append(
            st.builds(
                Activity,
                id=st.just(_fresh_id(dataset, "A-new")),
                kind=kinds,
                organizer_id=_optional(units),
                township_id=_optional(townships),
                on=_dates(),
                place=st.none() | st.sampled_from(PLACES),
                populous=st.none() | st.booleans(),
                in_seat=st.none() | st.booleans(),
                led_by=_optional(people),
                participants=_subset(people),
                villages=_subset(villages),
                households=_subset(households),
                fee=st.none() | _amounts(),
            )
        )
    if "solicitations" in tables and activities and units:
        choices.append(
            st.builds(
                Solicitation,
                id=st.just(_fresh_id(dataset, "S-new")),
                activity_id=st.sampled_from(drives) | st.sampled_from(activities)
                if drives
                else st.sampled_from(activities),
                organizer_id=st.sampled_from(units),
                target_id=st.sampled_from(units + donors),
                on=_dates(),
                quota=st.none() | st.just(Money.zero()) | _amounts(),
            )
        )
    if "donations" in tables and funds and donors:
        choices.append(
            st.builds(
                Donation,
                id=st.just(_fresh_id(dataset, "N-new")),
                donor_id=st.sampled_from(donors),
                fund_id=st.sampled_from(funds),
                activity_id=_optional(activities),
                amount=_amounts(),
                goods=st.none() | st.sampled_from(GOODS),
                on=_dates(),
                designated_project_id=_optional(projects),
                designated_village_id=_optional(villages),
                badge=st.none() | st.booleans(),
                receipt=st.none() | st.booleans(),
            )
        )
    if "disbursements" in tables and funds:
        choices.append(
            st.builds(
                Disbursement,
                id=st.just(_fresh_id(dataset, "B-new")),
                fund_id=st.sampled_from(funds),
                amount=_amounts(),
                purpose=st.none() | st.sampled_from(ALL_PURPOSES),
                project_id=_optional(projects),
                village_id=_optional(villages),
                household_id=_optional(households),
                on=_dates(),
            )
        )
    if not choices:
        raise InvalidArgument(
            f"tables={tables!r}: the dataset has nothing these records could refer to"
        )
    return st.one_of(choices)


__all__ = ["RECORD_KINDS", "records_for"]
