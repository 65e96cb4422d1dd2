"""The pack's own scopes, where no shared one lists every table its rules read.

Both judge records of one table (activities, disbursements) and follow, besides the record
itself, the records that can change what the rule sees of it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from reliefkit.models import Activity, Disbursement, Donation, Fund, Household, Queries
from reliefkit.rules._scope import Scope, itself, records_of, referring


def _activities_raising_into(view: Queries, fund: Fund) -> Iterator[str]:
    """A fund's qualification and holder decide the drives that raise into it: those naming
    it, and those whose donations went into it."""
    yield from referring("activities")(view, fund)
    for donation in view.donations_to(fund.id):
        if donation.activity_id is not None:
            yield donation.activity_id


def _activity_of(view: Queries, donation: Donation) -> Iterable[str]:
    """A donation made in a drive adds its fund to the drive's."""
    return () if donation.activity_id is None else (donation.activity_id,)


DRIVES: Scope[Activity] = Scope(
    name="fundraising-activities",
    doc="Each activity, with the funds it raises into: the one it names and those of the "
    "donations made in it.",
    subjects=lambda view: view.rows("activities"),
    key=lambda activity: activity.id,
    fetch=records_of("activities", Activity),
    changes={
        "activities": itself,
        "funds": _activities_raising_into,
        "donations": _activity_of,
    },
)


def _paid_by_the_fund(view: Queries, donation: Donation) -> Iterator[str]:
    """A donation makes its donor one of the fund's donors: the fund's payments to
    households related to that donor change."""
    for disbursement in view.disbursements_from(donation.fund_id):
        household = view.get(disbursement.household_id)
        if isinstance(household, Household) and donation.donor_id in household.related_to:
            yield disbursement.id


PAYMENTS_TO_HOUSEHOLDS: Scope[Disbursement] = Scope(
    name="payments-to-households",
    doc="Each disbursement, with the household it reaches and the donors of its fund.",
    subjects=lambda view: view.rows("disbursements"),
    key=lambda disbursement: disbursement.id,
    fetch=records_of("disbursements", Disbursement),
    changes={
        "disbursements": itself,
        "households": referring("disbursements"),
        "donations": _paid_by_the_fund,
    },
)
