"""Value types and record invariants: Money, dates, masking, Dataset integrity."""

from __future__ import annotations

import datetime as dt
import importlib
import re
from decimal import Decimal
from typing import Any

import attrs
import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from campaigns import CAMPAIGN, build, tables
from reliefkit.exceptions import IntegrityError, InvalidMoneyError, InvalidValueError
from reliefkit.models import (
    RECORD_TYPES,
    Activity,
    Campaign,
    Dataset,
    DateRange,
    Donor,
    Household,
    Money,
    Person,
    Pledge,
    Village,
    Waiver,
    WorkTeam,
    to_date,
)

fen = st.integers(min_value=-(10**12), max_value=10**12)


@pytest.mark.parametrize("value", [1.5, 0.0, True, False, float("nan")])
def test_money_refuses_float_and_bool(value: object) -> None:
    """A float or a bool is refused before any conversion, naming the value."""
    with pytest.raises(InvalidMoneyError, match="amount="):
        Money(value)


@pytest.mark.parametrize("value", ["1.005", "0.001", Decimal("12.345")])
def test_money_refuses_more_than_two_places(value: object) -> None:
    """More than two decimal places is refused, never rounded."""
    with pytest.raises(InvalidMoneyError, match="two decimal places"):
        Money(value)


@pytest.mark.parametrize("value", ["NaN", "Infinity", "abc", None, [1]])
def test_money_refuses_non_numbers(value: object) -> None:
    """Non-finite and non-numeric values are refused."""
    with pytest.raises(InvalidMoneyError):
        Money(value)


def test_money_constructors_agree() -> None:
    """Yuan as str, int, Decimal and fen all make the same amount."""
    assert Money("1200.50") == Money(Decimal("1200.5")) == Money.fen(120050)
    assert Money(1200) == Money("1200.00")
    assert Money("1200.50").in_fen == 120050
    assert str(Money("1234567.8")) == "¥1,234,567.80"
    assert repr(Money(3)) == "Money('3.00')"


@given(fen, fen)
def test_money_addition_is_exact(a: int, b: int) -> None:
    """Adding money adds fen exactly."""
    assert (Money.fen(a) + Money.fen(b)).in_fen == a + b
    assert (Money.fen(a) - Money.fen(b)).in_fen == a - b


@given(st.lists(fen, max_size=20))
def test_money_sum_starts_at_zero(values: list[int]) -> None:
    """sum() of money from Money.zero() is exact; adding the integer 0 is allowed."""
    assert sum((Money.fen(v) for v in values), Money.zero()).in_fen == sum(values)
    assert (0 + Money.fen(5)).in_fen == 5


@given(fen)
def test_money_parses_its_own_text(value: int) -> None:
    """Money(str(m.yuan)) round-trips."""
    m = Money.fen(value)
    assert Money(str(m.yuan)) == m


@given(fen, fen)
def test_money_order_matches_fen(a: int, b: int) -> None:
    """Money compares as its fen do."""
    assert (Money.fen(a) < Money.fen(b)) == (a < b)


yuan = st.integers(min_value=-(10**9), max_value=10**9)


@given(yuan, yuan)
def test_money_equality_and_order_agree_with_plain_numbers(a: int, b: int) -> None:
    """Money(a) compares with an int or a Decimal b exactly as a with b, both ways."""
    for other in (b, Decimal(b), Decimal(b).scaleb(-2) * 100):
        assert (Money(a) == other) is (a == b)
        assert (Money(a) != other) is (a != b)
        assert (Money(a) < other) is (a < b) and (Money(a) >= other) is (a >= b)
        assert (Money(a) > other) is (a > b) and (Money(a) <= other) is (a <= b)
        assert (other < Money(a)) is (b < a) and (other == Money(a)) is (a == b)
    assert hash(Money(a)) == hash(a) == hash(Decimal(a))


def test_money_five_is_five() -> None:
    """Money(5) == 5 and Money(5) > 3: equality and ordering say the same thing."""
    assert Money(5) == 5 and Money(5) > 3 and not Money(5) < 3
    assert Money("0.10") == Decimal("0.1") and Money("0.10") != Decimal("0.11")
    assert {Money(5): "five"}[5] == "five" and 5 in {Money(5)}


@pytest.mark.parametrize("other", [5.0, 2.5, float("nan"), True, False])
def test_money_refuses_floats_and_bools_in_equality_and_order(other: object) -> None:
    """A float or a bool is refused by == and < alike, as Money(1.5) is."""
    with pytest.raises(InvalidMoneyError, match="exact"):
        _ = Money(5) == other
    with pytest.raises(InvalidMoneyError, match="exact"):
        _ = Money(5) < other  # type: ignore[operator]
    with pytest.raises(InvalidMoneyError, match="exact"):
        _ = other > Money(5)  # type: ignore[operator]


def test_money_and_text_neither_equal_nor_order() -> None:
    """A str is text, as for Decimal: never equal to money, and ordering says to make money."""
    assert Money(5) != "5" and not Money(5) == "5.00"  # noqa: SIM201
    assert Money(5) != None  # noqa: E711
    with pytest.raises(TypeError, match=r"Money\('3'\)"):
        _ = Money(5) > "3"  # type: ignore[operator]


@pytest.mark.parametrize("spelling", ["12,000", "¥1,200.50", "1200元", "￥3000", "１２,０００"])
def test_money_refuses_spreadsheet_spellings_naming_the_loader_parser(spelling: str) -> None:
    """Money("12,000") is refused; the error names the io function that reads the cell."""
    with pytest.raises(InvalidMoneyError, match="spreadsheet") as caught:
        Money(spelling)
    named = re.search(r"(reliefkit\.io[\w.]*)\.(\w+)\(\)", str(caught.value))
    assert named, str(caught.value)
    parser = getattr(importlib.import_module(named[1]), named[2])
    plain = {"12,000": "12000", "¥1,200.50": "1200.50", "1200元": "1200", "￥3000": "3000"}
    assert parser(spelling) == Money(plain.get(spelling, "12000"))


PLAIN_RECORDS = [
    c for c in RECORD_TYPES if not any(a.metadata.get("personal") for a in attrs.fields(c))
]


@pytest.mark.parametrize("cls", PLAIN_RECORDS, ids=lambda c: c.__name__)
@settings(max_examples=10, deadline=None)
@given(data=st.data())
def test_repr_is_code_that_rebuilds_the_record(cls: type[Any], data: st.DataObject) -> None:
    """A record's repr, evaluated with the record classes and Money, is an equal record."""
    record = data.draw(st.from_type(cls))
    namespace = {c.__name__: c for c in RECORD_TYPES} | {"Money": Money}
    assert eval(repr(record), namespace) == record


def test_repr_shows_days_and_choices_as_the_constructor_takes_them() -> None:
    """Days print as ISO strings and choices as their text, not as Date(...) or <Enum...>."""
    activity = Activity(id="A1", kind="ceremony", on="2015-10-17", fee="5")
    assert repr(activity).startswith("Activity(id='A1', kind='ceremony', organizer_id=None")
    assert "on='2015-10-17'" in repr(activity) and "fee=Money('5.00')" in repr(activity)


def test_dates_accept_date_and_iso_and_refuse_datetime() -> None:
    """Converters take datetime.date and ISO text, and refuse datetimes and other shapes."""
    assert to_date("2015-10-17") == pendulum.Date(2015, 10, 17)
    assert isinstance(to_date(dt.date(2015, 10, 17)), pendulum.Date)
    for bad in (
        dt.datetime(2015, 10, 17, 9),
        pendulum.datetime(2015, 10, 17),
        "2015/10/17",
        "2015-10-17T00:00",
        "2015-02-30",
        20151017,
    ):
        with pytest.raises(InvalidValueError):
            to_date(bad)


def test_date_range_overlap_and_membership() -> None:
    """Ranges include both ends; an open end runs forever."""
    campaign = DateRange("2015-09-01", "2015-12-31")
    assert DateRange("2015-03-01").overlaps(campaign)
    assert DateRange("2015-12-31", "2016-01-31").overlaps(campaign)
    assert not DateRange("2015-01-01", "2015-08-31").overlaps(campaign)
    assert pendulum.Date(2015, 12, 31) in campaign
    with pytest.raises(InvalidValueError, match="ends_on"):
        DateRange("2015-10-01", "2015-09-01")


def test_resident_id_and_names_are_masked_in_repr() -> None:
    """A resident ID and personal names never appear whole in a repr."""
    h = Household(
        id="H1", village_id="V1", head_name="张三丰", resident_id="500101198001011235", members=3
    )
    p = Person(id="P1", name="王小明", unit_id="T1", role="cadre")
    d = Donor(id="R1", name="周大福", kind="resident")
    text = repr(h) + repr(p) + repr(d) + repr(build())
    for secret in ("500101198001011235", "19800101", "张三丰", "王小明", "周大福"):
        assert secret not in text
    assert "张**" in repr(h)


def test_enterprise_donor_name_is_shown() -> None:
    """An enterprise's name is not personal data."""
    assert "山城建材" in repr(Donor(id="E1", name="山城建材", kind="private_enterprise"))


def test_bad_resident_id_error_is_masked() -> None:
    """A malformed resident ID is refused without echoing it."""
    with pytest.raises(InvalidValueError) as info:
        Household(id="H1", village_id="V1", resident_id="50010119800101123", members=1)
    assert "50010119800101123" not in str(info.value)


@pytest.mark.parametrize(
    ("cls", "fields", "field"),
    [
        (Household, {"id": "H1", "village_id": "V1", "members": 0}, "members"),
        (Village, {"id": "V1", "township_id": "T1", "poor": "yes"}, "poor"),
        (
            WorkTeam,
            {"id": "W1", "village_id": "V1", "starts_on": "2015-01-01", "members": -1},
            "members",
        ),
        (
            Campaign,
            {"id": "C", "year": 2015, "starts_on": "2015-12-01", "ends_on": "2015-01-01"},
            "ends_on",
        ),
        (
            WorkTeam,
            {"id": "W1", "village_id": "V1", "starts_on": "2015-06-01", "ends_on": "2015-05-01"},
            "ends_on",
        ),
        (Household, {"id": "H1", "village_id": "V1", "members": 500228196503124519}, "members"),
        (
            Campaign,
            {"id": "C", "year": 2014, "starts_on": "2015-09-01", "ends_on": "2015-12-31"},
            "year",
        ),
        (Person, {"id": "P1", "unit_id": "T1", "role": "boss"}, "Role"),
    ],
)
def test_single_record_invariants(cls: type, fields: dict[str, object], field: str) -> None:
    """Validators refuse impossible single records and name the field."""
    with pytest.raises(InvalidValueError, match=field):
        cls(**fields)


def test_records_use_tuples_and_are_hashable() -> None:
    """Multi-valued fields given as lists become tuples; records are frozen, and equal records
    hash alike."""
    fields: dict[str, Any] = dict(
        id="LV9", kind="leader_visit", on="2015-10-15", villages=["V1", "V3"], households=["H1"]
    )
    activity = Activity(**fields)
    assert activity.villages == ("V1", "V3") and activity.households == ("H1",)
    twin = Activity(**{**fields, "villages": ("V1", "V3"), "households": ("H1",)})
    assert twin == activity and hash(twin) == hash(activity)
    assert {activity, twin} == {activity}
    with pytest.raises(AttributeError):
        activity.on = "2015-10-01"  # type: ignore[misc]


def test_dataset_reports_every_dangling_reference() -> None:
    """Dangling and duplicate ids are reported all together."""
    data = tables()
    data["villages"].append(Village(id="V9", township_id="T404"))
    data["households"].append(Household(id="V1", village_id="V404", members=1))
    data["pledges"].append(
        Pledge(
            id="G9", donor_id="E404", project_id="J1", kind="donate", amount="1", on="2015-10-05"
        )
    )
    with pytest.raises(IntegrityError) as info:
        Dataset.build(CAMPAIGN, **data)
    problems = {(p[1], p[2]) for p in info.value.problems}
    assert problems == {
        ("V9", "township_id"),
        ("V1", "id"),
        ("V1", "village_id"),
        ("G9", "donor_id"),
    }


def test_add_refuses_a_second_record_with_the_same_key() -> None:
    """``Dataset.add`` treats a copy of a stored pairing, exit plan, work plan or waiver as a
    retry (no-op), refuses a different one under the same key (use replace) and two new ones
    with one key; a revised exit plan on another day is fine."""
    data = build()
    waiver = Waiver(code="CP110", subject_id="H1", granted_by="LG", until="2016-03-31")
    data = data.add(waiver)
    for twin in (data.pairings[0], data.exit_plans[0], data.work_plans[0], waiver):
        assert data.add(attrs.evolve(twin)) is data
    with pytest.raises(IntegrityError, match=r"use Dataset\.replace"):
        data.add(attrs.evolve(waiver, reason="again"))
    other = Waiver(code="CP110", subject_id="H2", granted_by="LG", until="2016-03-31")
    with pytest.raises(IntegrityError, match="a second"):
        data.add(other, attrs.evolve(other, reason="again"))
    revised = attrs.evolve(data.exit_plans[0], adopted_on="2015-09-30")
    assert data.add(revised).exit_plans_of(revised.village_id)[-1] is revised


def test_dataset_lookups() -> None:
    """The indexes answer by id, by township, by fund."""
    data = build()
    assert [v.id for v in data.villages_in("T2")] == ["V2", "V3"]
    assert [d.id for d in data.donations_to("F1")] == ["N1D", "N2D", "N3D"]
    assert data.is_paired("D1", "T2") and not data.is_paired("D1", "T1")
    assert data.table_of("E1") == "donors" and data.get("nope") is None


@pytest.mark.parametrize("bad", [" V1", "V1 ", "V1;V2", "", "   "])
def test_ids_refuse_spaces_around_and_separators(bad: str) -> None:
    """An id is written one way: no spaces around it, no ';' (the separator of id lists)."""
    with pytest.raises(InvalidValueError, match=r"Village\.id="):
        Village(id=bad, township_id="T1")
    with pytest.raises(InvalidValueError, match=r"Activity\.villages="):
        Activity(id="A1", kind="ceremony", on="2015-10-10", villages=("V1", bad))


def test_flag_with_a_default_reads_none_as_the_default() -> None:
    """``poor`` is never "not given": None (an empty cell) means not poor."""
    assert Village(id="V1", township_id="T1", poor=None).poor is False
    assert Household(id="H1", village_id="V1", registered_poor=None).registered_poor is False
    with pytest.raises(InvalidValueError, match=r"Village\.poor='yes'"):
        Village(id="V1", township_id="T1", poor="yes")


def test_count_error_masks_an_id_shaped_value() -> None:
    """A resident ID pasted into a count column is refused without being shown."""
    with pytest.raises(InvalidValueError) as caught:
        Household(id="H1", village_id="V1", members=500228196503124519)
    assert "500228196503124519" not in str(caught.value)
    assert "5002************19" in str(caught.value)


def test_campaign_may_run_into_the_next_year() -> None:
    """A 2015 campaign may end in 2016; its year only has to lie within its period."""
    campaign = Campaign(id="C", year=2015, starts_on="2015-09-01", ends_on="2016-03-31")
    assert campaign.poverty_day.isoformat() == "2015-10-17"
