"""Format v1.1: one file per table holding every campaign, each row naming its campaign in a
leading ``campaign_id`` column, and a ``format.json``; in CSV or in Parquet.

Each file is read by the v1 readers (headers, aliases, cell spellings, limits: the same rules,
the same problems), with ``campaign_id`` as one more column. Rows are sent to their campaign
as they are read and built into that campaign's records at once (runs of rows of one campaign
as blocks), so memory holds the records kept, not the files. ``campaign.csv`` comes first: a
row naming no campaign of it is a problem at its ``campaign_id``. Then each campaign is built
into a dataset, and ids are checked across the whole source.
"""

from __future__ import annotations

import io
import json
import os
import stat
import unicodedata
from collections.abc import Collection, Iterable
from itertools import islice
from pathlib import Path

from reliefkit.exceptions import LoadError, LoadProblem
from reliefkit.io._aliases import resolve_header
from reliefkit.io._assemble import in_order
from reliefkit.io._csv import _read_file, misnamed
from reliefkit.io._gather import UniqueIds, build_dataset, merge_counts, new_built
from reliefkit.io._notices import Notice, cell_text, safe_name
from reliefkit.io._parquet import ParquetTable, read_parquet
from reliefkit.io._route import CAMPAIGN_ID, Router
from reliefkit.io._schema import SCHEMA, Column, Table
from reliefkit.io._source import Reading
from reliefkit.models import Dataset

FORMAT_FILE = "format.json"
VERSION = "1.1"
_FORMAT_CHARS = 65_536
_WANTED = '{"format": "reliefkit", "version": "1.1"}'
_KINDS = {"csv": ".csv", "parquet": ".parquet"}
_LABELS = {"csv": "CSV", "parquet": "Parquet"}
_CAMPAIGN_FILES = ("campaign.parquet", "campaign.csv")
_FOLDER_INSIDE = (
    "a folder inside a format v1.1 source, whose files hold every campaign; not read (to "
    "check it too, check it on its own)"
)
_NO_CAMPAIGN = (
    "missing: a format v1.1 source has a campaign file with one row per campaign "
    "(its id is the campaign id)"
)


def _with_campaign_id(table: Table, kind: str) -> Table:
    """``table`` with ``campaign_id`` first: required, except in the campaign table (whose
    rows are campaigns: their ``id`` is their campaign id)."""
    own = table.name == "campaign"
    column = Column(CAMPAIGN_ID, "id", required=not own, may_be_absent=own)
    cls = ParquetTable if kind == "parquet" else Table
    return cls(table.name, table.record_type, (column, *table.columns))


def _near(name: str) -> str:
    return unicodedata.normalize("NFKC", name).strip().casefold()


def _regular_file(path: Path) -> bool:
    """Whether ``path`` is (or links to) a regular file: never open a FIFO to look."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def _campaign_csv(folder: Path) -> tuple[list[str], int]:
    """The header of ``campaign.csv`` and how many data rows (blank rows aside, at most 2)
    its first 64 KiB hold; ``([], 0)`` when that cannot be told (its reader says why)."""
    import csv

    path = folder / "campaign.csv"
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):  # a link may lead anywhere: not looked at
            return [], 0
        with path.open("rb") as handle:
            text = handle.read(_FORMAT_CHARS).decode("utf-8-sig", errors="replace")
        lines = csv.reader(io.StringIO(text, newline=""))
        rows = (row for row in lines if any(cell.strip() for cell in row))
        header = next(rows, [])
        return header, sum(1 for _ in islice(rows, 2))
    except Exception:  # anything: the full load says what is wrong
        return [], 0


def unmarked(folder: Path, entries: Collection[str]) -> str | None:
    """Why a folder holding no ``format.json`` is still a format v1.1 source (which needs
    one), if it is: its campaign table is a Parquet file (a v1 folder's are CSV files), or
    its ``campaign.csv`` has a ``campaign_id`` column and more than one row (a v1 folder's
    has one row)."""
    if "campaign.csv" not in entries:
        if "campaign.parquet" in entries:
            return "its tables are Parquet files (campaign.parquet, …; a v1 folder's are CSV)"
        return None
    header, rows = _campaign_csv(folder)
    table = _with_campaign_id(SCHEMA["campaign"], "csv")
    if rows < 2 or not any(resolve_header(table, name) == CAMPAIGN_ID for name in header):
        return None
    count = campaign_rows(folder) or rows
    return (
        f"campaign.csv has a campaign_id column and {count:,} campaign rows (a v1 folder's "
        "has one row)"
    )


def _kind_of(value: object) -> str:
    """What a JSON value is, in words."""
    if isinstance(value, bool) or value is None:
        return f"JSON {json.dumps(value)}"
    if isinstance(value, int | float):
        return f"the number {json.dumps(value)}"
    if isinstance(value, str):
        return "a JSON text"
    return "a JSON list" if isinstance(value, list) else "a JSON object"


def _check_format(folder: Path, reading: Reading) -> None:
    """``format.json`` says ``{"format": "reliefkit", "version": "1.1"}``."""

    def problem(column: str | None, value: str | None, expected: str) -> None:
        reading.problems.append(LoadProblem(FORMAT_FILE, None, column, value, expected))

    path = folder / FORMAT_FILE
    if not path.exists() and not path.is_symlink():
        why = unmarked(folder, _entries(folder))
        lead = f"{why}, so this folder is" if why else "this folder is read as"
        problem(
            None,
            None,
            f"missing: {lead} a source of many campaigns (format v1.1), which needs a "
            f"format.json beside its tables holding {_WANTED}",
        )
        return
    if not _regular_file(path):
        problem(None, None, f"a file holding {_WANTED} (this is not a regular file)")
        return
    try:
        with path.open("rb") as handle:
            data = handle.read(_FORMAT_CHARS + 1)
    except OSError as exc:
        problem(None, None, f"cannot be read ({exc.strerror or type(exc).__name__})")
        return
    if len(data) > _FORMAT_CHARS:
        problem(None, None, f"{_WANTED}; this file is over {_FORMAT_CHARS:,} bytes long")
        return
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        problem(None, None, f"UTF-8 text holding {_WANTED}; this file is not UTF-8 text")
        return
    except json.JSONDecodeError as exc:
        problem(
            None,
            None,
            f"not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}): write {_WANTED}",
        )
        return
    except (ValueError, RecursionError):
        problem(None, None, f"not valid JSON: write {_WANTED}")
        return
    if not isinstance(document, dict):
        problem(None, None, f"a JSON object, {_WANTED}; this file holds {_kind_of(document)}")
        return
    for key, wanted in (("format", "reliefkit"), ("version", VERSION)):
        if key not in document:
            problem(key, None, f'missing: write "{key}": "{wanted}" ({_WANTED})')
            continue
        value = document[key]
        if value == wanted and isinstance(value, str):
            continue
        if isinstance(value, str) and key == "version":
            expected = (
                f'"{wanted}", the only version of the format with a format.json (a format v1 '
                "folder has none: one campaign, a file per table)"
            )
        elif isinstance(value, str):
            expected = f'"{wanted}"'
        else:
            expected = (
                f'the text "{wanted}", in quotes ("{key}": "{wanted}"), not {_kind_of(value)}'
            )
        problem(key, cell_text(value), expected)


def _entries(folder: Path) -> list[str]:
    try:
        return sorted(os.listdir(folder))
    except OSError:
        return []


def _kind(entries: list[str]) -> str:
    """``parquet`` when the campaign table is a Parquet file (or only Parquet files are
    there), else ``csv``."""
    tables = {f"campaign{ext}" for ext in _KINDS.values()}
    if "campaign.parquet" in entries:
        return "parquet"
    if "campaign.csv" in entries or tables & set(entries):
        return "csv"
    parquet = any(e.lower().endswith(".parquet") for e in entries)
    csv = any(e.lower().endswith(".csv") for e in entries)
    return "parquet" if parquet and not csv else "csv"


def _other_kind(entry: str, kind: str) -> bool:
    """Whether ``entry`` is (near enough) a table's file of the given kind."""
    name = _near(entry)
    ext = _KINDS[kind]
    return name.endswith(ext) and name[: -len(ext)] in SCHEMA


def _list(folder: Path, reading: Reading) -> tuple[str, dict[str, Table]]:
    """The kind of file and the tables whose file is there; problems for near misses and
    for files of the other kind, notices for other files of either kind."""
    try:
        entries = sorted(os.listdir(folder))
    except OSError as exc:
        why = f"a folder that can be read ({exc.strerror or type(exc).__name__})"
        reading.problems.append(LoadProblem(safe_name(folder.name), None, None, None, why))
        return "csv", {}
    kind = _kind(entries)
    other = "csv" if kind == "parquet" else "parquet"
    tables = {name: _with_campaign_id(table, kind) for name, table in SCHEMA.items()}
    files = {table.file: table for table in tables.values()}
    near = {_near(file): file for file in files}
    found: dict[str, Table] = {}
    for entry in entries:
        if entry in files:
            found[files[entry].name] = files[entry]
        elif _near(entry) in near:
            expected = near[_near(entry)]
            reading.problems.append(misnamed(entry, expected))
            if expected not in entries:
                reading.unread.add(files[expected].name)
        elif _other_kind(entry, other):
            name = _near(entry)[: -len(_KINDS[other])]
            mine = f"{name}{_KINDS[kind]}"
            fix = f"its table is read from {mine}" if mine in entries else f"write it as {mine}"
            reading.problems.append(
                LoadProblem(
                    safe_name(entry),
                    None,
                    None,
                    None,
                    f"a {_LABELS[other]} file in a source of {_LABELS[kind]} files (its "
                    f"campaign file is campaign{_KINDS[kind]}), and a source holds one kind "
                    f"of file: not read ({fix})",
                )
            )
            if mine not in entries:
                reading.unread.add(name)
        elif entry.lower().endswith((*_KINDS.values(), ".json")) and entry != FORMAT_FILE:
            reading.notices.append(
                Notice(safe_name(entry), None, None, "not a table of the format; ignored")
            )
        elif not entry.startswith(".") and (folder / entry).is_dir():
            reading.notices.append(Notice(safe_name(entry), None, None, _FOLDER_INSIDE))
    return kind, {name: found[name] for name in SCHEMA if name in found}  # campaign first


def read_v11(folder: Path) -> tuple[list[Dataset], tuple[Notice, ...]]:
    """Every campaign of a format v1.1 folder; raises one ``LoadError`` listing every problem
    of every campaign."""
    reading = Reading(source=str(folder), campaign_file="campaign.csv")
    problems: list[LoadProblem] = []
    datasets: list[Dataset] = []
    try:
        _check_format(folder, reading)
        kind, tables = _list(folder, reading)
        reading.campaign_file = f"campaign{_KINDS[kind]}"
        for table in tables.values():
            if kind == "parquet":
                assert isinstance(table, ParquetTable)
                read_parquet(table, folder, reading)
            else:
                _read_file(table, folder, reading)
        if "campaign" not in tables and "campaign" not in reading.unread:
            reading.problems.append(
                LoadProblem(reading.campaign_file, None, None, None, _NO_CAMPAIGN)
            )
        router = Router(reading, problems)
        for raw in reading.tables:
            router.table(raw)
        read = not router.unread_campaigns and "campaign" not in reading.unread
        if "campaign" in tables and read and not router.campaign_rows:
            problems.append(
                LoadProblem(reading.campaign_file, None, None, None, "at least one campaign row")
            )
        router.consequences()
        router.shared.clear()
        files = {name: f"{name}{_KINDS[kind]}" for name in SCHEMA}
        ids = UniqueIds()
        for campaign_id in sorted(router.campaigns):
            parts = router.campaigns.pop(campaign_id)
            built = {name: parts.get(name) or new_built(file) for name, file in files.items()}
            for name, skipped in router.unrouted.items():
                built[name].skipped_ids = skipped  # its rows went to no campaign: shared
            dataset = build_dataset(built, reading, problems)
            ids.add(campaign_id, built, files.__getitem__, problems)
            if dataset is not None:
                datasets.append(dataset)
    finally:
        reading.close()
    everything = reading.problems + merge_counts(problems)
    if everything:
        order = {FORMAT_FILE: -1} | {f"{name}{_KINDS[kind]}": i for i, name in enumerate(SCHEMA)}
        in_order(everything, order, len(order))
        raise LoadError(reading.source, everything)
    return datasets, tuple(reading.notices)


def campaign_rows(folder: Path) -> int | None:
    """How many campaign rows a v1.1 folder's campaign file has (blank rows aside), read
    cheaply; ``None`` when that cannot be told."""
    import csv

    try:
        entries = os.listdir(folder)
        if not _regular_file(folder / next(e for e in _CAMPAIGN_FILES if e in entries)):
            return None
        if "campaign.parquet" in entries:
            import pyarrow.parquet as pq

            return int(pq.read_metadata(folder / "campaign.parquet").num_rows)
        with (folder / "campaign.csv").open(encoding="utf-8-sig", errors="replace") as handle:
            rows: Iterable[list[str]] = csv.reader(handle)
            return sum(1 for row in rows if any(cell.strip() for cell in row)) - 1
    except Exception:  # anything: the full load says what is wrong
        return None
