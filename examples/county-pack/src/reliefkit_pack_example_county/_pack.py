"""The example-county pack: its metadata and the dated parameters its rules read.

A fictional county's supplementary rules, written with reliefkit's kit as any program office
would write its own: the sample of reliefkit's "Writing a pack".
"""

from __future__ import annotations

from reliefkit.models import DateRange
from reliefkit.rules import Citation, Pack

SOURCE = "example-county"
"""How the rules cite the document this pack encodes: ``example-county §1``."""


def cite(clause: str, summary: str = "", summary_zh: str = "") -> Citation:
    """A clause of the source, with what it asks in English and in Chinese (a paraphrase)."""
    return Citation(SOURCE, clause, summary, summary_zh)


PACK = Pack(
    name="example-county",
    prefix="XCP",
    title="An example county's own rules for its 2015 campaign",
    title_zh="示例县 2015 年扶贫日活动补充规定",
    source="A fictional county's supplementary rules for Poverty Alleviation Day, 2015",
    in_force=DateRange("2015-01-01"),
)


def _weekday(value: int) -> None:
    """An ISO weekday: 1 (Monday) to 7 (Sunday)."""
    if isinstance(value, bool) or not 1 <= value <= 7:
        raise ValueError("expected an ISO weekday, 1 (Monday) to 7 (Sunday)")


PACK.parameter(
    "rest_day",
    7,
    source=cite("§1", "no fundraising on the rest day", "休息日不募捐"),
    doc="The ISO weekday (1 Monday … 7 Sunday) on which no solicitation is made.",
    since="2015-01-01",
    check=_weekday,
)
