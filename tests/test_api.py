"""The public API is pinned: names change only with a CHANGELOG entry."""

from __future__ import annotations

import ast
import graphlib
import pathlib

import reliefkit
import reliefkit.models
import reliefkit.rules

EXPECTED = [
    "Campaigns",
    "CampaignsReport",
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
    "load_campaigns",
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


# Each part of the package and the parts it may import (besides itself). The graph must stay a
# layering: acyclic, so that imports flow one way, from the CLI down to the models.
LAYERS: dict[str, set[str]] = {
    "_privacy": set(),
    "_words": set(),
    "exceptions": {"_privacy", "_words"},
    "_display": {"_privacy", "_words"},
    "models": {"exceptions", "_display", "_privacy", "_words"},
    "rules": {"models", "exceptions", "_display", "_privacy", "_words"},
    "report": {"models", "rules", "exceptions", "_display", "_privacy", "_words"},
    "engine": {"models", "rules", "report", "exceptions", "_privacy", "_words"},
    "io": {"models", "exceptions", "_display", "_privacy", "_words"},
    "examples": {"models", "exceptions", "_display", "_privacy", "_words"},
    "testing": {
        "models",
        "rules",
        "report",
        "engine",
        "io",
        "examples",
        "exceptions",
        "_display",
        "_privacy",
    },
    # Scenarios load campaigns and check them: above io and the engine, below the CLI.
    "scenarios": {"models", "rules", "report", "engine", "io", "exceptions", "_privacy"},
    # The new-pack templates know only the rules' names for codes and prefixes.
    "_scaffold": {"rules"},
    # Synthetic campaigns are written column-wise from the format's schema: beside io.
    "synth": {"models", "io", "examples", "exceptions"},
    # The columnar engine runs the rules' statements over sources io reads: above both.
    "columnar": {"models", "rules", "report", "engine", "io", "exceptions", "_privacy", "_words"},
    # ``reliefkit.check``: one entry to both engines.
    "_checking": {"models", "rules", "report", "engine", "io", "columnar", "exceptions"},
    "cli": {
        "_checking",
        "columnar",
        "models",
        "rules",
        "report",
        "engine",
        "io",
        "examples",
        "scenarios",
        "_scaffold",
        "synth",
        "exceptions",
        "_display",
        "_privacy",
        "_words",
    },
    "__init__": {
        "_checking",
        "models",
        "rules",
        "report",
        "engine",
        "io",
        "exceptions",
        "_display",
        "_privacy",
        "_words",
    },
    "__main__": {"cli"},
}


def _reliefkit_imports(root: pathlib.Path, path: pathlib.Path) -> set[str]:
    """The parts of reliefkit a file imports: absolute, relative and ``from reliefkit import``."""
    parts = path.relative_to(root).with_suffix("").parts
    package = parts[:-1]
    parts_of_root = {p.stem for p in root.iterdir() if p.suffix == ".py" or p.is_dir()}
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name.split(".")[1:] for a in node.names if a.name.startswith("reliefkit")]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(package[: len(package) - node.level + 1])
                module = base + (node.module.split(".") if node.module else [])
            elif node.module and node.module.split(".")[0] == "reliefkit":
                module = node.module.split(".")[1:]
            else:
                continue
            targets = [module] if module else [[a.name] for a in node.names]
        else:
            continue
        for target in targets:
            # ``import reliefkit`` or ``from reliefkit import __version__``: the facade.
            found.add(target[0] if target and target[0] in parts_of_root else "__init__")
    return found


def test_imports_flow_down_the_layers() -> None:
    """Every module of reliefkit belongs to a layer, imports only the layers below its own, and
    the layers form no cycle: models import nothing from rules, engine, report, io or cli."""
    root = pathlib.Path(reliefkit.__file__).parent
    order = list(graphlib.TopologicalSorter(LAYERS).static_order())  # CycleError if not layered
    assert set(order) == set(LAYERS)
    files = sorted(root.rglob("*.py"))
    layer_of = {path: path.relative_to(root).with_suffix("").parts[0] for path in files}
    assert set(layer_of.values()) == set(LAYERS), "place every part of reliefkit in LAYERS"
    for path, layer in layer_of.items():
        for target in _reliefkit_imports(root, path) - {layer}:
            assert target in LAYERS[layer], f"{path.relative_to(root)} ({layer}) imports {target}"
