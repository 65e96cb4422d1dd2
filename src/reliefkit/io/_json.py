"""A campaign as one JSON object: table name → list of records with the CSV's fields."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from reliefkit.exceptions import LoadProblem
from reliefkit.io._aliases import resolve_header
from reliefkit.io._cells import json_value
from reliefkit.io._notices import Notice, shown
from reliefkit.io._schema import SCHEMA, Table
from reliefkit.io._source import Cells, RawTable, Reading, decode, note_blank_rows
from reliefkit.models import Dataset


def _blank(value: object) -> bool:
    return value is None or value == [] or (isinstance(value, str) and not value.strip())


def read_json(path: Path) -> Reading:
    """Read every table of a JSON file; an absent key means no records."""
    name = path.name
    reading = Reading(source=str(path), campaign_file=f"{name}:campaign")
    text = decode(path.read_bytes(), name, reading)
    if text is None:
        return reading
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        reading.problems.append(
            LoadProblem(name, None, None, None, f"not valid JSON: {exc.msg} at line {exc.lineno}")
        )
        return reading
    if not isinstance(document, dict):
        reading.problems.append(
            LoadProblem(name, None, None, None, "a JSON object keyed by table name")
        )
        return reading
    by_key = {str(key).strip().lower(): key for key in document}
    for key in document:
        if str(key).strip().lower() not in SCHEMA:
            reading.notices.append(Notice(name, None, None, f"unknown table {key!r}; ignored"))
    for table in SCHEMA.values():
        key = by_key.get(table.name)
        if key is not None:
            _read_table(table, f"{name}:{table.name}", document[key], reading)
        elif table.name == "campaign":
            missing = "missing: a campaign has exactly one campaign record"
            reading.problems.append(LoadProblem(reading.campaign_file, None, None, None, missing))
    return reading


def _read_table(table: Table, file: str, records: object, reading: Reading) -> None:
    if not isinstance(records, list):
        reading.problems.append(LoadProblem(file, None, None, None, "a JSON list of records"))
        return
    rows: list[tuple[int, Cells]] = []
    blank: list[int] = []
    unknown: set[str] = set()
    for number, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            reading.problems.append(
                LoadProblem(file, number, None, shown(record), "a JSON object (one record)")
            )
            continue
        if all(_blank(value) for value in record.values()):
            blank.append(number)
            continue
        cells: dict[str, Any] = {}
        keys: dict[str, str] = {}
        for key, value in record.items():
            column = resolve_header(table, str(key))
            if column is None:
                if str(key) not in unknown:
                    unknown.add(str(key))
                    reading.notices.append(Notice(file, None, str(key), "unknown field; ignored"))
            elif column in cells:
                twice = f"field given twice (as {keys[column]!r} and {key!r})"
                reading.problems.append(LoadProblem(file, number, column, None, twice))
            else:
                cells[column] = value
                keys[column] = str(key)
        rows.append((number, cells))
    note_blank_rows(file, blank, reading)
    reading.tables.append(RawTable(table, file, tuple(rows)))


def write_json(dataset: Dataset, path: Path) -> Path:
    """Write the dataset as one UTF-8 JSON object (every table, every field)."""
    document = {
        name: [
            {c.name: json_value(getattr(record, c.name)) for c in SCHEMA[name].columns}
            for record in records
        ]
        for name, records in dataset.tables().items()
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path
