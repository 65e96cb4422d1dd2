"""Many campaigns, one source: a folder of campaign folders (or ``.json`` files), or format
v1.1 (``format.json`` and one file per table with a leading ``campaign_id``).

Every problem of every campaign goes into one ``LoadError``; ids are unique across the whole
source. A folder of campaigns may be loaded lazily: every campaign is read once to check the
whole source (one at a time, keeping only the ids), then again when it is used.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from functools import partial
from pathlib import Path

import attrs

from reliefkit.exceptions import LoadError, LoadProblem
from reliefkit.io._assemble import _build_table, _Built, assemble, in_order
from reliefkit.io._csv import _FILES, _NEAR, _near, read_folder
from reliefkit.io._gather import UniqueIds, build_dataset
from reliefkit.io._gc import no_cycle_collection
from reliefkit.io._json import read_json
from reliefkit.io._notices import Notice, safe_name
from reliefkit.io._schema import SCHEMA
from reliefkit.io._source import Reading
from reliefkit.io._v11 import FORMAT_FILE, campaign_rows, read_v11, unmarked
from reliefkit.models import Dataset
from reliefkit.models._campaigns import Campaigns

FOLDERS = "folders"
V11 = "v1.1"
V1 = "v1"
_NOT_A_CAMPAIGN = "not a campaign (a folder of CSV files or a .json file); ignored"
_PARQUET = {f"{name}.parquet": table for name, table in SCHEMA.items()}
_FOLDER_INSIDE = (
    "a folder inside a campaign's folder; not read (a v1 folder is one campaign: to check "
    "several, put their folders side by side in a folder holding no table file)"
)
_JSON_INSIDE = (
    "a JSON file in a v1 folder, whose tables are CSV files; not read (a campaign's JSON "
    "file is read on its own, or beside others in a folder of campaigns)"
)


def _entries(folder: Path) -> list[str]:
    try:
        return sorted(os.listdir(folder))
    except OSError:
        return []


def _campaign_entry(folder: Path, entry: str) -> bool:
    """Whether ``entry`` of a folder of campaigns is meant as a campaign: a sub-folder (or
    a link to one, refused when read) or a ``.json`` file; hidden entries are not."""
    if entry.startswith("."):
        return False
    if entry.lower().endswith(".json"):
        return True
    try:
        mode = os.lstat(folder / entry).st_mode
    except OSError:
        return False
    return stat.S_ISDIR(mode) or (stat.S_ISLNK(mode) and (folder / entry).is_dir())


def _stray(folder: Path, entry: str) -> bool:
    """Whether a v1 folder's reader would pass over ``entry`` without a word: a Parquet or
    JSON file, or a sub-folder (a table's name and a near miss of one it reports itself)."""
    if entry.startswith(".") or entry in _FILES or _near(entry) in _NEAR:
        return False
    return entry.lower().endswith((".parquet", ".json")) or (folder / entry).is_dir()


def layout(path: Path) -> str | None:
    """``"v1.1"`` for a folder holding ``format.json`` (or one that needs it: see
    :func:`~reliefkit.io._v11.unmarked`), ``"folders"`` for a folder of campaigns (no
    table's file, but sub-folders or ``.json`` files), ``"v1"`` for a v1 folder holding
    something its reader does not read (read here, so that each is named), ``None`` for
    anything else (a v1 folder or a ``.json`` file: one campaign)."""
    if not path.is_dir():
        return None
    entries = _entries(path)
    if FORMAT_FILE in entries or unmarked(path, entries) is not None:
        return V11
    tables = any(e in _FILES or _near(e) in _NEAR for e in entries)
    if not tables and any(_campaign_entry(path, e) for e in entries):
        return FOLDERS
    return V1 if any(_stray(path, e) for e in entries) else None


def _strays(folder: Path, reading: Reading) -> None:
    """Name what a v1 folder holds that its reader does not read: a table's Parquet file is
    a problem (and its table, unless its CSV file is there too, is not read: references to
    it are consequences), a sub-folder or a JSON file a notice."""
    entries = _entries(folder)
    for entry in entries:
        if not _stray(folder, entry):
            continue
        name = safe_name(entry)
        table = _PARQUET.get(_near(entry))
        if table is not None:
            fix = (
                f"its table is read from {table.file}"
                if table.file in entries
                else f"write it as {table.file}; Parquet tables are format v1.1, with a "
                "campaign_id column in every file and a format.json"
            )
            why = f"a Parquet file in a v1 folder, whose tables are CSV files: not read ({fix})"
            reading.problems.append(LoadProblem(name, None, None, None, why))
            if table.file not in entries:
                reading.unread.add(table.name)
        elif (folder / entry).is_dir():
            reading.notices.append(Notice(name, None, None, _FOLDER_INSIDE))
        elif entry.lower().endswith(".json"):
            reading.notices.append(Notice(name, None, None, _JSON_INSIDE))
        else:
            reading.notices.append(Notice(name, None, None, "not a table of the format; ignored"))


def _load_v1(folder: Path) -> tuple[Dataset, tuple[Notice, ...]]:
    """A v1 folder that holds more than its reader reads: loaded as ``load`` loads it, with
    a problem or notice naming each such entry."""
    reading = read_folder(folder)
    try:
        _strays(folder, reading)
        return assemble(reading), tuple(reading.notices)
    finally:
        reading.close()


def count_campaigns(path: Path) -> int | None:
    """How many campaigns a source holds, told cheaply (1 for a v1 folder or a JSON file);
    ``None`` when only loading it can tell."""
    kind = layout(path)
    if kind == V11:
        return campaign_rows(path)
    if kind == FOLDERS:
        return sum(_campaign_entry(path, e) for e in _entries(path))
    return 1  # a v1 folder or a JSON file


def _prefixed(prefix: str, problems: list[LoadProblem]) -> list[LoadProblem]:
    return [attrs.evolve(p, file=prefix + p.file) for p in problems]


def _file_of(prefix: str, built: dict[str, _Built]) -> Callable[[str], str]:
    """Where a campaign of a folder of campaigns has each table, within the folder."""
    return lambda table: prefix + built[table].file


def _read_entry(path: Path) -> Reading:
    return read_folder(path) if path.is_dir() else read_json(path)


def _load_entry(path: Path) -> Dataset:
    """A campaign of a folder of campaigns, read again when a lazy source uses it."""
    reading = _read_entry(path)
    try:
        return assemble(reading)
    finally:
        reading.close()


def _entry_problem(folder: Path, entry: str) -> str | None:
    """Why an entry meant as a campaign is not read, if it is not."""
    path = folder / entry
    if path.is_symlink():
        return "a symbolic link: give the campaign's folder or file itself; not read"
    if path.is_dir() and ((path / FORMAT_FILE).exists() or unmarked(path, _entries(path))):
        return "a format v1.1 source inside a folder of campaigns: check it on its own; not read"
    if not path.is_dir() and not path.is_file():
        return "not a regular file; not read"
    return None


def _read_folders(
    folder: Path, *, lazy: bool
) -> tuple[list[Dataset], dict[str, Path], tuple[Notice, ...]]:
    """Every campaign of a folder of campaigns: datasets (or, when ``lazy``, where each
    campaign is), checked together; raises one ``LoadError`` listing every problem."""
    problems: list[LoadProblem] = []
    notices: list[Notice] = []
    datasets: list[Dataset] = []
    places: dict[str, Path] = {}
    ids = UniqueIds()
    for entry in _entries(folder):
        name = safe_name(entry)
        if not _campaign_entry(folder, entry):
            if not entry.startswith(".") and (folder / entry).is_file():
                notices.append(Notice(name, None, None, _NOT_A_CAMPAIGN))
            continue
        why = _entry_problem(folder, entry)
        if why is not None:
            problems.append(LoadProblem(name, None, None, None, why))
            continue
        path = folder / entry
        prefix = "" if path.is_file() else f"{name}/"
        reading = _read_entry(path)
        if path.is_dir():
            _strays(path, reading)
        found: list[LoadProblem] = []
        try:
            shared: dict[str, str] = {}
            built = {raw.table.name: _build_table(raw, found, shared) for raw in reading.tables}
            dataset = build_dataset(built, reading, found)
        finally:
            reading.close()
        mine = reading.problems + found
        in_order(mine, {raw.file: i for i, raw in enumerate(reading.tables)}, -1)
        problems += _prefixed(prefix, mine)
        label = dataset.campaign.id if dataset is not None else name
        ids.add(label, built, _file_of(prefix, built), problems)
        notices += [attrs.evolve(n, file=prefix + n.file) for n in reading.notices]
        if dataset is not None:
            if lazy:
                places[dataset.campaign.id] = path
            else:
                datasets.append(dataset)
        del built, dataset
    if problems:
        raise LoadError(str(folder), problems)
    return datasets, places, tuple(notices)


def load_campaigns_with_notices(
    path: str | os.PathLike[str], *, lazy: bool = False
) -> tuple[Campaigns, tuple[Notice, ...]]:
    """Load every campaign of a source like :func:`load_campaigns`, also returning the
    notices (each naming its file within the source)."""
    source = Path(path)
    kind = layout(source)
    with no_cycle_collection():
        if kind == V11:
            datasets, notices = read_v11(source)
            return Campaigns.of(datasets, source=str(source)), notices
        if kind == FOLDERS:
            datasets, places, notices = _read_folders(source, lazy=lazy)
            if lazy:
                loaders = {key: partial(_load_entry, place) for key, place in places.items()}
                return Campaigns.lazy(loaders, source=str(source)), notices
            return Campaigns.of(datasets, source=str(source)), notices
        if kind == V1:
            dataset, notices = _load_v1(source)
            return Campaigns.of([dataset], source=str(source)), notices
    from reliefkit.io import load_with_notices  # one campaign: a v1 folder or a JSON file

    dataset, notices = load_with_notices(source)
    return Campaigns.of([dataset], source=str(source)), notices


def load_campaigns(path: str | os.PathLike[str], *, lazy: bool = False) -> Campaigns:
    """Load every campaign of a source: a folder of campaigns (each sub-folder a v1 CSV
    folder, or a ``.json`` file per campaign), a format v1.1 folder (CSV or Parquet), or a
    single campaign (a v1 folder or a JSON file: one campaign).

    Returns :class:`~reliefkit.Campaigns`, campaign id → dataset in campaign-id order. Raises
    :class:`~reliefkit.exceptions.LoadError` listing every problem of every campaign at once
    (ids are unique across the whole source). ``lazy=True`` (a folder of campaigns only)
    checks every campaign once, one at a time, and then builds each campaign's dataset when
    it is used: memory holds one campaign and the source's ids, at the cost of reading each
    campaign twice.
    """
    return load_campaigns_with_notices(path, lazy=lazy)[0]


def _too_many(path: Path, count: int) -> LoadError:
    what = "format v1.1 source" if layout(path) == V11 else "folder of campaigns"
    return LoadError(
        str(path),
        [
            LoadProblem(
                safe_name(path.name or str(path)),
                None,
                None,
                None,
                f"a source of one campaign: this {what} holds {count:,} campaigns; load it "
                "with reliefkit.load_campaigns(path), or check it with `reliefkit check "
                "PATH`, which reads both",
            )
        ],
    )


def load_one(path: Path) -> tuple[Dataset, tuple[Notice, ...]]:
    """The one campaign of a source of many campaigns' layout (a v1.1 source or a folder of
    campaigns holding one); a source holding more is refused, saying what reads it."""
    count = count_campaigns(path)
    # A v1.1 source without its format.json: the load says that first.
    marked = layout(path) != V11 or (path / FORMAT_FILE).exists()
    if count is not None and count > 1 and marked:
        raise _too_many(path, count)
    campaigns, notices = load_campaigns_with_notices(path)
    if len(campaigns) != 1:
        raise _too_many(path, len(campaigns))
    return next(iter(campaigns.values())), notices


def read_source(path: str | os.PathLike[str]) -> tuple[Dataset | Campaigns, tuple[Notice, ...]]:
    """What ``reliefkit check`` reads: the dataset of a source of one campaign, or the
    campaigns of a source of more."""
    campaigns, notices = load_campaigns_with_notices(path)
    if len(campaigns) == 1:
        return next(iter(campaigns.values())), notices
    return campaigns, notices
