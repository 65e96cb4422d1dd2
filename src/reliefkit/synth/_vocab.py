"""Words the synthetic campaigns are written with: the example county's (``reliefkit.examples``),
repeated here so that ``synth`` depends on the models and io only. Every name is made up from
common syllables; none refers to a real place or person."""

from __future__ import annotations

PLACE_HEADS = tuple("龙青白石金黄红双高长新太平安兴马凤桃柏松竹清永宝鹤云")
PLACE_TAILS = tuple("潭门山河坝溪岭坪岩湾桥坡塘林沟垭口场坎池")
SURNAMES = tuple("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭罗梁宋郑谢韩唐冯邓曹彭曾肖田")
GIVEN = tuple("明华建国志勇伟芳秀英德文兰军平春红玉云海林强福贵生成光荣家翠")
TRADES = ("建材", "农业", "食品", "物流", "茶业", "药业", "旅游", "电子", "矿业", "置业")
FORMS = ("有限公司", "股份有限公司", "合作社", "集团有限公司")

DEPARTMENTS: tuple[tuple[str, str, str], ...] = (
    # (id, name, sector): the example county's; the leading group office and the audit
    # bureau first.
    ("LG", "县扶贫开发领导小组办公室", "leading_group"),
    ("AU", "县审计局", "audit"),
    ("D01", "县民政局", "civil_affairs"),
    ("D02", "县教委", "education"),
    ("D03", "县卫生计生委", "health"),
    ("D04", "县农委", "agriculture"),
    ("D05", "县财政局", "finance"),
    ("D06", "县人力社保局", "human_resources"),
    ("D07", "县旅游局", "tourism"),
    ("D08", "县科委", "science"),
    ("D09", "县交委", "other"),
    ("D10", "县林业局", "agriculture"),
    ("D11", "县水务局", "other"),
    ("D12", "县商务局", "other"),
    ("D13", "县国土房管局", "other"),
    ("D14", "县工商联", "other"),
)
DEPARTMENT_IDS = tuple(d for d, _, _ in DEPARTMENTS)
LG, AU = 0, 1
LINE = tuple(range(2, 16))
"""Line departments (D01…D14): those paired with townships and sending work teams."""
DRIVING = (0, *LINE)
"""Departments holding a donation drive: all but the audit bureau (LG, D01…D14)."""
TOURING = tuple(range(2, 9))
"""Departments leading an inspection tour (D01…D07)."""
TRAINING, HEALTH = 7, 4  # D06 (human resources) trains, D03 (health) gives sector relief
SPARE_TOUR, SPARE_TOUR_2, SPARE_TRAINING = 9, 10, 5  # D08, D09, D04: planted records

PROJECT_PURPOSES = (
    ("infrastructure", "通组公路"),
    ("infrastructure", "人饮工程"),
    ("industry", "特色种植基地"),
    ("industry", "生态养殖场"),
    ("housing", "危旧房改造"),
    ("education_aid", "村小学改造"),
    ("medical_aid", "村卫生室"),
    ("technical_services", "农技服务站"),
)
SOCIETIES = ("县青年商会", "县慈善基金会", "县农业产业协会")
HOUSEHOLD_PURPOSES = (
    "education_aid",
    "medical_aid",
    "hardship_relief",
    "housing",
    "elderly_support",
    "disability_support",
)
FUND_NAMES = ("县慈善会扶贫日募集资金", "县红十字会扶贫捐赠", "县扶贫日捐赠专户")
FUND_HOLDERS = ("charity", "charity", "designated_account")
SPECIAL_FUND_NAMES = ("县慈善会定向捐赠专项", "县慈善会乡村振兴专项", "县慈善会济困专项")

OTHER_EXPENSES = (
    "administration",
    "event",
    "travel",
    "meals",
    "gifts",
    "salaries",
    "vehicles",
    "office",
)
UNCLASSIFIED = ("other", "misc", "fireworks", "")
"""Purposes no pack knows (CP112); the empty one is written as an empty cell."""
GOODS = "化肥、种苗（按评估价）"

PURPOSES: tuple[str, ...] = tuple(
    dict.fromkeys(
        [p for p, _ in PROJECT_PURPOSES]
        + list(HOUSEHOLD_PURPOSES)
        + list(OTHER_EXPENSES)
        + list(UNCLASSIFIED)
        + ["government_investment", "Housing"]
    )
)
"""Every purpose a synthetic disbursement may carry, by code (an index into this tuple)."""
