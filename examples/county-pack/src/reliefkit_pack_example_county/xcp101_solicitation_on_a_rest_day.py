"""Rule XCP101, solicitation-on-a-rest-day: declaration, judge, texts (en, zh) and recipes."""

from __future__ import annotations

from collections.abc import Iterator

import pendulum
from reliefkit.models import DonorKind, Solicitation
from reliefkit.rules import Context, Severity, Violation
from reliefkit.rules.recipes import Draft, Draw, Subjects
from reliefkit.rules.scopes import SOLICITATIONS

from reliefkit_pack_example_county._pack import PACK, cite

DOC_ZH: dict[str, str] = {
    "What it checks": "募捐请求不在休息日（参数 rest_day，默认星期日）发出。",
    "Why it matters": "本方案要求募捐在工作日进行，休息日留给群众。",
    "Example": "募捐请求 S1 的日期为 2015-10-04，星期日。",
    "Compliant": "S1 的日期为 2015-10-05，星期一。",
}


@PACK.rule(
    code="XCP101",
    name="solicitation-on-a-rest-day",
    severity=Severity.WARNING,
    cites=[cite("§1", "no fundraising on the rest day", "休息日不募捐")],
    title="A solicitation made on the rest day",
    title_zh="在休息日募捐",
    remedy="Make the solicitation on a working day.",
    remedy_zh="改在工作日募捐。",
    reads=["solicitations"],
    scope=SOLICITATIONS,
    params=["rest_day"],
    doc_zh=DOC_ZH,
)
def solicitation_on_a_rest_day(ctx: Context, sol: Solicitation) -> Iterator[Violation]:
    """
    What it checks:
    No solicitation is made on the rest day (the parameter ``rest_day``, Sunday by default).

    Why it matters:
    The plan keeps fundraising to working days and leaves the rest day to the people.

    Example:
    Solicitation S1 is dated 2015-10-04, a Sunday.

    Compliant:
    S1 is dated 2015-10-05, a Monday.

    References:
    example-county §1.
    """
    if sol.on.isoweekday() == ctx.param("rest_day"):
        day = sol.on.isoformat()
        yield Violation(
            (sol.id,),
            f"Solicitation {sol.id} is dated {day}, the rest day.",
            f"募捐请求 {sol.id} 的日期 {day} 是休息日。",
            {"on": sol.on},
        )


# ---- recipes: how violating("XCP101") breaks this rule -------------------------------------
def off_the_rest_day(d: Draft) -> None:
    """Move every solicitation off the rest day: drawn campaigns keep the county plan, and
    every recipe of this pack keeps its other rules too."""
    rest = d.param("rest_day")
    for sol in d.rows("solicitations"):
        if sol.on.isoweekday() == rest:
            d.replace(sol, on=sol.on.add(days=1))


@PACK.breaks("XCP101")
def ask_on_the_rest_day(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """A new solicitation of a resident on the rest day (any other is moved off it)."""
    rest = d.param("rest_day")
    off_the_rest_day(d)
    drive = d.add_drive(draw, draw.pick(d.units()))
    sol = d.add_solicitation(draw, drive, d.add_donor(draw, DonorKind.RESIDENT).id)
    day = sol.on.add(days=(rest - sol.on.isoweekday()) % 7)
    return (d.replace(sol, on=day).id,)
