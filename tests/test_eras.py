"""Rules have eras: dated parameters, dated clauses, and acts judged by the law of their day.

A small pack written here (as a program office would) has a rule in force from 2016-09-01
dated by each donation's day, citing one clause of the old law and one of the new; the
expectations come from the dates alone.
"""

from __future__ import annotations

from collections.abc import Iterator

import attrs
import pendulum
import pytest

import campaigns
import reliefkit as rk
from reliefkit.models import DateRange, Donation
from reliefkit.rules import Citation, Context, Pack, Registry, Severity, Violation
from reliefkit.rules.scopes import DONATIONS
from reliefkit.rules.waivers import PACK as WAIVERS

OLD = Citation(
    "old-law", "Art.1", "receipts on request", in_force=DateRange("1999-09-01", "2016-08-31")
)
NEW = Citation(
    "new-law",
    "Art.38",
    "a receipt for every gift",
    in_force=DateRange("2016-09-01"),
    confidence="V2",
)


def _pack() -> Pack:
    pack = Pack(
        name="receipts",
        prefix="XR",
        title="Receipts",
        title_zh="捐赠票据",
        source="a test",
        in_force=DateRange("1999-09-01"),
    )
    pack.parameter(
        "minimum",
        rk.models.Money(100),
        source=OLD,
        doc="Gifts from this amount need a receipt.",
        since="1999-09-01",
        until="2016-08-31",
    )
    pack.parameter(
        "minimum",
        rk.models.Money(0),
        source=NEW,
        confidence="R",
        since="2016-09-01",
    )

    @pack.rule(
        code="XR001",
        name="gift-without-receipt",
        severity=Severity.WARNING,
        cites=[OLD, NEW],
        title="A gift without a receipt",
        title_zh="捐赠未开票据",
        remedy="Issue a receipt.",
        remedy_zh="开具票据。",
        reads=["donations"],
        scope=DONATIONS,
        params=["minimum"],
        in_force="2016-09-01",
        dated=lambda donation: donation.on,
    )
    def gift_without_receipt(ctx: Context, donation: Donation) -> Iterator[Violation]:
        """
        What it checks:
        Every gift gets a receipt.
        """
        # The minimum of the act's day (an August gift under the old law, …).
        if not donation.receipt and donation.amount >= pack.param_on(ctx, "minimum", donation.on):
            yield Violation((donation.id,), f"{donation.id}: no receipt", f"{donation.id}：无票据")

    return pack


def _registry(pack: Pack) -> Registry:
    registry = Registry()
    registry.register(pack, default=True)
    registry.register(WAIVERS)
    return registry


def _campaign(*days: str) -> rk.models.Dataset:
    """The compliant campaign moved to 2016 (August to December), its donations on ``days``
    without receipts."""
    data = campaigns.tables()
    donations = data["donations"]
    data["donations"] = [
        attrs.evolve(donations[i % len(donations)], id=f"G{i}", on=day, receipt=False)
        for i, day in enumerate(days)
    ]
    for table in ("disbursements", "audits", "pledges"):
        data[table] = []
    campaign = attrs.evolve(
        campaigns.CAMPAIGN, year=2016, starts_on="2016-08-01", ends_on="2016-12-31"
    )
    return rk.models.Dataset.build(campaign, **{k: v for k, v in data.items() if v})


def test_a_parameter_has_eras_with_sources_and_confidence() -> None:
    parameter = _pack().parameters["minimum"]
    assert parameter.value_on(pendulum.Date(2016, 8, 31)) == rk.models.Money(100)
    assert parameter.value_on(pendulum.Date(2016, 9, 1)) == rk.models.Money(0)
    assert parameter.era_on(pendulum.Date(2016, 9, 1)).source == NEW
    assert parameter.confidence == "R"
    assert parameter.caveat_on(pendulum.Date(2016, 8, 31)) is None
    assert "[R] recalled, not verified" in (parameter.caveat_on(pendulum.Date(2017, 1, 1)) or "")


def test_overlapping_eras_and_unknown_marks_are_refused() -> None:
    pack = _pack()
    with pytest.raises(ValueError, match="overlaps"):
        pack.parameter("minimum", 5, source=OLD, since="2010-01-01", until="2016-09-01")
    with pytest.raises(ValueError, match="confidence"):
        Citation("x", "Art.1", confidence="maybe")


def test_acts_are_judged_by_the_law_of_their_day() -> None:
    pack = _pack()
    dataset = _campaign("2016-08-31", "2016-09-01", "2016-10-17")
    report = rk.check(dataset, as_of="2016-12-31", registry=_registry(pack))
    # The rule is in force from 2016-09-01: the gift of 31 August is not judged.
    assert sorted(f.subject for f in report.findings if f.code == "XR001") == ["G1", "G2"]
    for finding in report.findings:
        # A September act cites the clause in force on its day, not the old law's.
        assert [str(c) for c in finding.citations] == ["new-law Art.38"]


def test_a_campaign_before_the_era_gets_no_finding_whatever_the_as_of() -> None:
    pack = _pack()
    dataset = campaigns.build(
        {"donations": [attrs.evolve(d, receipt=False) for d in campaigns.tables()["donations"]]}
    )
    for as_of in ("2015-12-31", "2020-01-01"):
        report = rk.check(dataset, as_of=as_of, registry=_registry(pack))
        assert [f for f in report.findings if f.code == "XR001"] == []


def test_findings_show_what_is_not_verified() -> None:
    pack = _pack()
    report = rk.check(_campaign("2016-10-17"), as_of="2016-12-31", registry=_registry(pack))
    (finding,) = report.findings
    # The clause is [V2] and the parameter value in force on the act's day is [R].
    assert any("new-law Art.38: [V2]" in c for c in finding.caveats)
    assert any(c.startswith("parameter minimum=¥0.00") for c in finding.caveats)
    assert finding.to_dict()["caveats"] == list(finding.caveats)
    assert "not verified: parameter minimum" in report.to_text()


def test_a_dated_rule_reads_the_parameter_of_the_acts_day() -> None:
    pack = _pack()
    registry = _registry(pack)
    small = rk.models.Money(50)
    dataset = _campaign("2016-09-01", "2016-10-17")
    dataset = dataset.replace(attrs.evolve(dataset.donations[1], amount=small))
    # The campaign's first day (1 August) has the old minimum of 100; the act of 17 October
    # is judged with the new minimum of 0, so its 50 yuan need a receipt.
    assert pack.parameters["minimum"].value_on(dataset.campaign.starts_on) == 100
    report = rk.check(dataset, as_of="2016-12-31", registry=registry)
    assert "G1" in {f.subject for f in report.findings}
    # A caller's override applies to every act.
    report = rk.check(
        dataset, as_of="2016-12-31", registry=registry, params={"minimum": rk.models.Money(60)}
    )
    assert "G1" not in {f.subject for f in report.findings}


def test_admit_judges_a_dated_act_as_check_does() -> None:
    pack = _pack()
    registry = _registry(pack)
    dataset = _campaign("2016-10-17")
    before, after = (
        attrs.evolve(dataset.donations[0], id=f"N{day}", on=f"2016-{day}")
        for day in ("08-31", "09-01")
    )
    for record, flagged in ((before, False), (after, True)):
        decision = rk.admit(dataset, [record], as_of="2016-12-31", registry=registry)
        expected = rk.check(dataset.add(record), as_of="2016-12-31", registry=registry)
        assert (record.id in {f.subject for f in expected.findings}) is flagged
        assert {f.identity for f in decision.findings} == {
            f.identity for f in expected.findings if f.subject == record.id
        }


def test_a_rule_reports_its_basis_and_weakest_confidence() -> None:
    rule = _pack().rules["XR001"]
    assert rule.basis == "old-law Art.1; new-law Art.38"
    assert rule.confidence == "R"
    assert rule.in_force == DateRange("2016-09-01")
    county = rk.rules.get_rule("CP111")
    # The county plan reads one parameter whose reading is ours ([I]).
    assert county.confidence == "I"


def test_a_parameter_of_a_later_law_resolves_for_an_earlier_campaign() -> None:
    pack = _pack()
    pack.parameter(
        "fee_cap",
        rk.models.Money(1),
        source=NEW,
        doc="A cap that only the new law sets.",
        since="2017-01-01",
    )
    parameter = pack.parameters["fee_cap"]
    with pytest.raises(rk.exceptions.ParameterError, match="no value in force"):
        parameter.value_on(pendulum.Date(2015, 9, 1))
    # The engine reads parameters on the campaign's first day: a 2015 campaign still runs,
    # with the first era after that day (its dated rules never judge a 2015 act anyway).
    assert parameter.value_from(pendulum.Date(2015, 9, 1)) == 1
    report = rk.check(campaigns.build(), as_of="2015-12-31", registry=_registry(pack))
    assert report.findings == ()
