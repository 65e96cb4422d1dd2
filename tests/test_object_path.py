"""The object path made cheaper without changing an answer (issue 14, item 6).

The waiver book is read once per dataset and day and amended by a change key by key (never
read whole again); each disbursement is classified once per view for CP112–CP114. What
``admit`` says stays what ``check`` says: every expectation here comes from ``check`` of the
dataset before and after ``Dataset.change``, never from the engine's own bookkeeping.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import reliefkit as rk
from campaigns import build, replace
from reliefkit.engine import _admit, _waivers
from reliefkit.models import Dataset, Department, Disbursement, Waiver
from reliefkit.report import Report
from reliefkit.rules import Finding
from reliefkit.rules.county_plan import _pack
from reliefkit.testing._draw import Draw
from test_testing_laws import campaigns_with_findings

AS_OF = "2016-01-31"
LAW = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
Identity = tuple[str, tuple[str, ...]]


def _ids(findings: Iterable[Finding]) -> set[Identity]:
    return {f.identity for f in findings}


def _waived(report: Report) -> set[Identity]:
    return {w.finding.identity for w in report.waived}


def _predicts(data: Dataset, as_of: str, **change: Any) -> rk.Decision:
    """Assert the change law over findings and waivers; return the decision."""
    changed = data.change(**change)
    before, after = rk.check(data, as_of=as_of), rk.check(changed, as_of=as_of)
    decision = rk.admit(data, **change, as_of=as_of)
    said = decision.to_dict()
    then, now = _ids(before.findings), _ids(after.findings)
    assert _ids(decision.findings) == now - then, said
    waived = {w.finding.identity for w in decision.waived}
    assert waived == _waived(after) - _waived(before), said
    gone = _ids(decision.resolved) | _ids(decision.superseded) | (waived & then)
    assert gone == then - now, said
    assert decision.rule_errors == {}, said
    return decision


def _waiver(code: str, subject: str, by: str = "LG", until: str = "2016-12-31") -> Waiver:
    return Waiver(code=code, subject_id=subject, reason="因灾延期", granted_by=by, until=until)


def _meals() -> Dataset:
    """The compliant campaign where B3 pays for meals (CP114 on B3)."""
    return build(replace("disbursements", "B3", purpose="meals"))


# ---- the waiver book, amended key by key ----------------------------------------------------
def test_a_waiver_admitted_waives_the_finding_it_names() -> None:
    """Admitting a valid waiver for a finding reports the finding as newly waived."""
    decision = _predicts(_meals(), AS_OF, records=[_waiver("CP114", "B3")])
    assert [w.finding.identity for w in decision.waived] == [("CP114", ("B3",))]
    assert decision.allowed and decision.findings == ()


def test_a_waiver_of_the_rule_deferred_to_lets_the_deferring_rule_report() -> None:
    """Waiving CP122 on a fund lets CP115, which defers to it there, report: as check does."""
    data = build(replace("disbursements", "B1", amount="20000", project_id="J2"))
    assert [f.code for f in rk.check(data, as_of=AS_OF, select=["CP115", "CP122"]).findings] == [
        "CP122"
    ]
    decision = _predicts(data, AS_OF, records=[_waiver("CP122", "F1")])
    assert "CP115" in {f.code for f in decision.findings}


def test_a_grantor_demoted_takes_its_waivers_away() -> None:
    """A leading group recorded as another sector invalidates what it granted (RK001)."""
    data = _meals().add(_waiver("CP114", "B3"))
    demoted = Department(id="LG", name="扶贫开发领导小组办公室", sector="civil_affairs")
    decision = _predicts(data, AS_OF, replace=[demoted])
    assert {f.code for f in decision.findings} == {"CP114", "RK001"}


@pytest.mark.parametrize(
    "change",
    [
        {"remove": ["CP114:B3"]},
        {"replace": [_waiver("CP114", "B3", until="2015-12-01")]},
        {"replace": [_waiver("CP114", "B3", by="T1")]},
        {"records": [_waiver("cp114", "B3")]},
        {"records": [_waiver("CP109", "NOWHERE")]},
        {"records": [_waiver("CP999", "B3")]},
    ],
    ids=["withdrawn", "lapsed", "wrong-grantor", "spelt-lower", "unused", "unknown-code"],
)
def test_waiver_changes_predict_check(change: dict[str, Any]) -> None:
    """Withdrawing, letting lapse, misgranting or doubling a waiver: admit says what check says."""
    _predicts(_meals().add(_waiver("CP114", "B3")), AS_OF, **change)


def test_a_waiver_spelt_twice_is_read_in_row_order() -> None:
    """Two waivers of one key (cp114 and CP114): removing either, or fixing what they
    waive (both then unused, RK003 twice), predicts check."""
    data = _meals().add(_waiver("CP114", "B3"), _waiver("cp114", "B3"))
    for waiver_id in ("CP114:B3", "cp114:B3"):
        _predicts(data, AS_OF, remove=[waiver_id])
    fixed = attrs.evolve(data.find("disbursements", "B3"), purpose="housing")
    decision = _predicts(data, AS_OF, replace=[fixed])
    assert sorted(f.subject for f in decision.findings if f.code == "RK003") == [
        "CP114:B3",
        "cp114:B3",
    ]


def _grantor(data: Dataset) -> tuple[str, list[Any]]:
    """The id of a leading-group department, and the records to add for one if none."""
    leaders = [d.id for d in data.departments if d.sector.value == "leading_group"]
    if leaders:
        return leaders[0], []
    return "LG-NEW", [Department(id="LG-NEW", sector="leading_group")]


@st.composite
def waived_campaigns(draw: Draw) -> tuple[Dataset, str]:
    """A campaign with findings (at a drawn ``as_of``), with a few waivers maybe: of its
    findings or of other subjects, valid, expired or from the wrong unit."""
    data, as_of = draw(campaigns_with_findings())
    if draw(st.booleans()):
        return data, as_of
    keys = [(f.code, f.subject) for f in rk.check(data, as_of=as_of).findings]
    keys += [("CP104", t.id) for t in data.townships] + [("CP109", v.id) for v in data.villages]
    if not keys:
        return data, as_of
    grantor, records = _grantor(data)
    units = [grantor, *(t.id for t in data.townships[:1])]
    for code, subject in draw(st.lists(st.sampled_from(keys), min_size=1, max_size=3, unique=True)):
        by = draw(st.sampled_from(units))
        until = draw(st.sampled_from(["2015-06-30", "2016-12-31"]))
        records.append(_waiver(code, subject, by=by, until=until))
    return data.add(*records), as_of


@st.composite
def waiver_changes(draw: Draw, data: Dataset, as_of: str) -> dict[str, Any]:
    """A change of waivers or of who grants them: granting a waiver for a finding of the
    campaign (or for nothing), letting one lapse, withdrawing one, demoting the grantor."""
    findings = rk.check(data, as_of=as_of).findings
    grantor, records = _grantor(data)
    stored = list(data.waivers)
    # Hypothesis draws the first choices most: the changes of stored waivers come first.
    kinds = (["withdraw", "lapse"] if stored else []) + ["grant", "demote", "misgrant", "nothing"]
    kind = draw(st.sampled_from(kinds))
    event(kind)
    if kind == "withdraw":
        return {"records": [], "replace": [], "remove": [draw(st.sampled_from(stored)).id]}
    if kind == "lapse":
        lapsed = attrs.evolve(draw(st.sampled_from(stored)), until="2015-01-01")
        return {"records": [], "replace": [lapsed], "remove": []}
    if kind == "demote" and not records:
        demoted = attrs.evolve(data.find("departments", grantor), sector="other")
        return {"records": [], "replace": [demoted], "remove": []}
    if kind == "misgrant":
        grantor = draw(st.sampled_from([t.id for t in data.townships] or [grantor]))
    if findings and kind != "nothing":
        found = draw(st.sampled_from(findings))
        code, subject = found.code, found.subject
        if draw(st.booleans()):
            code = code.lower()
    else:
        code, subject = "CP109", "NOWHERE"
    if (code, subject) not in {(w.code, w.subject_id) for w in stored}:
        records.append(_waiver(code, subject, by=grantor, until="2016-12-31"))
    return {"records": records, "replace": [], "remove": []}


@LAW
@given(data=st.data())
def test_admit_predicts_check_for_waiver_changes(data: st.DataObject) -> None:
    """Over generated campaigns with findings, admit of waiver changes predicts check."""
    dataset, as_of = data.draw(waived_campaigns(), label="dataset, as_of")
    change = data.draw(waiver_changes(dataset, as_of), label="change")
    _predicts(dataset, as_of, **change)


def _counting(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[int]:
    """Count the calls of ``module.name`` (which keeps working)."""
    calls = [0]
    original = getattr(module, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


def test_admit_never_reads_the_whole_waiver_book(monkeypatch: pytest.MonkeyPatch) -> None:
    """With 300 waivers, admitting a record or a waiver change judges only the waivers it
    touches (validity and RK003), once the dataset's book is read."""
    data = _meals().add(*(_waiver("CP109", f"X{i}") for i in range(300)))
    rk.admit(data, _waiver("CP109", "Y0"), as_of=AS_OF)  # the book is read here, once
    validity = _counting(monkeypatch, _waivers, "problem_of")
    unused = _counting(monkeypatch, _admit, "_rk003")
    sol = attrs.evolve(data.solicitations[0], id="S-NEW")
    rk.admit(data, sol, as_of=AS_OF)
    assert validity[0] == 0
    rk.admit(data, _waiver("CP109", "Y1"), as_of=AS_OF)
    rk.admit(data, remove=["CP109:X7"], as_of=AS_OF)
    rk.admit(data, replace=[_waiver("CP109", "X8", until="2015-01-01")], as_of=AS_OF)
    assert validity[0] <= 3
    assert unused[0] <= 6  # one waiver per change, on each side


def test_the_book_is_dropped_with_the_dataset() -> None:
    """The memoised waiver book lives exactly as long as its dataset."""
    gc.collect()
    held = len(_waivers._BOOKS)
    data = _meals().add(_waiver("CP114", "B3"))
    rk.check(data, as_of=AS_OF)
    assert len(_waivers._BOOKS) == held + 1
    del data
    gc.collect()
    assert len(_waivers._BOOKS) == held


def test_refused_admit_with_many_waivers_is_judged_alike() -> None:
    """A refused record among many unrelated waivers: the same findings as without them."""
    base = build()
    many = base.add(*(_waiver("CP114", f"X{i}") for i in range(200)))
    meals = attrs.evolve(base.disbursements[0], id="B-NEW", purpose="meals")
    plain, crowded = (rk.admit(d, meals, as_of=AS_OF) for d in (base, many))
    assert not plain.allowed and not crowded.allowed
    assert [f.to_dict() for f in plain.findings] == [f.to_dict() for f in crowded.findings]
    _predicts(many, AS_OF, records=[meals])


# ---- one classification per disbursement ----------------------------------------------------
def test_check_classifies_each_disbursement_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """CP112, CP113 and CP114 share one classification of each disbursement in a check."""
    data = _meals()
    calls = _counting(monkeypatch, _pack, "_classified")
    report = rk.check(data, as_of=AS_OF)
    assert calls[0] == len(data.disbursements)
    assert [f.identity for f in report.findings if f.code.startswith("CP11")] == [
        ("CP114", ("B3",))
    ]


def test_admit_classifies_the_new_disbursement_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Admitting one disbursement classifies it once for the three rules."""
    data = build()
    paid = Disbursement(
        id="B-NEW", fund_id="F1", amount="10", purpose="meals", village_id="V1", on="2015-11-01"
    )
    calls = _counting(monkeypatch, _pack, "_classified")
    decision = rk.admit(data, paid, as_of=AS_OF)
    assert calls[0] == 1
    assert [f.code for f in decision.refusals] == ["CP114"]


@pytest.mark.parametrize(
    "change",
    [
        replace("projects", "J2", government_obligated=True),
        replace("disbursements", "B3", purpose="government_investment"),
        replace("disbursements", "B3", purpose=" Meals "),
        replace("disbursements", "B3", purpose=None),
    ],
    ids=["project-obligated", "government-purpose", "other-expense", "no-purpose"],
)
def test_classification_follows_the_changed_view(change: dict[str, list[Any]]) -> None:
    """A replaced project or disbursement is classified afresh on admit's view, even after
    the dataset's own classification was worked out (by check)."""
    data = build()
    rk.check(data, as_of=AS_OF)
    (table, rows) = next(iter(change.items()))
    stored = {r.id: r for r in data.rows(table)}
    changed = [r for r in rows if r != stored[r.id]]
    decision = _predicts(data, AS_OF, replace=changed)
    assert {f.code for f in decision.findings} & {"CP112", "CP113", "CP114"}
