"""``reliefkit.check``: one entry to both engines.

``engine="objects"`` (the default) judges frozen records with the object engine;
``engine="duckdb"`` runs the packs' SQL statements with the columnar engine (the
``columnar`` extra), ``engine="spark"`` the same statements on Spark SQL (the ``spark``
extra); ``engine="auto"`` takes DuckDB (when it is installed) for a folder of Parquet tables
and for a folder of CSV files of at least :data:`AUTO_CSV_BYTES`, and the object engine for
the rest. Both give the same reports.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, overload

import attrs

from reliefkit.engine import check as check_objects
from reliefkit.exceptions import InvalidValueError
from reliefkit.io import load_campaigns
from reliefkit.models import Campaigns, Dataset
from reliefkit.report import CampaignsReport, Report
from reliefkit.rules import Registry, as_date, default_registry

ENGINES = ("objects", "duckdb", "spark", "auto")

AUTO_CSV_BYTES = 16 * 2**20
"""The size of a CSV folder's table files from which ``engine="auto"`` runs DuckDB. Below
it the object engine is quicker: DuckDB's fixed costs (starting, twenty tables, the load
checks, the rounds of fetching) outweigh what it saves in loading. Measured on 2 vCPUs with
``reliefkit synth`` counties (3,500 households, 0.35 MB each): 11 MB took 1.6 s on objects
and 2.5 s on DuckDB, 21 MB 3.0 s and 1.8–2.2 s, 41 MB 6.7–9.5 s and 3.1–4.6 s."""


def _large_csv(path: Path) -> bool:
    """Whether ``path`` is a folder of CSV files (v1 or v1.1) of at least
    :data:`AUTO_CSV_BYTES`."""
    from reliefkit.columnar._csv import csv_layout, table_bytes

    return csv_layout(path) is not None and table_bytes(path) >= AUTO_CSV_BYTES


def choose_engine(
    source: Any, *, registry: Registry | None = None, packs: Sequence[str] | None = None
) -> str:
    """What ``engine="auto"`` runs for ``source``: DuckDB for a folder of Parquet tables,
    or of CSV files of at least :data:`AUTO_CSV_BYTES`, when DuckDB is installed and every
    rule of the packs run has a statement (an installed pack may have none); the object
    engine otherwise."""
    if not isinstance(source, (str, os.PathLike)):
        return "objects"
    from reliefkit.columnar import is_parquet_source

    path = Path(source)
    if importlib.util.find_spec("duckdb") is None:
        return "objects"
    if not is_parquet_source(path) and not _large_csv(path):
        return "objects"
    registry = registry or default_registry()
    names = {*(packs or registry.default_packs), *(p.name for p in registry.always)}
    run = {registry.pack(n).name for n in names}
    stated = all(
        r.sql is not None
        for r in registry.rules()
        if r.pack in run and not r.after_all and not r.removed
    )
    return "duckdb" if stated else "objects"


@overload
def check(
    source: Dataset,
    *,
    as_of: Any,
    packs: Sequence[str] | None = None,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] | None = None,
    params: Mapping[str, Any] | None = None,
    registry: Registry | None = None,
    engine: str = "objects",
    threads: int | None = 2,
    memory_limit: str | None = None,
    session: Any = None,
) -> Report: ...


@overload
def check(
    source: Campaigns,
    *,
    as_of: Any,
    packs: Sequence[str] | None = None,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] | None = None,
    params: Mapping[str, Any] | None = None,
    registry: Registry | None = None,
    engine: str = "objects",
    threads: int | None = 2,
    memory_limit: str | None = None,
    session: Any = None,
) -> CampaignsReport: ...


@overload
def check(
    source: str | os.PathLike[str],
    *,
    as_of: Any,
    packs: Sequence[str] | None = None,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] | None = None,
    params: Mapping[str, Any] | None = None,
    registry: Registry | None = None,
    engine: str = "objects",
    threads: int | None = 2,
    memory_limit: str | None = None,
    session: Any = None,
) -> Report | CampaignsReport: ...


def check(
    source: Dataset | Campaigns | str | os.PathLike[str],
    *,
    as_of: Any,
    packs: Sequence[str] | None = None,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] | None = None,
    params: Mapping[str, Any] | None = None,
    registry: Registry | None = None,
    engine: str = "objects",
    threads: int | None = 2,
    memory_limit: str | None = None,
    session: Any = None,
) -> Report | CampaignsReport:
    """Check every rule of ``packs`` (default: the registry's default packs, the county
    plan) and of the packs that always run (waivers) against ``source``.

    ``source`` is a :class:`Dataset` (a :class:`Report` comes back), :class:`Campaigns`
    (a :class:`CampaignsReport`), or a path (a campaign folder or JSON file, a source of
    many campaigns, a folder of Parquet tables), read as ``load_campaigns`` reads it.
    ``as_of`` decides which deadlines have passed and which waivers are valid; which law
    applies is decided by each campaign's dates. ``select``/``ignore`` take codes or
    prefixes (``CP1``, ``CP101``, ``RK``). ``params`` overrides parameters by name.

    ``engine`` is ``"objects"``, ``"duckdb"``, ``"spark"`` or ``"auto"`` (see the module);
    ``threads``, ``memory_limit`` (``"3GB"``) and ``session`` (a SparkSession) are for the
    columnar engines.
    """
    if engine not in ENGINES:
        raise InvalidValueError(f"engine={engine!r}: expected one of {', '.join(ENGINES)}")
    if engine == "auto":
        engine = choose_engine(source, registry=registry, packs=packs)
    options: dict[str, Any] = {
        "as_of": as_of,
        "packs": packs,
        "select": select,
        "ignore": ignore,
        "params": params,
        "registry": registry,
    }
    if engine == "objects":
        if isinstance(source, (str, os.PathLike)):
            campaigns = load_campaigns(source)
            if len(campaigns) == 1:
                return check_objects(next(iter(campaigns.values())), **options)
            return check_objects(campaigns, **options)
        return check_objects(source, **options)
    from reliefkit.columnar import check_source

    reports = check_source(
        source,
        engine=engine,
        threads=threads,
        memory_limit=memory_limit,
        session=session,
        **options,
    )
    # Records in hand stay with their reports (frames' township column, the HTML page).
    if isinstance(source, Dataset):
        return attrs.evolve(reports[source.campaign.id], context={"dataset": source})
    held = isinstance(source, Campaigns) and not source.is_lazy
    if isinstance(source, Campaigns) and held:
        reports = {k: attrs.evolve(r, context={"dataset": source[k]}) for k, r in reports.items()}
    if len(reports) == 1 and not isinstance(source, Campaigns):
        return next(iter(reports.values()))
    return CampaignsReport.collect(reports.items(), as_of=as_date(as_of), keep_datasets=held)


__all__ = ["AUTO_CSV_BYTES", "ENGINES", "check", "choose_engine"]
