"""Rule XCP102, solicitation-names-an-amount: declaration, judge, texts (en, zh) and recipes.

The county's rules restate the county plan's ban on quotas (CP123) so that the pack can run
on its own; when both packs run, CP123 reports the solicitation and this rule, which defers
to it, stays silent: one problem, one finding.
"""

from __future__ import annotations

from collections.abc import Iterator

import pendulum
from reliefkit.models import DonorKind, Money, Solicitation
from reliefkit.rules import Context, Severity, Violation
from reliefkit.rules.recipes import Draft, Draw, Subjects
from reliefkit.rules.scopes import SOLICITATIONS

from reliefkit_pack_example_county._pack import PACK, cite
from reliefkit_pack_example_county.xcp101_solicitation_on_a_rest_day import off_the_rest_day

DOC_ZH: dict[str, str] = {
    "What it checks": "募捐请求不写明金额（quota 为空或为零）。",
    "Why it matters": "本县规定捐赠多少由捐赠人自愿决定，募捐请求不得提出金额。",
    "Example": "募捐请求 S1 请企业 E1 捐赠 5,000 元。",
    "Compliant": "S1 只请 E1 自愿捐赠，不写金额。",
}


@PACK.rule(
    code="XCP102",
    name="solicitation-names-an-amount",
    severity=Severity.ERROR,
    cites=[cite("§2", "a solicitation names no amount", "募捐请求不提金额")],
    title="A solicitation that names an amount to give",
    title_zh="募捐请求提出捐赠金额",
    remedy="Withdraw the amount: the donor decides how much to give.",
    remedy_zh="删去金额：捐多少由捐赠人决定。",
    reads=["solicitations"],
    scope=SOLICITATIONS,
    # The county plan's rule on the same solicitation reports first when both packs run.
    defers_to=["CP123"],
    doc_zh=DOC_ZH,
)
def solicitation_names_an_amount(ctx: Context, sol: Solicitation) -> Iterator[Violation]:
    """
    What it checks:
    No solicitation names an amount (its ``quota`` is empty or zero).

    Why it matters:
    The county leaves the amount to the donor; an amount in a request reads as a levy.

    Example:
    Solicitation S1 asks enterprise E1 for 5,000 yuan.

    Compliant:
    S1 asks E1 to give what it wishes, naming no amount.

    References:
    example-county §2; it restates county-plan §二(一) (CP123), to which it defers.
    """
    if sol.quota is not None and sol.quota.yuan > 0:
        yield Violation(
            (sol.id,),
            f"Solicitation {sol.id} names an amount, {sol.quota}.",
            f"募捐请求 {sol.id} 提出了金额 {sol.quota}。",
            {"quota": sol.quota},
        )


# ---- recipes: how violating("XCP102") breaks this rule --------------------------------------
@PACK.breaks("XCP102")
def ask_for_an_amount(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """A new solicitation of a resident that names an amount, on a working day."""
    off_the_rest_day(d)
    drive = d.add_drive(draw, draw.pick(d.units()))
    sol = d.add_solicitation(draw, drive, d.add_donor(draw, DonorKind.RESIDENT).id)
    if sol.on.isoweekday() == d.param("rest_day"):
        sol = d.replace(sol, on=sol.on.add(days=1))
    amount = Money.fen(draw.integers(1, 10_000) * 100)
    return (d.replace(sol, quota=amount).id,)
