"""Personal data at one boundary: valid resident IDs refused as ids and checked where they
belong, masked in every output however they are written, and masked only at output time."""

from __future__ import annotations

import ast
import json
import pathlib
import unicodedata
from collections.abc import Iterator
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import reliefkit
import reliefkit as rk
from campaigns import add, build, replace
from reliefkit import _privacy
from reliefkit._privacy import (
    chart_label,
    is_resident_id,
    mask_resident_ids,
    printable,
    resident_id_problem,
    resident_ids_in,
)
from reliefkit.exceptions import IntegrityError, InvalidValueError, LoadError, LoadProblem
from reliefkit.io import dump, load
from reliefkit.models import (
    TABLES,
    Activity,
    Dataset,
    Disbursement,
    Household,
    Person,
    Solicitation,
    Village,
    Waiver,
)
from reliefkit.rules import Finding, Severity
from reliefkit.testing import datasets, resident_ids

VALID = "11010519491231002X"
VALID_DIGIT = "500228197811052320"
OLD_FORM = "110105491231002"  # 15 digits: 1949-12-31
FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def spaced(number: str) -> str:
    """``1101 0519 4912 3100 2X``: groups of four, as printed on forms."""
    return " ".join(number[i : i + 4] for i in range(0, len(number), 4))


def hyphenated(number: str) -> str:
    """``110105-19491231-002X``: region, date of birth, sequence and check."""
    return f"{number[:6]}-{number[6:14]}-{number[14:]}"


def full_width(number: str) -> str:
    """``１１０１０５…Ｘ``: full-width digits, as Chinese input methods type them."""
    return number.translate(FULL_WIDTH)


FORMS = {
    "plain": lambda n: n,
    "lower-x": str.lower,
    "spaced": spaced,
    "hyphenated": hyphenated,
    "full-width": full_width,
}

# What may separate the digits of a written ID: spaces, dashes and invisible characters.
_SEPARATORS = {"-", "\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2015", "\u2212"}


def folded(text: str) -> str:
    """``text`` with every way of writing a number undone: full-width folded, separators and
    invisible characters dropped, upper case."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(
        c
        for c in text
        if not c.isspace() and c not in _SEPARATORS and unicodedata.category(c) != "Cf"
    ).upper()


def assert_hidden(number: str, output: str, where: str = "") -> None:
    """No form of ``number`` appears whole in ``output``."""
    assert number not in output, where
    assert number.upper() not in folded(output), where


# ---- what a resident ID number is ---------------------------------------------------------


def test_valid_numbers_pass_gb_11643() -> None:
    """Valid numbers pass GB 11643: lower-case x too, and the 15-digit form with a real date."""
    for number in (VALID, VALID.lower(), VALID_DIGIT, OLD_FORM):
        assert is_resident_id(number), number


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("110105194912310021", "check character"),
        ("11010519491331002X", "date of birth"),
        ("11010518991231002X", "year of birth"),
        ("1101051949123100", "18 characters"),
        (full_width(VALID), "ASCII digits"),
        ("١١٠١٠٥١٩٤٩١٢٣١٠٠٢X", "ASCII digits"),
        ("1101051949X231002X", "ASCII digits"),
        ("110105491331002", "positions 7-12"),
    ],
)
def test_invalid_numbers_say_why(value: str, says: str) -> None:
    """Each way of not being a resident ID number has its own explanation, never quoting it."""
    problem = resident_id_problem(value)
    assert problem is not None and says in problem
    assert value not in problem


@given(resident_ids(), st.integers(0, 9))
def test_a_wrong_check_character_is_caught(number: str, digit: int) -> None:
    """Law: every generated number is valid; changing its check character makes it invalid."""
    assert is_resident_id(number)
    wrong = number[:17] + ("X" if number[17] != "X" and digit == 0 else str(digit))
    assert is_resident_id(wrong) == (wrong == number)


@pytest.mark.parametrize(
    "value",
    [
        "110105194912310021",  # check character
        full_width(VALID),  # full-width digits
        "١١٠١٠٥١٩٤٩١٢٣١٠٠٢X",  # Arabic-Indic digits
        "11010519491331002X",  # 13th month
    ],
)
def test_household_resident_id_is_validated(value: str) -> None:
    """``resident_id`` must be a valid number in ASCII digits; the error masks it."""
    with pytest.raises(InvalidValueError, match="GB 11643") as caught:
        Household(id="H1", village_id="V1", resident_id=value, members=1)
    assert_hidden(value, str(caught.value) + repr(caught.value))


def test_a_bad_resident_id_is_one_load_problem(tmp_path: pathlib.Path) -> None:
    """A resident ID with a wrong check character is one load problem, in its column, masked."""
    folder = dump(build(), tmp_path / "bad")
    path = folder / "households.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace("500101198001011235", "500101198001011234"),
        encoding="utf-8",
    )
    with pytest.raises(LoadError) as caught:
        load(folder)
    problems = caught.value.problems
    assert [(p.file, p.row, p.column) for p in problems] == [("households.csv", 1, "resident_id")]
    assert "check character" in problems[0].expected
    shown = str(caught.value) + repr(caught.value) + json.dumps(caught.value.to_dict())
    assert_hidden("500101198001011234", shown)


# ---- a resident ID is never an id ---------------------------------------------------------


@pytest.mark.parametrize("form", sorted(FORMS))
@pytest.mark.parametrize(
    "make",
    [
        lambda v: Village(id=v, township_id="T1"),  # a record's own id
        lambda v: Village(id="V9", township_id=v),  # a reference
        lambda v: Activity(id="A9", kind="ceremony", on="2015-10-17", participants=("P1", v)),
        lambda v: Waiver(code="CP101", subject_id=v, granted_by="LG", until="2016-01-01"),
        lambda v: Disbursement(id="B9", fund_id="F1", amount=1, on="2015-10-20", village_id=v),
    ],
    ids=["id", "key-reference", "id-list", "waiver-subject", "optional-reference"],
)
def test_a_resident_id_is_refused_as_an_id(form: str, make: Any) -> None:
    """A resident ID in any form, as or inside an id, is refused with a masked, helpful error."""
    written = FORMS[form](VALID)
    for value in (written, f"HH-{written}"):
        with pytest.raises(InvalidValueError, match="resident_id") as caught:
            make(value)
        assert_hidden(VALID, str(caught.value) + repr(caught.value))


def test_the_old_form_is_refused_as_an_id() -> None:
    """The 15-digit form with a real date of birth is a resident ID number too."""
    with pytest.raises(InvalidValueError, match="resident_id"):
        Village(id=OLD_FORM, township_id="T1")


def test_numbers_that_are_not_resident_ids_remain_ids() -> None:
    """An 18-digit serial with a wrong check character, or no date of birth, is an id."""
    for value in ("110105194912310021", "201510170000000001", "DON-2015-000001"):
        assert Village(id=value, township_id="T1").id == value


def test_every_path_that_makes_records_refuses_it(tmp_path: pathlib.Path) -> None:
    """Load, build, add and admit: all refuse a resident ID number as an id."""
    data = build()
    with pytest.raises(InvalidValueError):
        data.add(Village(id=VALID, township_id="T1"))
    with pytest.raises(InvalidValueError):
        rk.admit(
            data,
            Solicitation(
                id="S9", activity_id="DR1", organizer_id="T1", target_id=VALID, on="2015-10-17"
            ),
            as_of="2015-12-31",
        )
    with pytest.raises(InvalidValueError):
        attrs.evolve(data.villages[0], id=spaced(VALID))
    folder = dump(data, tmp_path / "ids")
    path = folder / "villages.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("V2,", f"{VALID},", 1), "utf-8")
    with pytest.raises(LoadError) as caught:
        load(folder)
    assert ("villages.csv", 2, "id") in {(p.file, p.row, p.column) for p in caught.value.problems}
    assert "resident_id" in str(caught.value)
    assert_hidden(VALID, str(caught.value) + json.dumps(caught.value.to_dict()))


# ---- masking: any form, anywhere, whatever its validity -----------------------------------


@pytest.mark.parametrize("form", sorted(FORMS))
def test_masking_catches_every_written_form(form: str) -> None:
    """Spaced, hyphenated, full-width: the first four and last two digits are kept."""
    written = f"户主{FORMS[form](VALID)}家"
    masked = mask_resident_ids(written)
    assert_hidden(VALID, masked)
    assert list(resident_ids_in(written)) == [VALID]
    assert masked.startswith("户主") and masked.endswith("家")


@given(
    digits=st.from_regex(r"\A\d{17}[\dX]\Z", fullmatch=True),
    form=st.sampled_from(sorted(FORMS)),
    around=st.sampled_from(["", " ", "户主", "x", "(", "：", "ID "]),
)
def test_masking_never_depends_on_validity(digits: str, form: str, around: str) -> None:
    """Law: any 18-character ID-shaped number is masked in every form, valid or not."""
    assert_hidden(digits, mask_resident_ids(around + FORMS[form](digits) + around))


def test_escapes_and_invisible_characters_do_not_split_a_number() -> None:
    """An ID broken by a tab, an escape or a zero-width space (or their escapes) is masked."""
    for text in ("1101\t0519\u200b4912\x1b3100 2X", repr("1101\u200b05194912\x1b31002X")):
        assert_hidden(VALID, folded(mask_resident_ids(text)).replace("\\", ""))
        assert "*" in mask_resident_ids(text)


def test_printable_strips_control_and_escape_characters() -> None:
    """Terminal escapes, line breaks and bidi overrides in a value cannot reach a terminal."""
    shown = printable("ok\x1b[2J\x1b[H\rNo findings.\n\u202eevil\x07")
    assert not any(unicodedata.category(c) in ("Cc", "Cf") for c in shown)
    assert "\n" not in shown and "No findings." in shown
    assert printable("a\nb", newlines=True) == "a\nb"


def test_chart_labels_are_cut_with_an_ellipsis() -> None:
    """A chart label is one line of at most 40 characters."""
    assert chart_label("x" * 100) == "x" * 39 + "…"
    assert chart_label("short\nname") == "short name"
    assert_hidden(VALID, chart_label(f"meals {VALID}"))


# ---- masked at output, not when findings are built ----------------------------------------


def _finding(text: str) -> Finding:
    return Finding(
        code="CP112",
        severity=Severity.ERROR,
        subjects=("B1",),
        message=f"purpose {text}",
        message_zh=f"用途 {text}",
        evidence={"purpose": text, text: [text]},
    )


def test_findings_keep_what_the_rule_wrote() -> None:
    """A finding holds its message as written; its repr and JSON form mask it."""
    finding = _finding(VALID)
    assert VALID in finding.message
    assert VALID in finding.evidence["purpose"]
    assert_hidden(VALID, repr(finding))
    assert_hidden(VALID, json.dumps(finding.to_dict(), ensure_ascii=False))


def test_exceptions_mask_when_shown() -> None:
    """``str`` and ``repr`` of every reliefkit error mask ID-shaped numbers (valid or not)."""
    shaped = "110105194912310021"  # ID-shaped, wrong check: still an id, still masked
    data = build()
    with pytest.raises(IntegrityError) as integrity:
        data.add(Village(id="V9", township_id=shaped))
    errors: list[Exception] = [integrity.value]
    with pytest.raises(InvalidValueError) as invalid:
        Household(id="H9", village_id="V1", members=int(shaped))
    errors.append(invalid.value)
    problem = LoadProblem(f"{shaped}.csv", 1, shaped, shaped, f"not {shaped}")
    errors.append(LoadError(f"/data/{shaped}", [problem]))
    for error in errors:
        shown = str(error) + repr(error)
        assert_hidden(shaped, shown, type(error).__name__)
    assert_hidden(shaped, json.dumps(LoadError("x", [problem]).to_dict()))
    assert_hidden(shaped, repr(problem))


def _shown(*things: Any) -> str:
    """Everything a load problem or error shows: ``str``, ``repr`` and the JSON form."""
    out = []
    for thing in things:
        out += [str(thing), repr(thing)]
        if hasattr(thing, "to_dict"):
            out.append(json.dumps(thing.to_dict(), ensure_ascii=False))
    return "\n".join(out)


def test_a_load_problem_keeps_a_personal_cell_raw_and_shows_it_masked() -> None:
    """A problem keeps a name or resident ID as written; str, repr and to_dict mask it."""
    name = LoadProblem("households.csv", 1, "head_name", "王大锤", "text", personal="name")
    rid = LoadProblem("households.csv", 2, "resident_id", VALID, "GB 11643", personal="resident_id")
    quoting = LoadProblem(
        "households.csv", 3, "id", "H3", "H3 is 王大锤's", personal_values=("王大锤",)
    )
    assert (name.value, rid.value, quoting.expected) == ("王大锤", VALID, "H3 is 王大锤's")
    shown = _shown(name, rid, quoting, LoadError("x", [name, rid, quoting]))
    assert "王大锤" not in shown and "王" in shown
    assert_hidden(VALID, shown)
    assert name.to_dict()["value"] == "王**"
    assert rid.to_dict()["value"] == "1101************2X"
    assert quoting.to_dict()["expected"] == "H3 is 王**'s"
    assert str(rid).endswith("value='1101************2X': GB 11643")


def test_a_name_in_a_bad_json_cell_is_masked(tmp_path: pathlib.Path) -> None:
    """A head's name given as a JSON list is a problem in a personal column: kept, masked."""
    from reliefkit.io import dump_json

    path = dump_json(build(), tmp_path / "c.json")
    document = json.loads(path.read_text(encoding="utf-8"))
    document["households"][0]["head_name"] = ["王大锤"]
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(LoadError) as caught:
        load(path)
    (problem,) = caught.value.problems
    assert (problem.column, problem.value, problem.personal) == ("head_name", '["王大锤"]', "name")
    shown = _shown(problem, caught.value)
    assert "王大锤" not in shown and "大" not in shown
    assert problem.to_dict()["value"] == "[******"


def test_load_problems_are_equal_when_their_raw_values_are() -> None:
    """Two IDs that mask alike are different problems; the same raw value is the same one."""
    other = VALID[:6] + "19500101" + VALID[14:]  # another date of birth, the same mask

    def problem(value: str) -> LoadProblem:
        return LoadProblem("households.csv", 1, "resident_id", value, "x", personal="resident_id")

    assert str(problem(VALID)) == str(problem(other))
    assert problem(VALID).to_dict() == problem(other).to_dict()
    assert problem(VALID) != problem(other)
    assert problem(VALID) == problem(VALID)
    assert hash(problem(VALID)) == hash(problem(VALID))
    assert problem(VALID) != attrs.evolve(problem(VALID), personal=None)


def test_a_load_problem_refuses_an_unknown_kind_of_personal_data() -> None:
    """``personal`` is ``"name"``, ``"resident_id"`` or ``None``."""
    with pytest.raises(ValueError, match="personal"):
        LoadProblem("households.csv", 1, "head_name", "x", "text", personal="phone")  # type: ignore[arg-type]


@pytest.mark.parametrize("form", ["text", "json"])
def test_the_command_line_never_shows_a_bad_rows_personal_data(
    tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str], form: str
) -> None:
    """``reliefkit check`` on a bad households.csv masks the names and IDs its problems hold."""
    from reliefkit.cli import main

    wrong = f"{VALID_DIGIT[:-1]}1"  # a check character that does not match
    folder = dump(build(), tmp_path / "c")
    households = folder / "households.csv"
    rows = [
        f"H91,V1,王大锤,{wrong},2,false,",
        f"H92,V1,4,赵铁柱,{VALID_DIGIT},true,",  # shifted: the name under resident_id
    ]
    households.write_text(
        households.read_text(encoding="utf-8") + "\n".join(rows) + "\n", encoding="utf-8"
    )
    with pytest.raises(LoadError) as caught:
        load(folder)
    kept = {(p.row, p.column): (p.value, p.personal) for p in caught.value.problems}
    assert kept == {  # as written, and what personal data each is
        (4, "resident_id"): (wrong, "resident_id"),
        (5, "resident_id"): ("赵铁柱", "resident_id"),
        (5, "members"): (VALID_DIGIT, None),
    }
    assert main(["check", str(folder), "--as-of", "2015-12-31", "--format", form]) == 2
    captured = capsys.readouterr()
    output = captured.out + captured.err
    for secret in ("王大锤", "赵铁柱", "铁柱"):
        assert secret not in output, secret
    assert_hidden(wrong, output)
    assert_hidden(VALID_DIGIT, output)
    assert "value='5002************21'" in captured.err  # shown masked, in the message
    assert "value='***'" in captured.err
    if form == "json":
        shown = {(p["row"], p["column"]): p["value"] for p in json.loads(captured.out)["problems"]}
        assert shown == {
            (4, "resident_id"): "5002************21",
            (5, "resident_id"): "***",
            (5, "members"): "5002************20",
        }


def test_reports_mask_ids_shaped_like_resident_ids() -> None:
    """An id that is ID-shaped but not valid is accepted, and masked wherever shown."""
    shaped = "110105194912310021"
    data = build(replace("households", "H3", responsible_person_id=None, id=shaped))
    report = rk.check(data, as_of="2015-12-31")
    assert shaped in {s for f in report.findings for s in f.subjects}  # kept as written
    for text in (report.to_text(), report.to_json(), repr(report), report.to_html(plots=False)):
        assert_hidden(shaped, text)


def test_frames_mask_id_lists() -> None:
    """``to_frames`` masks ID-shaped numbers in id-list columns too."""
    pytest.importorskip("pandas")
    shaped = "110105194912310021"
    data = build(
        {
            **add("people", Person(id=shaped, name="孙六", unit_id="T2", role="cadre")),
            **replace("activities", "CE2", participants=("P2", shaped)),
        }
    )
    frames = data.to_frames()
    participants = frames["activities"].set_index("id").loc["CE2", "participants"]
    assert any("*" in p for p in participants)  # a list of ids, the shaped one masked
    for frame in frames.values():
        assert_hidden(shaped, frame.to_csv())


# ---- the boundary is one module, called at output time only --------------------------------

MASKING = {
    "chart_label",
    "mask_cell",
    "mask_name",
    "mask_name_repr",
    "mask_personal",
    "mask_resident_id",
    "mask_resident_id_repr",
    "mask_resident_ids",
    "mask_resident_ids_in",
    "mask_text_repr",
    "masked_repr",
    "printable",
    "safe",
    "safe_in",
}
"""The functions of :mod:`reliefkit._privacy` that make data safe."""

# Modules that render, serialize or show: they may make data safe anywhere.
OUTPUT_MODULES = {
    "_privacy.py",
    "_display.py",
    "exceptions.py",
    "cli.py",
    "models/_frames.py",
    "report/_frames.py",
    "report/_html.py",
    "report/_many.py",
    "report/_plots.py",
    "report/_report.py",
    "report/_text.py",
    "scenarios/_text.py",
}
# Outputs inside modules that otherwise build data: reprs and serializers.
OUTPUT_FUNCTIONS = {
    "rules/_core.py": {"Finding.to_dict", "Finding.__str__"},
    "models/_records.py": {"Donor.__repr__", "Donor.display_name"},
    "io/_notices.py": {"Notice.__str__"},
    "models/_campaigns.py": {"Campaigns.__repr__"},
}


def _masking_uses(path: pathlib.Path) -> Iterator[tuple[str, int, str, bool]]:
    """``(qualified name of the enclosing definition, line, function, is a repr= hook)`` of
    every reference to a masking function in one module (calls, converters, hooks)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: dict[str, str] = {}
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
            ("reliefkit", "_privacy", "models", "_masking")
        ):
            for alias in node.names:
                if alias.name in MASKING:
                    names[alias.asname or alias.name] = alias.name
                elif alias.name in ("_privacy", "_masking"):
                    modules.add(alias.asname or alias.name)
        elif isinstance(node, ast.ImportFrom) and node.level:
            for alias in node.names:
                if alias.name in MASKING:
                    names[alias.asname or alias.name] = alias.name
    hooks = {
        id(kw.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        for kw in node.keywords
        if kw.arg == "repr"
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.arguments):
            params = node.posonlyargs + node.args + node.kwonlyargs
            defaults: list[ast.expr | None] = [None] * (len(params) - len(node.kwonlyargs))
            defaults[len(defaults) - len(node.defaults) :] = node.defaults
            defaults += node.kw_defaults
            hooks |= {id(d) for p, d in zip(params, defaults, strict=True) if p.arg == "repr"}

    def visit(node: ast.AST, scope: str) -> Iterator[tuple[str, int, str, bool]]:
        for child in ast.iter_child_nodes(node):
            inner = scope
            if isinstance(child, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
                inner = f"{scope}.{child.name}" if scope else child.name
            if isinstance(child, ast.Name) and child.id in names:
                yield scope, child.lineno, names[child.id], id(child) in hooks
            elif (
                isinstance(child, ast.Attribute)
                and child.attr in MASKING
                and isinstance(child.value, ast.Name)
                and child.value.id in modules
            ):
                yield scope, child.lineno, child.attr, id(child) in hooks
            yield from visit(child, inner)

    yield from visit(tree, "")


def _all_masking_uses() -> dict[str, list[tuple[str, int, str, bool]]]:
    root = pathlib.Path(reliefkit.__file__).parent
    return {
        path.relative_to(root).as_posix(): list(_masking_uses(path))
        for path in sorted(root.rglob("*.py"))
    }


def test_masking_happens_only_at_output() -> None:
    """Masking functions are used only by renderers, serializers, exceptions and repr hooks."""
    misplaced = []
    for module, uses in _all_masking_uses().items():
        if module in OUTPUT_MODULES:
            continue
        allowed = OUTPUT_FUNCTIONS.get(module, set())
        for scope, line, function, is_hook in uses:
            if is_hook and function.endswith("_repr"):
                continue  # an attrs repr= hook: applied when the record is shown
            if any(scope == a or scope.startswith(f"{a}.") for a in allowed):
                continue
            misplaced.append(f"{module}:{line} {scope or '<module>'} uses {function}")
    assert not misplaced, "mask at output time only:\n" + "\n".join(misplaced)


def test_the_architecture_check_sees_masking(tmp_path: pathlib.Path) -> None:
    """The check is not vacuous: it finds output calls, hooks, and a converter that masks."""
    module = tmp_path / "builds.py"
    module.write_text(
        "import attrs\nfrom reliefkit._privacy import safe as s, masked_repr\n"
        "@attrs.frozen\nclass F:\n    m: str = attrs.field(converter=s, repr=masked_repr)\n",
        encoding="utf-8",
    )
    assert list(_masking_uses(module)) == [("F", 5, "safe", False), ("F", 5, "masked_repr", True)]
    uses = _all_masking_uses()
    assert any(f == "safe_in" and s == "Finding.to_dict" for s, _, f, _ in uses["rules/_core.py"])
    assert any(f == "printable" for _, _, f, _ in uses["report/_text.py"])
    assert any(f == "chart_label" for _, _, f, _ in uses["report/_plots.py"])
    assert any(hook for _, _, _, hook in uses["models/_fields.py"])
    assert _privacy.__name__ == "reliefkit._privacy"


# ---- a property: plant numbers in every free-text field, scan every output ------------------

TEXT_FIELDS = {
    table: tuple(a.name for a in attrs.fields(cls) if a.metadata.get("cell") == "text")
    for table, cls in TABLES.items()
}


def plant(data: Dataset, text: str, number: str) -> Dataset:
    """``data`` with ``text`` in every free-text field, every disbursement's purpose (so that
    findings quote it), a household's resident ID, and a waiver whose reason is ``text``."""
    tables: dict[str, list[Any]] = {}
    for table, records in data.tables().items():
        fields = TEXT_FIELDS[table]
        tables[table] = [
            attrs.evolve(r, **dict.fromkeys(fields, text)) if fields else r for r in records
        ]
    if tables["households"]:
        tables["households"][0] = attrs.evolve(tables["households"][0], resident_id=number)
    if tables["disbursements"]:
        subject = tables["disbursements"][0].id
        tables["waivers"] = [
            Waiver(
                code="CP112", subject_id=subject, reason=text, granted_by="LG", until="2016-06-30"
            )
        ]
    (campaign,) = tables.pop("campaign")
    return Dataset.build(campaign, **tables)


Planted = tuple[Dataset, str, str, str]


@st.composite
def planted(draw: st.DrawFn) -> Planted:
    """A generated campaign with a valid resident ID number, in one written form, planted in
    every free-text field; the number, the form it was written in and the planted text."""
    data = draw(datasets(max_townships=2, max_villages_per_township=2, max_donors=3))
    number = draw(resident_ids())
    written = FORMS[draw(st.sampled_from(sorted(FORMS)))](number)
    before = draw(st.sampled_from(["", "meals ", "户主", "x", "（", "ID: "]))
    after = draw(st.sampled_from(["", " 家", "家门口", ")", "，3 people"]))
    text = f"{before}{written}{after}"
    return plant(data, text, number), number, written, text


def _texts(data: Dataset, report: Any) -> Iterator[tuple[str, str]]:
    """Every text output of a report and its dataset (charts apart)."""
    for lang in ("en", "zh"):
        yield f"text-{lang}", report.to_text(lang=lang)
        yield f"html-{lang}", report.to_html(lang=lang, dataset=data, plots=False)
    yield "json", report.to_json()
    yield "repr", repr(report) + repr(list(data.records())) + repr(data)
    yield "finding-html", "".join(f._repr_html_() for f in report.findings)
    try:
        import pandas  # noqa: F401
    except ImportError:
        return
    yield "frame", report.to_frame().to_csv() + report.to_frame(lang="zh").to_csv()
    yield "frames", "".join(f.to_csv() for f in data.to_frames().values())


def _errors(data: Dataset, text: str) -> Iterator[tuple[str, str]]:
    """The strings of errors whose messages quote the planted text."""
    attempts = [
        lambda: Household(id="H99", village_id="V1", resident_id=f"{text}?"),
        lambda: Household(id="H99", village_id="V1", members=text),
        lambda: rk.check(data, as_of="2015-12-31", params={"poverty_day": text}),
        lambda: rk.check(data, as_of="2015-12-31", select=[text]),
        lambda: rk.check(data, as_of="2015-12-31", packs=[text]),
    ]
    for attempt in attempts:
        try:
            attempt()
        except rk.ReliefkitError as exc:
            yield type(exc).__name__, str(exc) + repr(exc)
        else:  # pragma: no cover - each attempt is refused
            raise AssertionError("expected an error")
    problem = LoadProblem(text, 1, text, text, text)
    error = LoadError(text, [problem])
    yield "load-error", str(error) + repr(error) + json.dumps(error.to_dict(), ensure_ascii=False)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(planted())
def test_no_output_shows_a_planted_number(case: Planted) -> None:
    """Law: an ID planted in every free-text field never shows whole in any output or error."""
    data, number, written, text = case
    report = rk.check(data, as_of="2015-12-31")
    assert data.campaign.name == text  # planted, and kept as written
    if data.disbursements:  # findings quote the purpose; the waiver quotes its reason
        assert report.waived
    outputs = dict(_texts(data, report))
    outputs.update(_errors(data, text))
    if data.funds:
        spend = Disbursement(
            id="B999", fund_id=data.funds[0].id, amount=1, purpose=text, on="2015-11-02"
        )
        decision = rk.admit(data, spend, as_of="2015-12-31")
        outputs["decision"] = json.dumps(decision.to_dict(), ensure_ascii=False) + repr(decision)
    for where, output in outputs.items():
        assert written not in output, where
        assert_hidden(number, output, where)


@settings(max_examples=2, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(planted(), st.sampled_from(sorted(FORMS)), resident_ids())
def test_no_chart_shows_a_planted_number(case: Planted, form: str, number: str) -> None:
    """Law (two examples: drawing is slow): no chart text shows a planted ID; labels ≤ 40."""
    pytest.importorskip("matplotlib")
    from matplotlib.text import Text

    from reliefkit.report._plots import KINDS, figure_png, plot

    written = FORMS[form](number)
    example = plant(build(), f"meals {written}", number), number, written
    for data, planted_number, planted_form in (case[:3], example):
        report = rk.check(data, as_of="2015-12-31")
        for kind in KINDS:
            fig = plot(report, kind, dataset=data)
            figure_png(fig)  # drawn, so every tick label exists
            for text in (t.get_text() for t in fig.findobj(Text)):
                assert planted_form not in text, kind
                assert_hidden(planted_number, text, kind)
            ticks = [t.get_text() for ax in fig.axes for t in ax.get_xticklabels()]
            assert all(len(t) <= 40 for t in ticks), ticks
    money = plot(rk.check(example[0], as_of="2015-12-31"), "money", dataset=example[0])
    assert any("meals" in t.get_text() for t in money.axes[0].get_xticklabels())


def test_the_command_line_masks_paths_headers_and_notices(
    tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The CLI masks an ID in the folder name, a header (notice) and a bad cell (load error)."""
    from reliefkit.cli import main

    folder = dump(build(), tmp_path / f"户{spaced(VALID)}")
    villages = folder / "villages.csv"
    header, rest = villages.read_text(encoding="utf-8").split("\n", 1)
    villages.write_text(f"{header},备注{VALID}\n{rest}", encoding="utf-8")
    assert main(["check", str(folder), "--as-of", "2016-01-31"]) in (0, 1)
    captured = capsys.readouterr()
    assert "备注" in captured.err  # the notice is shown, masked
    assert_hidden(VALID, captured.out + captured.err)
    funds = folder / "funds.csv"
    funds.write_text(funds.read_text(encoding="utf-8") + f"{hyphenated(VALID)},x,bank\n", "utf-8")
    assert main(["check", str(folder), "--as-of", "2016-01-31", "--format", "json"]) == 2
    captured = capsys.readouterr()
    assert json.loads(captured.out)["schema"] == "reliefkit.load-error.v1"
    assert_hidden(VALID, captured.out + captured.err)


def test_lone_surrogates_never_stop_an_output() -> None:
    """Lone surrogates in free text are replaced, so every output can be written as UTF-8."""
    data = build(
        {
            **replace("disbursements", "B3", purpose="meals\ud800"),
            **replace("townships", "T1", name="龙潭\udcff镇"),
        }
    )
    report = rk.check(data, as_of="2015-12-31")
    assert [f.code for f in report.findings] == ["CP112"]
    outputs = [report.to_json(), report.to_text(), report.to_text(lang="zh"), repr(report)]
    outputs.append(report.to_html(dataset=data, plots=False))
    for output in outputs:
        output.encode("utf-8")
    pytest.importorskip("matplotlib")
    report.to_html(dataset=data).encode("utf-8")


# ---- a row's own name typed into another column --------------------------------------------

EXAMPLE = pathlib.Path(__file__).resolve().parent.parent / "examples" / "county-2015"

# The two rows of the review: a name typed into a reference column of its own row.
MISPLACED = {
    "households": (
        "households.csv",
        "H01-01-01,王小明,王小明,500299195111056925,1,false,",
        "village_id",
        "王小明",
        "unknown id; expected an id of villages",
    ),
    "people": (
        "people.csv",
        "C-LG-1,张建林,张建林,cadre",
        "unit_id",
        "张建林",
        "unknown id; expected an id of townships or departments",
    ),
}


def example_with(tmp_path: pathlib.Path, file: str, line: str, row: int | None = 1) -> pathlib.Path:
    """A copy of the example county with data row ``row`` of ``file`` replaced by ``line``
    (appended when ``row`` is ``None``)."""
    import shutil

    folder = tmp_path / "county"
    shutil.copytree(EXAMPLE, folder)
    path = folder / file
    lines = path.read_text(encoding="utf-8").splitlines()
    if row is None:
        lines.append(line)
    else:
        lines[row] = line
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def only_problem(path: pathlib.Path) -> LoadProblem:
    """The one problem loading ``path`` finds."""
    with pytest.raises(LoadError) as caught:
        load(path)
    (problem,) = caught.value.problems
    return problem


@pytest.mark.parametrize("form", ["text", "json"])
@pytest.mark.parametrize("case", sorted(MISPLACED))
def test_the_command_line_masks_a_name_typed_into_a_reference_column(
    tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str], case: str, form: str
) -> None:
    """``reliefkit check`` masks a row's own name typed into a column that names a record."""
    from reliefkit.cli import main

    file, line, column, name, expected = MISPLACED[case]
    folder = example_with(tmp_path, file, line)
    args = ["check", str(folder), "--as-of", "2015-12-31", "--format", form]
    assert main(args) == 2
    captured = capsys.readouterr()
    assert name not in captured.out + captured.err
    masked = f"{name[0]}**"
    where = f"{file}, data row 1 (spreadsheet row 2), column {column}"
    assert f"{where}: value='{masked}': {expected}" in captured.err
    if form == "json":
        assert json.loads(captured.out)["problems"] == [
            {"file": file, "row": 1, "column": column, "value": masked, "expected": expected}
        ]


@pytest.mark.parametrize("case", sorted(MISPLACED))
def test_a_reference_problem_keeps_the_name_and_shows_it_masked(
    tmp_path: pathlib.Path, case: str
) -> None:
    """An unknown id that is its row's own name is kept whole and shown masked everywhere."""
    file, line, column, name, expected = MISPLACED[case]
    problem = only_problem(example_with(tmp_path, file, line))
    assert (problem.column, problem.value, problem.expected) == (column, name, expected)
    assert (problem.personal, problem.personal_values) == ("name", (name,))
    masked = f"{name[0]}**"
    assert str(problem) == (
        f"{file}, data row 1 (spreadsheet row 2), column {column}: value='{masked}': {expected}"
    )
    assert repr(problem) == (
        f"LoadProblem(file='{file}', row=1, column='{column}', value='{masked}', "
        f"expected='{expected}')"
    )
    assert problem.to_dict() == {
        "file": file,
        "row": 1,
        "column": column,
        "value": masked,
        "expected": expected,
    }
    assert name not in _shown(problem, LoadError("x", [problem]))


def test_a_cell_problem_masks_its_rows_name_on_the_block_and_row_paths(
    tmp_path: pathlib.Path,
) -> None:
    """A name typed into a count is masked, whether its rows are read in blocks or one by one."""
    import reliefkit.io._csv as csv_io

    line = "H01-01-01,V01-01,王小明,500299195111056925,王小明,false,"
    folder = example_with(tmp_path, "households.csv", line)
    found = []
    for block_rows in (0, 1, 2048):
        saved = csv_io.BLOCK_ROWS
        csv_io.BLOCK_ROWS = block_rows
        try:
            found.append(only_problem(folder))
        finally:
            csv_io.BLOCK_ROWS = saved
    assert found[0] == found[1] == found[2]
    problem = found[0]
    assert (problem.column, problem.value, problem.personal) == ("members", "王小明", "name")
    assert problem.personal_values == ("王小明",)
    assert str(problem) == (
        "households.csv, data row 1 (spreadsheet row 2), column members: value='王**': "
        "a whole number from 1 to 99"
    )


def test_a_cell_problem_masks_a_name_in_a_choice_column(tmp_path: pathlib.Path) -> None:
    """A person's name typed into the role column is masked in the problem."""
    problem = only_problem(example_with(tmp_path, "people.csv", "C-LG-1,张建林,LG,张建林"))
    assert (problem.column, problem.value, problem.personal) == ("role", "张建林", "name")
    assert problem.to_dict()["value"] == "张**"
    assert "张建林" not in _shown(problem)


def test_a_constructor_problem_masks_a_name_written_into_an_id(tmp_path: pathlib.Path) -> None:
    """An id a record refuses (it holds ';') masked whole when it holds the row's name."""
    folder = example_with(tmp_path, "people.csv", "C-NEW;张三丰,张三丰,LG,cadre", row=None)
    problem = only_problem(folder)
    assert (problem.column, problem.value, problem.personal) == ("id", "C-NEW;张三丰", "name")
    assert problem.personal_values == ("张三丰",)
    assert problem.to_dict()["value"] == "C" + "*" * 8  # nine characters, the first kept
    assert "张三丰" not in _shown(problem)
    assert "三丰" not in _shown(problem)


def test_a_resident_id_typed_into_an_id_is_masked_as_one(tmp_path: pathlib.Path) -> None:
    """A row's own resident ID typed into its id is shown as a resident ID is."""
    line = "500299195111056925,V01-01,王小明,500299195111056925,1,false,"
    problem = only_problem(example_with(tmp_path, "households.csv", line, row=None))
    assert (problem.column, problem.personal) == ("id", "resident_id")
    assert problem.personal_values == ("500299195111056925",)
    assert problem.to_dict()["value"] == "5002************25"


def test_a_name_pushed_beyond_the_header_is_masked(tmp_path: pathlib.Path) -> None:
    """A row's own name in a cell beyond the header's last column is shown masked."""
    line = "H01-01-01,V01-01,王小明,500299195111056925,1,false,,王小明"
    problem = only_problem(example_with(tmp_path, "households.csv", line))
    assert (problem.value, problem.personal) == ("王小明", "name")
    assert "王小明" not in str(problem)
    assert problem.to_dict()["value"] == "王**"


def test_a_problem_quoting_no_personal_value_is_shown_as_before(tmp_path: pathlib.Path) -> None:
    """An unknown id that is no personal value of its row is shown whole, as it always was."""
    line = "H01-01-01,V99,王小明,500299195111056925,1,false,"
    problem = only_problem(example_with(tmp_path, "households.csv", line))
    assert (problem.value, problem.personal, problem.personal_values) == ("V99", None, ())
    assert str(problem) == (
        "households.csv, data row 1 (spreadsheet row 2), column village_id: value='V99': "
        "unknown id; expected an id of villages"
    )


def test_json_cells_and_list_records_mask_their_rows_name(tmp_path: pathlib.Path) -> None:
    """JSON: a name in a list under a reference, or a record written as a list, is masked."""
    from reliefkit.io import dump_json

    path = dump_json(build(), tmp_path / "c.json")
    document = json.loads(path.read_text(encoding="utf-8"))
    first, second = document["households"][:2]
    name, other = first["head_name"], second["head_name"]
    first["village_id"] = [name]
    # The second household as a list, in the format's column order.
    document["households"][1] = [second["id"], second["village_id"], other]
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(LoadError) as caught:
        load(path)
    by_row = {p.row: p for p in caught.value.problems if p.file == "c.json:households"}
    cell, record = by_row[1], by_row[2]
    assert (cell.column, cell.value, cell.personal) == ("village_id", f'["{name}"]', "name")
    assert cell.to_dict()["value"] == "[" + "*" * (len(name) + 3)
    assert record.expected == "a JSON object (one record)"
    assert (record.personal, record.personal_values) == ("name", (other,))
    shown = _shown(caught.value)
    assert name not in shown and other not in shown


def test_a_v11_source_masks_a_name_typed_into_a_reference(tmp_path: pathlib.Path) -> None:
    """Format v1.1: an unknown id that is its row's own name is masked when shown."""
    import csv

    from reliefkit.synth import synth

    source = tmp_path / "v11"
    synth(source, households=400, counties=2, seed=1)
    path = source / "households.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    name = rows[0][header.index("head_name")]
    rows[0][header.index("village_id")] = name
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *rows])
    with pytest.raises(LoadError) as caught:
        rk.load_campaigns(source)
    (problem,) = caught.value.problems
    assert (problem.column, problem.value, problem.personal) == ("village_id", name, "name")
    assert name not in _shown(problem, caught.value)


def test_a_name_in_another_cell_is_masked_in_a_source_of_many_campaigns(
    tmp_path: pathlib.Path,
) -> None:
    """A household's head's name typed into its `members` cell, in a v1.1 source (one file
    for many campaigns): the refused cell is shown masked, as in a one-campaign folder."""
    import csv

    from reliefkit.synth import synth

    folder = tmp_path / "source"
    synth(folder, households=400, counties=2, seed=4)
    path = folder / "households.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    name = rows[2]["head_name"]
    rows[2]["members"] = name
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    with pytest.raises(LoadError) as caught:
        rk.load_campaigns(folder)
    (problem,) = [p for p in caught.value.problems if p.column == "members"]
    assert problem.value == name  # kept whole, shown masked
    shown = str(caught.value) + json.dumps(caught.value.to_dict(), ensure_ascii=False)
    assert name not in shown and name[0] + "*" in shown


@pytest.mark.parametrize("cell", ["1", "15", "X"])
def test_a_short_resident_id_leaves_the_message_whole(tmp_path: pathlib.Path, cell: str) -> None:
    """A resident ID cut to a few characters is not masked inside the words of its own
    problem ("17 digits", "or X"): the message shown is the one the check wrote."""
    import csv

    folder = dump(build(), tmp_path / "county")
    path = folder / "households.csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    rows[1][rows[0].index("resident_id")] = cell
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    with pytest.raises(LoadError) as caught:
        load(folder)
    (problem,) = [p for p in caught.value.problems if p.column == "resident_id"]
    assert problem.expected in str(problem) and problem.expected in str(caught.value)
