"""HTML renderings: the report page and the notebook reprs (report, finding, rule, dataset)."""

from __future__ import annotations

import re
import sys
from html.parser import HTMLParser
from pathlib import Path

import attrs
import pendulum
import pytest

import reliefkit as rk
from campaigns import build, drop, replace
from reliefkit.models import TABLES, Dataset, Household, Waiver
from reliefkit.report import Report
from reliefkit.report._coverage import floor_percent
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
    assert "建档立卡贫困户 H3（村 V3）没有帮扶责任人" in pages["zh"]
    assert "Registered poor household H3 (village V3) has no responsible person" in pages["en"]


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
    assert "50.0%" in html  # one of two poor villages keeps a work team
    findings = html.split('id="findings"')[1].split('id="waived"')[0]
    assert "CP110" in findings and "CP114" in findings and "CP109" not in findings
    waived = html.split('id="waived"')[1].split('id="funds"')[0]
    assert "CP109" in waived
    townships = html.split('id="by-township"')[1].split('id="findings"')[0]
    assert "CP110" in townships and "石门乡" in townships


def test_page_reads_the_dataset_it_was_checked_against(report: Report, data: Dataset) -> None:
    """Without ``dataset=``, the page reads the records the report was checked against."""
    assert report_page(report, plots=False) == report_page(report, dataset=data, plots=False)


def test_page_without_dataset_or_plots(report: Report) -> None:
    """Without a dataset the data sections say so; without plots there are no images."""
    html = report_page(attrs.evolve(report, context={}), lang="en", plots=False)
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
    assert "2 errors" in html and "错误" in html and "1 waived" in html
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


# ---- numbers that are right ----------------------------------------------------------------


def _section(html: str, section: str) -> str:
    """The HTML of one section of the page."""
    return html.split(f'<section id="{section}">')[1].split("</section>")[0]


def _row(html: str, code: str) -> str:
    """The findings-table row of the (first) finding of ``code``."""
    return _section(html, "findings").split(f'data-code="{code}"')[1].split("</tr>")[0]


def _cell(row: str, cls: str) -> str:
    """The cell of class ``cls`` in a findings-table row."""
    return row.split(f'class="{cls}">')[1].split("</td>")[0]


def _text(html: str) -> str:
    """The text of some HTML, tags dropped and spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.mark.parametrize(
    ("part", "whole", "shown"),
    [
        (602, 603, "99.8%"),
        (601, 602, "99.8%"),
        (1, 3, "33.3%"),
        (2, 3, "66.6%"),
        (29, 100, "29.0%"),  # 0.29 * 1000 is 289.99… in floats
        (3, 3, "100.0%"),
        (0, 5, "0.0%"),
        (0, 0, None),
    ],
)
def test_shares_are_rounded_down(part: int, whole: int, shown: str | None) -> None:
    """A share is floored to one decimal, so a shortfall never shows as 100%."""
    assert floor_percent(part, whole) == shown


def test_coverage_total_never_rounds_a_shortfall_up() -> None:
    """601 of 602 poor households with a responsible person is 99.8%, not 100%."""
    extra = [
        Household(
            id=f"HX{i}",
            village_id="V1",
            members=1,
            registered_poor=True,
            responsible_person_id="K1",
        )
        for i in range(600)
    ]
    data = build(
        {
            **replace("households", "H3", responsible_person_id=None),
            "households": [
                *replace("households", "H3", responsible_person_id=None)["households"],
                *extra,
            ],
        }
    )
    poor = [h for h in data.households if h.registered_poor]
    covered = [h for h in poor if h.responsible_person_id is not None]
    assert (len(covered), len(poor)) == (601, 602)
    html = rk.check(data, as_of="2015-12-31").to_html(plots=False)
    total = _text(_section(html, "coverage").split("<tfoot>")[1].split("</tfoot>")[0])
    assert total.endswith("602 601 99.8%"), total
    assert "100%" not in total and "100.0%" not in total.split("602")[1]


def test_findings_are_filed_under_the_drive_township() -> None:
    """CP117 for a donation in T1's drive is filed under T1, never under "no township"."""
    data = build(replace("donations", "N1D", badge=False))
    drive = data.get(data.get("N1D").activity_id)  # type: ignore[union-attr]
    assert drive.township_id == "T1"  # type: ignore[union-attr]
    html = rk.check(data, as_of="2015-12-31").to_html(plots=False)
    townships = _section(html, "by-township")
    rows = _text(townships.split("<tbody>")[1].split("</tbody>")[0])
    assert rows == "T1 龙潭镇 0 0 1 1 CP117"
    assert "No township" not in townships
    assert "<code>T1</code> <span" in _row(html, "CP117").split('class="township"')[1]


def test_townships_without_findings_are_folded(pages: dict[str, str], data: Dataset) -> None:
    """Townships with nothing to show are one line, "1 township with no finding", not rows."""
    townships = _section(pages["en"], "by-township")
    # All three findings (CP110 on H3, CP114 on B3, and the waived CP109) lie in T2.
    assert [f.code for f in rk.check(data, as_of="2015-12-31").findings] == ["CP110", "CP114"]
    assert townships.count("<tr>") == 2  # the header and T2
    assert "1 township with no finding: <code>T1</code>" in townships
    assert "1 个乡镇未发现问题" in _section(pages["zh"], "by-township")


def test_coverage_folds_townships_with_nothing_to_cover() -> None:
    """A township with no poor village nor poor household is one line under the table."""
    data = build(
        {
            **replace("villages", "V3", poor=False),
            **replace("households", "H3", registered_poor=False, responsible_person_id=None),
            **drop("work_teams", "W3"),
        }
    )
    html = rk.check(data, as_of="2015-12-31").to_html(plots=False)
    cover = _section(html, "coverage")
    assert "1 township with no poor village or registered poor household" in _text(cover)
    assert "<code>T2</code>" not in cover.split("</table>")[0]


def _severities(*severities: Severity) -> Report:
    findings = tuple(
        attrs.evolve(_scripted("x").findings[0], severity=s, subjects=(f"V{i}",))
        for i, s in enumerate(severities)
    )
    return Report(
        as_of=pendulum.Date(2015, 12, 31), campaign_id="C15", findings=findings, packs=("x",)
    )


def test_counts_are_plural_only_when_plural() -> None:
    """The summary says "1 warning" and "2 warnings", "1 error" and "2 errors"."""
    one = _text(_section(report_page(_severities(Severity.WARNING, Severity.ERROR)), "summary"))
    assert "1 error 1 warning 0 info 0 waived" in one
    many = (Severity.WARNING, Severity.WARNING, Severity.ERROR, Severity.ERROR, Severity.ERROR)
    two = _text(_section(report_page(_severities(*many)), "summary"))
    assert "3 errors 2 warnings" in two
    assert "2 项警告" in report_page(_severities(Severity.WARNING, Severity.WARNING), lang="zh")
    assert "1 warning <" in report_html(_severities(Severity.WARNING))
    assert "1 more" in report_html(_severities(Severity.INFO, Severity.INFO), limit=1)


# ---- evidence for people -------------------------------------------------------------------


def test_evidence_reads_as_words(pages: dict[str, str]) -> None:
    """Money as ¥2,000.00, purposes as words, ids with their names, keys without underscores."""
    en, zh = pages["en"], pages["zh"]
    meals = _text(_row(en, "CP114"))
    assert "purpose meals" in meals and "amount ¥2,000.00" in meals
    meals_zh = _text(_row(zh, "CP114"))
    assert "用途 餐饮招待" in meals_zh and "金额 ¥2,000.00" in meals_zh
    assert _text(_cell(_row(en, "CP110"), "evidence")) == "village V3 白果村"  # name beside id
    for html in (en, zh):
        keys = re.findall(r"<dt>(.*?)</dt>", _section(html, "findings"))
        assert keys and not [k for k in keys if "_" in k], keys


def test_evidence_booleans_dates_lists_and_maps() -> None:
    """Booleans are yes/no (是/否), dates ISO, lists readable, maps as keyed lines."""
    data = build(
        {
            **replace("donations", "N1D", badge=False),
            **replace("activities", "CE2", on="2015-10-20"),
            **drop("work_teams", "W3"),
        }
    )
    report = rk.check(data, as_of="2015-12-31")
    en, zh = report.to_html(plots=False), report.to_html(lang="zh", plots=False)
    assert "badge no" in _text(_row(en, "CP117")) and "荣誉证 否" in _text(_row(zh, "CP117"))
    assert "false" not in _cell(_row(en, "CP117"), "evidence").lower()
    late = _text(_cell(_row(en, "CP106"), "evidence"))
    assert "deadline 2015-10-17" in late and "ceremonies CE2 2015-10-20" in late
    assert "{" not in late and '"' not in late
    team = _text(_cell(_row(en, "CP109"), "evidence"))
    assert "teams none" in team and "campaign 2015-09-01, 2015-12-31" in team
    assert "[]" not in team
    assert "驻村工作队 无" in _text(_row(zh, "CP109"))


def test_subjects_show_names_but_never_a_persons() -> None:
    """An enterprise donor's name stands beside its id; a natural person's never does."""
    company = rk.check(build(replace("donations", "N1D", badge=False)), as_of="2015-12-31")
    subjects = _text(_cell(_row(company.to_html(plots=False), "CP117"), "subjects"))
    assert subjects == "N1D E1 山城建材有限公司"  # donor E1, a company
    person = rk.check(build(replace("donations", "N2D", badge=False)), as_of="2015-12-31")
    html = person.to_html(plots=False)
    assert _text(_cell(_row(html, "CP117"), "subjects")) == "N2D N1"  # donor N1, a person
    assert "周乡贤" not in html and "周*" not in html


def test_chinese_page_speaks_chinese(pages: dict[str, str]) -> None:
    """The zh page's severities, outcomes, holders and purposes are Chinese words."""
    zh = pages["zh"]
    assert ">错误</span>" in zh and ">error</span>" not in zh
    rules = _section(zh, "by-rule")
    assert "未通过" in rules and "通过" in rules and ">fail<" not in rules and ">pass<" not in rules
    assert "慈善组织" in _section(zh, "funds") and "charity" not in _section(zh, "funds")
    assert "餐饮招待" in _section(zh, "findings") and "meals" not in _section(zh, "findings")
    assert 'class="muted kind">违规<' in zh  # kinds: breach or obligation, in words
    assert 'class="muted kind">breach<' in pages["en"]


def test_chinese_page_without_cjk_font_says_so(
    report: Report, data: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A zh page drawn without a CJK font says the charts are English, and warns nobody."""
    pytest.importorskip("matplotlib")
    monkeypatch.setattr("reliefkit.report._plots.cjk_font", lambda: None)
    html = report.to_html(lang="zh", dataset=data)  # warnings are errors here
    assert "没有安装中文字体" in _section(html, "plots")
    assert html.count("data:image/png;base64,") == 3


def test_example_page_reads_well() -> None:
    """The example campaign's page: no raw JSON, snake_case keys or shortfall shown as 100%."""
    data = rk.load("examples/county-2015")
    report = rk.check(data, as_of="2015-12-31")
    html = report.to_html(plots=False)
    findings = _section(html, "findings")
    assert "¥3,860.00" in _row(html, "CP114")
    assert "designated account" in _section(html, "funds")
    assert "designated_account" not in html
    assert not re.search(r"<dd>\s*(\[|\{|true|false)", findings)
    poor = [h for h in data.households if h.registered_poor]
    covered = sum(1 for h in poor if h.responsible_person_id is not None)
    assert covered < len(poor)  # a shortfall the total must not hide
    total = _text(_section(html, "coverage").split("<tfoot>")[1].split("</tfoot>")[0])
    tenths = 1000 * covered // len(poor)
    assert total.endswith(f"{len(poor)} {covered} {tenths // 10}.{tenths % 10}%")
    assert "1 warnings" not in html and "1 infos" not in html


def test_docs_show_a_screenshot_of_the_page() -> None:
    """docs/reports.md shows a committed PNG screenshot of the example's HTML report."""
    docs = Path(__file__).resolve().parents[1] / "docs"
    assert "](img/report.png)" in (docs / "reports.md").read_text(encoding="utf-8")
    png = (docs / "img" / "report.png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert int.from_bytes(png[16:20], "big") >= 1000  # wide enough to read the tables
