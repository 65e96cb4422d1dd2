"""DataFrames of a dataset's tables (pandas or polars, imported only here).

Frames are output: every cell passes the personal-data boundary (:mod:`reliefkit._privacy`)
— resident IDs and personal names masked, resident-ID-shaped numbers masked in every text,
id list included. Ids stay whole (an id cannot be a resident ID number), so frames join.
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Any

import attrs

from reliefkit._privacy import mask_name, mask_resident_id, safe
from reliefkit.models._money import Money

if TYPE_CHECKING:
    from reliefkit.models._dataset import Dataset


def _cell(record: Any, attribute: attrs.Attribute[Any]) -> Any:
    value = getattr(record, attribute.name)
    if value is None:
        return None
    if attribute.metadata.get("cell") == "resident_id":
        return mask_resident_id(value)
    if attribute.metadata.get("personal"):
        kind = getattr(record, "kind", None)
        if kind is None or getattr(kind, "is_person", True):
            return safe(mask_name(value))
    if isinstance(value, Money):
        return value.yuan
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple):
        return safe(";".join(value))
    if isinstance(value, str):
        return safe(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def table_rows(dataset: Dataset) -> dict[str, tuple[list[str], list[dict[str, Any]]]]:
    """Columns and masked rows of every table."""
    out: dict[str, tuple[list[str], list[dict[str, Any]]]] = {}
    for table, records in dataset.tables().items():
        from reliefkit.models._records import TABLES

        fields = attrs.fields(TABLES[table])
        columns = [a.name for a in fields]
        rows = [{a.name: _cell(r, a) for a in fields} for r in records]
        out[table] = (columns, rows)
    return out


def dataset_frames(dataset: Dataset, *, backend: str = "pandas") -> dict[str, Any]:
    """One DataFrame per table. Money is ``Decimal`` (pandas object / polars Decimal)."""
    if backend not in ("pandas", "polars"):
        from reliefkit.exceptions import InvalidValueError

        raise InvalidValueError(f"backend={backend!r}: expected 'pandas' or 'polars'")
    frames: dict[str, Any] = {}
    if backend == "pandas":
        import pandas as pd

        for table, (columns, rows) in table_rows(dataset).items():
            frames[table] = pd.DataFrame(rows, columns=columns)
    else:
        import polars as pl

        for table, (columns, rows) in table_rows(dataset).items():
            frames[table] = pl.DataFrame({c: [r[c] for r in rows] for c in columns}, strict=False)
    return frames
