"""Text columns built from bytes: ids, names and numbers, a whole column at a time.

A column is a row of *pieces* laid side by side: a literal (``"-T"``), a number written with a
fixed count of digits, a choice from a small vocabulary, or a row of another text column. Each
piece is a byte matrix (one row per record) with the length used in each row; the column is
their concatenation, handed to Arrow as one buffer (no Python string per cell).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]
Bytes = npt.NDArray[np.uint8]

_STEP = 4  # digits per lookup table (10,000 rows of 4 bytes)


@cache
def _digits_table(width: int) -> Bytes:
    """Row ``i`` holds ``i`` written with ``width`` digits, as ASCII bytes."""
    values = np.arange(10**width, dtype=np.int64)
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    table: Bytes = ((values[:, None] // powers) % 10 + 48).astype(np.uint8)
    return table


class Piece:
    """One piece of a text column: a byte matrix and the bytes used in each row (``None``
    when every row uses all of them). A literal has a single row, repeated."""

    __slots__ = ("lengths", "matrix")

    def __init__(self, matrix: Bytes, lengths: Ints | None = None) -> None:
        self.matrix = matrix
        self.lengths = lengths

    @property
    def width(self) -> int:
        return int(self.matrix.shape[1])


def lit(text: str) -> Piece:
    """The same text in every row."""
    raw = np.frombuffer(text.encode("utf-8"), dtype=np.uint8).reshape(1, -1)
    return Piece(raw)


def num(values: Ints, width: int) -> Piece:
    """Whole numbers ``0 <= v < 10**width``, written with exactly ``width`` digits."""
    values = np.asarray(values, dtype=np.int64)
    if width <= _STEP:
        return Piece(_digits_table(width)[values])
    high = num(values // 10**_STEP, width - _STEP)
    low = _digits_table(_STEP)[values % 10**_STEP]
    return Piece(np.concatenate([high.matrix, low], axis=1))


def width_of(largest: int, least: int = 2) -> int:
    """How many digits ``largest`` needs, at least ``least``."""
    return max(least, len(str(int(largest))))


@cache
def _vocabulary(words: tuple[str, ...]) -> tuple[Bytes, Ints]:
    encoded = [w.encode("utf-8") for w in words]
    longest = max(len(e) for e in encoded)
    matrix = np.zeros((len(encoded), max(longest, 1)), dtype=np.uint8)
    for i, e in enumerate(encoded):
        matrix[i, : len(e)] = np.frombuffer(e, dtype=np.uint8)
    return matrix, np.array([len(e) for e in encoded], dtype=np.int64)


def pick(words: Sequence[str], index: Ints) -> Piece:
    """``words[index[i]]`` in row ``i``."""
    matrix, lengths = _vocabulary(tuple(words))
    index = np.asarray(index, dtype=np.int64)
    if bool(np.all(lengths == lengths[0])):
        return Piece(matrix[index])
    return Piece(matrix[index], lengths[index])


def rows_of(column: pa.Array, index: Ints, present: Bools | None = None) -> Piece:
    """Row ``index[i]`` of a text column in row ``i`` (nothing where ``present`` is false)."""
    column = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    buffers = column.buffers()
    offsets = np.frombuffer(buffers[1], dtype=np.int32)[
        column.offset : column.offset + len(column) + 1
    ]
    data = (
        np.frombuffer(buffers[2], dtype=np.uint8)
        if buffers[2] is not None
        else np.zeros(1, np.uint8)
    )
    index = np.asarray(index, dtype=np.int64)
    if index.size == 0:
        return Piece(np.zeros((0, 1), dtype=np.uint8), np.zeros(0, dtype=np.int64))
    sizes = np.diff(offsets)
    if sizes.size and bool(np.all(sizes == sizes[0])) and sizes[0] > 0:
        # Every row the same length (most ids): a reshape, no index matrix.
        width = int(sizes[0])
        block = data[int(offsets[0]) : int(offsets[-1])].reshape(-1, width)
        if present is None:
            return Piece(block[index])
        return Piece(block[index], np.where(present, width, 0).astype(np.int64))
    starts = offsets[index].astype(np.int64)
    lengths = offsets[index + 1].astype(np.int64) - starts
    if present is not None:
        lengths = np.where(present, lengths, 0)
    width = max(int(lengths.max()), 1)
    cols = np.arange(width, dtype=np.int64)
    inside = cols[None, :] < lengths[:, None]
    where = np.where(inside, starts[:, None] + cols[None, :], 0)
    matrix: Bytes = np.where(inside, data[np.minimum(where, data.size - 1)], 0).astype(np.uint8)
    return Piece(matrix, lengths)


def optional(piece: Piece, present: Bools) -> Piece:
    """The piece where ``present`` is true, nothing elsewhere."""
    rows = present.size
    matrix = piece.matrix if piece.matrix.shape[0] == rows else np.repeat(piece.matrix, rows, 0)
    full = piece.lengths if piece.lengths is not None else np.full(rows, piece.width, np.int64)
    return Piece(matrix, np.where(present, full, 0))


def text(rows: int, *pieces: Piece, valid: Bools | None = None) -> pa.Array:
    """The column made of ``pieces`` side by side, ``rows`` long; null where ``valid`` is
    false (those rows hold no bytes)."""
    if rows == 0:
        return pa.array([], type=pa.string())
    mats = [p.matrix if p.matrix.shape[0] == rows else np.repeat(p.matrix, rows, 0) for p in pieces]
    full = np.concatenate(mats, axis=1) if len(mats) > 1 else np.ascontiguousarray(mats[0])
    total_width = int(full.shape[1])
    if valid is None and all(p.lengths is None for p in pieces):
        data = full.reshape(-1)
        offsets = np.arange(0, rows * total_width + 1, total_width, dtype=np.int64)
    else:
        masks = []
        lengths = np.zeros(rows, dtype=np.int64)
        for piece in pieces:
            cols = np.arange(piece.width, dtype=np.int64)
            used = (
                np.full(rows, piece.width, dtype=np.int64)
                if piece.lengths is None
                else piece.lengths
            )
            if valid is not None:
                used = np.where(valid, used, 0)
            lengths += used
            masks.append(cols[None, :] < used[:, None])
        mask = np.concatenate(masks, axis=1) if len(masks) > 1 else masks[0]
        data = full[mask]
        offsets = np.zeros(rows + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
    if offsets[-1] >= 2**31:
        raise OverflowError("a text column of more than 2 GiB: write smaller batches")
    bitmap = None
    nulls = 0
    if valid is not None:
        nulls = int(rows - np.count_nonzero(valid))
        bitmap = pa.py_buffer(np.packbits(valid, bitorder="little")) if nulls else None
    return pa.StringArray.from_buffers(
        rows,
        pa.py_buffer(offsets.astype(np.int32)),
        pa.py_buffer(np.ascontiguousarray(data)),
        bitmap,
        nulls if bitmap is not None else 0,
    )


def strings(values: Sequence[Any]) -> pa.Array:
    """A small text column from Python values (``None`` is null)."""
    return pa.array(list(values), type=pa.string())
