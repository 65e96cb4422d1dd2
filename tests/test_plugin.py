"""The pytest plugin: ``assert_compliant`` fails readably; the ``example_campaign`` fixture."""

from __future__ import annotations

import pytest

from reliefkit.engine import check
from reliefkit.models import Campaign, Dataset, Township
from reliefkit.testing import assert_compliant
from reliefkit.testing.plugin import format_findings

pytest_plugins = ["pytester"]

# A campaign with one township and nothing else: no work plan (CP104), no ceremony (CP106).
BROKEN = """
from reliefkit.engine import check
from reliefkit.models import Campaign, Dataset, Township

def broken():
    campaign = Campaign(id="C", year=2015, starts_on="2015-09-01", ends_on="2015-12-31")
    return Dataset.build(campaign, townships=[Township(id="T1", name="龙潭镇", kind="town")])
"""


def _broken() -> Dataset:
    campaign = Campaign(id="C", year=2015, starts_on="2015-09-01", ends_on="2015-12-31")
    return Dataset.build(campaign, townships=[Township(id="T1", name="龙潭镇", kind="town")])


def test_failure_lists_findings_readably(pytester: pytest.Pytester) -> None:
    """A failing assert_compliant prints one line per finding: code, severity, subjects, message."""
    pytester.makepyfile(
        BROKEN
        + """
def test_campaign(assert_compliant):
    assert_compliant(check(broken(), as_of="2015-10-10"))
"""
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*expected a compliant campaign on 2015-10-10, got 1 finding(s)*",
            "*CP104 [[]error[]] T1: Township T1 has no work plan for the campaign (due by*",
        ]
    )
    # pytrace=False: the report is the message, not a traceback into the helper.
    result.stdout.no_fnmatch_line("*_assertions.py*")


def test_dataset_form_checks_on_as_of(pytester: pytest.Pytester) -> None:
    """assert_compliant(dataset, as_of=...) checks the dataset itself."""
    pytester.makepyfile(
        BROKEN
        + """
from reliefkit.testing import assert_compliant

def test_campaign():
    assert_compliant(broken(), as_of="2015-12-31")
"""
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*CP104 [[]error[]] T1:*", "*CP106 [[]error[]] T1:*"])


def test_fixtures_are_offered(pytester: pytest.Pytester) -> None:
    """The plugin registers the assert_compliant and example_campaign fixtures."""
    result = pytester.runpytest("--fixtures")
    result.stdout.fnmatch_lines(["*assert_compliant*", "*example_campaign*"])


def test_passes_when_compliant() -> None:
    """A report without findings passes; severities narrows what counts."""
    empty = Dataset.build(Campaign(id="C", year=2015, starts_on="2015-09-01", ends_on="2015-12-31"))
    assert_compliant(check(empty, as_of="2015-10-01"))
    report = check(_broken(), as_of="2015-10-01")
    with pytest.raises(pytest.fail.Exception):
        assert_compliant(report, severities=("error",))
    assert_compliant(report, severities=("info",))


def test_misuse_is_refused() -> None:
    """A dataset needs an as_of; an unknown severity is an error."""
    with pytest.raises(TypeError, match="as_of"):
        assert_compliant(_broken())
    with pytest.raises(ValueError, match="severities"):
        assert_compliant(check(_broken(), as_of="2015-10-01"), severities=("fatal",))


def test_format_findings_one_line_each() -> None:
    """format_findings renders each finding on its own line, in English or Chinese."""
    report = check(_broken(), as_of="2015-12-31")
    lines = format_findings(report).splitlines()
    assert len(lines) == len(report.findings) == 3  # CP104, CP106, CP108
    assert "乡镇 T1" in format_findings(report, lang="zh")


def test_example_campaign_fixture(pytester: pytest.Pytester) -> None:
    """The example_campaign fixture gives the shipped example as a Dataset."""
    pytester.makepyfile(
        """
from reliefkit.models import Dataset

def test_example(example_campaign):
    assert isinstance(example_campaign, Dataset)
    assert example_campaign.campaign.year == 2015
"""
    )
    pytester.runpytest().assert_outcomes(passed=1)
