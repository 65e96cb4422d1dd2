"""Chinese header aliases, and the resolution of a header to a column name.

A header resolves, in order: to a column of the table by its exact name; by its name
ignoring case, spaces and hyphens (``Township ID`` → ``township_id``); to a column through
an alias of that table (``_TABLE_ALIASES``); through a general alias (``HEADER_ALIASES``) when
the table has that column. A trailing unit in brackets is ignored (``金额（元）`` → ``金额``).
"""

from __future__ import annotations

import re
from types import MappingProxyType

from reliefkit.io._schema import Table

HEADER_ALIASES: MappingProxyType[str, str] = MappingProxyType(
    {
        # keys and names
        "编号": "id",
        "名称": "name",
        "姓名": "name",
        "年份": "year",
        "年度": "year",
        "县": "county",
        "县名": "county",
        "开始日期": "starts_on",
        "起始日期": "starts_on",
        "结束日期": "ends_on",
        "截止日期": "ends_on",
        "日期": "on",
        "类型": "kind",
        "种类": "kind",
        "类别": "kind",
        # units and people
        "主要领导": "main_leader_id",
        "行业": "sector",
        "单位": "unit_id",
        "所在单位": "unit_id",
        "角色": "role",
        "职务": "role",
        "乡镇": "township_id",
        "村": "village_id",
        "贫困村": "poor",
        # households
        "户主": "head_name",
        "户主姓名": "head_name",
        "身份证号": "resident_id",
        "身份证号码": "resident_id",
        "公民身份号码": "resident_id",
        "人口": "members",
        "人数": "members",
        "家庭人口": "members",
        "贫困户": "registered_poor",
        "建档立卡贫困户": "registered_poor",
        "责任人": "responsible_person_id",
        "帮扶责任人": "responsible_person_id",
        # pairings, teams, plans
        "部门": "department_id",
        "帮扶部门": "department_id",
        "结对对象": "partner_id",
        "帮扶对象": "partner_id",
        "结对日期": "since",
        "派出单位": "dispatched_by",
        "队长": "leader_id",
        "通过日期": "adopted_on",
        "制定日期": "adopted_on",
        "任务数": "tasks",
        # activities and solicitations
        "组织单位": "organizer_id",
        "地点": "place",
        "人口集中": "populous",
        "人口集中地点": "populous",
        "乡镇所在地": "in_seat",
        "带队领导": "led_by",
        "参加人员": "participants",
        "涉及村": "villages",
        "涉及户": "households",
        "费用": "fee",
        "活动": "activity_id",
        "募捐对象": "target_id",
        "额度": "quota",
        "认捐额度": "quota",
        # donors, projects, money
        "捐赠人": "donor_id",
        "家乡乡镇": "home_township_id",
        "同意公开": "publicity_consent",
        "项目": "project_id",
        "用途": "purpose",
        "发布日期": "published_on",
        "政府责任": "government_obligated",
        "金额": "amount",
        "持有方": "holder",
        "基金": "fund_id",
        "资金": "fund_id",
        "物资": "goods",
        "定向项目": "designated_project_id",
        "定向村": "designated_village_id",
        "荣誉证书": "badge",
        "收据": "receipt",
        "捐赠票据": "receipt",
        "户": "household_id",
        "审计单位": "auditor_id",
        "收入合计": "received_total",
        "支出合计": "disbursed_total",
        # waivers
        "规则": "code",
        "规则代码": "code",
        "豁免对象": "subject_id",
        "理由": "reason",
        "批准单位": "granted_by",
        "有效期至": "until",
    }
)
"""Chinese header → column name, for every table that has the column."""

# Where a general alias would name the wrong column (or none), a table says what it means.
_TABLE_ALIASES: dict[str, dict[str, str]] = {
    "departments": {"类型": "sector", "种类": "sector", "类别": "sector"},
    "funds": {"类型": "holder", "种类": "holder", "类别": "holder"},
    "pairings": {
        "乡镇": "partner_id",
        "村": "partner_id",
        "对象": "partner_id",
        "开始日期": "since",
        "日期": "since",
    },
    "work_teams": {"单位": "dispatched_by", "负责人": "leader_id"},
    "exit_plans": {"日期": "adopted_on"},
    "activities": {"村": "villages", "户": "households", "金额": "fee", "单位": "organizer_id"},
    "solicitations": {"金额": "quota", "单位": "organizer_id", "对象": "target_id"},
    "donors": {"乡镇": "home_township_id"},
    "audits": {"单位": "auditor_id"},
    "waivers": {"日期": "until", "对象": "subject_id", "代码": "code"},
    "townships": {"负责人": "main_leader_id"},
}

TABLE_ALIASES: MappingProxyType[str, MappingProxyType[str, str]] = MappingProxyType(
    {table: MappingProxyType(aliases) for table, aliases in _TABLE_ALIASES.items()}
)
"""Table → (Chinese header → column name), taking precedence over ``HEADER_ALIASES``."""

_UNIT = re.compile(r"\s*[(（][^()（）]*[)）]\s*$")
_SEPARATORS = re.compile(r"[\s\-]+")


def _lookup(table: Table, header: str) -> str | None:
    names = {c.name for c in table.columns}
    if header in names:
        return header
    normalised = _SEPARATORS.sub("_", header.lower())
    if normalised in names:
        return normalised
    specific = TABLE_ALIASES.get(table.name)
    if specific is not None and header in specific:
        return specific[header]
    general = HEADER_ALIASES.get(header)
    return general if general in names else None


def resolve_header(table: Table, header: str) -> str | None:
    """The column a (stripped) header names in ``table``, or ``None`` if it names none."""
    header = header.strip()
    if not header:
        return None
    found = _lookup(table, header)
    if found is None and _UNIT.search(header):
        found = _lookup(table, _UNIT.sub("", header))
    return found
