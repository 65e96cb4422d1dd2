"""Rule CP112, purpose-not-poverty-relief: declaration, judge, texts (en, zh) and recipes."""

from __future__ import annotations

from collections.abc import Iterator

import pendulum

from reliefkit._words import word
from reliefkit.models import (
    Disbursement,
)
from reliefkit.rules._core import Context, Severity, Violation
from reliefkit.rules._sql_ledger import DISBURSEMENT_CLASSES, DISBURSEMENT_CLASSES_VIEW
from reliefkit.rules.county_plan._pack import (
    COMPLIANT,
    EXAMPLE,
    PACK,
    WHAT,
    WHY,
    cite,
    classify,
)
from reliefkit.rules.recipes import Draft, Draw, Subjects, reuse
from reliefkit.rules.scopes import (
    DISBURSEMENTS,
)

DOC_ZH: dict[str, str] = {
    WHAT: "每笔支出都写明允许的扶贫用途。未分类的用途（``other``、空白或本规则包不认识的"
    "用途）在此报告；政府投资和其他开支分别由 CP113、CP114 报告。",
    WHY: "工作方案规定募集的款物全部用于扶贫开发。",
    EXAMPLE: "支出 B4 的用途为 ``other``。",
    COMPLIANT: "B4 的用途为 ``education_aid``（助学）。",
}


@PACK.rule(
    doc_zh=DOC_ZH,
    code="CP112",
    name="purpose-not-poverty-relief",
    severity=Severity.ERROR,
    cites=[
        cite("§二(一)", "all money raised goes to poverty relief", "募集款物全部用于扶贫开发"),
        cite("§二(六)", "charity purposes", "公益慈善用途：扶老、助残、救孤、济困、医疗和教育救助"),
    ],
    title="A disbursement names no permitted poverty-relief purpose",
    title_zh="支出用途不属于扶贫开发",
    remedy="Classify the disbursement under a permitted poverty-relief purpose, or reverse it.",
    remedy_zh="将该支出归入允许的扶贫用途，或予以追回。",
    reads=["disbursements", "projects"],
    scope=DISBURSEMENTS,
    params=["permitted_purposes", "other_expense_purposes", "government_purposes"],
)
def purpose_not_poverty_relief(ctx: Context, disbursement: Disbursement) -> Iterator[Violation]:
    """
    What it checks:
    Every disbursement names a permitted poverty-relief purpose. An unclassified purpose
    (``other``, empty, or one the pack does not know) fails here; government investment and
    other expenses are reported by CP113 and CP114 instead.

    Why it matters:
    The plan says everything raised is used for poverty relief.

    Example:
    Disbursement B4 has purpose ``other``.

    Compliant:
    B4 has purpose ``education_aid``.

    References:
    county-plan §二(一), §二(六).
    """
    if classify(ctx, disbursement) == "CP112":
        amount = str(disbursement.amount)  # formatted once for both languages
        paid = f"{amount} from fund {disbursement.fund_id}"
        paid_zh = f"资金 {disbursement.fund_id}，{amount}"
        permitted = len(ctx.param("permitted_purposes"))
        if disbursement.purpose is None or not disbursement.purpose.strip():
            message = (
                f"Disbursement {disbursement.id} ({paid}) names no purpose; it must name one of "
                f"the {permitted} permitted poverty-relief purposes."
            )
            message_zh = f"支出 {disbursement.id}（{paid_zh}）未填用途，须为 {permitted} 种允许的扶贫用途之一。"
        else:
            message = (
                f"Disbursement {disbursement.id} ({paid}) has purpose {disbursement.purpose!r}, "
                f"which is not one of the {permitted} permitted poverty-relief purposes."
            )
            message_zh = (
                f"支出 {disbursement.id}（{paid_zh}）的用途“{word(disbursement.purpose, 'zh')}”"
                f"不属于 {permitted} 种允许的扶贫用途。"
            )
        yield Violation(
            (disbursement.id,),
            message,
            message_zh,
            {
                "purpose": disbursement.purpose,
                "amount": disbursement.amount,
                "permitted": sorted(ctx.param("permitted_purposes")),
            },
        )


# ---- recipes: how violating("CP112") breaks this rule --------------------------------------------
@PACK.breaks("CP112")
def pay_for_no_known_purpose(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """A disbursement with no permitted purpose: empty, ``other``, or one nobody knows."""
    paid = reuse(draw, d.rows("disbursements"), lambda: d.add_flow(draw))
    named = (
        set(d.param("permitted_purposes"))
        | set(d.param("other_expense_purposes"))
        | set(d.param("government_purposes"))
    )
    unknown = [
        p for p in ("other", "Other ", "fireworks", "misc") if p.strip().lower() not in named
    ]
    d.replace(paid, purpose=draw.pick([None, *unknown]))
    return (paid.id,)


# ---- the statement of the columnar engine --------------------------------------------------------
# The pack's one classification of disbursements (``classify``), shared with CP113 and CP114.
PACK.view(DISBURSEMENT_CLASSES_VIEW, DISBURSEMENT_CLASSES)

PACK.sql(
    "CP112",
    """
    SELECT c.campaign_id, c.disbursement_id AS subject_id, c.code = 'CP112' AS flagged
    FROM disbursement_classes c
    """,
)
