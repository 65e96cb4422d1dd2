"""The example-county pack: its scenarios pass, its rules are documented, violating breaks them."""

from __future__ import annotations

from pathlib import Path

import pytest
import reliefkit as rk
from reliefkit.rules import SECTIONS, Registry, builtin_registry
from reliefkit.scenarios import run_scenarios

from reliefkit_pack_example_county import PACK

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


def registry() -> Registry:
    """reliefkit's own packs and this one, as the installed pack runs (whether or not it is
    installed: built-in packs only, then this one)."""
    registry = builtin_registry()
    registry.register(PACK)
    return registry


def test_scenarios_pass() -> None:
    """Every scenario gives exactly its expected findings, as `reliefkit test scenarios`."""
    results = run_scenarios(SCENARIOS, registry=registry())
    assert all(r.passed for r in results), "\n".join(str(r) for r in results)


def test_rules_are_documented() -> None:
    """Every rule's docstring has the five sections, and a Chinese text for four of them."""
    for rule in PACK:
        assert set(rule.doc) == set(SECTIONS), rule.code
        assert set(rule.doc_zh) >= set(SECTIONS) - {"References"}, rule.code


@pytest.mark.parametrize("code", sorted(PACK.rules))
def test_violating_breaks_the_rule_once(code: str) -> None:
    """violating(code) plants exactly one finding of the rule, with the subjects it says, in
    a campaign the pack (and the county plan, which campaigns are drawn to keep) otherwise
    passes."""
    hypothesis = pytest.importorskip("hypothesis")
    from reliefkit.testing import violating

    packs = registry()

    @hypothesis.settings(max_examples=10, deadline=None)
    @hypothesis.given(violating(code, registry=packs))
    def breaks(case: tuple[rk.Dataset, tuple[str, ...]]) -> None:
        data, subjects = case
        report = rk.check(data, as_of="2015-12-31", registry=packs, packs=[PACK.name])
        assert [(f.code, f.subjects) for f in report.findings] == [(code, subjects)]

    breaks()
