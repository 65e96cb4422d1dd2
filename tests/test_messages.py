"""Messages say the failed condition and its numbers, in English and in complete Chinese.

Expected numbers come from the hand-written campaign in ``tests/campaigns.py`` (fund F1
received ¥17,000.50 — 10,000 + 5,000 + 2,000.50 — and paid out ¥13,000.00, last on
2015-11-03), never from the rules' own ledger.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given, settings

from campaigns import add, build, replace
from reliefkit import check
from reliefkit._words import WORDS
from reliefkit.models import Department, Disbursement, Waiver
from reliefkit.rules import Finding, all_rules
from reliefkit.testing import violating
from reliefkit.testing._violations import recipe_codes

AS_OF = "2015-12-31"


def _only(code: str, changes: dict[str, list[Any]]) -> Finding:
    findings = [f for f in check(build(changes), as_of=AS_OF).findings if f.code == code]
    assert len(findings) == 1, findings
    return findings[0]


# ---- CP118: which audit, which total, by how much ------------------------------------------------
def test_cp118_names_the_audit_the_total_and_the_difference() -> None:
    """An audit stating ¥500 more received says so, with both totals, in both languages."""
    finding = _only("CP118", replace("audits", "AU1", received_total="17500.50"))
    assert (
        "audit AU1 states received ¥17,500.50, ¥500.00 more than the ledger's ¥17,000.50"
        in finding.message
    )
    assert "审计 AU1 收入合计为 ¥17,500.50，比账面 ¥17,000.50 多 ¥500.00" in finding.message_zh


def test_cp118_says_less_for_a_smaller_disbursed_total() -> None:
    """An audit stating less paid out says how much less than the ledger."""
    finding = _only("CP118", replace("audits", "AU1", disbursed_total="12000"))
    assert "states disbursed ¥12,000.00, ¥1,000.00 less than the ledger's ¥13,000.00" in (
        finding.message
    )
    assert "支出合计为 ¥12,000.00，比账面 ¥13,000.00 少 ¥1,000.00" in finding.message_zh


def test_cp118_without_an_audit_gives_the_ledger_and_the_due_day() -> None:
    """No audit at all: the fund's totals and the due day, no audit named."""
    finding = _only("CP118", {"audits": []})
    assert finding.subjects == ("F1",)
    assert "has no audit" in finding.message and "by 2015-12-31" in finding.message
    assert "received ¥17,000.50, disbursed ¥13,000.00" in finding.message
    assert "没有审计" in finding.message_zh and "¥17,000.50" in finding.message_zh


def test_cp118_stale_audit_is_dated_before_the_last_movement() -> None:
    """An audit before the last disbursement says both dates."""
    finding = _only("CP118", replace("audits", "AU1", on="2015-11-01"))
    assert "audit AU1 is dated 2015-11-01, before the fund's last movement on 2015-11-03" in (
        finding.message
    )
    assert "早于资金最后一笔收支（2015-11-03）" in finding.message_zh


def test_cp118_wrong_auditor_names_the_department_and_its_sector() -> None:
    """An audit by the civil affairs bureau says whose it is and why that does not count."""
    finding = _only("CP118", replace("audits", "AU1", auditor_id="D1"))
    assert "audit AU1 is by D1, a department of sector civil_affairs" in finding.message
    assert "由 D1（民政部门）出具，不是审计部门" in finding.message_zh


def test_cp118_late_audit_counts_the_days_past_the_due_day() -> None:
    """An audit dated after the due day says by how many days."""
    changes = replace("audits", "AU1", on="2016-01-10")
    finding = [f for f in check(build(changes), as_of="2016-01-31").findings if f.code == "CP118"]
    assert len(finding) == 1
    assert "audit AU1 is dated 2016-01-10, 10 days after the due day" in finding[0].message
    assert "比截止日晚 10 天" in finding[0].message_zh


def test_cp118_lists_every_fault_of_an_audit() -> None:
    """Two faults of one audit are both named, joined in one sentence."""
    finding = _only("CP118", replace("audits", "AU1", auditor_id="D1", received_total="17000.00"))
    assert "is by D1" in finding.message and "¥0.50 less than the ledger's ¥17,000.50" in (
        finding.message
    )
    assert "，且" in finding.message_zh


# ---- other rules: the number or field that failed ----------------------------------------------
def test_cp122_says_by_how_much_a_fund_is_overspent() -> None:
    """Paying out ¥20,000 from ¥17,000.50 is ¥2,999.50 over."""
    more = Disbursement(
        id="B9", fund_id="F1", amount="7000", purpose="housing", village_id="V1", on="2015-11-05"
    )
    finding = _only("CP122", add("disbursements", more))
    assert "disbursed ¥20,000.00 but received only ¥17,000.50" in finding.message
    assert "¥2,999.50" in finding.message and "超支 ¥2,999.50" in finding.message_zh


def test_cp106_counts_the_days_late() -> None:
    """A ceremony on 20 October is three days after Poverty Alleviation Day."""
    finding = _only("CP106", replace("activities", "CE1", on="2015-10-20"))
    assert "CE1 on 2015-10-20 (3 days after it)" in finding.message
    assert "晚 3 天" in finding.message_zh


def test_cp104_names_who_the_plan_names_instead() -> None:
    """A plan naming a cadre says who it names and who it should name."""
    finding = _only("CP104", replace("work_plans", "T1#plan", responsible_person_id="K1"))
    assert "names K1" in finding.message and "main leader P1" in finding.message
    assert "K1" in finding.message_zh and "P1" in finding.message_zh


def test_cp120_gives_the_fee() -> None:
    """A training charging ¥50 says the fee."""
    finding = _only("CP120", replace("activities", "VT1", fee="50"))
    assert "¥50.00" in finding.message and "¥50.00" in finding.message_zh


def test_waiver_by_the_wrong_unit_names_the_grantor() -> None:
    """RK001 says which department granted the waiver and of what sector."""
    waiver = Waiver(code="CP107", subject_id="CE1", granted_by="D1", until="2016-06-30")
    finding = _only("RK001", {"waivers": [waiver]})
    assert "D1 (a department of sector civil_affairs)" in finding.message
    assert "民政部门" in finding.message_zh


# ---- complete Chinese ----------------------------------------------------------------------------
PURPOSE_WORDS = {
    "meals": "餐饮招待",
    "government_investment": "政府投资项目",
    "other": "其他",
    "travel": "差旅",
}


@pytest.mark.parametrize(("purpose", "code"), [("meals", "CP114"), ("travel", "CP114"),
                                               ("government_investment", "CP113"),
                                               ("other", "CP112")])  # fmt: skip
def test_purposes_are_chinese_words_in_chinese_messages(purpose: str, code: str) -> None:
    """A purpose is named by its Chinese word, never by the format's English name."""
    finding = _only(code, replace("disbursements", "B2", purpose=purpose))
    assert PURPOSE_WORDS[purpose] in finding.message_zh
    assert purpose not in finding.message_zh
    assert "（meals）" not in finding.message_zh


def test_every_rule_cites_with_a_chinese_summary() -> None:
    """Every citation of a built-in rule has a Chinese summary of its own, used for zh."""
    cjk = re.compile(r"[\u4e00-\u9fff]")
    for rule in all_rules():
        for citation in rule.citations:
            assert citation.summary and citation.summary_zh, (rule.code, citation)
            assert cjk.search(citation.summary_zh), (rule.code, citation.summary_zh)
            assert citation.summary_in("zh") == citation.summary_zh
            assert citation.summary_in("en") == citation.summary


def test_a_citation_without_chinese_keeps_its_english_summary() -> None:
    """A third-party citation with no Chinese summary shows its English one for zh."""
    from reliefkit.rules import Citation

    citation = Citation("my-plan", "§1", "be kind")
    assert citation.summary_in("zh") == "be kind"
    assert citation == Citation("my-plan", "§1", "other words", "别的")


# One property over every code: messages name the main subject, end as sentences of their
# language, and the Chinese one reads as Chinese (no English words in a row, no line or
# clause that starts with Chinese punctuation, no ASCII sentence punctuation).
ENGLISH_RUN = re.compile(r"\b[a-z]{3,} [a-z]{3,}\b")
ASCII_CLAUSE = re.compile(r"[\u4e00-\u9fff][,;:]|[,;:] ?[\u4e00-\u9fff]|[\u4e00-\u9fff]\.")


def _readable(finding: Finding) -> None:
    en, zh = finding.message, finding.message_zh
    zh = re.sub(r"`[^`]*`", "", zh)  # a command quoted as code stays as typed
    assert finding.subject in en and finding.subject in zh, finding
    assert en.endswith("."), en
    assert zh.endswith("。") and not zh.endswith(".。"), zh
    assert not ENGLISH_RUN.search(zh), zh
    assert not ASCII_CLAUSE.search(zh), zh
    for line in zh.splitlines():
        assert not line.startswith(("，", "。", "；", "：", "）")), zh
    for purpose, chinese in WORDS["zh"].items():
        if f"“{purpose}”" in zh:  # a purpose quoted by its English name
            raise AssertionError(f"{purpose!r} shown as English in {zh!r}, not {chinese!r}")


@pytest.mark.parametrize("code", recipe_codes(packs=["default"]))
def test_every_message_reads_in_both_languages(code: str) -> None:
    """Each rule's messages name the main subject and are whole sentences of their language."""

    @settings(max_examples=5, deadline=None, database=None)
    @given(violating(code))
    def read(case: tuple[Any, tuple[str, ...]]) -> None:
        for finding in check(case[0], as_of=AS_OF).findings:
            _readable(finding)

    read()


def test_the_example_campaign_reads_in_both_languages(example_campaign: Any) -> None:
    """The shipped campaign's findings pass the same reading checks, CP118 with its ¥500."""
    report = check(example_campaign, as_of=AS_OF)
    for finding in report.findings:
        _readable(finding)
    cp118 = next(f for f in report.findings if f.code == "CP118")
    assert "audit A-F03 states received" in cp118.message and "¥500.00 more" in cp118.message
    assert "多 ¥500.00" in cp118.message_zh


def test_auditor_sector_words_exist() -> None:
    """Every sector a message may name has a Chinese word."""
    from reliefkit.models import Sector

    for sector in Sector:
        assert sector.value in WORDS["zh"], sector
    assert Department(id="X", sector="audit").sector.value == "audit"
