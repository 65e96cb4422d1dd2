"""The fiscal-funds pack (FF): one flag and one near miss per code, the regimes' eras, the
deferral of FF304 to CP118, absent columns, recipes and scenarios.

Expectations come from the catalogue (pack FF of ``more-packs.md``), from the pack's own
parameter data (the negative lists of each era, the 1% share) or from a small computation
here, never from what the rules report.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import campaigns
import reliefkit as rk
import reliefkit.rules.fiscal_funds as fiscal_funds
from reliefkit.models import (
    Audit,
    Campaign,
    Dataset,
    Department,
    Disbursement,
    Fund,
    Project,
    Township,
    Village,
    Waiver,
)
from reliefkit.report import Outcome
from reliefkit.rules import Kind, Registry
from reliefkit.rules.county_plan import PACK as COUNTY_PLAN
from reliefkit.rules.fiscal_funds import PACK as FF
from reliefkit.rules.waivers import PACK as WAIVERS
from reliefkit.scenarios import run_scenarios, scenarios_of
from reliefkit.testing import violating

CODES = ("FF301", "FF302", "FF303", "FF304")
NEGATIVE = FF.parameters["negative_list"]


def _registry(*, ff_default: bool = False) -> Registry:
    registry = Registry()
    registry.register(COUNTY_PLAN, default=not ff_default)
    registry.register(WAIVERS)
    registry.register(FF, default=ff_default)
    return registry


REGISTRY = _registry()
# FF run by default (and the county plan only when named): what violating() checks against.
FF_FIRST = _registry(ff_default=True)
BOTH = ["county-plan", "fiscal-funds"]
# Whole generated campaigns, checked twice per example, once per code: a quarter of the ci
# profile's examples keeps this file within its share of the suite's time.
PER_CODE = settings(max_examples=min(50, settings().max_examples), deadline=None)

# A campaign that runs across the change of regime (2016-08-01 to 2017-12-31).
SPANNING = Campaign(
    id="C16", year=2016, county="青山县", starts_on="2016-08-01", ends_on="2017-12-31"
)


def _dataset(*records: Any, campaign: Campaign = SPANNING) -> Dataset:
    """A small campaign: township T1 with village V1 and the audit bureau AU, plus
    ``records``."""
    base: list[Any] = [
        campaign,
        Township(id="T1", name="龙潭镇", kind="town"),
        Village(id="V1", name="红岩村", township_id="T1", poor=True),
        Department(id="AU", name="审计局", sector="audit"),
        Department(id="D1", name="民政局", sector="civil_affairs"),
    ]
    return Dataset.from_records([*base, *records])


def _fiscal(fund_id: str = "FX", **fields: Any) -> Fund:
    return Fund(
        id=fund_id,
        name="财政专项扶贫资金",
        holder="department",
        **{"fiscal": True, "allocated": "100000", **fields},
    )


def _pay(
    disbursement_id: str, on: str, purpose: str | None = "infrastructure", **fields: Any
) -> Disbursement:
    return Disbursement(
        id=disbursement_id,
        fund_id=fields.pop("fund_id", "FX"),
        amount=fields.pop("amount", "500"),
        purpose=purpose,
        village_id=fields.pop("village_id", "V1"),
        on=on,
        **fields,
    )


def _audit(on: str = "2017-12-20", fund_id: str = "FX", auditor: str = "AU") -> Audit:
    return Audit(
        id=f"A{fund_id}",
        fund_id=fund_id,
        auditor_id=auditor,
        on=on,
        received_total="0",
        disbursed_total="0",
    )


def _found(
    data: Dataset,
    code: str,
    *,
    as_of: str = "2017-12-31",
    packs: list[str] | None = None,
    **options: Any,
) -> list[tuple[str, ...]]:
    report = rk.check(
        data, as_of=as_of, registry=REGISTRY, packs=packs or ["fiscal-funds"], **options
    )
    assert not report.rule_errors
    return [f.subjects for f in report.findings if f.code == code]


def _outcome(data: Dataset, code: str, as_of: str = "2017-12-31") -> Outcome:
    report = rk.check(data, as_of=as_of, registry=REGISTRY, packs=["fiscal-funds"])
    return report.outcomes[code]


# ---- the pack ---------------------------------------------------------------------------------
def test_the_pack_registers_beside_the_county_plan_and_alone() -> None:
    """FF registers next to the county plan (its deferral to CP118 is checked) and alone."""
    assert [r.code for r in REGISTRY.pack("fiscal-funds")] == list(CODES)
    alone = Registry()
    alone.register(FF, default=True)
    alone.register(WAIVERS)
    assert alone.rule("FF304").defers_to == ("CP118",)
    assert FF.in_force == rk.models.DateRange("2012-01-01")
    assert "fiscal-funds" not in rk.rules.default_registry().default_packs


def test_every_rule_has_its_doc_sections_in_both_languages_and_its_basis() -> None:
    """Each rule documents what it checks, why, an example, the compliant case and its
    references, in English and Chinese, and cites a clause with a confidence mark."""
    for rule in FF:
        assert set(rule.doc) == {
            "What it checks",
            "Why it matters",
            "Example",
            "Compliant",
            "References",
        }
        assert set(rule.doc_zh) == {"What it checks", "Why it matters", "Example", "Compliant"}
        assert rule.citations and rule.basis
        assert rule.recipes


def test_rule_eras_and_confidence_follow_the_catalogue() -> None:
    """FF302 and FF303 start with the 2017 measures; the negative lists are [R], FF302 [V2]."""
    assert FF.rules["FF301"].in_force.starts_on == pendulum.Date(2012, 1, 1)
    assert FF.rules["FF302"].in_force.starts_on == pendulum.Date(2017, 1, 1)
    assert FF.rules["FF303"].in_force.starts_on == pendulum.Date(2017, 1, 1)
    assert [e.confidence for e in NEGATIVE.values] == ["R", "R"]
    assert NEGATIVE.values[0].in_force == rk.models.DateRange("2012-01-01", "2016-12-31")
    assert FF.rules["FF302"].confidence == "V2"
    assert FF.parameters["management_fee_share"].latest == Decimal("0.01")
    assert FF.parameters["notice_days"].latest == 10


def test_the_2017_list_names_the_catalogues_items() -> None:
    """The 2017 negative list holds every item the catalogue names for it."""
    catalogue = {
        "government_basic_spending",
        "vehicles",
        "telecoms_equipment",
        "office_building",
        "enterprise_losses",
        "large_irrigation",
        "urban_infrastructure",
        "urban_poverty",
        "debt_repayment",
        "advance_repayment",
        "unrelated",
    }
    assert catalogue <= NEGATIVE.value_on(pendulum.Date(2017, 1, 1))


# ---- FF301 ------------------------------------------------------------------------------------
def test_ff301_flags_a_listed_purpose_from_a_fiscal_fund() -> None:
    """A fiscal fund paying for office buildings in 2017 is on the negative list."""
    data = _dataset(_fiscal(), _pay("B1", "2017-03-01", "office_building"), _audit())
    assert _found(data, "FF301") == [("B1", "FX")]


def test_ff301_allows_a_relief_purpose() -> None:
    """The same disbursement for a road is not on the list."""
    data = _dataset(_fiscal(), _pay("B1", "2017-03-01", "infrastructure"), _audit())
    assert _found(data, "FF301") == []
    assert _outcome(data, "FF301") is Outcome.PASS


def test_ff301_judges_only_fiscal_funds() -> None:
    """A fund not recorded as fiscal (the column empty or false) is out of reach."""
    for fiscal in (None, False):
        data = _dataset(_fiscal(fiscal=fiscal), _pay("B1", "2017-03-01", "office_building"))
        assert _found(data, "FF301") == []
        assert _outcome(data, "FF301") is Outcome.NOT_APPLICABLE


def test_ff301_judges_each_act_by_the_list_of_its_day() -> None:
    """A 2016 disbursement is judged by the 2011 list, a 2017 one by the 2017 list."""
    old, new = (
        NEGATIVE.value_on(pendulum.Date(2016, 12, 31)),
        NEGATIVE.value_on(pendulum.Date(2017, 1, 1)),
    )
    only_new, only_old = sorted(new - old)[0], sorted(old - new)[0]
    data = _dataset(
        _fiscal(),
        _pay("B1", "2016-12-31", only_new),
        _pay("B2", "2017-01-01", only_new),
        _pay("B3", "2016-12-31", only_old),
        _pay("B4", "2017-01-01", only_old),
        _audit(),
    )
    assert _found(data, "FF301") == [("B2", "FX"), ("B3", "FX")]
    report = rk.check(data, as_of="2017-12-31", registry=REGISTRY, packs=["fiscal-funds"])
    cited = {f.subject: [c.source for c in f.citations] for f in report.findings}
    assert cited == {"B2": ["财农〔2017〕8号"], "B3": ["财农〔2011〕412号"]}
    assert all(any("[R]" in c for c in f.caveats) for f in report.findings)


def test_ff301_starts_when_the_2011_measures_took_effect() -> None:
    """A disbursement of 2011-12-31 is not judged; one of 2012-01-01 is."""
    listed = sorted(NEGATIVE.value_on(pendulum.Date(2012, 1, 1)))[0]
    early = Campaign(id="C14", year=2014, starts_on="2011-12-01", ends_on="2014-12-31")
    data = _dataset(
        _fiscal(),
        _pay("B1", "2011-12-31", listed),
        _pay("B2", "2012-01-01", listed),
        _audit("2014-12-20"),
        campaign=early,
    )
    assert _found(data, "FF301", as_of="2014-12-31") == [("B2", "FX")]


def test_ff301_override_applies_to_every_era() -> None:
    """A negative list given by the caller judges 2016 and 2017 acts alike."""
    data = _dataset(
        _fiscal(),
        _pay("B1", "2016-11-01", "fireworks"),
        _pay("B2", "2017-02-01", "fireworks"),
        _pay("B3", "2017-02-01", "office_building"),
        _audit(),
    )
    found = _found(data, "FF301", params={"negative_list": ["fireworks"]})
    assert found == [("B1", "FX"), ("B2", "FX")]


def test_ff301_admit_refuses_a_listed_purpose() -> None:
    """``admit`` refuses recording a fiscal disbursement on the list (an error breach)."""
    data = _dataset(_fiscal(), _audit())
    bad, good = _pay("B9", "2017-03-01", "vehicles"), _pay("B9", "2017-03-01", "housing")
    refused = rk.admit(data, [bad], as_of="2017-03-01", registry=REGISTRY, packs=["fiscal-funds"])
    assert not refused.allowed
    assert [(f.code, f.subjects) for f in refused.findings] == [("FF301", ("B9", "FX"))]
    allowed = rk.admit(data, [good], as_of="2017-03-01", registry=REGISTRY, packs=["fiscal-funds"])
    assert allowed.allowed


# ---- FF302 ------------------------------------------------------------------------------------
def _fees(*amounts_and_days: tuple[str, str], allocated: str | None = "100000") -> Dataset:
    fees = [
        _pay(f"B{i}", on, "management_fee", amount=amount)
        for i, (amount, on) in enumerate(amounts_and_days, start=1)
    ]
    return _dataset(_fiscal(allocated=allocated), *fees, _audit())


def test_ff302_flags_fees_above_one_percent() -> None:
    """Fees of 1,100 yuan on an allocation of 100,000 are above the 1% cap of 1,000."""
    data = _fees(("600", "2017-02-01"), ("500", "2017-03-01"))
    assert _found(data, "FF302") == [("FX", "B1", "B2")]


def test_ff302_allows_fees_of_exactly_one_percent() -> None:
    """Fees of 1,000 yuan on 100,000 are within the cap."""
    data = _fees(("600", "2017-02-01"), ("400", "2017-03-01"))
    assert _found(data, "FF302") == []
    assert _outcome(data, "FF302") is Outcome.PASS


def test_ff302_counts_fees_from_2017_on() -> None:
    """A fee of 2016-12-31 is not judged by the 2017 cap; the same fee on 2017-01-01 is."""
    assert _found(_fees(("1100", "2016-12-31")), "FF302") == []
    assert _found(_fees(("1100", "2017-01-01")), "FF302") == [("FX", "B1")]


def test_ff302_is_not_applicable_to_a_campaign_before_2017_whatever_the_as_of() -> None:
    """A 2015 campaign gets no FF302 finding, even checked in 2020."""
    earlier = attrs.evolve(SPANNING, year=2015, starts_on="2015-08-01", ends_on="2015-12-31")
    data = _dataset(
        _fiscal(), _pay("B1", "2015-10-01", "management_fee", amount="5000"), campaign=earlier
    )
    for as_of in ("2015-12-31", "2020-01-01"):
        assert _found(data, "FF302", as_of=as_of) == []
        report = rk.check(data, as_of=as_of, registry=REGISTRY, packs=["fiscal-funds"])
        assert report.outcomes["FF302"] is Outcome.NOT_APPLICABLE


def test_ff302_without_an_allocation_is_not_applicable() -> None:
    """A fiscal fund whose allocation is not recorded is out of reach."""
    data = _fees(("5000", "2017-02-01"), allocated=None)
    assert _found(data, "FF302") == []
    assert _outcome(data, "FF302") is Outcome.NOT_APPLICABLE


@given(
    allocated=st.integers(0, 10**9),
    fees=st.lists(st.integers(1, 10**7), min_size=1, max_size=3),
)
def test_ff302_agrees_with_the_one_percent_arithmetic(allocated: int, fees: list[int]) -> None:
    """Flagged exactly when 100 × the fees (in fen) exceed the allocation (in fen)."""
    records = [
        _pay(f"B{i}", "2017-03-01", "management_fee", amount=rk.models.Money.fen(fee))
        for i, fee in enumerate(fees)
    ]
    data = _dataset(_fiscal(allocated=rk.models.Money.fen(allocated)), *records, _audit())
    assert bool(_found(data, "FF302")) == (100 * sum(fees) > allocated)


# ---- FF303 ------------------------------------------------------------------------------------
def _project(**dates: Any) -> Dataset:
    fields = {
        "published_on": "2017-04-15",
        "approved_on": "2017-05-01",
        "announced_on": "2017-05-10",
        **dates,
    }
    project = Project(
        id="J1", name="红岩村道路", purpose="infrastructure", village_id="V1", **fields
    )
    payment = _pay("B1", "2017-06-01", project_id="J1")
    return _dataset(_fiscal(), project, payment, _audit())


def _found_303(data: Dataset, as_of: str = "2017-12-31") -> list[tuple[str, ...]]:
    return _found(data, "FF303", as_of=as_of)


def test_ff303_flags_a_notice_shorter_than_ten_days() -> None:
    """Posted 6 days before the decision: the notice runs at least 10."""
    assert _found_303(_project(published_on="2017-04-25")) == [("J1",)]


def test_ff303_allows_a_notice_of_ten_days() -> None:
    """Posted 10 days before and announced 9 days after the decision is compliant."""
    assert _found_303(_project(published_on="2017-04-21")) == []


def test_ff303_flags_each_missed_step() -> None:
    """Never posted, announced before the decision, or announced after the 30 days."""
    for dates in (
        {"published_on": None},
        {"published_on": "2017-05-02"},
        {"announced_on": "2017-04-30"},
        {"announced_on": "2017-06-01"},
    ):
        assert _found_303(_project(**dates)) == [("J1",)], dates
    assert _found_303(_project(announced_on="2017-05-31")) == []


def test_ff303_an_unannounced_result_is_owed_once_the_grace_days_pass() -> None:
    """No announcement: nothing on 2017-05-31 (30 days after), an obligation on 06-01."""
    data = _project(announced_on=None)
    assert _found_303(data, as_of="2017-05-31") == []
    report = rk.check(data, as_of="2017-06-01", registry=REGISTRY, packs=["fiscal-funds"])
    (finding,) = [f for f in report.findings if f.code == "FF303"]
    assert finding.kind is Kind.OBLIGATION
    assert finding.due == pendulum.Date(2017, 5, 31)


def test_ff303_judges_decisions_from_2017_on() -> None:
    """A decision of 2016-12-31 without notice is not judged; one of 2017-01-01 is."""
    assert (
        _found_303(_project(published_on=None, approved_on="2016-12-31", announced_on=None)) == []
    )
    assert _found_303(
        _project(published_on=None, approved_on="2017-01-01", announced_on="2017-01-05")
    ) == [("J1",)]


def test_ff303_needs_a_decision_day_and_a_fiscal_payer() -> None:
    """No ``approved_on``, or a payer that is not fiscal: not applicable."""
    undecided = _project(published_on=None, approved_on=None)
    assert _found_303(undecided) == []
    assert _outcome(undecided, "FF303") is Outcome.NOT_APPLICABLE
    data = _project(published_on=None)
    not_fiscal = data.replace(attrs.evolve(data.get("FX"), fiscal=None))
    assert _found_303(not_fiscal) == []


# ---- FF304 ------------------------------------------------------------------------------------
def _moving_fiscal(*records: Any) -> Dataset:
    return _dataset(_fiscal(), _pay("B1", "2017-06-01"), *records)


def test_ff304_flags_a_fiscal_fund_without_an_audit() -> None:
    """A fiscal fund that paid out money and has no audit once audits are due."""
    assert _found(_moving_fiscal(), "FF304") == [("FX",)]


def test_ff304_allows_an_audit_after_the_last_movement() -> None:
    """An audit by the audit bureau after the last disbursement covers the fund."""
    assert _found(_moving_fiscal(_audit("2017-06-01")), "FF304") == []


def test_ff304_flags_audits_that_do_not_cover_the_fund() -> None:
    """An audit before the last movement, by another department, or after the due day."""
    for audit in (_audit("2017-05-31"), _audit(auditor="D1")):
        assert _found(_moving_fiscal(audit), "FF304") == [("FX", "AFX")]
    late = _moving_fiscal(_audit("2018-01-05"))
    # A late audit is late whatever the as_of.
    assert _found(late, "FF304", as_of="2017-07-01") == [("FX", "AFX")]


def test_ff304_waits_for_the_due_day() -> None:
    """Before the campaign's last day a missing audit is not yet due."""
    assert _found(_moving_fiscal(), "FF304", as_of="2017-12-30") == []
    assert _outcome(_moving_fiscal(), "FF304", as_of="2017-12-30") is Outcome.NOT_APPLICABLE


def test_ff304_leaves_a_charity_fund_with_no_fiscal_column_alone() -> None:
    """A charity's fund of donations (fiscal column absent) is not FF304's: CP118's only."""
    data = campaigns.build({"audits": []})
    assert data.get("F1").fiscal is None
    assert _found(data, "FF304", as_of="2016-01-31") == []
    assert _found(data, "CP118", as_of="2016-01-31", packs=BOTH) == [("F1",)]


def _government_fund_unaudited() -> Dataset:
    """The compliant campaign with its fund held by a department and no audit."""
    return campaigns.build(
        {
            "audits": [],
            "funds": [Fund(id="F1", name="部门代收捐款", holder="department")],
        }
    )


def test_ff304_defers_to_cp118_on_a_government_held_fund() -> None:
    """With both packs one unaudited fund gives one finding (CP118's); FF alone reports it."""
    data = _government_fund_unaudited()
    report = rk.check(data, as_of="2016-01-31", registry=REGISTRY, packs=BOTH)
    assert [(f.code, f.subjects) for f in report.findings if f.subject == "F1"] == [
        ("CP118", ("F1",))
    ]
    assert report.outcomes["FF304"] is Outcome.NOT_APPLICABLE
    assert _found(data, "FF304", as_of="2016-01-31") == [("F1",)]


def test_ff304_reports_when_cp118_is_waived_or_ignored() -> None:
    """A deferring rule judges on its own where CP118 does not report (waived, ignored)."""
    data = _government_fund_unaudited().add(
        Waiver(code="CP118", subject_id="F1", granted_by="LG", until="2016-06-30")
    )
    assert _found(data, "FF304", as_of="2016-01-31", packs=BOTH) == [("F1",)]
    ignored = _found(
        _government_fund_unaudited(), "FF304", as_of="2016-01-31", packs=BOTH, ignore=["CP118"]
    )
    assert ignored == [("F1",)]


def test_ff304_reports_a_fiscal_fund_cp118_does_not_reach() -> None:
    """A fiscal fund without donations is FF304's alone, even with both packs run."""
    data = campaigns.build(
        {
            "funds": [*campaigns.tables()["funds"], _fiscal()],
            "disbursements": [
                *campaigns.tables()["disbursements"],
                _pay("B9", "2015-11-01", purpose="housing", village_id=None, household_id="H1"),
            ],
        }
    )
    found = rk.check(data, as_of="2016-01-31", registry=REGISTRY, packs=BOTH).findings
    assert ("FF304", ("FX",)) in [(f.code, f.subjects) for f in found]
    assert "CP118" not in {f.code for f in found if f.subject == "FX"}


# ---- recipes and scenarios --------------------------------------------------------------------
@pytest.mark.parametrize("code", CODES)
@PER_CODE
@given(data=st.data())
def test_violating_breaks_each_rule_exactly_once(code: str, data: st.DataObject) -> None:
    """``violating(code)`` yields a campaign where check reports that one finding only."""
    as_of = data.draw(st.sampled_from(["2015-12-31", "2018-03-31"]))
    dataset, subjects = data.draw(violating(code, registry=FF_FIRST, as_of=as_of))
    report = rk.check(dataset, as_of=as_of, registry=FF_FIRST)
    assert [(f.code, f.subjects) for f in report.findings] == [(code, subjects)]


@given(
    day=st.dates(pendulum.Date(2011, 12, 25), pendulum.Date(2017, 1, 8)),
    purpose=st.sampled_from(
        sorted(
            NEGATIVE.value_on(pendulum.Date(2016, 1, 1))
            | NEGATIVE.value_on(pendulum.Date(2017, 1, 1))
            | {"housing", "infrastructure"}
        )
    ),
)
def test_ff301_follows_the_list_of_the_acts_day(day: Any, purpose: str) -> None:
    """Flagged exactly when the day is in the pack's era and the purpose is on that day's
    list."""
    on = pendulum.Date(day.year, day.month, day.day)
    early = Campaign(id="C14", year=2014, starts_on="2011-12-01", ends_on="2017-12-31")
    data = _dataset(_fiscal(), _pay("B1", on.isoformat(), purpose), _audit(), campaign=early)
    listed = on >= pendulum.Date(2012, 1, 1) and purpose in NEGATIVE.value_on(on)
    assert bool(_found(data, "FF301")) == listed


def test_scenarios_pass() -> None:
    """Every scenario folder of the pack gives exactly its expected findings."""
    folder = scenarios_of(FF)
    assert folder is not None and folder == Path(fiscal_funds.__file__).parent / "scenarios"
    results = run_scenarios(folder, registry=REGISTRY)
    assert {r.name.split("-")[0] for r in results} == {c.lower() for c in CODES}
    assert [r.name for r in results if not r.passed] == []


def _identities(report: Any) -> set[tuple[str, tuple[str, ...]]]:
    return {f.identity for f in report.findings}


@pytest.mark.parametrize("code", CODES)
@PER_CODE
@given(data=st.data())
def test_admit_finds_what_check_adds(code: str, data: st.DataObject) -> None:
    """Re-recording a disbursement, audit or donation, or recording a fund as fiscal or not,
    is judged by ``admit`` exactly as ``check`` after minus ``check`` before (the scopes
    follow funds to their disbursements and projects)."""
    as_of = data.draw(st.sampled_from(["2015-12-31", "2018-03-31"]))
    dataset, _ = data.draw(violating(code, registry=FF_FIRST, as_of=as_of))
    leaves = [*dataset.disbursements, *dataset.audits, *dataset.donations, *dataset.funds]
    record = data.draw(st.sampled_from(leaves))
    options: dict[str, Any] = {"as_of": as_of, "registry": FF_FIRST}
    if isinstance(record, Fund):
        before = dataset
        changed = attrs.evolve(record, fiscal=data.draw(st.sampled_from([True, False, None])))
        after = dataset.replace(changed)
        decision = rk.admit(dataset, replace=[changed], **options)
    else:
        before = dataset.remove(record.id)
        after = dataset
        decision = rk.admit(before, [record], **options)
    expected = _identities(rk.check(after, **options)) - _identities(rk.check(before, **options))
    assert {f.identity for f in decision.findings} == expected
