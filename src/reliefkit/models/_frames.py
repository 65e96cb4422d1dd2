"""DataFrames of a dataset's tables (pandas or polars, imported only here).

Frames are output: every cell passes the personal-data boundary (:mod:`reliefkit._privacy`)
— resident IDs and personal names masked, resident-ID-shaped numbers masked in every text,
id list included. Ids stay whole (an id cannot be a resident ID number), so frames join.

Columns are typed from the fields' kinds (``cell`` metadata), the same in every table:

========== ============================================ ===================================
kind       pandas                                       polars
========== ============================================ ===================================
id, text   ``str`` (missing: ``None``/``NaN``)          ``Utf8``
enum       ``str`` (the format's token, ``charity``)    ``Utf8``
date       ``datetime64[ns]`` (missing: ``NaT``)        ``Date``
money      ``decimal128(38, 2)[pyarrow]`` (exact yuan)  ``Decimal(38, 2)``
int        ``Int64`` (nullable)                         ``Int64``
bool       ``boolean`` (nullable)                       ``Boolean``
ids        ``object``: a list of str, ``[]`` when empty ``List(Utf8)``
========== ============================================ ===================================

Money is never a float. pandas' decimal column needs pyarrow (in the ``frames`` extra).
"""

from __future__ import annotations

import datetime
from enum import Enum
from typing import TYPE_CHECKING, Any

import attrs

from reliefkit._privacy import mask_name, mask_resident_id, safe
from reliefkit.exceptions import InvalidValueError
from reliefkit.models._money import Money

if TYPE_CHECKING:
    from reliefkit.models._dataset import Dataset

__all__ = ["dataset_frames", "kind_of", "table_rows"]


def kind_of(attribute: attrs.Attribute[Any]) -> str:
    """The column kind of a field: ``id``, ``text``, ``enum``, ``date``, ``money``, ``int``,
    ``bool`` or ``ids`` (a resident ID is ``text``: it is shown masked)."""
    cell = attribute.metadata.get("cell", "text")
    return "text" if cell == "resident_id" else str(cell)


def _cell(record: Any, attribute: attrs.Attribute[Any]) -> Any:
    value = getattr(record, attribute.name)
    kind = kind_of(attribute)
    if kind == "ids":
        # Always a list, empty when there is none: never "" or a missing value.
        return [safe(v) for v in value or ()]
    if value is None:
        return None
    if attribute.metadata.get("cell") == "resident_id":
        return mask_resident_id(value)
    if attribute.metadata.get("personal"):
        donor_kind = getattr(record, "kind", None)
        if donor_kind is None or getattr(donor_kind, "is_person", True):
            return safe(mask_name(value))
    if isinstance(value, Money):
        return value.yuan
    if isinstance(value, Enum):
        return safe(str(value.value))
    if isinstance(value, str):
        return safe(value)
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return datetime.date(value.year, value.month, value.day)
    return value


def table_rows(dataset: Dataset) -> dict[str, tuple[list[str], list[dict[str, Any]]]]:
    """Columns and masked rows of every table."""
    from reliefkit.models._records import TABLES

    out: dict[str, tuple[list[str], list[dict[str, Any]]]] = {}
    for table, records in dataset.tables().items():
        fields = attrs.fields(TABLES[table])
        columns = [a.name for a in fields]
        rows = [{a.name: _cell(r, a) for a in fields} for r in records]
        out[table] = (columns, rows)
    return out


def _kinds(table: str) -> dict[str, str]:
    from reliefkit.models._records import TABLES

    return {a.name: kind_of(a) for a in attrs.fields(TABLES[table])}


def _pandas_frames(dataset: Dataset) -> dict[str, Any]:
    try:
        import pandas as pd
        import pyarrow as pa
    except ImportError as exc:
        raise ImportError(
            "dataset.to_frames(backend='pandas') needs pandas and pyarrow: "
            "pip install 'reliefkit[frames]'"
        ) from exc
    dtypes: dict[str, Any] = {
        "date": "datetime64[ns]",
        "money": pd.ArrowDtype(pa.decimal128(38, 2)),
        "int": "Int64",
        "bool": "boolean",
        "ids": "object",
    }
    frames: dict[str, Any] = {}
    for table, (columns, rows) in table_rows(dataset).items():
        kinds = _kinds(table)
        series = {}
        for c in columns:
            values = [r[c] for r in rows]
            dtype = dtypes.get(kinds[c])
            # Texts take pandas' own string type (``str`` in pandas 3, ``object`` before),
            # which keeps a missing cell missing rather than the text "None".
            series[c] = pd.Series(values) if dtype is None else pd.Series(values, dtype=dtype)
        frames[table] = pd.DataFrame(series, columns=columns)
    return frames


def _polars_frames(dataset: Dataset) -> dict[str, Any]:
    try:
        import polars as pl
    except ImportError as exc:
        raise ImportError(
            "dataset.to_frames(backend='polars') needs polars: pip install 'reliefkit[frames]'"
        ) from exc
    dtypes: dict[str, Any] = {
        "date": pl.Date,
        "money": pl.Decimal(38, 2),
        "int": pl.Int64,
        "bool": pl.Boolean,
        "ids": pl.List(pl.Utf8),
        "id": pl.Utf8,
        "text": pl.Utf8,
        "enum": pl.Utf8,
    }
    frames: dict[str, Any] = {}
    for table, (columns, rows) in table_rows(dataset).items():
        kinds = _kinds(table)
        frames[table] = pl.DataFrame(
            [pl.Series(c, [r[c] for r in rows], dtype=dtypes[kinds[c]]) for c in columns]
        )
    return frames


def dataset_frames(dataset: Dataset, *, backend: str = "pandas") -> dict[str, Any]:
    """One DataFrame per table, typed by field kind (see the module's table): dates as
    dates, money as an exact decimal column, id lists as lists."""
    if backend not in ("pandas", "polars"):
        raise InvalidValueError(f"backend={backend!r}: expected 'pandas' or 'polars'")
    return _pandas_frames(dataset) if backend == "pandas" else _polars_frames(dataset)
