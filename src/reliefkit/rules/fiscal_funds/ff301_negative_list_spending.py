"""Rule FF301, negative-list-spending: declaration, judge, texts (en, zh) and recipes."""

from __future__ import annotations

from collections.abc import Iterator

import pendulum

from reliefkit.models import Disbursement, Fund, Money
from reliefkit.rules._core import Context, Severity, Violation
from reliefkit.rules.fiscal_funds._pack import (
    COMPLIANT,
    EXAMPLE,
    FUND_DISBURSEMENTS,
    PACK,
    WHAT,
    WHY,
    fiscal_disbursement,
    measures_2011,
    measures_2017,
    negative_list_on,
    purpose_word,
)
from reliefkit.rules.recipes import Bounds, Draft, Draw, Subjects, reuse

DOC_ZH: dict[str, str] = {
    WHAT: "财政资金（``fiscal`` 为真的资金）的每笔支出，其用途不在支出当日有效的负面清单上："
    "2012–2016 年适用 2011 年办法的清单，2017 年起适用 2017 年办法的清单。调用方覆盖的清单"
    "适用于所有日期的支出。未写用途的支出、非财政资金的支出不在本规则范围内。",
    WHY: "两部办法都列明了财政专项扶贫资金不得支付的开支（行政事业单位基本支出、交通工具及"
    "通讯设备、楼堂馆所、弥补企业亏损、城市基础设施和城市扶贫、偿还债务等），以免扶贫资金"
    "被挪作他用。",
    EXAMPLE: "财政资金 F3 的支出 B7 于 2017-03-01 用于 ``office_building``（楼堂馆所）。",
    COMPLIANT: "B7 用于 ``infrastructure``（贫困村道路）。",
}


@PACK.rule(
    doc_zh=DOC_ZH,
    code="FF301",
    name="negative-list-spending",
    severity=Severity.ERROR,
    cites=[
        measures_2011(
            "negative list",
            "fiscal poverty funds may not pay for the listed items (2012–2016)",
            "财政专项扶贫资金不得用于所列支出（2012–2016 年）",
        ),
        measures_2017(
            "negative list",
            "fiscal poverty funds may not pay for the listed items (from 2017)",
            "财政专项扶贫资金不得用于所列支出（2017 年起）",
        ),
    ],
    title="A fiscal poverty fund pays for an item on the negative list",
    title_zh="财政专项扶贫资金用于负面清单所列支出",
    remedy="Reverse the disbursement and pay the item from a budget that may pay for it.",
    remedy_zh="追回该支出，改由可列支此类开支的经费支付。",
    reads=["disbursements", "funds"],
    scope=FUND_DISBURSEMENTS,
    where=fiscal_disbursement,
    params=["negative_list"],
    dated=lambda disbursement: disbursement.on,
)
def negative_list_spending(ctx: Context, disbursement: Disbursement) -> Iterator[Violation]:
    """
    What it checks:
    No disbursement from a fiscal fund (``fiscal`` true) has a purpose on the negative list
    in force on its day: the 2011 measures' list for 2012–2016, the 2017 measures' list from
    2017. A list given by the caller applies to every disbursement whatever its day. A
    disbursement without a purpose, or from a fund that is not fiscal, is not judged.

    Why it matters:
    Both measures name what fiscal poverty-relief money may never pay for (basic spending of
    government units, vehicles and telecoms equipment, office buildings and halls, covering
    enterprise losses, urban infrastructure and urban poverty, debts, …), so that it is not
    diverted from relief.

    Example:
    Disbursement B7 of fiscal fund F3 pays for ``office_building`` on 2017-03-01.

    Compliant:
    B7 pays for ``infrastructure`` (a road in a poor village).

    References:
    财农〔2011〕412号 (negative list, 2012–2016); 财农〔2017〕8号 (negative list, from 2017).
    """
    purpose = (disbursement.purpose or "").strip().lower()
    listed, source = negative_list_on(ctx, disbursement.on)
    if purpose not in listed:
        return
    day = disbursement.on.isoformat()
    regime = "the negative list given" if source == "params" else f"the negative list of {source}"
    regime_zh = "调用方给出的负面清单" if source == "params" else f"{source} 的负面清单"
    yield Violation(
        (disbursement.id, disbursement.fund_id),
        f"Disbursement {disbursement.id} ({disbursement.amount} on {day} from fiscal fund "
        f"{disbursement.fund_id}) pays for {purpose_word(purpose)}, which is on {regime} "
        "in force that day.",
        f"支出 {disbursement.id}（{day}，财政资金 {disbursement.fund_id}，{disbursement.amount}）"
        f"用于“{purpose_word(purpose, 'zh')}”，属于当日有效的{regime_zh}所列支出。",
        {"purpose": purpose, "amount": disbursement.amount, "on": disbursement.on, "list": source},
    )


# ---- recipes: how violating("FF301") breaks this rule --------------------------------------------
def _nothing_listed(bounds: Bounds) -> str | None:
    """Why no purpose can be on the list (``None`` when one can)."""
    if not bounds.params.get("negative_list", True):
        return "the negative list is empty (params)"
    return None


@PACK.breaks("FF301", impossible=_nothing_listed)
def pay_a_listed_item(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
    """A disbursement from a fiscal fund for a purpose on the negative list of its day: from
    a new fiscal fund (allocated, audited), or from a fund of the campaign now recorded as
    fiscal."""
    listed = d.param("negative_list")  # the list of the draft's days (all in 2015)
    bad = draw.pick(sorted(listed))
    # A fund may become fiscal only if none of its other payments is on the list.
    clean = [
        f
        for f in d.rows("funds")
        if d.disbursements_from(f.id)
        and all((p.purpose or "").strip().lower() not in listed for p in d.disbursements_from(f.id))
    ]

    def new_fund() -> str:
        fund = d.add_fund(draw)
        d.replace(fund, fiscal=True, allocated=Money.fen(draw.amount(100_000, 100_000_000)))
        return fund.id

    fund_id = reuse(draw, [f.id for f in clean], new_fund)
    fund = d.record(Fund, fund_id)
    if fund.fiscal is not True:
        d.replace(fund, fiscal=True)
    paid = d.disbursements_from(fund_id)
    if paid:
        chosen = d.replace(draw.pick(paid), purpose=bad)
    else:
        chosen = d.add_disbursement(
            draw, fund_id, draw.amount(100, 5_000_000), d.reaches(draw), purpose=bad
        )
        d.add_audit(draw, fund_id)  # FF304: a fiscal fund is audited
    return (chosen.id, fund_id)


# ---- the statement of the columnar engine --------------------------------------------------------
# Reach: a disbursement naming a purpose (``optional_text``: "" is none), from a fund recorded
# as fiscal, dated within the rule's era. Flagged: its purpose is on the list ``param_on``
# reads for its day: the era of ``negative_list`` covering the day (or the caller's
# override, one open era), else the resolved value (``param_items``).
PACK.sql(
    "FF301",
    """
    WITH reach AS (
        SELECT b.campaign_id, b.id, b."on" AS day, lower(trim(b.purpose)) AS purpose
        FROM disbursements b
        JOIN funds f ON f.campaign_id = b.campaign_id AND f.id = b.fund_id
        JOIN rule_eras r ON r.code = 'FF301'
        WHERE f.fiscal IS TRUE
            AND trim(COALESCE(b.purpose, '')) <> ''
            AND (b."on" IS NULL OR (r.since <= b."on" AND (r.until IS NULL OR b."on" <= r.until)))
    ),
    eras AS (
        SELECT e.campaign_id, e.since, e.until, e.value
        FROM param_eras e
        WHERE e.name = 'negative_list'
    ),
    covered AS (
        SELECT DISTINCT x.campaign_id, x.id
        FROM reach x
        JOIN eras e
            ON e.campaign_id = x.campaign_id
            AND (e.since IS NULL OR e.since <= x.day)
            AND (e.until IS NULL OR x.day <= e.until)
    ),
    listed AS (
        SELECT x.campaign_id, x.id
        FROM reach x
        JOIN eras e
            ON e.campaign_id = x.campaign_id
            AND (e.since IS NULL OR e.since <= x.day)
            AND (e.until IS NULL OR x.day <= e.until)
            AND e.value = x.purpose
        UNION
        SELECT x.campaign_id, x.id
        FROM reach x
        LEFT JOIN covered c ON c.campaign_id = x.campaign_id AND c.id = x.id
        JOIN param_items i
            ON i.campaign_id = x.campaign_id
            AND i.name = 'negative_list'
            AND i.item = x.purpose
        WHERE c.id IS NULL
    )
    SELECT x.campaign_id, x.id AS subject_id, l.id IS NOT NULL AS flagged
    FROM reach x
    LEFT JOIN listed l ON l.campaign_id = x.campaign_id AND l.id = x.id
    """,
)
