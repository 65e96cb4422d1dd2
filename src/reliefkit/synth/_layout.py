"""How big a synthetic source is and how it is cut: counties, batches, columns and types."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import attrs

from reliefkit.exceptions import InvalidValueError
from reliefkit.io._schema import SCHEMA
from reliefkit.models import LAW_COLUMNS

if TYPE_CHECKING:
    import pyarrow as pa

SHAPES = ("full", "registry")
FORMATS = ("csv", "parquet")

COUNTY_HOUSEHOLDS = 3_500
"""Households of a county campaign: the example county has about 3,600."""
MIN_COUNTY_HOUSEHOLDS = 200
MAX_COUNTY_HOUSEHOLDS = 1_000_000
"""A county is generated whole: this bounds the memory one batch needs."""
HOUSEHOLDS_PER_TOWNSHIP = 160
"""The example's 22 townships hold 3,600 households: one township per ~160 households."""
MIN_TOWNSHIPS = 8
"""Planted violations and near misses need eight different townships in each county."""
BATCH_ROWS = 1_000_000
"""The most rows any table gets from one batch (the issue's limit)."""
CHUNK_ROWS = 100_000
"""Households generated (and written) at a time: well under ``BATCH_ROWS``, for memory."""

TABLES: tuple[str, ...] = tuple(SCHEMA)


def columns(table: str) -> tuple[str, ...]:
    """The columns a synthetic table is written with: the format's, less the law packs'
    optional ones (``LAW_COLUMNS``), which no synthetic record fills."""
    law = LAW_COLUMNS.get(table, frozenset())
    return tuple(c.name for c in SCHEMA[table].columns if c.name not in law)


def schema(table: str, *, campaign_column: bool) -> pa.Schema:
    """The Arrow schema of a table: the format's columns (with a leading ``campaign_id`` in
    format v1.1); id lists stay ``;``-separated text, as in the CSV."""
    import pyarrow as pa

    types = {
        "id": pa.string(),
        "ids": pa.string(),
        "text": pa.string(),
        "enum": pa.string(),
        "resident_id": pa.string(),
        "date": pa.date32(),
        "money": pa.decimal128(18, 2),
        "bool": pa.bool_(),
        "int": pa.int32(),
    }
    law = LAW_COLUMNS.get(table, frozenset())
    fields = [pa.field(c.name, types[c.cell]) for c in SCHEMA[table].columns if c.name not in law]
    if campaign_column:
        fields.insert(0, pa.field("campaign_id", pa.string()))
    return pa.schema(fields)


def _whole(name: str, value: object, least: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidValueError(f"{name}={value!r}: expected a whole number")
    if value < least:
        raise InvalidValueError(f"{name}={value!r}: expected a whole number of at least {least}")
    return value


@attrs.frozen
class Batch:
    """Counties ``first`` … ``stop - 1`` (0-based), generated and written together."""

    index: int
    first: int
    stop: int


@attrs.frozen(kw_only=True)
class Plan:
    """A synthetic source's size: how many households in how many counties, and the batches."""

    households: int
    counties: int
    shape: str
    seed: int

    @classmethod
    def make(cls, households: object, counties: object, shape: object, seed: object) -> Plan:
        """Check the arguments (``InvalidValueError`` naming the bad one) and size the source."""
        total = _whole("households", households, 1)
        _whole("seed", seed, -(2**63))
        if shape not in SHAPES:
            raise InvalidValueError(f"shape={shape!r}: expected one of {', '.join(SHAPES)}")
        if counties is None:
            count = max(1, round(total / COUNTY_HOUSEHOLDS))
            count = min(count, max(1, total // MIN_COUNTY_HOUSEHOLDS))
        else:
            count = _whole("counties", counties, 1)
        if total // count < MIN_COUNTY_HOUSEHOLDS:
            raise InvalidValueError(
                f"households={total!r}: a county needs at least {MIN_COUNTY_HOUSEHOLDS} "
                f"households (here {count} count{'y' if count == 1 else 'ies'}); ask for more "
                "households or fewer counties"
            )
        if -(-total // count) > MAX_COUNTY_HOUSEHOLDS:
            raise InvalidValueError(
                f"counties={count!r}: {total:,} households make counties of more than "
                f"{MAX_COUNTY_HOUSEHOLDS:,} households; ask for more counties"
            )
        assert isinstance(seed, int) and isinstance(shape, str)
        return cls(households=total, counties=count, shape=shape, seed=seed)

    def county_households(self, county: int) -> int:
        """Households of county ``county`` (0-based): the total shared out evenly."""
        base, extra = divmod(self.households, self.counties)
        return base + (1 if county < extra else 0)

    @property
    def largest_county(self) -> int:
        return self.county_households(0)

    @property
    def code_width(self) -> int:
        """Digits of a county's code (``C0042``): four, or more for more counties."""
        return max(4, len(str(self.counties)))

    @property
    def township_width(self) -> int:
        return max(2, len(str(townships_of(self.largest_county))))

    @property
    def single(self) -> bool:
        """One county: written as a format v1 folder (in CSV)."""
        return self.counties == 1

    @property
    def entropy(self) -> int:
        """The seed as a non-negative number (NumPy's seed sequences take no negatives)."""
        return 2 * self.seed if self.seed >= 0 else -2 * self.seed - 1

    def batches(self) -> Iterator[Batch]:
        """Consecutive counties, about ``CHUNK_ROWS`` households per batch (at least one
        county): a batch's other tables stay far below ``BATCH_ROWS`` rows."""
        per = max(1, CHUNK_ROWS // max(1, self.largest_county))
        for index, first in enumerate(range(0, self.counties, per)):
            yield Batch(index, first, min(self.counties, first + per))


def townships_of(households: int) -> int:
    """Townships of a county of ``households`` households (the example's proportion)."""
    return max(MIN_TOWNSHIPS, round(households / HOUSEHOLDS_PER_TOWNSHIP))
