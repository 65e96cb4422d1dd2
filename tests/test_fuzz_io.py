"""Fuzzing the loader: whatever the bytes, cells or JSON structure, loading either succeeds or
raises LoadError, and ``reliefkit check`` exits 0, 1 or 2 without a traceback."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaigns import build
from reliefkit.cli import main
from reliefkit.exceptions import LoadError
from reliefkit.io import dump, dump_json, load_with_notices
from reliefkit.io._schema import SCHEMA

TABLES = sorted(SCHEMA)
FUZZ = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


@contextlib.contextmanager
def clean_folder() -> Iterator[Path]:
    """A fresh copy of the compliant campaign as a CSV folder."""
    with tempfile.TemporaryDirectory() as tmp:
        yield dump(build(), Path(tmp) / "c")


def loads_or_refuses(path: Path) -> None:
    """Loading ``path`` succeeds or raises LoadError, never another exception."""
    try:
        load_with_notices(path)
    except LoadError as error:
        assert error.problems
        str(error)  # the message itself never fails
        json.dumps(error.to_dict(), ensure_ascii=False).encode("utf-8")


def check_exits_cleanly(path: Path) -> None:
    """``reliefkit check`` on ``path`` exits 0, 1 or 2, printing no traceback."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["check", str(path), "--as-of", "2015-12-31", "--format", "json"])
    assert code in (0, 1, 2)
    assert "Traceback" not in err.getvalue()
    if code == 2:
        assert err.getvalue().strip()


# ---- bytes -------------------------------------------------------------------------------------
@FUZZ
@given(table=st.sampled_from(TABLES), data=st.binary(max_size=2000))
def test_any_bytes_as_a_table_file(table: str, data: bytes) -> None:
    """Any bytes in place of one table's file load or are refused with LoadError."""
    with clean_folder() as folder:
        (folder / SCHEMA[table].file).write_bytes(data)
        loads_or_refuses(folder)


@FUZZ
@given(data=st.binary(max_size=2000))
def test_any_bytes_as_a_json_file(data: bytes) -> None:
    """Any bytes as a .json file load or are refused with LoadError."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "c.json"
        path.write_bytes(data)
        loads_or_refuses(path)


@FUZZ
@given(table=st.sampled_from(TABLES), cut=st.integers(0, 10_000), junk=st.binary(max_size=40))
def test_damaged_table_file(table: str, cut: int, junk: bytes) -> None:
    """A real table file cut short and followed by junk bytes loads or is refused."""
    with clean_folder() as folder:
        path = folder / SCHEMA[table].file
        data = path.read_bytes()
        path.write_bytes(data[: cut % (len(data) + 1)] + junk)
        loads_or_refuses(folder)


# ---- CSV cells ---------------------------------------------------------------------------------
TOKENS = [*",;\"\t\n\r \\'ab1-.¥￥元是否XT０\x00\x1b\u200b\u3000", "V1", "2015-10-01"]
CELLS = st.lists(st.sampled_from(TOKENS), max_size=12).map("".join) | st.sampled_from(
    ["", "1,000", "¥5", "1元5", "1e3", "-1", "true", "V1", "T1", "F1", "E1"]
)


@FUZZ
@given(
    table=st.sampled_from(TABLES),
    row=st.integers(0, 3),
    column=st.integers(0, 30),
    cells=st.lists(CELLS, min_size=1, max_size=3),
)
def test_any_cells_in_a_table(table: str, row: int, column: int, cells: list[str]) -> None:
    """Arbitrary cells written into a real table (replacing or extending a row) load or are
    refused."""
    with clean_folder() as folder:
        path = folder / SCHEMA[table].file
        rows = list(csv.reader(path.read_text(encoding="utf-8").splitlines()))
        target = rows[min(row, len(rows) - 1)] if rows else []
        for offset, cell in enumerate(cells):
            index = column + offset
            if index < len(target):
                target[index] = cell
            else:
                target.append(cell)
        with path.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(rows)
        loads_or_refuses(folder)


@FUZZ
@given(table=st.sampled_from(TABLES), lines=st.lists(CELLS, max_size=5))
def test_raw_lines_appended(table: str, lines: list[str]) -> None:
    """Raw text lines (unbalanced quotes, other delimiters) appended to a table load or are
    refused."""
    with clean_folder() as folder:
        path = folder / SCHEMA[table].file
        with path.open("a", encoding="utf-8", newline="") as handle:
            handle.write("\n".join(lines))
        loads_or_refuses(folder)


# ---- JSON structure ----------------------------------------------------------------------------
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=10**40, max_value=10**60)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12)
    | st.sampled_from(["", "V1", "T1", "F1", "2015-10-01", "1200.50", "charity", "\ud800"])
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=8) | st.sampled_from(["id", "name"]), inner, max_size=4)
    ),
    max_leaves=20,
)


def dumped(document: Any) -> str:
    """JSON text for ``document``; lone surrogates written as \\u escapes."""
    return json.dumps(document, ensure_ascii=True)


@FUZZ
@given(document=VALUES)
def test_any_json_document(document: Any) -> None:
    """Any JSON value as the whole document loads or is refused."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "c.json"
        path.write_text(dumped(document), encoding="ascii")
        loads_or_refuses(path)


@FUZZ
@given(
    table=st.sampled_from(TABLES),
    record=st.integers(0, 3),
    field=st.sampled_from(["id", "name", "amount", "on", "kind", "poor", "villages", "x"]),
    value=VALUES,
)
def test_any_json_value_in_a_record(table: str, record: int, field: str, value: Any) -> None:
    """Any JSON value in a field of a real record (or as a whole table) loads or is refused."""
    with tempfile.TemporaryDirectory() as tmp:
        path = dump_json(build(), Path(tmp) / "c.json")
        document = json.loads(path.read_text(encoding="utf-8"))
        records = document[table]
        if records:
            records[min(record, len(records) - 1)][field] = value
        else:
            document[table] = value
        path.write_text(dumped(document), encoding="ascii")
        loads_or_refuses(path)


# ---- the command line --------------------------------------------------------------------------
@settings(FUZZ, max_examples=max(10, settings().max_examples // 4))
@given(
    table=st.sampled_from(TABLES),
    cells=st.lists(CELLS, min_size=1, max_size=3),
    json_value=VALUES,
    as_json=st.booleans(),
)
def test_check_exits_0_1_or_2(table: str, cells: list[str], json_value: Any, as_json: bool) -> None:
    """`reliefkit check` on a damaged CSV folder or JSON file exits 0, 1 or 2 with a message,
    never a traceback."""
    with tempfile.TemporaryDirectory() as tmp:
        if as_json:
            path = dump_json(build(), Path(tmp) / "c.json")
            document = json.loads(path.read_text(encoding="utf-8"))
            if document[table]:
                document[table][0]["name"] = json_value
            path.write_text(dumped(document), encoding="ascii")
        else:
            path = dump(build(), Path(tmp) / "c")
            file = path / SCHEMA[table].file
            with file.open("a", encoding="utf-8", newline="") as handle:
                csv.writer(handle).writerow(cells)
        check_exits_cleanly(path)
