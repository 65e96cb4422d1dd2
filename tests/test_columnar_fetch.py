"""The columnar engine fetches what its judges read as the object model holds it.

Rows a source's load checks vouched for are made records column by column, without their
constructors: the records equal the object loader's, field by field and type by type. A
round of fetching answers every kind of look-up (by id, by group, a whole table, the
referrers of an id) as the dataset answers it, whichever way its records are made. A
vouched source reports what the object engine reports. The expectations are the object
loader's records and the object model's answers, never the fetcher's own.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import reliefkit as rk
from reliefkit.columnar import check_source, open_source
from reliefkit.columnar._source import Source
from reliefkit.columnar._tables import arrow_table, record_maker, tables
from reliefkit.columnar._view import ANY_TABLE, GROUPINGS, KEYED_TABLES, Cache, Fetcher, LazyView
from reliefkit.models import Dataset
from reliefkit.synth import synth
from reliefkit.testing import datasets

pytest.importorskip("duckdb")
pq = pytest.importorskip("pyarrow.parquet")

# Each example writes a campaign in Parquet and reads it natively (about half a second).
DRAWN = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    max_examples=max(2, settings().max_examples // 60),
)


def write_parquet(dataset: Dataset, folder: Path) -> Path:
    """``dataset`` as a folder of Parquet tables (format v1.1), one file per table."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in tables():
        table = arrow_table(name, dataset.rows(name), dataset.campaign.id)
        pq.write_table(table, folder / f"{name}.parquet")
    (folder / "format.json").write_text(json.dumps({"format": "reliefkit", "version": "1.1"}))
    return folder


def typed(record: Any) -> tuple[Any, ...]:
    """A record's fields with their types, and its repr (money to the fen, days as days)."""
    fields = tuple(
        (f.name, type(getattr(record, f.name)), getattr(record, f.name))
        for f in attrs.fields(type(record))
    )
    return (type(record), fields, repr(record))


def native(folder: Path, *, vouched: bool) -> Source:
    """The folder opened by the engine's own reader (not the object loader)."""
    source = open_source(folder)
    assert source.records is None, "the folder was read by the object loader"
    source.vouched = vouched  # type: ignore[attr-defined]
    return source


@DRAWN
@given(datasets())
def test_records_made_without_constructors_equal_the_loaders(dataset: Dataset) -> None:
    """Every table's rows, made records column by column (from Arrow columns and from
    lists of values, as Spark gives them), equal the records the object loader reads from
    the same files, field by field, type by type and repr by repr."""
    with tempfile.TemporaryDirectory() as scratch:
        folder = write_parquet(dataset, Path(scratch) / "campaign")
        (loaded,) = rk.load_campaigns(folder).values()
        source = native(folder, vouched=True)
        try:
            for name in tables():
                arrow = source.backend.con.sql(  # type: ignore[attr-defined]
                    f'SELECT * FROM "{name}" ORDER BY _row'
                ).to_arrow_table()
                maker = record_maker(name)
                assert maker is not None, name
                lists = {n: arrow[n].to_pylist() for n in arrow.column_names}
                expected = [typed(r) for r in loaded.rows(name)]
                assert [typed(r) for r in maker.build(arrow, arrow.num_rows) or ()] == expected
                assert [typed(r) for r in maker.build(lists, arrow.num_rows) or ()] == expected
        finally:
            source.close()


def _ids(dataset: Dataset) -> list[str]:
    return [r.id for t in KEYED_TABLES if t != "campaign" for r in dataset.rows(t)]


@st.composite
def asked(draw: st.DrawFn, dataset: Dataset) -> dict[str, Any]:
    """Look-ups of every kind on ``dataset``: some of its ids and one it lacks, groups by
    keys its records hold (and one none does), whole tables, referrers of ids."""
    ids = _ids(dataset)
    some = st.lists(st.sampled_from(ids), max_size=6, unique=True) if ids else st.just([])
    groups = []
    for name in draw(st.lists(st.sampled_from(sorted(GROUPINGS)), max_size=4, unique=True)):
        table, field = GROUPINGS[name]
        keys = sorted({getattr(r, field) for r in dataset.rows(table)} - {None}, key=str)
        key = draw(st.sampled_from(keys)) if keys else "no-such-key"
        groups.append((name, key))
    return {
        "ids": [*draw(some), "no-such-id"],
        # An id asked for in a table it is not in (it is found wherever it is).
        "misplaced": draw(st.sampled_from(ids)) if ids else None,
        "groups": [*groups, ("donations_by_fund", "no-such-fund")],
        "rows": draw(st.lists(st.sampled_from(list(tables())[1:]), max_size=3, unique=True)),
        "referrers": draw(some),
    }


def fill_and_compare(source: Source, dataset: Dataset, asks: dict[str, Any], vouched: bool) -> None:
    """Ask for everything in ``asks`` on one campaign's cache, fill it, and compare what
    the cache answers with what the dataset answers."""
    cache = Cache(source.campaigns[dataset.campaign.id])
    for record_id in asks["ids"]:
        cache.want_ids[record_id] = ANY_TABLE
    misplaced = asks["misplaced"]
    if misplaced is not None:
        elsewhere = "funds" if dataset.table_of(misplaced) != "funds" else "donors"
        cache.want_ids[misplaced] = frozenset({elsewhere})
    cache.want_groups = set(asks["groups"])
    cache.want_rows = set(asks["rows"])
    cache.want_referrers = set(asks["referrers"])
    Fetcher(source.backend, source.records, vouched=vouched).fill({dataset.campaign.id: cache})
    view = LazyView(cache)
    for record_id in [*asks["ids"], *([misplaced] if misplaced else [])]:
        assert view.get(record_id) == dataset.get(record_id)
        assert view.table_of(record_id) == dataset.table_of(record_id)
    for name, key in asks["groups"]:
        assert view.group(name, key) == dataset.group(name, key)
    for table in asks["rows"]:
        assert view.rows(table) == dataset.rows(table)
    for record_id in asks["referrers"]:
        assert view.referrers(record_id) == dataset.referrers(record_id)
    assert not view.dirty
    assert not cache.wanting


@DRAWN
@given(datasets().flatmap(lambda d: st.tuples(st.just(d), asked(d))))
def test_a_fill_answers_as_the_dataset(drawn: tuple[Dataset, dict[str, Any]]) -> None:
    """What filling a campaign's cache puts there (records by id and their tables, groups,
    whole tables, referrers) is what the dataset answers, whether the records are the
    source's own (a dataset), made column by column (vouched rows) or by their
    constructors; and nothing is left wanting."""
    dataset, asks = drawn
    held = open_source(dataset)
    try:
        fill_and_compare(held, dataset, asks, vouched=False)
    finally:
        held.close()
    with tempfile.TemporaryDirectory() as scratch:
        source = native(write_parquet(dataset, Path(scratch) / "c"), vouched=False)
        try:
            fill_and_compare(source, dataset, asks, vouched=True)
            fill_and_compare(source, dataset, asks, vouched=False)
        finally:
            source.close()


def test_vouched_counties_report_as_objects(tmp_path: Path) -> None:
    """Synthetic counties (with their near misses) read natively, their rows vouched for
    and made records without constructors, report what the object engine reports of the
    object loader's records."""
    folder = tmp_path / "counties"
    synth(folder, households=500, counties=2, seed=11, format="parquet")
    expected = rk.check(rk.load_campaigns(folder), as_of="2015-12-31")
    source = native(folder, vouched=True)
    try:
        got = check_source(source, as_of="2015-12-31")
    finally:
        source.close()
    assert list(got) == list(expected.reports)
    for key, report in expected.reports.items():
        assert got[key].to_dict() == report.to_dict()
        assert [(f.code, f.subjects, f.message, repr(f.evidence)) for f in got[key].findings] == [
            (f.code, f.subjects, f.message, repr(f.evidence)) for f in report.findings
        ]
