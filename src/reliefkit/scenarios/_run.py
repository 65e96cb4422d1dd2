"""Run scenarios: load each campaign, check it, and compare the findings with the expected.

A scenario passes when every expected finding appears (same code, same subjects, in order)
and every other finding has a tolerated code, and no rule raised. A scenario that cannot run
(a bad ``expected.toml``, data that does not load, an unknown pack, code or parameter) is an
error, not a failure: its :attr:`ScenarioResult.error` says why.
"""

from __future__ import annotations

import difflib
import os
import sys
from collections.abc import Iterator, Mapping
from enum import StrEnum
from pathlib import Path
from typing import Any

import attrs

from reliefkit._privacy import masked_repr
from reliefkit.engine import check
from reliefkit.exceptions import ParameterError, ReliefkitError, ScenarioError, UnknownRuleError
from reliefkit.io import load_with_notices
from reliefkit.rules import Finding, Pack, Parameter, Registry, default_registry
from reliefkit.rules._registry import missing_code, missing_pack
from reliefkit.scenarios._expected import Expected, ExpectedFinding, read_expected
from reliefkit.scenarios._params import coerce, example_of

EXPECTED = "expected.toml"
"""The file that makes a folder a scenario."""

DATA = ("data", "data.json")
"""Where a scenario's campaign is: a folder of CSV files, or one JSON file."""

FOLDER = "scenarios"
"""The folder beside a pack's rule modules that holds its scenarios (package data)."""


@attrs.frozen
class Scenario:
    """A scenario folder: its name, its campaign's path and what it must give."""

    name: str
    path: Path
    data: Path
    expected: Expected


class Status(StrEnum):
    """How a scenario ended: ``pass``, ``fail`` (a finding missing or unexpected, or a rule
    that raised) or ``error`` (it could not run)."""

    PASS = "pass"
    FAIL = "fail"
    ERROR = "error"


@attrs.frozen
class ScenarioResult:
    """What running one scenario gave.

    ``missing`` are the expected findings that did not appear; ``unexpected`` the findings
    neither expected nor tolerated; ``tolerated`` those of tolerated codes; ``found`` the
    expected findings that appeared. ``str(result)`` explains it, personal data masked.
    """

    name: str
    path: Path
    missing: tuple[ExpectedFinding, ...] = ()
    unexpected: tuple[Finding, ...] = attrs.field(default=(), repr=masked_repr)
    tolerated: tuple[Finding, ...] = attrs.field(default=(), repr=masked_repr)
    found: tuple[Finding, ...] = attrs.field(default=(), repr=masked_repr)
    rule_errors: Mapping[str, str] = attrs.field(factory=dict, repr=masked_repr)
    notices: tuple[str, ...] = attrs.field(default=(), repr=masked_repr)
    error: str | None = attrs.field(default=None, repr=masked_repr)

    @property
    def status(self) -> Status:
        """``pass``, ``fail`` or ``error``."""
        if self.error is not None:
            return Status.ERROR
        if self.missing or self.unexpected or self.rule_errors:
            return Status.FAIL
        return Status.PASS

    @property
    def passed(self) -> bool:
        """Whether the scenario passed."""
        return self.status is Status.PASS

    def __str__(self) -> str:
        from reliefkit.scenarios._text import explain

        return explain(self)


def load_scenario(path: str | os.PathLike[str], *, name: str | None = None) -> Scenario:
    """Read a scenario folder (``expected.toml`` beside ``data/`` or ``data.json``); a
    :class:`~reliefkit.exceptions.ScenarioError` says what is wrong with it."""
    folder = Path(path)
    expected_file = folder / EXPECTED
    if not expected_file.is_file():
        raise ScenarioError(f"{folder}: not a scenario (no {EXPECTED})")
    data = [folder / d for d in DATA if (folder / d).exists()]
    if not data:
        raise ScenarioError(f"{folder}: no campaign: expected a folder data/ or a file data.json")
    if len(data) > 1:
        raise ScenarioError(f"{folder}: both data/ and data.json: keep one campaign")
    return Scenario(name or folder.name, folder, data[0], read_expected(expected_file))


def find_scenarios(path: str | os.PathLike[str]) -> list[Path]:
    """The scenario folders at or under ``path``, sorted (a scenario's own folders are not
    searched: its ``data/`` holds no scenario)."""
    root = Path(path)
    if not root.exists():
        raise ScenarioError(f"{root}: no such folder")
    if (root / EXPECTED).is_file():
        return [root]
    if not root.is_dir():
        raise ScenarioError(f"{root}: not a folder of scenarios")
    found: list[Path] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "__")))
        if EXPECTED in files:
            found.append(Path(folder))
            dirs[:] = []
    return sorted(found)


def _checked(expected: Expected, registry: Registry, source: Path) -> Expected:
    """``expected`` checked against the registry, its ``[params]`` read by the parameters'
    types: a pack, code or parameter nobody has (with the nearest, and whether the pack is
    installed) or a finding of a pack the scenario does not run is a :class:`ScenarioError`
    naming the file and the key."""
    run: list[Pack] = []
    for name in expected.packs or registry.default_packs:
        try:
            run.append(registry.pack(name))
        except UnknownRuleError:
            raise ScenarioError(
                f"{source}, key 'packs': {name!r}: {missing_pack(name, registry)}"
            ) from None
    run += [p for p in registry.always if p not in run]
    codes = registry.codes()
    listed = [(f"[[finding]] {i}", f.code) for i, f in enumerate(expected.findings, start=1)]
    listed += [("key 'tolerate'", code) for code in sorted(expected.tolerate)]
    running = {code for pack in run for code in pack.rules}
    for where, code in listed:
        if code not in codes:
            raise ScenarioError(f"{source}, {where}: {missing_code(code, registry)}")
        if where.startswith("[[finding]]") and code not in running:
            owner = next(p.name for p in registry.packs() if code in p.rules)
            raise ScenarioError(
                f"{source}, {where}: {code} is a rule of pack {owner!r}, which the scenario "
                f"does not run: add it to packs (packs = {_names(run, owner)})"
            )
    return attrs.evolve(expected, params=_params(expected.params, run, source))


def _names(run: list[Pack], owner: str) -> str:
    names = [p.name for p in run if not p.always] + [owner]
    return "[" + ", ".join(f'"{n}"' for n in names) + "]"


def _params(given: Mapping[str, Any], run: list[Pack], source: Path) -> dict[str, Any]:
    """``[params]`` read by the types of the parameters of the packs run."""
    known: dict[str, Parameter] = {}
    for pack in run:
        for name, declared in pack.parameters.items():
            known.setdefault(name, declared)
    out: dict[str, Any] = {}
    for name, value in given.items():
        parameter = known.get(name)
        if parameter is None:
            close = difflib.get_close_matches(name, sorted(known), n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise ScenarioError(
                f"{source}, [params]: no parameter {name!r} in the packs run{hint}; their "
                f"parameters: {', '.join(sorted(known))}"
            )
        try:
            out[name] = coerce(example_of(parameter), value)
            for pack in run:  # each pack run that reads the name must accept the value
                own = pack.parameters.get(name)
                if own is not None and own.check is not None:
                    own.check(out[name])
        except (ValueError, TypeError) as exc:
            raise ScenarioError(f"{source}, [params], key {name!r}: {exc}") from None
    return out


def run_scenario(
    path: str | os.PathLike[str] | Scenario,
    *,
    registry: Registry | None = None,
    name: str | None = None,
) -> ScenarioResult:
    """Run one scenario; a scenario that cannot run gives a result with ``error`` set."""
    registry = registry or default_registry()
    folder = path.path if isinstance(path, Scenario) else Path(path)
    label = name or (path.name if isinstance(path, Scenario) else folder.name)
    try:
        scenario = path if isinstance(path, Scenario) else load_scenario(folder, name=label)
        expected = _checked(scenario.expected, registry, folder / EXPECTED)
        dataset, notices = load_with_notices(scenario.data)
        try:
            report = check(
                dataset,
                as_of=expected.as_of,
                packs=expected.packs,
                params=expected.params,
                registry=registry,
            )
        except ParameterError as exc:  # a value the pack refuses: say which file
            raise ScenarioError(f"{folder / EXPECTED}, [params]: {exc}") from None
    except ReliefkitError as exc:
        return ScenarioResult(label, folder, error=str(exc))
    return compare(label, folder, expected, report.findings, report.rule_errors, notices)


def compare(
    name: str,
    path: Path,
    expected: Expected,
    findings: tuple[Finding, ...],
    rule_errors: Mapping[str, str] | None = None,
    notices: tuple[object, ...] = (),
) -> ScenarioResult:
    """The result of a scenario whose check gave ``findings``."""
    wanted = {f.identity: f for f in expected.findings}
    seen = {f.identity for f in findings}
    found = tuple(f for f in findings if f.identity in wanted)
    others = [f for f in findings if f.identity not in wanted]
    return ScenarioResult(
        name=name,
        path=path,
        missing=tuple(f for f in expected.findings if f.identity not in seen),
        unexpected=tuple(f for f in others if f.code not in expected.tolerate),
        tolerated=tuple(f for f in others if f.code in expected.tolerate),
        found=found,
        rule_errors=dict(rule_errors or {}),
        notices=tuple(str(n) for n in notices),
    )


def run_scenarios(
    path: str | os.PathLike[str], *, registry: Registry | None = None
) -> list[ScenarioResult]:
    """Run the scenario at ``path``, or every scenario under it (sorted by folder); each is
    named by its folder's path under ``path``. A path with no scenario raises
    :class:`~reliefkit.exceptions.ScenarioError`."""
    root = Path(path)
    folders = find_scenarios(root)
    if not folders:
        raise ScenarioError(
            f"{root}: no scenario found (a scenario is a folder holding {EXPECTED} and data/)"
        )
    registry = registry or default_registry()
    return [run_scenario(folder, registry=registry, name=_name(folder, root)) for folder in folders]


def _name(folder: Path, root: Path) -> str:
    if folder == root:
        return folder.name
    return folder.relative_to(root).as_posix()


def scenarios_of(pack: Pack) -> Path | None:
    """The folder of a pack's own scenarios, by the package-data convention: the folder
    ``scenarios`` beside the pack's rule modules (``reliefkit/rules/county_plan/scenarios``);
    ``None`` when there is none."""
    for directory in _rule_folders(pack):
        folder = directory / FOLDER
        if folder.is_dir():
            return folder
    return None


def _rule_folders(pack: Pack) -> Iterator[Path]:
    seen: set[Path] = set()
    for rule in pack:
        module = sys.modules.get(getattr(rule.judge, "__module__", "") or "")
        file = getattr(module, "__file__", None)
        if file is None:
            continue
        directory = Path(file).resolve().parent
        if directory not in seen:
            seen.add(directory)
            yield directory
