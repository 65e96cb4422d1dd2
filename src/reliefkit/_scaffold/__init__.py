"""``reliefkit new-pack``: write an installable rule-pack project from templates.

The templates (``templates/``, package data, filled with :class:`string.Template`) make a
project that uses exactly the kit the built-in packs use: a ``Pack`` in ``_pack.py``, one
rule module ``<code>_<name>.py`` with its doc sections, texts in English and Chinese and a
recipe, the ``reliefkit.packs`` entry point in ``pyproject.toml``, scenarios and tests.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

import attrs

from reliefkit.rules._core import PREFIX

__all__ = ["NAME", "Project", "derive_prefix", "project", "write_project"]

NAME = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
"""A pack name: lower-case words joined by hyphens (``my-county``)."""

RULE_NAME = "solicitation-on-a-rest-day"
"""The sample rule's name."""

TITLE_ZH = "（县名）扶贫日工作方案"
"""The Chinese title a new pack starts with: a placeholder for the document's own title."""


@attrs.frozen
class Project:
    """What a new pack project is called, everywhere it is named."""

    name: str
    prefix: str
    distribution: str
    package: str
    code: str
    title: str
    title_zh: str
    reliefkit_version: str

    @property
    def module(self) -> str:
        """The sample rule's module: ``<code>_<name>``."""
        return f"{self.code.lower()}_{RULE_NAME.replace('-', '_')}"

    @property
    def scenario(self) -> str:
        """The sample scenario's folder: ``<code>-<name>``."""
        return f"{self.code.lower()}-{RULE_NAME}"

    def values(self) -> dict[str, str]:
        """The template variables."""
        return {
            "name": self.name,
            "prefix": self.prefix,
            "distribution": self.distribution,
            "package": self.package,
            "code": self.code,
            "title": self.title,
            "title_zh": self.title_zh,
            "reliefkit_version": self.reliefkit_version,
            "module": self.module,
            "rule_name": RULE_NAME,
            "function": RULE_NAME.replace("-", "_"),
        }


def derive_prefix(name: str, taken: Iterable[str] = ()) -> str | None:
    """A prefix of 2-4 capitals from a pack name, not overlapping ``taken`` prefixes: the
    initials of its words (``my-county`` → ``MC``), else its first letters (``qingshan`` →
    ``QI``, ``QIN``, ``QING``); ``None`` when none is free."""
    words = [w for w in name.split("-") if w]
    letters = "".join(c for c in name if c.isalpha()).upper()
    initials = "".join(w[0] for w in words if w[0].isalpha()).upper()[:4]
    candidates = [initials] if len(initials) >= 2 else []
    candidates += [letters[:n] for n in (2, 3, 4)]
    used = list(taken)
    for candidate in candidates:
        if PREFIX.fullmatch(candidate) and not any(
            candidate.startswith(t) or t.startswith(candidate) for t in used
        ):
            return candidate
    return None


def project(name: str, prefix: str, *, reliefkit_version: str = "0.1") -> Project:
    """The names of a new pack ``name`` (``my-county``) with ``prefix`` (``MC``); its titles
    are placeholders (``My county plan``, ``（县名）扶贫日工作方案``) the author replaces."""
    words = name.replace("-", " ")
    return Project(
        name=name,
        prefix=prefix,
        distribution=f"reliefkit-pack-{name}",
        package=f"reliefkit_pack_{name.replace('-', '_')}",
        code=f"{prefix}101",
        title=f"{words[:1].upper()}{words[1:]} plan",
        title_zh=TITLE_ZH,
        reliefkit_version=reliefkit_version,
    )


def _template(name: str) -> string.Template:
    text = resources.files(__package__).joinpath("templates", name).read_text(encoding="utf-8")
    return string.Template(text)


def files(p: Project) -> dict[str, str]:
    """Every file of the project: its path (``/``-separated) and its text."""
    values = p.values()
    package = f"src/{p.package}"
    out = {
        "pyproject.toml": "pyproject.toml.tmpl",
        "README.md": "README.md.tmpl",
        f"{package}/__init__.py": "package_init.py.tmpl",
        f"{package}/_pack.py": "pack.py.tmpl",
        f"{package}/{p.module}.py": "rule.py.tmpl",
        f"tests/test_{p.package}.py": "test_pack.py.tmpl",
        f"scenarios/{p.scenario}/expected.toml": "expected.toml.tmpl",
        f"scenarios/{p.code.lower()}-allows-a-working-day/expected.toml": (
            "expected_compliant.toml.tmpl"
        ),
    }
    written = {path: _template(name).substitute(values) for path, name in out.items()}
    for table in ("activities", "campaign", "donors", "solicitations", "townships"):
        template = _template(f"data/{table}.csv.tmpl")
        for folder, day in (
            (p.scenario, "2015-10-04"),
            (f"{p.code.lower()}-allows-a-working-day", "2015-10-05"),
        ):
            written[f"scenarios/{folder}/data/{table}.csv"] = template.substitute(on=day)
    written[f"{package}/py.typed"] = ""
    return written


def write_project(p: Project, folder: Path) -> list[Path]:
    """Write the project into ``folder`` (which must be new or empty); returns the files."""
    if folder.exists() and not folder.is_dir():
        raise FileExistsError(f"{folder}: not a folder")
    if folder.is_dir() and any(folder.iterdir()):
        raise FileExistsError(f"{folder}: not empty; choose a new or empty folder")
    written = []
    for relative, text in sorted(files(p).items()):
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
