"""Resident ID numbers never leave reliefkit unmasked, even when typed into free text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from campaigns import build, replace
from reliefkit import check
from reliefkit.cli import main
from reliefkit.io import dump
from reliefkit.models import mask_resident_ids, mask_resident_ids_in

ID18 = "500228197811052320"
ID18X = "50022819900101003X"


def pii_campaign():
    """A campaign whose free-text cells quote resident ID numbers, in places rules report."""
    changes = {
        **replace("disbursements", "B3", purpose=f"慰问{ID18}"),
        **replace("activities", "CE2", on="2015-10-20", place=f"户主{ID18X}家门口"),
    }
    return build(changes)


def leaks(text: str) -> bool:
    return ID18 in text or ID18X in text or ID18[:16] in text


def test_findings_mask_ids_quoted_from_free_text() -> None:
    """Findings quote the free text as written; the text and JSON reports show it masked."""
    report = check(pii_campaign(), as_of="2016-01-31")
    codes = {f.code for f in report.findings}
    assert "CP106" in codes and len(codes) >= 2
    quoting = [f for f in report.findings if "5002" in json.dumps(f.to_dict(), ensure_ascii=False)]
    assert quoting, "the findings should quote the (masked) free text"
    for lang in ("en", "zh"):
        assert not leaks(report.to_text(lang=lang))
    assert not leaks(report.to_json())
    assert "5002************20" in report.to_json()


def test_html_report_and_reprs_mask_free_text(tmp_path: Path) -> None:
    """The HTML page (both languages), the record reprs and the dataset's frames mask too."""
    data = pii_campaign()
    report = check(data, as_of="2016-01-31")
    for lang in ("en", "zh"):
        assert not leaks(report.to_html(lang=lang, dataset=data))
    assert not leaks(repr(data.activities))
    assert not leaks(repr(data.disbursements))
    assert leaks(data.get("CE2").place)  # the data itself is kept as written


def test_cli_never_prints_an_id(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Text and JSON from the command line, in both languages."""
    folder = dump(pii_campaign(), tmp_path / "pii")
    for fmt in ("text", "json"):
        for lang in ("en", "zh"):
            main(["check", str(folder), "--as-of", "2016-01-31", "--format", fmt, "--lang", lang])
            captured = capsys.readouterr()
            assert not leaks(captured.out + captured.err)


def test_load_error_masks_an_id_with_a_stray_character(tmp_path: Path) -> None:
    """An ID with a stray letter in a reference cell is still masked in the load error."""
    from reliefkit import LoadError, load

    folder = dump(build(), tmp_path / "shift")
    path = folder / "disbursements.csv"
    path.write_text(path.read_text().replace("J2", f"{ID18}x", 1), encoding="utf-8")
    with pytest.raises(LoadError) as caught:
        load(folder)
    assert not leaks(str(caught.value))
    assert "5002************20x" in str(caught.value)


@given(
    before=st.text(alphabet="户主家门口abcXx -", max_size=5),
    digits=st.from_regex(r"\A\d{17}[\dX]\Z|\A\d{15}\Z", fullmatch=True),
    after=st.text(alphabet="户主家门口abcXx -", max_size=5),
)
def test_any_id_shaped_number_is_masked(before: str, digits: str, after: str) -> None:
    """Law: an ID-shaped number anywhere in a text keeps only its first 4 and last 2
    characters, and the text around it is untouched."""
    masked = mask_resident_ids(before + digits + after)
    assert masked == before + digits[:4] + "*" * (len(digits) - 6) + digits[-2:] + after
    assert mask_resident_ids_in({"k": [before + digits]}) == {
        "k": [mask_resident_ids(before + digits)]
    }


@given(st.from_regex(r"\A\d{1,14}\Z|\A\d{19,22}\Z", fullmatch=True))
def test_other_numbers_are_left_alone(number: str) -> None:
    """Shorter or longer digit runs (amounts, counts) are not IDs."""
    assert mask_resident_ids(f"x{number}y") == f"x{number}y"
