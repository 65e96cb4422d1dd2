"""The words reliefkit shows people, in English and Chinese: one vocabulary for every output.

Severities, kinds, outcomes and purposes are data (``"error"``, ``"meals"``); what a county
officer reads is a word in their language (错误, 餐饮招待). Renderers and rule messages call
:func:`word`; an unknown value is shown as it is.
"""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "zh": {
        # severities
        "error": "错误",
        "warning": "警告",
        "info": "提示",
        # kinds of finding
        "breach": "违规",
        "obligation": "待履行",
        # outcomes
        "pass": "通过",
        "fail": "未通过",
        "not_applicable": "不适用",
        # purposes (the interchange format's names)
        "infrastructure": "基础设施",
        "industry": "产业发展",
        "vocational_training": "职业技能培训",
        "technical_services": "技术服务",
        "education_aid": "助学",
        "medical_aid": "医疗救助",
        "elderly_support": "养老扶助",
        "disability_support": "助残",
        "orphan_relief": "孤儿救助",
        "hardship_relief": "困难救助",
        "housing": "住房",
        "government_investment": "政府投资项目",
        "administration": "行政经费",
        "event": "活动或仪式经费",
        "travel": "差旅",
        "meals": "餐饮招待",
        "gifts": "礼品",
        "salaries": "工资补贴",
        "vehicles": "车辆",
        "office": "办公楼及设备",
        "other": "其他",
        # roles of people
        "county_leader": "县领导",
        "township_main_leader": "乡镇主要领导",
        "cadre": "干部",
        "auditor": "审计人员",
        # sectors of departments
        "leading_group": "扶贫开发领导小组",
        "audit": "审计",
        "civil_affairs": "民政",
        "education": "教育",
        "health": "卫生",
        "agriculture": "农业",
        "finance": "财政",
        "human_resources": "人力社保",
        "tourism": "旅游",
        "science": "科技",
        # holders of funds
        "charity": "慈善组织",
        "designated_account": "专户",
        "township_government": "乡镇政府",
        "department": "部门",
        # who asks whom (CP101's relations)
        "township asks township": "乡镇向乡镇",
        "township asks department": "乡镇向部门",
        "department asks township": "部门向乡镇",
        "department asks department": "部门向部门",
        # answers and absences
        "yes": "是",
        "no": "否",
        "none": "无",
        "n/a": "不适用",
    },
    "en": {
        "not_applicable": "not applicable",
        "vocational_training": "vocational training",
        "technical_services": "technical services",
        "education_aid": "education aid",
        "medical_aid": "medical aid",
        "elderly_support": "elderly support",
        "disability_support": "disability support",
        "orphan_relief": "orphan relief",
        "hardship_relief": "hardship relief",
        "government_investment": "government investment",
        "county_leader": "county leader",
        "township_main_leader": "township main leader",
        "leading_group": "leading group",
        "civil_affairs": "civil affairs",
        "human_resources": "human resources",
        "designated_account": "designated account",
        "township_government": "township government",
    },
}


def word(value: object, lang: str = "en") -> str:
    """``value`` (an enum or its text) as a word of ``lang``; unknown values unchanged."""
    text = str(getattr(value, "value", value))
    return WORDS.get(lang, {}).get(text.strip().lower(), text)


FIELDS: dict[str, dict[str, str]] = {
    "zh": {
        "activities": "活动",
        "activity": "活动",
        "adopted_on": "通过日期",
        "amount": "金额",
        "as_of": "检查日期",
        "auditor": "审计单位",
        "audits": "审计",
        "badge": "荣誉证",
        "balance": "结余",
        "campaign": "活动期间",
        "ceremonies": "启动仪式",
        "deadline": "期限",
        "designated": "定向捐赠",
        "designation": "定向对象",
        "destination_township": "去向乡镇",
        "disbursed": "支出",
        "due": "到期日",
        "fee": "收费",
        "granted_by": "批准单位",
        "home_township": "家乡乡镇",
        "household": "农户",
        "households": "农户",
        "in_seat": "在乡镇驻地",
        "last_movement": "最后一笔收支",
        "leader_visits": "领导走访次数",
        "led_by": "带队人",
        "ledger_disbursed": "账面支出",
        "ledger_received": "账面收入",
        "limit": "上限",
        "main_leader": "主要领导",
        "needed_from_undesignated": "需动用非定向资金",
        "on": "日期",
        "organizer": "组织方",
        "paired": "有对口帮扶关系",
        "participants": "参加人员",
        "permitted": "允许的用途",
        "place": "地点",
        "pledged_on": "认捐日期",
        "populous": "人口密集处",
        "project": "项目",
        "published_on": "公布日期",
        "purpose": "用途",
        "quota": "摊派额度",
        "received": "收入",
        "relation": "关系",
        "responsible_person": "责任人",
        "role": "职务",
        "solicitations": "募捐",
        "spent_on_designations": "已用于定向捐赠",
        "subject": "对象",
        "target_unit": "被募捐单位",
        "tasks": "任务数",
        "teams": "驻村工作队",
        "undesignated": "非定向资金",
        "until": "有效期至",
        "village": "村",
        "villages": "村",
        "villages_elsewhere": "其他乡镇的村",
        "waived_code": "豁免的规则",
        "window": "时间窗口",
        "work_plans": "工作方案数",
    },
    "en": {
        "as_of": "as of",
        "in_seat": "in the township seat",
        "on": "date",
        "populous": "populous place",
        "waived_code": "waived rule",
    },
}
"""Names of record fields and evidence keys (``ledger_received``) as people read them."""


def field_word(key: object, lang: str = "en") -> str:
    """A field or evidence key as words of ``lang``: from :data:`FIELDS`, else the key with
    underscores as spaces (``ledger_received`` → ``ledger received``)."""
    text = str(key)
    found = FIELDS.get(lang, {}).get(text)
    return found if found is not None else FIELDS["en"].get(text, text.replace("_", " "))
