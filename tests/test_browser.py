"""The HTML report renders in headless Chromium with every section (marker ``browser``)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

import reliefkit as rk
from campaigns import build, drop, replace
from reliefkit.report._html import SECTION_IDS

pytestmark = pytest.mark.browser

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)

# What the rendered page says, in each language: plurals, folded townships, words.
SAYS = {
    "en": ("3 errors", "1 township with no finding", "¥2,000.00", "purpose</dt><dd>meals"),
    "zh": ("3 项错误", "1 个乡镇未发现问题", "¥2,000.00", "用途</dt><dd>餐饮招待"),
}

HEADINGS = {
    "en": ("Summary", "Findings", "Waived findings", "Fund balances", "Coverage", "Charts"),
    "zh": ("概况", "问题清单", "已豁免的问题", "资金收支", "帮扶覆盖情况", "图表"),
}


def _chromium() -> str | None:
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _dump_dom(browser: str, page: Path, profile: Path) -> str:
    result = subprocess.run(
        [browser, *FLAGS, f"--user-data-dir={profile}", "--dump-dom", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stdout


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_report_renders_in_chromium(tmp_path: Path, lang: str) -> None:
    """Chromium's rendered DOM has every section id, the language's headings and the charts."""
    browser = _chromium()
    if browser is None:
        pytest.skip("chromium is not installed")
    data = build(
        {
            **replace("households", "H3", responsible_person_id=None),
            **drop("work_teams", "W3"),
            **replace("disbursements", "B3", purpose="meals"),
        }
    )
    report = rk.check(data, as_of="2015-12-31")
    page = tmp_path / f"report-{lang}.html"
    page.write_text(report.to_html(lang=lang, dataset=data), encoding="utf-8")
    dom = _dump_dom(browser, page, tmp_path / "profile")
    assert f'lang="{"zh-CN" if lang == "zh" else "en"}"' in dom
    for section in SECTION_IDS:
        assert f'id="{section}"' in dom, section
    for heading in HEADINGS[lang]:
        assert f">{heading}</h2>" in dom, heading
    assert dom.count("data:image/png;base64,") == 3
    assert "CP110" in dom and "CP114" in dom and "CP109" in dom
    for text in SAYS[lang]:
        assert text in dom, text


def test_screenshot_of_the_report(tmp_path: Path) -> None:
    """``chromium --headless --screenshot`` (as docs/reports.md makes its image) gives a PNG."""
    browser = _chromium()
    if browser is None:
        pytest.skip("chromium is not installed")
    data = build(replace("disbursements", "B3", purpose="meals"))
    page = tmp_path / "report.html"
    page.write_text(rk.check(data, as_of="2015-12-31").to_html(plots=False), encoding="utf-8")
    shot = tmp_path / "report.png"
    subprocess.run(
        [
            browser,
            *FLAGS,
            f"--user-data-dir={tmp_path / 'profile'}",
            "--hide-scrollbars",
            "--window-size=1240,900",
            f"--screenshot={shot}",
            page.as_uri(),
        ],
        capture_output=True,
        timeout=120,
        check=True,
    )
    png = shot.read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert int.from_bytes(png[16:20], "big") == 1240  # the IHDR width
