"""What type checkers, help() and packaging tools see: constructors typed as their converters,
field documentation, one code where codes are expected, and the package's licence."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import inspect
import pydoc
import re
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import reliefkit as rk
from reliefkit.examples import county_2015
from reliefkit.models import RECORD_TYPES, Solicitation
from reliefkit.testing import assert_compliant, datasets, records_for, violating
from test_docs import python_blocks

ROOT = Path(__file__).resolve().parents[1]

# The types a converted field accepts, written out independently of the converters.
DATE_TAKES = "str | datetime.date | pendulum.Date"
MONEY_TAKES = "Money | int | str | Decimal"

APP = """
import datetime
from decimal import Decimal

import pendulum

import reliefkit as rk
from reliefkit.models import (
    Activity, Audit, Campaign, Dataset, DateRange, Disbursement, Donation, Donor, Fund, Money,
    Pledge, Township, Village, WorkTeam,
)

campaign = Campaign(id="C1", year=2015, starts_on="2015-09-01", ends_on=datetime.date(2015, 12, 31))
township = Township(id="T1", kind="town", main_leader_id=None)
village = Village(id="V1", township_id="T1", poor=True)
team = WorkTeam(id="W1", village_id="V1", starts_on=pendulum.Date(2015, 3, 1), ends_on=None)
fund = Fund(id="F1", holder="charity")
donor = Donor(id="E1", kind="private_enterprise")
gift = Donation(id="N1", donor_id="E1", fund_id="F1", amount=10_000, on=pendulum.Date(2015, 10, 6))
paid = Disbursement(
    id="B1", fund_id="F1", amount="3860.50", purpose="housing", village_id="V1", on="2015-10-12"
)
audit = Audit(
    id="A1", fund_id="F1", auditor_id="AU", on="2015-12-20",
    received_total=Decimal("10000"), disbursed_total=Money("3860.50"),
)
drive = Activity(id="DR1", kind="donation_drive", on="2015-10-01", villages=["V1"])
pledge = Pledge(id="G1", donor_id="E1", project_id="J1", kind="build", amount=500, on="2015-10-02")
data = Dataset.from_records([campaign, township, village, team, fund, donor, gift, paid])

# The attributes keep their stored types.
day: pendulum.Date = paid.on
amount: Money = paid.amount
fee: Money | None = drive.fee
total: Money = sum((d.amount for d in data.disbursements), Money.zero())
window = DateRange("2015-10-12", datetime.date(2015, 10, 18))
assert Money(5) == 5 and Money(5) > 3 and Money("0.10") == Decimal("0.1")

report = rk.check(data, as_of=datetime.date(2015, 12, 31), select="CP1")
messages: list[str] = [f.message for f in report.findings]
decision = rk.admit(data, gift, as_of="2015-10-10")
allowed: bool = decision.allowed
"""

# Each line marked "# E" must be a mypy error, and no other line.
WRONG = """
import datetime

from reliefkit.models import Activity, Disbursement, Money, Solicitation

Money(1.5)  # E: a float is never exact
Solicitation(id="S", activity_id="A", organizer_id="T", target_id="U")  # E: no "on"
Activity(id="A", kind="ceremony", on=20151017)  # E: an int is not a day
Disbursement(id="B", fund_id="F", amount=12.5, on="2015-10-10")  # E: float money
Activity(id="A", kind="ceremony", on=datetime.date(2015, 10, 17), villages="V1", place=3)  # E
Money(5) < 2.5  # E: a float does not order with money
day: str = Activity(id="A", kind="ceremony", on="2015-10-17").on  # E: it holds a Date
"""


def _readme_example() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Ten lines of API", 1)[1]
    return python_blocks(section)[0][1]


def _embedding_guide() -> str:
    page = (ROOT / "docs" / "embedding.md").read_text(encoding="utf-8")
    return "\n".join(code for _, code in python_blocks(page))


@pytest.fixture(scope="module")
def mypy_output(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[tuple[int, str]]]:
    """mypy --strict over the README example, the embedding guide, a typed app and a file of
    mistakes, in one run: the errors by file."""
    if importlib.util.find_spec("mypy") is None:
        pytest.skip("mypy is not installed")
    folder = tmp_path_factory.mktemp("typed")
    files = {
        "readme_example.py": _readme_example(),
        "embedding_guide.py": _embedding_guide(),
        "typed_app.py": textwrap.dedent(APP),
        "mistakes.py": textwrap.dedent(WRONG),
    }
    for name, code in files.items():
        (folder / name).write_text(code, encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-error-summary", "--cache-dir",
         str(folder / ".cache"), *files],
        cwd=folder, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert not run.stderr.strip() or "error" not in run.stderr.lower(), run.stderr
    errors: dict[str, list[tuple[int, str]]] = {name: [] for name in files}
    for line in run.stdout.splitlines():
        found = re.match(r"^(?P<file>[\w.]+):(?P<line>\d+): error: (?P<text>.*)$", line)
        if found:
            errors[found["file"]].append((int(found["line"]), found["text"]))
    return errors


def test_readme_example_passes_mypy_strict(mypy_output: dict[str, Any]) -> None:
    """The README's ten lines type-check under --strict, str dates included."""
    assert 'on="2015-10-10"' in _readme_example()
    assert mypy_output["readme_example.py"] == []


def test_embedding_guide_passes_mypy_strict(mypy_output: dict[str, Any]) -> None:
    """Every python block of docs/embedding.md, as one module, type-checks under --strict."""
    assert mypy_output["embedding_guide.py"] == []


def test_a_typed_app_passes_mypy_strict(mypy_output: dict[str, Any]) -> None:
    """Constructors take str, date and pendulum days, int/str/Decimal money, enum text."""
    assert mypy_output["typed_app.py"] == []


def test_mistakes_are_type_errors(mypy_output: dict[str, Any]) -> None:
    """A float amount, a missing required field, an int day, a str for ids are mypy errors."""
    source = textwrap.dedent(WRONG).splitlines()
    marked = {i for i, line in enumerate(source, 1) if "# E" in line}
    assert {line for line, _ in mypy_output["mistakes.py"]} == marked


# ---- what the constructors say at run time ----------------------------------------------------
def test_help_shows_what_each_field_accepts_and_means() -> None:
    """help(Solicitation) shows the day as str/date/Date, money as Money/int/str/Decimal, docs."""
    text = pydoc.render_doc(Solicitation, renderer=pydoc.plaintext)
    assert f"on: '{DATE_TAKES}'" in text
    assert f"quota: '{MONEY_TAKES} | None' = None" in text
    assert "Fields" in text and "the day it is made" in text
    assert "on: object" not in text and "amount: object" not in text


@pytest.mark.parametrize("cls", RECORD_TYPES, ids=lambda c: c.__name__)
def test_every_field_is_documented_and_listed(cls: type[Any]) -> None:
    """Each field has a one-line doc, listed in the class docstring with its name."""
    doc = cls.__doc__ or ""
    for field in attrs.fields(cls):
        line = field.metadata.get("doc", "")
        assert line and "\n" not in line, (cls.__name__, field.name)
        assert f" {field.name}: " in doc and line in doc, (cls.__name__, field.name)


@pytest.mark.parametrize("cls", RECORD_TYPES, ids=lambda c: c.__name__)
def test_required_cells_are_exactly_the_fields_without_default(cls: type[Any]) -> None:
    """The format's "required" metadata agrees with the constructor's required arguments."""
    signature = inspect.signature(cls)
    for field in attrs.fields(cls):
        required = signature.parameters[field.name].default is inspect.Parameter.empty
        assert field.metadata["required"] is required, (cls.__name__, field.name)


@pytest.mark.parametrize("cls", RECORD_TYPES, ids=lambda c: c.__name__)
def test_constructor_types_follow_the_cell_kinds(cls: type[Any]) -> None:
    """Date cells take str/date/Date, money cells Money/int/str/Decimal, choices their text."""
    signature = inspect.signature(cls)
    for field in attrs.fields(cls):
        takes = str(signature.parameters[field.name].annotation)
        kind = field.metadata["cell"]
        optional = " | None" if field.default is None else ""
        if kind == "date":
            assert takes == DATE_TAKES + optional, (cls.__name__, field.name, takes)
        elif kind == "money":
            assert takes == MONEY_TAKES + optional, (cls.__name__, field.name, takes)
        elif kind == "enum":
            assert takes == f"{field.metadata['enum'].__name__} | str", (field.name, takes)
        assert "object" not in takes, (cls.__name__, field.name)


def test_constructors_accept_what_their_types_say() -> None:
    """A str day, a datetime.date and an int of yuan make the same record as the stored types."""
    import datetime
    from decimal import Decimal

    import pendulum

    a = Solicitation(id="S", activity_id="A", organizer_id="T", target_id="U", on="2015-10-10",
                     quota=5)  # fmt: skip
    b = Solicitation(id="S", activity_id="A", organizer_id="T", target_id="U",
                     on=datetime.date(2015, 10, 10), quota=Decimal("5.00"))  # fmt: skip
    assert a == b and a.on == pendulum.Date(2015, 10, 10) and a.quota == rk.Money("5")


# ---- one code where codes are expected -----------------------------------------------------------
def test_a_single_code_string_is_that_code_or_a_type_error() -> None:
    """select/packs/params take one name as a str; get_rule and violating refuse a list."""
    data = county_2015()
    one = rk.check(data, as_of="2015-12-31", select="CP114")
    assert {f.code for f in one.findings} == {"CP114"}
    assert rk.check(data, as_of="2015-12-31", packs="county-plan").findings == (
        rk.check(data, as_of="2015-12-31", packs=["county-plan"]).findings
    )
    as_text = rk.check(data, as_of="2015-12-31", params={"permitted_purposes": "housing"})
    as_list = rk.check(data, as_of="2015-12-31", params={"permitted_purposes": ["housing"]})
    assert as_text.findings == as_list.findings
    assert rk.get_rule("CP101").code == "CP101"
    with pytest.raises(TypeError, match="one rule code"):
        rk.get_rule(["CP101"])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="one rule code"):
        violating(["CP101"])  # type: ignore[arg-type]


@settings(max_examples=5, deadline=None)
@given(st.data())
def test_records_for_takes_one_table_name(data: st.DataObject) -> None:
    """records_for(tables="donations") draws donations, as tables=("donations",) does."""
    dataset = data.draw(datasets(min_funds=1, min_donors=1))
    record = data.draw(records_for(dataset, tables="donations"))
    assert type(record).__name__ == "Donation"


def test_assert_compliant_takes_one_severity() -> None:
    """severities="error" tolerates warnings and infos, as ("error",) does."""
    report = rk.check(county_2015(), as_of="2015-12-31", select="CP108")
    assert_compliant(report, severities="error")
    with pytest.raises(pytest.fail.Exception, match="CP108"):
        assert_compliant(report, severities="warning")


# ---- what pip shows ------------------------------------------------------------------------------
def test_the_package_states_its_licence() -> None:
    """The installed metadata names the MIT licence, and LICENSE holds its text."""
    metadata = importlib.metadata.metadata("reliefkit")
    assert (metadata.get("License-Expression") or metadata.get("License")) == "MIT"
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == "MIT"
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License") and "WITHOUT WARRANTY OF ANY KIND" in text
