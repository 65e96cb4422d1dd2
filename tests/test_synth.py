"""Synthetic campaigns (``reliefkit.synth``): layouts, determinism, and exactly the planted
findings when checked."""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import attrs
import pytest

pa = pytest.importorskip("pyarrow")
pacsv = pytest.importorskip("pyarrow.csv")
pc = pytest.importorskip("pyarrow.compute")
pq = pytest.importorskip("pyarrow.parquet")

import reliefkit as rk  # noqa: E402
from reliefkit.io._schema import SCHEMA  # noqa: E402
from reliefkit.models import LAW_COLUMNS  # noqa: E402
from reliefkit.synth import SynthSummary, synth  # noqa: E402
from reliefkit.synth._cli import add_synth_command, run_synth  # noqa: E402

COUNTY = 3_500


def _read(path: Path) -> pa.Table:
    """A CSV file as Arrow strings (empty cells as nulls), as written."""
    header = path.read_text(encoding="utf-8").split("\n", 1)[0].split(",")
    options = pacsv.ConvertOptions(column_types=dict.fromkeys(header, pa.string()))
    return pacsv.read_csv(path, convert_options=options)


def _findings(report: rk.Report) -> dict[str, list[tuple[str, ...]]]:
    found: dict[str, list[tuple[str, ...]]] = {}
    for finding in report.findings:
        found.setdefault(finding.code, []).append(tuple(finding.subjects))
    return {code: sorted(subjects) for code, subjects in found.items()}


def _check(folder: Path) -> rk.Report:
    data = rk.load(folder)
    report = rk.check(data, as_of=data.campaign.ends_on)
    assert not report.rule_errors
    return report


def _split(source: Path, target: Path) -> list[Path]:
    """A v1.1 CSV source cut into one v1 folder per campaign (a reference reader)."""
    tables = {f.stem: _read(f) for f in sorted(source.glob("*.csv"))}
    folders = []
    for campaign in tables["campaign"]["id"].to_pylist():
        folder = target / campaign
        folder.mkdir(parents=True)
        for name, table in tables.items():
            rows = table.filter(pc.equal(table["campaign_id"], campaign)).drop_columns(
                ["campaign_id"]
            )
            lines = [",".join(rows.column_names)]
            columns = [c.to_pylist() for c in rows.columns]
            for row in zip(*columns, strict=True):
                lines.append(",".join("" if v is None else v for v in row))
            (folder / f"{name}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
        folders.append(folder)
    return folders


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> SynthSummary:
    return synth(tmp_path_factory.mktemp("synth") / "county", households=COUNTY, seed=1)


@pytest.fixture(scope="module")
def counties(tmp_path_factory: pytest.TempPathFactory) -> SynthSummary:
    return synth(tmp_path_factory.mktemp("synth") / "counties", households=3 * COUNTY, seed=2)


@pytest.mark.parametrize("shape", ["full", "registry"])
def test_county_checks_to_exactly_what_was_planted(tmp_path: Path, shape: str) -> None:
    """A county checked on its last day reports the planted findings, subjects and all."""
    summary = synth(tmp_path / "c", households=COUNTY, seed=7, shape=shape)
    report = _check(summary.path)
    assert Counter(f.code for f in report.findings) == summary.planted
    assert _findings(report) == {code: list(s) for code, s in summary.subjects.items() if s}
    assert not report.waived


def test_every_county_plan_rule_is_planted(county: SynthSummary) -> None:
    """One finding of each county-plan rule per county, and no other."""
    codes = {r.code for r in rk.all_rules() if r.code.startswith("CP") and not r.removed}
    assert set(county.planted) == codes
    assert set(county.planted.values()) == {1}
    assert all(len(county.subjects[code]) == 1 for code in codes)


def test_a_second_seed_plants_as_many_elsewhere(county: SynthSummary, tmp_path: Path) -> None:
    """Another seed: other ids and values, the same counts, still exactly the planted."""
    other = synth(tmp_path / "other", households=COUNTY, seed=2)
    assert other.planted == county.planted
    assert other.subjects != county.subjects
    same = (county.path / "households.csv").read_bytes()
    assert (other.path / "households.csv").read_bytes() != same
    assert _findings(_check(other.path)) == {c: list(s) for c, s in other.subjects.items()}


def test_the_same_seed_writes_the_same_bytes(county: SynthSummary, tmp_path: Path) -> None:
    """Deterministic: the same arguments write byte-identical files."""
    again = synth(tmp_path / "again", households=COUNTY, seed=1)
    assert again == attrs.evolve(county, path=again.path)
    for path in sorted(county.path.iterdir()):
        assert (again.path / path.name).read_bytes() == path.read_bytes(), path.name


def test_a_county_is_a_v1_folder(county: SynthSummary) -> None:
    """One county: a CSV per table with the format's columns, one campaign row, no
    ``format.json``; the law packs' optional columns are left out."""
    assert county.version == "1" and county.counties == 1
    names = sorted(p.name for p in county.path.iterdir())
    assert names == sorted(f"{t}.csv" for t in SCHEMA)
    for table in SCHEMA.values():
        header = (county.path / table.file).read_text(encoding="utf-8").split("\n", 1)[0]
        law = LAW_COLUMNS.get(table.name, frozenset())
        assert header.split(",") == [c.name for c in table.columns if c.name not in law]
    assert _read(county.path / "campaign.csv").num_rows == 1
    assert county.rows["households"] == COUNTY
    assert sum(county.rows.values()) == county.records


def test_many_counties_are_one_file_per_table(counties: SynthSummary) -> None:
    """Format v1.1: a leading campaign_id naming a campaign, row counts as summarised, ids
    unique across every file and prefixed with their county's code."""
    folder = counties.path
    assert counties.version == "1.1" and counties.counties == 3
    assert json.loads((folder / "format.json").read_text()) == {
        "format": "reliefkit",
        "version": "1.1",
    }
    campaigns = _read(folder / "campaign.csv")
    ids = campaigns["id"].to_pylist()
    assert ids == ["C0001", "C0002", "C0003"]
    assert campaigns["campaign_id"].to_pylist() == ids
    assert len(set(campaigns["starts_on"].to_pylist())) > 1  # each county its own dates
    seen: set[str] = set(ids)
    for name, count in counties.rows.items():
        table = _read(folder / f"{name}.csv")
        assert table.column_names[0] == "campaign_id"
        assert table.num_rows == count, name
        assert set(table["campaign_id"].to_pylist()) <= set(ids)
        if "id" in table.column_names and name != "campaign":
            for campaign, record in zip(
                table["campaign_id"].to_pylist(), table["id"].to_pylist(), strict=True
            ):
                assert record.startswith(campaign + "-")
                assert record not in seen
                seen.add(record)
    assert counties.planted == dict.fromkeys(counties.planted, 3)


def test_each_campaign_of_a_source_checks_to_its_plants(
    counties: SynthSummary, tmp_path: Path
) -> None:
    """Cut by campaign_id, every county checks to its planted findings and no more."""
    found: dict[str, list[tuple[str, ...]]] = {}
    for folder in _split(counties.path, tmp_path):
        for code, subjects in _findings(_check(folder)).items():
            found.setdefault(code, []).extend(subjects)
    assert {c: sorted(s) for c, s in found.items()} == {
        c: list(s) for c, s in counties.subjects.items()
    }


def test_near_misses_are_records_of_the_source(counties: SynthSummary) -> None:
    """Near misses are named, counted per rule, and are real records (none is flagged: see
    the exact checks above)."""
    assert len(counties.near_misses) >= 15
    ids: set[str] = set()
    for path in counties.path.glob("*.csv"):
        table = _read(path)
        if "id" in table.column_names:
            ids.update(table["id"].to_pylist())
    for code, named in counties.near_miss_ids.items():
        assert len(named) == counties.near_misses[code]
        assert set(named) <= ids, code


def test_parquet_holds_the_same_rows_as_csv(counties: SynthSummary, tmp_path: Path) -> None:
    """Parquet output, read by pyarrow and written as CSV, is the CSV output byte for byte."""
    parquet = synth(tmp_path / "p", households=3 * COUNTY, seed=2, format="parquet")
    assert parquet.rows == counties.rows and parquet.planted == counties.planted
    assert (tmp_path / "p" / "format.json").exists()
    for name in counties.rows:
        table = pq.read_table(tmp_path / "p" / f"{name}.parquet")
        sink = io.BytesIO()
        sink.write((",".join(table.column_names) + "\n").encode())
        options = pacsv.WriteOptions(include_header=False, quoting_style="none")
        pacsv.write_csv(table, sink, write_options=options)
        assert sink.getvalue() == (counties.path / f"{name}.csv").read_bytes(), name


def test_registry_shape_has_only_registered_poor_households(tmp_path: Path) -> None:
    """shape="registry": every household is registered poor; the full shape has ~17 %."""
    registry = synth(tmp_path / "r", households=2 * COUNTY, shape="registry")
    flags = _read(tmp_path / "r" / "households.csv")["registered_poor"].to_pylist()
    assert len(flags) == 2 * COUNTY and set(flags) == {"true"}
    assert registry.registered_poor == 2 * COUNTY
    full = synth(tmp_path / "f", households=2 * COUNTY, shape="full")
    flags = _read(tmp_path / "f" / "households.csv")["registered_poor"].to_pylist()
    assert 0.12 < flags.count("true") / len(flags) < 0.23
    assert full.registered_poor == flags.count("true")


def test_rows_grow_linearly_with_households(tmp_path: Path) -> None:
    """Households exactly as asked; counties and every other table in proportion."""
    sizes = [COUNTY, 2 * COUNTY, 4 * COUNTY]
    summaries = [synth(tmp_path / str(n), households=n) for n in sizes]
    for n, summary in zip(sizes, summaries, strict=True):
        assert summary.rows["households"] == n
        assert summary.counties == n // COUNTY
        assert summary.planted == dict.fromkeys(summary.planted, summary.counties)
        assert 1.3 < summary.records / n < 1.5
    for table in ("villages", "donations", "disbursements", "solicitations"):
        per_county = [s.rows[table] / s.counties for s in summaries]
        assert max(per_county) < 1.15 * min(per_county), table


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"households": 150}, "at least 200 households"),
        ({"households": 0}, "at least 1"),
        ({"households": 5000, "counties": 40}, "at least 200 households"),
        ({"households": 3_000_000, "counties": 2}, "ask for more counties"),
        ({"households": 5000, "shape": "sample"}, "shape='sample'"),
        ({"households": 5000, "format": "xlsx"}, "format='xlsx'"),
        ({"households": True}, "whole number"),
    ],
)
def test_bad_arguments_are_refused(tmp_path: Path, kwargs: dict[str, object], message: str) -> None:
    """Arguments that make no source are an InvalidValueError naming them."""
    with pytest.raises(rk.InvalidValueError, match=message):
        synth(tmp_path / "x", **kwargs)  # type: ignore[arg-type]


def test_a_folder_that_is_not_empty_is_kept(tmp_path: Path) -> None:
    """synth refuses a folder with files, unless asked to overwrite its own files."""
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(rk.InvalidValueError, match="not empty"):
        synth(tmp_path, households=1000)
    summary = synth(tmp_path, households=1000, overwrite=True)
    assert (tmp_path / "notes.txt").read_text() == "mine"
    assert summary.rows["households"] == 1000


def test_the_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``reliefkit synth --households N --seed S --out DIR`` writes and says what."""
    parser = argparse.ArgumentParser(prog="reliefkit")
    add_synth_command(parser.add_subparsers(dest="command"))
    args = parser.parse_args(
        ["synth", "--households", "7000", "--seed", "3", "--out", str(tmp_path / "s")]
    )
    assert run_synth(args) == 0
    out = capsys.readouterr().out
    assert "7,000 households" in out and "2 counties" in out and "format v1.1" in out
    assert (tmp_path / "s" / "households.csv").exists()
    with pytest.raises(SystemExit):
        parser.parse_args(["synth", "--households", "0", "--out", "x"])


def test_summary_repr_is_short(county: SynthSummary) -> None:
    """The summary's repr gives the size, not every subject."""
    text = repr(county)
    assert "households=3500" in text and "planted=24" in text and len(text) < 300


def test_the_command_starts_without_numpy_or_pyarrow() -> None:
    """Importing the command (as the CLI does) imports neither NumPy nor pyarrow."""
    code = (
        "import sys, reliefkit.synth._cli, reliefkit.synth; "
        "assert 'numpy' not in sys.modules and 'pyarrow' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_without_the_frames_extra_the_command_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """No pyarrow: exit code 2 and the extra to install, not a traceback."""
    monkeypatch.setitem(sys.modules, "reliefkit.synth._write", None)
    parser = argparse.ArgumentParser(prog="reliefkit")
    add_synth_command(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["synth", "--households", "500", "--out", str(tmp_path / "s")])
    assert run_synth(args) == 2
    assert "pip install 'reliefkit[frames]'" in capsys.readouterr().err
