"""``violating(code)``: campaigns that break one rule exactly once, with the finding's subjects.

The recipes live with their rules (``@PACK.breaks(code)`` at the end of each rule's module,
see :mod:`reliefkit.rules.recipes`) and are found through the registry, so a third-party
pack's recipes work too. Each starts from a compliant draft
(:func:`~reliefkit.testing._datasets.drafts`) and changes or adds a few records so that
exactly one finding appears: of that code, on the subjects the catalogue names, and nothing
else. Here Hypothesis's ``draw`` is adapted to the recipes' :class:`~reliefkit.rules.recipes.Draw`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs
from hypothesis import strategies as st

from reliefkit.exceptions import CannotViolateError
from reliefkit.models import Dataset
from reliefkit.rules import Registry, Rule, default_registry
from reliefkit.rules.recipes import Bounds, Recipe, Subjects
from reliefkit.testing._datasets import SIZE_NAMES, Options, drafts, make_options
from reliefkit.testing._draft import Draft
from reliefkit.testing._draw import Choices, Draw
from reliefkit.testing._shown import Case


# ---- the public strategy -----------------------------------------------------------------------
def violating(
    code: str,
    *,
    as_of: object = "2015-12-31",
    registry: Registry | None = None,
    params: Mapping[str, Any] | None = None,
    min_townships: int = 1,
    max_townships: int = 3,
    min_villages_per_township: int = 0,
    max_villages_per_township: int = 3,
    min_households_per_village: int = 0,
    max_households_per_village: int = 3,
    min_departments: int = 0,
    max_departments: int = 3,
    min_donors: int = 0,
    max_donors: int = 4,
    min_drives: int = 0,
    max_drives: int = 2,
    min_activities: int = 0,
    max_activities: int = 3,
    min_projects: int = 0,
    max_projects: int = 3,
    min_funds: int = 0,
    max_funds: int = 2,
    min_donations_per_fund: int = 0,
    max_donations_per_fund: int = 3,
) -> st.SearchStrategy[tuple[Dataset, tuple[str, ...]]]:
    """Campaigns that break rule ``code`` exactly once: ``(dataset, subjects)`` pairs.

    ``check(dataset, as_of=as_of, params=params, registry=registry)`` finds exactly one
    finding: of ``code``, with ``finding.subjects == subjects``, and nothing else (for a rule
    of a pack that does not run by default, such as the law packs, check with
    ``packs=[rule.pack]``: other packs may report the same records). The rule's
    recipes (``rule.recipes``, registered beside it with ``@PACK.breaks(code)``) say how: each
    draws a compliant campaign (same size options as :func:`datasets`) and then changes or
    adds a few records, drawing among the ways the rule can be broken. Every county-plan code
    (CP101–CP124) has recipes, and so do the waiver codes (RK001 invalid, RK002 expired,
    RK003 unused waiver); so may the rules of a pack in ``registry``. ``params`` overrides
    pack parameters by name, as ``check`` does.

    ``code`` is one code (or rule name) as a str; anything else is a ``TypeError``. The size
    options are those of :func:`~reliefkit.testing.datasets` (every ``max_X`` with its
    ``min_X``). A failing example prints as ``(Dataset.from_records([...]), subjects)``.

    An unknown code raises :class:`~reliefkit.exceptions.UnknownRuleError`, and a rule without
    a recipe, or that cannot be broken on ``as_of``, raises
    :class:`~reliefkit.exceptions.CannotViolateError`, both at once (not when drawing). Each
    recipe says when it cannot (``@PACK.breaks(code, impossible=...)``). Generated campaigns
    run in 2015 (they end between 18 October and 31 December); among the built-in rules:

    - CP118 and FF304 (a fund not audited): audits fall due on the campaign's last day, so an
      ``as_of`` before 18 October 2015 cannot break them (the campaign is drawn to end by
      ``as_of``);
    - PW205 (construction without agreement or report): generated projects are published by
      30 September 2015 and completed later, so not before 2 October 2015;
    - the Charity-Law rules PW207–PW210, in force from 2016-09-01 and judging acts by their
      date: an ``as_of`` before 2016-09-01 (any 2015 ``as_of``) cannot break them; with a
      later one the recipe runs the campaign past 2016-09-01 and dates the act between that
      day and ``as_of``;
    - FF302 (the management-fee cap of 2017) and TP404 (work teams, from 2017): their recipes
      run the campaign on to 31 December 2017 and date the act in 2017, whatever the
      ``as_of`` (with a 2015 ``as_of`` the act lies after it, and the rule still reports it);
    - some only for the ``params`` given: FF301 with an empty negative list, FF302 with every
      management-fee purpose listed (or audits due on a month-day), TP401 with a
      ``poverty_line`` of no year, PW211 with no spending floor and no admin cap.

    Deadline rules are otherwise broken in a way ``as_of`` allows: before 17 October a
    township cannot yet lack its ceremony, but a ceremony dated 20 October is late whatever
    the ``as_of`` (CP106); likewise CP108 (a visit not led by a county leader) and CP111 (an
    exit plan adopted after the campaign).
    """
    registry = default_registry() if registry is None else registry
    rule = _rule(registry, code)
    sizes = {k: v for k, v in locals().items() if k in SIZE_NAMES}
    options = make_options(as_of, sizes, params, registry)
    bounds = _bounds(options)
    possible = [r for r in rule.recipes if r.impossible(bounds) is None]
    if not possible:
        reason = rule.recipes[0].impossible(bounds)
        raise CannotViolateError(
            f"code={code!r}, as_of={options.as_of.isoformat()!r}: {rule.code} cannot be broken "
            f"on this day: {reason}"
        )
    return st.sampled_from(possible).flatmap(
        lambda recipe: _violations(recipe, _adjusted(options, recipe))
    )


def _rule(registry: Registry, code: object) -> Rule:
    if not isinstance(code, str):
        # violating breaks one rule at a time: a list of codes is a misuse, said at once.
        raise TypeError(
            f"code={code!r}: expected one rule code as a str, such as 'CP101' "
            f"(violating breaks one rule; draw several with st.sampled_from(codes).flatmap(...))"
        )
    rule = registry.rule(code)  # raises UnknownRuleError
    if not rule.recipes:
        raise CannotViolateError(
            f"code={code!r}: reliefkit.testing has no recipe to break {rule.code}: register "
            f'one beside the rule with @PACK.breaks("{rule.code}") (see '
            f"reliefkit.rules.recipes); recipes exist for {', '.join(recipe_codes(registry))}"
        )
    return rule


def _bounds(options: Options) -> Bounds:
    return Bounds(options.as_of, options.earliest_end, options.latest_end, options.params)


def _adjusted(options: Options, recipe: Recipe) -> Options:
    bounds = recipe.adjust(_bounds(options))
    return attrs.evolve(options, earliest_end=bounds.earliest_end, latest_end=bounds.latest_end)


@st.composite
def _violations(draw: Draw, recipe: Recipe, options: Options) -> tuple[Dataset, Subjects]:
    draft = draw(drafts(options))
    subjects = plant(draw, draft, recipe, options.as_of)
    # A tuple that prints its dataset as code in a failing example (see _shown).
    return Case(draft.build(), subjects)


def plant(draw: Draw, draft: Draft, recipe: Recipe, as_of: Any) -> Subjects:
    """Apply a recipe to a draft with Hypothesis's ``draw``: the finding's subjects."""
    return tuple(recipe.apply(Choices(draw), draft, as_of))


def recipes_of(code: str, registry: Registry | None = None) -> tuple[Recipe, ...]:
    """The recipes that break rule ``code``."""
    return (registry or default_registry()).rule(code).recipes


def recipe_codes(
    registry: Registry | None = None, *, packs: Iterable[str] | None = None
) -> tuple[str, ...]:
    """Every code :func:`violating` can break, sorted; with ``packs``, those of the packs
    named (``"default"`` names the packs ``check`` runs when none is named, with the packs
    that always run)."""
    registry = registry or default_registry()
    if packs is None:
        names = None
    else:
        wanted = set(packs)
        if "default" in wanted:
            wanted |= {*registry.default_packs, *(p.name for p in registry.always)}
        names = {registry.pack(n).name for n in wanted if n != "default"}
    return tuple(
        r.code for r in registry.rules() if r.recipes and (names is None or r.pack in names)
    )


__all__ = ["plant", "recipe_codes", "recipes_of", "violating"]
