"""The columnar engine equals the object engine (issue "National scale", items 3 and 5).

Every rule of every built-in pack has a SQL statement, and for the campaigns
``violating(code)`` draws (on drawn days, with drawn parameter overrides), for campaigns broken
by several recipes, for compliant campaigns, for the example county and for synthetic counties
with their near misses, ``check(..., engine="duckdb")`` gives exactly the report ``check`` gives
on objects: findings with subjects, messages and evidence, waived findings, outcomes and rule
errors. The expectation is always the object engine's report.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import reliefkit as rk
from reliefkit._checking import choose_engine
from reliefkit.cli import main
from reliefkit.columnar import NoStatementError, check_source
from reliefkit.engine import check
from reliefkit.examples import county_2015
from reliefkit.exceptions import CannotViolateError
from reliefkit.models import Dataset
from reliefkit.report import Report
from reliefkit.rules import Registry, builtin_registry
from reliefkit.synth import synth
from reliefkit.testing import datasets, violating
from reliefkit.testing._violations import recipe_codes

pytest.importorskip("duckdb")

REGISTRY = builtin_registry()
RECIPE_CODES = recipe_codes(REGISTRY)
AS_OFS = (
    "2015-09-30",
    "2015-10-17",
    "2015-10-18",
    "2015-12-31",
    "2016-03-01",
    "2016-12-31",
    "2017-06-30",
    "2018-12-31",
)
# Overrides a statement must follow as the judge does (read from params, never written in).
OVERRIDES: dict[str, tuple[dict[str, Any], ...]] = {
    "county-plan": (
        {"ceremony_deadline_inclusive": False},
        {"forbid_department_to_department": True, "due_day_counts": False},
        {"exit_plan_due": "11-30", "audit_due": "11-30", "visit_window": ("10-10", "10-20")},
    ),
    # Two bands with one lower bound: the first in the list's order is the one that applies.
    "donations-law": (
        {
            "spending_bands_non_public_foundation": (
                (Decimal("0"), Decimal("0.08"), Decimal("0"), Decimal("0.15")),
                (Decimal("0"), Decimal("0.05"), Decimal("0"), Decimal("0.20")),
                (Decimal("4000000"), Decimal("0.06"), Decimal("0"), Decimal("0.12")),
            ),
        },
    ),
}
# Each example builds a campaign and checks it on both engines (about a fifth of a second).
SAME = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    report_multiple_bugs=False,
    max_examples=max(2, settings().max_examples // 100),
)


def details(report: Report) -> list[tuple[Any, ...]]:
    """Everything a finding says, raw (the JSON form masks personal data)."""
    return [
        (f.code, f.subjects, f.kind, f.due, f.message, f.message_zh, repr(f.evidence))
        for f in report.findings
    ]


def assert_same(
    data: Dataset,
    as_of: Any,
    packs: Sequence[str] | None = None,
    params: Mapping[str, Any] | None = None,
) -> Report:
    """The columnar report of ``data`` equals the object engine's; the latter returned."""
    expected = check(data, as_of=as_of, packs=packs, params=params, registry=REGISTRY)
    got = check_source(data, as_of=as_of, packs=packs, params=params, registry=REGISTRY)
    assert list(got) == [data.campaign.id]
    report = got[data.campaign.id]
    assert report.to_dict() == expected.to_dict()
    assert details(report) == details(expected)
    return expected


def packs_of(code: str) -> list[str] | None:
    """The packs to check a code's violations with (the waiver rules run always)."""
    pack = REGISTRY.rule(code).pack
    return None if pack in ("county-plan", "waivers") else [pack]


def cases_for(code: str) -> list[tuple[str, dict[str, Any]]]:
    """The (day, overrides) on which ``violating(code)`` can break the rule."""
    pack = REGISTRY.rule(code).pack
    out = []
    for day in AS_OFS:
        for params in ({}, *OVERRIDES.get(pack, ())):
            try:
                violating(code, as_of=day, registry=REGISTRY, params=params or None)
            except CannotViolateError:
                continue
            out.append((day, params))
    return out


def test_every_rule_has_a_statement() -> None:
    """Every rule of every built-in pack has its SQL statement beside its judge (the rule
    judged after all the others, on their findings, excepted)."""
    missing = [
        r.code for r in REGISTRY.rules() if not r.removed and not r.after_all and r.sql is None
    ]
    assert missing == []


@pytest.mark.parametrize("code", RECIPE_CODES)
def test_violations_are_the_same(code: str) -> None:
    """For campaigns violating(code) draws, on drawn days and overrides, the engines agree."""

    @SAME
    @given(
        st.sampled_from(cases_for(code)).flatmap(
            lambda case: st.tuples(
                violating(code, as_of=case[0], registry=REGISTRY, params=case[1] or None).map(
                    lambda drawn: drawn[0]
                ),
                st.just(case),
            )
        )
    )
    def same(drawn: tuple[Dataset, tuple[str, dict[str, Any]]]) -> None:
        data, (as_of, params) = drawn
        assert assert_same(data, as_of, packs=packs_of(code), params=params or None).findings

    same()


@settings(SAME, max_examples=max(3, settings().max_examples // 40))
@given(st.sampled_from(AS_OFS[:5]).flatmap(lambda d: st.tuples(datasets(as_of=d), st.just(d))))
def test_compliant_campaigns_are_the_same(case: tuple[Dataset, str]) -> None:
    """Compliant campaigns give the same (empty) report, outcomes included."""
    data, as_of = case
    assert_same(data, as_of)


def test_the_example_county_is_the_same() -> None:
    """The example county gives the same report on both engines, on several days, with the
    county plan and with every law pack."""
    data = county_2015()
    for as_of in ("2015-10-17", "2015-12-31"):
        assert assert_same(data, as_of).findings
    packs = ["county-plan", "donations-law", "fiscal-funds", "targeted-poverty"]
    assert_same(data, "2017-12-31", packs=packs)


@pytest.mark.parametrize(
    ("packs", "params", "code"),
    [
        (["county-plan"], {"exit_plan_due": "02-29"}, "CP111"),
        (["county-plan", "fiscal-funds"], {"audit_due": "02-29"}, "FF304"),
        (["donations-law"], {"construction_report_days": 99_999_999}, None),
    ],
)
def test_a_parameter_that_makes_no_day_is_the_same(
    packs: list[str], params: dict[str, Any], code: str | None
) -> None:
    """A due day that is no day of the year (29 February of 2015), or a report period past
    the first date there is: the rule's error, or its report, is the object engine's (the
    engine's parameter tables do not fail first)."""
    report = assert_same(county_2015(), "2015-12-31", packs=packs, params=params)
    if code is not None:
        assert "day is out of range" in report.rule_errors[code]


@settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck))
@given(case=violating("PW205", as_of="2017-12-31", registry=REGISTRY))
def test_a_report_period_past_the_first_date_is_the_judges_error(case: Any) -> None:
    """PW205 with a report period that reaches past the first date there is: the engine
    judges every pledge in reach, so the rule's error is the object engine's."""
    params = {"construction_report_days": 99_999_999}
    report = assert_same(case[0], "2017-12-31", packs=["donations-law"], params=params)
    assert "OverflowError" in report.rule_errors["PW205"]


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three synthetic counties in Parquet (format v1.1), with their near misses."""
    folder = tmp_path_factory.mktemp("columnar") / "province"
    synth(folder, households=1800, counties=3, seed=7, format="parquet")
    return folder


def test_synthetic_counties_are_the_same(province: Path) -> None:
    """Each county of a Parquet source read by DuckDB reports what the object engine reports
    of it, read by the object loader."""
    expected = rk.check(rk.load_campaigns(province), as_of="2015-12-31")
    got = rk.check(province, as_of="2015-12-31", engine="duckdb")
    assert isinstance(got, rk.CampaignsReport)
    assert list(got.reports) == list(expected.reports)
    for key, report in expected.reports.items():
        assert got.reports[key].to_dict() == report.to_dict()
        assert details(got.reports[key]) == details(report)
    assert got.to_dict() == expected.to_dict()


def test_auto_takes_duckdb_for_parquet(province: Path) -> None:
    """engine='auto' runs DuckDB on a folder of Parquet tables and objects on a dataset."""
    assert choose_engine(province) == "duckdb"
    assert choose_engine(county_2015()) == "objects"
    assert choose_engine("examples/county-2015") == "objects"


def test_the_cli_runs_either_engine(
    province: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """reliefkit check --engine duckdb prints the JSON the object engine prints, and exits
    the same way."""
    outputs = {}
    for engine in ("objects", "duckdb"):
        code = main(["check", str(province), "--as-of", "2015-12-31", "--format", "json",
                     "--engine", engine])  # fmt: skip
        assert code == 1  # planted errors
        outputs[engine] = json.loads(capsys.readouterr().out)
    assert outputs["duckdb"] == outputs["objects"]
    assert main(["check", str(province), "--as-of", "2015-12-31", "--engine", "duckdb",
                 "--format", "html"]) == 2  # fmt: skip
    assert "--engine objects" in capsys.readouterr().err


def test_a_rule_without_a_statement_is_refused(province: Path) -> None:
    """A pack whose rule has no statement is refused by name (never judged on objects), and
    engine='auto' takes the object engine for it."""
    from reliefkit.rules.county_plan import PACK as COUNTY_PLAN
    from reliefkit.rules.waivers import PACK as WAIVERS

    registry = Registry()
    registry.register(COUNTY_PLAN, default=True)
    registry.register(WAIVERS)
    code = "CP110"
    rule = COUNTY_PLAN.rules[code]
    try:
        COUNTY_PLAN.rules[code] = type(rule)(**{**_fields(rule), "sql": None})
        with pytest.raises(NoStatementError, match="CP110"):
            check_source(county_2015(), as_of="2015-12-31", registry=registry)
        assert choose_engine(province, registry=registry) == "objects"  # auto: never refused
    finally:
        COUNTY_PLAN.rules[code] = rule


def _fields(rule: Any) -> dict[str, Any]:
    import attrs

    return {a.alias or a.name: getattr(rule, a.name) for a in attrs.fields(type(rule)) if a.init}


def test_check_takes_a_path_and_names_a_bad_engine(province: Path) -> None:
    """rk.check reads a path on the object engine as load_campaigns does, and an unknown
    engine is an InvalidValueError naming it."""
    from_path = rk.check(province, as_of="2015-12-31")
    loaded = rk.check(rk.load_campaigns(province), as_of="2015-12-31")
    assert isinstance(from_path, rk.CampaignsReport)
    assert from_path.to_dict() == loaded.to_dict()
    with pytest.raises(rk.InvalidValueError, match="engine='sqlite'"):
        rk.check(province, as_of="2015-12-31", engine="sqlite")


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--threads", "0"),
        ("--threads", "100000"),
        ("--memory-limit", "lots"),
        ("--memory-limit", "1KB"),
    ],
)
def test_bad_engine_options_exit_2_naming_them(
    province: Path, capsys: pytest.CaptureFixture[str], option: str, value: str
) -> None:
    """A bad --threads or --memory-limit is refused by name with exit 2, not a traceback."""
    argv = ["check", str(province), "--as-of", "2015-12-31", "--engine", "duckdb", option, value]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert option.removeprefix("--").replace("-", "_") in err
    assert "Traceback" not in err


def test_running_out_of_memory_is_an_engine_error() -> None:
    """DuckDB out of its memory limit is an EngineError saying to raise the limit."""
    from reliefkit.columnar._backend import DuckDB
    from reliefkit.exceptions import EngineError

    backend = DuckDB(memory_limit="64MB")
    with pytest.raises(EngineError, match="--memory-limit"):
        backend.rows("SELECT string_agg(repeat('x', 1000), '') FROM range(1000000)")
    backend.close()


def test_records_in_hand_stay_with_the_report() -> None:
    """A Dataset checked on DuckDB keeps it: frames name each finding's township as on
    objects."""
    data = county_2015()
    on_objects = rk.check(data, as_of="2015-12-31").to_frame()
    on_duckdb = rk.check(data, as_of="2015-12-31", engine="duckdb").to_frame()
    assert on_duckdb.equals(on_objects)
    assert on_duckdb["township"].notna().any()


def test_auto_draws_html_on_objects(tmp_path: Path) -> None:
    """--engine auto --format html on a Parquet campaign writes the page (on objects)."""
    one = tmp_path / "one"
    synth(one, households=300, counties=1, seed=2, format="parquet")
    page = tmp_path / "page.html"
    argv = ["check", str(one), "--as-of", "2015-12-31", "--engine", "auto", "--format", "html"]
    assert main([*argv, "-o", str(page)]) == 1
    assert "<html" in page.read_text(encoding="utf-8").lower()


def test_the_loaders_notices_are_shown_on_duckdb(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A CSV folder with an unknown column: --engine duckdb prints the object loader's notice,
    as --engine objects does."""
    folder = tmp_path / "county"
    rk.dump(county_2015(), folder)
    villages = folder / "villages.csv"
    lines = villages.read_text(encoding="utf-8").splitlines()
    lines = [lines[0] + ",extra", *(line + ",x" for line in lines[1:])]
    villages.write_text("\n".join(lines) + "\n", encoding="utf-8")
    errs = {}
    for engine in ("objects", "duckdb"):
        main(["check", str(folder), "--as-of", "2015-12-31", "--engine", engine])
        errs[engine] = capsys.readouterr().err
    assert "column extra: unknown column; ignored" in errs["objects"]
    assert errs["duckdb"] == errs["objects"]
