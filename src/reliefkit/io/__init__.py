"""Reading and writing campaigns: a folder of CSV files, or one JSON file; and many
campaigns of one source (a folder of them, or format v1.1 in CSV or Parquet).

All parsing of spreadsheet spellings (``¥1,000``, ``是``, Chinese headers, GB18030) happens
here. Loading collects every bad cell, row and reference into one
:class:`~reliefkit.exceptions.LoadError` naming file, row, column and value; personal data in
it is masked. The format is described in ``docs/data-format.md``.
"""

from __future__ import annotations

import os
from pathlib import Path

from reliefkit.exceptions import LoadError, LoadProblem
from reliefkit.io._aliases import HEADER_ALIASES
from reliefkit.io._assemble import assemble
from reliefkit.io._csv import read_folder, write_folder
from reliefkit.io._gc import no_cycle_collection
from reliefkit.io._json import read_json, write_json
from reliefkit.io._many import layout, load_campaigns, load_campaigns_with_notices, load_one
from reliefkit.io._notices import Notice
from reliefkit.io._source import Reading
from reliefkit.models import Dataset

__all__ = [
    "HEADER_ALIASES",
    "Notice",
    "dump",
    "dump_json",
    "load",
    "load_campaigns",
    "load_campaigns_with_notices",
    "load_with_notices",
]


def _read(path: Path) -> Reading:
    if path.is_dir():
        return read_folder(path)
    if path.is_file() and path.suffix.lower() == ".json":
        return read_json(path)
    expected = (
        "a folder of CSV files or a .json file" if path.exists() else "no such file or folder"
    )
    raise LoadError(str(path), [LoadProblem(str(path), None, None, None, expected)])


def load_with_notices(path: str | os.PathLike[str]) -> tuple[Dataset, tuple[Notice, ...]]:
    """Load a campaign like :func:`load`, also returning the notices (ignored columns,
    skipped empty rows, files read as GB18030, …)."""
    with no_cycle_collection():
        if layout(Path(path)) is not None:  # format v1.1, or a folder of campaigns
            return load_one(Path(path))
        reading = _read(Path(path))
        try:
            return assemble(reading), tuple(reading.notices)
        finally:
            reading.close()


def load(path: str | os.PathLike[str]) -> Dataset:
    """Load a campaign from a folder of CSV files or from one ``.json`` file (or from a
    source of many campaigns' layout holding one; a source of more is refused: see
    :func:`load_campaigns`).

    Raises :class:`~reliefkit.exceptions.LoadError` listing every bad cell, row and
    reference at once, each with its file, row (1 = first data row), column and value.
    """
    return load_with_notices(path)[0]


def dump(dataset: Dataset, folder: str | os.PathLike[str]) -> Path:
    """Write ``dataset`` as a folder of UTF-8 CSV files, one per table — or, for a path
    ending in ``.json``, as one JSON file (as :func:`dump_json`); ``load`` reads either back
    to an equal dataset. Returns the folder or file."""
    path = Path(folder)
    if path.suffix.lower() == ".json":
        return write_json(dataset, path)
    return write_folder(dataset, path)


def dump_json(dataset: Dataset, path: str | os.PathLike[str]) -> Path:
    """Write ``dataset`` as one UTF-8 JSON file; ``load`` reads it back to an equal dataset.
    Returns the path."""
    return write_json(dataset, Path(path))
