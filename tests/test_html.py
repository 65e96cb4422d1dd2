"""HTML renderings: the report page and the notebook reprs (report, finding, rule, dataset)."""

from __future__ import annotations

import re
import sys
from html.parser import HTMLParser

import attrs
import pendulum
import pytest

import reliefkit as rk
from campaigns import build, drop, replace
from reliefkit.models import TABLES, Dataset, Waiver
from reliefkit.report import Report
from reliefkit.report._html import (
    SECTION_IDS,
    dataset_html,
    finding_html,
    report_html,
    report_page,
    rule_html,
)
from reliefkit.rules import Citation, Finding, Severity

PERSONAL = ("张三", "李四", "刘五", "500101198001011235", "王一", "李二", "赵县", "陈干", "周乡贤")


def broken() -> Dataset:
    """The compliant campaign with three problems, one of them waived."""
    return build(
        {
            **replace("households", "H3", responsible_person_id=None),
            **drop("work_teams", "W3"),
            **replace("disbursements", "B3", purpose="meals"),
            "waivers": [
                Waiver(
                    code="CP109",
                    subject_id="V3",
                    reason="team arriving in January",
                    granted_by="LG",
                    until="2016-01-31",
                )
            ],
        }
    )


@pytest.fixture(scope="module")
def data() -> Dataset:
    """The broken campaign."""
    return broken()


@pytest.fixture(scope="module")
def report(data: Dataset) -> Report:
    """Its report at the end of the campaign."""
    return rk.check(data, as_of="2015-12-31")


@pytest.fixture(scope="module")
def pages(report: Report, data: Dataset) -> dict[str, str]:
    """The page in both languages, charts included."""
    return {lang: report.to_html(lang=lang, dataset=data) for lang in ("en", "zh")}


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.ids += [v for k, v in attrs if k == "id" and v]


def _parse(html: str) -> _Ids:
    parser = _Ids()
    parser.feed(html)
    return parser


def _scripted(message: str) -> Report:
    finding = Finding(
        code="CP109",
        severity=Severity.ERROR,
        subjects=("V<1>",),
        message=message,
        message_zh=message,
        evidence={"note": "<b>bold</b>", "amount": rk.Money("12.50")},
        citations=(Citation("county-plan", "§二(四)", 'a "quoted" <summary>'),),
        remedy="<i>fix</i>",
        remedy_zh="<i>整改</i>",
        name="poor-village-without-work-team",
    )
    return Report(
        as_of=pendulum.Date(2015, 12, 31), campaign_id="C<15>", findings=(finding,), packs=("x",)
    )


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_page_has_every_section(pages: dict[str, str], lang: str) -> None:
    """The page has one element per section id, in order, in both languages."""
    ids = _parse(pages[lang]).ids
    assert [i for i in ids if i in SECTION_IDS] == list(SECTION_IDS)


def test_page_language_attribute_and_headings(pages: dict[str, str]) -> None:
    """The html lang attribute and the headings follow the language."""
    assert '<html lang="en">' in pages["en"]
    assert '<html lang="zh-CN">' in pages["zh"]
    for heading in ("Findings", "Waived findings", "Fund balances", "Coverage", "By township"):
        assert f">{heading}</h2>" in pages["en"]
    for heading in ("问题清单", "已豁免的问题", "资金收支", "帮扶覆盖情况", "按乡镇汇总"):
        assert f">{heading}</h2>" in pages["zh"]
    assert "建档立卡贫困户 H3 没有帮扶责任人" in pages["zh"]
    assert "Registered poor household H3 has no responsible person" in pages["en"]


def test_page_is_self_contained(pages: dict[str, str]) -> None:
    """No external URL, scripts or stylesheets; charts are PNG data URIs; A4 print styles."""
    for html in pages.values():
        text = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", html)
        assert not re.search(r"(?i)(https?:|ftp:)?//[a-z0-9]", text)
        assert "url(" not in text
        assert "<script" not in html
        assert "<link" not in html
        assert html.count('src="data:image/png;base64,') == 3
        assert "@page { size: A4" in html
        assert "@media print" in html


def test_page_sections_hold_the_numbers(pages: dict[str, str]) -> None:
    """Fund balances, coverage, by-township counts, waived reason and citations appear."""
    html = pages["en"]
    assert "¥17,000.50" in html and "¥13,000.00" in html and "¥4,000.50" in html
    assert "team arriving in January" in html
    assert "county-plan §二(四)" in html
    assert "50%" in html  # one of two poor villages keeps a work team
    findings = html.split('id="findings"')[1].split('id="waived"')[0]
    assert "CP110" in findings and "CP114" in findings and "CP109" not in findings
    waived = html.split('id="waived"')[1].split('id="funds"')[0]
    assert "CP109" in waived
    townships = html.split('id="by-township"')[1].split('id="findings"')[0]
    assert "CP110" in townships and "石门乡" in townships


def test_page_without_dataset_or_plots(report: Report) -> None:
    """Without a dataset the data sections say so; without plots there are no images."""
    html = report_page(report, lang="en", plots=False)
    assert [i for i in _parse(html).ids if i in SECTION_IDS] == list(SECTION_IDS)
    assert "Pass the dataset" in html
    assert "data:image/png" not in html


def test_page_rejects_unknown_language(report: Report) -> None:
    """An unknown language is a clear error."""
    with pytest.raises(rk.InvalidValueError, match="lang='fr'"):
        report_page(report, lang="fr")


def test_compliant_page_says_no_findings() -> None:
    """A compliant campaign's page says there are no findings."""
    data = build()
    report = rk.check(data, as_of="2015-12-31")
    html = report.to_html(lang="zh", dataset=data, plots=False)
    assert "未发现问题。" in html
    assert "没有“错误”级别的问题" in html


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_page_escapes_every_value(lang: str) -> None:
    """A message, subject, evidence or remedy holding markup is escaped, never run."""
    html = report_page(_scripted("<script>alert(1)</script>"), lang=lang, plots=False)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "V&lt;1&gt;" in html and "&lt;b&gt;bold&lt;/b&gt;" in html
    assert "&lt;i&gt;" in html and "C&lt;15&gt;" in html
    assert "&#34;quoted&#34; &lt;summary&gt;" in html


def test_reprs_escape_every_value() -> None:
    """The notebook reprs escape messages and evidence too."""
    report = _scripted("<script>alert(1)</script>")
    for html in (report_html(report), finding_html(report.findings[0]), report._repr_html_()):
        assert "<script>" not in html
        assert "&lt;script&gt;" in html


def test_control_characters_and_id_shaped_numbers_are_made_safe() -> None:
    """Every printed HTML value is made safe: escapes, bidi, surrogates, ID-shaped numbers."""
    shaped = "110105194912310021"
    report = _scripted(f"x\x1b[2J\u202e{shaped}\ud800")
    finding = attrs.evolve(
        report.findings[0], subjects=(shaped,), evidence={shaped: ["1101 0519 4912 3100 21"]}
    )
    report = attrs.evolve(report, findings=(finding,), campaign_id=shaped)
    for html in (report_page(report, plots=False), report_html(report), finding_html(finding)):
        assert not re.search("[\x00-\x08\x1b\u202e\ud800-\udfff]", html)
        assert shaped not in html and "0519 4912" not in html
        html.encode("utf-8")  # writable


def test_no_personal_data_anywhere(data: Dataset, report: Report, pages: dict[str, str]) -> None:
    """No name or resident id reaches the page or the reprs, masked or not."""
    renderings = [
        *pages.values(),
        report._repr_html_(),
        dataset_html(data),
        data._repr_html_(),
        *(finding_html(f) for f in report.findings),
        *(f._repr_html_() for f in report.findings),
    ]
    for html in renderings:
        for value in PERSONAL:
            assert value not in html
        assert "5001" not in html  # not even the unmasked start of a resident id


def test_report_repr_is_bilingual(report: Report) -> None:
    """The report repr gives counts and each finding in English and Chinese."""
    html = report._repr_html_()
    assert "2 error(s)" in html and "错误" in html and "1 waived" in html
    assert "Registered poor household H3" in html and "建档立卡贫困户 H3" in html


def test_report_repr_is_compact(data: Dataset) -> None:
    """A report with many findings lists the first ones and counts the rest."""
    report = rk.check(data, as_of="2015-12-31")
    html = report_html(report, limit=1)
    assert html.count("<code>CP11") == 1
    assert "1 more" in html


def test_finding_repr() -> None:
    """A finding's repr shows code, severity, subjects, both messages, citation and remedy."""
    report = rk.check(
        build(replace("households", "H3", responsible_person_id=None)), as_of="2015-12-31"
    )
    html = report.findings[0]._repr_html_()
    for text in ("CP110", "error", "H3", "没有帮扶责任人", "county-plan §二(四)", "整改"):
        assert text in html


def test_rule_repr() -> None:
    """A rule's repr shows its code, titles, citations, remedy and doc sections."""
    rule = rk.get_rule("CP101")
    html = rule._repr_html_()
    assert html == rule_html(rule)
    for text in (
        "CP101",
        rule.name,
        rule.title,
        rule.title_zh,
        "county-plan §三(一)",
        "What it checks",
    ):
        assert text.replace('"', "&#34;").replace("'", "&#39;") in html


def test_dataset_repr_counts_tables(data: Dataset) -> None:
    """The dataset repr names the campaign and counts every table."""
    html = data._repr_html_()  # the notebook repr is the report layer's dataset_html
    assert html == dataset_html(data)
    assert "C15" in html and "青山县" in html
    assert "<code>households</code>" in html and "农户" in html
    assert re.search(r"<code>households</code>.*?<td class=\"rk-num\">3</td>", html, re.S)
    assert "2 poor villages" in html and "2 registered poor households" in html
    assert html.count("<tr") == len(TABLES)  # a header row, then every table but campaign


def test_page_without_matplotlib_says_how_to_get_charts(
    report: Report, data: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without matplotlib the page still renders, and the charts section names the extra."""
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    html = report_page(report, lang="en", dataset=data)
    assert "data:image/png" not in html
    assert "reliefkit[plot]" in html


def test_unregistered_types_fall_back_to_the_escaped_repr() -> None:
    """The display hook shows the plain repr, escaped, for a type nobody registered."""
    from reliefkit._display import render_html

    class Odd:
        def __repr__(self) -> str:
            return "<Odd & co>"

    assert render_html(Odd()) == "<pre>&lt;Odd &amp; co&gt;</pre>"
