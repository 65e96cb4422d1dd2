"""Scenario results as text, for ``reliefkit test`` and for assertion messages.

Everything printed from the data (ids, messages, errors, paths) passes the personal-data
boundary (:func:`reliefkit._privacy.printable`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from reliefkit._privacy import printable
from reliefkit.rules import Finding
from reliefkit.scenarios._expected import ExpectedFinding
from reliefkit.scenarios._run import ScenarioResult, Status

INDENT = "      "


def _subjects(subjects: Iterable[str]) -> str:
    return ", ".join(subjects)


def finding_line(finding: Finding | ExpectedFinding) -> str:
    """``CP101 S1, T1, T2`` (and the message of a finding that appeared)."""
    line = f"{finding.code} {_subjects(finding.subjects)}"
    if isinstance(finding, Finding):
        line += f": {finding.message}"
    return printable(line)


def explain_lines(result: ScenarioResult) -> list[tuple[str, str]]:
    """``(style, text)`` lines: the status and name, then the difference, one item a line."""
    status = result.status
    head = f"{status.value.upper():<5} {printable(result.name)}"
    lines = [(status.value, head)]
    if status is Status.ERROR:
        for text in printable(result.error or "", newlines=True).splitlines():
            lines.append(("error", f"{INDENT}{text}"))
        return lines
    for finding in result.missing:
        lines.append(("fail", f"{INDENT}missing:    {finding_line(finding)}"))
    for found in result.unexpected:
        lines.append(("fail", f"{INDENT}unexpected: {finding_line(found)}"))
    for code, error in sorted(result.rule_errors.items()):
        lines.append(("fail", f"{INDENT}rule error: {code}: {printable(error)}"))
    if status is Status.FAIL:
        for notice in result.notices:
            lines.append(("dim", f"{INDENT}notice:     {printable(notice)}"))
    return lines


def explain(result: ScenarioResult) -> str:
    """A result as text: its status and name, then what is missing or unexpected."""
    return "\n".join(text for _, text in explain_lines(result))


def summary(results: Sequence[ScenarioResult]) -> str:
    """``27 scenarios: 26 passed, 1 failed``."""
    counts = {s: sum(1 for r in results if r.status is s) for s in Status}
    parts = [f"{counts[Status.PASS]} passed"]
    if counts[Status.FAIL]:
        parts.append(f"{counts[Status.FAIL]} failed")
    if counts[Status.ERROR]:
        parts.append(f"{counts[Status.ERROR]} could not run")
    noun = "scenario" if len(results) == 1 else "scenarios"
    return f"{len(results)} {noun}: {', '.join(parts)}"
