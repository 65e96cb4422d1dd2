"""The example campaign: its generator, the committed folder, and what checking it reports."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import reliefkit as rk
from reliefkit.cli import main
from reliefkit.examples import (
    DELIBERATE_VIOLATIONS,
    DELIBERATE_WAIVERS,
    EXAMPLES,
    county_2015,
)
from reliefkit.models import Sector

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "examples" / "county-2015"
WANT = {(v.code, v.subjects) for v in DELIBERATE_VIOLATIONS}


@pytest.fixture(scope="module")
def example() -> rk.Dataset:
    return county_2015()


def _found(report: rk.Report) -> set[tuple[str, tuple[str, ...]]]:
    return {(f.code, f.subjects) for f in report.findings}


def test_realistic_proportions(example: rk.Dataset) -> None:
    """At least 20 townships, 150 villages (about a third poor), 3,000 households."""
    assert len(example.townships) >= 20
    assert len(example.villages) >= 150
    share = sum(v.poor for v in example.villages) / len(example.villages)
    assert 0.25 <= share <= 0.42
    assert len(example.households) >= 3000
    sectors = {d.sector for d in example.departments}
    assert {Sector.AUDIT, Sector.LEADING_GROUP} <= sectors
    for table in (
        "pairings",
        "work_teams",
        "activities",
        "solicitations",
        "donations",
        "funds",
        "disbursements",
        "audits",
        "pledges",
        "exit_plans",
        "work_plans",
    ):
        assert len(getattr(example, table)) > 0, table


def test_check_reports_exactly_the_deliberate_violations(example: rk.Dataset) -> None:
    """Checking the example finds each planted problem once, and nothing else."""
    report = rk.check(example, as_of="2015-12-31")
    assert _found(report) == WANT
    assert len(report.findings) == len(DELIBERATE_VIOLATIONS)  # one finding per problem
    assert {(w.finding.code, w.finding.subject) for w in report.waived} == set(DELIBERATE_WAIVERS)
    assert report.exit_code == 1
    severities = {f.code: f.severity.value for f in report.findings}
    assert severities["CP108"] == "warning" and severities["CP117"] == "info"


@pytest.mark.parametrize("seed", [1, 7, 42])
def test_every_seed_plants_the_same_violations(seed: int) -> None:
    """Another seed changes names and amounts, never the planted problems."""
    data = county_2015(seed=seed)
    assert data != county_2015()  # the seed varies the campaign …
    assert _found(rk.check(data, as_of="2015-12-31")) == WANT  # … not its problems


def test_scale_multiplies_the_county_not_the_violations(example: rk.Dataset) -> None:
    """scale=2 doubles the county and keeps the same eight problems."""
    double = county_2015(scale=2)
    assert len(double.townships) == 2 * len(example.townships)
    assert len(double.funds) == 2 * len(example.funds)
    assert len(double.households) > 1.6 * len(example.households)
    assert _found(rk.check(double, as_of="2015-12-31")) == WANT


def test_scale_below_one_is_refused() -> None:
    """A scale below one is refused with the value named."""
    with pytest.raises(ValueError, match="scale=0"):
        county_2015(scale=0)


def test_generator_is_deterministic(example: rk.Dataset) -> None:
    """The same seed gives the same campaign."""
    assert county_2015(seed=2015) == example


def test_waiver_expires(example: rk.Dataset) -> None:
    """After the waiver's date the CP111 finding comes back, with the engine's RK002."""
    later = _found(rk.check(example, as_of="2016-07-01"))
    assert later - WANT == {("CP111", ("V05-01",)), ("RK002", ("CP111:V05-01",))}


def test_committed_folder_is_the_generator_output(tmp_path: Path) -> None:
    """examples/county-2015 is byte for byte what ``reliefkit example`` writes."""
    assert main(["example", "county-2015", str(tmp_path / "out")]) == 0
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == sorted(p.name for p in FOLDER.iterdir())
    for name in written:
        assert (tmp_path / "out" / name).read_bytes() == (FOLDER / name).read_bytes(), (
            f"examples/county-2015/{name} is stale: run "
            "`reliefkit example county-2015 examples/county-2015`"
        )


def test_committed_folder_loads_as_the_generator_output(example: rk.Dataset) -> None:
    """Loading the committed folder gives the generator's dataset."""
    assert rk.load(FOLDER) == example


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_cli_check_of_the_folder(lang: str, capsys: pytest.CaptureFixture[str]) -> None:
    """The main job: exit 1, and the JSON report names exactly the documented problems."""
    code = main(["check", str(FOLDER), "--as-of", "2015-12-31", "--format", "json", "--lang", lang])
    assert code == 1
    document = json.loads(capsys.readouterr().out)
    assert {(f["code"], tuple(f["subjects"])) for f in document["findings"]} == WANT
    assert [w["waiver"]["subject_id"] for w in document["waived"]] == ["V05-01"]


def test_cli_text_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    """The Chinese text report names every planted problem's code."""
    assert main(["check", str(FOLDER), "--as-of", "2015-12-31", "--lang", "zh"]) == 1
    out = capsys.readouterr().out
    for v in DELIBERATE_VIOLATIONS:
        assert v.code in out


def test_unknown_example_is_a_usage_error(tmp_path: Path) -> None:
    """An unknown example name is a usage error (exit 2)."""
    assert main(["example", "nowhere-1999", str(tmp_path)]) == 2
    assert list(EXAMPLES) == ["county-2015"]


def test_readme_lists_every_deliberate_violation() -> None:
    """examples/README.md's table lists exactly the planted problems."""
    text = (ROOT / "examples" / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (CP\d{3}|RK\d{3}) \| (\w+) \| ([^|]+) \|", text, flags=re.M)
    listed = {(code, tuple(s.strip() for s in subjects.split(","))) for code, _, subjects in rows}
    assert listed == WANT


def test_readme_api_example_runs(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The README's ten lines of API run as written and print what they claim."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```python\n(.*?)```", text, flags=re.S)
    assert block is not None
    monkeypatch.chdir(ROOT)
    exec(compile(block.group(1), "README.md", "exec"), {"__name__": "readme"})
    out = capsys.readouterr().out
    assert "False ['CP101']" in out
