"""The public strategies of ``reliefkit.testing``: valid records, option checks, the facade."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pendulum
import pytest
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

import reliefkit.testing
from reliefkit.engine import check
from reliefkit.exceptions import CannotViolateError, UnknownRuleError
from reliefkit.models import (
    RECORD_TYPES,
    Campaign,
    Dataset,
    DateRange,
    DonorKind,
    Household,
    Money,
    Solicitation,
    Village,
)
from reliefkit.rules import Citation, Context, Pack, Registry, Severity, Violation, all_rules
from reliefkit.rules.recipes import Draft, Draw, Subjects
from reliefkit.rules.scopes import SOLICITATIONS
from reliefkit.rules.waivers import PACK as WAIVERS
from reliefkit.testing import (
    datasets,
    households,
    money,
    records_for,
    register_type_strategies,
    violating,
)
from reliefkit.testing._strategies import RECORD_STRATEGIES
from reliefkit.testing._violations import recipe_codes

CAMPAIGN_SETTINGS = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])

pytest_plugins = ["pytester"]


# ---- the facade ----------------------------------------------------------------------------------
def test_all_is_sorted_and_complete() -> None:
    """__all__ is sorted and names every strategy, datasets, violating and assert_compliant."""
    names = reliefkit.testing.__all__
    assert names == sorted(names)
    strategies = {f.__name__ for f in RECORD_STRATEGIES.values()}
    assert strategies | {"datasets", "violating", "assert_compliant", "money"} <= set(names)
    for name in names:
        assert callable(getattr(reliefkit.testing, name)), name


def test_unknown_attribute_is_an_attribute_error() -> None:
    """A name the package does not export raises AttributeError, as for any module."""
    with pytest.raises(AttributeError, match="no_such_strategy"):
        reliefkit.testing.no_such_strategy  # noqa: B018


def _run_without_hypothesis(code: str) -> subprocess.CompletedProcess[str]:
    # ``sys.modules[name] = None`` makes ``import hypothesis`` fail as if it were not installed.
    prelude = "import sys; sys.modules['hypothesis'] = None\n"
    return subprocess.run(
        [sys.executable, "-c", prelude + code], capture_output=True, text=True, check=False
    )


def test_missing_hypothesis_gives_a_clear_import_error() -> None:
    """Without Hypothesis, using a strategy says what to install."""
    result = _run_without_hypothesis("from reliefkit.testing import datasets")
    assert result.returncode != 0
    assert "ImportError" in result.stderr
    assert "pip install 'reliefkit[testing]'" in result.stderr


def test_rules_and_their_recipes_load_without_hypothesis() -> None:
    """import reliefkit, and every rule's recipes with it, never needs Hypothesis."""
    result = _run_without_hypothesis(
        "import reliefkit\nfrom reliefkit.rules import all_rules\n"
        "print(sum(len(r.recipes) > 0 for r in all_rules()))"
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) == len(all_rules())


def test_plugin_and_package_import_without_hypothesis() -> None:
    """The pytest plugin (and assert_compliant) never need Hypothesis."""
    result = _run_without_hypothesis(
        "import reliefkit.testing.plugin\nfrom reliefkit.testing import assert_compliant\n"
        "print('ok')"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


# ---- one strategy per record type ----------------------------------------------------------------
@pytest.mark.parametrize("cls", RECORD_TYPES, ids=lambda c: c.__name__)
def test_record_strategy_draws_valid_records(cls: type[Any]) -> None:
    """Each record strategy draws instances of its type that pass the validators."""

    @given(RECORD_STRATEGIES[cls]())
    def check_one(record: Any) -> None:
        assert type(record) is cls
        assert record.id

    check_one()


@pytest.mark.parametrize("cls", RECORD_TYPES, ids=lambda c: c.__name__)
def test_from_type_uses_the_registered_strategy(cls: type[Any]) -> None:
    """st.from_type works for every record type (registered by the Hypothesis entry point)."""

    @given(st.from_type(cls))
    def check_one(record: Any) -> None:
        assert type(record) is cls

    check_one()


def test_entry_point_registers_on_hypothesis_import() -> None:
    """In a fresh process, importing Hypothesis is enough for st.from_type(Village)."""
    code = (
        "import warnings; warnings.simplefilter('ignore')\n"
        "from hypothesis import strategies as st\n"
        "from reliefkit.models import Village\n"
        "print(type(st.from_type(Village).example()).__name__)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Village"


def test_strategies_module_imported_before_hypothesis_still_registers() -> None:
    """No circular import when a strategies module is what first imports Hypothesis."""
    code = (
        "import warnings; warnings.simplefilter('ignore')\n"
        "import reliefkit.testing._strategies\n"
        "from hypothesis import strategies as st\n"
        "from reliefkit.models import Village\n"
        "print(type(st.from_type(Village).example()).__name__)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Village"


def test_register_type_strategies_is_idempotent() -> None:
    """Registering again changes nothing."""
    register_type_strategies()
    register_type_strategies()
    assert isinstance(find(st.from_type(Village), lambda v: True), Village)


@given(households())
def test_households_are_plausible(household: Household) -> None:
    """Resident ids have 18 characters; a registered poor household has a responsible person."""
    assert household.resident_id is None or len(household.resident_id) == 18
    assert not household.registered_poor or household.responsible_person_id


@given(money(min_value="10.50", max_value=20))
def test_money_respects_bounds(amount: Money) -> None:
    """money() draws exact amounts between its bounds."""
    assert Money("10.50") <= amount <= Money(20)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"min_value": 1.5}, "min_value=1.5"),
        ({"max_value": "1.234"}, "max_value='1.234'"),
        ({"min_value": -1}, "never negative"),
        ({"min_value": 5, "max_value": 4}, "more than max_value"),
    ],
)
def test_money_refuses_bad_bounds(kwargs: dict[str, Any], match: str) -> None:
    """Bad money bounds raise InvalidArgument at once, naming the option."""
    with pytest.raises(InvalidArgument, match=match):
        money(**kwargs)


# ---- datasets ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"min_townships": 0}, "min_townships=0"),
        ({"min_townships": 3, "max_townships": 2}, "more than max_townships"),
        ({"max_villages_per_township": 0}, "poor village"),
        ({"max_funds": -1}, "max_funds=-1"),
        ({"max_donors": True}, "max_donors=True"),
        ({"max_projects": 2.0}, "max_projects=2.0"),
        ({"as_of": "15 October"}, "as_of='15 October'"),
    ],
)
def test_datasets_validate_options_at_once(kwargs: dict[str, Any], match: str) -> None:
    """Bad options raise InvalidArgument when the strategy is made, not when drawing."""
    with pytest.raises(InvalidArgument, match=match):
        datasets(**kwargs)


def test_datasets_options_are_keyword_only() -> None:
    """Options cannot be passed by position."""
    with pytest.raises(TypeError):
        datasets("2015-12-31")  # type: ignore[misc]


@CAMPAIGN_SETTINGS
@given(
    datasets(
        min_townships=2, max_townships=2, max_villages_per_township=2, max_households_per_village=1
    )
)
def test_datasets_respect_size_options(data: Dataset) -> None:
    """Counts stay within the bounds asked for."""
    assert len(data.townships) == 2
    for township in data.townships:
        villages = data.villages_in(township.id)
        assert len(villages) <= 2
        for village in villages:
            assert len(data.households_in(village.id)) <= 1


SIZES = (
    "townships",
    "villages_per_township",
    "households_per_village",
    "departments",
    "donors",
    "drives",
    "activities",
    "projects",
    "funds",
    "donations_per_fund",
)


def test_every_max_option_has_its_min() -> None:
    """datasets() and violating() take min_X for every max_X, keyword-only, min 0 by default."""
    import inspect

    for strategy in (datasets, violating):
        params = inspect.signature(strategy).parameters
        maxes = {n.removeprefix("max_") for n in params if n.startswith("max_")}
        mins = {n.removeprefix("min_") for n in params if n.startswith("min_")}
        assert maxes == mins == set(SIZES), strategy
        assert all(params[f"min_{n}"].kind is inspect.Parameter.KEYWORD_ONLY for n in SIZES)


@pytest.mark.parametrize("size", SIZES)
def test_a_min_above_its_max_is_refused_at_once(size: str) -> None:
    """min_X > max_X raises InvalidArgument naming both, for datasets and violating."""
    kwargs = {f"min_{size}": 3, f"max_{size}": 2}
    with pytest.raises(InvalidArgument, match=f"min_{size}=3: more than max_{size}=2"):
        datasets(**kwargs)
    with pytest.raises(InvalidArgument, match=f"min_{size}=3"):
        violating("CP101", **kwargs)


def test_donations_without_donors_are_refused() -> None:
    """min_donations_per_fund needs a donor: with max_donors=0 it is refused at once."""
    with pytest.raises(InvalidArgument, match="max_donors=0"):
        datasets(min_donations_per_fund=1, max_donors=0)


MINIMA = {
    "min_villages_per_township": 2,
    "min_households_per_village": 1,
    "min_departments": 2,
    "min_donors": 2,
    "min_drives": 1,
    "min_activities": 2,
    "min_projects": 1,
    "min_funds": 1,
    "min_donations_per_fund": 1,
}
OTHER_KINDS = {
    "inspection_tour",
    "vocational_training",
    "sector_relief",
    "charity",
    "hometown_return",
    "symposium",
}


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(datasets(**MINIMA))
def test_datasets_respect_min_options_and_still_comply(data: Dataset) -> None:
    """Counts reach every minimum asked for, and the campaign still breaks no rule."""
    for township in data.townships:
        villages = data.villages_in(township.id)
        assert len(villages) >= 2
        assert all(len(data.households_in(v.id)) >= 1 for v in villages)
    assert len(data.departments) >= 2 + 2  # besides the leading group's office and audit
    assert len(data.donors) >= 2 and len(data.projects) >= 1
    assert sum(a.kind == "donation_drive" for a in data.activities) >= 1
    assert sum(a.kind in OTHER_KINDS for a in data.activities) >= 2
    assert len(data.funds) >= 1
    assert all(data.donations_to(f.id) for f in data.funds)
    assert not check(data, as_of="2015-12-31").findings


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_records_for_always_has_a_fund_when_asked(data: st.DataObject) -> None:
    """With min_funds (and min_donors) a test that needs a fund never meets a dataset without."""
    dataset = data.draw(datasets(min_funds=1, min_donors=1))
    for table in ("donations", "disbursements", "audits"):
        record = data.draw(records_for(dataset, tables=(table,)), label=table)
        assert type(record).table == table
        assert dataset.add(record).get(record.id) is record


FAILING = """
from hypothesis import given, settings
from reliefkit.testing import datasets, violating

@settings(max_examples=3, database=None, deadline=None)
@given(datasets())
def test_dataset(data):
    assert not data.villages

@settings(max_examples=3, database=None, deadline=None)
@given(violating("CP114"))
def test_case(case):
    assert not case
"""


def test_a_failing_example_prints_as_records(pytester: pytest.Pytester) -> None:
    """A failing example shows Dataset.from_records([...]) of the records' reprs (days and
    choices as the constructor takes them), never the generator's private Draft."""
    pytester.makepyfile(FAILING)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=2)
    out = result.stdout.str()
    assert "Draft(" not in out and "tables={" not in out
    # Each failing test shows its example at least once (on CI Hypothesis may show it twice).
    assert out.count("Dataset.from_records(") >= 2
    assert "Campaign(id='C2015'" in out and "Village(id='V1'" in out
    assert "kind='ceremony'" in out and "Date(" not in out
    case = out[out.index("case=(Dataset.from_records(") :]
    assert "Disbursement(id=" in case and "purpose=" in case


@CAMPAIGN_SETTINGS
@given(datasets())
def test_datasets_are_referentially_intact(data: Dataset) -> None:
    """Rebuilding a drawn dataset from its records checks every reference again."""
    assert Dataset.from_records(data.records()) == data
    assert data.campaign.year == 2015 and data.villages and any(v.poor for v in data.villages)


def test_datasets_shrink_to_a_small_campaign() -> None:
    """The minimal campaign is one township with one poor village and no money at all."""
    smallest = find(datasets(), lambda d: True, settings=settings(deadline=None, database=None))
    assert len(smallest.townships) == 1
    assert len(smallest.villages) == 1 and smallest.villages[0].poor
    assert not smallest.funds and not smallest.donors and not smallest.solicitations


FEATURES = {
    "directed donation": lambda d: any(n.directed for n in d.donations),
    "undesignated donation": lambda d: any(not n.directed for n in d.donations),
    "donation in kind": lambda d: any(n.goods for n in d.donations),
    "disbursement": lambda d: bool(d.disbursements),
    "audit": lambda d: bool(d.audits),
    "solicitation": lambda d: bool(d.solicitations),
    "pairing": lambda d: bool(d.pairings),
    "pledge": lambda d: bool(d.pledges),
    "inspection tour": lambda d: any(a.kind == "inspection_tour" for a in d.activities),
    "registered poor household": lambda d: any(h.registered_poor for h in d.households),
    "several townships": lambda d: len(d.townships) > 1,
}


def test_datasets_reach_every_family() -> None:
    """Over a fixed run, campaigns hold every family: directed and undesignated money, …"""
    seen: set[str] = set()

    @settings(
        max_examples=150, derandomize=True, database=None, phases=[Phase.generate], deadline=None
    )
    @given(datasets())
    def collect(data: Dataset) -> None:
        seen.update(name for name, has in FEATURES.items() if has(data))

    collect()
    assert seen == set(FEATURES)


# ---- violating and records_for -------------------------------------------------------------------
def test_violating_knows_every_county_plan_code() -> None:
    """There is a recipe for every county-plan code, and for the engine's waiver codes."""
    codes = {r.code for r in all_rules() if r.pack == "county-plan"}
    assert codes <= set(recipe_codes())
    assert {"RK001", "RK002", "RK003"} <= set(recipe_codes())


def test_violating_unknown_code_raises_at_once() -> None:
    """An unknown code raises UnknownRuleError when the strategy is made; what is not one
    code (a number, a list of codes) is a TypeError."""
    with pytest.raises(UnknownRuleError, match="CP999"):
        violating("CP999")
    with pytest.raises(TypeError, match="code=101: expected one rule code"):
        violating(101)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="violating breaks one rule"):
        violating(["CP101", "CP102"])  # type: ignore[arg-type]


def test_violating_accepts_lower_case_codes() -> None:
    """Codes are case-insensitive, as everywhere in reliefkit."""
    assert violating("cp101") is not None


@pytest.mark.parametrize("as_of", ["2015-10-10", "2015-10-17", "2014-06-01"])
def test_violating_audit_before_campaign_end_is_impossible(as_of: str) -> None:
    """CP118 cannot be broken before audits are due: CannotViolateError says why."""
    with pytest.raises(CannotViolateError, match=r"CP118.*campaign's last day"):
        violating("CP118", as_of=as_of)


@pytest.mark.parametrize("code", ["CP106", "CP108", "CP111"])
def test_deadline_rules_can_be_broken_early(code: str) -> None:
    """Deadline rules with a dated breach (late ceremony, unled visit, late plan) stay breakable."""
    assert violating(code, as_of="2015-10-01") is not None


def test_violating_validates_its_options() -> None:
    """violating takes datasets' options and checks them the same way."""
    with pytest.raises(InvalidArgument, match="min_townships"):
        violating("CP101", min_townships=0)


@CAMPAIGN_SETTINGS
@given(st.data())
def test_records_for_refer_only_to_existing_records(data: st.DataObject) -> None:
    """A drawn record has a new id and refers only to ids the dataset holds."""
    dataset = data.draw(datasets())
    record = data.draw(records_for(dataset))
    assert dataset.get(record.id) is None
    grown = dataset.add(record)  # raises IntegrityError on a dangling reference
    assert grown.get(record.id) is record


def test_records_for_validates_its_arguments() -> None:
    """records_for refuses what is not a dataset, and unknown tables."""
    with pytest.raises(InvalidArgument, match="expected a reliefkit Dataset"):
        records_for("folder")  # type: ignore[arg-type]
    bare = Dataset.build(Campaign(id="C", year=2015, starts_on="2015-09-01", ends_on="2015-12-31"))
    with pytest.raises(InvalidArgument, match="tables"):
        records_for(bare, tables=("pledges",))
    with pytest.raises(InvalidArgument, match="nothing these records could refer to"):
        records_for(bare, tables=("donations",))


# ---- recipes live with their rules ---------------------------------------------------------------
def test_every_recipe_is_registered_on_its_rule() -> None:
    """Each rule's recipes name it and say in their first line how they break it."""
    for rule in all_rules():
        assert rule.recipes, rule.code
        for recipe in rule.recipes:
            assert recipe.code == rule.code
            assert recipe.doc, rule.code


def _sunday_pack() -> Pack:
    """A third-party pack, with one rule that has a recipe and one that has none."""
    pack = Pack(
        name="my-county",
        prefix="MYC",
        title="My county's own plan",
        title_zh="本县方案",
        source="My county's 2015 plan",
        in_force=DateRange("2015-01-01"),
    )
    kit = {
        "severity": Severity.WARNING,
        "cites": [Citation("my-plan", "§1", "no fundraising on Sundays")],
        "title_zh": "星期日募捐",
        "remedy": "Ask on a working day.",
        "remedy_zh": "在工作日募捐。",
        "reads": ["solicitations"],
        "scope": SOLICITATIONS,
    }

    @pack.rule(code="MYC101", name="sunday", title="A solicitation on a Sunday", **kit)
    def sunday(ctx: Context, sol: Solicitation) -> Iterator[Violation]:
        """What it checks:\nNo solicitation on a Sunday."""
        if sol.on.isoweekday() == 7:
            yield Violation((sol.id,), f"{sol.id} is on a Sunday.", f"{sol.id} 在星期日。")

    @pack.rule(code="MYC102", name="never", title="Never", **kit)
    def never(ctx: Context, sol: Solicitation) -> Iterator[Violation]:
        """What it checks:\nNothing."""
        yield from ()

    @pack.breaks("MYC101")
    def ask_on_sunday(draw: Draw, d: Draft, as_of: pendulum.Date) -> Subjects:
        """Solicitations moved off Sundays, and one new one made on a Sunday."""
        for sol in d.rows("solicitations"):
            if sol.on.isoweekday() == 7:
                d.replace(sol, on=sol.on.add(days=1))
        drive = d.add_drive(draw, draw.pick(d.units()))
        sol = d.add_solicitation(draw, drive, d.add_donor(draw, DonorKind.RESIDENT).id)
        sunday = sol.on.add(days=7 - sol.on.isoweekday())
        return (d.replace(sol, on=sunday).id,)

    return pack


def _sunday_registry() -> Registry:
    registry = Registry()
    registry.register(_sunday_pack(), default=True)
    registry.register(WAIVERS)
    return registry


def test_violating_uses_the_recipes_of_a_third_party_pack() -> None:
    """violating(code, registry=...) breaks a rule of another pack with that pack's recipe."""
    registry = _sunday_registry()

    @CAMPAIGN_SETTINGS
    @given(violating("MYC101", registry=registry))
    def check_one(case: tuple[Dataset, tuple[str, ...]]) -> None:
        data, subjects = case
        report = check(data, as_of="2015-12-31", registry=registry)
        assert [(f.code, f.subjects) for f in report.findings] == [("MYC101", subjects)]

    check_one()
    assert recipe_codes(registry) == ("MYC101", "RK001", "RK002", "RK003")


def test_violating_a_rule_without_recipe_raises_at_once() -> None:
    """A rule with no recipe raises CannotViolateError naming the codes that have one."""
    with pytest.raises(CannotViolateError, match=r"no recipe to break MYC102.*MYC101"):
        violating("MYC102", registry=_sunday_registry())
    with pytest.raises(UnknownRuleError, match="CP101"):
        violating("CP101", registry=_sunday_registry())


# ---- pack parameters -----------------------------------------------------------------------------
PARAMS: list[dict[str, Any]] = [
    {"poverty_day": "10-20"},
    {"poverty_day": "10-10", "ceremony_deadline_inclusive": False},
    {"visit_window": ("10-20", "10-25")},
    {"audit_due": "12-01", "exit_plan_due": "11-30"},
    {"due_day_counts": False},
    {"forbid_department_to_department": True},
    {"permitted_purposes": frozenset({"housing", "education_aid", "fireworks"})},
    {"grantor_sector": "audit"},
]
AS_OFS = ("2015-10-01", "2015-10-15", "2015-10-21", "2015-11-30", "2015-12-31")


@CAMPAIGN_SETTINGS
@given(st.sampled_from(PARAMS), st.sampled_from(AS_OFS), st.data())
def test_datasets_comply_under_the_parameters_asked_for(
    params: dict[str, Any], as_of: str, data: st.DataObject
) -> None:
    """datasets(params=...) draws campaigns with no finding under those parameter values."""
    dataset = data.draw(datasets(as_of=as_of, params=params))
    report = check(dataset, as_of=as_of, params=params)
    assert [(f.code, f.subjects) for f in report.findings] == []


@CAMPAIGN_SETTINGS
@given(st.sampled_from(sorted(recipe_codes(packs=["default"]))), st.sampled_from(PARAMS), st.data())
def test_violating_breaks_once_under_the_parameters_asked_for(
    code: str, params: dict[str, Any], data: st.DataObject
) -> None:
    """violating(code, params=...) breaks the rule once under those values, or refuses at once."""
    as_of = data.draw(st.sampled_from(AS_OFS))
    try:
        strategy = violating(code, as_of=as_of, params=params)
    except CannotViolateError:
        assert code == "CP118"
        return
    dataset, subjects = data.draw(strategy)
    report = check(dataset, as_of=as_of, params=params)
    assert [(f.code, f.subjects) for f in report.findings] == [(code, subjects)]


def test_parameters_move_the_deadlines_of_generated_campaigns() -> None:
    """Under poverty_day 10-20 some ceremony falls after 17 October: the value is honoured."""
    days: list[pendulum.Date] = []

    @settings(
        max_examples=50, derandomize=True, database=None, phases=[Phase.generate], deadline=None
    )
    @given(datasets(params={"poverty_day": "10-20"}))
    def collect(data: Dataset) -> None:
        days.extend(a.on for a in data.activities if a.kind == "ceremony")

    collect()
    assert max(days) > pendulum.Date(2015, 10, 17)
    assert max(days) <= pendulum.Date(2015, 10, 20)


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"no_such": 1}, "no_such"),
        ({"poverty_day": "13-45"}, "poverty_day"),
        ({"poverty_day": 1017}, "expected str"),
        ("poverty_day", "expected a mapping"),
    ],
)
def test_parameters_are_validated_at_once(params: Any, match: str) -> None:
    """Unknown names and unreadable values raise InvalidArgument when the strategy is made."""
    with pytest.raises(InvalidArgument, match=match):
        datasets(params=params)
    with pytest.raises(InvalidArgument, match=match):
        violating("CP106", params=params)
