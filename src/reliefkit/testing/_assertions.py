"""``assert_compliant``: fail a test with a readable list of findings.

Kept free of Hypothesis and of a pytest import at module level: the pytest plugin and
``reliefkit.testing`` share it, and neither may break when an optional extra is missing.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from reliefkit.models import Dataset
    from reliefkit.report import Report

SEVERITIES = ("error", "warning", "info")


def format_findings(report: Report, *, lang: str = "en") -> str:
    """The report's findings, one readable line each: code, severity, subjects, message."""
    return "\n".join(
        f"  {f.code} [{f.severity.value}] {', '.join(f.subjects)}: {f.localized_message(lang)}"
        for f in report.findings
    )


def _fail(message: str) -> NoReturn:
    # Inside pytest, fail without a traceback into this helper; elsewhere, a plain assertion.
    pytest = sys.modules.get("pytest")
    if pytest is not None:
        pytest.fail(message, pytrace=False)
    raise AssertionError(message)


def assert_compliant(
    report_or_dataset: Report | Dataset,
    *,
    as_of: Any = None,
    severities: str | Iterable[str] = SEVERITIES,
    lang: str = "en",
) -> None:
    """Fail with a readable list of findings when a report (or a dataset, checked on
    ``as_of``) has a finding of one of ``severities``, or a rule that raised.

    ``severities`` defaults to all three; pass ``("error",)`` (or ``"error"``) to tolerate
    warnings and infos.
    """
    from reliefkit.models import Dataset

    # One severity is that severity, as select="CP101" is that code.
    wanted = (severities,) if isinstance(severities, str) else tuple(severities)
    unknown = set(wanted) - set(SEVERITIES)
    if unknown:
        raise ValueError(f"severities={wanted!r}: expected some of {SEVERITIES!r}")
    if isinstance(report_or_dataset, Dataset):
        if as_of is None:
            raise TypeError("assert_compliant(dataset): pass as_of=, the day to check on")
        from reliefkit.engine import check

        report = check(report_or_dataset, as_of=as_of)
    else:
        report = report_or_dataset
    bad = [f for f in report.findings if f.severity.value in wanted]
    if bad or report.rule_errors:
        lines = [
            f"expected a compliant campaign on {report.as_of.isoformat()}, got "
            f"{len(bad)} finding(s) of severity {'/'.join(wanted)}:"
        ]
        lines += [
            f"  {f.code} [{f.severity.value}] {', '.join(f.subjects)}: {f.localized_message(lang)}"
            for f in bad
        ]
        lines += [f"  rule {c} raised: {e}" for c, e in sorted(report.rule_errors.items())]
        _fail("\n".join(lines))


__all__ = ["SEVERITIES", "assert_compliant", "format_findings"]
