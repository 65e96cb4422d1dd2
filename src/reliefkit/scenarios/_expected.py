"""``expected.toml``: what a scenario's campaign must give, read strictly.

::

    description = "A township asks another township"   # optional
    as_of = 2015-12-31                                  # a TOML date, or "2015-12-31"
    packs = ["county-plan"]                             # optional: the packs run
    tolerate = ["CP102"]                                # optional: codes whose findings may appear

    [params]                                            # optional: parameter overrides
    forbid_department_to_department = true

    [[finding]]                                         # each finding that must appear
    code = "CP101"
    subjects = ["S1", "T1", "T2"]

A key the format does not know is an error naming the file and the key (a typo must not
pass silently), as is a value of the wrong type.
"""

from __future__ import annotations

import datetime
import difflib
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs
import pendulum

from reliefkit._privacy import masked_repr
from reliefkit.exceptions import ReliefkitError, ScenarioError
from reliefkit.models import to_date
from reliefkit.rules._core import CODE

KEYS = ("as_of", "description", "finding", "packs", "params", "tolerate")
FINDING_KEYS = ("code", "subjects")


@attrs.frozen
class ExpectedFinding:
    """A finding a scenario must give: its code and its subjects (main subject first), the
    finding's identity."""

    code: str
    subjects: tuple[str, ...] = attrs.field(repr=masked_repr)

    @property
    def identity(self) -> tuple[str, tuple[str, ...]]:
        """``(code, subjects)``, as :attr:`reliefkit.rules.Finding.identity`."""
        return (self.code, self.subjects)


@attrs.frozen
class Expected:
    """The contents of an ``expected.toml``."""

    as_of: pendulum.Date
    findings: tuple[ExpectedFinding, ...] = ()
    tolerate: frozenset[str] = frozenset()
    packs: tuple[str, ...] | None = None
    params: Mapping[str, Any] = attrs.field(factory=dict, repr=masked_repr)
    description: str = ""


def read_expected(path: Path) -> Expected:
    """Read and check an ``expected.toml``; a :class:`ScenarioError` names the file and the
    key of any problem."""
    try:
        with path.open("rb") as file:
            document = tomllib.load(file)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{path}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise ScenarioError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    return parse_expected(document, str(path))


def _unknown(keys: Any, known: tuple[str, ...], where: str) -> None:
    for key in keys:
        if key not in known:
            close = difflib.get_close_matches(key, known, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ScenarioError(
                f"{where}: unknown key {key!r}{hint}; the keys are {', '.join(known)}"
            )


def _strings(value: Any, where: str, example: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ScenarioError(f"{where}: expected a list of strings, like {example}")
    return tuple(v.strip() for v in value)


def _codes(value: Any, where: str) -> tuple[str, ...]:
    codes = _strings(value, where, '["CP101"]')
    for code in codes:
        if not CODE.fullmatch(code):
            raise ScenarioError(
                f"{where}: {code!r} is not a rule code (2-4 capitals and three digits: CP101)"
            )
    return codes


def _as_of(value: Any, where: str) -> pendulum.Date:
    if isinstance(value, datetime.datetime | datetime.time):
        raise ScenarioError(f"{where}: expected a date (2015-12-31), not a time of day")
    if not isinstance(value, datetime.date | str):
        raise ScenarioError(f"{where}: expected a date, like as_of = 2015-12-31")
    try:
        return to_date(value)
    except ReliefkitError:
        raise ScenarioError(f"{where}: {value!r} is not a date YYYY-MM-DD") from None


def _param(value: Any) -> Any:
    """A TOML value as the packs read parameters: arrays become tuples."""
    if isinstance(value, list):
        return tuple(_param(v) for v in value)
    return value


def parse_expected(document: Mapping[str, Any], source: str) -> Expected:
    """An :class:`Expected` from a parsed TOML document (``source`` names it in errors)."""
    _unknown(document, KEYS, source)
    if "as_of" not in document:
        raise ScenarioError(f"{source}: key 'as_of' is missing (the date one looks from)")
    as_of = _as_of(document["as_of"], f"{source}, key 'as_of'")
    description = document.get("description", "")
    if not isinstance(description, str):
        raise ScenarioError(f"{source}, key 'description': expected a string")
    packs = None
    if "packs" in document:
        packs = _strings(document["packs"], f"{source}, key 'packs'", '["county-plan"]')
    params = document.get("params", {})
    if not isinstance(params, dict):
        raise ScenarioError(f"{source}, key 'params': expected a table, like [params]")
    tolerate = _codes(document.get("tolerate", []), f"{source}, key 'tolerate'")
    entries = document.get("finding", [])
    if not isinstance(entries, list):
        raise ScenarioError(f"{source}, key 'finding': expected [[finding]] tables")
    findings: list[ExpectedFinding] = []
    for number, entry in enumerate(entries, start=1):
        where = f"{source}, [[finding]] {number}"
        if not isinstance(entry, dict):
            raise ScenarioError(f"{where}: expected a table with code and subjects")
        _unknown(entry, FINDING_KEYS, where)
        for key in FINDING_KEYS:
            if key not in entry:
                raise ScenarioError(f"{where}: key {key!r} is missing")
        code = entry["code"]
        if not isinstance(code, str):
            raise ScenarioError(f"{where}, key 'code': expected a string, like code = \"CP101\"")
        (code,) = _codes([code], f"{where}, key 'code'")
        subjects = _strings(entry["subjects"], f"{where}, key 'subjects'", '["S1", "T1"]')
        if not subjects:
            raise ScenarioError(f"{where}, key 'subjects': a finding has at least one subject")
        found = ExpectedFinding(code, subjects)
        if found in findings:
            raise ScenarioError(f"{where}: the same finding is listed twice")
        findings.append(found)
    return Expected(
        as_of=as_of,
        findings=tuple(findings),
        tolerate=frozenset(tolerate),
        packs=packs,
        params={str(k): _param(v) for k, v in params.items()},
        description=description.strip(),
    )
