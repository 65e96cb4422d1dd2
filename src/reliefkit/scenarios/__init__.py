"""Scenarios as data: a campaign and the findings it must give, for a pack author's CI.

A scenario is a folder holding ``data/`` (a campaign in the interchange format: a folder of
CSV files, or ``data.json`` instead) and ``expected.toml``::

    as_of = 2015-12-31
    packs = ["county-plan"]          # optional; the registry's default packs otherwise
    tolerate = ["CP117"]             # optional: codes whose other findings are allowed
    [params]                         # optional: parameter overrides
    [[finding]]                      # every finding that must appear, with its subjects
    code = "CP101"
    subjects = ["S1", "T1", "T2"]

Any other finding, a missing one, or a rule that raises fails the scenario.
``run_scenarios(path)`` runs a scenario or every scenario under a folder; ``reliefkit test
PATH`` prints the same results and exits 0 (all pass), 1 (one fails) or 2 (one cannot run).
A pack ships its scenarios as package data in a folder ``scenarios`` beside its rule modules
(:func:`scenarios_of` finds it).

A pack author can build those folders from Python: a :class:`ScenarioSpec` per scenario
(folder, description, records, ``as_of``, packs, findings), written by
:func:`write_scenarios` — or checked to be current, with ``check=True`` — and
:func:`scenarios_main` as a script's ``main`` with ``--check``.
"""

from reliefkit.scenarios._expected import (
    Expected,
    ExpectedFinding,
    parse_expected,
    read_expected,
)
from reliefkit.scenarios._run import (
    Scenario,
    ScenarioResult,
    Status,
    compare,
    find_scenarios,
    load_scenario,
    run_scenario,
    run_scenarios,
    scenarios_of,
)
from reliefkit.scenarios._text import explain, explain_lines, summary
from reliefkit.scenarios._write import (
    ScenarioSpec,
    expected_toml,
    scenarios_main,
    stale_scenarios,
    write_scenario,
    write_scenarios,
)

__all__ = [
    "Expected",
    "ExpectedFinding",
    "Scenario",
    "ScenarioResult",
    "ScenarioSpec",
    "Status",
    "compare",
    "expected_toml",
    "explain",
    "explain_lines",
    "find_scenarios",
    "load_scenario",
    "parse_expected",
    "read_expected",
    "run_scenario",
    "run_scenarios",
    "scenarios_main",
    "scenarios_of",
    "stale_scenarios",
    "summary",
    "write_scenario",
    "write_scenarios",
]
