"""Registries you own: packs register into one; check and admit take ``registry=``."""

from __future__ import annotations

from collections.abc import Iterator

import attrs
import pytest

import reliefkit as rk
from reliefkit.exceptions import IntegrityError, UnknownRuleError
from reliefkit.models import Dataset, DateRange, Solicitation, Waiver
from reliefkit.report import Outcome
from reliefkit.rules import (
    Citation,
    Context,
    Pack,
    Registry,
    Severity,
    Violation,
    default_registry,
)
from reliefkit.rules.scopes import SOLICITATIONS
from reliefkit.rules.waivers import PACK as WAIVERS

AS_OF = "2015-12-31"


def _pack(name: str = "demo", prefix: str = "DEMO") -> Pack:
    return Pack(
        name=name,
        prefix=prefix,
        title="A demo pack",
        title_zh="示例规则包",
        source="tests",
        in_force=DateRange("2014-01-01"),
    )


def _declare(
    pack: Pack, code: str, judge: object, reads: tuple[str, ...] = ("solicitations",)
) -> None:
    pack.rule(
        code=code,
        name=f"demo-{code.lower()}",
        severity=Severity.ERROR,
        cites=[Citation("tests", "§1", "a demo clause")],
        title="Demo",
        title_zh="示例",
        remedy="Fix it.",
        remedy_zh="改正。",
        reads=reads,
        scope=SOLICITATIONS,
    )(judge)  # type: ignore[arg-type]


def _every_solicitation(ctx: Context, sol: Solicitation) -> Iterator[Violation]:
    """What it checks:\nEvery solicitation is reported."""
    yield Violation((sol.id,), f"Solicitation {sol.id}.", f"募捐请求 {sol.id}。")


def _raises(ctx: Context, sol: Solicitation) -> Iterator[Violation]:
    """What it checks:\nNothing: the judge raises."""
    raise RuntimeError("broken rule")
    yield  # pragma: no cover


def _registry(*packs: Pack) -> Registry:
    registry = Registry()
    for pack in packs:
        registry.register(pack, default=not pack.always)
    return registry


@pytest.fixture(scope="module")
def example() -> Dataset:
    return rk.load("examples/county-2015")


def test_taken_prefix_is_refused_naming_both_packs() -> None:
    """A second pack with a prefix already taken is refused, naming both packs."""
    registry = _registry(_pack("first", "DEMO"))
    with pytest.raises(ValueError, match=r"pack 'second'.*'DEMO'.*pack 'first'"):
        registry.register(_pack("second", "DEMO"))


def test_taken_code_is_refused_naming_both_packs() -> None:
    """Two packs may not declare the same code."""
    first, second = _pack("first", "DEMO"), _pack("second", "DEMX")
    _declare(first, "DEMO101", _every_solicitation)
    second.rules["DEMO101"] = first.rules["DEMO101"]
    registry = _registry(first)
    with pytest.raises(ValueError, match=r"pack 'second'.*DEMO101.*pack 'first'"):
        registry.register(second)


@pytest.mark.parametrize("prefix", ["C", "CPXYZ", "cp", "C1"])
def test_prefix_is_two_to_four_capitals(prefix: str) -> None:
    """Pack prefixes are 2-4 capitals."""
    with pytest.raises(ValueError, match="2-4 capitals"):
        _pack(prefix=prefix)


def test_rule_reading_a_table_its_scope_ignores_is_refused() -> None:
    """A rule may read only tables its scope says how to follow (else admit could miss it)."""
    with pytest.raises(ValueError, match=r"reads \['audits'\]"):
        _declare(_pack(), "DEMO101", _every_solicitation, ("solicitations", "audits"))


def test_own_registry_runs_only_its_packs(example: Dataset) -> None:
    """check with a registry of one pack reports that pack's findings only."""
    pack = _pack()
    _declare(pack, "DEMO101", _every_solicitation)
    report = rk.check(example, as_of=AS_OF, registry=_registry(pack))
    assert {f.code for f in report.findings} == {"DEMO101"}
    assert len(report.findings) == len(example.solicitations)
    assert "CP101" not in report.outcomes


def test_default_registry_has_the_plan_and_the_waiver_rules() -> None:
    """The library's registry runs the county plan by default and the waiver rules always."""
    registry = default_registry()
    assert registry.default_packs == ("county-plan",)
    assert [p.name for p in registry.always] == ["waivers"]
    assert registry.rule("cross-township-solicitation").code == "CP101"
    assert registry.rule("rk003").name == "unused-waiver"


def test_unknown_rule_name_suggests_the_closest() -> None:
    """A near miss of a rule name gets a did-you-mean hint."""
    with pytest.raises(UnknownRuleError, match="did you mean cross-township-solicitation"):
        default_registry().rule("cross-township-solicitaton")


def test_raising_rule_fails_closed_in_admit(example: Dataset) -> None:
    """A rule that raises inside admit refuses the record and reports the error as check does."""
    pack = _pack()
    _declare(pack, "DEMO101", _raises)
    registry = _registry(pack, WAIVERS)
    report = rk.check(example, as_of=AS_OF, registry=registry)
    assert report.outcomes["DEMO101"] is Outcome.ERROR
    ask = Solicitation(
        id="S-NEW", activity_id="DR-T01", organizer_id="T01", target_id="T02", on="2015-10-10"
    )
    decision = rk.admit(example, ask, as_of=AS_OF, registry=registry)
    assert not decision.allowed
    assert decision.rule_errors == {"DEMO101": report.rule_errors["DEMO101"]}


def test_replaced_rule_is_not_served_stale(example: Dataset) -> None:
    """Replacing a rule in a pack is seen by the next check (caches are keyed by identity)."""
    pack = _pack()
    _declare(pack, "DEMO101", _every_solicitation)
    registry = _registry(pack)
    assert rk.check(example, as_of=AS_OF, registry=registry).findings
    pack.rules["DEMO101"] = attrs.evolve(pack.rules["DEMO101"], judge=lambda ctx, s: iter(()))
    assert rk.check(example, as_of=AS_OF, registry=registry).findings == ()


def test_select_and_ignore_apply_to_waiver_codes(example: Dataset) -> None:
    """RK codes can be selected and ignored like any other."""
    bad = Waiver(
        code="CP109", subject_id="V07-01", reason="x", granted_by="D01", until="2016-03-31"
    )
    data = example.add(bad)
    assert "RK001" in rk.check(data, as_of=AS_OF).by_code()
    assert rk.check(data, as_of=AS_OF, ignore=["RK"]).by_code().get("RK001") is None
    assert set(rk.check(data, as_of=AS_OF, select=["RK001"]).by_code()) == {"RK001"}


def test_admit_refuses_an_existing_id_as_add_does(example: Dataset) -> None:
    """A record whose id exists raises the IntegrityError Dataset.add raises."""
    again = attrs.evolve(example.solicitations[0], quota="100")
    with pytest.raises(IntegrityError) as added:
        example.add(again)
    with pytest.raises(IntegrityError) as admitted:
        rk.admit(example, again, as_of=AS_OF)
    assert str(admitted.value) == str(added.value)


def test_check_refuses_what_is_not_a_dataset(example: Dataset) -> None:
    """A list of records where a dataset is expected is a clear TypeError."""
    with pytest.raises(TypeError, match="expected a reliefkit Dataset"):
        rk.check(list(example.records()), as_of=AS_OF)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="rather than passing a dict"):
        rk.admit(example, {"id": "T9"}, as_of=AS_OF)  # type: ignore[arg-type]
