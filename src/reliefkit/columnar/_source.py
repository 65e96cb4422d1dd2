"""A source opened for the columnar engine: a SQL engine (:mod:`._backend`) holding every
table of the format (each with ``campaign_id`` and ``_row``), the id-list links and the
campaigns.

Sources: a :class:`~reliefkit.models.Dataset` (or several campaigns), a folder of Parquet
files (format v1.1, as ``reliefkit synth --format parquet`` writes), a folder of CSV files
(format v1.1 or v1, read natively by DuckDB when it reads them as the object loader does:
:mod:`._csv`), and what else :mod:`reliefkit.io` loads (a JSON file, a folder of campaign
folders): those are read by the object loader, whose rules and errors are the format's.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from reliefkit.columnar._backend import Backend, backend_for
from reliefkit.columnar._tables import (
    ROW,
    SQL_TYPES,
    arrow_table,
    columns_of,
    id_lists,
    link_name,
    record_from,
    tables,
)
from reliefkit.exceptions import LoadError
from reliefkit.io import Notice
from reliefkit.io._schema import SCHEMA
from reliefkit.models import Campaign, Dataset


class Source:
    """The opened source: the backend holding its tables and its campaigns, by id."""

    def __init__(self, backend: Backend, origin: str) -> None:
        self.backend = backend
        self.origin = origin
        self.campaigns: dict[str, Campaign] = {}
        self.notices: tuple[Notice, ...] = ()
        """What the object loader notices in the source (an ignored column), whichever
        reader read it."""
        self.records: dict[str, list[Any]] | None = None
        """For a source of records, each table's records in the order of its ``_row``: a
        fetched row is the record itself, not a copy built again."""
        self.vouched = False
        """Whether the engine's load checks passed over every row, as the object loader's
        would have: records are then built for findings without running their validators
        again."""

    def close(self) -> None:
        """Let go of the backend."""
        self.backend.close()

    def _read_campaigns(self) -> None:
        names, rows = self.backend.rows(f"SELECT * FROM campaign ORDER BY {ROW}")
        for row in rows:
            campaign = record_from("campaign", dict(zip(names, row, strict=True)))
            self.campaigns[campaign.id] = campaign


IN_PLACE = 32 * 2**20
"""Bytes of a Parquet file past which DuckDB reads it where it is, in every query, rather
than copying it into a table first: its own compression and DuckDB's reader make scans of it
about as quick as of a table, and the copy (the households of the nation: 27 s, spilled while
made, then compressed) is saved, with its memory."""


def _normalise(
    backend: Backend, name: str, raw: str, present: set[str], *, in_place: bool = False
) -> None:
    """The table ``name`` with every column of the format, typed, from relation ``raw``: a
    view of the columns ``raw`` has, held in ``_rk_held_NAME`` (a view of ``raw`` itself when
    ``in_place``), and of nulls for the others (a column no file has costs no memory)."""
    from reliefkit.columnar._csv import DEFAULTS

    cols = ["campaign_id"]
    shown = ["campaign_id"]
    for column in columns_of(name):
        sql_type = SQL_TYPES[column.cell]
        if column.name not in present:
            shown.append(f'CAST(NULL AS {sql_type}) AS "{column.name}"')
            continue
        value = f'"{column.name}"'
        if sql_type == "STRING":
            # An empty cell is no value, as the object loader reads it (pandas writes '').
            value = f"NULLIF(CAST({value} AS STRING), '')"
        value = f"CAST({value} AS {sql_type})"
        default = DEFAULTS.get((name, column.name))
        if default is not None:
            # An empty cell is the record's default, as the object loader reads it.
            value = f"COALESCE({value}, {str(default).upper()})"
        cols.append(f'{value} AS "{column.name}"')
        shown.append(f'"{column.name}"')
    held = f"_rk_held_{name}"
    hold = backend.view if in_place else backend.materialise
    hold(held, f"SELECT {', '.join(cols)}, {ROW} FROM {raw}")
    backend.view(name, f'SELECT {", ".join(shown)}, {ROW} FROM "{held}"')
    for column in id_lists(SCHEMA[name]):
        backend.materialise(link_name(name, column.name), backend.split_ids(name, column.name))


def from_datasets(datasets: Iterable[Dataset], backend: Backend) -> Source:
    """Hold the records of one or more campaigns (ids unique across them)."""
    import pyarrow as pa

    source = Source(backend, "datasets")
    parts: dict[str, list[pa.Table]] = {t: [] for t in tables()}
    records: dict[str, list[Any]] = {t: [] for t in tables()}
    for dataset in datasets:
        cid = dataset.campaign.id
        for name in parts:
            rows = dataset.rows(name)
            parts[name].append(arrow_table(name, rows, cid))
            records[name] += rows
    source.records = records
    for name, pieces in parts.items():
        whole = pa.concat_tables(pieces)
        whole = whole.append_column(ROW, pa.array(range(whole.num_rows), pa.int64()))
        backend.register(f"_raw_{name}", whole)
        _normalise(backend, name, f"_raw_{name}", set(whole.column_names))
    source._read_campaigns()
    return source


def from_parquet(folder: Path, backend: Backend) -> Source:
    """Hold a folder of Parquet files, one per table, each with a ``campaign_id`` column.

    Checked as the object loader checks it (:mod:`._checks`: its ``LoadError``, found with
    the engine); a folder whose cells the engine cannot hold as they are (a header under an
    alias, a date spelled as text) is read by the object loader instead.
    """
    from reliefkit.columnar._checks import NotNative, check_rows, empty_table, read_files

    files = read_files(folder)
    if not files.native:
        return _loaded(folder, backend)
    source = Source(backend, str(folder))
    for name in tables():
        if name in files.raws:
            raw, present = backend.parquet(str(folder / f"{name}.parquet"), ROW)
        else:  # no file: no record of the table, as the object loader reads it
            raw, present = empty_table(backend, name)
        if name == "campaign" and "campaign_id" not in present:
            raw = f"(SELECT id AS campaign_id, * FROM {raw})"
        in_place = (
            backend.name == "duckdb"
            and name in files.raws
            and (folder / f"{name}.parquet").stat().st_size > IN_PLACE
        )
        _normalise(backend, name, raw, present, in_place=in_place)
    try:
        check_rows(backend, files)
    except NotNative:
        return _loaded(folder, backend)
    source.vouched = True
    source._read_campaigns()
    source.notices = tuple(files.reading.notices)
    return source


def from_csv(folder: Path, version: str, backend: Backend) -> Source:
    """Hold a folder of CSV files: format v1.1 (one file per table, each with a
    ``campaign_id`` column) or v1 (one campaign).

    Read natively by DuckDB (:mod:`._csv`) and checked as a Parquet folder is; a folder
    whose files DuckDB may read otherwise than the object loader's CSV reader (a blank line,
    a cell in another spelling that the object loader reads otherwise, a v1 folder with any
    problem), or on Spark, is read by the object loader instead.
    """
    from reliefkit.columnar._checks import NotNative, check_rows
    from reliefkit.columnar._csv import forget, hold_csv, read_csv_files

    if backend.name != "duckdb":
        return _loaded(folder, backend)
    found = read_csv_files(folder, version)
    if not found.native:
        return _loaded(folder, backend)
    try:
        files = hold_csv(backend, found)
        check_rows(backend, files)
    except (NotNative, LoadError) as exc:
        # A v1 folder's problems are worded by the object loader (it reads one campaign
        # otherwise than the Router reads many).
        if isinstance(exc, LoadError) and version != "v1":
            raise
        forget(backend)
        return _loaded(folder, backend)
    source = Source(backend, str(folder))
    source.vouched = True
    source._read_campaigns()
    source.notices = tuple(files.reading.notices)
    return source


def is_parquet_source(path: Path) -> bool:
    """Whether ``path`` is a folder of Parquet tables (format v1.1 in Parquet)."""
    return path.is_dir() and (path / "campaign.parquet").is_file()


def open_source(
    source: Any,
    *,
    engine: str = "duckdb",
    threads: int | None = 2,
    memory_limit: str | None = None,
    session: Any = None,
) -> Source:
    """Open what ``check(..., engine=...)`` was given on the engine named."""
    if not isinstance(source, (Dataset, str, os.PathLike)) and not callable(
        getattr(source, "values", None)
    ):
        raise TypeError(
            f"source={type(source).__name__}: expected a Dataset, campaigns or a path "
            "(a CSV folder, a JSON file, a folder of Parquet tables)"
        )
    backend = backend_for(engine, threads=threads, memory_limit=memory_limit, session=session)
    try:
        if isinstance(source, Dataset):
            return from_datasets([source], backend)
        if isinstance(source, (str, os.PathLike)):
            path = Path(source)
            if is_parquet_source(path):
                return from_parquet(path, backend)
            from reliefkit.columnar._csv import csv_layout

            version = csv_layout(path)
            if version is not None:
                return from_csv(path, version, backend)
            return _loaded(path, backend)
        return from_datasets(source.values(), backend)  # several campaigns
    except BaseException:
        backend.close()
        raise


def _loaded(path: Path, backend: Backend) -> Source:
    """A source the object loader reads at ``path`` (one campaign or many), with its
    notices."""
    from reliefkit.io import load_campaigns_with_notices

    campaigns, notices = load_campaigns_with_notices(path)
    source = from_datasets(campaigns.values(), backend)
    source.notices = notices
    return source
