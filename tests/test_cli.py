"""The command line: exit codes, formats, languages, rule docs, examples."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from campaigns import build, replace
from reliefkit.cli import main
from reliefkit.io import dump


@pytest.fixture(autouse=True)
def piped_at_80_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    """Output goes to a pipe 80 columns wide, whatever the terminal running the tests."""
    monkeypatch.setenv("COLUMNS", "80")


@pytest.fixture
def clean(tmp_path: Path) -> Path:
    """A compliant campaign written as CSV."""
    folder = tmp_path / "clean"
    dump(build(), folder)
    return folder


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    """A campaign with one error (a training fee) and one warning (a tour)."""
    folder = tmp_path / "broken"
    data = build(replace("activities", "VT1", fee="200"))
    dump(data, folder)
    return folder


def test_exit_0_when_compliant(clean: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """No error finding gives exit 0."""
    assert main(["check", str(clean), "--as-of", "2016-01-31"]) == 0
    assert "No findings" in capsys.readouterr().out


def test_exit_1_on_error_finding(broken: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An error-severity finding gives exit 1 and is printed with its code."""
    assert main(["check", str(broken), "--as-of", "2016-01-31"]) == 1
    out = capsys.readouterr().out
    assert "CP120" in out and "VT1" in out


def _two_bad_cells(tmp_path: Path) -> Path:
    """The compliant campaign as CSV with a 3-decimal amount and an unknown township."""
    folder = tmp_path / "bad"
    dump(build(), folder)
    donations = folder / "donations.csv"
    donations.write_text(donations.read_text().replace("10000.00", "1.005", 1), encoding="utf-8")
    villages = folder / "villages.csv"
    villages.write_text(villages.read_text().replace("T2", "T404", 1), encoding="utf-8")
    return folder


def test_exit_2_on_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Several bad cells in several files give exit 2, naming every one."""
    folder = _two_bad_cells(tmp_path)
    activities = folder / "activities.csv"
    activities.write_text(
        activities.read_text().replace("2015-10-16", "2015-13-01", 1), encoding="utf-8"
    )
    assert main(["check", str(folder), "--as-of", "2016-01-31"]) == 2
    err = capsys.readouterr().err
    for expected in (
        "donations.csv",
        "1.005",
        "villages.csv",
        "T404",
        "activities.csv",
        "2015-13-01",
    ):
        assert expected in err


def test_load_error_as_json_and_one_line_per_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With --format json a load error is also a JSON document on stdout
    (reliefkit.load-error.v1); on stderr each problem stays on one line, however narrow."""
    folder = _two_bad_cells(tmp_path)
    assert main(["check", str(folder), "--as-of", "2016-01-31", "--format", "json"]) == 2
    captured = capsys.readouterr()
    document = json.loads(captured.out)
    assert document["schema"] == "reliefkit.load-error.v1"
    assert {(p["file"], p["column"], p["value"]) for p in document["problems"]} == {
        ("donations.csv", "amount", "1.005"),
        ("villages.csv", "township_id", "T404"),
    }
    lines = captured.err.splitlines()
    assert any("donations.csv" in line and "1.005" in line and "(fen)" in line for line in lines)


def test_exit_2_on_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """A missing --as-of is a usage error with exit 2."""
    with pytest.raises(SystemExit) as info:
        main(["check", "somewhere"])
    assert info.value.code == 2


def test_missing_folder_is_bad_input(tmp_path: Path) -> None:
    """A path that does not exist gives exit 2."""
    assert main(["check", str(tmp_path / "nope"), "--as-of", "2016-01-31"]) == 2


def test_json_output(broken: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--format json prints the reliefkit.report.v1 object."""
    assert main(["check", str(broken), "--as-of", "2016-01-31", "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["schema"] == "reliefkit.report.v1"
    assert [f["code"] for f in data["findings"]] == ["CP120"]


def test_chinese_output(broken: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--lang zh prints the Chinese messages."""
    main(["check", str(broken), "--as-of", "2016-01-31", "--lang", "zh"])
    assert "职业技能培训" in capsys.readouterr().out


def test_select_and_ignore(broken: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--ignore drops a code, so the exit code follows."""
    assert main(["check", str(broken), "--as-of", "2016-01-31", "--ignore", "CP120"]) == 0
    assert main(["check", str(broken), "--as-of", "2016-01-31", "--select", "CP12"]) == 1


def test_param_override(clean: Path) -> None:
    """--param overrides a parameter by name (here: the deadline read as exclusive)."""
    args = [
        "check",
        str(clean),
        "--as-of",
        "2016-01-31",
        "--param",
        "ceremony_deadline_inclusive=false",
    ]
    assert main(args) == 1


def test_rules_and_rule(capsys: pytest.CaptureFixture[str]) -> None:
    """`rules` lists every code; `rule CODE` prints the fixed sections."""
    assert main(["rules"]) == 0
    listing = capsys.readouterr().out
    for code in ("CP101", "CP124", "RK001"):
        assert code in listing
    assert main(["rule", "cp101"]) == 0
    text = capsys.readouterr().out
    for section in (
        "What it checks",
        "Why it matters",
        "Example",
        "Compliant",
        "References",
        "county-plan §三(一)",
    ):
        assert section in text


def test_unknown_rule_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown code gives exit 2 and says so."""
    assert main(["rule", "CP999"]) == 2
    assert "CP999" in capsys.readouterr().err


def test_rule_by_name(capsys: pytest.CaptureFixture[str]) -> None:
    """`rule NAME` finds a rule by its name as well as by its code; an unknown name is
    quoted as typed (not uppercased) with the nearest name."""
    assert main(["rule", "cross-township-solicitation"]) == 0
    assert capsys.readouterr().out.startswith("CP101 cross-township-solicitation (error;")
    assert main(["rule", "cross-township"]) == 2
    err = capsys.readouterr().err
    assert "'cross-township'" in err and "CROSS" not in err
    assert "did you mean cross-township-solicitation?" in err


def test_unknown_code_gets_a_suggestion(capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown code or a misspelt name gets the registry's nearest one."""
    assert main(["rule", "CP999"]) == 2
    assert "(did you mean CP" in capsys.readouterr().err
    assert main(["rule", "poor-village-without-workteam"]) == 2
    assert "did you mean poor-village-without-work-team?" in capsys.readouterr().err


def test_rule_in_chinese_has_chinese_severity_and_kinds(capsys: pytest.CaptureFixture[str]) -> None:
    """`rule CODE --lang zh` names the severity, kinds and cited clauses in Chinese."""
    assert main(["rule", "CP118", "--lang", "zh"]) == 0
    head = capsys.readouterr().out.splitlines()[0]
    assert head == "CP118 fund-not-audited（错误；待履行、违规）"
    assert main(["rule", "CP114", "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert "county-plan §一：节俭务实" in out and "frugal" not in out


RULE_NAMES = {
    # From docs/rules.md (generated from the catalogue), not from the CLI under test.
    "CP113": "pays-government-obligation",
    "CP110": "poor-household-without-responsible-person",
    "RK003": "unused-waiver",
}


def test_rules_never_cut_names(capsys: pytest.CaptureFixture[str]) -> None:
    """`rules` piped at 80 columns prints every code and every name whole."""
    from reliefkit.rules import all_rules

    assert main(["rules"]) == 0
    out = capsys.readouterr().out
    tokens = set(out.split())
    for rule in all_rules():
        assert {rule.code, rule.name} <= tokens, rule.code
    for name in RULE_NAMES.values():
        assert name in tokens


def test_rules_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    """`rules --lang zh` gives Chinese severities and titles."""
    assert main(["rules", "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert "CP101  错误  cross-township-solicitation" in out
    assert "乡镇之间" in out
    assert not any(w in out.split() for w in ("error", "warning", "info"))


def test_rules_as_json_and_markdown(capsys: pytest.CaptureFixture[str]) -> None:
    """`rules --format json` is a document of every rule; `--format markdown` the reference
    of every pack, as docs/rules.md (of the built-in packs) is."""
    assert main(["rules", "--format", "json", "--lang", "zh"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["schema"] == "reliefkit.rules.v1"
    by_code = {r["code"]: r for r in document["rules"]}
    for code, name in RULE_NAMES.items():
        assert by_code[code]["name"] == name
    assert by_code["CP118"]["kinds"] == ["obligation", "breach"]
    assert by_code["CP101"]["citations"][0]["clause"] == "county-plan §三(一)"
    assert main(["rules", "--format", "markdown"]) == 0
    page = capsys.readouterr().out
    assert page.startswith("# Rule reference\n")
    for code in by_code:
        assert f"\n### {code}\n" in page
    assert "| [CP101](#cp101) | `cross-township-solicitation` | error | " in page


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    """--version prints the package version (as pyproject.toml declares it)."""
    import tomllib

    pyproject = Path(__file__).resolve().parents[1] / "pyproject.toml"
    declared = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["version"]
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.strip() == f"reliefkit {declared}"


def test_unknown_ignore_blames_ignore(clean: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--ignore CP999 is exit 2 naming --ignore (not --select), with the nearest code."""
    assert main(["check", str(clean), "--as-of", "2016-01-31", "--ignore", "CP999"]) == 2
    err = capsys.readouterr().err
    assert "--ignore CP999" in err and "select" not in err and "did you mean" in err
    assert main(["check", str(clean), "--as-of", "2016-01-31", "--select", "CP1,XY9"]) == 2
    assert "--select XY9" in capsys.readouterr().err


def test_param_without_value_is_a_usage_error(
    clean: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--param audit_due (no `=`) is a usage error saying NAME=VALUE."""
    with pytest.raises(SystemExit) as info:
        main(["check", str(clean), "--as-of", "2016-01-31", "--param", "audit_due"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "--param" in err and "expected NAME=VALUE" in err and "month-day" not in err


def test_unknown_param_lists_the_valid_ones(
    clean: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An unknown --param name is exit 2, suggesting the nearest name and listing them all."""
    assert main(["check", str(clean), "--as-of", "2016-01-31", "--param", "audit_du=12-31"]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "--param audit_du" in err and "did you mean audit_due?" in err
    # The parameters of the county-plan pack and the waiver rules (docs/embedding.md).
    for name in ("poverty_day", "visit_window", "exit_plan_due", "grantor_sector"):
        assert name in err


def test_python_dash_m() -> None:
    """python -m reliefkit runs the same CLI."""
    result = subprocess.run(
        [sys.executable, "-m", "reliefkit", "rule", "CP110"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0 and "CP110" in result.stdout


def test_load_notices_are_printed(clean: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A misspelt optional header is never silent: the ignored column goes to stderr, and
    stdout stays the report (here JSON, still parseable)."""
    donations = clean / "donations.csv"
    header, rest = donations.read_text(encoding="utf-8").split("\n", 1)
    assert "goods" in header.split(",")
    donations.write_text(header.replace("goods", "goodz") + "\n" + rest, encoding="utf-8")
    main(["check", str(clean), "--as-of", "2016-01-31", "--format", "json"])
    captured = capsys.readouterr()
    assert json.loads(captured.out)["schema"] == "reliefkit.report.v1"
    assert "donations.csv, column goodz: unknown column; ignored" in captured.err


def test_a_misspelt_required_header_is_a_load_error(
    clean: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A required column spelt wrong stops the load (exit 2), naming the missing column."""
    villages = clean / "villages.csv"
    header, rest = villages.read_text(encoding="utf-8").split("\n", 1)
    villages.write_text(header.replace("poor", "poverty") + "\n" + rest, encoding="utf-8")
    code = main(["check", str(clean), "--as-of", "2016-01-31"])
    captured = capsys.readouterr()
    assert code == 2
    assert "column poor: column missing" in captured.err + captured.out


def test_no_notice_for_a_clean_folder(clean: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A folder written by dump loads without notices, so stderr stays empty."""
    main(["check", str(clean), "--as-of", "2016-01-31"])
    assert capsys.readouterr().err == ""


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example campaign written as CSV."""
    from reliefkit.examples import county_2015

    return dump(county_2015(), tmp_path_factory.mktemp("county") / "county-2015")


def test_text_report_never_cuts_a_message(county: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Piped (not a terminal, 80 columns) every character of every message and remedy is
    printed, wrapped at spaces, in English and in Chinese."""
    from reliefkit import check, load

    report = check(load(county), as_of="2015-12-31")
    for lang in ("en", "zh"):
        main(["check", str(county), "--as-of", "2015-12-31", "--lang", lang])
        out = capsys.readouterr().out
        assert "…" not in out
        flat = "".join(out.split())
        for finding in report.findings:
            assert "".join(finding.localized_message(lang).split()) in flat
            assert "".join((finding.remedy_zh if lang == "zh" else finding.remedy).split()) in flat


def test_piped_report_keeps_ids_whole(county: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Piped at 80 columns no id breaks mid-token (the old table printed `DN-E-T02-` / `1,`):
    each subject is a whole token of some line, and no line is wider than 80 columns."""
    from reliefkit import check, load

    report = check(load(county), as_of="2015-12-31")
    main(["check", str(county), "--as-of", "2015-12-31"])
    lines = capsys.readouterr().out.splitlines()
    tokens = {t.strip(",;:()") for line in lines for t in line.split()}
    for finding in report.findings:
        assert set(finding.subjects) <= tokens, finding.subjects
    assert "DN-E-T02-" not in tokens
    assert max(len(line) for line in lines) <= 80


def test_terminal_file_and_to_text_share_one_layout(
    county: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`reliefkit check` piped at 80 columns, `-o r.txt` and `report.to_text()` are the same
    text: remedies (`fix:`) and the pointer to `reliefkit rule CODE` included."""
    from reliefkit import check, load

    expected = check(load(county), as_of="2015-12-31").to_text(lang="zh")
    main(["check", str(county), "--as-of", "2015-12-31", "--lang", "zh"])
    assert capsys.readouterr().out == expected
    out = tmp_path / "r.txt"
    main(["check", str(county), "--as-of", "2015-12-31", "--lang", "zh", "-o", str(out)])
    assert out.read_text(encoding="utf-8") == expected
    assert "整改：" in expected and "规则说明：reliefkit rule CP101" in expected


def test_report_follows_the_terminal_width(
    county: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The console report wraps to the terminal's width (COLUMNS), the file to 80."""
    monkeypatch.setenv("COLUMNS", "160")
    main(["check", str(county), "--as-of", "2015-12-31"])
    wide = capsys.readouterr().out.splitlines()
    assert any(len(line) > 80 for line in wide)
    assert max(len(line) for line in wide) <= 160


def test_as_of_before_the_campaign_is_remarked(
    county: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--as-of before the campaign starts adds a remark to the summary (text) or to stderr
    (JSON, which stays parseable)."""
    main(["check", str(county), "--as-of", "2014-01-01"])
    out = " ".join(capsys.readouterr().out.split())
    assert "as_of is before the campaign starts: deadlines have not come yet" in out
    main(["check", str(county), "--as-of", "2014-01-01", "--format", "json"])
    captured = capsys.readouterr()
    assert json.loads(captured.out)["as_of"] == "2014-01-01"
    assert "deadlines have not come yet" in " ".join(captured.err.split())
    main(["check", str(county), "--as-of", "2015-09-01"])
    assert "before the campaign starts" not in capsys.readouterr().out


def test_waived_line_follows_the_language(county: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The waived findings are listed in the report's language."""
    main(["check", str(county), "--as-of", "2015-12-31", "--lang", "zh"])
    out = capsys.readouterr().out
    assert (
        "已豁免（1 项）：" in out and "- CP111 V05-01：" in out and "（有效期至 2016-06-30）" in out
    )
    main(["check", str(county), "--as-of", "2015-12-31"])
    out = capsys.readouterr().out
    assert "Waived (1):" in out and "- CP111 V05-01: " in out and "(until 2016-06-30)" in out


def test_bad_parameter_value_is_exit_2(clean: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A parameter value the rules cannot read is bad input: exit 2, naming it."""
    assert main(["check", str(clean), "--as-of", "2016-01-31", "--param", "audit_due=13-45"]) == 2
    assert "audit_due" in capsys.readouterr().err


def test_rule_in_chinese_and_unwrapped(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`rule CODE --lang zh` gives Chinese headings, title and fix; the body is printed as
    paragraphs (the terminal wraps them), not with the docstring's line breaks."""
    assert main(["rule", "CP101", "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    for heading in ("检查内容", "为何重要", "违规示例", "合规示例", "依据", "整改"):
        assert heading in out
    assert "What it checks" not in out
    assert "双方" in out or "对口帮扶关系" in out  # the explanation itself is Chinese
    assert "A solicitation whose" not in out
    monkeypatch.setenv("COLUMNS", "400")
    assert main(["rule", "CP101"]) == 0
    lines = capsys.readouterr().out.splitlines()
    what = lines[lines.index("What it checks") + 1]
    assert what.startswith("A solicitation whose") and what.endswith("of its villages.")


# ---- edges you can trust (issue 12): nothing clobbered, nothing drives the terminal ----------


def test_output_refuses_to_overwrite_an_input(
    clean: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--output onto the input JSON or into the input folder (any name) is exit 2, untouched."""
    from reliefkit.io import dump_json

    villages = clean / "villages.csv"
    before = villages.read_bytes()
    link = tmp_path / "link.csv"
    link.symlink_to(villages)
    json_input = dump_json(build(), tmp_path / "campaign.json")
    json_before = json_input.read_bytes()
    attempts = [
        (clean, villages),
        (clean, link),
        (clean, clean / "report.txt"),
        (clean, clean / "sub" / ".." / "villages.csv"),
        (json_input, json_input),
    ]
    for source, output in attempts:
        args = ["check", str(source), "--as-of", "2016-01-31", "--format", "json", "-o"]
        assert main([*args, str(output)]) == 2, output
        err = capsys.readouterr().err
        assert "would overwrite the input" in err and "Traceback" not in err
    assert villages.read_bytes() == before
    assert json_input.read_bytes() == json_before
    assert not (clean / "report.txt").exists()


def test_output_beside_the_input_is_written(clean: Path, tmp_path: Path) -> None:
    """An --output outside the input is written as before."""
    out = tmp_path / "report.json"
    main(["check", str(clean), "--as-of", "2016-01-31", "--format", "json", "-o", str(out)])
    assert json.loads(out.read_text(encoding="utf-8"))["schema"] == "reliefkit.report.v1"


def test_example_refuses_a_folder_that_is_not_empty(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`example NAME DIR` refuses a folder that is not empty (exit 2) unless --force."""
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "villages.csv").write_text("my own work\n", encoding="utf-8")
    assert main(["example", "county-2015", str(folder)]) == 2
    assert "--force" in capsys.readouterr().err
    assert sorted(p.name for p in folder.iterdir()) == ["villages.csv"]
    assert (folder / "villages.csv").read_text(encoding="utf-8") == "my own work\n"
    assert main(["example", "county-2015", str(folder), "--force"]) == 0
    assert (folder / "campaign.csv").exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["example", "county-2015", str(empty)]) == 0
    a_file = tmp_path / "a-file"
    a_file.write_text("x", encoding="utf-8")
    assert main(["example", "county-2015", str(a_file)]) == 2


@pytest.mark.parametrize("scale", ["0", "-1", "many"])
def test_example_bad_scale_is_a_usage_error(
    scale: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--scale 0 (or negative, or not a number) exits 2 with a message, not a traceback."""
    with pytest.raises(SystemExit) as info:
        main(["example", "county-2015", str(tmp_path / "x"), "--scale", scale])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "--scale" in err and "at least 1" in err and "Traceback" not in err
    assert not (tmp_path / "x").exists()


def test_a_generator_refusal_is_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A value the example generator refuses (a ValueError) exits 2 with its message."""
    from reliefkit import examples

    def refuse(**_: object) -> None:
        raise ValueError("seed=-1: expected a seed of at least 0")

    monkeypatch.setitem(examples.EXAMPLES, "county-2015", refuse)
    assert main(["example", "county-2015", str(tmp_path / "x"), "--seed", "-1"]) == 2
    assert "seed=-1" in capsys.readouterr().err


def test_escape_sequences_never_reach_the_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Control characters in data reach neither the terminal nor `-o x.txt`; no faked line."""
    from reliefkit.models import Waiver

    data = build(
        {
            **replace("disbursements", "B3", purpose="meals\x1b[2J\x1b[H"),
            "waivers": [
                Waiver(
                    code="CP112",
                    subject_id="B3",
                    reason="ok\x1b[2J\nCP999 [error] forged\x07",
                    granted_by="LG",
                    until="2016-06-30",
                )
            ],
        }
    )
    folder = dump(data, tmp_path / "escapes")
    villages = folder / "villages.csv"
    header, rest = villages.read_text(encoding="utf-8").split("\n", 1)
    villages.write_text(header + ",\x1b]0;owned\x07\n" + rest, encoding="utf-8")
    for lang in ("en", "zh"):
        main(["check", str(folder), "--as-of", "2016-01-31", "--lang", lang])
        captured = capsys.readouterr()
        assert "\x1b" not in captured.out + captured.err and "\x07" not in captured.err
        assert not any(line.startswith("CP999") for line in captured.out.splitlines())
        out = tmp_path / f"report-{lang}.txt"
        main(["check", str(folder), "--as-of", "2016-01-31", "--lang", lang, "-o", str(out)])
        text = out.read_text(encoding="utf-8")
        assert "\x1b" not in text and "\x07" not in text
        assert not any(line.startswith("CP999") for line in text.splitlines())
        assert "CP112" in text


# ---- rules in force, parameters, scenarios ---------------------------------------------------


def test_rules_on_a_date_lists_only_those_in_force(capsys: pytest.CaptureFixture[str]) -> None:
    """`rules --on DATE` keeps the rules whose pack and own range contain the date."""
    assert main(["rules", "--on", "2013-06-01", "--pack", "county-plan", "--pack", "RK"]) == 0
    out = capsys.readouterr().out
    assert "3 rules in county-plan, waivers, in force on 2013-06-01" in out
    assert "RK001" in out and "CP101" not in out
    assert main(["rules", "--on", "2015-10-17", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["on"] == "2015-10-17"
    codes = [r["code"] for r in document["rules"]]
    assert "CP101" in codes and "RK003" in codes
    cp101 = next(r for r in document["rules"] if r["code"] == "CP101")
    assert cp101["in_force"] == {"starts_on": "2014-01-01", "ends_on": None}


def test_rules_of_one_pack_and_a_bad_date(capsys: pytest.CaptureFixture[str]) -> None:
    """`--pack` narrows the list; a date that is no date is a usage error (exit 2)."""
    assert main(["rules", "--pack", "waivers"]) == 0
    out = capsys.readouterr().out
    assert "3 rules in waivers" in out and "CP101" not in out
    with pytest.raises(SystemExit) as usage:
        main(["rules", "--on", "2015-02-30"])
    assert usage.value.code == 2
    assert "expected a date" in capsys.readouterr().err


def test_rule_shows_its_range_and_parameters_with_confidence(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`rule CODE` shows when it is in force and, for each parameter it reads, the value, the
    source and the confidence mark of a value that is not verified."""
    assert main(["rule", "CP111"]) == 0
    out = capsys.readouterr().out
    assert "In force\nfrom 2014-01-01" in out
    assert "exit_plan_due: When exit plans are due" in out
    assert "  = campaign_end — county-plan §二(四)\n" in out
    assert "  = true — county-plan §三(三) [I: our reading of an ambiguous text]" in out
    assert main(["rule", "CP111", "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert "施行\n自 2014-01-01 起" in out and "[I: 对含义不明条文的解读]" in out


def _scenario(folder: Path, expected: str) -> Path:
    dump(build(), folder / "data")
    (folder / "expected.toml").write_text(expected, encoding="utf-8")
    return folder


def test_test_exits_0_when_every_scenario_passes(capsys: pytest.CaptureFixture[str]) -> None:
    """`reliefkit test` prints one line per scenario and exits 0 when all pass."""
    folder = Path(__file__).resolve().parents[1] / "src/reliefkit/rules/waivers/scenarios"
    assert main(["test", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "PASS  rk001-invalid-waiver" in out
    assert out.rstrip().endswith("3 scenarios: 3 passed")


def test_test_exits_1_with_the_difference(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A scenario that misses a finding fails: exit 1, the missing finding by code and
    subjects, and the count."""
    _scenario(tmp_path / "ok", "as_of = 2016-01-31\n")
    _scenario(
        tmp_path / "wants-more",
        'as_of = 2016-01-31\n[[finding]]\ncode = "CP120"\nsubjects = ["VT1"]\n',
    )
    assert main(["test", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "PASS  ok" in out and "FAIL  wants-more" in out
    assert "missing:    CP120 VT1" in out
    assert "2 scenarios: 1 passed, 1 failed" in out


def test_test_exits_2_when_a_scenario_cannot_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bad expected.toml (named with its key) or a folder without scenarios is exit 2."""
    _scenario(tmp_path / "bad", "as_of = 2016-01-31\ntolerated = []\n")
    assert main(["test", str(tmp_path)]) == 2
    out = capsys.readouterr().out
    assert "ERROR bad" in out and "unknown key 'tolerated' (did you mean 'tolerate'?)" in out
    assert main(["test", str(tmp_path / "bad" / "data")]) == 2
    assert "no scenario found" in capsys.readouterr().err


# ---- parameters, selectors and packs named on the command line --------------------------------


def test_every_built_in_parameter_is_read_back_from_its_text() -> None:
    """--param reads a value by the type of the parameter's own (int, Decimal, Money, bool,
    sets and tuples comma-separated, bands, mappings): every value of every built-in
    parameter, written as `reliefkit rule` shows it, reads back equal."""
    from reliefkit.cli import _param_values, _shown_value
    from reliefkit.rules import builtin_registry

    packs = builtin_registry().packs()
    kinds = set()
    for pack in packs:
        for name, parameter in pack.parameters.items():
            for era in parameter.values:
                if isinstance(era.value, tuple) and not era.value and len(parameter.values) > 1:
                    continue  # an empty era of bands: read back as the bands' type below
                text = _shown_value(era.value)
                read = _param_values([(name, text)], [pack])[name]
                assert read == era.value and type(read) is type(era.value), (name, text)
                kinds.add(type(era.value).__name__)
    assert kinds >= {"int", "Decimal", "Money", "bool", "frozenset", "tuple", "dict", "str"}


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--param", "ceremony_deadline_inclusive=否"], None),
        (["--pack", "county-plan,donations-law", "--param", "construction_report_days=30"], None),
        (["--pack", "CP,PW", "--param", "admin_cap_exempt_below=200000"], None),
        (["--pack", "county-plan,PW", "--param", "admin_cap_public_charity=0.13"], None),
        (["--pack", "TP", "--param", "poverty_line=2013=2736,2015=2900"], None),
        (["--pack", "TP", "--param", 'poverty_line={"2015": "2900.50"}'], None),
        (
            ["--pack", "county-plan,donations-law", "--param", "construction_report_days=soon"],
            "--param construction_report_days=soon: expected a whole number, like 0",
        ),
        (
            ["--pack", "donations-law", "--param", "admin_cap_public_charity=high"],
            "--param admin_cap_public_charity=high: expected a decimal number, like 0.13",
        ),
        (
            ["--param", "ceremony_deadline_inclusive=perhaps"],
            "--param ceremony_deadline_inclusive=perhaps: expected true or false",
        ),
        (
            ["--param", "visit_window=10-10"],
            "--param visit_window=10-10: expected two month-days",
        ),
        (
            ["--pack", "TP", "--param", "poverty_line=2015"],
            "--param poverty_line=2015: expected KEY=VALUE pairs separated by commas",
        ),
    ],
)
def test_param_values_are_read_by_the_parameter_type(
    clean: Path, args: list[str], says: str | None, capsys: pytest.CaptureFixture[str]
) -> None:
    """A number, a decimal, money, a bool (true/false, yes/no, 1/0, 是/否), a mapping: read
    by the parameter's type; a value that cannot be read is exit 2 naming `--param
    NAME=VALUE` and the form expected (not `params[...]`)."""
    code = main(["check", str(clean), "--as-of", "2016-01-31", *args])
    err = " ".join(capsys.readouterr().err.split())
    if says is None:
        assert code in (0, 1), err
    else:
        assert code == 2 and says in err, err
        assert "params[" not in err


def test_select_of_a_pack_not_run_says_which_pack_to_add(
    clean: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--select naming a rule of a pack that is not run says so and which --pack runs it,
    blaming --select (not select=)."""
    assert main(["check", str(clean), "--as-of", "2016-01-31", "--select", "PW201"]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert (
        "--select PW201: PW201 is a rule of pack donations-law, which is not run: add "
        "--pack donations-law" in err
    )
    assert "select=" not in err
    assert main(["check", str(clean), "--as-of", "2016-01-31", "--ignore", "TP4"]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "--ignore TP4: TP4 (TP401," in err and "add --pack targeted-poverty" in err
    args = ["--select", "PW201", "--pack", "county-plan,donations-law"]
    assert main(["check", str(clean), "--as-of", "2016-01-31", *args]) == 0


def test_an_unknown_pack_or_code_asks_whether_it_is_installed(
    clean: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """--pack with a typo gets the nearest pack; a pack or a code of a prefix nobody has
    asks whether the pack is installed, and says when installed packs are left out."""
    assert main(["check", str(clean), "--as-of", "2016-01-31", "--pack", "county-plna"]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "--pack county-plna: no such pack (did you mean county-plan?)" in err
    monkeypatch.setenv("RELIEFKIT_NO_PLUGINS", "1")
    assert main(["check", str(clean), "--as-of", "2016-01-31", "--pack", "my-county"]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "--pack my-county: no such pack" in err
    assert "is the pack installed? (RELIEFKIT_NO_PLUGINS is set)" in err
    assert main(["check", str(clean), "--as-of", "2016-01-31", "--select", "MC101"]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "--select MC101: matches no rule code: no pack has prefix 'MC'" in err
    assert "RELIEFKIT_NO_PLUGINS is set" in err and "CP101" not in err
    assert main(["rule", "MC101"]) == 2
    assert "no pack has prefix 'MC'" in capsys.readouterr().err
    monkeypatch.delenv("RELIEFKIT_NO_PLUGINS")
    assert main(["rules", "--pack", "my-county"]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "--pack my-county: no such pack" in err and "is the pack installed?" in err
    assert "RELIEFKIT_NO_PLUGINS" not in err


def test_check_help_says_how_to_name_several_packs(capsys: pytest.CaptureFixture[str]) -> None:
    """`check --help` says --pack repeats or takes a comma-separated list, and lists the
    packs there are, with those run by default and always."""
    with pytest.raises(SystemExit):
        main(["check", "--help"])
    text = "".join(capsys.readouterr().out.split())  # argparse wraps lines at hyphens too
    assert "repeattheoption" in text and "comma-separate" in text
    assert "county-plan(runbydefault)" in text and "waivers(alwaysrun)" in text
    for pack in ("donations-law", "fiscal-funds", "targeted-poverty"):
        assert pack in text


# ---- eras and confidence in `rule` and `rules` ---------------------------------------------------


def test_rule_shows_confidence_eras_of_clauses_and_dated(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`rule CODE` shows each clause's era and its mark when not verified, that a dated rule
    is judged by the date of each act, and the rule's confidence when not V, in en and zh."""
    monkeypatch.setenv("COLUMNS", "200")
    assert main(["rule", "PW204"]) == 0
    out = capsys.readouterr().out
    assert "(from 2016-09-01) [R: recalled, not verified]" in out
    assert "PWDL Art.8 ¶3 — a donor is commended" in out and "(from 1999-09-01)\n" in out
    assert "from 1999-09-01; judged by the date of each act" in out
    assert "Confidence\n[R: recalled, not verified], the weakest among" in out
    assert main(["rule", "PW204", "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert "（施行：自 2016-09-01 起） [R: 凭记忆，未核实]" in out
    assert "自 1999-09-01 起；按每项行为的日期判断" in out
    assert "可信度\n[R: 凭记忆，未核实]" in out
    assert main(["rule", "CP101"]) == 0
    out = capsys.readouterr().out
    assert "Confidence" not in out and "judged by the date" not in out


def test_rules_json_has_eras_and_confidence(capsys: pytest.CaptureFixture[str]) -> None:
    """`rules --format json`: each citation has its era and confidence, each rule its
    confidence and whether it is dated."""
    assert main(["rules", "--format", "json", "--pack", "donations-law"]) == 0
    rules = {r["code"]: r for r in json.loads(capsys.readouterr().out)["rules"]}
    pw204 = rules["PW204"]
    assert pw204["confidence"] == "R" and pw204["dated"] is True
    assert pw204["citations"][1] == {
        "clause": "CL Art.90",
        "source": "CL",
        "summary": pw204["citations"][1]["summary"],
        "in_force": {"starts_on": "2016-09-01", "ends_on": None},
        "confidence": "R",
    }
    assert rules["PW209"]["dated"] is False and rules["PW209"]["confidence"] == "V"


def test_rules_on_a_day_shows_each_rule_era(capsys: pytest.CaptureFixture[str]) -> None:
    """`rules --on DAY` says when each rule listed is in force; one rule is `1 rule`."""
    assert main(["rules", "--on", "2016-10-01", "--pack", "PW"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "PW207 warning donation-without-receipt" in out or "PW207" in out
    assert "in force from 2016-09-01" in out and "in force from 1999-09-01" in out
    assert main(["rules", "--on", "2016-10-01", "--pack", "PW", "--lang", "zh"]) == 0
    assert "施行：自 2016-09-01 起" in capsys.readouterr().out
    from reliefkit.cli import _rules_text
    from reliefkit.rules import get_rule

    lines = _rules_text([get_rule("CP101")], "en", 80, ["county-plan"])
    assert lines[0].text == "reliefkit rules: 1 rule in county-plan"


def test_rules_markdown_of_one_pack_is_its_reference(capsys: pytest.CaptureFixture[str]) -> None:
    """`rules --format markdown --pack NAME` is that pack's reference, with the sections of
    docs/rules.md, and nothing of the other packs."""
    from reliefkit.rules import default_registry
    from reliefkit.rules._docs import rules_markdown

    assert main(["rules", "--format", "markdown", "--pack", "waivers"]) == 0
    page = capsys.readouterr().out
    assert page == rules_markdown(default_registry(), ["waivers"])
    assert "## Pack `waivers` (RK)" in page and "### RK001" in page and "### Parameters" in page
    assert "**What it checks.**" in page and "**Legal basis.**" in page
    assert "CP101" not in page
    assert "`reliefkit rules --format markdown --pack waivers`" in page
