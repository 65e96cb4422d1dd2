"""Array helpers for the generator: groups, random draws within groups, days."""

from __future__ import annotations

import numpy as np

from reliefkit.synth._text import Bools, Ints

_MONTH = np.datetime64("1970-01", "M")


def day(year: int | Ints, month: int | Ints, dom: int | Ints) -> Ints:
    """Days since 1970-01-01 (Arrow's ``date32``) of the given dates; arrays broadcast."""
    months = (np.asarray(year, dtype=np.int64) - 1970) * 12 + np.asarray(month, dtype=np.int64) - 1
    first = (_MONTH + months).astype("datetime64[D]").astype(np.int64)
    out: Ints = first + np.asarray(dom, dtype=np.int64) - 1
    return out


def expand(counts: Ints) -> tuple[Ints, Ints]:
    """For children counted per parent: each child's parent, and its ordinal (from 0)."""
    counts = np.asarray(counts, dtype=np.int64)
    parents = np.repeat(np.arange(counts.size, dtype=np.int64), counts)
    starts = np.cumsum(counts) - counts
    ordinal = np.arange(parents.size, dtype=np.int64) - starts[parents]
    return parents, ordinal


def starts_of(counts: Ints) -> Ints:
    """Where each parent's children begin, in rows laid out parent by parent."""
    counts = np.asarray(counts, dtype=np.int64)
    out: Ints = np.cumsum(counts) - counts
    return out


class Pool:
    """Rows of a table grouped by owner (a county, a township), to draw from at random.

    ``rows`` are the candidate rows (``mask`` selects them), sorted by owner.
    """

    def __init__(self, owner: Ints, owners: int, mask: Bools | None = None) -> None:
        owner = np.asarray(owner, dtype=np.int64)
        rows = np.flatnonzero(mask) if mask is not None else np.arange(owner.size)
        rows = rows[np.argsort(owner[rows], kind="stable")]
        self.rows: Ints = rows.astype(np.int64)
        self.owner: Ints = owner[self.rows]
        self.count: Ints = np.bincount(self.owner, minlength=owners).astype(np.int64)
        self.start: Ints = starts_of(self.count)

    def has(self, owners: Ints) -> Bools:
        """Whether each owner has a candidate."""
        out: Bools = self.count[owners] > 0
        return out

    def draw(self, rng: np.random.Generator, owners: Ints) -> Ints:
        """One candidate at random for each of ``owners`` (``-1`` for an owner with none)."""
        owners = np.asarray(owners, dtype=np.int64)
        count = self.count[owners]
        offset = np.floor(rng.random(owners.size) * count).astype(np.int64)
        at = np.clip(self.start[owners] + np.minimum(offset, np.maximum(count - 1, 0)), 0, None)
        if self.rows.size == 0:
            return np.full(owners.size, -1, dtype=np.int64)
        at = np.minimum(at, self.rows.size - 1)
        out: Ints = np.where(count > 0, self.rows[at], -1)
        return out

    def distinct(self, rng: np.random.Generator, k: int) -> Ints:
        """``k`` different candidates per owner, at random: an ``owners × k`` array (``-1``
        where an owner has fewer)."""
        owners = self.count.size
        out: Ints = np.full((owners, k), -1, dtype=np.int64)
        if self.rows.size == 0:
            return out
        order = np.lexsort((rng.random(self.rows.size), self.owner))
        rows, owner = self.rows[order], self.owner[order]
        rank = np.arange(rows.size) - self.start[owner]
        keep = rank < k
        out[owner[keep], rank[keep]] = rows[keep]
        return out


def need(rows: Ints, what: str) -> Ints:
    """``rows`` when every one was found; the generator's own invariant otherwise."""
    if rows.size and int(rows.min()) < 0:
        raise AssertionError(f"synth: a county has no {what} (a bug in the generator)")
    return rows
