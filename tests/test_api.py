"""The public API is pinned: names change only with a CHANGELOG entry."""

from __future__ import annotations

import reliefkit
import reliefkit.models
import reliefkit.rules

EXPECTED = [
    "CannotViolateError",
    "Citation",
    "Dataset",
    "DateRange",
    "Decision",
    "Finding",
    "IntegrityError",
    "InvalidMoneyError",
    "InvalidValueError",
    "LoadError",
    "Money",
    "Outcome",
    "ParameterError",
    "ReliefkitError",
    "Report",
    "Rule",
    "Severity",
    "UnknownRuleError",
    "__version__",
    "admit",
    "all_rules",
    "check",
    "dump",
    "get_rule",
    "load",
]


def test_top_level_all_is_pinned() -> None:
    """reliefkit.__all__ is exactly the documented public names, sorted."""
    assert reliefkit.__all__ == EXPECTED
    for name in EXPECTED:
        assert hasattr(reliefkit, name)


def test_subpackage_all_sorted_and_present() -> None:
    """Every facade's __all__ is sorted and every name exists."""
    for module in (reliefkit.models, reliefkit.rules):
        isort_style = sorted(module.__all__, key=lambda n: (not n.isupper(), not n[0].isupper(), n))
        assert module.__all__ in (sorted(module.__all__), isort_style)
        for name in module.__all__:
            assert hasattr(module, name)


def test_exceptions_are_also_builtins() -> None:
    """Each reliefkit error is also the builtin a caller would expect."""
    assert issubclass(reliefkit.UnknownRuleError, LookupError)
    assert issubclass(reliefkit.LoadError, ValueError)
    assert issubclass(reliefkit.InvalidMoneyError, TypeError)
    for name in ("LoadError", "UnknownRuleError", "ParameterError", "IntegrityError"):
        assert issubclass(getattr(reliefkit, name), reliefkit.ReliefkitError)


def test_models_do_not_import_upper_layers() -> None:
    """Imports flow one way: models import nothing from rules, engine, report, io or cli."""
    import pathlib
    import re

    root = pathlib.Path(reliefkit.__file__).parent
    layers = ["models", "rules", "engine", "report", "io", "cli"]
    allowed = {  # what each layer may import from reliefkit
        "models": {"models", "exceptions", "_display"},
        "rules": {"models", "rules", "exceptions", "_display"},
        "engine": {"models", "rules", "engine", "report", "exceptions"},
        "report": {"models", "rules", "report", "exceptions", "_display"},
    }
    for layer, ok in allowed.items():
        for path in (root / layer).rglob("*.py"):
            for target in re.findall(
                r"^\s*(?:from|import) reliefkit\.(\w+)", path.read_text(), re.M
            ):
                assert target in ok, f"{path.name} imports reliefkit.{target}"
    assert layers
