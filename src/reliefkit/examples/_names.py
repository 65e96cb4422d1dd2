"""Fictional Chinese names for the example campaign: places, people, enterprises.

Every name is made up from common syllables; none refers to a real place or person.
"""

from __future__ import annotations

import random

PLACE_HEADS = "龙青白石金黄红双高长新太平安兴马凤桃柏松竹清永宝鹤云"
PLACE_TAILS = "潭门山河坝溪岭坪岩湾桥坡塘林沟垭口场坎池"
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭罗梁宋郑谢韩唐冯邓曹彭曾肖田"
GIVEN = "明华建国志勇伟芳秀英德文兰军平春红玉云海林强福贵生成光荣家翠"
TRADES = ("建材", "农业", "食品", "物流", "茶业", "药业", "旅游", "电子", "矿业", "置业")
FORMS = ("有限公司", "股份有限公司", "合作社", "集团有限公司")

DEPARTMENTS: tuple[tuple[str, str, str], ...] = (
    # (id, name, sector)
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
"""The county's departments; the leading group office and the audit bureau come first."""


class Namer:
    """Draws names from a seeded random source, avoiding repeats where it matters."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._places: set[str] = set()

    def place(self) -> str:
        """A two- or three-character place stem not used before (while any are left)."""
        for length in (2, 2, 2, 3, 3, 3):
            for _ in range(20):
                stem = "".join(
                    self._rng.choice(PLACE_HEADS if i == 0 else PLACE_TAILS) for i in range(length)
                )
                if stem not in self._places:
                    self._places.add(stem)
                    return stem
        return self._rng.choice(PLACE_HEADS) + self._rng.choice(PLACE_TAILS)

    def person(self) -> str:
        """A person's name: a surname and one or two given characters."""
        given = "".join(self._rng.choice(GIVEN) for _ in range(self._rng.choice((1, 2, 2))))
        return self._rng.choice(SURNAMES) + given

    def enterprise(self, place: str) -> str:
        """An enterprise named after a place, a trade and a legal form."""
        return f"{place}{self._rng.choice(TRADES)}{self._rng.choice(FORMS)}"


def resident_id(region: str, born: str, sequence: int) -> str:
    """An 18-character resident ID with a valid ISO 7064 MOD 11-2 check character."""
    body = f"{region}{born}{sequence % 1000:03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(c) * w for c, w in zip(body, weights, strict=True))
    return body + "10X98765432"[total % 11]
