"""SQL the load-time checks write, in the subset DuckDB and Spark SQL share (a regular
expression is the one place their spellings differ): literals, small relations, and the
tests of text a cell must pass to be left out of the object loader's hands."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reliefkit.columnar._backend import Backend

WHITESPACE = "".join(c for c in map(chr, range(0x110000)) if c.isspace())
"""What ``str.strip`` takes off and ``str.isspace`` accepts."""
_INLINE = 1000


def _char_class(chars: str) -> str:
    """A regular expression's class of ``chars`` (RE2 and Java write it alike)."""
    codes = sorted(map(ord, chars))
    runs: list[list[int]] = []
    for code in codes:
        if runs and code == runs[-1][1] + 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    parts = [f"\\x{{{a:x}}}" if a == b else f"\\x{{{a:x}}}-\\x{{{b:x}}}" for a, b in runs]
    return "[" + "".join(parts) + "]"


SPACE = _char_class(WHITESPACE)
# A digit as a resident ID number may be written with one: ASCII, or any character beyond
# ASCII (full-width digits, other scripts' digits). A text with fewer than fifteen of them
# holds no resident ID number.
_DIGIT = "[0-9\\x{80}-\\x{10ffff}]"
_OTHER = "[^0-9\\x{80}-\\x{10ffff}]"
MAY_HOLD_RESIDENT_ID = f"^(?:{_OTHER}*{_DIGIT}){{15}}"
_MONTH_DAY = (
    "((0[13578]|1[02])(0[1-9]|[12][0-9]|3[01])|(0[469]|11)(0[1-9]|[12][0-9]|30)"
    "|02(0[1-9]|1[0-9]|2[0-8]))"
)
# Valid as to shape and date of birth (29 February aside): the check character is checked
# by arithmetic, and anything else is looked at in Python.
_PLAIN_RESIDENT_ID = (
    f"^([0-9]{{6}}(19|20)[0-9]{{2}}{_MONTH_DAY}[0-9]{{3}}[0-9Xx]|[0-9]{{8}}{_MONTH_DAY}[0-9]{{3}})$"
)


def literal(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def relation(
    backend: Backend, name: str, columns: Sequence[tuple[str, str]], rows: Sequence[Sequence[Any]]
) -> None:
    """``name`` holds ``rows`` (strings and whole numbers) with ``columns`` (name, SQL
    type): written into the statement when they are few (registering an Arrow table would
    import pandas), registered as an Arrow table when they are many."""
    names = ", ".join(f'"{c}"' for c, _ in columns)
    typed = ", ".join(f'CAST("{c}" AS {t}) AS "{c}"' for c, t in columns)
    if len(rows) > _INLINE:
        import pyarrow as pa

        kinds = {"STRING": pa.string(), "BIGINT": pa.int64()}
        arrays = [pa.array([r[i] for r in rows], kinds[t]) for i, (_, t) in enumerate(columns)]
        backend.register(
            f"{name}_arrow", pa.Table.from_arrays(arrays, names=[c for c, _ in columns])
        )
        backend.small(name, f"SELECT {typed} FROM {name}_arrow")
        return
    values = ", ".join(
        "(" + ", ".join(literal(v) if isinstance(v, str) else str(int(v)) for v in row) + ")"
        for row in rows
    )
    if not rows:  # no row: one of nulls, filtered out
        values = "(" + ", ".join("NULL" for _ in columns) + ")"
    where = "" if rows else " WHERE FALSE"
    backend.small(name, f"SELECT {typed} FROM (VALUES {values}) AS v({names}){where}")


def matches(backend: Backend, c: str, pattern: str) -> str:
    """Whether a regular expression matches somewhere in ``c``, in the backend's SQL."""
    if backend.name == "spark":  # Spark reads a backslash in a literal as an escape
        return f"{c} RLIKE {literal(pattern.replace(chr(92), chr(92) * 2))}"
    return f"regexp_matches({c}, {literal(pattern)})"


# Each character ``str.strip`` takes off is an ASCII one below ``_PAST_ASCII_SPACE`` or one
# of ``_WIDE_SPACES`` (U+0085 to U+3000): comparing a text with those bounds (DuckDB and
# Spark compare texts byte by byte, and UTF-8 keeps the order of code points) tells, without
# taking its first character out, that it cannot start with one: the case of nearly every
# cell.
_PAST_ASCII_SPACE = chr(max(ord(c) for c in WHITESPACE if c.isascii()) + 1)
_WIDE_SPACES = (
    min(c for c in WHITESPACE if not c.isascii()),
    chr(max(ord(c) for c in WHITESPACE) + 1),
)


def padded(c: str) -> str:
    """Whether text ``c`` starts or ends with a character ``str.strip`` takes off."""
    ws = literal(WHITESPACE)
    low, high = map(literal, _WIDE_SPACES)
    starts = f"({c} < {literal(_PAST_ASCII_SPACE)} OR ({c} >= {low} AND {c} < {high}))"
    # The last character from the end (``substr(c, -1)``): no count of the characters first.
    return (
        f"(({starts} AND instr({ws}, substr({c}, 1, 1)) > 0) OR instr({ws}, substr({c}, -1)) > 0)"
    )


def _remainder_weights() -> tuple[int, ...]:
    """``V_j`` such that GB 11643's weighted sum of the first 17 digits is, modulo 11, the
    sum of ``(N mod 10^j) * V_j`` (j = 1..17) over the number ``N`` they spell: whole-number
    arithmetic on one cast rather than a character read seventeen times. The digit of
    ``10^k`` weighs ``2^(k+1) mod 11`` and is ``(N mod 10^(k+1) - N mod 10^k) / 10^k``; as
    10 ≡ -1 (mod 11), dividing by ``10^k`` is multiplying by ``(-1)^k``."""
    signed = [pow(2, k + 1, 11) * (-1) ** k % 11 for k in range(17)] + [0]
    return tuple((signed[j - 1] - signed[j]) % 11 for j in range(1, 18))


_REMAINDER_WEIGHTS = _remainder_weights()
# The terms are below 10^j * V_j: their sum, below 7.7e17, is a BIGINT (below 9.2e18).


def unclear_resident_ids(backend: Backend, table: str, c: str) -> str:
    """A query of ``v``: the values of column ``c`` of relation ``table`` (not null) that are
    not a valid resident ID number written plainly (GB 11643: the shape, the date of birth,
    29 February aside, and the check character), which Python is to look at. The digits are
    cast to a number once, in a projection, and weighed from it."""
    shaped = matches(backend, c, _PLAIN_RESIDENT_ID)
    # Cast only where the shape is plain: a cast of anything else may raise (Spark, ANSI).
    number = f"CASE WHEN {shaped} THEN CAST(substr({c}, 1, 17) AS BIGINT) END"
    total = " + ".join(
        f"(n % {10**j}) * {v}" if j < 17 else f"n * {v}"
        for j, v in enumerate(_REMAINDER_WEIGHTS, 1)
        if v
    )
    check = f"substr('10X98765432', (({total}) % 11) + 1, 1) = upper(substr(v, 18, 1))"
    return (
        f"SELECT v FROM (SELECT {c} AS v, {number} AS n FROM {table} WHERE {c} IS NOT NULL) r "
        f"WHERE n IS NULL OR NOT (length(v) = 15 OR {check})"
    )
