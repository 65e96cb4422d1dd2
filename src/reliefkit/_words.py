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
    },
}


def word(value: object, lang: str = "en") -> str:
    """``value`` (an enum or its text) as a word of ``lang``; unknown values unchanged."""
    text = str(getattr(value, "value", value))
    return WORDS.get(lang, {}).get(text.strip().lower(), text)
