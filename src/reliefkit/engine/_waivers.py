"""Waivers: which are valid on ``as_of``, what they exempt, and the engine's own findings.

Engine codes: RK001 invalid waiver (not granted by the leading group, or names no rule),
RK002 expired waiver, RK003 unused waiver.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs
import pendulum

from reliefkit.models import Department, Queries, Sector, Waiver
from reliefkit.rules import Citation, Finding, Severity

_CITE = (Citation("data-format", "waivers.csv", "only the county leading group grants waivers"),)

ENGINE_CODES: dict[str, tuple[Severity, str, str, str]] = {
    "RK001": (
        Severity.ERROR,
        "invalid-waiver",
        "A waiver not granted by the county leading group, or naming no known rule",
        "Have the leading group office grant the waiver, and name an existing rule code.",
    ),
    "RK002": (
        Severity.WARNING,
        "expired-waiver",
        "A waiver whose end date has passed on as_of",
        "Renew the waiver with the leading group, or fix the finding it covered.",
    ),
    "RK003": (
        Severity.INFO,
        "unused-waiver",
        "A valid waiver that exempts no finding",
        "Remove the waiver: nothing needs it any more.",
    ),
}


def _finding(
    code: str, waiver: Waiver, message: str, message_zh: str, **evidence: object
) -> Finding:
    severity, name, _, remedy = ENGINE_CODES[code]
    return Finding(
        code=code,
        severity=severity,
        subjects=(waiver.id,),
        message=message,
        message_zh=message_zh,
        evidence={"waived_code": waiver.code, "subject": waiver.subject_id, **evidence},
        citations=_CITE,
        remedy=remedy,
        remedy_zh=remedy,
        name=name,
    )


@attrs.frozen
class WaiverBook:
    """Valid waivers by (code, subject), and the findings about waivers themselves."""

    valid: dict[tuple[str, str], Waiver]
    problems: tuple[Finding, ...]

    def waiver_for(self, finding: Finding) -> Waiver | None:
        """The valid waiver exempting this finding (its main subject), if any."""
        return self.valid.get((finding.code, finding.subjects[0]))


def read_waivers(
    ds: Queries, waivers: Iterable[Waiver], as_of: pendulum.Date, known_codes: set[str]
) -> WaiverBook:
    """Sort waivers into valid ones and RK001/RK002 findings."""
    valid: dict[tuple[str, str], Waiver] = {}
    problems: list[Finding] = []
    for waiver in waivers:
        grantor = ds.get(waiver.granted_by)
        if not (isinstance(grantor, Department) and grantor.sector is Sector.LEADING_GROUP):
            problems.append(
                _finding(
                    "RK001",
                    waiver,
                    f"Waiver {waiver.id} was granted by {waiver.granted_by or 'nobody'}, not by the "
                    "county leading group.",
                    f"豁免 {waiver.id} 并非由县扶贫开发领导小组批准。",
                    granted_by=waiver.granted_by,
                )
            )
        elif waiver.code.upper() not in known_codes:
            problems.append(
                _finding(
                    "RK001",
                    waiver,
                    f"Waiver {waiver.id} names no known rule {waiver.code!r}.",
                    f"豁免 {waiver.id} 所指规则 {waiver.code} 不存在。",
                )
            )
        elif waiver.until < as_of:
            problems.append(
                _finding(
                    "RK002",
                    waiver,
                    f"Waiver {waiver.id} expired on {waiver.until.isoformat()}.",
                    f"豁免 {waiver.id} 已于 {waiver.until.isoformat()} 到期。",
                    until=waiver.until.isoformat(),
                    as_of=as_of.isoformat(),
                )
            )
        else:
            valid[(waiver.code.upper(), waiver.subject_id)] = waiver
    return WaiverBook(valid, tuple(problems))


def unused(book: WaiverBook, used: set[tuple[str, str]], ran: set[str]) -> list[Finding]:
    """RK003 for each valid waiver of a rule that ran and exempted nothing."""
    return [
        _finding("RK003", w, f"Waiver {w.id} exempts no finding.", f"豁免 {w.id} 未豁免任何问题。")
        for key, w in sorted(book.valid.items())
        if key not in used and key[0] in ran
    ]
