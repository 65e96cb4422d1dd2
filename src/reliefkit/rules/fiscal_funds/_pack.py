"""The fiscal-funds pack itself: its metadata, dated parameters, scopes and shared helpers.

Two regimes govern fiscal poverty-relief funds (财政专项扶贫资金): the 2011 measures
(财农〔2011〕412号), in force from 2012-01-01 to 2016-12-31, and the 2017 measures
(财农〔2017〕8号), in force from 2017-01-01. The catalogue is "more-packs" (pack FF of
``more-packs.md`` in the domain documents); its confidence marks are kept on every citation
and parameter value: the negative lists are recalled ([R]), the management-fee cap and the
notice period were read in a secondary copy ([V2]), the Audit Law is verified ([V]).

A fund is fiscal only when its ``fiscal`` column says ``True``: on a campaign with no
fiscal fund (or files without that column) FF301–FF303 have nothing in reach.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

import attrs
import pendulum

from reliefkit._words import word
from reliefkit.exceptions import ParameterError
from reliefkit.models import (
    Campaign,
    DateRange,
    Disbursement,
    Fund,
    FundHolder,
    Project,
    Queries,
)
from reliefkit.rules._core import Citation, Context, Pack
from reliefkit.rules._scope import Scope, field, record_scope, referring
from reliefkit.rules.county_plan._pack import _due

WHAT, WHY, EXAMPLE, COMPLIANT = "What it checks", "Why it matters", "Example", "Compliant"

REGIME_2011 = DateRange("2012-01-01", "2016-12-31")
"""When the 2011 measures (财农〔2011〕412号) were in force."""
REGIME_2017 = DateRange("2017-01-01")
"""When the 2017 measures (财农〔2017〕8号) are in force."""

MEASURES_2011 = "财农〔2011〕412号"
MEASURES_2017 = "财农〔2017〕8号"
DISCLOSURE_2017 = "poverty-fund disclosure guidance 2017"
AUDIT_LAW = "Audit Law"


def cite(
    source: str,
    clause: str,
    summary: str = "",
    summary_zh: str = "",
    *,
    in_force: DateRange | None = None,
    confidence: str = "V",
) -> Citation:
    """A clause of a source, with what it asks in English and in Chinese (our own
    paraphrase), the days it is law (``None``: whenever its rule is) and how sure we are
    of it (the catalogue's mark)."""
    return Citation(source, clause, summary, summary_zh, in_force, confidence)


def measures_2011(clause: str, summary: str, summary_zh: str) -> Citation:
    """A clause of the 2011 measures: in force 2012–2016; recalled, not verified ([R])."""
    return cite(MEASURES_2011, clause, summary, summary_zh, in_force=REGIME_2011, confidence="R")


def measures_2017(clause: str, summary: str, summary_zh: str, confidence: str = "R") -> Citation:
    """A clause of the 2017 measures: in force from 2017."""
    return cite(
        MEASURES_2017, clause, summary, summary_zh, in_force=REGIME_2017, confidence=confidence
    )


PACK = Pack(
    name="fiscal-funds",
    prefix="FF",
    title="Fiscal poverty-relief fund measures (2011, 2017)",
    title_zh="财政专项扶贫资金管理办法（2011、2017）",
    source="Fiscal poverty-relief fund measures 财农〔2011〕412号 and 财农〔2017〕8号; "
    "the Audit Law",
    in_force=DateRange("2012-01-01"),
)

# ---- the negative lists (FF301) -----------------------------------------------------------------
# Purposes are open text in the records (as for the county plan): these names are what the
# lists forbid. "office" and "vehicles" are the county plan's own words for office buildings
# and equipment and for vehicles, so a fund recorded with them is judged alike.
NEGATIVE_2011 = frozenset(
    {
        "government_basic_spending",
        "bonuses",
        "allowances",
        "vehicles",
        "telecoms_equipment",
        "office_building",
        "office",
        "staff_housing",
        "enterprise_losses",
        "budget_gaps",
        "debt_repayment",
        "large_construction",
        "urban_infrastructure",
        "urban_poverty",
        "unrelated",
    }
)
NEGATIVE_2017 = frozenset(
    {
        "government_basic_spending",
        "vehicles",
        "telecoms_equipment",
        "office_building",
        "office",
        "staff_housing",
        "enterprise_losses",
        "large_irrigation",
        "urban_infrastructure",
        "urban_poverty",
        "debt_repayment",
        "advance_repayment",
        "unrelated",
    }
)
MANAGEMENT_FEE = frozenset({"management_fee"})

GOVERNMENT_HOLDERS = frozenset({FundHolder.TOWNSHIP_GOVERNMENT, FundHolder.DEPARTMENT})
"""Holders whose donated funds are government-handled social donations (FF304)."""

FIRST_DAY = "2012-01-01"


def _names(value: frozenset[str]) -> None:
    if any(not isinstance(v, str) or not v.strip() for v in value):
        raise ValueError("expected purpose names")


def _share(value: Decimal) -> None:
    if not Decimal(0) <= value <= Decimal(1):
        raise ValueError("expected a share from 0 to 1, like Decimal('0.01') for 1%")


def _days(value: int) -> None:
    if isinstance(value, bool) or value < 0:
        raise ValueError("expected a number of days, 0 or more")


PACK.parameter(
    "negative_list",
    NEGATIVE_2011,
    source=measures_2011(
        "negative list",
        "fiscal poverty funds may not pay for the listed items",
        "财政专项扶贫资金不得用于所列支出",
    ),
    doc="Purposes fiscal poverty funds may never pay for (FF301), per regime: the 2011 list "
    "(basic spending of government units, bonuses and allowances, vehicles and telecoms "
    "equipment, office buildings, halls and staff housing, enterprise losses, budget gaps and "
    "debts, large construction projects, urban infrastructure and urban poverty, anything "
    "unrelated) until 2016, the 2017 list (large irrigation works instead of large "
    "construction, debts and advances, no bonuses or budget gaps) from 2017. A disbursement "
    "is judged by the list of its own day; an override replaces the list in every era.",
    confidence="R",
    since=FIRST_DAY,
    until="2016-12-31",
    check=_names,
)
PACK.parameter(
    "negative_list",
    NEGATIVE_2017,
    source=measures_2017(
        "negative list",
        "fiscal poverty funds may not pay for the listed items",
        "财政专项扶贫资金不得用于所列支出",
    ),
    confidence="R",
    since="2017-01-01",
)
PACK.parameter(
    "management_fee_purposes",
    MANAGEMENT_FEE,
    source=measures_2017(
        "Art.9",
        "project management fees are capped",
        "项目管理费有比例上限",
        confidence="V2",
    ),
    doc="Purposes that are project management fees (FF302).",
    confidence="V2",
    since=FIRST_DAY,
    check=_names,
)
PACK.parameter(
    "management_fee_share",
    Decimal("0.01"),
    source=measures_2017(
        "Art.9",
        "project management fees at most 1% of the fund",
        "项目管理费不超过资金的1%",
        confidence="V2",
    ),
    doc="The largest share of a fiscal fund's allocation its project management fees may "
    "take (FF302, judged from 2017-01-01; declared from the pack's first day so that every "
    "campaign of the pack resolves it).",
    confidence="V2",
    since=FIRST_DAY,
    check=_share,
)
PACK.parameter(
    "notice_days",
    10,
    source=cite(
        DISCLOSURE_2017,
        "project notice",
        "a project is posted publicly before its funding is decided",
        "项目在确定资金安排前进行公示",
        confidence="V2",
    ),
    doc="Days a project paid from a fiscal fund is posted before its funding is decided "
    "(FF303, judged from 2017-01-01).",
    confidence="V2",
    since=FIRST_DAY,
    check=_days,
)
PACK.parameter(
    "announcement_grace_days",
    30,
    source=cite(
        DISCLOSURE_2017,
        "results notice",
        "the result is announced after the decision",
        "资金安排结果公告",
        confidence="V2",
    ),
    doc="Days after its funding decision by which a project's result is to be announced "
    "(FF303). The guidance asks for an announcement after the decision without a number of "
    "days here: 30 is our reading.",
    confidence="I",
    since=FIRST_DAY,
    check=_days,
)
PACK.parameter(
    "audit_due",
    "campaign_end",
    source=cite(
        AUDIT_LAW,
        "Art.23",
        "donated funds handled by government bodies are audited",
        "政府部门管理的社会捐赠资金接受审计监督",
    ),
    doc="When audits of fiscal and government-handled funds are due (FF304): 'campaign_end' "
    "(the campaign's ends_on) or a month-day 'MM-DD'. The law sets no day: the county plan's "
    "due day is used, under the same name, so one override moves both.",
    confidence="I",
    since=FIRST_DAY,
    check=_due,
)
PACK.parameter(
    "due_day_counts",
    True,
    source=cite(
        AUDIT_LAW,
        "Art.23",
        "donated funds handled by government bodies are audited",
        "政府部门管理的社会捐赠资金接受审计监督",
    ),
    doc="Whether a missing audit (FF304) is judged on its due day itself or only from the day "
    "after (as the county plan's parameter of the same name).",
    confidence="I",
    since=FIRST_DAY,
)


# ---- parameters of an act's day -------------------------------------------------------------
def negative_list_on(ctx: Context, day: pendulum.Date) -> tuple[frozenset[str], str]:
    """The negative list an act of ``day`` is judged by, and where it comes from: the
    regime in force that day (``财农〔2017〕8号``), or the caller's override, which applies
    to every act whatever its day (see :meth:`Pack.param_on`)."""
    listed: frozenset[str] = PACK.param_on(ctx, "negative_list", day)
    parameter = PACK.parameters["negative_list"]
    try:
        era = parameter.era_on(day)
    except ParameterError:
        return listed, "params"
    return listed, (era.source.source if listed == era.value else "params")


# ---- scopes --------------------------------------------------------------------------------
FUND_DISBURSEMENTS: Scope[Disbursement] = attrs.evolve(
    record_scope(
        "disbursements",
        Disbursement,
        "Each disbursement, judged with its fund (whether the fund is fiscal decides which "
        "disbursements the fiscal rules judge).",
        {"funds": referring("disbursements")},
    ),
    name="fund-disbursements",
)


def _projects_paid_by(view: Queries, fund: Fund) -> Iterator[str]:
    """Whether a fund is fiscal decides which projects its disbursements pay from it."""
    for disbursement in view.disbursements_from(fund.id):
        if disbursement.project_id is not None:
            yield disbursement.project_id


PAID_PROJECTS: Scope[Project] = attrs.evolve(
    record_scope(
        "projects",
        Project,
        "Each project, judged with the disbursements that pay it and their funds.",
        {"disbursements": field("project_id"), "funds": _projects_paid_by},
    ),
    name="paid-projects",
)


# ---- which subjects are in a rule's reach -------------------------------------------------
def is_fiscal(view: Queries, fund_id: str | None) -> bool:
    """Whether the id names a fund recorded as fiscal (an empty column is not fiscal)."""
    found = view.get(fund_id)
    return isinstance(found, Fund) and found.fiscal is True


def fiscal_disbursement(ctx: Context, disbursement: Disbursement) -> bool:
    """A disbursement from a fiscal fund, naming a purpose."""
    return bool((disbursement.purpose or "").strip()) and is_fiscal(ctx.view, disbursement.fund_id)


def allocated_fiscal_fund(ctx: Context, fund: Fund) -> bool:
    """A fiscal fund with a recorded allocation."""
    return fund.fiscal is True and fund.allocated is not None


def fiscal_payments(view: Queries, project: Project) -> list[Disbursement]:
    """The disbursements from fiscal funds that pay a project, by id."""
    paying = (view.get(k) for table, k, _ in view.referrers(project.id) if table == "disbursements")
    return sorted(
        (d for d in paying if isinstance(d, Disbursement) and is_fiscal(view, d.fund_id)),
        key=lambda d: d.id,
    )


def decided_fiscal_project(ctx: Context, project: Project) -> bool:
    """A project paid from a fiscal fund whose funding decision is recorded."""
    return project.approved_on is not None and bool(fiscal_payments(ctx.view, project))


def audited_kind(view: Queries, fund: Fund) -> str | None:
    """Why the Audit Law reaches a fund: ``"fiscal"`` (fiscal money allocated or moving),
    ``"donated"`` (a government body handles donations), or ``None``."""
    moved = view.has_group("donations_by_fund", fund.id) or view.has_group(
        "disbursements_by_fund", fund.id
    )
    if fund.fiscal is True and (moved or (fund.allocated is not None and fund.allocated > 0)):
        return "fiscal"
    if fund.holder in GOVERNMENT_HOLDERS and view.has_group("donations_by_fund", fund.id):
        return "donated"
    return None


def fund_to_audit(ctx: Context, fund: Fund) -> bool:
    """A fiscal fund with money, or a government-held fund that received donations."""
    return audited_kind(ctx.view, fund) is not None


# ---- shared helpers ---------------------------------------------------------------------------
def ids_of(records: Iterable[Any]) -> tuple[str, ...]:
    """The records' ids, sorted."""
    return tuple(sorted(r.id for r in records))


def percent(share: Decimal) -> str:
    """A share as a percentage: ``Decimal('0.01')`` is ``1%``."""
    return f"{(share * 100).normalize():f}%"


def days(n: int) -> str:
    """``1 day``, ``3 days``."""
    return f"{n} day{'s' if n != 1 else ''}"


# ---- what recipes share -----------------------------------------------------------------------
def into_2017(campaign: Campaign) -> Campaign:
    """The campaign running on to the end of 2017, so that the 2017 measures apply to some of
    its acts (generated campaigns are 2015 ones)."""
    end = pendulum.Date(2017, 12, 31)
    return campaign if campaign.ends_on >= end else attrs.evolve(campaign, ends_on=end)


PURPOSE_ZH: dict[str, str] = {
    "government_basic_spending": "行政事业单位基本支出",
    "bonuses": "奖金",
    "allowances": "津贴和福利补助",
    "telecoms_equipment": "通讯设备",
    "office_building": "楼堂馆所",
    "staff_housing": "职工住宅",
    "enterprise_losses": "弥补企业亏损",
    "budget_gaps": "弥补预算缺口",
    "debt_repayment": "偿还债务",
    "advance_repayment": "偿还垫资",
    "large_construction": "大中型基本建设项目",
    "large_irrigation": "大中型农田水利工程",
    "urban_infrastructure": "城市基础设施",
    "urban_poverty": "城市扶贫",
    "unrelated": "与扶贫无关的支出",
    "management_fee": "项目管理费",
}
"""Chinese words for the purposes this pack names (the county plan's are in ``_words``)."""


def purpose_word(purpose: str | None, lang: str = "en") -> str:
    """A purpose as a word of ``lang``."""
    text = (purpose or "").strip()
    if lang == "zh" and text.lower() in PURPOSE_ZH:
        return PURPOSE_ZH[text.lower()]
    return word(text, lang)


def listed_for(value: frozenset[str], first: pendulum.Date, day: pendulum.Date) -> frozenset[str]:
    """The negative list an act of ``day`` is judged by, in a campaign whose resolved value
    (read on its first day ``first``) is ``value``: the override, or the era of ``day``, as
    :func:`negative_list_on` reads it (recipes plant with it)."""
    parameter = PACK.parameters["negative_list"]
    if value != parameter.value_on(first):
        return value
    listed: frozenset[str] = parameter.value_on(day)
    return listed


GENERATED_FIRST_DAY = pendulum.Date(2015, 8, 1)
"""A first day of the campaigns ``reliefkit.testing`` generates (they are 2015 ones)."""
