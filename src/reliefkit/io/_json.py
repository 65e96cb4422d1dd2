"""A campaign as one JSON object: table name → list of records with the CSV's fields.

Nothing is dropped without a word: a key given twice (or in two spellings of one name) is a
problem, not "the last one wins". Hostile documents are problems too: nesting deeper than
the format needs, numbers longer than any cell, text that is not Unicode (a lone surrogate).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from reliefkit.exceptions import LoadProblem
from reliefkit.io._aliases import resolve_header
from reliefkit.io._assemble import personal_problem, row_personal
from reliefkit.io._cells import LongNumber, NotUnicode, Oversized, json_value
from reliefkit.io._limits import (
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_JSON_DEPTH,
    MAX_JSON_DIGITS,
    MAX_NOTICES_PER_FILE,
)
from reliefkit.io._notices import Notice, cell_text, safe_name
from reliefkit.io._schema import SCHEMA, Table, written_columns
from reliefkit.io._source import Cells, RawTable, Reading, decode, note_blank_rows
from reliefkit.models import Dataset

_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_INNERMOST = re.compile(r"\[\]|\{\}")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_UNICODE = "valid Unicode text (a lone surrogate such as \\ud800 is not a character)"


class _Object(dict[str, Any]):
    """A JSON object that remembers the keys it was given more than once."""

    __slots__ = ("repeated",)

    repeated: list[str]


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``object_pairs_hook``: a dict, marked when a key repeats (json keeps the last)."""
    result = dict(pairs)
    if len(result) == len(pairs):
        return result
    marked = _Object(result)
    counts: dict[str, int] = {}
    for key, _ in pairs:
        counts[key] = counts.get(key, 0) + 1
    marked.repeated = [key for key, n in counts.items() if n > 1]
    return marked


def _int(text: str) -> int | LongNumber:
    digits = len(text.lstrip("-"))
    return LongNumber(digits) if digits > MAX_JSON_DIGITS else int(text)


def _too_deep(text: str) -> bool:
    """Whether ``text`` nests arrays and objects more than ``MAX_JSON_DEPTH`` deep, found
    without recursion: strings are dropped, then innermost pairs peeled level by level."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    for _ in range(MAX_JSON_DEPTH):
        peeled = _INNERMOST.sub("", brackets)
        if peeled == brackets:
            return False  # unbalanced: the parser says where
        brackets = peeled
    return bool(brackets)


def _unicode_problem(text: str) -> bool:
    return not text.isascii() and _SURROGATE.search(text) is not None


def _parse(text: str, name: str, reading: Reading) -> object:
    """The document, or ``None`` with a problem saying why it cannot be read."""
    why: str | None = None
    if _too_deep(text):
        why = f"JSON nested at most {MAX_JSON_DEPTH} levels deep (the format needs 4)"
    else:
        try:
            return json.loads(text, object_pairs_hook=_object, parse_int=_int)
        except json.JSONDecodeError as exc:
            why = f"not valid JSON: {exc.msg} at line {exc.lineno}"
        except RecursionError:
            why = f"JSON nested at most {MAX_JSON_DEPTH} levels deep (the format needs 4)"
        except ValueError as exc:  # e.g. a number beyond Python's conversion limits
            why = f"not readable JSON: {type(exc).__name__}"
    reading.problems.append(LoadProblem(name, None, None, None, why))
    return None


def read_json(path: Path) -> Reading:
    """Read every table of a JSON file; an absent key means no records."""
    name = safe_name(path.name)
    reading = Reading(source=str(path), campaign_file=f"{name}:campaign")
    text = decode(path.read_bytes(), name, reading)
    if text is None:
        return reading
    document = _parse(text, name, reading)
    del text
    if document is None:
        return reading
    if not isinstance(document, dict):
        reading.problems.append(
            LoadProblem(name, None, None, None, "a JSON object keyed by table name")
        )
        return reading
    by_table: dict[str, list[str]] = {}
    for key in document:
        if _unicode_problem(key):
            reading.problems.append(LoadProblem(name, None, None, safe_name(key), _UNICODE))
            continue
        table_name = key.strip().lower()
        if table_name in SCHEMA:
            by_table.setdefault(table_name, []).append(key)
        else:
            reading.notices.append(
                Notice(name, None, None, f"unknown table {safe_name(key)!r}; ignored")
            )
    repeated = set(getattr(document, "repeated", ()))
    for table in SCHEMA.values():
        file = f"{name}:{table.name}"
        keys = by_table.get(table.name, [])
        twice = [key for key in keys if key in repeated]
        if len(keys) > 1 or twice:
            spelled = ", ".join(repr(safe_name(key)) for key in keys)
            reading.problems.append(
                LoadProblem(
                    file,
                    None,
                    None,
                    None,
                    f"one key per table: {table.name} is given more than once ({spelled}); "
                    "merge them into one list",
                )
            )
            reading.unread.add(table.name)
        elif keys:
            _read_table(table, file, document[keys[0]], reading)
        elif table.name == "campaign":
            missing = "missing: a campaign has exactly one campaign record"
            reading.problems.append(LoadProblem(reading.campaign_file, None, None, None, missing))
    return reading


def _blank(value: object) -> bool:
    return value is None or value == [] or (isinstance(value, str) and not value.strip())


def _cell(value: object) -> object:
    """A JSON value as a cell: text over the limit stands in by its size."""
    if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
        return Oversized(len(value))
    return value


def _bad_text(value: object) -> bool:
    if isinstance(value, str):
        return _unicode_problem(value)
    if isinstance(value, list):
        return any(isinstance(item, str) and _unicode_problem(item) for item in value)
    return False


class _Fields:
    """Resolves a table's JSON field names to columns (each spelling once), with at most
    ``MAX_NOTICES_PER_FILE`` notices for unknown ones."""

    def __init__(self, table: Table, file: str, reading: Reading) -> None:
        self.table = table
        self.file = file
        self.reading = reading
        self.known: dict[str, str | None] = {}
        self.unknown = 0

    def column(self, key: str) -> str | None:
        if key in self.known:
            return self.known[key]
        column = None if _unicode_problem(key) else resolve_header(self.table, key)
        if column is None and len(self.known) < MAX_COLUMNS * 4:
            self.unknown += 1
            if self.unknown <= MAX_NOTICES_PER_FILE:
                self.reading.notices.append(
                    Notice(self.file, None, safe_name(key), "unknown field; ignored")
                )
        if len(self.known) < MAX_COLUMNS * 4:
            self.known[key] = column
        return column

    def done(self) -> None:
        if self.unknown > MAX_NOTICES_PER_FILE:
            more = self.unknown - MAX_NOTICES_PER_FILE
            self.reading.notices.append(
                Notice(self.file, None, None, f"{more} more unknown field(s) ignored")
            )


def _read_table(table: Table, file: str, records: object, reading: Reading) -> None:
    if not isinstance(records, list):
        reading.problems.append(LoadProblem(file, None, None, None, "a JSON list of records"))
        reading.unread.add(table.name)
        return
    index = {c.name: i for i, c in enumerate(table.columns)}
    fields = _Fields(table, file, reading)
    problems = reading.problems
    rows: list[tuple[int, Cells | None]] = []
    blank = 0
    first_blank: list[int] = []
    for number, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            # A row written as a list is taken in the format's column order: a name in it is
            # the row's own, and the list is shown masked.
            items = record[: len(table.columns)] if isinstance(record, list) else []
            items += [None] * (len(table.columns) - len(items))
            problems.append(
                personal_problem(
                    file,
                    number,
                    None,
                    cell_text(record),
                    "a JSON object (one record)",
                    row_personal(table, tuple(items)),
                )
            )
            rows.append((number, None))
            continue
        if len(record) > MAX_COLUMNS:
            problems.append(
                LoadProblem(
                    file,
                    number,
                    None,
                    None,
                    f"a record of at most {MAX_COLUMNS} fields ({len(record):,} here)",
                )
            )
            rows.append((number, None))
            continue
        if all(_blank(value) for value in record.values()):
            blank += 1
            if len(first_blank) <= 10:
                first_blank.append(number)
            continue
        cells: list[object] = [None] * len(table.columns)
        keys: dict[str, str] = {}
        for key in getattr(record, "repeated", ()):
            column = fields.column(key)
            twice = f"one value per field: {safe_name(key)!r} is given more than once"
            problems.append(LoadProblem(file, number, column, None, twice))
        for key, value in record.items():
            column = fields.column(key)
            if column is None:
                if _unicode_problem(key):
                    problems.append(LoadProblem(file, number, None, safe_name(key), _UNICODE))
                continue
            if column in keys:
                twice = f"field given twice (as {safe_name(keys[column])!r} and {safe_name(key)!r})"
                problems.append(LoadProblem(file, number, column, None, twice))
            else:
                cells[index[column]] = NotUnicode(0) if _bad_text(value) else _cell(value)
                keys[column] = key
        rows.append((number, tuple(cells)))
    fields.done()
    note_blank_rows(file, blank, first_blank, reading)
    reading.tables.append(RawTable(table, file, rows))


def write_json(dataset: Dataset, path: Path) -> Path:
    """Write the dataset as one UTF-8 JSON object (every table, every field)."""
    document = {
        name: [{c.name: json_value(getattr(record, c.name)) for c in columns} for record in records]
        for name, records in dataset.tables().items()
        for columns in (written_columns(SCHEMA[name], records),)
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path
