"""Rule CP120, training-not-free: declaration, judge, texts (en, zh) and recipes."""

from __future__ import annotations

from collections.abc import Iterator

import pendulum

from reliefkit.models import (
    Activity,
    ActivityKind,
    Money,
)
from reliefkit.rules._core import Context, Severity, Violation
from reliefkit.rules.county_plan._pack import (
    COMPLIANT,
    EXAMPLE,
    PACK,
    WHAT,
    WHY,
    cite,
    training,
)
from reliefkit.rules.recipes import Draft, Draw, Subjects, reuse
from reliefkit.rules.scopes import (
    ACTIVITIES,
)

DOC_ZH: dict[str, str] = {
    WHAT: "职业技能培训活动的收费（``fee``）为空或为零。",
    WHY: "工作方案的行业扶贫要求为贫困户免费提供职业技能培训。",
    EXAMPLE: "培训 A7 收费 200 元。",
    COMPLIANT: "A7 的收费为 0 或空白。",
}


@PACK.rule(
    doc_zh=DOC_ZH,
    code="CP120",
    name="training-not-free",
    severity=Severity.ERROR,
    cites=[
        cite(
            "§二(五)",
            "free vocational-skills training for the poor",
            "为贫困户免费提供职业技能培训",
        )
    ],
    title="Vocational-skills training for poor households charges a fee",
    title_zh="面向贫困户的职业技能培训收费",
    remedy="Offer the training free of charge and refund any fee taken.",
    remedy_zh="免费开展培训，已收费用予以退还。",
    reads=["activities"],
    scope=ACTIVITIES,
    where=training,
)
def training_not_free(ctx: Context, activity: Activity) -> Iterator[Violation]:
    """
    What it checks:
    A vocational-training activity's fee is empty or zero.

    Why it matters:
    The plan's sector relief offers poor households vocational-skills training free of charge.

    Example:
    Training A7 charges 200 yuan.

    Compliant:
    A7's fee is 0 or empty.

    References:
    county-plan §二(五).
    """
    if activity.fee is not None and activity.fee.yuan > 0:
        yield Violation(
            (activity.id,),
            f"Vocational training {activity.id} on {activity.on.isoformat()} charges a fee of "
            f"{activity.fee}; it must be free (fee empty or 0).",
            f"职业技能培训 {activity.id}（{activity.on.isoformat()}）收费 {activity.fee}，"
            "应免费（费用为空或 0）。",
            {"fee": activity.fee},
        )


# ---- recipes: how violating("CP120") breaks this rule --------------------------------------------
@PACK.breaks("CP120")
def charge_for_training(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """Vocational training that charges a fee."""
    training = reuse(
        draw,
        d.activities_of_kind(ActivityKind.VOCATIONAL_TRAINING),
        lambda: d.add_activity(draw, ActivityKind.VOCATIONAL_TRAINING, draw.pick(d.units())),
    )
    d.replace(training, fee=Money.fen(draw.amount(1, 100_000)))
    return (training.id,)


# ---- the statement of the columnar engine --------------------------------------------------------
PACK.sql(
    "CP120",
    """
    SELECT a.campaign_id, a.id AS subject_id, a.fee IS NOT NULL AND a.fee > 0 AS flagged
    FROM activities a
    WHERE a.kind = 'vocational_training'
    """,
)
