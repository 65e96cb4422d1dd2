"""The text report and the readable ``str()`` of findings, reports and decisions: grouped by
rule, wrapped without breaking ids, complete in Chinese, and a summary that says what to fix
first."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

import reliefkit as rk
from reliefkit.examples import county_2015
from reliefkit.models import Solicitation, Village
from reliefkit.report import Report
from reliefkit.report._text import as_of_remark, render_text, wrap
from reliefkit.rules import Finding, Kind, Severity

DAY = pendulum.Date(2015, 12, 31)
VALID = "11010519491231002X"  # a valid resident ID number (GB 11643)
ZH_SEVERITIES = {"error": "错误", "warning": "警告", "info": "提示"}


def cells(line: str) -> int:
    """Terminal cells of a line, counted independently: wide and full-width characters two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


@pytest.fixture(scope="module")
def data() -> rk.Dataset:
    """The example campaign."""
    return county_2015()


@pytest.fixture(scope="module")
def report(data: rk.Dataset) -> Report:
    """The example campaign checked at the end of the campaign."""
    return rk.check(data, as_of="2015-12-31")


# ---- wrapping ------------------------------------------------------------------------------

ID = st.from_regex(r"[A-Z]{1,3}(-[A-Z0-9]{1,4}){0,3}", fullmatch=True)
WORD = st.one_of(ID, st.from_regex(r"[a-z]{1,12}[,.;:]?", fullmatch=True))


@given(st.lists(WORD, min_size=1, max_size=40), st.integers(8, 100))
def test_wrapping_never_breaks_a_word(words: list[str], width: int) -> None:
    """Law: the lines hold the words in order, each whole, and only a word wider than the
    line makes a line wider than the width."""
    lines = wrap(" ".join(words), width)
    assert [w for line in lines for w in line.split()] == words
    for line in lines:
        assert cells(line) <= width or len(line.split()) == 1


IDEOGRAPHS = "扶贫日乡镇村户募捐资金审计"
CHINESE = st.text(alphabet=IDEOGRAPHS + "，。、；：（）", min_size=1, max_size=120)


@given(CHINESE, st.integers(6, 60))
def test_chinese_wraps_by_cells_and_no_line_starts_with_closing_punctuation(
    text: str, width: int
) -> None:
    """Law: Chinese breaks between characters, counting two cells each; no line starts with
    ，。、；：or ）, and nothing is lost."""
    lines = wrap(text, width)
    assert "".join(lines) == text.replace(" ", "")
    for i, line in enumerate(lines):
        if i:
            assert line[:1] not in set("，。、；：）")
        # Only one character glued to its punctuation may overflow the line.
        assert cells(line) <= width or sum(c in IDEOGRAPHS for c in line) <= 1


def test_chinese_wrap_example() -> None:
    """A hand-wrapped example: 8 cells hold four characters; ，stays with the character
    before it; an id beside Chinese stays whole."""
    assert wrap("扶贫日乡镇，村户募捐", 8) == ["扶贫日乡", "镇，村户", "募捐"]
    assert wrap("贫困村V07-01在活动期间", 10) == ["贫困村", "V07-01在活", "动期间"]


def test_wrap_indents_hangs_and_keeps_phrases() -> None:
    """The first line takes the indent, the others the hang; a kept phrase never splits."""
    text = "about the rule: reliefkit rule CP101"
    assert wrap(text, 24, indent="  ", hang="    ", keep=["reliefkit rule CP101"]) == [
        "  about the rule:",
        "    reliefkit rule CP101",
    ]


# ---- the text report -----------------------------------------------------------------------


def test_every_id_stays_whole_at_80_columns(report: Report) -> None:
    """At 80 columns each subject id of each finding appears unbroken on some line, and every
    line fits unless it is one unbreakable token."""
    lines = render_text(report, width=80).splitlines()
    tokens = {t.strip(",;:()") for line in lines for t in line.split()}
    for finding in report.findings:
        for subject in finding.subjects:
            assert subject in tokens, subject
    for line in lines:
        assert cells(line) <= 80 or len(line.split()) == 1, line


@pytest.mark.parametrize("width", [40, 60, 80, 120])
def test_every_message_and_remedy_is_printed_whole(report: Report, width: int) -> None:
    """Wrapping loses nothing: every message and remedy reads in full, in both languages."""
    for lang in ("en", "zh"):
        flat = "".join(render_text(report, lang=lang, width=width).split())
        for finding in report.findings:
            message = finding.message_zh if lang == "zh" else finding.message
            remedy = finding.remedy_zh if lang == "zh" else finding.remedy
            assert "".join(message.split()) in flat
            assert "".join(remedy.split()) in flat


def test_findings_are_grouped_by_rule_with_a_pointer(report: Report) -> None:
    """Each rule has one heading (code, name, severity, count) and one line pointing to
    ``reliefkit rule CODE``; the fix is printed under it."""
    text = render_text(report, width=100)
    lines = text.splitlines()
    counts = Counter(f.code for f in report.findings)
    for finding in report.findings:
        n = counts[finding.code]
        heading = (
            f"{finding.code} {finding.name} ({finding.severity.value}, "
            f"{n} finding{'s' if n > 1 else ''})"
        )
        assert lines.count(heading) == 1, heading
        assert lines.count(f"  about the rule: reliefkit rule {finding.code}") == 1
        assert "fix: " + " ".join(finding.remedy.split()) in " ".join(text.split())


def test_summary_says_what_to_fix_first(report: Report) -> None:
    """The summary counts by severity and lists the rules: errors first, then warnings, then
    info, each rule with its count, before any finding."""
    lines = render_text(report, width=200).splitlines()
    by = Counter(f.severity for f in report.findings)
    assert lines[1].startswith(f"{len(report.findings)} findings: {by[Severity.ERROR]} errors")
    start = lines.index("Fix first:")
    plan = lines[start + 1 : start + 4]
    assert [item.split(":")[0] for item in plan] == [
        f"  1. {by[Severity.ERROR]} errors",
        f"  2. {by[Severity.WARNING]} warning",
        f"  3. {by[Severity.INFO]} info",
    ]
    per_rule = Counter(f.code for f in report.findings if f.severity is Severity.ERROR)
    assert plan[0].split(": ")[1] == ", ".join(f"{c} ({n})" for c, n in sorted(per_rule.items()))
    first_finding = next(i for i, line in enumerate(lines) if line.startswith("CP"))
    assert start < first_finding


def test_chinese_report_is_chinese(report: Report) -> None:
    """--lang zh: Chinese severities and kinds, Chinese punctuation in the layout, no line
    starting with ，or 。, and no English severity word."""
    text = render_text(report, lang="zh", width=80)
    assert not re.search(r"\b(error|warning|info|breach|obligation|fix|cites)\b", text)
    for line in text.splitlines():
        assert not line.lstrip().startswith(("，", "。"))
    for finding in report.findings:
        assert f"（{ZH_SEVERITIES[finding.severity.value]}，" in text
    assert "（违规）" in text and "（待履行，期限 2015-12-31）" in text
    assert "整改：" in text and "依据：" in text and "规则说明：reliefkit rule CP101" in text


def test_narrow_chinese_report_never_starts_a_line_with_punctuation(report: Report) -> None:
    """However narrow, a Chinese report line never starts with ，。、；or ）."""
    for width in range(20, 81, 7):
        for line in render_text(report, lang="zh", width=width).splitlines():
            assert line.lstrip()[:1] not in set("，。、；）"), (width, line)


def test_waived_and_rule_errors_are_listed(report: Report) -> None:
    """Waived findings follow the findings, with reason and end date; a rule that raised is
    named in the summary (the check is incomplete) and listed at the end."""
    text = render_text(report, width=200)
    assert "Waived (1):" in text
    assert "- CP111 V05-01: 村界调整合并中" in text and "(until 2016-06-30)" in text
    broken = Report(
        as_of=DAY,
        campaign_id="C1",
        findings=(),
        rule_errors={"CP105": "ZeroDivisionError: division by zero"},
    )
    lines = render_text(broken).splitlines()
    assert "  1. 1 rule raised an error, so the check is incomplete: CP105" in lines
    assert "  CP105: ZeroDivisionError: division by zero" in lines
    assert "未发现问题。" not in render_text(broken, lang="zh")


def test_no_findings_says_so() -> None:
    """A clean report says so in the report's language."""
    clean = Report(as_of=DAY, campaign_id="C1", findings=())
    assert "No findings." in render_text(clean)
    assert "未发现问题。" in render_text(clean, lang="zh")


def test_as_of_before_the_campaign_is_remarked(data: rk.Dataset) -> None:
    """An as_of before the campaign starts gets a remark (deadlines have not come yet); on
    or after the first day, none."""
    early = rk.check(data, as_of="2014-01-01")
    remark = as_of_remark(early.as_of, data.campaign.starts_on)
    assert remark is not None
    assert "as_of is before the campaign starts: deadlines have not come yet" in remark
    assert remark in " ".join(render_text(early, remarks=[remark], width=300).splitlines())
    zh = as_of_remark(early.as_of, data.campaign.starts_on, "zh")
    assert zh is not None and "各项期限尚未到来" in zh
    assert as_of_remark(data.campaign.starts_on, data.campaign.starts_on) is None


def test_personal_data_in_a_message_is_masked_in_text() -> None:
    """A resident ID number in a message is masked in the text report and in str()."""
    finding = Finding(
        code="CP112",
        severity=Severity.ERROR,
        subjects=("B7",),
        message=f"Disbursement B7 has purpose 'meals {VALID}'",
        message_zh=f"支出 B7 的用途“meals {VALID}”",
    )
    report = Report(as_of=DAY, campaign_id="C1", findings=(finding,))
    for text in (render_text(report), render_text(report, lang="zh"), str(finding), str(report)):
        assert VALID not in text
    assert "1101************2X" in str(finding)


# ---- str() ---------------------------------------------------------------------------------


def test_str_of_a_finding() -> None:
    """``str(finding)`` is one line: code, severity, subjects, message."""
    finding = Finding(
        code="CP101",
        severity=Severity.ERROR,
        subjects=("S1", "T01", "T02"),
        message="T01 asks T02 to donate.",
        message_zh="T01 向 T02 募捐。",
        kind=Kind.BREACH,
    )
    assert str(finding) == "CP101 error S1, T01, T02: T01 asks T02 to donate."


def test_str_of_a_report_is_a_short_summary(report: Report) -> None:
    """``str(report)`` names the campaign and as_of, counts by severity and the top rules, in
    a few hundred characters (the repr is kilobytes)."""
    text = str(report)
    assert len(text) < 800 < len(repr(report))
    assert text.startswith("reliefkit report of QS-2015 as of 2015-12-31: 8 findings ")
    assert "(6 errors, 1 warning, 1 info), 1 waived" in text
    assert "  CP101 cross-township-solicitation: 1 error" in text
    assert "and 3 more rules" in text


def test_str_of_a_refused_decision(data: rk.Dataset) -> None:
    """``str(decision)`` of a refusal says refused, which finding refuses it and the hint."""
    ask = Solicitation(
        id="S-NEW", activity_id="DR-T01", organizer_id="T01", target_id="T02", on="2015-10-10"
    )
    text = str(rk.admit(data, ask, as_of="2015-10-10"))
    lines = text.splitlines()
    assert lines[0].startswith("refused (1 new finding, 1 refusal, 0 resolved;")
    assert lines[1] == "refused by:"
    assert lines[2].startswith("  CP101 error S-NEW, T01, T02: Solicitation S-NEW")
    assert "hints:" in lines and any(line.startswith("  CP101 on S-NEW:") for line in lines)


def test_str_of_an_allowed_decision_with_an_obligation(data: rk.Dataset) -> None:
    """An allowed decision that opens an obligation lists it with its due day and what
    meets it."""
    village = Village(id="V99", name="新村", township_id="T01", poor=True)
    text = str(rk.admit(data, village, as_of="2015-10-10"))
    lines = text.splitlines()
    assert lines[0].startswith("allowed (1 new finding, 0 refusals")
    assert "obligations:" in lines
    assert any(line.startswith("  CP109 error V99: ") for line in lines)
    assert any(line.startswith("    due 2015-09-01; met by: ") for line in lines)
    assert "refused by:" not in lines
