"""The built-in packs run together: eras across years, fiscal money, overlaps.

The expectations come from the rules' declared eras and the parameters' eras (metadata an
author writes from the law's dates), never from the findings of the code under test.
"""

from __future__ import annotations

import datetime
from typing import Any

import attrs
import pendulum
import pytest

import campaigns
import reliefkit as rk
from reliefkit.models import Dataset, DateRange, Disbursement, Fund, Money, WorkTeam
from reliefkit.rules import builtin_registry

REGISTRY = builtin_registry()
PACKS = [p.name for p in REGISTRY.packs() if not p.always]


def shifted(dataset: Dataset, years: int) -> Dataset:
    """The same campaign with every date moved by ``years`` (and its year with them)."""

    def move(record: Any) -> Any:
        changes: dict[str, Any] = {}
        for field in attrs.fields(type(record)):
            value = getattr(record, field.name)
            if isinstance(value, datetime.date):
                changes[field.name] = pendulum.Date(value.year + years, value.month, value.day)
        if hasattr(record, "year") and isinstance(record.year, int):
            changes["year"] = record.year + years
        return attrs.evolve(record, **changes) if changes else record

    tables = {name: [move(r) for r in rows] for name, rows in dataset.tables().items()}
    (campaign,) = tables.pop("campaign")
    return Dataset.build(campaign, **tables)


def with_law_data() -> Dataset:
    """The compliant 2015 campaign with records the law packs judge: a donation without a
    receipt, a two-member work team, a fiscal fund paying a management fee of a tenth of its
    allocation, and a fiscal disbursement for bonuses (on the 2011 negative list only)."""
    data = campaigns.tables()
    data["donations"] = [attrs.evolve(data["donations"][0], receipt=False), *data["donations"][1:]]
    team = data["work_teams"][0]
    data["work_teams"] = [
        attrs.evolve(team, id="W-small", members=2, starts_on="2015-09-01", ends_on=None),
        *data["work_teams"],
    ]
    village = data["villages"][0].id
    data["funds"] = [
        *data["funds"],
        Fund(id="FISC", name="财政专项扶贫资金", holder="department", fiscal=True, allocated=1000),
    ]
    data["disbursements"] = [
        *data["disbursements"],
        Disbursement(
            id="FEE", fund_id="FISC", amount=100, purpose="management_fee", on="2015-10-20"
        ),
        Disbursement(
            id="BONUS",
            fund_id="FISC",
            amount=50,
            purpose="bonuses",
            village_id=village,
            on="2015-10-21",
        ),
    ]
    return Dataset.build(campaigns.CAMPAIGN, **data)


def _period(dataset: Dataset) -> DateRange:
    return DateRange(dataset.campaign.starts_on, dataset.campaign.ends_on)


def era_changed(code: str, before: Dataset, after: Dataset) -> bool:
    """Whether the rule's law differs between the two campaigns: the rule is in force in
    one and not the other, or a parameter it reads has another value on their first days,
    or (for a rule judging acts by their date) its clauses or parameters change in between."""
    rule = REGISTRY.rule(code)
    pack = REGISTRY.pack(rule.pack)
    periods = (_period(before), _period(after))
    if len({rule.in_force.overlaps(p) and pack.in_force.overlaps(p) for p in periods}) > 1:
        return True
    firsts = [pack.first_day(d.campaign) for d in (before, after)]
    for name in rule.params:
        parameter = pack.parameters[name]
        if len({repr(parameter.value_from(day)) for day in firsts}) > 1:
            return True
    return bool(rule.dated) and [c.in_force_on(firsts[0]) for c in rule.citations] != [
        c.in_force_on(firsts[1]) for c in rule.citations
    ]


def test_the_same_campaign_two_years_later_differs_by_the_rules_whose_era_changed() -> None:
    early = with_law_data()
    late = shifted(early, 2)
    found = {}
    for dataset in (early, late):
        report = rk.check(dataset, as_of=dataset.campaign.ends_on, packs=PACKS, registry=REGISTRY)
        assert not report.rule_errors
        found[dataset.campaign.year] = {(f.code, f.subjects) for f in report.findings}
    differing = {code for code, _ in found[2015] ^ found[2017]}
    changed = {r.code for r in REGISTRY.rules() if era_changed(r.code, early, late)}
    # Every difference is a rule whose era changed ...
    assert differing <= changed, differing - changed
    # ... and the records planted for the rules that start in 2016-2017 (or whose list
    # changed) show them: receipts, team size, management fee, the 2011-only negative list.
    assert {"PW207", "TP404", "FF302", "FF301"} <= differing
    assert ("FF301", ("BONUS", "FISC")) in found[2015] - found[2017]
    assert {("PW207",), ("TP404",), ("FF302",)} <= {(c,) for c, _ in found[2017] - found[2015]}


def test_a_2015_campaign_gets_no_finding_of_a_later_law_whatever_the_as_of() -> None:
    early = with_law_data()
    later_laws = {r.code for r in REGISTRY.rules() if not r.in_force.overlaps(_period(early))}
    assert {"PW207", "PW208", "PW209", "PW210", "TP404", "TP406", "FF302"} <= later_laws
    for as_of in ("2015-12-31", "2018-12-31"):
        report = rk.check(early, as_of=as_of, packs=PACKS, registry=REGISTRY)
        assert {f.code for f in report.findings} & later_laws == set()


@pytest.mark.parametrize("code", ["CP115", "CP118", "CP122"])
def test_fiscal_money_is_out_of_the_county_plans_reach(code: str) -> None:
    """The plan's clauses are about money raised; a fiscal fund is the FF pack's."""
    base = with_law_data()
    raised = base.replace(attrs.evolve(base.find("funds", "FISC"), fiscal=None))
    as_of = "2016-01-31"  # past every audit's due day
    county = rk.check(raised, as_of=as_of, registry=REGISTRY)
    fiscal = rk.check(base, as_of=as_of, registry=REGISTRY)
    on_fund = {f.code for f in county.findings if "FISC" in f.subjects}
    # As raised money, the fund spends what it never received ...
    assert "CP122" in on_fund
    # ... as fiscal money the county plan leaves it alone.
    assert code not in {f.code for f in fiscal.findings if "FISC" in f.subjects}


def test_one_problem_gives_one_finding_when_the_packs_run_together() -> None:
    """A quota is CP123's and PW201's problem: with both packs, the county plan reports."""
    dataset = campaigns.build(
        campaigns.replace("solicitations", campaigns.tables()["solicitations"][0].id, quota=200)
    )
    solicitation = campaigns.tables()["solicitations"][0].id
    both = rk.check(dataset, as_of="2015-12-31", packs=PACKS, registry=REGISTRY)
    codes = [f.code for f in both.findings if f.subject == solicitation]
    assert codes == ["CP123"]
    alone = rk.check(dataset, as_of="2015-12-31", packs=["donations-law"], registry=REGISTRY)
    assert [f.code for f in alone.findings if f.subject == solicitation] == ["PW201"]


def test_shifting_moves_every_date() -> None:
    early = with_law_data()
    late = shifted(early, 2)
    assert late.campaign.year == 2017
    assert late.find("disbursements", "FEE").on == pendulum.Date(2017, 10, 20)
    team = late.find("work_teams", "W-small")
    assert isinstance(team, WorkTeam) and team.starts_on == pendulum.Date(2017, 9, 1)
    assert late.find("funds", "FISC").allocated == Money(1000)
