"""Personal data made safe for output: the one boundary every renderer, serializer and
exception calls.

Records, findings and load problems keep what was written; whatever leaves reliefkit — text
and JSON reports, HTML, frames, chart labels, reprs, ``str`` of an exception, load problems,
notices — passes through here when it is shown. Which functions may be called from where is
pinned by an architecture test (``tests/test_personal_data.py``).

Masking never depends on validity: anything shaped like a resident ID number is masked — 18
characters (17 digits and a digit or X) or the old 15 digits, in ASCII, full-width or any other
decimal digits, whole or broken up by spaces, hyphens or invisible characters
(``1101 0519 4912 3100 2X``, ``110105-19491231-002X``). Validity (:func:`is_resident_id`:
GB 11643 shape, date of birth, ISO 7064 MOD 11-2 check character) decides something else: what
may not be a record id, and what a ``resident_id`` must be.

Printed text (terminal, text files, HTML) also loses control, escape and bidirectional
formatting characters, so a value cannot move the cursor, clear the screen or reorder a line.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from operator import mul
from typing import Any, Literal

__all__ = [
    "CHART_LABEL_LIMIT",
    "PERSONAL_KINDS",
    "RESIDENT_ID_LIKE",
    "Personal",
    "chart_label",
    "is_resident_id",
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
    "resident_id_problem",
    "resident_ids_in",
    "safe",
    "safe_in",
]

# What may sit between the digits of a number written in groups: spaces of every width,
# hyphens and dashes, invisible formatting characters and control characters (so that an ID
# broken up by a tab, an escape or a zero-width space is still one ID), and such a character
# as ``repr`` writes it (``\\u200b``, ``\\x1b``, ``\\t``).
_SEPARATOR = (
    r"(?:[\s\x00-\x1f\x7f-\x9f\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069"
    r"\ufeff\-\u2010-\u2015\u2212\ufe58\ufe63\uff0d]"
    r"|\\(?:x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[tnrfv]))"
)
_X = "Xx\uff38\uff58"
RESIDENT_ID_LIKE = re.compile(
    rf"\d(?<!\d\d)(?:"
    rf"(?:{_SEPARATOR}?\d){{16}}{_SEPARATOR}?[{_X}]"
    rf"|(?:{_SEPARATOR}?\d){{17}}(?!\d)"
    rf"|(?:{_SEPARATOR}?\d){{14}}(?!\d))"
)
"""Anything shaped like a resident ID number, wherever it sits in a text.

Digit groups (any decimal digits) joined by single separators, 15 digits or 18 characters (the
last may be X) in all. Letters may touch it (``户主5002…03X家``); a longer run of digits is a
number, not an ID."""

# A match, token by token: a separator, or one character (a digit or the X).
_TOKEN = re.compile(rf"{_SEPARATOR}|.", re.DOTALL)

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_NEWLINES = re.compile(r"[\t\n\r\u2028\u2029]")
_LINE_BREAK = re.compile(r"\r\n?|[\u2028\u2029]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_REPLACEMENT = "\ufffd"

Personal = Literal["name", "resident_id"]
"""What personal data a value is: a personal name, or a resident ID number."""
PERSONAL_KINDS: tuple[Personal, ...] = ("name", "resident_id")

CHART_LABEL_LIMIT = 40
"""How many characters a chart label keeps (the last one an ellipsis when cut)."""

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARACTERS = "10X98765432"
_ZERO_WEIGHT = ord("0") * sum(_WEIGHTS)
# What _birth_date_problem said of each YYYYMMDD seen: a folder repeats dates of birth.
_BIRTH_DATES: dict[str, str | None] = {}
_BIRTH_DATES_KEPT = 1 << 16
_EARLIEST_BIRTH_YEAR = 1900
_LATEST_BIRTH_YEAR = 2099


# --- validity ---------------------------------------------------------------------------


def _birth_date_problem(year: int, month: int, day: int) -> str | None:
    if not _EARLIEST_BIRTH_YEAR <= year <= _LATEST_BIRTH_YEAR:
        return f"a year of birth from {_EARLIEST_BIRTH_YEAR} to {_LATEST_BIRTH_YEAR}"
    try:
        date(year, month, day)
    except ValueError:
        return "a real date of birth"
    return None


def check_character(body: str) -> str:
    """The ISO 7064 MOD 11-2 check character of the first 17 digits of a resident ID."""
    if len(body) != len(_WEIGHTS):
        raise ValueError(f"expected {len(_WEIGHTS)} digits, got {len(body)}")
    # map over C-level functions: this runs once per household when a folder loads.
    total = sum(map(mul, map(int, body), _WEIGHTS))
    return _CHECK_CHARACTERS[total % 11]


def resident_id_problem(value: str) -> str | None:
    """Why ``value`` is not a resident ID number (GB 11643), or ``None`` when it is one.

    18 characters: a 6-digit region, the date of birth ``YYYYMMDD`` (positions 7–14), a 3-digit
    sequence and the ISO 7064 MOD 11-2 check character (a digit or ``X``); or the old 15-digit
    form with the date of birth ``YYMMDD`` (positions 7–12, 19YY). ASCII digits only. The
    explanation never quotes the value.
    """
    if not (value.isascii() and (value.isdigit() or (value[:-1].isdigit() and value[-1] in "Xx"))):
        return "ASCII digits 0-9 only (and a final X)"
    if len(value) == 15:
        if not value.isdigit():
            return "15 digits, or 18 characters ending in X"
        found = _birth_date_problem(1900 + int(value[6:8]), int(value[8:10]), int(value[10:12]))
        return None if found is None else f"positions 7-12 to be {found} (YYMMDD)"
    if len(value) != 18:
        return f"18 characters (17 digits and a digit or X), not {len(value)}"
    born = value[6:14]
    found = _BIRTH_DATES.get(born, "")
    if found == "":  # not seen yet: decide, and remember while there is room
        found = _birth_date_problem(int(born[:4]), int(born[4:6]), int(born[6:]))
        if len(_BIRTH_DATES) < _BIRTH_DATES_KEPT:
            _BIRTH_DATES[born] = found
    if found is not None:
        return f"positions 7-14 to be {found} (YYYYMMDD)"
    # The first 17 characters are ASCII digits (checked above): weigh their byte values and
    # take off what the code of "0" adds, rather than converting each one (check_character).
    total = sum(map(mul, value[:17].encode("ascii"), _WEIGHTS)) - _ZERO_WEIGHT
    if _CHECK_CHARACTERS[total % 11] != value[-1].upper():
        return "a check character (the last) that matches the others (ISO 7064 MOD 11-2)"
    return None


def is_resident_id(value: str) -> bool:
    """Whether ``value`` is exactly a valid resident ID number (see :func:`resident_id_problem`)."""
    return resident_id_problem(value) is None


def _canonical(found: str) -> str:
    """An ID-shaped match as ASCII: separators dropped, digits and X of any width folded."""
    out = []
    for token in _TOKEN.findall(found):
        digit = unicodedata.decimal(token, None) if len(token) == 1 else None
        if digit is not None:
            out.append(str(digit))
        elif token in _X:
            out.append("X")
    return "".join(out)


def resident_ids_in(text: str) -> Iterator[str]:
    """The valid resident ID numbers written anywhere in ``text``, in any of the forms that
    masking recognises (spaced, hyphenated, full-width…), as plain ASCII."""
    if len(text) < 15:  # the common case (an id), decided at once
        return
    for match in RESIDENT_ID_LIKE.finditer(text):
        canonical = _canonical(match.group())
        if is_resident_id(canonical):
            yield canonical


# --- masking ----------------------------------------------------------------------------


def mask_resident_id(value: str | None) -> str:
    """Keep the first four and last two characters of a resident ID number."""
    if value is None:
        return "None"
    if len(value) <= 6:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 6) + value[-2:]


def _mask_match(match: re.Match[str]) -> str:
    tokens = _TOKEN.findall(match.group())
    positions = [
        i
        for i, t in enumerate(tokens)
        if len(t) == 1 and (t in _X or unicodedata.decimal(t, None) is not None)
    ]
    hidden = set(positions[4:-2])
    return "".join("*" if i in hidden else t for i, t in enumerate(tokens))


def mask_resident_ids(text: str) -> str:
    """``text`` with every resident-ID-shaped number in it masked (first four and last two
    digits kept; separators kept where they were)."""
    return RESIDENT_ID_LIKE.sub(_mask_match, text)


def mask_name(value: str | None) -> str:
    """Keep the first character of a personal name (``张*``)."""
    if not value:
        return repr(value)
    return value[0] + "*" * max(1, len(value) - 1)


def mask_cell(text: str, personal: Personal | None = None) -> str:
    """A cell's text as output may show it: a ``resident_id`` cell as
    :func:`mask_resident_id` (stripped), a personal ``name`` as :func:`mask_name` (stripped;
    a blank one as it is), and in any other cell every resident-ID-shaped number masked."""
    if personal == "resident_id":
        return mask_resident_id(text.strip())
    if personal == "name" and text.strip():
        return mask_name(text.strip())
    return mask_resident_ids(text)


def mask_personal(text: str, values: Iterable[str] = ()) -> str:
    """``text`` with each of the personal ``values`` (a row's names and resident IDs, which a
    message may quote) masked as a name wherever it occurs, longest first, and then every
    resident-ID-shaped number masked."""
    for value in sorted(set(values), key=lambda v: (-len(v), v)):
        if _identifying(value.strip()):
            text = text.replace(value, mask_name(value.strip()))
    return mask_resident_ids(text)


def _identifying(value: str) -> bool:
    """Whether a personal value could tell who someone is, and so is masked wherever a
    message holds it: not one character, nor fewer than six ASCII characters (a resident ID
    cut to ``15`` or ``X``, which the message's own words hold: "15 digits", "or X")."""
    return len(value) >= 2 and (not value.isascii() or len(value) >= 6)


def safe(text: str) -> str:
    """``text`` fit for machine output (JSON, frames): resident-ID-shaped numbers masked, and
    lone surrogates (which no encoder can write) replaced by U+FFFD."""
    text = mask_resident_ids(text)
    return _SURROGATE.sub(_REPLACEMENT, text) if _SURROGATE.search(text) else text


def safe_in(value: Any) -> Any:
    """``value`` with :func:`safe` applied to every text it holds: strings, and the keys and
    values of mappings, tuples and lists; other values unchanged."""
    if isinstance(value, str):
        return safe(value)
    if isinstance(value, Mapping):
        return {safe_in(k): safe_in(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return type(value)(safe_in(v) for v in value)
    return value


mask_resident_ids_in = safe_in
"""The older name of :func:`safe_in`."""


def printable(text: str, *, newlines: bool = False) -> str:
    """``text`` fit for a terminal, a text file or a page: :func:`safe`, then control, escape
    and bidirectional formatting characters replaced by U+FFFD (tabs and line breaks by a
    space, or kept when ``newlines``), so no value can fake a line or drive the terminal."""
    text = safe(text)
    if not newlines:
        text = _NEWLINES.sub(" ", text)
    else:
        text = _LINE_BREAK.sub("\n", text).replace("\t", " ")
    return _CONTROL.sub(_REPLACEMENT, text)


def chart_label(text: str, *, limit: int = CHART_LABEL_LIMIT) -> str:
    """A label a chart may draw: :func:`printable`, on one line, at most ``limit`` characters
    (cut with an ellipsis). Draw it with ``parse_math=False`` (``$`` is not mathtext)."""
    text = " ".join(printable(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def masked_repr(value: Any) -> str:
    """``repr(value)`` with resident-ID-shaped numbers masked (an attrs ``repr=`` hook).

    Texts are masked before ``repr`` escapes them (an ID broken up by an invisible character
    would otherwise come out whole around the escape), and the result again for the reprs of
    other objects."""
    return safe(repr(safe_in(value)))


def mask_resident_id_repr(value: str | None) -> str:
    """attrs ``repr=`` hook for a resident ID field."""
    return "None" if value is None else repr(mask_resident_id(value))


def mask_name_repr(value: str | None) -> str:
    """attrs ``repr=`` hook for a personal-name field."""
    return "None" if value is None else repr(mask_name(value))


def mask_text_repr(value: str | None) -> str:
    """attrs ``repr=`` hook for a free-text field: resident-ID-shaped numbers masked."""
    return "None" if value is None else masked_repr(value)
