"""Scenarios as data: every pack's scenario folders pass, and the runner says what differs."""

from __future__ import annotations

import importlib.util
import sys
import tomllib
from decimal import Decimal
from pathlib import Path

import attrs
import pytest

import reliefkit as rk
from reliefkit.exceptions import ScenarioError
from reliefkit.models import Campaign, Dataset, Department, Money, Person, Township, WorkPlan
from reliefkit.rules import default_registry
from reliefkit.scenarios import (
    ScenarioSpec,
    Status,
    expected_toml,
    explain,
    find_scenarios,
    load_scenario,
    run_scenario,
    run_scenarios,
    scenarios_main,
    scenarios_of,
    stale_scenarios,
    summary,
    write_scenarios,
)

ROOT = Path(__file__).resolve().parents[1]
VALID = "11010519491231002X"


def _every_pack_with_scenarios() -> list[tuple[str, Path]]:
    found = []
    for pack in default_registry().packs():
        folder = scenarios_of(pack)
        if folder is not None:
            found.append((pack.name, folder))
    return found


PACK_SCENARIOS = _every_pack_with_scenarios()


# ---- the packs' own scenarios ----------------------------------------------------------------


@pytest.mark.parametrize(("pack", "folder"), PACK_SCENARIOS, ids=[p for p, _ in PACK_SCENARIOS])
def test_pack_scenarios_pass(pack: str, folder: Path) -> None:
    """Every scenario a pack ships (package data, beside its rule modules) passes, run by the
    runner of `reliefkit test`."""
    results = run_scenarios(folder)
    assert results
    assert all(r.passed for r in results), "\n".join(str(r) for r in results if not r.passed)


@pytest.mark.parametrize("pack", ["county-plan", "waivers"])
def test_every_built_in_code_has_a_scenario(pack: str) -> None:
    """Each code of a built-in pack has a scenario folder named `<code>-<name>` whose
    expected findings include one of that code."""
    found = default_registry().pack(pack)
    folder = scenarios_of(found)
    assert folder is not None
    for rule in found:
        scenario = load_scenario(folder / f"{rule.code.lower()}-{rule.name}")
        assert rule.code in {f.code for f in scenario.expected.findings}, rule.code


def test_scenario_data_is_small() -> None:
    """A scenario is a minimal campaign: a few KB of data, not a county."""
    for _, folder in PACK_SCENARIOS:
        for scenario in find_scenarios(folder):
            size = sum(p.stat().st_size for p in scenario.rglob("*") if p.is_file())
            assert size < 8_000, scenario


def test_scenarios_are_current() -> None:
    """The committed scenario folders are what scripts/make_scenarios.py writes."""
    spec = importlib.util.spec_from_file_location(
        "make_scenarios", ROOT / "scripts" / "make_scenarios.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_scenarios"] = module
    try:
        spec.loader.exec_module(module)
        assert module.main(["--check"]) == 0, "run scripts/make_scenarios.py"
    finally:
        del sys.modules["make_scenarios"]


# ---- the runner ------------------------------------------------------------------------------


def _campaign() -> Dataset:
    """One township with no work plan and no ceremony (CP104 and CP106 on T1), and no leader
    visit (CP108 on the campaign)."""
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
        ]
    )


def _scenario(tmp_path: Path, expected: str, data: Dataset | None = None, name: str = "s") -> Path:
    folder = tmp_path / name
    folder.mkdir(parents=True)
    rk.dump(data or _campaign(), folder / "data")
    (folder / "expected.toml").write_text(expected, encoding="utf-8")
    return folder


BOTH = """\
as_of = 2015-12-31

[[finding]]
code = "CP104"
subjects = ["T1"]

[[finding]]
code = "CP106"
subjects = ["T1"]

[[finding]]
code = "CP108"
subjects = ["C1"]
"""


def test_a_scenario_passes_when_exactly_the_expected_findings_appear(tmp_path: Path) -> None:
    """Every expected finding appears and nothing else: pass."""
    result = run_scenario(_scenario(tmp_path, BOTH))
    assert result.status is Status.PASS and result.passed
    assert {f.code for f in result.found} == {"CP104", "CP106", "CP108"}
    assert str(result) == "PASS  s"


def test_a_missing_finding_fails_naming_code_and_subjects(tmp_path: Path) -> None:
    """An expected finding that does not appear fails, shown by code and subjects."""
    expected = BOTH + '\n[[finding]]\ncode = "CP106"\nsubjects = ["T2"]\n'
    result = run_scenario(_scenario(tmp_path, expected))
    assert result.status is Status.FAIL
    assert [(f.code, f.subjects) for f in result.missing] == [("CP106", ("T2",))]
    assert "missing:    CP106 T2" in str(result)


def test_an_unexpected_finding_fails_with_its_message(tmp_path: Path) -> None:
    """A finding nobody expected fails the scenario; subjects in another order are another
    finding."""
    expected = 'as_of = 2015-12-31\n[[finding]]\ncode = "CP104"\nsubjects = ["T1"]\n'
    result = run_scenario(_scenario(tmp_path, expected))
    assert result.status is Status.FAIL
    assert [(f.code, f.subjects) for f in result.unexpected] == [
        ("CP106", ("T1",)),
        ("CP108", ("C1",)),
    ]
    assert "unexpected: CP108 C1: Campaign C1" in str(result)


def test_tolerated_codes_may_appear(tmp_path: Path) -> None:
    """Findings of a tolerated code are allowed, and counted apart."""
    expected = (
        'as_of = 2015-12-31\ntolerate = ["CP106", "CP108"]\n'
        '[[finding]]\ncode = "CP104"\nsubjects = ["T1"]\n'
    )
    result = run_scenario(_scenario(tmp_path, expected))
    assert result.passed
    assert [f.code for f in result.tolerated] == ["CP106", "CP108"]


def test_params_and_packs_apply(tmp_path: Path) -> None:
    """`packs` chooses the packs run and `[params]` overrides parameters, as in check."""
    data = _campaign().add(
        Person(id="P1", unit_id="T1", role="township_main_leader"),
        Department(id="D1", name="x", sector="leading_group"),
    )
    data = data.replace(Township(id="T1", name="镇", kind="town", main_leader_id="P1"))
    data = data.add(WorkPlan(township_id="T1", responsible_person_id="P1", tasks=1))
    expected = (
        'as_of = 2015-10-20\npacks = ["county-plan"]\n[params]\nvisit_window = ["10-10", "10-12"]'
        '\n\n[[finding]]\ncode = "CP108"\nsubjects = ["C1"]\n'
        '[[finding]]\ncode = "CP106"\nsubjects = ["T1"]\n'
    )
    result = run_scenario(_scenario(tmp_path, expected, data))
    assert result.passed, str(result)


def test_personal_data_is_masked_in_the_difference(tmp_path: Path) -> None:
    """What the runner prints passes the personal-data boundary: an ID shape in a subject or
    message is masked."""
    expected = f'as_of = 2015-12-31\n[[finding]]\ncode = "CP104"\nsubjects = ["{VALID[:-1]}1"]\n'
    result = run_scenario(_scenario(tmp_path, expected))
    shown = str(result)
    assert result.status is Status.FAIL
    assert VALID[:-1] not in shown and "1101************" in shown


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("as_of = 2015-12-31\nas_off = 1\n", r"unknown key 'as_off' \(did you mean 'as_of'\?\)"),
        ("tolerate = []\n", "key 'as_of' is missing"),
        ("as_of = 2015-13-01\n", "not valid TOML"),
        ('as_of = "2015-02-30"\n', "key 'as_of': '2015-02-30' is not a date"),
        ("as_of = 2015-12-31T10:00:00\n", "key 'as_of': expected a date"),
        ('as_of = 2015-12-31\npacks = "county-plan"\n', "key 'packs': expected a list"),
        ('as_of = 2015-12-31\ntolerate = ["cp108"]\n', "'cp108' is not a rule code"),
        ("as_of = 2015-12-31\nparams = 3\n", "key 'params': expected a table"),
        ('as_of = 2015-12-31\n[[finding]]\ncode = "CP104"\n', r"\[\[finding\]\] 1: key 'subjects'"),
        (
            'as_of = 2015-12-31\n[[finding]]\ncode = "CP104"\nsubjects = "T1"\n',
            r"\[\[finding\]\] 1, key 'subjects': expected a list of strings",
        ),
        (
            'as_of = 2015-12-31\n[[finding]]\ncode = "CP104"\nsubject = ["T1"]\n',
            r"unknown key 'subject' \(did you mean 'subjects'\?\)",
        ),
        (
            'as_of = 2015-12-31\n[[finding]]\ncode = "CP1O4"\nsubjects = ["T1"]\n',
            "'CP1O4' is not a rule code",
        ),
    ],
)
def test_a_bad_expected_toml_names_the_file_and_key(tmp_path: Path, text: str, says: str) -> None:
    """A malformed expected.toml is an error naming the file and the key, never a pass."""
    folder = _scenario(tmp_path, text)
    with pytest.raises(ScenarioError, match=says) as raised:
        load_scenario(folder)
    assert str(folder / "expected.toml") in str(raised.value)
    result = run_scenario(folder)
    assert result.status is Status.ERROR and not result.passed


def test_an_unknown_code_or_pack_cannot_run(tmp_path: Path) -> None:
    """A code no rule has (with the nearest), or an unknown pack, makes the scenario an error."""
    unknown = _scenario(
        tmp_path, 'as_of = 2015-12-31\n[[finding]]\ncode = "CP194"\nsubjects = ["T1"]\n', name="a"
    )
    assert "no rule has code 'CP194' (did you mean CP124?)" in (run_scenario(unknown).error or "")
    pack = _scenario(tmp_path, 'as_of = 2015-12-31\npacks = ["county-plna"]\n', name="b")
    assert "county-plna" in (run_scenario(pack).error or "")


def test_data_that_does_not_load_is_an_error(tmp_path: Path) -> None:
    """Data the loader refuses makes the scenario an error that names the file."""
    folder = _scenario(tmp_path, BOTH)
    (folder / "data" / "townships.csv").write_text("id,name,kind\nT1,镇,city\n", encoding="utf-8")
    result = run_scenario(folder)
    assert result.status is Status.ERROR
    assert "townships.csv" in (result.error or "")


def test_data_json_is_a_campaign_too(tmp_path: Path) -> None:
    """A scenario's campaign may be one data.json instead of data/."""
    folder = tmp_path / "j"
    folder.mkdir()
    rk.dump(_campaign(), folder / "data.json")
    (folder / "expected.toml").write_text(BOTH, encoding="utf-8")
    assert run_scenario(folder).passed


def test_folders_are_found_sorted_and_named_by_their_path(tmp_path: Path) -> None:
    """run_scenarios runs every scenario under a folder (sorted, nested too), named by its
    path; a folder with none is an error."""
    _scenario(tmp_path / "root", BOTH, name="b")
    _scenario(tmp_path / "root" / "group", BOTH, name="a")
    results = run_scenarios(tmp_path / "root")
    assert [r.name for r in results] == ["b", "group/a"]
    assert summary(results) == "2 scenarios: 2 passed"
    with pytest.raises(ScenarioError, match="no scenario found"):
        run_scenarios(tmp_path / "root" / "b" / "data")
    with pytest.raises(ScenarioError, match="no such folder"):
        run_scenarios(tmp_path / "nowhere")


def test_a_failing_result_reads_as_a_difference(tmp_path: Path) -> None:
    """explain() starts with the status and name, then one line per difference."""
    expected = 'as_of = 2015-12-31\n[[finding]]\ncode = "CP107"\nsubjects = ["T1"]\n'
    lines = explain(run_scenario(_scenario(tmp_path, expected))).splitlines()
    assert lines[0] == "FAIL  s"
    assert [line.split(":")[0].strip() for line in lines[1:]] == [
        "missing",
        "unexpected",
        "unexpected",
        "unexpected",
    ]


# ---- what a scenario names that is not there ---------------------------------------------------


def test_an_unknown_pack_names_the_file_the_nearest_and_whether_it_is_installed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`packs` naming no pack says which file, the nearest name, and asks whether the pack is
    installed when none is near or installed packs are left out."""
    typo = _scenario(tmp_path, 'as_of = 2015-12-31\npacks = ["county-plna"]\n', name="a")
    error = run_scenario(typo).error or ""
    assert str(typo / "expected.toml") in error and "key 'packs'" in error
    assert "no such pack (did you mean county-plan?)" in error
    monkeypatch.setenv("RELIEFKIT_NO_PLUGINS", "1")
    gone = _scenario(tmp_path, 'as_of = 2015-12-31\npacks = ["my-county"]\n', name="b")
    error = run_scenario(gone).error or ""
    assert str(gone / "expected.toml") in error
    assert "is the pack installed? (RELIEFKIT_NO_PLUGINS is set)" in error


def test_a_code_of_a_pack_nobody_has_asks_whether_it_is_installed(tmp_path: Path) -> None:
    """A finding whose prefix no pack has says so (not the nearest code of another pack)."""
    text = 'as_of = 2015-12-31\n[[finding]]\ncode = "MC101"\nsubjects = ["S1"]\n'
    error = run_scenario(_scenario(tmp_path, text)).error or ""
    assert "[[finding]] 1: no pack has prefix 'MC'; is the pack installed?" in error
    assert "CP101" not in error


def test_a_finding_of_a_pack_not_run_says_to_run_it(tmp_path: Path) -> None:
    """A finding of a rule whose pack the scenario does not run could never appear: an
    error saying which pack to add to `packs`."""
    text = 'as_of = 2015-12-31\n[[finding]]\ncode = "PW201"\nsubjects = ["S1"]\n'
    error = run_scenario(_scenario(tmp_path, text)).error or ""
    assert "[[finding]] 1: PW201 is a rule of pack 'donations-law', which the scenario" in error
    assert 'packs = ["county-plan", "donations-law"]' in error


def test_a_misspelt_parameter_names_the_file_and_the_nearest(tmp_path: Path) -> None:
    """A `[params]` name no pack run has is an error naming the file, with the nearest name;
    a value the pack refuses names the file too."""
    folder = _scenario(tmp_path, 'as_of = 2015-12-31\n[params]\nvisit_windw = ["10-10", "10-12"]\n')
    error = run_scenario(folder).error or ""
    assert str(folder / "expected.toml") in error and "[params]" in error
    assert "no parameter 'visit_windw' in the packs run (did you mean visit_window?)" in error
    bad = _scenario(tmp_path, 'as_of = 2015-12-31\n[params]\npoverty_day = "13-45"\n', name="b")
    error = run_scenario(bad).error or ""
    assert str(bad / "expected.toml") in error and "[params], key 'poverty_day': " in error
    odd = _scenario(
        tmp_path, 'as_of = 2015-12-31\n[params]\nceremony_deadline_inclusive = "maybe"\n', name="c"
    )
    error = run_scenario(odd).error or ""
    assert "[params], key 'ceremony_deadline_inclusive': expected true or false" in error


def test_params_are_read_by_the_parameters_types(tmp_path: Path) -> None:
    """A TOML number for a Decimal or Money parameter, a string for an int, a table for a
    mapping: read by the parameter's type, as `--param` reads text."""
    text = (
        'as_of = 2015-12-31\npacks = ["county-plan", "donations-law", "targeted-poverty"]\n'
        'tolerate = ["CP104", "CP106", "CP108", "TP404", "TP408"]\n'
        "[params]\nadmin_cap_public_charity = 0.13\nadmin_cap_exempt_below = 200000\n"
        'construction_report_days = "30"\npoverty_line = { 2015 = "2900.50", 2013 = 2736 }\n'
    )
    result = run_scenario(_scenario(tmp_path, text))
    assert result.error is None, result.error
    assert not result.unexpected, str(result)


# ---- the writer ------------------------------------------------------------------------------


def _spec(folder: str = "cp104-and-cp106", **changes: object) -> ScenarioSpec:
    """The campaign of `_campaign` as records: CP104 and CP106 on T1 expected, CP108
    tolerated, the county plan named."""
    spec = ScenarioSpec(
        folder,
        "Township T1 has no work plan and no ceremony.",
        list(_campaign().records()),
        [("CP104", ["T1"]), ("CP106", ("T1",))],
        "2015-12-31",
        packs=["county-plan"],
        tolerate=["CP108"],
    )
    return attrs.evolve(spec, **changes) if changes else spec


def test_a_written_spec_passes_the_runner(tmp_path: Path) -> None:
    """A spec written by `write_scenarios` is a scenario the runner passes: data without the
    files of empty tables, and its expected.toml read back as written."""
    specs = [
        _spec(),
        _spec(
            "nested/from-a-dataset",
            data=_campaign(),
            tolerate=(),
            findings=[("CP104", ["T1"]), ("CP106", ["T1"]), ("CP108", ["C1"])],
        ),
    ]
    assert write_scenarios(specs, tmp_path) == 2
    results = run_scenarios(tmp_path)
    assert [r.name for r in results] == ["cp104-and-cp106", "nested/from-a-dataset"]
    assert all(r.passed for r in results), "\n".join(map(str, results))
    assert sorted(p.name for p in (tmp_path / "cp104-and-cp106" / "data").iterdir()) == [
        "campaign.csv",
        "townships.csv",
    ]
    scenario = load_scenario(tmp_path / "cp104-and-cp106")
    assert scenario.expected.packs == ("county-plan",)
    assert scenario.expected.tolerate == {"CP108"}
    assert scenario.expected.description == "Township T1 has no work plan and no ceremony."
    assert (tmp_path / "cp104-and-cp106" / "expected.toml").read_text(encoding="utf-8") == (
        'description = "Township T1 has no work plan and no ceremony."\n'
        "as_of = 2015-12-31\n"
        'packs = ["county-plan"]\n'
        'tolerate = ["CP108"]\n'
        '\n[[finding]]\ncode = "CP104"\nsubjects = ["T1"]\n'
        '\n[[finding]]\ncode = "CP106"\nsubjects = ["T1"]\n'
    )


def test_written_params_are_read_back_by_their_types(tmp_path: Path) -> None:
    """`params` are written as `[params]` in forms the runner reads by the parameter's type:
    a tuple, a Decimal, Money, a mapping of years to amounts."""
    data = _campaign().add(
        Person(id="P1", unit_id="T1", role="township_main_leader"),
        Department(id="D1", name="x", sector="leading_group"),
    )
    data = data.replace(Township(id="T1", name="镇", kind="town", main_leader_id="P1"))
    data = data.add(WorkPlan(township_id="T1", responsible_person_id="P1", tasks=1))
    window = _spec(
        "window",
        data=data,
        as_of="2015-10-20",
        findings=[("CP108", ["C1"]), ("CP106", ["T1"])],
        tolerate=(),
        params={"visit_window": ("10-10", "10-12")},
    )
    typed = _spec(
        "typed",
        packs=("county-plan", "donations-law", "targeted-poverty"),
        findings=(),
        tolerate=("CP104", "CP106", "CP108", "TP404", "TP408"),
        params={
            "admin_cap_public_charity": Decimal("0.13"),
            "admin_cap_exempt_below": Money("200000"),
            "construction_report_days": 30,
            "poverty_line": {2015: Money("2900.50"), 2013: 2736},
        },
    )
    assert '[params]\nvisit_window = ["10-10", "10-12"]\n' in expected_toml(window)
    write_scenarios([window, typed], tmp_path)
    results = run_scenarios(tmp_path)
    assert all(r.passed for r in results), "\n".join(map(str, results))


def test_check_finds_stale_and_missing_folders(tmp_path: Path) -> None:
    """With `check=True` nothing is written and the folders not byte for byte what the specs
    write are counted: a changed or extra file, a changed spec, a missing folder."""
    spec = _spec()
    assert write_scenarios([spec], tmp_path, check=True) == 1  # missing
    assert not (tmp_path / spec.folder).exists()
    write_scenarios([spec], tmp_path)
    assert write_scenarios([spec], tmp_path, check=True) == 0
    expected = tmp_path / spec.folder / "expected.toml"
    expected.write_text(expected.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert stale_scenarios([spec], tmp_path) == [spec.folder]
    write_scenarios([spec], tmp_path)
    (tmp_path / spec.folder / "data" / "villages.csv").write_text("id\n", encoding="utf-8")
    assert write_scenarios([spec], tmp_path, check=True) == 1
    write_scenarios([spec], tmp_path)
    changed = _spec(as_of="2015-12-30")
    assert stale_scenarios([changed, _spec("other")], tmp_path) == [spec.folder, "other"]
    (tmp_path / "unrelated").mkdir()  # a folder no spec names is left alone
    assert write_scenarios([spec], tmp_path, check=True) == 0


def test_scenarios_main_writes_or_checks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A script's `main`: writes and says how many, or with --check names the stale folders
    and returns 1."""
    roots = {tmp_path / "a": [_spec()], tmp_path / "b": [_spec("second")]}
    assert scenarios_main(roots, ["--check"]) == 1
    assert "stale scenarios: cp104-and-cp106, second: run " in capsys.readouterr().out
    assert scenarios_main(roots, []) == 0
    assert capsys.readouterr().out == "wrote 2 scenarios\n"
    assert scenarios_main(roots, ["--check"]) == 0
    assert capsys.readouterr().out == ""


def test_the_toml_escapes_quotes_and_keeps_unicode() -> None:
    """Descriptions, subjects and parameter names with quotes, backslashes, control
    characters and non-ASCII text are written as valid TOML that reads back as given."""
    description = 'T1 "河口镇" asks \\ D2\tfor 5,000 元 \U0001f600 \x7f\nnext line'
    spec = _spec(
        description=description,
        findings=[("CP101", ['S"1', "T\\1", "镇一"])],
        params={"odd key": '值 "quoted"', "plain_key": True},
    )
    text = expected_toml(spec)
    assert '"河口镇"' not in text and '\\"河口镇\\"' in text  # escaped, not ASCII-escaped
    assert "河口镇" in text and "\\u" not in text.replace("\\u007F", "")
    document = tomllib.loads(text)
    assert document["description"] == description
    assert document["finding"] == [{"code": "CP101", "subjects": ['S"1', "T\\1", "镇一"]}]
    assert document["params"] == {"odd key": '值 "quoted"', "plain_key": True}


def test_a_spec_that_cannot_run_is_refused_before_writing(tmp_path: Path) -> None:
    """A finding that is no rule code, a finding without subjects, a folder outside the
    root or written twice: a ScenarioError, and the folder already there is kept."""
    spec = _spec()
    write_scenarios([spec], tmp_path)
    with pytest.raises(ScenarioError, match="'CP1' is not a rule code"):
        write_scenarios([_spec(findings=[("CP1", ["T1"])])], tmp_path)
    with pytest.raises(ScenarioError, match="at least one subject"):
        write_scenarios([_spec(findings=[("CP104", [])])], tmp_path)
    assert write_scenarios([spec], tmp_path, check=True) == 0
    for folder in ("../escape", "/abs", "", "a/./b"):
        with pytest.raises(ScenarioError, match="expected a relative path"):
            _spec(folder)
    with pytest.raises(ScenarioError, match="written twice"):
        write_scenarios([spec, spec], tmp_path)
    with pytest.raises(ScenarioError, match="cannot be written as a TOML value"):
        expected_toml(_spec(params={"x": object()}))
