"""The donations-law pack (PW): one case that flags and one near miss per code, the eras of
the two laws, the overlaps with the county plan, absent columns, and its recipes.

Expected subjects come from the catalogue (``more-packs.md``, Pack PW) and from what each
case plants in the small compliant campaign of ``campaigns.py``; numbers are worked out here
by hand, never read back from the rules.
"""

from __future__ import annotations

import csv
import datetime
import re
import tempfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pendulum
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import reliefkit as rk
from campaigns import add, build, replace, tables
from reliefkit.exceptions import CannotViolateError
from reliefkit.models import (
    LAW_COLUMNS,
    Activity,
    Dataset,
    Disbursement,
    Donation,
    Donor,
    Fund,
    Pledge,
    Waiver,
)
from reliefkit.report import Outcome
from reliefkit.rules import Finding, Registry
from reliefkit.rules.county_plan import PACK as CP
from reliefkit.rules.public_welfare import PACK as PW
from reliefkit.rules.public_welfare.pw209_fundraising_not_disclosed import whole_months
from reliefkit.rules.waivers import PACK as RK
from reliefkit.scenarios import run_scenarios, scenarios_of
from reliefkit.testing import violating
from reliefkit.testing._records import record_batches_for

BOTH = ["county-plan", "donations-law"]
ONLY = ["donations-law"]
LATE = {"ends_on": "2016-12-31"}  # the 2015 campaign running past the Charity Law's first day
Changes = dict[str, list[Any]]


def registry(*, pw_default: bool = False) -> Registry:
    """The county plan, the waiver rules and the donations law, in a registry of their own."""
    reg = Registry()
    reg.register(CP, default=not pw_default)
    reg.register(RK)
    reg.register(PW, default=pw_default)
    return reg


REG = registry()
PW_REG = registry(pw_default=True)


def findings(
    data: Dataset, as_of: str, packs: list[str] = ONLY, **kw: Any
) -> list[tuple[str, tuple[str, ...]]]:
    """``(code, subjects)`` of every finding of the packs run (the donations law alone by
    default)."""
    report = rk.check(data, as_of=as_of, packs=packs, registry=REG, **kw)
    assert report.rule_errors == {}
    return [(f.code, f.subjects) for f in report.findings]


# ---- records the cases add to the compliant campaign ---------------------------------------
def fund(**fields: Any) -> Fund:
    """Fund F2 of a charity, with the law's columns given."""
    return Fund(id="F2", name="慈善会专户", holder="charity", **fields)


def with_fund(**fields: Any) -> Changes:
    """The campaign's funds and F2."""
    return {"funds": [*tables()["funds"], fund(**fields)]}


def b9(amount: str = "1000") -> Changes:
    """F1 pays ``amount`` to village V3 (no designation) on 5 November 2015."""
    return add(
        "disbursements",
        Disbursement(id="B9", fund_id="F1", amount=amount, purpose="housing", village_id="V3",
                     on="2015-11-05"),
    )  # fmt: skip


def g2(**fields: Any) -> Changes:
    """E1 pledges (G2) to build project J2, completed on 20 November 2015."""
    return {
        **replace("projects", "J2", completed_on="2015-11-20"),
        **add("pledges", Pledge(id="G2", donor_id="E1", project_id="J2", kind="build",
                                amount="20000", on="2015-10-05", **fields)),
    }  # fmt: skip


def n9(on: str = "2016-09-01", **fields: Any) -> Changes:
    """E1 gives 300 yuan (N9) into F1 with no receipt."""
    fields = {"receipt": False, **fields}
    return add("donations", Donation(id="N9", donor_id="E1", fund_id="F1", amount="300", on=on,
                                     **fields))  # fmt: skip


def dr9(on: str = "2016-09-01", **fields: Any) -> Changes:
    """Township T1's public drive DR9."""
    return add("activities", Activity(id="DR9", kind="donation_drive", organizer_id="T1", on=on,
                                      public=True, **fields))  # fmt: skip


def related(to: str, on: str = "2016-09-01") -> Changes:
    """Household H1 related to ``to``, and F1's payment B2 to H1 made on ``on``."""
    return {
        **replace("households", "H1", related_to=(to,)),
        **replace("disbursements", "B2", on=on),
    }


E2 = add("donors", Donor(id="E2", name="青山农业公司", kind="private_enterprise"))
"""A donor who gives nothing into F1."""


# ---- the cases: code -> (campaign, as_of, subjects) ----------------------------------------
Case = tuple[Callable[[], Dataset], str, tuple[str, ...]]

FLAGS: dict[str, Case] = {
    "PW201": (lambda: build(replace("solicitations", "S1", wage_deduction=True)), "2015-12-31",
              ("S1",)),
    "PW202": (lambda: build(replace("funds", "F1", holder="township_government")), "2015-12-31",
              ("F1",)),
    # B9 pays 1,000 to village V3, no designation: with B3 (2,000 to J2, none either) 3,000
    # must come from the 2,000.50 undesignated; N1D (J1: 10,000 given, 8,000 spent) and N2D
    # (V1: 5,000 given, 3,000 spent) kept money back.
    "PW203": (lambda: build(b9()), "2015-12-31", ("F1", "B3", "B9", "N1D", "N2D")),
    "PW204": (lambda: build(replace("donations", "N3D", commended=True)), "2015-12-31",
              ("N3D", "K1D")),
    "PW205": (lambda: build(g2()), "2015-12-31", ("G2", "J2")),
    "PW206": (lambda: build(replace("donations", "N3D", goods="化肥 40 袋", sold_for="2000",
                                    proceeds_used="1500")), "2015-12-31", ("N3D",)),
    "PW207": (lambda: build(n9(), **LATE), "2016-12-31", ("N9",)),
    "PW208": (lambda: build({**dr9(fund_id="F2"), **with_fund(public_fundraising=False)}, **LATE),
              "2016-12-31", ("DR9", "F2")),
    # 1 September 2016 to 30 June 2017: 9 whole months, so 3 disclosures; 1 was made.
    "PW209": (lambda: build(with_fund(opened_on="2016-09-01", disclosures=1), **LATE),
              "2017-06-30", ("F2",)),
    # H1 is related to E1, who gave N1D into F1, and F1 pays H1 (B2) on 1 September 2016.
    "PW210": (lambda: build(related("E1"), **LATE), "2016-12-31", ("B2", "H1", "E1")),
    # A public-fundraising foundation in 2015: 70% of last year's 1,000,000 is 700,000.
    "PW211": (lambda: build(with_fund(foundation=True, public_fundraising=True,
                                      previous_income="1000000", spending="699999.99")),
              "2015-12-31", ("F2",)),
}  # fmt: skip

# code -> (a campaign close to FLAGS' but allowed, changing something the rule reads, as_of)
ALLOWS: dict[str, tuple[Callable[[], Dataset], str]] = {
    "PW201": (lambda: build(replace("solicitations", "S1", wage_deduction=False, quota="0")),
              "2015-12-31"),
    # A county department may receive at an overseas donor's request.
    "PW202": (lambda: build(replace("funds", "F1", holder="department",
                                    government_basis="overseas_request")), "2015-12-31"),
    # N1D's donor agreed to the change of use: its 10,000 may pay for B9 and B3.
    "PW203": (lambda: build({**b9(), **replace("donations", "N1D", change_consent=True)}),
              "2015-12-31"),
    "PW204": (lambda: build({**replace("donations", "N3D", commended=True),
                             **replace("donors", "K1D", publicity_consent=True)}), "2015-12-31"),
    "PW205": (lambda: build(g2(agreement_on="2015-10-08", reported_on="2015-11-20")),
              "2015-12-31"),
    "PW206": (lambda: build(replace("donations", "N3D", goods="化肥 40 袋", sold_for="2000",
                                    proceeds_used="2000")), "2015-12-31"),
    "PW207": (lambda: build(n9(receipt_waived=True), **LATE), "2016-12-31"),
    "PW208": (lambda: build({**dr9(fund_id="F2"), **with_fund(public_fundraising=True)}, **LATE),
              "2016-12-31"),
    "PW209": (lambda: build(with_fund(opened_on="2016-09-01", disclosures=3), **LATE),
              "2017-06-30"),
    # E2 is a donor, but gave nothing into F1.
    "PW210": (lambda: build({**related("E2"), **E2}, **LATE), "2016-12-31"),
    "PW211": (lambda: build(with_fund(foundation=True, public_fundraising=True,
                                      previous_income="1000000", spending="700000")),
              "2015-12-31"),
}  # fmt: skip

CODES = sorted(PW.rules)


def test_every_code_has_cases() -> None:
    """Every rule of the pack has a case that flags and a near miss that allows."""
    assert set(FLAGS) == set(ALLOWS) == set(CODES)
    assert [f"PW{n}" for n in range(201, 212)] == CODES


# The house reading of messages (as ``test_messages.py``): they name the main subject, end
# as sentences of their language, and the Chinese one has no English words in a row and no
# ASCII clause punctuation.
ENGLISH_RUN = re.compile(r"\b[a-z]{3,} [a-z]{3,}\b")
ASCII_CLAUSE = re.compile(r"[\u4e00-\u9fff][,;:]|[,;:] ?[\u4e00-\u9fff]|[\u4e00-\u9fff]\.")
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("code", sorted(FLAGS))
def test_flags(code: str) -> None:
    """Each case breaks its rule once, on the subjects planted, and no other PW rule; its
    messages read in both languages."""
    make, as_of, subjects = FLAGS[code]
    report = rk.check(make(), as_of=as_of, packs=ONLY, registry=REG)
    assert [(f.code, f.subjects) for f in report.findings] == [(code, subjects)]
    readable(report.findings[0])


def readable(finding: Finding) -> None:
    """The finding's messages, remedy and citations read in both languages."""
    en, zh = finding.message, finding.message_zh
    assert finding.subject in en and finding.subject in zh
    assert en.endswith(".") and zh.endswith("。") and not zh.endswith(".。")
    assert not ENGLISH_RUN.search(zh) and not ASCII_CLAUSE.search(zh), zh
    assert finding.remedy and CJK.search(finding.remedy_zh)
    for citation in finding.citations:
        assert citation.summary and CJK.search(citation.summary_zh), citation


@pytest.mark.parametrize("code", sorted(ALLOWS))
def test_allows(code: str) -> None:
    """Each near miss gives no finding of the pack, and its rule was judged (it passed)."""
    make, as_of = ALLOWS[code]
    report = rk.check(make(), as_of=as_of, packs=ONLY, registry=REG)
    assert [(f.code, f.subjects) for f in report.findings] == []
    assert report.outcomes[code] is Outcome.PASS


def test_compliant_campaign_gives_nothing_and_leaves_the_law_columns_unjudged() -> None:
    """The county plan's compliant campaign breaks no PW rule; with no law column filled,
    the rules that read only those are not applicable, never passed."""
    report = rk.check(build(), as_of="2015-12-31", packs=BOTH, registry=REG)
    assert report.findings == ()
    for code in ("PW204", "PW205", "PW206", "PW211"):
        assert report.outcomes[code] is Outcome.NOT_APPLICABLE
    for code in ("PW207", "PW208", "PW209", "PW210"):  # the Charity Law: not in 2015
        assert report.outcomes[code] is Outcome.NOT_APPLICABLE


# ---- more ways each rule reads its data ------------------------------------------------------
def test_quota_and_wage_deduction_are_both_named() -> None:
    """A quota alone flags PW201 (when the county plan does not run), and the message names
    both a quota and a wage deduction."""
    data = build(replace("solicitations", "S1", quota="200", wage_deduction=True))
    report = rk.check(data, as_of="2015-12-31", packs=ONLY, registry=REG)
    (finding,) = report.findings
    assert "quota of ¥200.00" in finding.message and "wages" in finding.message
    assert "工资" in finding.message_zh


@pytest.mark.parametrize(
    ("holder", "basis", "flagged"),
    [
        ("township_government", "natural_disaster", True),  # never a township
        ("department", "poverty_relief", True),
        ("department", "natural_disaster", False),
        ("department", None, False),  # no basis recorded: not judged
        ("designated_account", None, False),
    ],
)
def test_donee(holder: str, basis: str | None, flagged: bool) -> None:
    """A township government is never the donee; a department only in a disaster or at an
    overseas donor's request; a department's fund with no basis recorded is not judged."""
    data = build(replace("funds", "F1", holder=holder, government_basis=basis))
    assert findings(data, "2015-12-31") == ([("PW202", ("F1",))] if flagged else [])


def test_a_fund_without_donations_has_no_donee() -> None:
    """A township government's fund that received nothing is not judged by PW202."""
    data = build({"funds": [*tables()["funds"], Fund(id="F2", holder="township_government")]})
    report = rk.check(data, as_of="2015-12-31", packs=ONLY, registry=REG)
    assert report.findings == ()


def test_construction_report_missing_after_agreement() -> None:
    """A signed construction whose donor was never told of its completion is flagged as an
    obligation, due on completion; before completion (as_of) nothing is judged."""
    data = build(g2(agreement_on="2015-10-08"))
    report = rk.check(data, as_of="2015-12-31", packs=ONLY, registry=REG)
    (finding,) = report.findings
    assert (finding.code, finding.subjects, finding.kind.value) == (
        "PW205",
        ("G2", "J2"),
        "obligation",
    )
    assert finding.due is not None and finding.due.isoformat() == "2015-11-20"
    assert "no written agreement" not in finding.message
    assert findings(data, "2015-11-19") == []
    # A report dated before completion does not report the completion.
    early = build(g2(agreement_on="2015-10-08", reported_on="2015-11-01"))
    assert findings(early, "2015-12-31") == [("PW205", ("G2", "J2"))]


def test_pledge_to_donate_is_not_a_construction() -> None:
    """A pledge to donate (认捐) to a completed project needs no construction agreement."""
    data = build(replace("projects", "J1", completed_on="2015-11-20"))  # G1 donates to J1
    assert findings(data, "2015-12-31") == []


def test_public_drive_raising_through_its_donations() -> None:
    """A public drive naming no fund is judged on the funds its donations went into; a
    government body's fund is never qualified, whatever its flag says."""
    gift = Donation(id="N9", donor_id="E1", fund_id="F2", activity_id="DR9", amount="100",
                    on="2016-10-01", badge=True, receipt=True)  # fmt: skip
    government = Fund(id="F2", holder="department", government_basis="natural_disaster",
                      public_fundraising=True)  # fmt: skip
    changes = {**dr9("2016-10-01"), **add("donations", gift)}
    data = build({**changes, "funds": [*tables()["funds"], government]}, **LATE)
    assert findings(data, "2016-12-31") == [("PW208", ("DR9", "F2"))]


def test_public_drive_with_no_known_fund_is_not_judged() -> None:
    """A public drive with no fund named and no donation is not applicable to PW208."""
    report = rk.check(build(dr9("2016-10-01"), **LATE), as_of="2016-12-31", packs=ONLY,
                      registry=REG)  # fmt: skip
    assert report.findings == ()
    assert report.outcomes["PW208"] is Outcome.NOT_APPLICABLE


@pytest.mark.parametrize(
    ("closed", "final", "as_of", "expected"),
    [
        # Closed 31 October 2016: the full disclosure is due by 31 January 2017.
        ("2016-10-31", None, "2017-01-31", None),
        ("2016-10-31", None, "2017-02-01", "obligation"),
        ("2016-10-31", "2017-01-31", "2017-06-30", None),
        ("2016-10-31", "2017-02-01", "2016-12-31", "breach"),  # late, whatever as_of
    ],
)
def test_final_disclosure(closed: str, final: str | None, as_of: str, expected: str | None) -> None:
    """The full disclosure comes within three months of the end: missing once as_of is past
    that, late when dated after it."""
    data = build(
        {
            "funds": [
                *tables()["funds"],
                fund(
                    opened_on="2016-09-01",
                    closed_on=closed,
                    disclosures=0,
                    final_disclosed_on=final,
                ),
            ]
        },
        **LATE,
    )
    report = rk.check(data, as_of=as_of, packs=ONLY, registry=REG)
    assert [(f.code, f.subjects, f.kind.value) for f in report.findings] == (
        [] if expected is None else [("PW209", ("F2",), expected)]
    )


@pytest.mark.parametrize(
    ("as_of", "made", "flagged"),
    [
        ("2017-03-01", 0, False),  # exactly six months: not longer than six
        ("2017-03-02", 1, True),  # six whole months and a day: 2 due
        ("2017-03-02", 2, False),
    ],
)
def test_interim_disclosures(as_of: str, made: int, flagged: bool) -> None:
    """Fundraising longer than six months discloses at least once per three whole months."""
    data = build(
        {"funds": [*tables()["funds"], fund(opened_on="2016-09-01", disclosures=made)]}, **LATE
    )
    assert findings(data, as_of) == ([("PW209", ("F2",))] if flagged else [])


def test_months_before_the_charity_law_do_not_count() -> None:
    """A fund raising since January 2016 counts its months from 2016-09-01: by 30 June 2017
    that is 9 whole months (3 disclosures due), not 17 (5 due)."""
    data = build(
        {"funds": [*tables()["funds"], fund(opened_on="2016-01-01", disclosures=3)]}, **LATE
    )
    assert findings(data, "2017-06-30") == []
    data = build(
        {"funds": [*tables()["funds"], fund(opened_on="2016-01-01", disclosures=2)]}, **LATE
    )
    assert findings(data, "2017-06-30") == [("PW209", ("F2",))]


def test_related_to_the_fund_itself() -> None:
    """A household related to the paying fund (its managers) is a related party too."""
    assert findings(build(related("F1"), **LATE), "2016-12-31") == [("PW210", ("B2", "H1", "F1"))]


def test_related_to_is_loaded_and_written() -> None:
    """The households' optional column related_to round-trips through the CSV folder."""
    data = build(replace("households", "H1", related_to=("E1", "F1")))
    with tempfile.TemporaryDirectory() as tmp:
        rk.dump(data, tmp)
        header = (Path(tmp) / "households.csv").read_text(encoding="utf-8").splitlines()[0]
        assert "related_to" in header
        again = rk.load(tmp)
    assert again.get("H1").related_to == ("E1", "F1")  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("year", "fields", "flagged"),
    [
        # Foundation Regulations (2015): admin at most 10% of total spending 1,000,000.
        (2015, {"spending": "900000", "admin_costs": "100000"}, False),
        (2015, {"spending": "900000", "admin_costs": "100001"}, True),
        # Another public-fundraising charity: no ratio before the Charity Law ...
        (2015, {"foundation": False, "previous_income": "1000000", "spending": "0"}, False),
        # ... 70% of last year's income from it (MCA 2016).
        (2017, {"foundation": False, "previous_income": "1000000", "spending": "699999"}, True),
        (2017, {"foundation": False, "previous_income": "1000000", "spending": "700000"}, False),
        # Admin costs under 200,000 are not capped (MCA 2016), however large their share.
        (2017, {"foundation": False, "spending": "100000", "admin_costs": "199999.99"}, False),
        (2017, {"foundation": False, "spending": "1000000", "admin_costs": "200000"}, True),
        # Without public fundraising, by net assets: 20 million -> 6% = 1,200,000.
        (
            2017,
            {"public_fundraising": False, "net_assets": "20000000", "spending": "1199999"},
            True,
        ),
        (
            2017,
            {"public_fundraising": False, "net_assets": "20000000", "spending": "1200000"},
            False,
        ),
        # Under 1 million: 8% of 500,000 = 40,000 and 50% of last year's 100,000 = 50,000.
        (
            2017,
            {
                "public_fundraising": False,
                "net_assets": "500000",
                "previous_income": "100000",
                "spending": "45000",
            },
            True,
        ),
        (
            2017,
            {
                "public_fundraising": False,
                "net_assets": "500000",
                "previous_income": "100000",
                "spending": "50000",
            },
            False,
        ),
        # A non-public foundation before the Charity Law: 8% of its balance [R].
        (2015, {"public_fundraising": False, "net_assets": "1000000", "spending": "79999"}, True),
        # A non-public charity with no net assets recorded: no band to judge by.
        (2017, {"public_fundraising": False, "spending": "0"}, False),
    ],
)
def test_spending_ratios(year: int, fields: dict[str, Any], flagged: bool) -> None:
    """The spending ratios of the era of the campaign, by qualification and net assets."""
    base: dict[str, Any] = {"foundation": True, "public_fundraising": True, **fields}
    campaign = (
        {} if year == 2015 else {"year": 2017, "starts_on": "2017-09-01", "ends_on": "2017-12-31"}
    )
    data = build({"funds": [*tables()["funds"], fund(**base)]}, **campaign)
    report = rk.check(data, as_of=f"{year}-12-31", packs=ONLY, registry=REG)
    assert [(f.code, f.subjects) for f in report.findings] == (
        [("PW211", ("F2",))] if flagged else []
    )


def test_unverified_ratios_are_caveated() -> None:
    """A 2017 finding rests on the MCA table read in a secondary copy: it says so, and cites
    the Charity Law; a 2015 finding cites the Foundation Regulations only."""
    fields = {
        "foundation": False,
        "public_fundraising": True,
        "previous_income": "1000000",
        "spending": "0",
    }
    late = build(
        {"funds": [*tables()["funds"], fund(**fields)]},
        year=2017,
        starts_on="2017-09-01",
        ends_on="2017-12-31",
    )
    (finding,) = rk.check(late, as_of="2017-12-31", packs=ONLY, registry=REG).findings
    assert {str(c) for c in finding.citations} >= {"CL Art.60", "MCA 2016 spending ratios"}
    assert any("MCA 2016" in c and "[V2]" in c for c in finding.caveats)
    (early,) = rk.check(FLAGS["PW211"][0](), as_of="2015-12-31", packs=ONLY, registry=REG).findings
    assert [str(c) for c in early.citations] == ["Foundation Regs Art.29"]


def test_overriding_a_ratio() -> None:
    """A caller can override a ratio by name for one check."""
    make, as_of, _ = FLAGS["PW211"]
    params = {"spending_floor_public_foundation": Decimal("0.60")}
    report = rk.check(make(), as_of=as_of, packs=ONLY, registry=REG, params=params)
    assert report.findings == ()


# ---- eras ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("code", "make"),
    [
        ("PW207", lambda day: n9(day)),
        ("PW208", lambda day: {**dr9(day, fund_id="F2"), **with_fund(public_fundraising=False)}),
        ("PW210", lambda day: related("E1", day)),
    ],
)
def test_charity_law_judges_acts_from_its_first_day(
    code: str, make: Callable[[str], Changes]
) -> None:
    """In a campaign spanning 2016-09-01, an act of 31 August is judged by the 1999 law (not
    by a Charity-Law rule); the same act on 1 September is."""
    before = findings(build(make("2016-08-31"), **LATE), "2016-12-31")
    on = findings(build(make("2016-09-01"), **LATE), "2016-12-31")
    assert [c for c, _ in before] == []
    assert [c for c, _ in on] == [code]


def test_a_2015_campaign_gets_no_charity_law_rule_whatever_the_as_of() -> None:
    """Charity-Law rules are not in force for a campaign that ended before 2016-09-01, even
    checked later and with acts the rules would flag."""
    changes = {
        **related("E1", "2015-11-02"),
        **n9("2015-11-01"),
        **dr9("2015-10-01", fund_id="F2"),
        **with_fund(opened_on="2015-01-01", disclosures=0, public_fundraising=False),
    }
    report = rk.check(build(changes), as_of="2017-12-31", packs=ONLY, registry=REG)
    assert report.findings == ()
    for code in ("PW207", "PW208", "PW209", "PW210"):
        assert report.outcomes[code] is Outcome.NOT_APPLICABLE


def test_citations_follow_the_day_of_the_act() -> None:
    """A solicitation of August 2016 cites the 1999 law; one of September 2016 also cites
    the Charity Law's clauses."""

    def cited(day: str) -> set[str]:
        data = build(replace("solicitations", "S1", wage_deduction=True, on=day), **LATE)
        (finding,) = rk.check(data, as_of="2016-12-31", packs=ONLY, registry=REG).findings
        return {str(c) for c in finding.citations}

    assert cited("2016-08-31") == {"PWDL Art.4"}
    assert cited("2016-09-01") == {"PWDL Art.4", "CL Art.32", "CL Art.101", "CL Art.108"}


def test_the_donations_law_judges_acts_from_1999_09_01() -> None:
    """An act dated before the 1999 law took effect is not judged; on its first day it is."""
    before = build(replace("solicitations", "S1", wage_deduction=True, on="1999-08-31"))
    on = build(replace("solicitations", "S1", wage_deduction=True, on="1999-09-01"))
    assert findings(before, "2015-12-31") == []
    assert findings(on, "2015-12-31") == [("PW201", ("S1",))]


# ---- overlaps with the county plan -----------------------------------------------------------
def quota() -> Dataset:
    """S1 sets a quota of 200 yuan."""
    return build(replace("solicitations", "S1", quota="200"))


def diverted() -> Dataset:
    """F1 pays B9 out of designated money (CP115's case, no consent)."""
    return build(b9())


def overspent() -> Dataset:
    """F1 pays B9 5,000 more than it received in all (CP122's case)."""
    return build(b9("5000"))


@pytest.mark.parametrize(
    ("make", "county", "law"),
    [
        (quota, ("CP123", ("S1",)), ("PW201", ("S1",))),
        (
            diverted,
            ("CP115", ("F1", "B3", "B9", "N1D", "N2D")),
            ("PW203", ("F1", "B3", "B9", "N1D", "N2D")),
        ),
        (
            overspent,
            ("CP122", ("F1", "B1", "B2", "B3", "B9")),
            ("PW203", ("F1", "B3", "B9", "N1D", "N2D")),
        ),
    ],
)
def test_one_problem_one_finding(
    make: Callable[[], Dataset],
    county: tuple[str, tuple[str, ...]],
    law: tuple[str, tuple[str, ...]],
) -> None:
    """With both packs run, the county plan's rule reports and the law's defers; with the
    donations law alone, its rule reports on its own."""
    overlap = {"CP115", "CP122", "CP123", "PW201", "PW203"}
    both = [f for f in findings(make(), "2015-12-31", BOTH) if f[0] in overlap]
    assert both == [county]
    assert findings(make(), "2015-12-31", ONLY) == [law]


def test_deferral_is_not_a_pass() -> None:
    """Silenced because CP123 reports, PW201 is not applicable to that solicitation, and
    the check says so rather than 'pass'."""
    report = rk.check(quota(), as_of="2015-12-31", packs=BOTH, registry=REG)
    assert report.outcomes["PW201"] is Outcome.NOT_APPLICABLE


def test_wage_deduction_alone_is_the_law_s_finding() -> None:
    """A wage deduction without a quota: CP123 stays silent, so PW201 reports even with the
    county plan run."""
    data = FLAGS["PW201"][0]()
    assert findings(data, "2015-12-31", BOTH) == [("PW201", ("S1",))]


def test_waived_county_finding_lets_the_law_report() -> None:
    """A waiver of CP123 on the solicitation leaves the problem to PW201."""
    data = quota().add(Waiver(code="CP123", subject_id="S1", granted_by="LG", until="2016-06-30"))
    report = rk.check(data, as_of="2015-12-31", packs=BOTH, registry=REG)
    assert [(f.code, f.subjects) for f in report.findings] == [("PW201", ("S1",))]


def test_badge_and_naming_are_two_problems() -> None:
    """No badge (CP117) and naming without consent (PW204) both report on one donation."""
    data = build(replace("donations", "N1D", badge=False, commended=True))
    assert sorted(findings(data, "2015-12-31", BOTH)) == [
        ("CP117", ("N1D", "E1")),
        ("PW204", ("N1D", "E1")),
    ]


def test_consented_change_is_still_cp115_with_both_packs() -> None:
    """The county plan knows no consent: CP115 reports the consented change, and PW203,
    which would allow it, stays silent."""
    make, as_of = ALLOWS["PW203"]
    codes = [c for c, _ in findings(make(), as_of, BOTH)]
    assert "CP115" in codes and "PW203" not in codes


# ---- absent columns --------------------------------------------------------------------------
def test_files_without_the_law_columns_give_no_finding() -> None:
    """A campaign in files without the law's optional columns loads, and the pack finds
    nothing in it: every rule that needs those columns is not applicable."""
    with tempfile.TemporaryDirectory() as tmp:
        rk.dump(build(ends_on="2016-12-31"), tmp)
        for path in Path(tmp).glob("*.csv"):
            law = LAW_COLUMNS.get(path.stem, frozenset())
            with path.open(encoding="utf-8", newline="") as handle:
                rows = list(csv.reader(handle))
            keep = [i for i, name in enumerate(rows[0]) if name not in law]
            with path.open("w", encoding="utf-8", newline="") as handle:
                csv.writer(handle).writerows([[row[i] for i in keep] for row in rows])
        header = (Path(tmp) / "households.csv").read_text(encoding="utf-8").splitlines()[0]
        assert "related_to" not in header
        data = rk.load(tmp)
    report = rk.check(data, as_of="2017-06-30", packs=ONLY, registry=REG)
    assert report.findings == ()
    for code in ("PW204", "PW205", "PW206", "PW207", "PW208", "PW209", "PW210", "PW211"):
        assert report.outcomes[code] is Outcome.NOT_APPLICABLE, code


# ---- admit follows the pack's own scopes -----------------------------------------------------
def test_admit_follows_a_donation_to_the_related_household() -> None:
    """A gift that makes a household's relative a donor of the fund paying it is refused."""
    data = build({**related("E2"), **E2}, **LATE)
    gift = Donation(id="N9", donor_id="E2", fund_id="F1", amount="100", on="2016-09-02")
    decision = rk.admit(data, gift, as_of="2016-12-31", packs=ONLY, registry=REG)
    assert not decision.allowed
    assert [(f.code, f.subjects) for f in decision.findings] == [("PW210", ("B2", "H1", "E2"))]


def test_admit_follows_a_donation_into_an_unqualified_fund() -> None:
    """A gift made in a public drive into a fund without the qualification is refused; into
    a qualified charity's fund it is allowed."""
    data = build({**dr9("2016-10-01"), **with_fund(public_fundraising=False)}, **LATE)
    gift = Donation(id="N9", donor_id="E1", fund_id="F2", activity_id="DR9", amount="100",
                    on="2016-10-01")  # fmt: skip
    decision = rk.admit(data, gift, as_of="2016-12-31", packs=ONLY, registry=REG)
    assert [(f.code, f.subjects) for f in decision.findings] == [("PW208", ("DR9", "F2"))]
    qualified = data.replace(fund(public_fundraising=True))
    assert rk.admit(qualified, gift, as_of="2016-12-31", packs=ONLY, registry=REG).allowed


def test_admit_follows_a_fund_losing_its_qualification() -> None:
    """Replacing a fund's record re-judges the public drives raising into it."""
    data = build({**dr9("2016-10-01", fund_id="F2"), **with_fund(public_fundraising=True)}, **LATE)
    decision = rk.admit(data, replace=fund(public_fundraising=False), as_of="2016-12-31",
                        packs=ONLY, registry=REG)  # fmt: skip
    assert [(f.code, f.subjects) for f in decision.findings] == [("PW208", ("DR9", "F2"))]


# ---- recipes and properties ------------------------------------------------------------------
LAW = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
PER_CODE = settings(LAW, max_examples=max(3, settings().max_examples // 4))
CHARITY_LAW = {"PW207", "PW208", "PW209", "PW210"}


def as_of_for(code: str) -> str:
    """A day on which the rule can be broken: Charity-Law rules need a day under that law."""
    return "2016-12-31" if code in CHARITY_LAW else "2015-12-31"


@pytest.mark.parametrize("code", CODES)
def test_violating_gives_exactly_that_finding(code: str) -> None:
    """violating(code) with the pack in the registry breaks that rule once, on the subjects
    the recipe planted, and nothing else."""
    as_of = as_of_for(code)

    @PER_CODE
    @given(violating(code, registry=PW_REG, as_of=as_of))
    def check_one(case: tuple[Dataset, tuple[str, ...]]) -> None:
        data, subjects = case
        report = rk.check(data, as_of=as_of, registry=PW_REG)
        assert [(f.code, f.subjects) for f in report.findings] == [(code, subjects)]
        assert report.outcomes[code] is Outcome.FAIL
        readable(report.findings[0])

    check_one()


@pytest.mark.parametrize("code", sorted(CHARITY_LAW))
def test_charity_law_rules_cannot_be_broken_in_2015(code: str) -> None:
    """Before 2016-09-01 a Charity-Law rule cannot be broken: violating says so at once."""
    with pytest.raises(CannotViolateError, match="2016-09-01"):
        violating(code, registry=PW_REG, as_of="2015-12-31")


@LAW
@given(violating("CP115"))
def test_without_consent_pw203_reads_a_fund_as_cp115_does(
    case: tuple[Dataset, tuple[str, ...]],
) -> None:
    """Where no donor consented to a change, PW203 reports exactly what CP115 would: the
    fund, the disbursements drawing on designated money and the donations kept back."""
    data, subjects = case
    assert all(d.change_consent is None for d in data.rows("donations"))
    found = [f for f in findings(data, "2015-12-31") if f[0] == "PW203"]
    assert found == [("PW203", subjects)]


AS_OFS = ("2015-10-01", "2015-10-10", "2015-12-31", "2016-08-31", "2016-09-01", "2017-06-30")


@LAW
@given(st.sampled_from(CODES), st.sampled_from(AS_OFS), st.data())
def test_violating_holds_on_every_as_of(code: str, as_of: str, data: st.DataObject) -> None:
    """On any as_of, violating breaks the rule exactly once, or refuses at once: a
    Charity-Law rule before 2016-09-01, a completed construction before October 2015."""
    day = pendulum.Date.fromisoformat(as_of)
    try:
        strategy = violating(code, registry=PW_REG, as_of=as_of)
    except CannotViolateError:
        assert (code in CHARITY_LAW and day < pendulum.Date(2016, 9, 1)) or (
            code == "PW205" and day < pendulum.Date(2015, 10, 2)
        )
        return
    dataset, subjects = data.draw(strategy)
    report = rk.check(dataset, as_of=as_of, registry=PW_REG)
    assert [(f.code, f.subjects) for f in report.findings] == [(code, subjects)]


# ---- scenarios ---------------------------------------------------------------------------
def test_scenarios_pass() -> None:
    """The pack's scenario folders (one per code, and the overlaps) pass under the runner,
    with a registry holding the county plan and the donations law."""
    folder = scenarios_of(PW)
    assert folder is not None
    results = run_scenarios(folder, registry=REG)
    assert {r.name.split("-")[0].upper() for r in results} >= set(CODES)
    assert [(r.name, r.status.value) for r in results if r.status.value != "pass"] == []


# ---- the admit law over the pack ----------------------------------------------------------
def identities(report_findings: Any) -> set[tuple[str, tuple[str, ...]]]:
    """The findings' identities."""
    return {f.identity for f in report_findings}


@LAW
@given(st.sampled_from(CODES), st.data())
def test_admit_finds_what_check_adds(code: str, data: st.DataObject) -> None:
    """On a campaign broken by a PW recipe, admitting new records finds exactly what check
    adds; so does admitting back a record of the campaign taken out of it."""
    as_of = as_of_for(code)
    dataset, _ = data.draw(violating(code, registry=PW_REG, as_of=as_of))
    before = identities(rk.check(dataset, as_of=as_of, registry=PW_REG).findings)
    batch = data.draw(record_batches_for(dataset, max_size=3))
    decision = rk.admit(dataset, batch, as_of=as_of, registry=PW_REG)
    after = identities(rk.check(dataset.add(*batch), as_of=as_of, registry=PW_REG).findings)
    assert identities(decision.findings) == after - before
    tables = ("donations", "disbursements", "activities", "funds", "households", "pledges")
    removable = [r for t in tables for r in dataset.rows(t) if not dataset.referrers(r.id)]
    if removable:
        record = data.draw(st.sampled_from(removable))
        without = dataset.remove(record.id)
        less = identities(rk.check(without, as_of=as_of, registry=PW_REG).findings)
        back = rk.admit(without, record, as_of=as_of, registry=PW_REG)
        assert identities(back.findings) == before - less


@settings(max_examples=200, deadline=None)
@given(
    st.dates(datetime.date(2000, 1, 1), datetime.date(2030, 12, 31)),
    st.integers(-40, 1200),
)
def test_whole_months_by_counting(start: datetime.date, days: int) -> None:
    """`whole_months` is the most months that can be added to the start (clamped to a
    month's end) without passing the end, counted one month at a time."""
    begin = pendulum.Date(start.year, start.month, start.day)
    end = begin.add(days=days)
    n = 0
    while begin.add(months=n + 1) <= end:
        n += 1
    assert whole_months(begin, end) == n


@pytest.mark.parametrize(
    ("as_of", "made", "flagged"),
    [
        ("2017-06-01", 2, False),  # 8 whole months from 2 September (pendulum says 9): 2 due
        ("2017-06-02", 2, True),  # 9 whole months: 3 due
        ("2017-06-01", 1, True),  # 2 due, 1 made
    ],
)
def test_interim_disclosures_count_whole_months(as_of: str, made: int, flagged: bool) -> None:
    """A fund opened on 2 September 2016 has run 8 whole months on 1 June 2017, not 9: two
    interim disclosures are due, and a third only from 2 June; DuckDB agrees."""
    data = build(
        {"funds": [*tables()["funds"], fund(opened_on="2016-09-02", disclosures=made)]}, **LATE
    )
    assert findings(data, as_of) == ([("PW209", ("F2",))] if flagged else [])
    columnar = rk.check(data, as_of=as_of, packs=ONLY, registry=REG, engine="duckdb")
    assert [(f.code, f.subjects) for f in columnar.findings] == findings(data, as_of)
