"""The reliefkit pytest plugin (entry point ``pytest11``).

It offers ``assert_compliant`` (also as a fixture) and an ``example_campaign`` fixture built by
the generator shipped in the package. Nothing here imports Hypothesis, so the plugin never
breaks a user's pytest when the ``testing`` extra is absent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from reliefkit.models import Dataset
    from reliefkit.report import Report


def format_findings(report: Report, *, lang: str = "en") -> str:
    """The report's findings, one readable line each."""
    return "\n".join(
        f"  {f.code} [{f.severity.value}] {', '.join(f.subjects)}: {f.localized_message(lang)}"
        for f in report.findings
    )


def assert_compliant(report: Report, *, severities: tuple[str, ...] = ("error", "warning", "info")) -> None:
    """Fail with a readable list of findings when the report has any of ``severities``."""
    bad = [f for f in report.findings if f.severity.value in severities]
    if bad or report.rule_errors:
        lines = [f"expected a compliant campaign, got {len(bad)} finding(s):", format_findings(report)]
        lines += [f"  rule {c} raised: {e}" for c, e in sorted(report.rule_errors.items())]
        pytest.fail("\n".join(lines), pytrace=False)


@pytest.fixture(name="assert_compliant")
def _assert_compliant_fixture() -> Any:
    """The ``assert_compliant`` helper as a fixture."""
    return assert_compliant


@pytest.fixture(scope="session")
def example_campaign() -> Dataset:
    """The example campaign ``county-2015`` (seeded, built by the shipped generator)."""
    from reliefkit.examples import county_2015

    return county_2015()
