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

import json
import os
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from reliefkit.exceptions import LoadError, LoadProblem
from reliefkit.io._csv import _read_file
from reliefkit.io._gather import UniqueIds, build_dataset, new_built
from reliefkit.io._notices import Notice, cell_text, safe_name
from reliefkit.io._parquet import ParquetTable, read_parquet
from reliefkit.io._route import CAMPAIGN_ID, Router
from reliefkit.io._schema import SCHEMA, Column, Table
from reliefkit.io._source import Reading
from reliefkit.models import Dataset

FORMAT_FILE = "format.json"
VERSION = "1.1"
_FORMAT_CHARS = 65_536
_KINDS = {"csv": ".csv", "parquet": ".parquet"}
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


def _check_format(folder: Path, reading: Reading) -> None:
    """``format.json`` says ``{"format": "reliefkit", "version": "1.1"}``."""
    wanted = '{"format": "reliefkit", "version": "1.1"}'
    try:
        with (folder / FORMAT_FILE).open("rb") as handle:
            document = json.loads(handle.read(_FORMAT_CHARS).decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        document = None
    if not isinstance(document, dict):
        reading.problems.append(LoadProblem(FORMAT_FILE, None, None, None, f"JSON: {wanted}"))
        return
    if document.get("format") != "reliefkit":
        value = cell_text(document.get("format"))
        reading.problems.append(LoadProblem(FORMAT_FILE, None, "format", value, '"reliefkit"'))
    version = document.get("version")
    if version != VERSION:
        reading.problems.append(
            LoadProblem(
                FORMAT_FILE,
                None,
                "version",
                cell_text(version),
                '"1.1" (a format v1 folder has no format.json: one campaign, a file per table)',
            )
        )


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
            reading.problems.append(
                LoadProblem(
                    expected,
                    None,
                    None,
                    safe_name(entry),
                    f"a file named exactly {expected} (this one is not read: rename it)",
                )
            )
            if expected not in entries:
                reading.unread.add(files[expected].name)
        elif entry.lower().endswith(_KINDS[other]) and entry[: -len(_KINDS[other])] in SCHEMA:
            reading.problems.append(
                LoadProblem(
                    safe_name(entry),
                    None,
                    None,
                    None,
                    f"one kind of file per source: this is a {kind} source (its campaign "
                    f"file is {kind}); not read",
                )
            )
        elif entry.lower().endswith(tuple(_KINDS.values())):
            reading.notices.append(
                Notice(safe_name(entry), None, None, "not a table of the format; ignored")
            )
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
            dataset = build_dataset(built, reading, problems)
            ids.add(campaign_id, built, files.__getitem__, problems)
            if dataset is not None:
                datasets.append(dataset)
    finally:
        reading.close()
    everything = reading.problems + problems
    if everything:
        order = {FORMAT_FILE: -1} | {f"{name}{_KINDS[kind]}": i for i, name in enumerate(SCHEMA)}
        everything.sort(key=lambda p: (order.get(p.file, len(order)), p.row or 0))
        raise LoadError(reading.source, everything)
    return datasets, tuple(reading.notices)


def campaign_rows(folder: Path) -> int | None:
    """How many campaign rows a v1.1 folder's campaign file has (blank rows aside), read
    cheaply; ``None`` when that cannot be told."""
    import csv

    try:
        entries = os.listdir(folder)
        if "campaign.parquet" in entries:
            import pyarrow.parquet as pq

            return int(pq.read_metadata(folder / "campaign.parquet").num_rows)
        with (folder / "campaign.csv").open(encoding="utf-8-sig", errors="replace") as handle:
            rows: Iterable[list[str]] = csv.reader(handle)
            return sum(1 for row in rows if any(cell.strip() for cell in row)) - 1
    except Exception:  # anything: the full load says what is wrong
        return None
