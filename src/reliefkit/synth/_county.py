"""The generator: a batch of county campaigns, table by table, one column at a time.

Every table is laid out parent by parent (townships by county, villages by township, …) and
each column is computed for the whole batch at once from NumPy arrays; no record object is
ever built. Ids follow the example county's scheme behind the county's code
(``C0042-V07-01``, ``C0042-H07-01-012``), so they are unique across the whole source.

Apart from the planted violations (one per rule of the county plan in every county) and the
near misses, every record keeps every rule; the comments say which rule each choice keeps.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pyarrow as pa

from reliefkit.synth import _vocab as V
from reliefkit.synth._arrays import Pool, day, expand, need, starts_of
from reliefkit.synth._layout import CHUNK_ROWS, Batch, Plan, schema, townships_of
from reliefkit.synth._text import (
    Bools,
    Ints,
    Piece,
    lit,
    num,
    optional,
    pick,
    rows_of,
    text,
    width_of,
)

POOR_VILLAGES = 0.21
"""Share of poor villages: 128,000 of about 600,000 villages nationally (2014)."""
REGISTERED_IN_POOR, REGISTERED_ELSEWHERE = 0.45, 0.095
"""Shares of registered poor households in poor and other villages: 17 % overall, as in the
example county, with a little over half of them in poor villages."""
_WEIGHT_POOR, _WEIGHT_ELSEWHERE = 90, 19  # the same ratio in whole numbers (registry shape)
_PRIMES = np.array([1_000_003, 1_000_033, 1_000_037, 1_000_039], dtype=np.int64)
_CHECK = tuple("10X98765432")
_ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)

NULL = -1
"""A missing number, day or amount in the generator's arrays (written as an empty cell)."""

CODES = tuple(f"CP{n}" for n in range(101, 125))
"""The rules planted in every county: the whole county-plan pack."""


class Planted:
    """What a batch planted: per rule, the subjects of each finding (or just how many)."""

    def __init__(self, keep: bool) -> None:
        self.keep = keep
        self.counts: dict[str, int] = dict.fromkeys(CODES, 0)
        self.subjects: dict[str, list[tuple[str, ...]]] = {code: [] for code in CODES}
        self.near_counts: dict[str, int] = {}
        self.near_ids: dict[str, list[str]] = {}

    def add(self, code: str, *columns: pa.Array, sort_from: int | None = None) -> None:
        """One finding per row: its subjects are the row's cells, nulls left out."""
        self.counts[code] += len(columns[0])
        if not self.keep:
            return
        lists = [c.to_pylist() for c in columns]
        for row in zip(*lists, strict=True):
            cells = tuple(x for x in row if x is not None)
            if sort_from is not None:
                cells = cells[:sort_from] + tuple(sorted(cells[sort_from:]))
            self.subjects[code].append(cells)

    def near(self, code: str, ids: pa.Array) -> None:
        """Records that almost break rule ``code`` but keep it."""
        self.near_counts[code] = self.near_counts.get(code, 0) + len(ids)
        if self.keep:
            self.near_ids.setdefault(code, []).extend(ids.to_pylist())


def _array(value: Any, kind: pa.DataType, rows: int) -> pa.Array:
    """A column from what the generator holds: an Arrow array, a NumPy array (``NULL`` is
    missing), a constant, or ``None``."""
    if value is None:
        return pa.nulls(rows, type=kind)
    if isinstance(value, pa.Array):
        return value if value.type == kind else value.cast(kind)
    if isinstance(value, str):
        return text(rows, lit(value))
    if isinstance(value, bool | int) and not isinstance(value, np.ndarray):
        value = np.full(rows, value, dtype=np.bool_ if isinstance(value, bool) else np.int64)
    array = np.asarray(value)
    if pa.types.is_boolean(kind):
        if array.dtype == np.bool_:
            return pa.array(array, type=kind)
        return pa.array(array == 1, type=kind, mask=array < 0)
    missing = array < 0
    mask = missing if bool(missing.any()) else None
    if pa.types.is_decimal(kind):
        words = np.zeros((rows, 2), dtype=np.int64)
        words[:, 0] = np.where(missing, 0, array)
        bitmap = None if mask is None else pa.py_buffer(np.packbits(~mask, bitorder="little"))
        return pa.Array.from_buffers(
            kind, rows, [bitmap, pa.py_buffer(words)], null_count=int(missing.sum())
        )
    if pa.types.is_date32(kind):
        return pa.array(array.astype(np.int32), type=kind, mask=mask)
    return pa.array(array.astype(np.int64), type=pa.int64(), mask=mask).cast(kind)


class County:
    """Generates the counties of one batch."""

    def __init__(
        self, plan: Plan, batch: Batch, *, keep_subjects: bool, campaign_column: bool
    ) -> None:
        self.plan = plan
        self.batch = batch
        self.rng = np.random.default_rng([plan.entropy, batch.index, 1])
        self.multi = campaign_column
        self.registry = plan.shape == "registry"
        self.n = batch.stop - batch.first
        self.number = np.arange(batch.first, batch.stop, dtype=np.int64) + 1
        self.households_of = np.array(
            [plan.county_households(i) for i in range(batch.first, batch.stop)], dtype=np.int64
        )
        self.townships_in = np.array(
            [townships_of(int(h)) for h in self.households_of], dtype=np.int64
        )
        self.wt = plan.township_width
        code = text(self.n, lit("C"), num(self.number, plan.code_width), lit("-"))
        self._code = rows_of(code, np.arange(self.n)).matrix
        self.tables: dict[str, list[pa.Table]] = {}
        self.planted = Planted(keep_subjects)

    # -- helpers ----------------------------------------------------------------------------
    def cid(self, county: Ints) -> Piece:
        """The county's code and a dash (``C0042-``), per row."""
        return Piece(self._code[county])

    def ids(self, county: Ints, *pieces: Piece) -> pa.Array:
        return text(len(county), self.cid(county), *pieces)

    def emit(self, table: str, county: Ints, /, keep: Bools | None = None, **values: Any) -> None:
        """Add rows to ``table``; columns not given are empty."""
        rows = len(county)
        target = schema(table, campaign_column=self.multi)
        arrays = []
        for field in target:
            if field.name == "campaign_id":
                arrays.append(self.campaign_ids.take(pa.array(county)))
            else:
                arrays.append(_array(values.pop(field.name, None), field.type, rows))
        if values:
            raise AssertionError(f"synth: {table} has no column {', '.join(values)}")
        block = pa.Table.from_arrays(arrays, schema=target)
        if keep is not None:
            block = block.filter(pa.array(keep))
        self.tables.setdefault(table, []).append(block)

    def ints(self, low: int, high: int, size: int) -> Ints:
        """Whole numbers from ``low`` to ``high`` inclusive."""
        out: Ints = self.rng.integers(low, high + 1, size=size, dtype=np.int64)
        return out

    def chance(self, p: float, size: int) -> Bools:
        out: Bools = self.rng.random(size) < p
        return out

    def person_names(self, rows: int, rng: np.random.Generator | None = None) -> pa.Array:
        rng = rng or self.rng
        two = rng.random(rows) < 2 / 3
        return text(
            rows,
            pick(V.SURNAMES, rng.integers(0, len(V.SURNAMES), rows)),
            pick(V.GIVEN, rng.integers(0, len(V.GIVEN), rows)),
            optional(pick(V.GIVEN, rng.integers(0, len(V.GIVEN), rows)), two),
        )

    def stems(self, rows: int) -> pa.Array:
        """Place names of two or three characters."""
        three = self.chance(0.3, rows)
        return text(
            rows,
            pick(V.PLACE_HEADS, self.ints(0, len(V.PLACE_HEADS) - 1, rows)),
            pick(V.PLACE_TAILS, self.ints(0, len(V.PLACE_TAILS) - 1, rows)),
            optional(pick(V.PLACE_TAILS, self.ints(0, len(V.PLACE_TAILS) - 1, rows)), three),
        )

    def dept(self, county: Ints, k: int | Ints) -> Ints:
        """Row of department ``k`` (an index of ``DEPARTMENTS``) of each county."""
        out: Ints = county * len(V.DEPARTMENTS) + k
        return out

    def twp(self, county: Ints, ordinal: Ints) -> Ints:
        """Row of township number ``ordinal`` (from 1) of each county."""
        out: Ints = self.t_start[county] + ordinal - 1
        return out

    def some_township(self, county: Ints) -> Ints:
        """A township of each county, at random."""
        offset = np.floor(self.rng.random(county.size) * self.townships_in[county])
        out: Ints = self.t_start[county] + offset.astype(np.int64)
        return out

    def other_township(self, township: Ints) -> Ints:
        """Another township of the same county, at random."""
        county = self.t_county[township]
        count = self.townships_in[county]
        shift = np.floor(self.rng.random(township.size) * (count - 1)).astype(np.int64) + 1
        out: Ints = self.t_start[county] + (self.t_ord[township] - 1 + shift) % count
        return out

    def village_in(self, township: Ints) -> Ints:
        """A village of each township, at random."""
        offset = np.floor(self.rng.random(township.size) * self.v_count[township]).astype(np.int64)
        out: Ints = self.v_first[township] + offset
        return out

    def household_ids(self, village: Ints, position: Ints) -> pa.Array:
        """Ids of households by village row and position in the village (from 0)."""
        return self.ids(
            self.v_county[village],
            lit("H"),
            num(self.t_ord[self.v_township[village]], self.wt),
            lit("-"),
            num(self.v_ord[village], 2),
            lit("-"),
            num(position + 1, self.wh),
        )

    def registered_position(self, village: Ints, k: Ints) -> Ints:
        """Position in its village of the ``k``-th registered poor household (``k`` below the
        village's count of them): a fixed shuffle of the village's households."""
        n = np.maximum(self.v_households[village], 1)
        out: Ints = (k * self.v_prime[village] + self.v_offset[village]) % n
        return out

    def some_registered(self, village: Ints) -> Ints:
        """A registered poor household of each village (which must have one), by position."""
        k = np.floor(self.rng.random(village.size) * self.v_registered[village]).astype(np.int64)
        return self.registered_position(village, k)

    def some_unregistered(self, village: Ints) -> Ints:
        """A household of each village that is not registered poor (there must be one)."""
        spare = self.v_households[village] - self.v_registered[village]
        k = self.v_registered[village] + np.floor(self.rng.random(village.size) * spare).astype(
            np.int64
        )
        return self.registered_position(village, k)

    # -- the batch ---------------------------------------------------------------------------
    def build(self) -> dict[str, list[pa.Table]]:
        """Every table but households (see :meth:`households`), planted violations included."""
        self.campaigns()
        self.units()
        self.villages()
        self.teams_plans_projects()
        self.activities()
        self.giving()
        self.spending()
        self.emit("waivers", np.zeros(0, dtype=np.int64))
        self.plant_household()
        return self.tables

    def campaigns(self) -> None:
        n = self.n
        self.campaign_ids = text(n, lit("C"), num(self.number, self.plan.code_width))
        county = self.stems(n)
        self.county_names = text(n, rows_of(county, np.arange(n)), lit("县"))
        if not self.plan.single:  # each county its own dates, around the example's
            self.starts = day(2015, 9, 1) - self.ints(0, 14, n)
            self.ends = day(2015, 12, 31) - self.ints(0, 6, n)
        else:
            self.starts = np.full(n, day(2015, 9, 1), dtype=np.int64)
            self.ends = np.full(n, day(2015, 12, 31), dtype=np.int64)
        self.emit(
            "campaign",
            np.arange(n),
            id=self.campaign_ids,
            name=text(n, rows_of(self.county_names, np.arange(n)), lit("2015年扶贫日系列活动")),
            year=2015,
            county=self.county_names,
            starts_on=self.starts,
            ends_on=self.ends,
        )

    def units(self) -> None:
        n = self.n
        # Townships.
        self.t_county, t0 = expand(self.townships_in)
        self.t_ord = t0 + 1
        self.t_start = starts_of(self.townships_in)
        nt = self.t_county.size
        tt = num(self.t_ord, self.wt)
        self.t_ids = self.ids(self.t_county, lit("T"), tt)
        kind = np.where(self.t_ord <= 2, 0, self.ints(1, 2, nt))
        self.t_stems = self.stems(nt)
        self.t_names = text(
            nt, rows_of(self.t_stems, np.arange(nt)), pick(("街道", "镇", "乡"), kind)
        )
        self.leader_ids = self.ids(self.t_county, lit("P-T"), tt)
        self.emit(
            "townships",
            self.t_county,
            id=self.t_ids,
            name=self.t_names,
            kind=text(nt, pick(("subdistrict", "town", "township"), kind)),
            main_leader_id=self.leader_ids,
        )
        # Departments: the example county's sixteen in every county.
        nd = len(V.DEPARTMENTS)
        d_county = np.repeat(np.arange(n), nd)
        d_k = np.tile(np.arange(nd), n)
        self.d_ids = self.ids(d_county, pick(V.DEPARTMENT_IDS, d_k))
        self.emit(
            "departments",
            d_county,
            id=self.d_ids,
            name=text(d_county.size, pick([x[1] for x in V.DEPARTMENTS], d_k)),
            sector=text(d_county.size, pick([x[2] for x in V.DEPARTMENTS], d_k)),
        )
        # People: a cadre per department (the audit bureau's is an auditor), six county
        # leaders, each township's main leader and two to four cadres.
        self.dc_ids = self.ids(d_county, lit("C-"), pick(V.DEPARTMENT_IDS, d_k), lit("-1"))
        self.emit(
            "people",
            d_county,
            id=self.dc_ids,
            name=self.person_names(d_county.size),
            unit_id=self.d_ids,
            role=text(d_county.size, pick(("cadre", "auditor"), (d_k == V.AU).astype(np.int64))),
        )
        l_county = np.repeat(np.arange(n), 6)
        l_n = np.tile(np.arange(6), n)
        self.l_ids = self.ids(l_county, lit("L"), num(l_n + 1, 1))
        self.emit(
            "people",
            l_county,
            id=self.l_ids,
            name=self.person_names(l_county.size),
            unit_id=self.d_ids.take(pa.array(self.dept(l_county, V.LG))),
            role="county_leader",
        )
        self.emit(
            "people",
            self.t_county,
            id=self.leader_ids,
            name=self.person_names(nt),
            unit_id=self.t_ids,
            role="township_main_leader",
        )
        self.cadre_count = self.ints(2, 4, nt)
        self.cadre_start = starts_of(self.cadre_count)
        c_twp, c_ord = expand(self.cadre_count)
        self.cadre_ids = self.ids(
            self.t_county[c_twp],
            lit("C-T"),
            num(self.t_ord[c_twp], self.wt),
            lit("-"),
            num(c_ord + 1, 1),
        )
        self.emit(
            "people",
            self.t_county[c_twp],
            id=self.cadre_ids,
            name=self.person_names(c_twp.size),
            unit_id=self.t_ids.take(pa.array(c_twp)),
            role="cadre",
        )
        # Plants need eight different townships per county: a random order of them.
        self.roles = Pool(self.t_county, n).distinct(self.rng, 8)
        need(self.roles, "eight townships")
        # Work plans name the main leader and assign tasks (CP104).
        tasks = self.ints(3, 9, nt)
        responsible = np.arange(nt)  # a main leader, by township row
        keep = np.ones(nt, dtype=np.bool_)
        x = self.roles[:, 3]
        way = self.ints(0, 3, n)
        keep[x[way == 0]] = False  # CP104: no work plan at all
        someone = np.full(nt, -1, dtype=np.int64)
        someone[x[way == 1]] = self.cadre_start[x[way == 1]]  # names a cadre instead
        nobody = np.zeros(nt, dtype=np.bool_)
        nobody[x[way == 2]] = True  # names nobody
        tasks[x[way == 3]] = 0  # assigns no task
        self.planted.add("CP104", self.t_ids.take(pa.array(x)))
        near = self.roles[:, 0]
        tasks[near] = 1  # one task is enough
        self.planted.near("CP104", self.t_ids.take(pa.array(near)))
        person = text(
            nt,
            optional(rows_of(self.leader_ids, responsible), someone < 0),
            optional(rows_of(self.cadre_ids, np.maximum(someone, 0)), someone >= 0),
            valid=~nobody,
        )
        self.emit(
            "work_plans",
            self.t_county,
            keep=keep,
            township_id=self.t_ids,
            responsible_person_id=person,
            tasks=tasks,
        )
        # Each township paired with a line department (as in the example).
        self.t_partner = np.array(V.LINE, dtype=np.int64)[(self.t_ord - 1) % len(V.LINE)]
        self.emit(
            "pairings",
            self.t_county,
            department_id=self.d_ids.take(pa.array(self.dept(self.t_county, self.t_partner))),
            partner_id=self.t_ids,
            since=np.full(nt, day(2014, 3, 1)),
        )

    def villages(self) -> None:
        nt = self.t_county.size
        self.v_count = self.ints(6, 9, nt)
        self.v_first = starts_of(self.v_count)
        self.v_township, v0 = expand(self.v_count)
        self.v_ord = v0 + 1
        self.v_county = self.t_county[self.v_township]
        nv = self.v_township.size
        t_ord = self.t_ord[self.v_township]
        poor = self.chance(POOR_VILLAGES, nv)
        # Four poor villages and two others in every county, whatever the draw: plants need them.
        poor |= (t_ord <= 4) & (self.v_ord == 1)
        poor &= ~((t_ord <= 2) & (self.v_ord == 2))
        self.v_poor = poor
        self.v_ids = self.ids(
            self.v_county, lit("V"), num(t_ord, self.wt), lit("-"), num(self.v_ord, 2)
        )
        self.v_names = text(nv, rows_of(self.stems(nv), np.arange(nv)), lit("村"))
        self.emit(
            "villages",
            self.v_county,
            id=self.v_ids,
            name=self.v_names,
            township_id=self.t_ids.take(pa.array(self.v_township)),
            poor=poor,
        )
        # Households per village: the county's total shared out by weight, exactly.
        weight = self.ints(18, 24, nv)
        if self.registry:
            weight = weight * np.where(poor, _WEIGHT_POOR, _WEIGHT_ELSEWHERE)
        total = np.bincount(self.v_county, weights=weight, minlength=self.n).astype(np.int64)
        h = self.households_of[self.v_county]
        base = weight * h // total[self.v_county]
        left = self.households_of - np.bincount(self.v_county, weights=base, minlength=self.n)
        rank = (
            np.arange(nv) - starts_of(np.bincount(self.v_county, minlength=self.n))[self.v_county]
        )
        households = base + (rank < left.astype(np.int64)[self.v_county])
        self.v_households = households.astype(np.int64)
        if self.registry:
            registered = self.v_households.copy()
        else:
            share = np.where(poor, REGISTERED_IN_POOR, REGISTERED_ELSEWHERE)
            registered = self.rng.binomial(self.v_households, share).astype(np.int64)
            first = (t_ord == 1) & (self.v_ord == 1)  # CP110 and the visits need one
            registered = np.where(
                first, np.maximum(registered, np.minimum(1, households)), registered
            )
        self.v_registered = registered
        self.v_prime = _PRIMES[self.ints(0, len(_PRIMES) - 1, nv)]
        self.v_offset = np.floor(self.rng.random(nv) * np.maximum(households, 1)).astype(np.int64)
        self.v_hstart = starts_of(self.v_households)
        self.wh = width_of(int(self.v_households.max()), 3)
        self.poor_pool = Pool(self.v_county, self.n, poor)
        self.rich_pool = Pool(self.v_county, self.n, ~poor)
        self.poor_by_township = Pool(self.v_township, nt, poor)
        self.t_has_poor = self.poor_by_township.has(np.arange(nt))
        self.registered_pool = Pool(self.v_county, self.n, registered > 0)

    def teams_plans_projects(self) -> None:
        rng = self.rng
        n = self.n
        pv = np.flatnonzero(self.v_poor)
        npv = pv.size
        county = self.v_county[pv]
        t_ord = self.t_ord[self.v_township[pv]]
        vid = self.v_ids.take(pa.array(pv))
        # Four different poor villages per county for CP109, CP111 and their near misses.
        chosen = need(Pool(self.v_county, n, self.v_poor).distinct(rng, 4), "four poor villages")
        row_of = np.full(self.v_county.size, -1, dtype=np.int64)
        row_of[pv] = np.arange(npv)
        # Work teams: one per poor village, stationed from the first half of 2015 (CP109).
        dispatched = np.array(V.LINE, dtype=np.int64)[(t_ord - 1 + self.v_ord[pv]) % len(V.LINE)]
        starts = day(2015, self.ints(1, 6, npv), 1)
        ends = np.array([NULL, day(2016, 12, 31), day(2017, 12, 31)])[self.ints(0, 2, npv)]
        keep = np.ones(npv, dtype=np.bool_)
        a = row_of[chosen[:, 0]]
        way = self.ints(0, 2, n)
        keep[a[way == 0]] = False  # CP109: no team
        before = a[way == 1]  # a team that left before the campaign
        ends[before] = self.starts[county[before]] - self.ints(1, 29, before.size)
        starts[before] = ends[before] - self.ints(30, 300, before.size)
        after = a[way == 2]  # a team that arrives after it
        starts[after] = self.ends[county[after]] + self.ints(1, 60, after.size)
        ends[after] = NULL
        self.planted.add("CP109", vid.take(pa.array(a)))
        c = row_of[chosen[:, 1]]  # near miss: leaves on the campaign's first day
        starts[c] = day(2015, 3, 1)
        ends[c] = self.starts[county[c]]
        team_ids = self.ids(
            county, lit("W-V"), num(t_ord, self.wt), lit("-"), num(self.v_ord[pv], 2)
        )
        self.planted.near("CP109", team_ids.take(pa.array(c)))
        self.emit(
            "work_teams",
            county,
            keep=keep,
            id=team_ids,
            village_id=vid,
            dispatched_by=self.d_ids.take(pa.array(self.dept(county, dispatched))),
            leader_id=self.dc_ids.take(pa.array(self.dept(county, dispatched))),
            members=self.ints(2, 5, npv),
            starts_on=starts,
            ends_on=ends,
        )
        # Exit plans adopted in spring and summer (CP111).
        adopted = day(2015, self.ints(3, 8, npv), 28)
        keep = np.ones(npv, dtype=np.bool_)
        b = row_of[chosen[:, 2]]
        way = self.ints(0, 1, n)
        keep[b[way == 0]] = False  # CP111: no exit plan
        late = b[way == 1]  # adopted after the campaign
        adopted[late] = self.ends[county[late]] + self.ints(1, 60, late.size)
        self.planted.add("CP111", vid.take(pa.array(b)))
        d = row_of[chosen[:, 3]]  # near miss: adopted on the campaign's last day
        adopted[d] = self.ends[county[d]]
        self.planted.near("CP111", vid.take(pa.array(d)))
        self.emit("exit_plans", county, keep=keep, village_id=vid, adopted_on=adopted)
        # Projects: one or two per poor village, published in September (CP116, CP119).
        counts = np.zeros(self.v_county.size, dtype=np.int64)
        counts[pv] = self.ints(1, 2, npv)
        self.p_village, p0 = expand(counts)
        self.p_j = p0 + 1
        self.p_first = starts_of(counts)
        self.p_count = counts
        np_ = self.p_village.size
        label = self.ints(0, len(V.PROJECT_PURPOSES) - 1, np_)
        self.p_purpose = label  # an index of PROJECT_PURPOSES
        self.p_ids = self.project_ids(self.p_village, self.p_j)
        self.p_by_township = Pool(self.v_township[self.p_village], self.t_county.size)
        self.emit(
            "projects",
            self.v_county[self.p_village],
            id=self.p_ids,
            name=text(
                np_,
                rows_of(self.v_names, self.p_village),
                pick([x[1] for x in V.PROJECT_PURPOSES], label),
            ),
            purpose=text(np_, pick([x[0] for x in V.PROJECT_PURPOSES], label)),
            village_id=self.v_ids.take(pa.array(self.p_village)),
            published_on=day(2015, 9, self.ints(10, 25, np_)),
            government_obligated=np.zeros(np_, dtype=np.bool_),
        )

    def project_ids(self, village: Ints, j: Ints, letter: str = "J") -> pa.Array:
        return self.ids(
            self.v_county[village],
            lit(letter),
            num(self.t_ord[self.v_township[village]], self.wt),
            lit("-"),
            num(self.v_ord[village], 2),
            lit("-"),
            num(j, 1),
        )

    def some_project(self, village: Ints) -> Ints:
        """A project of each poor village, at random."""
        offset = np.floor(self.rng.random(village.size) * self.p_count[village]).astype(np.int64)
        out: Ints = self.p_first[village] + offset
        return out

    # -- activities --------------------------------------------------------------------------
    def activities(self) -> None:
        self.ceremonies()
        self.visits_and_tours()
        self.drives()
        self.symposia()

    def ceremonies(self) -> None:
        nt = self.t_county.size
        rows = np.arange(nt)
        on = day(2015, 10, self.ints(10, 17, nt))
        led_by_leader = self.chance(0.6, nt)
        county_leader = self.dept_leader(self.t_county)
        populous = np.ones(nt, dtype=np.int8)
        in_seat = np.ones(nt, dtype=np.int8)
        y, z, w = self.roles[:, 4], self.roles[:, 5], self.roles[:, 6]
        # CP105: a county leader leads it and the main leader is not among the participants.
        led_by_leader[y] = False
        absent = np.zeros(nt, dtype=np.bool_)
        absent[y] = True
        # CP106: held after Poverty Alleviation Day; near miss: on the day itself.
        on[z] = day(2015, 10, self.ints(18, 31, self.n))
        near = self.roles[:, 1]
        on[near] = day(2015, 10, 17)
        # CP107: not shown to be at a populous place in the township seat.
        way = self.ints(0, 4, self.n)
        in_seat[w] = np.array([0, 1, NULL, 1, 0], dtype=np.int8)[way]
        populous[w] = np.array([1, 0, 1, NULL, 0], dtype=np.int8)[way]
        ids = self.ids(self.t_county, lit("CE-T"), num(self.t_ord, self.wt))
        leader = rows_of(self.leader_ids, rows)
        led = text(
            nt,
            optional(leader, led_by_leader),
            optional(rows_of(self.l_ids, county_leader), ~led_by_leader),
        )
        participants = text(
            nt,
            optional(leader, ~led_by_leader & ~absent),
            optional(lit(";"), ~led_by_leader & ~absent),
            rows_of(self.cadre_ids, self.cadre_start),
        )
        self.emit(
            "activities",
            self.t_county,
            id=ids,
            kind="ceremony",
            organizer_id=self.t_ids,
            township_id=self.t_ids,
            on=on,
            place=text(nt, rows_of(self.t_stems, rows), lit("场镇文化广场")),
            populous=populous,
            in_seat=in_seat,
            led_by=led,
            participants=participants,
        )
        self.planted.add("CP105", ids.take(pa.array(y)), self.t_ids.take(pa.array(y)))
        self.planted.add("CP106", self.t_ids.take(pa.array(z)), ids.take(pa.array(z)))
        self.planted.add("CP107", ids.take(pa.array(w)), self.t_ids.take(pa.array(w)))
        self.planted.near("CP106", ids.take(pa.array(near)))

    def dept_leader(self, county: Ints) -> Ints:
        """A county leader of each county, at random (a row of the leaders)."""
        out: Ints = county * 6 + self.ints(0, 5, county.size)
        return out

    def visits_and_tours(self) -> None:
        n = self.n
        # Leader visits: county leaders to poor villages and households, 12–18 October (CP108).
        per = np.maximum(2, np.rint(8 * self.townships_in / 22).astype(np.int64))
        lv_county, lv0 = expand(per + 2)
        wl = width_of(int((per + 2).max()), 2)
        nl = lv_county.size
        village = need(self.poor_pool.draw(self.rng, lv_county), "poor village")
        led = lv_county * 6 + lv0 % 6
        on = day(2015, 10, self.ints(12, 18, nl))
        listed_village = np.ones(nl, dtype=np.bool_)
        r = self.v_registered[village]
        first = self.registered_position(village, np.zeros(nl, dtype=np.int64))
        second = self.registered_position(village, np.ones(nl, dtype=np.int64))
        one, two = r >= 1, r >= 2
        # The first extra visit (CP108): led by a township cadre.
        bad = lv0 == per[lv_county]
        cadre_row = np.where(bad, self.cadre_start[self.some_township(lv_county)], 0)
        # The second (near miss): a county leader on the window's last day, visiting one
        # registered poor household and no village.
        edge = lv0 == per[lv_county] + 1
        home_village = need(self.registered_pool.draw(self.rng, lv_county), "registered household")
        home = self.some_registered(home_village)
        village = np.where(edge, home_village, village)
        first = np.where(edge, home, first)
        one = np.where(edge, True, one)
        two = np.where(edge, False, two)
        listed_village[edge] = False
        on[edge] = day(2015, 10, 18)
        hh = self.household_ids(village, first)
        hh2 = self.household_ids(village, second)
        ids = self.ids(lv_county, lit("LV-"), num(lv0 + 1, wl))
        self.emit(
            "activities",
            lv_county,
            id=ids,
            kind="leader_visit",
            organizer_id=self.d_ids.take(pa.array(self.dept(lv_county, V.LG))),
            township_id=self.t_ids.take(pa.array(self.v_township[village])),
            on=on,
            led_by=text(
                nl,
                optional(rows_of(self.l_ids, led), ~bad),
                optional(rows_of(self.cadre_ids, cadre_row), bad),
            ),
            villages=text(nl, optional(rows_of(self.v_ids, village), listed_village)),
            households=text(
                nl,
                optional(rows_of(hh, np.arange(nl)), one),
                optional(lit(";"), two),
                optional(rows_of(hh2, np.arange(nl)), two),
            ),
        )
        self.planted.add("CP108", ids.filter(pa.array(bad)))
        self.planted.near("CP108", ids.filter(pa.array(edge)))
        # Inspection tours by D01…D07 to poor villages (CP124), and two more per county: D08's
        # visits no poor village or household (CP124), D09's only a registered poor household
        # living in a village that is not poor (near miss).
        k = len(V.TOURING) + 2
        it_county = np.repeat(np.arange(n), k)
        it_k = np.tile(np.arange(k), n)
        dep = np.array([*V.TOURING, V.SPARE_TOUR, V.SPARE_TOUR_2], dtype=np.int64)[it_k]
        ni = it_county.size
        v1 = need(self.poor_pool.draw(self.rng, it_county), "poor village")
        v2 = self.poor_by_township.draw(self.rng, self.v_township[v1])
        second_village = self.chance(0.5, ni) & (v2 != v1)
        rich = need(self.rich_pool.draw(self.rng, it_county), "village that is not poor")
        bad, edge = it_k == k - 2, it_k == k - 1
        v1 = np.where(bad | edge, rich, v1)
        second_village &= ~(bad | edge)
        hv = np.zeros(ni, dtype=np.int64)
        hpos = np.zeros(ni, dtype=np.int64)
        listed = np.zeros(ni, dtype=np.bool_)
        if not self.registry:  # CP124's tour may list a household that is not registered
            spare = Pool(self.v_county, n, self.v_households > self.v_registered)
            sv = spare.draw(self.rng, it_county)
            take = bad & (sv >= 0) & self.chance(0.5, ni)
            hv = np.where(take, sv, hv)
            hpos = np.where(take, self.some_unregistered(np.maximum(sv, 0)), hpos)
            listed |= take
        elsewhere = Pool(self.v_county, n, ~self.v_poor & (self.v_registered > 0))
        ev = elsewhere.draw(self.rng, it_county)
        ev = np.where(ev >= 0, ev, need(self.registered_pool.draw(self.rng, it_county), "home"))
        hv = np.where(edge, ev, hv)
        hpos = np.where(edge, self.some_registered(ev), hpos)
        listed |= edge
        ids = self.ids(it_county, lit("IT-"), pick(V.DEPARTMENT_IDS, dep))
        self.emit(
            "activities",
            it_county,
            id=ids,
            kind="inspection_tour",
            organizer_id=self.d_ids.take(pa.array(self.dept(it_county, dep))),
            township_id=self.t_ids.take(pa.array(self.v_township[v1])),
            on=day(2015, 10, self.ints(8, 16, ni)),
            villages=text(
                ni,
                rows_of(self.v_ids, v1),
                optional(lit(";"), second_village),
                optional(rows_of(self.v_ids, np.maximum(v2, 0)), second_village),
            ),
            households=text(
                ni, optional(rows_of(self.household_ids(hv, hpos), np.arange(ni)), listed)
            ),
        )
        self.planted.add("CP124", ids.filter(pa.array(bad)))
        self.planted.near("CP124", ids.filter(pa.array(edge)))
        # Vocational training by D06: it charges a fee (CP120); D04's is free, with the fee
        # written as 0 (near miss). Sector relief by D03.
        place_county = np.repeat(np.arange(n), 3)
        which = np.tile(np.arange(3), n)
        dep = np.array([V.TRAINING, V.SPARE_TRAINING, V.HEALTH], dtype=np.int64)[which]
        township = self.some_township(place_county)
        fee = np.where(which == 0, self.ints(1, 5, 3 * n) * 10_000, NULL)
        fee[which == 1] = 0
        ids = self.ids(
            place_county,
            pick(("VT-", "VT-", "SR-"), which),
            pick(V.DEPARTMENT_IDS, dep),
        )
        self.emit(
            "activities",
            place_county,
            id=ids,
            kind=text(
                3 * n, pick(("vocational_training", "vocational_training", "sector_relief"), which)
            ),
            organizer_id=self.d_ids.take(pa.array(self.dept(place_county, dep))),
            township_id=self.t_ids.take(pa.array(township)),
            on=day(2015, 10, np.array([22, 23, 16])[which]),
            place=text(3 * n, pick(("县职教中心", "县职教中心", "乡镇卫生院"), which)),
            fee=fee,
        )
        self.planted.add("CP120", ids.filter(pa.array(which == 0)))
        self.planted.near("CP120", ids.filter(pa.array(which == 1)))

    def drives(self) -> None:
        n, nt = self.n, self.t_county.size
        rows = np.arange(nt)
        # Each township's donation drive, in late September.
        self.drive_on = day(2015, 9, self.ints(25, 30, nt))
        self.drive_ids = self.ids(self.t_county, lit("DR-T"), num(self.t_ord, self.wt))
        self.emit(
            "activities",
            self.t_county,
            id=self.drive_ids,
            kind="donation_drive",
            organizer_id=self.t_ids,
            township_id=self.t_ids,
            on=self.drive_on,
            place=text(nt, rows_of(self.t_names, rows), lit("政府")),
        )
        # Each department's drive but the audit bureau's, in October.
        k = len(V.DRIVING)
        dd_county = np.repeat(np.arange(n), k)
        self.dd_k = np.tile(np.array(V.DRIVING, dtype=np.int64), n)
        self.dd_on = day(2015, 10, self.ints(8, 14, dd_county.size))
        self.dd_ids = self.ids(dd_county, lit("DR-"), pick(V.DEPARTMENT_IDS, self.dd_k))
        self.emit(
            "activities",
            dd_county,
            id=self.dd_ids,
            kind="donation_drive",
            organizer_id=self.d_ids.take(pa.array(self.dept(dd_county, self.dd_k))),
            on=self.dd_on,
            place="机关大院",
        )
        # Hometown returns: about 40 % of the townships with projects, and always the first.
        self.hr = self.t_has_poor & (self.chance(0.4, nt) | (self.t_ord == 1))
        need(np.where(self.t_has_poor[self.t_start], 0, -1), "poor village in township 1")
        hr = np.flatnonzero(self.hr)
        self.hr_on = np.full(nt, NULL, dtype=np.int64)
        self.hr_on[hr] = day(2015, 10, self.ints(1, 7, hr.size))
        hr_ids = self.ids(self.t_county[hr], lit("HR-T"), num(self.t_ord[hr], self.wt))
        self.hr_row = np.full(nt, -1, dtype=np.int64)
        self.hr_row[hr] = np.arange(hr.size)
        self.hr_ids = hr_ids
        self.emit(
            "activities",
            self.t_county[hr],
            id=hr_ids,
            kind="hometown_return",
            organizer_id=self.t_ids.take(pa.array(hr)),
            township_id=self.t_ids.take(pa.array(hr)),
            on=self.hr_on[hr],
            place=text(hr.size, rows_of(self.t_names, hr), lit("会议室")),
        )

    def symposia(self) -> None:
        # CP103: a township's symposium held in another township, or listing a village of
        # one; near miss: a symposium in the township itself, listing its own village.
        p, c = self.roles[:, 7], self.roles[:, 2]
        rows = np.concatenate([p, c])
        county = self.t_county[rows]
        bad = np.arange(rows.size) < self.n
        way = self.ints(0, 1, rows.size)
        place = np.where(bad & (way == 0), self.other_township(rows), rows)
        listed_in = np.where(bad & (way == 1), self.other_township(rows), rows)
        village = self.village_in(listed_in)
        ids = self.ids(county, lit("SY-T"), num(self.t_ord[rows], self.wt))
        self.emit(
            "activities",
            county,
            id=ids,
            kind="symposium",
            organizer_id=self.t_ids.take(pa.array(rows)),
            township_id=self.t_ids.take(pa.array(place)),
            on=day(2015, 10, self.ints(9, 16, rows.size)),
            place=text(rows.size, rows_of(self.t_names, rows), lit("会议室")),
            villages=self.v_ids.take(pa.array(village)),
        )
        self.planted.add("CP103", ids.filter(pa.array(bad)))
        self.planted.near("CP103", ids.filter(pa.array(~bad)))

    # -- giving --------------------------------------------------------------------------------
    def giving(self) -> None:
        """Donors, solicitations, donations and pledges; funds and what they received."""
        n, nt, rng = self.n, self.t_county.size, self.rng
        wt = self.wt
        t_rows = np.arange(nt)
        self.funds()
        township_fund = (
            self.f_start[self.t_county] + (self.t_ord - 1) // 22 * 3 + (self.t_ord - 1) % 3
        )
        # --- donors, built beside the pieces of their ids (a donation's id is "DN-" + them).
        blocks: list[dict[str, Any]] = []

        def donors(
            county: Ints, local: list[Piece], name: pa.Array, kind: str, **more: Any
        ) -> pa.Array:
            ids = self.ids(county, *local)
            blocks.append(
                {"county": county, "id": ids, "name": name, "kind": kind, "local": local, **more}
            )
            return ids

        tt = num(self.t_ord, wt)
        staff = donors(
            self.t_county,
            [lit("K-T"), tt],
            text(nt, rows_of(self.t_names, t_rows), lit("机关干部职工")),
            "cadre",
            unit_id=self.t_ids,
        )
        e_count = self.ints(1, 4, nt)
        e_twp, e0 = expand(e_count)
        ne = e_twp.size
        enterprises = donors(
            self.t_county[e_twp],
            [lit("E-T"), num(self.t_ord[e_twp], wt), lit("-"), num(e0 + 1, 1)],
            text(
                ne,
                rows_of(self.t_stems, e_twp),
                pick(V.TRADES, self.ints(0, len(V.TRADES) - 1, ne)),
                pick(V.FORMS, self.ints(0, len(V.FORMS) - 1, ne)),
            ),
            "private_enterprise",
            publicity_consent=np.ones(ne, dtype=np.bool_),
        )
        r_count = self.ints(2, 5, nt)
        r_twp, r0 = expand(r_count)
        nr = r_twp.size
        residents = donors(
            self.t_county[r_twp],
            [lit("R-T"), num(self.t_ord[r_twp], wt), lit("-"), num(r0 + 1, 1)],
            self.person_names(nr),
            "resident",
            publicity_consent=self.chance(0.5, nr),
        )
        u_count = self.ints(0, 2, nt)
        u_twp, u0 = expand(u_count)
        nu = u_twp.size
        unasked = donors(
            self.t_county[u_twp],
            [lit("R-T"), num(self.t_ord[u_twp], wt), lit("-9"), num(u0 + 1, 1)],
            self.person_names(nu),
            "resident",
        )
        hr = np.flatnonzero(self.hr)
        m_count = np.zeros(nt, dtype=np.int64)
        m_count[hr] = self.ints(1, 2, hr.size)
        # CP121: one more notable per county, whose gift goes outside the home township.
        a = need(Pool(self.t_county, n, self.hr).draw(rng, np.arange(n)), "hometown return")
        m_twp, m0 = expand(m_count)
        m_twp = np.concatenate([m_twp, a])
        m_ord = np.concatenate([m0 + 1, np.full(n, 9, dtype=np.int64)])
        nm = m_twp.size
        notables = donors(
            self.t_county[m_twp],
            [lit("M-T"), num(self.t_ord[m_twp], wt), lit("-"), num(m_ord, 1)],
            self.person_names(nm),
            "local_notable",
            home_township_id=self.t_ids.take(pa.array(m_twp)),
            publicity_consent=np.ones(nm, dtype=np.bool_),
        )
        kd = len(V.DRIVING)
        kd_county = np.repeat(np.arange(n), kd)
        kd_k = self.dd_k
        dep_staff = donors(
            kd_county,
            [lit("K-"), pick(V.DEPARTMENT_IDS, kd_k)],
            text(kd_county.size, pick([x[1] for x in V.DEPARTMENTS], kd_k), lit("干部职工")),
            "cadre",
            unit_id=self.d_ids.take(pa.array(self.dept(kd_county, kd_k))),
        )
        o_county = np.repeat(np.arange(n), 3)
        o_k = np.tile(np.arange(3), n)
        societies = donors(
            o_county,
            [lit("O-"), num(o_k + 1, 1)],
            text(3 * n, pick(V.SOCIETIES, o_k)),
            "social_organization",
        )
        for block in blocks:
            county = block.pop("county")
            block.pop("local")
            self.emit("donors", county, **block)

        # --- solicitations: each township's drive asks its staff, its enterprises, its
        # residents and, for the first township paired with a department, that department
        # (paired, so CP101 allows it; asked by nobody else, so CP102 does too). Each
        # department's drive asks its own staff; the first three also a social organisation.
        asks_dept = self.t_ord <= len(V.LINE)
        s_count = 1 + e_count + r_count + asks_dept
        s_twp, s0 = expand(s_count)
        ns = s_twp.size
        e_first, r_first = starts_of(e_count), starts_of(r_count)
        s_e = s0 - 1
        s_r = s0 - 1 - e_count[s_twp]
        is_k, is_e = s0 == 0, (s0 >= 1) & (s_e < e_count[s_twp])
        is_r = ~is_k & ~is_e & (s_r < r_count[s_twp])
        is_d = ~is_k & ~is_e & ~is_r
        target = text(
            ns,
            optional(rows_of(staff, s_twp), is_k),
            optional(rows_of(enterprises, np.where(is_e, e_first[s_twp] + s_e, 0)), is_e),
            optional(rows_of(residents, np.where(is_r, r_first[s_twp] + s_r, 0)), is_r),
            optional(
                rows_of(self.d_ids, self.dept(self.t_county[s_twp], self.t_partner[s_twp])), is_d
            ),
        )
        s_ids = self.ids(
            self.t_county[s_twp], lit("S-T"), num(self.t_ord[s_twp], wt), lit("-"), num(s0 + 1, 2)
        )
        sol_county = [self.t_county[s_twp]]
        sol: dict[str, list[Any]] = {
            "id": [s_ids],
            "activity_id": [self.drive_ids.take(pa.array(s_twp))],
            "organizer_id": [self.t_ids.take(pa.array(s_twp))],
            "target_id": [target],
            "on": [self.drive_on[s_twp]],
        }
        # Row of the solicitation asking township t's paired department (if it asks one).
        asks_row = np.full(nt, -1, dtype=np.int64)
        asks_row[s_twp[is_d]] = np.flatnonzero(is_d)

        o_drive = np.arange(n)[:, None] * kd + np.arange(3)[None, :]
        d_sol_drive = np.concatenate([np.arange(n * kd), o_drive.reshape(-1)])
        d_sol_target = pa.concat_arrays([dep_staff, societies])
        d_sol_county = np.concatenate([kd_county, o_county])
        d_sol_ord = np.concatenate([np.ones(n * kd, dtype=np.int64), np.full(3 * n, 2)])
        dd_local = pick(V.DEPARTMENT_IDS, self.dd_k[d_sol_drive])
        sol_county.append(d_sol_county)
        sol["id"].append(self.ids(d_sol_county, lit("S-"), dd_local, lit("-"), num(d_sol_ord, 2)))
        sol["activity_id"].append(self.dd_ids.take(pa.array(d_sol_drive)))
        sol["organizer_id"].append(
            self.d_ids.take(pa.array(self.dept(d_sol_county, self.dd_k[d_sol_drive])))
        )
        sol["target_id"].append(d_sol_target)
        sol["on"].append(self.dd_on[d_sol_drive])
        normal = sum(len(x) for x in sol["id"])

        def drive_of(county: Ints, k: Ints) -> Ints:
            """Row of department ``k``'s drive (``k`` one of ``DRIVING``)."""
            position = np.searchsorted(np.array(V.DRIVING), k)
            out: Ints = county * kd + position
            return out

        def solicit(
            county: Ints,
            sid: pa.Array,
            drive: pa.Array,
            organizer: pa.Array,
            who: pa.Array,
            on: Ints,
        ) -> None:
            sol_county.append(county)
            sol["id"].append(sid)
            sol["activity_id"].append(drive)
            sol["organizer_id"].append(organizer)
            sol["target_id"].append(who)
            sol["on"].append(on)

        cn = np.arange(n)
        a1, b1, c1 = self.roles[:, 0], self.roles[:, 1], self.roles[:, 2]
        # CP101: township A1 asks township B1; or A1 asks the leading group or the audit
        # bureau (never paired, asked by nobody else); or a department not paired with B1
        # asks B1. The target is asked through no other activity, so CP102 stays silent.
        way = self.ints(0, 2, n)
        unpaired = np.array(V.LINE)[
            ((self.t_ord[b1] - 1) % len(V.LINE) + self.ints(1, len(V.LINE) - 1, n)) % len(V.LINE)
        ]
        office = np.where(self.chance(0.5, n), V.LG, V.AU)
        by_township = way < 2
        org_t = np.where(by_township, a1, b1)
        org = text(
            n,
            optional(rows_of(self.t_ids, org_t), by_township),
            optional(rows_of(self.d_ids, self.dept(cn, unpaired)), ~by_township),
        )
        who = text(
            n,
            optional(rows_of(self.t_ids, b1), way != 1),
            optional(rows_of(self.d_ids, self.dept(cn, office)), way == 1),
        )
        sid = text(
            n,
            self.cid(cn),
            lit("S-"),
            optional(lit("T"), by_township),
            optional(num(self.t_ord[a1], wt), by_township),
            optional(pick(V.DEPARTMENT_IDS, unpaired), ~by_township),
            lit("-99"),
        )
        drive = text(
            n,
            optional(rows_of(self.drive_ids, a1), by_township),
            optional(rows_of(self.dd_ids, drive_of(cn, unpaired)), ~by_township),
        )
        on = np.where(by_township, self.drive_on[a1], self.dd_on[drive_of(cn, unpaired)])
        solicit(cn, sid, drive, org, who, on + self.ints(0, 10, n))
        self.planted.add("CP101", sid, org, who)
        # CP101 near miss: a department paired with a village of township C asks C.
        nd = np.array(V.LINE)[self.ints(0, len(V.LINE) - 1, n)]
        paired_village = self.village_in(c1)
        self.emit(
            "pairings",
            cn,
            department_id=self.d_ids.take(pa.array(self.dept(cn, nd))),
            partner_id=self.v_ids.take(pa.array(paired_village)),
            since=np.full(n, day(2015, 3, 1)),
        )
        sid = self.ids(cn, lit("S-"), pick(V.DEPARTMENT_IDS, nd), lit("-97"))
        solicit(
            cn,
            sid,
            self.dd_ids.take(pa.array(drive_of(cn, nd))),
            self.d_ids.take(pa.array(self.dept(cn, nd))),
            self.t_ids.take(pa.array(c1)),
            self.dd_on[drive_of(cn, nd)],
        )
        self.planted.near("CP101", sid)
        # CP102: a department already asked by its first paired township is asked again
        # through another department's drive (itself or its staff); near miss: another such
        # department asked a second time in the same drive, through its staff.
        asked = np.minimum(self.townships_in, len(V.LINE))
        pair = np.floor(self.rng.random((n, 2)) * asked[:, None]).astype(np.int64)
        pair[:, 1] = (pair[:, 0] + 1 + np.floor(self.rng.random(n) * (asked - 1))) % asked
        q_twp, r_twp2 = self.twp(cn, pair[:, 0] + 1), self.twp(cn, pair[:, 1] + 1)
        q = self.t_partner[q_twp]
        position = np.searchsorted(np.array(V.DRIVING), q)
        x = np.array(V.DRIVING)[(position + self.ints(1, kd - 1, n)) % kd]
        staff_of_q = self.chance(0.5, n)
        ask_q = text(
            n,
            optional(rows_of(self.d_ids, self.dept(cn, q)), ~staff_of_q),
            optional(rows_of(dep_staff, drive_of(cn, q)), staff_of_q),
        )
        sid = self.ids(cn, lit("S-"), pick(V.DEPARTMENT_IDS, x), lit("-98"))
        solicit(
            cn,
            sid,
            self.dd_ids.take(pa.array(drive_of(cn, x))),
            self.d_ids.take(pa.array(self.dept(cn, x))),
            ask_q,
            self.dd_on[drive_of(cn, x)],
        )
        first_ask = need(asks_row[q_twp], "department asked by a township")
        self.planted.add(
            "CP102",
            self.d_ids.take(pa.array(self.dept(cn, q))),
            s_ids.take(pa.array(first_ask)),
            sid,
            sort_from=1,
        )
        rr = self.t_partner[r_twp2]
        sid = self.ids(cn, lit("S-T"), num(self.t_ord[r_twp2], wt), lit("-97"))
        solicit(
            cn,
            sid,
            self.drive_ids.take(pa.array(r_twp2)),
            self.t_ids.take(pa.array(r_twp2)),
            dep_staff.take(pa.array(drive_of(cn, rr))),
            self.drive_on[r_twp2],
        )
        self.planted.near("CP102", sid)
        # CP123: a solicitation with a quota; near miss: one with a quota of 0.
        sol_all = pa.concat_arrays(sol["id"])
        county_all = np.concatenate(sol_county)
        quota = np.full(county_all.size, NULL, dtype=np.int64)
        two = need(Pool(county_all[:normal], n).distinct(rng, 2), "two solicitations")
        quota[two[:, 0]] = self.ints(1, 10, n) * 10_000
        quota[two[:, 1]] = 0
        self.planted.add("CP123", sol_all.take(pa.array(two[:, 0])))
        self.planted.near("CP123", sol_all.take(pa.array(two[:, 1])))
        self.emit(
            "solicitations",
            county_all,
            id=sol_all,
            activity_id=pa.concat_arrays(sol["activity_id"]),
            organizer_id=pa.concat_arrays(sol["organizer_id"]),
            target_id=pa.concat_arrays(sol["target_id"]),
            on=np.concatenate(sol["on"]),
            quota=quota,
        )

        # --- donations: everyone asked gives, but departments themselves (their staff do).
        don: dict[str, list[Any]] = {
            k: []
            for k in (
                "county",
                "id",
                "donor",
                "fund",
                "activity",
                "amount",
                "goods",
                "on",
                "project",
                "village",
                "badge",
            )
        }

        def give(
            county: Ints,
            local: list[Piece],
            donor: pa.Array,
            fund: Ints,
            activity: pa.Array | None,
            amount: Ints,
            on: Ints,
            *,
            goods: Bools | None = None,
            project: Ints | None = None,
            village: Ints | None = None,
        ) -> int:
            rows = county.size
            start = sum(len(x) for x in don["county"])
            none = np.full(rows, -1, dtype=np.int64)
            don["county"].append(county)
            don["id"].append(self.ids(county, lit("DN-"), *local))
            don["donor"].append(donor)
            don["fund"].append(fund)
            don["activity"].append(
                activity if activity is not None else pa.nulls(rows, pa.string())
            )
            don["amount"].append(amount)
            don["goods"].append(goods if goods is not None else np.zeros(rows, dtype=np.bool_))
            don["on"].append(on)
            don["project"].append(project if project is not None else none)
            don["village"].append(village if village is not None else none)
            badge = np.where(activity is not None, 1, NULL) * np.ones(rows, dtype=np.int64)
            don["badge"].append(badge)
            return start

        give(
            self.t_county,
            [lit("K-T"), tt],
            staff,
            township_fund,
            self.drive_ids,
            self.ints(60, 400, nt) * 5_000 + np.where(self.chance(0.5, nt), 50, 0),
            self.drive_on + self.ints(0, 10, nt),
        )
        # Some townships' first enterprise designates one of its projects and pledges it
        # (published in September, pledged on 1 October: CP116).
        designates = (e0 == 0) & self.chance(0.4, ne) & self.t_has_poor[e_twp]
        project = np.where(designates, self.p_by_township.draw(rng, e_twp), -1)
        e_amount = self.ints(1, 20, ne) * 500_000
        give(
            self.t_county[e_twp],
            [lit("E-T"), num(self.t_ord[e_twp], wt), lit("-"), num(e0 + 1, 1)],
            enterprises,
            township_fund[e_twp],
            self.drive_ids.take(pa.array(e_twp)),
            e_amount,
            self.drive_on[e_twp] + self.ints(0, 10, ne),
            goods=self.chance(0.15, ne),
            project=project,
        )
        give(
            self.t_county[r_twp],
            [lit("R-T"), num(self.t_ord[r_twp], wt), lit("-"), num(r0 + 1, 1)],
            residents,
            township_fund[r_twp],
            self.drive_ids.take(pa.array(r_twp)),
            self.ints(2, 40, nr) * 5_000,
            self.drive_on[r_twp] + self.ints(0, 10, nr),
        )
        give(
            self.t_county[u_twp],
            [lit("R-T"), num(self.t_ord[u_twp], wt), lit("-9"), num(u0 + 1, 1)],
            unasked,
            township_fund[u_twp],
            None,
            self.ints(5, 50, nu) * 1_000,
            day(2015, 10, self.ints(1, 20, nu)),
        )
        # Notables give through their township's hometown return, directed to one of its
        # projects or poor villages (CP121); the planted one to a village elsewhere.
        planted = m_ord == 9
        home = m_twp
        to_project = self.chance(0.7, nm)
        m_project = np.where(to_project, self.p_by_township.draw(rng, home), -1)
        m_village = np.where(to_project, -1, self.poor_by_township.draw(rng, home))
        away = self.village_in(self.other_township(home))
        away_project = self.chance(0.5, nm) & (self.p_count[away] > 0)
        m_project = np.where(planted, np.where(away_project, self.p_first[away], -1), m_project)
        m_village = np.where(planted, np.where(away_project, -1, away), m_village)
        need(np.maximum(m_project, m_village), "designation for a notable")
        m_local = [lit("M-T"), num(self.t_ord[m_twp], wt), lit("-"), num(m_ord, 1)]
        m_start = give(
            self.t_county[m_twp],
            m_local,
            notables,
            township_fund[m_twp],
            self.hr_ids.take(pa.array(self.hr_row[m_twp])),
            self.ints(1, 20, nm) * 1_000_000,
            self.hr_on[m_twp] + self.ints(0, 10, nm),
            project=m_project,
            village=m_village,
        )
        self.unspent = m_start + np.flatnonzero(planted)
        self.planted.add(
            "CP121",
            self.ids(self.t_county[m_twp], lit("DN-"), *m_local).filter(pa.array(planted)),
            notables.filter(pa.array(planted)),
        )
        kd_fund = self.f_start[kd_county] + np.tile(np.arange(kd), n) % self.f_regular[kd_county]
        give(
            kd_county,
            [lit("K-"), pick(V.DEPARTMENT_IDS, kd_k)],
            dep_staff,
            kd_fund,
            self.dd_ids,
            self.ints(40, 600, kd_county.size) * 5_000,
            self.dd_on + self.ints(0, 10, kd_county.size),
        )
        give(
            o_county,
            [lit("O-"), num(o_k + 1, 1)],
            societies,
            kd_fund[o_drive.reshape(-1)],
            self.dd_ids.take(pa.array(o_drive.reshape(-1))),
            self.ints(40, 600, 3 * n) * 5_000,
            self.dd_on[o_drive.reshape(-1)] + self.ints(0, 10, 3 * n),
        )
        self.normal_donations = sum(len(x) for x in don["id"])
        # The special funds: CP115's and CP122's, and a near miss of both.
        self.special_donations(give, societies)
        self.donations = {
            k: np.concatenate(v) if k not in ("id", "donor", "activity") else pa.concat_arrays(v)
            for k, v in don.items()
        }
        d = self.donations
        # CP117: a donation made in a drive without an honour badge.
        in_activity = np.zeros(d["county"].size, dtype=np.bool_)
        in_activity[: self.normal_donations] = d["badge"][: self.normal_donations] == 1
        in_activity &= d["project"] + d["village"] == -2  # keep directed gifts as they are
        no_badge = need(Pool(d["county"], n, in_activity).draw(rng, cn), "donation in a drive")
        d["badge"][no_badge] = np.where(self.chance(0.5, n), 0, NULL)
        self.planted.add(
            "CP117", d["id"].take(pa.array(no_badge)), d["donor"].take(pa.array(no_badge))
        )
        self.emit(
            "donations",
            d["county"],
            id=d["id"],
            donor_id=d["donor"],
            fund_id=self.f_ids.take(pa.array(d["fund"])),
            activity_id=d["activity"],
            amount=d["amount"],
            goods=text(d["county"].size, optional(lit(V.GOODS), d["goods"]), valid=d["goods"]),
            on=d["on"],
            designated_project_id=text(
                d["county"].size,
                rows_of(self.p_ids, np.maximum(d["project"], 0)),
                valid=d["project"] >= 0,
            ),
            designated_village_id=text(
                d["county"].size,
                rows_of(self.v_ids, np.maximum(d["village"], 0)),
                valid=d["village"] >= 0,
            ),
            badge=d["badge"],
            receipt=np.ones(d["county"].size, dtype=np.bool_),
        )
        # Pledges: one per designating enterprise (CP116), and two planted projects with their
        # pledges: one pledged before it was published (or never published), one pledged on
        # the day of publication (near miss).
        pledging = np.flatnonzero(designates)
        self.pledges(pledging, e_twp, enterprises, project, e_amount)

    def funds(self) -> None:
        """Three funds per 22 townships (as in the example), and three special ones."""
        self.f_regular = 3 * ((self.townships_in + 21) // 22)
        count = self.f_regular + 3
        self.f_county, f0 = expand(count)
        self.f_start = starts_of(count)
        self.f_local = f0 + 1
        wf = width_of(int(count.max()), 2)
        self.wf = wf
        nf = self.f_county.size
        special = f0 >= self.f_regular[self.f_county]
        self.f_special = special
        self.f_ids = self.ids(self.f_county, lit("F"), num(self.f_local, wf))
        kind = np.where(special, 3 + f0 - self.f_regular[self.f_county], f0 % 3)
        self.emit(
            "funds",
            self.f_county,
            id=self.f_ids,
            name=text(nf, pick(V.FUND_NAMES + V.SPECIAL_FUND_NAMES, kind)),
            holder=text(nf, pick((*V.FUND_HOLDERS, "charity", "charity", "charity"), kind)),
        )

    def special_donations(self, give: Any, societies: pa.Array) -> None:
        """CP115's fund: a directed gift partly spent on its designation, and more spent
        elsewhere than undesignated gifts gave; CP122's: pays out more than it received; the
        near miss: spends exactly its directed money on the designation and its undesignated
        money elsewhere."""
        n = self.n
        cn = np.arange(n)
        base = self.f_start + self.f_regular
        fp, fq, fr = base, base + 1, base + 2
        pools = need(self.poor_pool.distinct(self.rng, 4), "four poor villages")
        self.special_pools = pools
        # CP115: directed X to a poor village (or one of its projects), undesignated Y.
        to_project = self.chance(0.5, n)
        ve = pools[:, 0]
        x = self.ints(20, 80, n) * 100_000
        y = self.ints(10, 40, n) * 50_000
        r = self.ints(1, 3, n)
        donor = societies.take(pa.array(cn * 3 + r - 1))
        on = day(2015, 10, self.ints(10, 20, n))
        self.to_project = to_project
        self.special: dict[str, Ints] = {"ve": ve, "x": x, "y": y}
        pe = self.some_project(ve)
        wf = self.wf

        def local(fund: Ints, k: int) -> list[Piece]:
            return [lit("F"), num(self.f_local[fund], wf), lit(f"-{k}")]

        give(
            cn,
            local(fp, 1),
            donor,
            fp,
            None,
            x,
            on,
            project=np.where(to_project, pe, -1),
            village=np.where(to_project, -1, ve),
        )
        give(cn, local(fp, 2), donor, fp, None, y, on)
        self.special["pe"] = pe
        self.cp115_donation = self.ids(cn, lit("DN-"), *local(fp, 1))
        # CP122: undesignated X2, paid out 1.2 × X2.
        x2 = self.ints(10, 50, n) * 100_000
        give(cn, local(fq, 1), donor, fq, None, x2, on)
        self.special["x2"] = x2
        # Near miss: directed X3 to a poor village, undesignated Y3; both spent exactly.
        x3 = self.ints(10, 50, n) * 100_000
        y3 = self.ints(10, 40, n) * 50_000
        give(cn, local(fr, 1), donor, fr, None, x3, on, village=pools[:, 2])
        give(cn, local(fr, 2), donor, fr, None, y3, on)
        self.special["x3"], self.special["y3"] = x3, y3

    def pledges(
        self,
        pledging: Ints,
        e_twp: Ints,
        enterprises: pa.Array,
        project: Ints,
        amount: Ints,
    ) -> None:
        n = self.n
        cn = np.arange(n)
        # Two more projects per county, in poor villages: J…-9 (pledged early, CP116) and
        # J…-8 (pledged on its publication day, near miss).
        where = need(self.poor_pool.distinct(self.rng, 2), "two poor villages")
        villages = np.concatenate([where[:, 0], where[:, 1]])
        j = np.concatenate([np.full(n, 9), np.full(n, 8)]).astype(np.int64)
        bad = np.arange(2 * n) < n
        ids = self.project_ids(villages, j)
        pledge_ids = self.project_ids(villages, j, "G")
        never = self.chance(0.5, 2 * n) & bad
        published = np.where(bad, day(2015, 10, self.ints(2, 20, 2 * n)), day(2015, 10, 1))
        published = np.where(never, NULL, published)
        label = self.ints(0, len(V.PROJECT_PURPOSES) - 1, 2 * n)
        self.emit(
            "projects",
            self.v_county[villages],
            id=ids,
            name=text(
                2 * n,
                rows_of(self.v_names, villages),
                pick([x[1] for x in V.PROJECT_PURPOSES], label),
            ),
            purpose=text(2 * n, pick([x[0] for x in V.PROJECT_PURPOSES], label)),
            village_id=self.v_ids.take(pa.array(villages)),
            published_on=published,
            government_obligated=np.zeros(2 * n, dtype=np.bool_),
        )
        twp = self.v_township[villages]
        e_first = starts_of(np.bincount(e_twp, minlength=self.t_county.size))
        donors = enterprises.take(pa.array(e_first[twp]))
        self.planted.add("CP116", pledge_ids.filter(pa.array(bad)), ids.filter(pa.array(bad)))
        self.planted.near("CP116", pledge_ids.filter(pa.array(~bad)))
        p = project[pledging]
        np_ = pledging.size
        self.emit(
            "pledges",
            np.concatenate([self.v_county[self.p_village[p]], self.v_county[villages]]),
            id=pa.concat_arrays(
                [self.project_ids(self.p_village[p], self.p_j[p], "G"), pledge_ids]
            ),
            donor_id=pa.concat_arrays([enterprises.take(pa.array(pledging)), donors]),
            project_id=pa.concat_arrays([self.p_ids.take(pa.array(p)), ids]),
            kind=text(np_ + 2 * n, pick(("donate", "build"), self.ints(0, 1, np_ + 2 * n))),
            amount=np.concatenate([amount[pledging], self.ints(1, 10, 2 * n) * 1_000_000]),
            on=np.full(np_ + 2 * n, day(2015, 10, 1)),
        )
        del cn

    # -- spending ---------------------------------------------------------------------------
    def spending(self) -> None:
        """Disbursements and audits: every fund spends at most what it received, directed
        money on its designation (CP115, CP122), on poor villages and households (CP119), for
        permitted purposes (CP112–CP114); the audit bureau audits each fund after its last
        movement with the ledger's totals (CP118)."""
        n, rng = self.n, self.rng
        cn = np.arange(n)
        d = self.donations
        nf = self.f_county.size
        regular_don = np.arange(d["county"].size) < self.normal_donations
        directed = regular_don & ((d["project"] >= 0) | (d["village"] >= 0))
        # The planted notable's gift (CP121) stays unspent: nothing to check there.
        directed[self.unspent] = False
        undesignated = regular_don & (d["project"] < 0) & (d["village"] < 0)
        pot = np.bincount(d["fund"][undesignated], weights=d["amount"][undesignated], minlength=nf)
        pot = pot.astype(np.int64)
        rows: dict[str, list[Ints]] = {
            k: []
            for k in (
                "fund",
                "amount",
                "purpose",
                "project",
                "village",
                "hv",
                "hpos",
                "on",
                "order",
            )
        }
        purpose_code = {p: i for i, p in enumerate(V.PURPOSES)}
        project_purpose = np.array([purpose_code[p] for p, _ in V.PROJECT_PURPOSES], dtype=np.int64)
        household_purpose = np.array([purpose_code[p] for p in V.HOUSEHOLD_PURPOSES])

        def pay(
            fund: Ints,
            amount: Ints,
            purpose: Ints,
            on: Ints,
            order: int,
            *,
            project: Ints | None = None,
            village: Ints | None = None,
            household: tuple[Ints, Ints] | None = None,
        ) -> None:
            size = fund.size
            none = np.full(size, -1, dtype=np.int64)
            rows["fund"].append(fund)
            rows["amount"].append(amount)
            rows["purpose"].append(purpose)
            rows["project"].append(project if project is not None else none)
            rows["village"].append(village if village is not None else none)
            rows["hv"].append(household[0] if household is not None else none)
            rows["hpos"].append(household[1] if household is not None else none)
            rows["on"].append(on)
            rows["order"].append(np.full(size, order, dtype=np.int64))

        def toward_village(village: Ints) -> tuple[Ints, tuple[Ints, Ints]]:
            """A household purpose and, where the village has one, a registered household."""
            has = self.v_registered[village] > 0
            pos = np.where(has, self.some_registered(village), -1)
            purpose = household_purpose[self.ints(0, len(household_purpose) - 1, village.size)]
            return purpose, (np.where(has, village, -1), pos)

        # Directed gifts: spent (in full, or nine tenths) on their designation.
        dr = np.flatnonzero(directed)
        amount = np.where(self.chance(0.6, dr.size), d["amount"][dr], d["amount"][dr] * 9 // 10)
        proj = d["project"][dr]
        vill = d["village"][dr]
        purpose, home = toward_village(np.maximum(vill, 0))
        purpose = np.where(proj >= 0, project_purpose[self.p_purpose[np.maximum(proj, 0)]], purpose)
        home = (np.where(proj >= 0, -1, home[0]), np.where(proj >= 0, -1, home[1]))
        pay(
            d["fund"][dr],
            amount,
            purpose,
            day(2015, 11, self.ints(1, 30, dr.size)),
            0,
            project=np.where(proj >= 0, proj, -1),
            village=np.where(proj >= 0, -1, vill),
            household=home,
        )
        # Undesignated money: seven tenths spent in pieces on poor villages, their projects
        # and their registered households. Whatever they pay, at most that much is drawn from
        # the undesignated pot, so CP115 holds by arithmetic.
        regular = np.flatnonzero(~self.f_special)
        budget = pot[regular] * 7 // 10
        pieces = np.where(budget >= 10_000, np.maximum(1, budget // 1_600_000), 0)
        fund, k = expand(pieces)
        weight = rng.uniform(0.5, 1.5, fund.size)
        total = np.bincount(fund, weights=weight, minlength=regular.size)
        share = np.floor(budget[fund] * weight / total[fund] / 100).astype(np.int64) * 100
        fund = regular[fund]
        village = need(self.poor_pool.draw(rng, self.f_county[fund]), "poor village")
        use_project = self.chance(0.5, fund.size) & (self.p_count[village] > 0)
        proj = np.where(use_project, self.some_project(village), -1)
        purpose, home = toward_village(village)
        purpose = np.where(
            use_project, project_purpose[self.p_purpose[np.maximum(proj, 0)]], purpose
        )
        pay(
            fund,
            share,
            purpose,
            day(2015, 12, self.ints(1, 10, fund.size)),
            1,
            project=proj,
            village=np.where(use_project, -1, village),
            household=(np.where(use_project, -1, home[0]), np.where(use_project, -1, home[1])),
        )
        del k
        # Planted disbursements, each of 2 % of its fund's undesignated money: CP112, CP113,
        # CP114, CP119, and two near misses (CP112: a purpose in other letters; CP119: a
        # registered poor household in a village that is not poor).
        with_pot = Pool(self.f_county, n, ~self.f_special & (pot > 0))
        kinds = 6
        pc = np.repeat(cn, kinds)
        which = np.tile(np.arange(kinds), n)
        fund = need(with_pot.draw(rng, pc), "fund with undesignated money")
        small = np.maximum(100, pot[fund] * 2 // 100 // 100 * 100)
        village = need(self.poor_pool.draw(rng, pc), "poor village")
        purpose = household_purpose[self.ints(0, len(household_purpose) - 1, pc.size)]
        hv = np.full(pc.size, -1, dtype=np.int64)
        hpos = np.full(pc.size, -1, dtype=np.int64)
        # CP112: a purpose no pack knows (or none).
        sel = which == 0
        purpose[sel] = np.array([purpose_code[p] for p in V.UNCLASSIFIED])[
            self.ints(0, len(V.UNCLASSIFIED) - 1, n)
        ]
        # CP113: government investment, or a project the government must fund (made here).
        sel = which == 1
        gov_project = self.chance(0.5, n)
        purpose[sel] = np.where(
            gov_project, purpose_code["infrastructure"], purpose_code["government_investment"]
        )
        self.gov_village = need(self.poor_pool.draw(rng, cn), "poor village")
        gov_row = np.full(pc.size, False)
        gov_row[np.flatnonzero(sel)[gov_project]] = True
        # CP114: an other expense.
        sel = which == 2
        purpose[sel] = np.array([purpose_code[p] for p in V.OTHER_EXPENSES])[
            self.ints(0, len(V.OTHER_EXPENSES) - 1, n)
        ]
        # CP119: a village that is not poor, or (full shape) a household not registered.
        sel = which == 3
        rich = need(self.rich_pool.draw(rng, cn), "village that is not poor")
        village[sel] = rich
        if not self.registry:
            spare = Pool(self.v_county, n, self.v_households > self.v_registered)
            sv = spare.draw(rng, cn)
            take = (sv >= 0) & self.chance(0.5, n)
            rows_sel = np.flatnonzero(sel)[take]
            hv[rows_sel] = sv[take]
            hpos[rows_sel] = self.some_unregistered(sv[take])
            village[rows_sel] = -1
        # Near miss of CP112: "Housing", which the pack reads as housing.
        sel = which == 4
        purpose[sel] = purpose_code["Housing"]
        # Near miss of CP119: a registered poor household in a village that is not poor.
        sel = which == 5
        elsewhere = Pool(self.v_county, n, ~self.v_poor & (self.v_registered > 0))
        ev = elsewhere.draw(rng, cn)
        ev = np.where(ev >= 0, ev, need(self.registered_pool.draw(rng, cn), "home"))
        hv[sel] = ev
        hpos[sel] = self.some_registered(ev)
        village[sel] = -1
        # A project the government must fund: J…-7 in a poor village, paid once (CP113).
        gov_ids = self.project_ids(self.gov_village, np.full(n, 7, dtype=np.int64))
        self.emit(
            "projects",
            cn,
            keep=gov_project,
            id=gov_ids,
            name=text(n, rows_of(self.v_names, self.gov_village), lit("村委会办公楼")),
            purpose="infrastructure",
            village_id=self.v_ids.take(pa.array(self.gov_village)),
            published_on=np.full(n, day(2015, 9, 15)),
            government_obligated=np.ones(n, dtype=np.bool_),
        )
        gov_project_row = np.full(pc.size, -1, dtype=np.int64)
        gov_project_row[gov_row] = -2  # marks rows paying J…-7 (resolved when written)
        village[gov_row] = -1
        pay(
            fund,
            small,
            purpose,
            day(2015, 12, self.ints(1, 10, pc.size)),
            2,
            project=gov_project_row,
            village=village,
            household=(hv, hpos),
        )
        # The special funds' disbursements (see special_donations).
        s = self.special
        base = self.f_start + self.f_regular
        fp, fq, fr = base, base + 1, base + 2
        pools = self.special_pools
        hardship = purpose_code["hardship_relief"]
        half = s["x"] // 2 // 100 * 100
        pe = s["pe"]
        to_project = self.to_project
        pay(
            fp,
            half,
            np.where(to_project, project_purpose[self.p_purpose[pe]], hardship),
            day(2015, 11, self.ints(1, 30, n)),
            3,
            project=np.where(to_project, pe, -1),
            village=np.where(to_project, -1, s["ve"]),
        )
        elsewhere_amount = s["y"] + (s["x"] - half) // 2
        pay(
            fp,
            elsewhere_amount,
            np.full(n, hardship),
            day(2015, 12, self.ints(1, 10, n)),
            4,
            village=pools[:, 1],
        )
        over = (s["x2"] * 6 + 9) // 10
        pay(
            fq,
            over,
            np.full(n, hardship),
            day(2015, 11, self.ints(1, 30, n)),
            3,
            village=pools[:, 1],
        )
        pay(
            fq,
            over,
            np.full(n, hardship),
            day(2015, 12, self.ints(1, 10, n)),
            4,
            village=pools[:, 3],
        )
        pay(
            fr,
            s["x3"],
            np.full(n, hardship),
            day(2015, 11, self.ints(1, 30, n)),
            3,
            village=pools[:, 2],
        )
        pay(
            fr,
            s["y3"],
            np.full(n, hardship),
            day(2015, 12, self.ints(1, 10, n)),
            4,
            village=pools[:, 3],
        )

        b = {k: np.concatenate(v) for k, v in rows.items()}
        nb = b["fund"].size
        order = np.lexsort((np.arange(nb), b["order"], b["fund"]))
        b = {k: v[order] for k, v in b.items()}
        number = np.arange(nb) - starts_of(np.bincount(b["fund"], minlength=nf))[b["fund"]] + 1
        wb = width_of(int(number.max()) if nb else 1, 3)
        county = self.f_county[b["fund"]]
        ids = self.ids(
            county, lit("B-F"), num(self.f_local[b["fund"]], self.wf), lit("-"), num(number, wb)
        )
        gov = b["project"] == -2
        project_rows = np.where(gov, 0, np.maximum(b["project"], 0))
        project_text = text(
            nb,
            optional(rows_of(self.p_ids, project_rows), b["project"] >= 0),
            optional(rows_of(gov_ids, county), gov),
            valid=(b["project"] >= 0) | gov,
        )
        hv, hpos = b["hv"], b["hpos"]
        households = text(
            nb,
            rows_of(self.household_ids(np.maximum(hv, 0), np.maximum(hpos, 0)), np.arange(nb)),
            valid=hv >= 0,
        )
        purposes = text(nb, pick(V.PURPOSES, b["purpose"]), valid=b["purpose"] != purpose_code[""])
        self.emit(
            "disbursements",
            county,
            id=ids,
            fund_id=self.f_ids.take(pa.array(b["fund"])),
            amount=b["amount"],
            purpose=purposes,
            project_id=project_text,
            village_id=text(
                nb, rows_of(self.v_ids, np.maximum(b["village"], 0)), valid=b["village"] >= 0
            ),
            household_id=households,
            on=b["on"],
        )
        # Planted subjects: where each planted payment went in the sorted rows, by kind.
        sorted_row = np.argsort(order)
        start2 = sum(len(x) for x in rows["fund"][:2])
        where2 = sorted_row[start2 : start2 + pc.size]
        plant_ids = ids.take(pa.array(where2))
        by_kind = [plant_ids.filter(pa.array(which == k)) for k in range(kinds)]
        self.planted.add("CP112", by_kind[0])
        gov_subject = text(n, rows_of(gov_ids, cn), valid=gov_project)
        self.planted.add("CP113", by_kind[1], gov_subject)
        self.planted.add("CP114", by_kind[2])
        self.planted.add("CP119", by_kind[3])
        self.planted.near("CP112", by_kind[4])
        self.planted.near("CP119", by_kind[5])
        fund_rows = b["fund"]
        first_of = starts_of(np.bincount(fund_rows, minlength=nf))
        self.planted.add(
            "CP115",
            self.f_ids.take(pa.array(fp)),
            ids.take(pa.array(first_of[fp] + 1)),
            self.cp115_donation,
        )
        self.planted.add(
            "CP122",
            self.f_ids.take(pa.array(fq)),
            ids.take(pa.array(first_of[fq])),
            ids.take(pa.array(first_of[fq] + 1)),
            sort_from=1,
        )
        self.planted.near("CP115", self.f_ids.take(pa.array(fr)))
        self.planted.near("CP122", self.f_ids.take(pa.array(fr)))
        self.audits(b, fr)

    def audits(self, b: dict[str, Ints], near_fund: Ints) -> None:
        n = self.n
        cn = np.arange(n)
        d = self.donations
        nf = self.f_county.size
        received = np.bincount(d["fund"], weights=d["amount"], minlength=nf).astype(np.int64)
        disbursed = np.bincount(b["fund"], weights=b["amount"], minlength=nf).astype(np.int64)
        last = np.full(nf, 0, dtype=np.int64)
        np.maximum.at(last, d["fund"], d["on"])
        np.maximum.at(last, b["fund"], b["on"])
        on = np.full(nf, day(2015, 12, 20), dtype=np.int64)
        auditor = np.full(nf, V.AU, dtype=np.int64)
        keep = np.ones(nf, dtype=np.bool_)
        # Near miss: audited on the campaign's last day itself.
        on[near_fund] = self.ends[cn]
        # CP118: a fund with no audit, or one that is wrong: other totals, by the finance
        # bureau, after the due day, or before the fund's last movement.
        f = need(
            Pool(self.f_county, n, ~self.f_special & (received > 0)).draw(self.rng, cn), "fund"
        )
        way = self.ints(0, 5, n)
        keep[f[way == 0]] = False
        stated_received = received.copy()
        stated_disbursed = disbursed.copy()
        sel = f[way == 1]
        stated_received[sel] += 50_000
        sel = f[way == 2]
        stated_disbursed[sel] = np.where(
            disbursed[sel] > 10_000, disbursed[sel] - 10_000, disbursed[sel] + 10_000
        )
        auditor[f[way == 3]] = V.DEPARTMENT_IDS.index("D05")
        sel = f[way == 4]
        on[sel] = self.ends[self.f_county[sel]] + self.ints(1, 30, sel.size)
        sel = f[way == 5]
        on[sel] = last[sel] - self.ints(1, 10, sel.size)
        ids = self.ids(self.f_county, lit("A-F"), num(self.f_local, self.wf))
        self.emit(
            "audits",
            self.f_county,
            keep=keep,
            id=ids,
            fund_id=self.f_ids,
            auditor_id=self.d_ids.take(pa.array(self.dept(self.f_county, auditor))),
            on=on,
            received_total=stated_received,
            disbursed_total=stated_disbursed,
        )
        self.planted.add(
            "CP118",
            self.f_ids.take(pa.array(f)),
            text(n, rows_of(ids, f), valid=way != 0),
        )
        self.planted.near("CP118", ids.take(pa.array(near_fund)))

    # -- households ---------------------------------------------------------------------------
    def plant_household(self) -> None:
        """CP110: a registered poor household with no responsible person, per county."""
        cn = np.arange(self.n)
        village = need(self.registered_pool.draw(self.rng, cn), "registered household")
        position = self.some_registered(village)
        self.cp110 = self.v_hstart[village] + position
        self.planted.add("CP110", self.household_ids(village, position))

    def households(self) -> Iterator[pa.Table]:
        """The households, a chunk of at most ``CHUNK_ROWS`` rows at a time."""
        ends = np.cumsum(self.v_households)
        start_v = 0
        chunk = 0
        nv = self.v_households.size
        while start_v < nv:
            limit = (self.v_hstart[start_v] if start_v < nv else 0) + CHUNK_ROWS
            stop_v = int(np.searchsorted(ends, limit, side="right"))
            stop_v = max(stop_v, start_v + 1)
            yield self._households(start_v, stop_v, chunk)
            start_v = stop_v
            chunk += 1

    def _households(self, v0: int, v1: int, chunk: int) -> pa.Table:
        rng = np.random.default_rng([self.plan.entropy, self.batch.index, 2, chunk])
        villages = np.arange(v0, v1)
        hv_local, pos = expand(self.v_households[v0:v1])
        hv = villages[hv_local]
        rows = hv.size
        first = int(self.v_hstart[v0])
        if self.registry:
            registered = np.ones(rows, dtype=np.bool_)
        else:
            registered = np.zeros(rows, dtype=np.bool_)
            kv_local, k = expand(self.v_registered[v0:v1])
            kv = villages[kv_local]
            registered[self.v_hstart[kv] - first + self.registered_position(kv, k)] = True
        county = self.v_county[hv]
        township = self.v_township[hv]
        ids = self.household_ids(hv, pos)
        # Resident ID numbers: a region of the county, a birth date, a sequence, the check.
        year = rng.integers(1940, 1991, rows)
        month = rng.integers(1, 13, rows)
        dom = rng.integers(1, 29, rows)
        body = np.concatenate(
            [
                num(np.full(rows, 500), 3).matrix,
                num(100 + self.number[county] % 900, 3).matrix,
                num(year, 4).matrix,
                num(month, 2).matrix,
                num(dom, 2).matrix,
                num(rng.integers(0, 1000, rows), 3).matrix,
            ],
            axis=1,
        )
        total = np.zeros(rows, dtype=np.int64)
        for i, weight in enumerate(_ID_WEIGHTS):
            total += (body[:, i].astype(np.int64) - 48) * weight
        check = total % 11
        resident = text(rows, Piece(body), pick(_CHECK, check))
        responsible = registered.copy()
        hit = (self.cp110 >= first) & (self.cp110 < first + rows)
        responsible[self.cp110[hit] - first] = False
        cadre = self.cadre_start[township] + np.floor(
            rng.random(rows) * self.cadre_count[township]
        ).astype(np.int64)
        target = schema("households", campaign_column=self.multi)
        values: dict[str, Any] = {
            "campaign_id": self.campaign_ids.take(pa.array(county)),
            "id": ids,
            "village_id": self.v_ids.take(pa.array(hv)),
            "head_name": self.person_names(rows, rng),
            "resident_id": resident,
            "members": pa.array(rng.integers(1, 7, rows).astype(np.int32)),
            "registered_poor": pa.array(registered),
            "responsible_person_id": text(rows, rows_of(self.cadre_ids, cadre), valid=responsible),
        }
        return pa.Table.from_arrays([values[f.name] for f in target], schema=target)
