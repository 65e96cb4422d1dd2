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
