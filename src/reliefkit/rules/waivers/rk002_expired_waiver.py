"""Rule RK002, expired-waiver: declaration, judge and texts (en, zh)."""

from __future__ import annotations

from collections.abc import Iterator

import pendulum

from reliefkit.models import Waiver
from reliefkit.rules._core import Context, Severity, Violation
from reliefkit.rules.recipes import Draft, Draw, Subjects
from reliefkit.rules.scopes import WAIVERS
from reliefkit.rules.waivers._pack import (
    COMPLIANT,
    EXAMPLE,
    EXPIRED,
    PACK,
    WHAT,
    WHY,
    cite,
    problem_of,
)
from reliefkit.rules.waivers.rk001_invalid_waiver import add_waiver, grantor

DOC_ZH: dict[str, str] = {
    WHAT: "在 ``as_of`` 当天，领导小组批准的豁免尚未过期（``until`` 不早于 ``as_of``）。",
    WHY: "过期的豁免不再免除任何检查结果；应续期或纠正原问题。",
    EXAMPLE: "豁免 W2 的期限为 2015-11-30，检查日期为 2015-12-31。",
    COMPLIANT: "W2 续期至 2016-03-31，或原问题已纠正、豁免已撤销。",
}


@PACK.rule(
    kinds=("obligation",),
    code="RK002",
    name="expired-waiver",
    severity=Severity.WARNING,
    cites=[cite("a waiver holds until its end date", "豁免在有效期届满前有效")],
    title="A waiver whose end date has passed on as_of",
    title_zh="豁免已过期",
    remedy="Renew the waiver with the leading group, or fix the finding it covered.",
    remedy_zh="向领导小组申请续期，或纠正其所豁免的问题。",
    reads=["waivers", "departments"],
    scope=WAIVERS,
    params=["grantor_sector"],
    doc_zh=DOC_ZH,
)
def expired_waiver(ctx: Context, waiver: Waiver) -> Iterator[Violation]:
    """
    What it checks:
    A waiver otherwise valid has not expired on ``as_of`` (``until`` is on or after it).

    Why it matters:
    An expired waiver exempts nothing: renew it or fix what it covered.

    Example:
    Waiver W2 runs until 2015-11-30 and the check is as of 2015-12-31.

    Compliant:
    W2 is renewed until 2016-03-31, or the finding is fixed and the waiver withdrawn.

    References:
    data-format waivers.csv.
    """
    if problem_of(ctx, waiver) == EXPIRED:
        days = _days_before(waiver, ctx)
        yield Violation(
            (waiver.id,),
            f"Waiver {waiver.id} (rule {waiver.code}, subject {waiver.subject_id}) expired on "
            f"{waiver.until.isoformat()}, {days} day{'s' if days != 1 else ''} before as_of "
            f"{ctx.as_of.isoformat()}; it no longer exempts the finding.",
            f"豁免 {waiver.id}（规则 {waiver.code}，对象 {waiver.subject_id}）已于 "
            f"{waiver.until.isoformat()} 到期（早于 {ctx.as_of.isoformat()} 共 "
            f"{days} 天），不再豁免相应问题。",
            {
                "waived_code": waiver.code,
                "subject": waiver.subject_id,
                "until": waiver.until.isoformat(),
                "as_of": ctx.as_of.isoformat(),
            },
            due=waiver.until,
        )


def _days_before(waiver: Waiver, ctx: Context) -> int:
    """Days from the waiver's end to ``as_of``: counted on the calendar's ordinals, as
    ``(as_of - until).days`` counts them, without the pendulum interval that costs ~9 µs."""
    return ctx.as_of.toordinal() - waiver.until.toordinal()


# ---- recipes: how violating("RK002") breaks this rule --------------------------------------------
@PACK.breaks("RK002")
def let_the_waiver_expire(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """A waiver granted by the leading group that expired before ``as_of``."""
    until = as_of.subtract(days=draw.integers(1, 365))
    waiver = add_waiver(draw, d, grantor(draw, d), until)
    return (waiver.id,)


# ---- the statement of the columnar engine --------------------------------------------------------
# Reads the pack's view of each waiver's problem (declared beside RK001).
PACK.sql(
    "RK002",
    """
    SELECT w.campaign_id, w.subject_id, w.problem = 'expired' AS flagged
    FROM waiver_problems w
    """,
)
