"""Writers: one file per table, appended to batch by batch (CSV or Parquet)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Protocol

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from reliefkit.exceptions import InvalidValueError
from reliefkit.synth._layout import TABLES, schema

FORMAT_FILE = "format.json"
FORMAT = {"format": "reliefkit", "version": "1.1"}
GROUP_ROWS = 32_768
"""Rows gathered into one Parquet row group (households: a chunk each)."""


class Sink(Protocol):
    def write(self, table: pa.Table) -> None: ...

    def close(self) -> None: ...


class CsvSink:
    """A CSV file: the header as the format names it, then rows as Arrow writes them (no
    quoting: no synthetic value holds a comma, a quote or a line break, and Arrow refuses to
    write one that does)."""

    def __init__(self, path: Path, target: pa.Schema) -> None:
        self._file: IO[bytes] = path.open("wb")
        self._file.write((",".join(target.names) + "\n").encode("utf-8"))
        options = pacsv.WriteOptions(include_header=False, quoting_style="none")
        self._writer = pacsv.CSVWriter(self._file, target, write_options=options)

    def write(self, table: pa.Table) -> None:
        self._writer.write_table(table)

    def close(self) -> None:
        self._writer.close()
        self._file.close()


class ParquetSink:
    """A Parquet file. Small tables come a few thousand rows per batch: they are gathered
    into row groups of ``GROUP_ROWS`` rows (readers skim many small groups slowly); a
    household chunk is a row group of its own."""

    def __init__(self, path: Path, target: pa.Schema) -> None:
        self._writer = pq.ParquetWriter(path, target)
        self._held: list[pa.Table] = []
        self._rows = 0

    def write(self, table: pa.Table) -> None:
        if not self._held and table.num_rows >= GROUP_ROWS:
            self._writer.write_table(table)
            return
        self._held.append(table)
        self._rows += table.num_rows
        if self._rows >= GROUP_ROWS:
            self._flush()

    def _flush(self) -> None:
        if self._held:
            self._writer.write_table(pa.concat_tables(self._held))
        self._held, self._rows = [], 0

    def close(self) -> None:
        self._flush()
        self._writer.close()


def file_name(table: str, fmt: str) -> str:
    return f"{table}.{'csv' if fmt == 'csv' else 'parquet'}"


def prepare(folder: Path, *, overwrite: bool) -> None:
    """Make ``folder`` ready: new, or empty, or (with ``overwrite``) cleared of what a
    synthetic source writes there (other files stay)."""
    if folder.exists() and not folder.is_dir():
        raise InvalidValueError(f"out={str(folder)!r}: not a folder")
    if folder.is_dir() and any(folder.iterdir()):
        if not overwrite:
            raise InvalidValueError(
                f"out={str(folder)!r}: not empty; choose an empty or new folder, or overwrite "
                "(the files a synthetic source writes are replaced)"
            )
        for table in TABLES:
            for fmt in ("csv", "parquet"):
                (folder / file_name(table, fmt)).unlink(missing_ok=True)
        (folder / FORMAT_FILE).unlink(missing_ok=True)
    folder.mkdir(parents=True, exist_ok=True)


def open_sinks(folder: Path, fmt: str, *, campaign_column: bool) -> dict[str, Sink]:
    """One sink per table of the format, in the format's order."""
    kind = CsvSink if fmt == "csv" else ParquetSink
    return {
        table: kind(folder / file_name(table, fmt), schema(table, campaign_column=campaign_column))
        for table in TABLES
    }


def write_format(folder: Path) -> None:
    """``format.json``: what says a folder is format v1.1."""
    (folder / FORMAT_FILE).write_text(json.dumps(FORMAT) + "\n", encoding="utf-8")
