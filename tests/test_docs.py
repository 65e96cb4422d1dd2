"""The docs: every ```python block of docs/*.md runs, and the site builds with --strict."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PAGES = sorted(DOCS.glob("*.md"))

# A fenced python block; "before" is the line before it (blank lines between are allowed),
# where a skip marker may stand.
_BLOCK = re.compile(
    r"(?ms)^(?P<before>[^\n]*\n(?:[ \t]*\n)*)?[ \t]*```python[^\n]*\n(?P<code>.*?)^[ \t]*```[ \t]*$"
)
_SKIP = "<!-- skip -->"


def python_blocks(text: str) -> list[tuple[int, str]]:
    """The runnable python blocks of a page: (line number, code), skipping marked ones."""
    blocks = []
    for match in _BLOCK.finditer(text):
        if (match.group("before") or "").strip() == _SKIP:
            continue
        line = text.count("\n", 0, match.start("code")) + 1
        blocks.append((line, match.group("code")))
    return blocks


def test_block_extraction() -> None:
    """Blocks are found in order; a block after a skip marker (blank lines aside) is left out."""
    text = (
        "a\n```python\nx = 1\n```\n<!-- skip -->\n```python\nboom()\n```\n"
        "<!-- skip -->\n\n```python\nboom()\n```\ntext\n\n```python\ny = x\n```\n"
    )
    assert [code for _, code in python_blocks(text)] == ["x = 1\n", "y = x\n"]


def test_every_page_is_in_the_nav() -> None:
    """mkdocs.yml lists every page of docs/."""
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    for page in PAGES:
        assert f" {page.name}" in nav, page.name


@pytest.mark.parametrize("page", PAGES, ids=[p.stem for p in PAGES])
def test_page_examples_run(page: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A page's python blocks run in order in one namespace, from the repository root."""
    text = page.read_text(encoding="utf-8")
    monkeypatch.chdir(ROOT)
    namespace: dict[str, object] = {"__name__": f"docs.{page.stem}"}
    for line, code in python_blocks(text):
        compiled = compile(code, f"{page.relative_to(ROOT)}:{line}", "exec")
        try:
            exec(compiled, namespace)
        except Exception as exc:
            raise AssertionError(f"{page.name}, block at line {line} failed: {exc!r}") from exc


@pytest.mark.slow
def test_site_builds_strict(tmp_path: Path) -> None:
    """``mkdocs build --strict`` succeeds (skipped when mkdocs is not installed)."""
    if importlib.util.find_spec("mkdocs") is None or importlib.util.find_spec("material") is None:
        pytest.skip("mkdocs-material is not installed")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(tmp_path / "site")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "site" / "reports" / "index.html").exists()


def test_rule_reference_is_current() -> None:
    """docs/rules.md is generated from the registry; regenerate it with
    ``python -m reliefkit.rules.docs`` when a rule, its docstring or a parameter changes."""
    from reliefkit.rules._docs import rules_markdown

    assert (DOCS / "rules.md").read_text(encoding="utf-8") == rules_markdown(), (
        "docs/rules.md is stale: run `python -m reliefkit.rules.docs`"
    )
