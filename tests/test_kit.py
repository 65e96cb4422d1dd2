"""The authoring kit: registration refuses malformed packs, installed packs load through entry
points (a broken one is a warning), deferrals reach across packs, and `new-pack` scaffolds a
project that works."""

from __future__ import annotations

import datetime
import importlib
import importlib.util
import os
import subprocess
import sys
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import reliefkit as rk
from reliefkit.cli import main
from reliefkit.exceptions import PackLoadWarning, RegistrationError
from reliefkit.models import Activity, Campaign, Dataset, DateRange, Donor, Solicitation, Township
from reliefkit.rules import (
    SECTIONS,
    Citation,
    Context,
    Pack,
    Registry,
    Scope,
    Severity,
    Violation,
    builtin_registry,
    iso_weekday,
    load_entry_points,
)
from reliefkit.rules.scopes import ACTIVITIES, SOLICITATIONS
from reliefkit.rules.waivers import PACK as WAIVERS
from reliefkit.scenarios import run_scenarios

ROOT = Path(__file__).resolve().parents[1]
AS_OF = "2015-12-31"


def _pack(name: str, prefix: str) -> Pack:
    return Pack(
        name=name,
        prefix=prefix,
        title="A test pack",
        title_zh="测试规则包",
        source="tests",
        in_force=DateRange("2014-01-01"),
    )


def _every(ctx: Context, sol: Solicitation) -> Iterator[Violation]:
    """What it checks:\nEvery solicitation is reported."""
    yield Violation((sol.id,), f"Solicitation {sol.id}.", f"募捐请求 {sol.id}。")


def _rule(
    pack: Pack,
    declared: str,
    *,
    name: str | None = None,
    scope: Scope[Any] = SOLICITATIONS,
    defers_to: tuple[str, ...] = (),
    reads: tuple[str, ...] = ("solicitations",),
    **changes: object,
) -> None:
    """Declare a rule flagging every subject of ``scope``; ``changes`` then alter the rule
    as declared (as a hand-built rule could be)."""
    pack.rule(
        code=declared,
        name=name or f"rule-{declared.lower()}",
        severity=Severity.ERROR,
        cites=[Citation("tests", "§1", "a clause")],
        title="A test rule",
        title_zh="测试规则",
        remedy="Fix it.",
        remedy_zh="改正。",
        reads=reads,
        scope=scope,
        defers_to=defers_to,
    )(_every)
    if changes:
        rule = pack.rules.pop(declared)
        changed = attrs.evolve(rule, **changes)  # type: ignore[misc]
        pack.rules[changed.code] = changed


# ---- registration ----------------------------------------------------------------------------


def test_refusal_lists_every_problem_and_leaves_the_registry_unchanged() -> None:
    """A malformed pack is refused with one line per problem, each naming the pack, and the
    registry keeps none of it."""
    pack = _pack("bad", "BAD")
    _rule(pack, "BAD101", title_zh=" ")
    _rule(pack, "BAD102", citations=(Citation("tests", ""),))
    _rule(pack, "BAD103", code="XYZ103")
    pack.parameters.clear()
    _rule(pack, "BAD104", params=("quota_limt",))
    registry = Registry()
    with pytest.raises(RegistrationError) as refused:
        registry.register(pack)
    assert isinstance(refused.value, ValueError)
    lines = str(refused.value).splitlines()
    assert all(line.startswith("pack 'bad': ") for line in lines)
    text = str(refused.value)
    assert "BAD101: title_zh is empty" in text
    assert "BAD102: cites no clause" in text
    assert "XYZ103: not a code of prefix 'BAD'" in text
    assert "BAD104: reads parameter 'quota_limt', which the pack does not declare" in text
    assert registry.packs() == []


def test_unknown_parameter_gets_a_did_you_mean() -> None:
    """A parameter the pack lacks is refused with the nearest one the pack declares."""
    pack = _pack("demo", "DEMO")
    pack.parameter("quota_limit", 1, source=Citation("tests", "§2"), doc="A limit.")
    _rule(pack, "DEMO101", params=("quota_limt",))
    with pytest.raises(RegistrationError, match=r"did you mean quota_limit\?"):
        Registry().register(pack)


def test_overlapping_prefix_and_taken_rule_name_name_both_packs() -> None:
    """A prefix that starts another's (selectors are prefixes) and a rule name another pack
    uses are refused, naming the other pack."""
    registry = builtin_registry()
    pack = _pack("overlap", "CPX")
    _rule(pack, "CPX101", name="cross-township-solicitation")
    with pytest.raises(RegistrationError) as refused:
        registry.register(pack)
    text = str(refused.value)
    assert "prefix 'CPX' overlaps prefix 'CP' of pack 'county-plan'" in text
    assert "name 'cross-township-solicitation' is taken by CP101 of pack 'county-plan'" in text


def test_deferral_to_an_unknown_code_of_its_pack_suggests_the_nearest() -> None:
    """defers_to naming no rule of the pack is refused with a did-you-mean."""
    pack = _pack("demo", "DEMO")
    _rule(pack, "DEMO101")
    _rule(pack, "DEMO102", defers_to=("DEMO110",))
    says = r"DEMO102 defers to DEMO110, not a rule of its pack \(did you mean DEMO101\?\)"
    with pytest.raises(RegistrationError, match=says):
        Registry().register(pack)


@pytest.mark.parametrize("pack_first", [True, False], ids=["deferring-first", "target-first"])
def test_cross_pack_deferral_is_checked_when_both_are_registered(pack_first: bool) -> None:
    """A deferral to another pack's rule is checked when both packs are registered, in either
    order: an unknown code (with the nearest) or a rule of another scope is refused."""
    target = _pack("target", "TGT")
    _rule(target, "TGT101")
    _rule(target, "TGT102", scope=ACTIVITIES, reads=("activities",))
    deferring = _pack("deferring", "DEF")
    _rule(deferring, "DEF101", defers_to=("TGT110",))
    _rule(deferring, "DEF102", defers_to=("TGT102",))
    first, second = (deferring, target) if pack_first else (target, deferring)
    registry = Registry()
    registry.register(first)
    with pytest.raises(RegistrationError) as refused:
        registry.register(second)
    text = str(refused.value)
    assert "defers to TGT110, not a rule of pack 'target' (did you mean TGT101?)" in text
    assert "defers to TGT102, a rule of another scope ('activities', not 'solicitations')" in text
    assert "DEF101 of pack 'deferring'" in text or "DEF101 defers" in text
    assert [p.name for p in registry.packs()] == [first.name]


def test_deferrals_in_a_cycle_are_refused() -> None:
    """Two rules deferring to each other would silence each other: refused."""
    one, two = _pack("one", "ONE"), _pack("two", "TWO")
    _rule(one, "ONE101", defers_to=("TWO101",))
    _rule(two, "TWO101", defers_to=("ONE101",))
    registry = Registry()
    registry.register(one)
    with pytest.raises(RegistrationError, match="deferrals form a cycle"):
        registry.register(two)


def _asked() -> Dataset:
    """Township T1 asks enterprise E1 (solicitation S1) in its drive DR1."""
    return Dataset.from_records(
        [
            Campaign(
                id="C1",
                name="x",
                year=2015,
                county="县",
                starts_on="2015-09-01",
                ends_on="2015-12-31",
            ),
            Township(id="T1", name="镇", kind="town"),
            Activity(
                id="DR1",
                kind="donation_drive",
                organizer_id="T1",
                township_id="T1",
                on="2015-10-01",
            ),
            Donor(id="E1", name="企业", kind="private_enterprise"),
            _ask(),
        ]
    )


def _ask() -> Solicitation:
    return Solicitation(
        id="S1", activity_id="DR1", organizer_id="T1", target_id="E1", on="2015-10-02"
    )


@pytest.fixture
def two_packs() -> Registry:
    """Pack DEF's DEF101 defers to TGT101 of pack TGT; both flag every solicitation."""
    target, deferring = _pack("target", "TGT"), _pack("deferring", "DEF")
    _rule(target, "TGT101")
    _rule(deferring, "DEF101", defers_to=("TGT101",))
    registry = Registry()
    registry.register(deferring, default=True)
    registry.register(target, default=True)
    registry.register(WAIVERS)
    return registry


def test_cross_pack_deferral_gives_one_finding(two_packs: Registry) -> None:
    """When both packs run, the rule deferred to reports and the deferring rule is silent."""
    report = rk.check(_asked(), as_of=AS_OF, registry=two_packs)
    assert [(f.code, f.subjects) for f in report.findings] == [("TGT101", ("S1",))]
    assert report.outcomes["DEF101"].value == "not_applicable"


def test_deferral_to_a_pack_not_run_judges_on_its_own(two_packs: Registry) -> None:
    """When the pack deferred to is not run, the deferring rule reports by itself."""
    report = rk.check(_asked(), as_of=AS_OF, registry=two_packs, packs=["deferring"])
    assert [(f.code, f.subjects) for f in report.findings] == [("DEF101", ("S1",))]


def test_deferral_to_a_pack_never_registered_is_inert() -> None:
    """A deferral to a pack that is not registered is accepted and changes nothing."""
    deferring = _pack("deferring", "DEF")
    _rule(deferring, "DEF101", defers_to=("CP123",))
    registry = Registry()
    registry.register(deferring, default=True)
    registry.register(WAIVERS)
    report = rk.check(_asked(), as_of=AS_OF, registry=registry)
    assert [f.code for f in report.findings] == ["DEF101"]


def test_admit_follows_a_cross_pack_deferral(two_packs: Registry) -> None:
    """admit agrees with check across packs: both run, the deferred-to rule refuses."""
    decision = rk.admit(_asked().remove("S1"), _ask(), as_of=AS_OF, registry=two_packs)
    assert [f.code for f in decision.findings] == ["TGT101"]


def test_admit_with_the_pack_deferred_to_not_run(two_packs: Registry) -> None:
    """admit of the deferring pack alone reports as check does (the rule judges on its own)."""
    decision = rk.admit(
        _asked().remove("S1"), _ask(), as_of=AS_OF, registry=two_packs, packs=["deferring"]
    )
    assert decision.rule_errors == {}
    assert [f.code for f in decision.findings] == ["DEF101"]


# ---- entry points ----------------------------------------------------------------------------

PLUGINS = """
from reliefkit.models import DateRange
from reliefkit.rules import Citation, Pack, Severity
from reliefkit.rules.scopes import SOLICITATIONS


def _pack(name, prefix):
    pack = Pack(name=name, prefix=prefix, title="t", title_zh="t", source="s",
                in_force=DateRange("2014-01-01"))

    @pack.rule(code=prefix + "101", name=name + "-rule", severity=Severity.INFO,
               cites=[Citation("s", "§1")], title="t", title_zh="t", remedy="r",
               remedy_zh="r", reads=["solicitations"], scope=SOLICITATIONS)
    def judge(ctx, sol):
        'What it checks:\\nnothing.'
        yield from ()

    return pack


PLAIN = _pack("plain", "PLA")


def by_default():
    return _pack("by-default", "BYD"), True


def not_a_pack():
    return 42


TAKEN = _pack("taken", "CP")

NUMBER = 42
"""


@pytest.fixture
def installed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[list[metadata.EntryPoint]]:
    """A distribution `fake-packs 1.0` on sys.path whose entry points name a pack, a
    callable, a broken module, something that is not a pack, and a pack with a taken prefix."""
    site = tmp_path / "site"
    info = site / "fake_packs-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: fake-packs\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(
        "[reliefkit.packs]\n"
        "plain = fake_packs_module:PLAIN\n"
        "by-default = fake_packs_module:by_default\n"
        "broken = fake_packs_missing:PACK\n"
        "odd = fake_packs_module:not_a_pack\n"
        "taken = fake_packs_module:TAKEN\n"
        "number = fake_packs_module:NUMBER\n"
    )
    (site / "fake_packs_module.py").write_text(PLUGINS)
    monkeypatch.syspath_prepend(str(site))
    found = [
        ep
        for dist in metadata.distributions(path=[str(site)])
        for ep in dist.entry_points
        if ep.group == "reliefkit.packs"
    ]
    yield found
    sys.modules.pop("fake_packs_module", None)


def test_entry_points_register_packs_and_warn_for_broken_ones(
    installed: list[metadata.EntryPoint],
) -> None:
    """A pack or a callable returning one (or (pack, default)) registers; each entry point
    that fails gives a PackLoadWarning naming its distribution, entry point and reason."""
    registry = builtin_registry()
    with pytest.warns(PackLoadWarning) as caught:
        loaded = load_entry_points(registry, entry_points=installed)
    assert [p.name for p in loaded] == ["by-default", "plain"]
    assert registry.default_packs == ("county-plan", "by-default")
    messages = sorted(str(w.message) for w in caught)
    assert len(messages) == 4
    assert all("distribution fake-packs 1.0" in m for m in messages)
    broken, number, odd, taken = messages
    assert "'broken' (fake_packs_missing:PACK)" in broken and "ModuleNotFoundError" in broken
    assert "'number'" in number and "it names an int, not a Pack" in number
    assert "'odd'" in odd and "returned int, not a Pack" in odd
    assert "'taken'" in taken and "prefix 'CP' is taken by pack 'county-plan'" in taken


def test_import_reliefkit_loads_no_entry_point() -> None:
    """`import reliefkit` builds no registry; the first check or CLI command does."""
    code = (
        "import reliefkit, sys\n"
        "from reliefkit.rules import _registry\n"
        "assert _registry._DEFAULT is None\n"
        "assert 'fake_packs_module' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


# ---- new-pack --------------------------------------------------------------------------------


def test_new_pack_scaffolds_a_project_that_passes_its_scenarios(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`reliefkit new-pack` writes an installable project: pyproject with the entry point, a
    rule module named by code and name with its doc sections, recipes, scenarios that pass,
    tests; its Python passes ruff."""
    folder = tmp_path / "kit"
    assert main(["new-pack", "kit-sample", "--dir", str(folder)]) == 0
    assert "prefix KS" in capsys.readouterr().out
    package = folder / "src" / "reliefkit_pack_kit_sample"
    module = package / "ks101_solicitation_on_a_rest_day.py"
    assert module.is_file() and (package / "_pack.py").is_file()
    pyproject = (folder / "pyproject.toml").read_text(encoding="utf-8")
    assert '[project.entry-points."reliefkit.packs"]' in pyproject
    assert 'kit-sample = "reliefkit_pack_kit_sample:PACK"' in pyproject
    assert (folder / "tests" / "test_reliefkit_pack_kit_sample.py").is_file()
    monkeypatch.syspath_prepend(str(folder / "src"))
    try:
        pack = importlib.import_module("reliefkit_pack_kit_sample").PACK
        rule = pack.rules["KS101"]
        assert set(rule.doc) == set(SECTIONS)
        assert rule.recipes and rule.title_zh and rule.params == ("rest_day",)
        registry = builtin_registry()
        registry.register(pack)
        results = run_scenarios(folder / "scenarios", registry=registry)
        assert [r.passed for r in results] == [True, True], [str(r) for r in results]
        # Its rule has a statement: DuckDB gives the object engine's report (which the
        # scenarios above hold to their expected findings).
        assert pack.rules["KS101"].sql
        for scenario in sorted((folder / "scenarios").iterdir()):
            data = rk.load(scenario / "data")
            options: dict[str, Any] = {"as_of": "2015-12-31", "registry": registry}
            objects = rk.check(data, packs=["kit-sample"], **options)
            columnar = rk.check(data, packs=["kit-sample"], engine="duckdb", **options)
            assert columnar.to_dict() == objects.to_dict(), scenario.name
    finally:
        for name in [m for m in sys.modules if m.startswith("reliefkit_pack_kit_sample")]:
            del sys.modules[name]
    ruff = Path(sys.executable).parent / "ruff"
    if ruff.exists():
        for args in (["check", "."], ["format", "--check", "."]):
            done = subprocess.run([str(ruff), *args], cwd=folder, capture_output=True, text=True)
            assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["new-pack", "My County"], "lower-case words joined by '-'"),
        (["new-pack", "mine", "--prefix", "cp"], "--prefix cp: expected 2-4 capitals"),
        (["new-pack", "mine", "--prefix", "CPX"], "overlaps prefix CP of pack county-plan"),
        (["new-pack", "county-plan"], "a pack of this name is installed"),
    ],
)
def test_new_pack_refuses_bad_names_and_prefixes(
    args: list[str], says: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A name or prefix the registry would refuse is exit 2 before anything is written."""
    assert main([*args, "--dir", str(tmp_path / "p")]) == 2
    assert says in capsys.readouterr().err
    assert not (tmp_path / "p").exists()


def test_new_pack_refuses_a_folder_that_is_not_empty(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """new-pack never writes into a folder that holds something."""
    (tmp_path / "keep.txt").write_text("mine")
    assert main(["new-pack", "mine", "--dir", str(tmp_path)]) == 2
    assert "not empty" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]


# ---- the sample external pack, installed -------------------------------------------------------

BROKEN_PLUGIN = "[reliefkit.packs]\nbroken = reliefkit_pack_that_is_missing:PACK\n"


@pytest.fixture(scope="module")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """examples/county-pack installed with pip into a folder of its own, beside a broken
    plugin (a distribution whose entry point names a missing module)."""
    site = tmp_path_factory.mktemp("site")
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(site)]
    if importlib.util.find_spec("hatchling") is not None:
        pip.append("--no-build-isolation")
    done = subprocess.run(
        [*pip, str(ROOT / "examples" / "county-pack")], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr
    info = site / "broken_plugin-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: broken-plugin\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(BROKEN_PLUGIN)
    return site


def _cli(site: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    path = os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")])
    return subprocess.run(
        [sys.executable, "-m", "reliefkit", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": path, "COLUMNS": "100", **env},
    )


@pytest.mark.slow
def test_installed_example_pack_is_listed_run_and_tested(example_site: Path) -> None:
    """The sample pack, pip-installed, is found through its entry point: listed by `rules`,
    explained by `rule`, run by `check --pack`, and its scenarios pass under `reliefkit test`;
    the broken plugin beside it is one warning on stderr, never a failure."""
    rules = _cli(example_site, "rules")
    assert rules.returncode == 0, rules.stderr
    assert "XCP101" in rules.stdout and "XCP102" in rules.stdout
    assert "example-county" in rules.stdout
    assert "distribution broken-plugin 0.1" in rules.stderr
    assert "reliefkit_pack_that_is_missing" in rules.stderr

    rule = _cli(example_site, "rule", "XCP101")
    assert "rest_day" in rule.stdout and "example-county §1" in rule.stdout

    check = _cli(
        example_site,
        *("check", "examples/county-2015", "--as-of", AS_OF, "--format", "json"),
        *("--pack", "county-plan", "--pack", "example-county", "--select", "XCP"),
    )
    assert check.returncode == 0, check.stderr
    assert '"code": "XCP101"' in check.stdout

    tested = _cli(example_site, "test", "examples/county-pack/scenarios")
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert "4 scenarios: 4 passed" in tested.stdout

    alone = _cli(example_site, "rules", "--pack", "example-county", RELIEFKIT_NO_PLUGINS="1")
    assert alone.returncode == 2 and "example-county" in alone.stderr
    assert "broken-plugin" not in alone.stderr


def test_example_pack_scenarios_pass_without_installing() -> None:
    """The sample pack's own scenarios pass with the pack registered from its source."""
    sys.path.insert(0, str(ROOT / "examples" / "county-pack" / "src"))
    try:
        pack = importlib.import_module("reliefkit_pack_example_county").PACK
        registry = builtin_registry()
        registry.register(pack)
        results = run_scenarios(ROOT / "examples" / "county-pack" / "scenarios", registry=registry)
        assert len(results) == 4 and all(r.passed for r in results), [str(r) for r in results]
    finally:
        sys.path.remove(str(ROOT / "examples" / "county-pack" / "src"))
        for name in [m for m in sys.modules if m.startswith("reliefkit_pack_example_county")]:
            del sys.modules[name]


def test_the_plugin_opt_out_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """RELIEFKIT_NO_PLUGINS=1 (or true/yes) turns installed packs off; unset or 0 leaves them."""
    from reliefkit.rules._registry import plugins_disabled

    for value, disabled in (("1", True), ("yes", True), ("TRUE", True), ("0", False), ("", False)):
        monkeypatch.setenv("RELIEFKIT_NO_PLUGINS", value)
        assert plugins_disabled() is disabled, value
    monkeypatch.delenv("RELIEFKIT_NO_PLUGINS")
    assert not plugins_disabled()


# ---- declarations, later rules, taken prefixes -------------------------------------------------


def _declare(pack: Pack, **changes: Any) -> None:
    """Declare a rule of ``pack`` as the kit's users do, with ``changes`` to the declaration."""
    declaration: dict[str, Any] = {
        "code": f"{pack.prefix}101",
        "name": "my-rule",
        "severity": Severity.WARNING,
        "cites": [Citation("tests", "§1", "a clause")],
        "title": "A test rule",
        "title_zh": "测试规则",
        "remedy": "Fix it.",
        "remedy_zh": "改正。",
        "reads": ["solicitations"],
        "scope": SOLICITATIONS,
    }
    judge = changes.pop("judge", _every)
    pack.rule(**{**declaration, **changes})(judge)


def _undocumented(ctx: Context, sol: Solicitation) -> Iterator[Violation]:
    yield from ()


@pytest.mark.parametrize(
    ("changes", "says"),
    [
        ({"cites": []}, "MYC101: cites no clause"),
        ({"code": "MCY101"}, "MCY101: not a code of prefix 'MYC' (expected MYC and three digits"),
        ({"code": "MYC1011"}, "MYC1011: not a code of prefix 'MYC'"),
        (
            {"params": ["rest_dya"]},
            "MYC101: reads parameter 'rest_dya', which the pack does not declare (did you mean "
            "rest_day?)",
        ),
        (
            {"name": "Rest Day"},
            "MYC101: name='Rest Day': expected lower-case words joined by '-' (did you mean "
            "'rest-day'?)",
        ),
        ({"remedy_zh": " "}, "MYC101: remedy_zh is empty"),
        ({"judge": _undocumented}, "the judge _undocumented() has no docstring section 'What"),
        ({"reads": ["audits"]}, "MYC101: reads ['audits'] but scope 'solicitations'"),
    ],
)
def test_a_malformed_declaration_is_a_registration_error(
    changes: dict[str, Any], says: str
) -> None:
    """@PACK.rule refuses a malformed rule where it is declared, with the documented
    RegistrationError (a ValueError) naming the pack, and a did-you-mean where one is near;
    the pack keeps no part of it."""
    pack = _pack("my-county", "MYC")
    pack.parameter("rest_day", 7, source=Citation("tests", "§1"), doc="The rest day.")
    with pytest.raises(RegistrationError) as refused:
        _declare(pack, **changes)
    assert isinstance(refused.value, ValueError) and refused.value.pack == "my-county"
    assert str(refused.value).startswith("pack 'my-county': ")
    assert says in str(refused.value)
    assert pack.rules == {}


def test_a_declaration_lists_every_problem() -> None:
    """Several problems of one declaration are refused together, one line each."""
    pack = _pack("my-county", "MYC")
    with pytest.raises(RegistrationError) as refused:
        _declare(pack, code="XX101", cites=[], judge=_undocumented)
    assert len(refused.value.problems) == 3


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("My County", "name='My County': expected lower-case words joined by '-', like "),
        ("my_county", "(did you mean 'my-county'?)"),
        ("", "name='': expected lower-case words"),
    ],
)
def test_a_pack_name_is_lower_case_words_joined_by_dashes(name: str, says: str) -> None:
    """Pack(name=...) refuses a name that is not lower-case words joined by '-', with the
    name it could be."""
    with pytest.raises(RegistrationError, match=r"expected lower-case") as refused:
        _pack(name, "MYC")
    assert says in str(refused.value)
    if name == "My County":
        assert "(did you mean 'my-county'?)" in str(refused.value)


def test_every_built_in_pack_is_well_formed() -> None:
    """The built-in packs and the example pack pass the checks a declaration now gets."""
    registry = builtin_registry()
    for pack in registry.packs():
        assert registry.problems(pack) == [], pack.name


def test_a_rule_declared_after_registration_is_checked_by_the_registry() -> None:
    """A rule added to a registered pack gets every check registration gives: one whose name
    another pack's rule has is refused (and the registry's look-up stays unambiguous), as is
    a deferral to a rule that does not exist; a good one is accepted and seen."""
    registry = builtin_registry()
    late = _pack("late", "LT")
    registry.register(late)
    with pytest.raises(RegistrationError) as refused:
        _declare(late, code="LT101", name="cross-township-solicitation")
    assert (
        "pack 'late': LT101: name 'cross-township-solicitation' is taken by CP101 of pack "
        "'county-plan'" in str(refused.value)
    )
    assert late.rules == {}
    assert registry.rule("cross-township-solicitation").code == "CP101"
    with pytest.raises(RegistrationError, match=r"defers to CP132, not a rule of pack"):
        _declare(late, code="LT102", defers_to=["CP132"])
    _declare(late, code="LT103", name="late-rule", defers_to=["CP101"])
    assert registry.rule("late-rule").code == "LT103"
    assert [r.code for r in late] == ["LT103"]


def test_a_pack_in_two_registries_is_checked_by_both() -> None:
    """A pack registered in a registry of its own and in one with the county plan: a rule
    whose name the county plan uses is refused, though the first registry would take it."""
    alone, shared = Registry(), builtin_registry()
    pack = _pack("late", "LT")
    alone.register(pack)
    shared.register(pack)
    with pytest.raises(RegistrationError, match="is taken by CP101"):
        _declare(pack, name="cross-township-solicitation")
    assert pack.rules == {}


def test_a_taken_prefix_is_reported_alone() -> None:
    """A pack whose prefix is taken is refused for that (and its own problems), never for
    the deferrals other packs make to the pack that owns the prefix."""
    dupe = _pack("dupe", "CP")
    _rule(dupe, "CP901")
    with pytest.raises(RegistrationError) as refused:
        builtin_registry().register(dupe)
    assert refused.value.problems == ("prefix 'CP' is taken by pack 'county-plan'",)
    again = _pack("again", "CP")
    _rule(again, "CP902", name="cross-township-solicitation", defers_to=("CP990",))
    with pytest.raises(RegistrationError) as refused:
        builtin_registry().register(again)
    text = str(refused.value)
    assert "prefix 'CP' is taken" in text and "name 'cross-township-solicitation'" in text
    assert "CP902 defers to CP990, not a rule of its pack" in text
    assert "PW201" not in text and "of pack 'donations-law'" not in text


def test_the_reference_of_a_third_party_pack(capsys: pytest.CaptureFixture[str]) -> None:
    """rules_markdown(registry, packs) generates the reference of any pack, with the sections
    of docs/rules.md; by default it is docs/rules.md."""
    from reliefkit.rules._docs import rules_markdown

    registry = builtin_registry()
    pack = _pack("demo", "DEMO")
    pack.parameter("limit", 3, source=Citation("tests", "§2"), doc="A limit.", confidence="R")
    _rule(pack, "DEMO101")
    registry.register(pack)
    page = rules_markdown(registry, ["demo"])
    assert "## Pack `demo` (DEMO) — A test pack" in page and "### DEMO101" in page
    assert "| `limit` | `3` (from 2014-01-01) | tests §2 [R] | A limit. |" in page
    assert "**What it checks.** Every solicitation is reported." in page
    assert "CP101" not in page
    assert rules_markdown() == (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")


def test_violating_a_rule_without_recipe_says_how_to_add_one() -> None:
    """violating(code) of a rule with no recipe says to register one with @PACK.breaks."""
    pytest.importorskip("hypothesis")
    from reliefkit.exceptions import CannotViolateError
    from reliefkit.testing import violating

    registry = builtin_registry()
    pack = _pack("demo", "DEMO")
    _rule(pack, "DEMO101")
    registry.register(pack)
    with pytest.raises(
        CannotViolateError, match=r'register one .* with @PACK\.breaks\("DEMO101"\)'
    ):
        violating("DEMO101", registry=registry)


def test_two_installed_packs_with_one_prefix_name_both_distributions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two installed packs of one prefix: the warning names the distribution of the pack
    skipped and of the pack that has the prefix, on one line with its problems joined by
    '; '."""
    site = tmp_path / "site"
    for dist, name, version in (("alpha", "alpha-pack", "1.0"), ("beta", "beta-pack", "2.0")):
        info = site / f"{dist}-{version}.dist-info"
        info.mkdir(parents=True)
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n")
        (info / "entry_points.txt").write_text(
            f"[reliefkit.packs]\n{name} = two_packs_module:{dist.upper()}\n"
        )
    (site / "two_packs_module.py").write_text(
        PLUGINS
        + 'ALPHA = _pack("alpha-pack", "ZZ")\n'
        + 'BETA = _pack("beta-pack", "ZZ")\n'
        + 'BETA.rules["ZZ101"] = __import__("attrs").evolve(\n'
        + '    BETA.rules["ZZ101"], name="cross-township-solicitation")\n'
    )
    monkeypatch.syspath_prepend(str(site))
    found = [
        ep
        for dist in metadata.distributions(path=[str(site)])
        for ep in dist.entry_points
        if ep.group == "reliefkit.packs"
    ]
    registry = builtin_registry()
    try:
        with pytest.warns(PackLoadWarning) as caught:
            loaded = load_entry_points(registry, entry_points=found)
    finally:
        sys.modules.pop("two_packs_module", None)
    assert [p.name for p in loaded] == ["alpha-pack"]
    (message,) = [str(w.message) for w in caught]
    assert "distribution beta 2.0" in message
    assert "prefix 'ZZ' is taken by pack 'alpha-pack' (distribution alpha 1.0)" in message
    assert "\n" not in message
    refusal = message.split("pack 'beta-pack' refused: ")[1]
    assert sorted(refusal.split("; ")) == [
        "ZZ101: name 'cross-township-solicitation' is taken by CP101 of pack 'county-plan'",
        "prefix 'ZZ' is taken by pack 'alpha-pack' (distribution alpha 1.0)",
    ]


def test_new_pack_titles_are_placeholders_in_both_languages(tmp_path: Path) -> None:
    """A new pack's titles read as titles (`My county plan`), its Chinese title is a Chinese
    placeholder marked TODO, and its README links no page that may not exist."""
    from reliefkit._scaffold import files, project

    made = project("my-county", "MYC")
    assert made.title == "My county plan"
    assert made.title_zh == "（县名）扶贫日工作方案"
    written = files(made)
    pack = written["src/reliefkit_pack_my_county/_pack.py"]
    assert 'title_zh="（县名）扶贫日工作方案"' in pack and "# TODO: replace the titles" in pack
    assert "The my county" not in "".join(written.values())
    assert "pypi.org" not in written["README.md"]


# ---- the SQL kit -----------------------------------------------------------------------------
@settings(max_examples=30, deadline=None)
@given(st.lists(st.dates(datetime.date(1900, 3, 1), datetime.date(2199, 12, 31)), min_size=1))
def test_iso_weekday_in_sql_is_pythons(days: list[datetime.date]) -> None:
    """`iso_weekday` written into DuckDB SQL gives each date's ISO weekday as Python counts it
    (Spark runs the same expression in tests/test_spark.py)."""
    duckdb = pytest.importorskip("duckdb")
    values = ", ".join(f"(DATE '{day.isoformat()}')" for day in days)
    rows = duckdb.sql(f"SELECT {iso_weekday('d')} FROM (VALUES {values}) AS v(d)").fetchall()
    assert [row[0] for row in rows] == [day.isoweekday() for day in days]
