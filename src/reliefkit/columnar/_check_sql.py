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
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
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
        backend.view(name, f"SELECT {typed} FROM {name}_arrow")
        return
    values = ", ".join(
        "(" + ", ".join(literal(v) if isinstance(v, str) else str(int(v)) for v in row) + ")"
        for row in rows
    )
    if not rows:  # no row: one of nulls, filtered out
        values = "(" + ", ".join("NULL" for _ in columns) + ")"
    where = "" if rows else " WHERE FALSE"
    backend.view(name, f"SELECT {typed} FROM (VALUES {values}) AS v({names}){where}")


def matches(backend: Backend, c: str, pattern: str) -> str:
    """Whether a regular expression matches somewhere in ``c``, in the backend's SQL."""
    if backend.name == "spark":  # Spark reads a backslash in a literal as an escape
        return f"{c} RLIKE {literal(pattern.replace(chr(92), chr(92) * 2))}"
    return f"regexp_matches({c}, {literal(pattern)})"


def padded(c: str) -> str:
    ws = literal(WHITESPACE)
    return f"(instr({ws}, substr({c}, 1, 1)) > 0 OR instr({ws}, substr({c}, length({c}), 1)) > 0)"


def _digit(c: str, i: int) -> str:
    return f"(ascii(substr({c}, {i}, 1)) - 48)"


def clearly_resident_id(backend: Backend, c: str) -> str:
    """True for a valid resident ID number written plainly (GB 11643: the shape, the date of
    birth and the check character): the values Python need not look at."""
    number = " + ".join(f"{_digit(c, i + 1)} * {w}" for i, w in enumerate(_WEIGHTS))
    check = f"substr('10X98765432', (({number}) % 11) + 1, 1) = upper(substr({c}, 18, 1))"
    return f"({matches(backend, c, _PLAIN_RESIDENT_ID)} AND (length({c}) = 15 OR {check}))"
