"""Words the synthetic campaigns are written with: the example county's (``reliefkit.examples``),
as tuples to index. Every name is made up from common syllables; none refers to a real place
or person."""

from __future__ import annotations

from reliefkit.examples import _county, _names

PLACE_HEADS = tuple(_names.PLACE_HEADS)
PLACE_TAILS = tuple(_names.PLACE_TAILS)
SURNAMES = tuple(_names.SURNAMES)
GIVEN = tuple(_names.GIVEN)
TRADES = _names.TRADES
FORMS = _names.FORMS

DEPARTMENTS = _names.DEPARTMENTS
"""The example county's departments: the leading group office and the audit bureau first."""
DEPARTMENT_IDS = tuple(d for d, _, _ in DEPARTMENTS)
LG, AU = 0, 1
LINE = tuple(range(2, 16))
"""Line departments (D01…D14): those paired with townships and sending work teams."""
DRIVING = (0, *LINE)
"""Departments holding a donation drive: all but the audit bureau (LG, D01…D14)."""
TOURING = tuple(range(2, 9))
"""Departments leading an inspection tour (D01…D07)."""
TRAINING, HEALTH = 7, 4  # D06 (human resources) trains, D03 (health) gives sector relief
SPARE_TOUR, SPARE_TOUR_2, SPARE_TRAINING = 9, 10, 5  # D08, D09, D04: planted records

PROJECT_PURPOSES = _county.PROJECT_PURPOSES
SOCIETIES = _county.SOCIETIES
HOUSEHOLD_PURPOSES = _county.HOUSEHOLD_PURPOSES
FUND_NAMES = ("县慈善会扶贫日募集资金", "县红十字会扶贫捐赠", "县扶贫日捐赠专户")
FUND_HOLDERS = ("charity", "charity", "designated_account")
SPECIAL_FUND_NAMES = ("县慈善会定向捐赠专项", "县慈善会乡村振兴专项", "县慈善会济困专项")

OTHER_EXPENSES = (
    "administration",
    "event",
    "travel",
    "meals",
    "gifts",
    "salaries",
    "vehicles",
    "office",
)
UNCLASSIFIED = ("other", "misc", "fireworks", "")
"""Purposes no pack knows (CP112); the empty one is written as an empty cell."""
GOODS = "化肥、种苗（按评估价）"

PURPOSES: tuple[str, ...] = tuple(
    dict.fromkeys(
        [p for p, _ in PROJECT_PURPOSES]
        + list(HOUSEHOLD_PURPOSES)
        + list(OTHER_EXPENSES)
        + list(UNCLASSIFIED)
        + ["government_investment", "Housing"]
    )
)
"""Every purpose a synthetic disbursement may carry, by code (an index into this tuple)."""
