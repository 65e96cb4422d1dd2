"""Write scenario folders from Python: a pack's scenarios built from records, kept current.

A :class:`ScenarioSpec` is one scenario as Python values — its folder, what it shows, its
campaign (records or a :class:`~reliefkit.models.Dataset`), the date it is judged on, the
packs run and the findings it must give. :func:`write_scenarios` writes each as a folder the
runner reads (``data/`` as :func:`reliefkit.dump` writes it, minus the files of empty tables,
and ``expected.toml``), or with ``check=True`` says how many folders are not what the specs
write; :func:`scenarios_main` is the same as a script's ``main`` with ``--check``.
"""

from __future__ import annotations

import argparse
import datetime
import filecmp
import json
import math
import re
import shutil
import tempfile
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path, PureWindowsPath
from typing import Any

import attrs
import pendulum

from reliefkit._privacy import masked_repr
from reliefkit.exceptions import ScenarioError
from reliefkit.io import dump
from reliefkit.models import Dataset, Money, to_date
from reliefkit.scenarios._expected import parse_expected
from reliefkit.scenarios._run import EXPECTED

Findings = tuple[tuple[str, tuple[str, ...]], ...]


def _findings(value: Iterable[tuple[str, Iterable[str]]]) -> Findings:
    return tuple((code, tuple(subjects)) for code, subjects in value)


def _data(value: Dataset | Iterable[Any]) -> Dataset | tuple[Any, ...]:
    return value if isinstance(value, Dataset) else tuple(value)


def _names(value: Iterable[str] | None) -> tuple[str, ...] | None:
    return None if value is None else tuple(value)


def _folder(_: Any, __: Any, folder: str) -> None:
    parts = folder.replace("\\", "/").split("/")
    if PureWindowsPath(folder).drive or any(part in ("", ".", "..") for part in parts):
        raise ScenarioError(
            f"scenario folder {folder!r}: expected a relative path without . or .., "
            "like 'cp101-cross-township-solicitation'"
        )


@attrs.frozen
class ScenarioSpec:
    """One scenario as Python values.

    ``folder`` is its folder under the root it is written to; ``data`` its campaign, a
    :class:`~reliefkit.models.Dataset` or records (one of them a ``Campaign``);
    ``findings`` the ``(code, subjects)`` pairs that must appear (none: the campaign is
    clean); ``packs`` the packs run (``None``: the registry's default packs); ``tolerate``
    codes whose other findings may appear; ``params`` parameter overrides, written as
    ``[params]``.
    """

    folder: str = attrs.field(validator=_folder)
    description: str
    data: Dataset | tuple[Any, ...] = attrs.field(converter=_data, repr=masked_repr)
    findings: Findings = attrs.field(converter=_findings, repr=masked_repr)
    as_of: pendulum.Date = attrs.field(converter=to_date)
    packs: tuple[str, ...] | None = attrs.field(default=None, converter=_names)
    tolerate: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    params: Mapping[str, Any] = attrs.field(factory=dict, repr=masked_repr)

    def dataset(self) -> Dataset:
        """The campaign as a dataset."""
        if isinstance(self.data, Dataset):
            return self.data
        return Dataset.from_records(self.data)


def _string(text: str) -> str:
    """A TOML basic string: JSON's escapes are TOML's, and DEL, which JSON leaves as it is,
    is escaped too."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007F")


def _array(items: Iterable[Any], where: str) -> str:
    return "[" + ", ".join(_value(item, where) for item in items) + "]"


_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def _key(key: object) -> str:
    text = str(key)
    return text if _BARE_KEY.fullmatch(text) else _string(text)


def _value(value: Any, where: str) -> str:
    """A parameter value as TOML, in a form the runner reads back by the parameter's type
    (a ``Decimal`` or ``Money`` as text, a set as a sorted array)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and math.isfinite(value):
        return repr(value)
    if isinstance(value, Decimal) and value.is_finite():
        return _string(str(value))
    if isinstance(value, Money):
        return _string(str(value.yuan))
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, frozenset | set):
        return _array(sorted(value, key=str), where)
    if isinstance(value, tuple | list):
        return _array(value, where)
    if isinstance(value, Mapping):
        pairs = ", ".join(f"{_key(k)} = {_value(v, where)}" for k, v in value.items())
        return "{ " + pairs + " }" if pairs else "{}"
    raise ScenarioError(f"{where}: {type(value).__name__} cannot be written as a TOML value")


def expected_toml(spec: ScenarioSpec) -> str:
    """The scenario's ``expected.toml``: description, ``as_of``, ``packs`` (unless
    ``None``), ``tolerate`` and ``[params]`` (unless empty), then one ``[[finding]]`` per
    expected finding. The text is read back as the runner reads it, so that what cannot run
    (a code that is no rule code, a finding without subjects) is refused here."""
    lines = [f"description = {_string(spec.description)}", f"as_of = {spec.as_of.isoformat()}"]
    if spec.packs is not None:
        lines.append(f"packs = {_array(spec.packs, spec.folder)}")
    if spec.tolerate:
        lines.append(f"tolerate = {_array(spec.tolerate, spec.folder)}")
    if spec.params:
        lines += ["", "[params]"]
        for name, value in spec.params.items():
            lines.append(f"{_key(name)} = {_value(value, f'{spec.folder}, [params] {name!r}')}")
    for code, subjects in spec.findings:
        lines += [
            "",
            "[[finding]]",
            f"code = {_string(code)}",
            f"subjects = {_array(subjects, spec.folder)}",
        ]
    text = "\n".join(lines) + "\n"
    parse_expected(tomllib.loads(text), f"scenario {spec.folder!r}")
    return text


def write_scenario(spec: ScenarioSpec, root: Path) -> Path:
    """Write one scenario folder under ``root``, replacing what is there; returns it. A spec
    that cannot be written (no campaign, a finding that is no rule code) raises before
    anything is removed."""
    expected, dataset = expected_toml(spec), spec.dataset()
    folder = root / spec.folder
    if folder.exists():
        shutil.rmtree(folder)
    data = dump(dataset, folder / "data")
    for table in data.glob("*.csv"):
        if len(table.read_text(encoding="utf-8").splitlines()) <= 1:
            table.unlink()  # an absent file is a table with no records
    (folder / EXPECTED).write_text(expected, encoding="utf-8")
    return folder


def _same(left: Path, right: Path) -> bool:
    compared = filecmp.dircmp(left, right)
    if compared.left_only or compared.right_only or compared.funny_files:
        return False
    _, differ, errors = filecmp.cmpfiles(left, right, compared.common_files, shallow=False)
    if differ or errors:
        return False
    return all(_same(left / d, right / d) for d in compared.common_dirs)


def stale_scenarios(specs: Iterable[ScenarioSpec], root: str | Path) -> list[str]:
    """The folders of ``specs`` under ``root`` that are missing or not what
    :func:`write_scenarios` would write (byte for byte); nothing is written under ``root``.
    Other folders under ``root`` are left alone."""
    specs = list(specs)
    _unique(specs)
    base = Path(root)
    stale = []
    with tempfile.TemporaryDirectory() as tmp:
        for spec in specs:
            there = base / spec.folder
            if not there.is_dir() or not _same(write_scenario(spec, Path(tmp)), there):
                stale.append(spec.folder)
    return stale


def write_scenarios(specs: Iterable[ScenarioSpec], root: str | Path, *, check: bool = False) -> int:
    """Write each scenario as a folder under ``root`` (replacing it; other folders are left
    alone) and return how many were written; with ``check=True`` write nothing and return
    how many are stale (missing, or not byte for byte what would be written): 0 when the
    folders are current."""
    specs = list(specs)
    if check:
        return len(stale_scenarios(specs, root))
    _unique(specs)
    base = Path(root)
    base.mkdir(parents=True, exist_ok=True)
    for spec in specs:
        write_scenario(spec, base)
    return len(specs)


def _unique(specs: Sequence[ScenarioSpec]) -> None:
    seen: set[str] = set()
    for spec in specs:
        if spec.folder in seen:
            raise ScenarioError(f"scenario folder {spec.folder!r} is written twice")
        seen.add(spec.folder)


def scenarios_main(
    roots: Mapping[Path, Iterable[ScenarioSpec]] | Mapping[str, Iterable[ScenarioSpec]],
    argv: Sequence[str] | None = None,
    *,
    description: str | None = None,
) -> int:
    """A scenario script's ``main``: write each root's scenarios (``roots`` maps a folder to
    the specs written under it) and print how many, or with ``--check`` write nothing and
    print the stale folders; returns the exit status (1: stale)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    check = parser.parse_args(argv).check
    groups = [(Path(root), list(specs)) for root, specs in roots.items()]
    if not check:
        written = sum(write_scenarios(specs, root) for root, specs in groups)
        print(f"wrote {written} scenarios")
        return 0
    stale = [name for root, specs in groups for name in stale_scenarios(specs, root)]
    if stale:
        print(f"stale scenarios: {', '.join(stale)}: run {parser.prog} without --check")
        return 1
    return 0
