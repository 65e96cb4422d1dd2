"""The waiver pack (RK): rules over the waiver book itself, run with every check and admit.

A waiver exempts one finding (a code and its main subject) when it is valid on ``as_of``:
granted by the unit the ``grantor_sector`` parameter names (the county's poverty-relief
leading group, per the interchange format) for a rule the registry knows, and not expired.
"""

from __future__ import annotations

from reliefkit.models import DateRange, Department, Sector, Waiver
from reliefkit.rules._core import Citation, Context, Pack

WHAT, WHY, EXAMPLE, COMPLIANT = "What it checks", "Why it matters", "Example", "Compliant"


def cite(summary: str, summary_zh: str = "") -> Citation:
    """The interchange format's definition of waivers, with what it says in English and in
    Chinese."""
    return Citation("data-format", "waivers.csv", summary, summary_zh)


PACK = Pack(
    name="waivers",
    prefix="RK",
    title="Waivers: the exemptions granted by the county leading group",
    title_zh="豁免：县扶贫开发领导小组批准的豁免",
    source="reliefkit interchange format, waivers.csv",
    in_force=DateRange("2000-01-01"),
    always=True,
)


def _sector(value: str) -> None:
    Sector(value)  # raises ValueError for an unknown sector


PACK.parameter(
    "grantor_sector",
    Sector.LEADING_GROUP.value,
    source=cite("only the county leading group grants waivers", "豁免只能由县扶贫开发领导小组批准"),
    doc="The sector of the department that may grant waivers.",
    since="2000-01-01",
    check=_sector,
)

INVALID_GRANTOR, UNKNOWN_CODE, EXPIRED = "grantor", "code", "expired"


def problem_of(ctx: Context, waiver: Waiver) -> str | None:
    """What makes a waiver not valid on ``as_of`` (``None`` when it is valid).

    The engine's waiver book and the RK rules read this one function, so a waiver is valid
    exactly when neither RK001 nor RK002 reports it, whichever of them is run.
    """
    grantor = ctx.view.get(waiver.granted_by)
    if not (
        isinstance(grantor, Department) and grantor.sector.value == ctx.param("grantor_sector")
    ):
        return INVALID_GRANTOR
    if waiver.code.upper() not in ctx.known_codes:
        return UNKNOWN_CODE
    if waiver.until < ctx.as_of:
        return EXPIRED
    return None
