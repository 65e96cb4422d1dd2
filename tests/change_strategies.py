"""Hypothesis strategies for changes to a dataset: records to add, replace and remove.

Test-side only. A change is drawn so that it usually fits the dataset (references name
records that stay; removals take a record together with every record that refers to it),
and its values are drawn where the rules read (purposes, flags, dates, amounts, references),
so that changes break and fix rules alike. The expectation of a law never comes from here:
it comes from ``check`` of the dataset before and after ``Dataset.change``.
"""

from __future__ import annotations

from typing import Any

import attrs
import pendulum
from hypothesis import strategies as st

from reliefkit.models import TABLES, Dataset, Money

KEYED_TABLES = {t for t, cls in TABLES.items() if "id" in attrs.fields_dict(cls)}

_PURPOSES = ("housing", "education_aid", "meals", "travel", "government_investment", "other", "")
_AMOUNTS = ("0", "1", "50", "3860", "20000", "900000")


def _records(data: Dataset) -> list[Any]:
    return [r for r in data.records() if type(r).table != "campaign"]


def _ids_of(data: Dataset, refs: tuple[str, ...], avoid: set[str]) -> list[str]:
    tables = data.tables() if "*" in refs else {t: data.tables()[t] for t in refs}
    return sorted(
        r.id for t, rs in tables.items() if t != "campaign" for r in rs if r.id not in avoid
    )


def _value(draw: Any, data: Dataset, field: attrs.Attribute[Any], avoid: set[str]) -> Any:
    """A new value for one field, of the kind the field holds."""
    meta = field.metadata
    cell = meta.get("cell")
    day0 = data.campaign.starts_on
    if cell == "id" and meta.get("refs"):
        choices: list[Any] = _ids_of(data, meta["refs"], avoid)
        if not meta.get("required"):
            choices.append(None)
        return draw(st.sampled_from(choices)) if choices else st.nothing()
    if cell == "ids":
        pool = _ids_of(data, meta["refs"], avoid)
        return tuple(draw(st.lists(st.sampled_from(pool), max_size=2, unique=True))) if pool else ()
    if cell == "bool":
        return draw(st.sampled_from([True, False] + ([] if meta.get("required") else [None])))
    if cell == "money":
        return Money(draw(st.sampled_from(_AMOUNTS)))
    if cell == "date":
        return day0.add(days=draw(st.integers(-20, 150)))
    if cell == "enum":
        return draw(st.sampled_from(list(meta["enum"])))
    if field.name == "purpose":
        return draw(st.sampled_from(_PURPOSES)) or None
    return st.nothing()


@st.composite
def edited(draw: Any, data: Dataset, record: Any, avoid: set[str]) -> Any:
    """``record`` with one or two fields changed (its id unchanged)."""
    fields = [
        f
        for f in attrs.fields(type(record))
        if (f.name != "id" and f.metadata.get("cell") not in (None, "count", "text"))
        or f.name == "purpose"
    ]
    new = record
    if not fields:
        return new
    for field in draw(st.lists(st.sampled_from(fields), min_size=1, max_size=2, unique=True)):
        value = _value(draw, data, field, avoid)
        if isinstance(value, st.SearchStrategy):
            continue
        try:
            candidate = attrs.evolve(new, **{field.name: value})
        except (ValueError, TypeError):
            continue  # a value the record refuses on its own (a date before its start)
        if candidate.id == record.id:
            new = candidate
    return new


def _closure(data: Dataset, record_id: str) -> list[str]:
    """The id and the ids of every record referring to it, transitively."""
    out: dict[str, None] = {record_id: None}
    todo = [record_id]
    while todo:
        for _, rid, _ in data.referrers(todo.pop()):
            if rid not in out:
                out[rid] = None
                todo.append(rid)
    return list(out)


@st.composite
def changes(draw: Any, data: Dataset, *, max_each: int = 2) -> dict[str, list[Any]]:
    """A change to ``data``: ``records`` to add, ``replace`` records, ``remove`` ids."""
    pool = _records(data)
    remove: list[str] = []
    for record in draw(st.lists(st.sampled_from(pool), max_size=max_each, unique_by=id)):
        closure = _closure(data, record.id)
        if len(closure) <= 6:
            remove += [i for i in closure if i not in remove]
    gone = set(remove)
    replace: list[Any] = []
    candidates = [r for r in pool if r.id not in gone]
    for record in draw(st.lists(st.sampled_from(candidates), max_size=max_each, unique_by=id)):
        new = draw(edited(data, record, gone))
        if new != record and all(r.id != new.id for r in replace):
            replace.append(new)
    records: list[Any] = []
    keyed = [r for r in candidates if type(r).table in KEYED_TABLES]
    for i, record in enumerate(
        draw(st.lists(st.sampled_from(keyed), max_size=max_each, unique_by=id))
    ):
        copy = attrs.evolve(record, id=f"NEW-{i}-{record.id}")
        records.append(draw(edited(data, copy, gone)))
    return {"records": records, "replace": replace, "remove": remove}


AS_OFS = ("2015-10-10", "2015-10-18", "2015-12-31", "2016-03-01")


def as_ofs() -> st.SearchStrategy[pendulum.Date]:
    """Days to look on, around the deadlines."""
    return st.sampled_from([pendulum.Date.fromisoformat(d) for d in AS_OFS])
