"""Import a pack's rule modules: every module of the package named ``<code>_<name>``.

A rule module registers its rule when imported; its file name must agree with the rule's
code and name (``cp101_cross_township_solicitation``), which is checked here so a newcomer
always finds a rule from its code in one hop.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Iterable

from reliefkit.rules._core import Pack

_MODULE = re.compile(r"([a-z]{2,4}\d{3})_(\w+)")


def import_rule_modules(package: str, path: Iterable[str], pack: Pack) -> None:
    """Import the rule modules of ``package`` in code order and check their names."""
    names = sorted(m.name for m in pkgutil.iter_modules(list(path)) if _MODULE.fullmatch(m.name))
    for name in names:
        importlib.import_module(f"{package}.{name}")
        match = _MODULE.fullmatch(name)
        assert match is not None  # names were filtered by the same pattern
        code, rule_name = match.group(1).upper(), match.group(2)
        rule = pack.rules.get(code)
        if rule is None:
            raise ValueError(f"{package}.{name}: registers no rule {code}")
        if rule.name.replace("-", "_") != rule_name or rule.judge.__name__ != rule_name:
            raise ValueError(
                f"{package}.{name}: module, function ({rule.judge.__name__}) and rule name "
                f"({rule.name!r}) of {code} do not agree"
            )
