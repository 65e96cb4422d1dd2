"""The third pass of the load-time checks: ids and references, over the records that built.

What ``Dataset.build`` checks in each campaign (an id used twice, a reference naming no
record or a record of a table it may not name, a second record of a synthetic key) and what
the loader checks across campaigns (an id used by two of them), as set-based queries: a
``GROUP BY … HAVING`` finds the ids used more than once, an anti-join the references that
do not resolve. Only what they return is worded, in Python, exactly as the object loader
words and places it (``_locate``: a duplicate on its later rows, a reference on its row).

Cheap at scale: nothing of the size of the source is materialised (the ids of every table
are a view, scanned once to group them by a hash of the id, and then only where a hash is
seen twice), and with ids unique each reference is anti-joined only to the ids of the
tables it may name (the villages for a household's village, not every id of the source);
what a failing reference names instead is looked up for those few alone.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from reliefkit._privacy import Personal
from reliefkit.columnar._check_rows import Routed
from reliefkit.columnar._check_sql import literal, relation
from reliefkit.columnar._checks import Files
from reliefkit.columnar._tables import ROW, keyed
from reliefkit.exceptions import LoadProblem
from reliefkit.io._schema import SCHEMA
from reliefkit.models import TABLES
from reliefkit.models._dataset import _SECOND

if TYPE_CHECKING:
    from reliefkit.columnar._backend import Backend

_ORDER = {name: i for i, name in enumerate(SCHEMA)}
_NAMES = list(SCHEMA)
# The synthetic key of each table without an id: its record's ``id``, in SQL.
SYNTHETIC = {
    "pairings": '"department_id" || \'~\' || "partner_id"',
    "exit_plans": '"village_id" || \'@\' || CAST("adopted_on" AS STRING)',
    "work_plans": "\"township_id\" || '#plan'",
    "waivers": '"code" || \':\' || "subject_id"',
}

Found = tuple[tuple[int, int, int, int, int], LoadProblem]
"""A problem with its place in the object loader's order: (file, row, phase, field, item)."""


def _file(name: str) -> str:
    return f"{name}.parquet"


def _built(name: str) -> str:
    return f'"_rk_built_{name}"'


def _refs(name: str) -> list[tuple[int, str, tuple[str, ...], bool]]:
    """The reference fields of a table, in order: position, name, tables it may name,
    whether it holds a list of ids."""
    import attrs

    out = []
    for i, field in enumerate(attrs.fields(TABLES[name])):
        refs = field.metadata.get("refs")
        if refs:
            out.append((i, field.name, tuple(refs), field.metadata.get("cell") == "ids"))
    return out


class _Ids:
    """The relations of the records that built, and the ids they hold."""

    def __init__(self, backend: Backend, files: Files, routed: Routed) -> None:
        self.backend = backend
        unbuilt = [(name, number - 1) for name, rows in routed.unbuilt.items() for number in rows]
        relation(backend, "_rk_unbuilt", [("tab", "STRING"), (ROW, "BIGINT")], unbuilt)
        self.tables = [
            name
            for name in SCHEMA
            if name != "campaign" and name in files.raws and not files.unbuildable(name)
        ]
        # A row naming a campaign the object loader did not read was suspect (pass 2) and
        # did not build, and one naming none is blank or did not build: when every campaign
        # was read, no join to the campaigns is needed over every row of every table.
        known = backend.rows("SELECT count(*) FROM _rk_known")[1][0][0]
        every = known == len(routed.campaigns)
        for name in self.tables:
            where = [
                "campaign_id IS NOT NULL"
                if every
                else "campaign_id IN (SELECT campaign_id FROM _rk_good)"
            ]
            if routed.unbuilt.get(name):
                where.append(
                    f"{ROW} NOT IN (SELECT {ROW} FROM _rk_unbuilt WHERE tab = {literal(name)})"
                )
            backend.view(f"_rk_built_{name}", f'SELECT * FROM "{name}" WHERE {" AND ".join(where)}')
        self.keyed = [name for name in self.tables if keyed(SCHEMA[name])]
        skipped = [(key, i) for key, ids in routed.skipped.items() for i in ids]
        pairs = [("campaign_id", "STRING"), ("id", "STRING")]
        relation(backend, "_rk_skipped_rows", pairs, skipped)
        parts = ["SELECT campaign_id, id FROM _rk_skipped_rows"]
        for name in SCHEMA:
            if name in files.raws and files.unbuildable(name) and keyed(SCHEMA[name]):
                parts.append(
                    f'SELECT campaign_id, "id" AS id FROM "{name}" WHERE "id" IS NOT NULL '
                    "AND campaign_id IN (SELECT campaign_id FROM _rk_good)"
                )
        self.any_skipped = bool(skipped) or len(parts) > 1
        # Small unless a table builds no record at all (then its ids, which few look up).
        backend.materialise("_rk_skipped", " UNION ALL ".join(parts))
        # A view, not a table: at the nation a copy of every id would be gigabytes, and it
        # is read whole only once (by ``_twice``).
        ids = [f"SELECT campaign_id, campaign_id AS id, 0 AS t, {ROW} FROM _rk_good"]
        ids += [
            f'SELECT campaign_id, "id" AS id, {_ORDER[name]} AS t, {ROW} FROM {_built(name)}'
            for name in self.keyed
        ]
        backend.view("_rk_ids", " UNION ALL ".join(ids))

    def count(self) -> int:
        """How many ids there are, at most (the rows of the tables with ids, and the
        campaigns): from the tables' counts, without reading the ids."""
        counts = [f'SELECT count(*) AS n FROM "{name}"' for name in self.keyed]
        counts.append("SELECT count(*) AS n FROM _rk_good")
        return int(
            self.backend.rows(f"SELECT sum(n) FROM ({' UNION ALL '.join(counts)}) c")[1][0][0]
        )

    def ids_of(self, tables: Iterable[str]) -> str:
        """A relation of ``campaign_id, id`` of the records of ``tables`` that built (``""``
        when none of them was built or has an ``id``)."""
        return " UNION ALL ".join(
            f'SELECT campaign_id, "id" AS id FROM {_built(name)}'
            for name in tables
            if name in self.keyed
        )


def _twice(ids: _Ids) -> tuple[list[Found], str]:
    """Ids used more than once: in one campaign (``Dataset.build``: on every record after
    the first, or on every record for the campaign's own id) and across campaigns (the
    first campaign keeps an id); and how unique ids are: ``"source"`` (no id used twice
    anywhere, the campaigns' own included), ``"campaign"`` (none twice in a campaign's
    tables) or ``""``."""
    # Grouped by a hash of the id (a whole number: a smaller and faster table than one of
    # the texts); the rows of a hash seen twice are the candidates, and an id is used twice
    # when it is on two of them (the rows of an id are all there: they share its hash).
    # In parts by hash when the ids are too many for one hash table in memory.
    parts = ids.backend.groups_for(ids.count())
    candidates: list[tuple[Any, ...]] = []
    for part in range(parts):
        mine = f"WHERE hash(id) % {parts} = {part}" if parts > 1 else ""
        also = f"AND hash(id) % {parts} = {part} " if parts > 1 else ""
        candidates += ids.backend.rows(
            f"WITH twice AS (SELECT hash(id) AS h FROM _rk_ids {mine} GROUP BY hash(id) "
            "HAVING count(*) > 1) "
            f"SELECT campaign_id, id, t, {ROW} FROM _rk_ids "
            f"WHERE hash(id) IN (SELECT h FROM twice) {also}"
        )[1]
    uses: defaultdict[str, int] = defaultdict(int)
    for row in candidates:
        uses[row[1]] += 1
    rows = [row for row in candidates if uses[row[1]] > 1]
    rows.sort(key=lambda r: (r[0], r[2], r[3]))
    found: list[Found] = []
    groups: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    for campaign, rid, t, row in rows:
        if t:  # the campaign's own record is not one of its tables' records
            groups[campaign, rid].append((t, int(row) + 1))
    for (campaign, rid), places in groups.items():
        for k, (t, number) in enumerate(places):
            if rid == campaign or k:
                used = "campaign" if rid == campaign else _NAMES[places[0][0]]
                problem = LoadProblem(
                    _file(_NAMES[t]), number, "id", rid, f"id already used in {used}"
                )
                found.append(((t, number, 0, 0, 0), problem))
    owner: dict[str, tuple[str, int]] = {}
    for campaign, rid, t, row in rows:
        other = owner.setdefault(rid, (campaign, t))
        if other[0] != campaign:
            number = int(row) + 1
            problem = LoadProblem(
                _file(_NAMES[t]),
                number,
                "id",
                rid,
                "an id used once in the whole source: also a record of campaign "
                f"{other[0]!r} ({_file(_NAMES[other[1]])})",
            )
            found.append(((t, number, 3, 0, 0), problem))
    if not rows:
        return found, "source"
    return found, "campaign" if all(len(p) == 1 for p in groups.values()) else ""


def _references(ids: _Ids, unique: str) -> list[Found]:
    """References naming no record, or a record of a table the field may not name (what
    ``Dataset.build`` resolves it to: the first table holding its id; with ids unique in
    each campaign, the only one)."""
    backend = ids.backend
    fields: dict[tuple[int, int], tuple[str, tuple[str, ...], bool]] = {}
    by_targets: defaultdict[tuple[str, ...], list[str]] = defaultdict(list)
    for name in ids.tables:
        t = _ORDER[name]
        for position, field, allowed, listed in _refs(name):
            fields[t, position] = (field, allowed, listed)
            by_targets[allowed].append(_refs_of(backend, name, t, position, field, listed))
    if not fields:
        return []
    if unique:
        rows = _unresolved(ids, unique, by_targets)
    else:
        rows = _misresolved(ids, fields, [q for qs in by_targets.values() for q in qs])
    found: list[Found] = []
    lists: dict[tuple[int, int, int], dict[str, int | None]] = defaultdict(dict)
    for t, f, row, campaign, value, tt in rows:
        field, allowed, listed = fields[t, f]
        where = "campaign" if value == campaign else (None if tt is None else _NAMES[tt])
        if listed:  # worded below, item by item in the list's order
            lists[t, f, int(row)][value] = tt
            continue
        found.append(_reference(t, f, int(row), 0, field, allowed, value, where))
    by_field: dict[tuple[int, int], list[int]] = defaultdict(list)
    for t, f, row in lists:
        by_field[t, f].append(row)
    for (t, f), numbers in by_field.items():
        field, allowed, _ = fields[t, f]
        relation(backend, "_rk_list_rows", [(ROW, "BIGINT")], [(n,) for n in numbers])
        texts = backend.rows(
            f'SELECT {ROW}, "{field}", campaign_id FROM "{_NAMES[t]}" '
            f"WHERE {ROW} IN (SELECT {ROW} FROM _rk_list_rows)"
        )[1]
        for row, text, campaign in texts:
            bad = lists[t, f, int(row)]
            items = [item for item in str(text).split(";") if item]
            for k, item in enumerate(items):
                if item in bad:
                    tt = bad[item]
                    where = "campaign" if item == campaign else (None if tt is None else _NAMES[tt])
                    found.append(_reference(t, f, int(row), k, field, allowed, item, where))
    return found


def _refs_of(backend: Backend, name: str, t: int, position: int, field: str, listed: bool) -> str:
    """The references of one field of the records that built: ``t, f, r`` (the field, the
    record's row), ``campaign_id`` and the id named, ``v``; one row per id of a list."""
    head = f"SELECT {t} AS t, {position} AS f"
    if listed:  # one row per id of a list, numbered by its row
        numbered = f"_rk_rows_{name}__{field}"
        backend.view(
            numbered,
            f'SELECT campaign_id, CAST({ROW} AS STRING) AS "id", "{field}" FROM {_built(name)}',
        )
        split = backend.split_ids(numbered, field)
        return f"{head}, CAST(l.id AS BIGINT) AS r, l.campaign_id, l.item AS v FROM ({split}) l"
    return (
        f'{head}, {ROW} AS r, campaign_id, "{field}" AS v FROM {_built(name)} '
        f'WHERE "{field}" IS NOT NULL'
    )


def _unresolved(
    ids: _Ids, unique: str, by_targets: Mapping[tuple[str, ...], list[str]]
) -> list[tuple[Any, ...]]:
    """With ids unique in each campaign: the references naming no record of a table they may
    name (each anti-joined to the ids of those tables alone), or their campaign; with the
    table each one names instead (``None``: no record), found for those few alone."""
    backend = ids.backend
    queries = []
    for targets, refs in by_targets.items():
        union = " UNION ALL ".join(refs)
        if "*" in targets:
            named = "SELECT campaign_id, id FROM _rk_ids WHERE t > 0"
        else:
            named = ids.ids_of(targets)
        if not named:  # no record of a table it may name: every reference fails
            queries.append(f"SELECT t, f, r, campaign_id, v FROM ({union}) x")
            continue
        # With ids unique in the whole source, the id alone finds the record (a join on
        # one text is cheaper than on two); it must be of the same campaign.
        on, elsewhere = "a.campaign_id = x.campaign_id AND a.id = x.v", ""
        if unique == "source":
            on, elsewhere = "a.id = x.v", " OR a.campaign_id <> x.campaign_id"
        queries.append(
            f"SELECT x.t, x.f, x.r, x.campaign_id, x.v FROM ({union}) x "
            f"LEFT JOIN ({named}) a ON {on} "
            f"WHERE a.id IS NULL OR x.v = x.campaign_id{elsewhere}"
        )
    failed = backend.rows(" UNION ALL ".join(queries))[1]
    if not failed:
        return []
    pairs = sorted({(campaign, value) for _, _, _, campaign, value in failed})
    relation(backend, "_rk_named", [("campaign_id", "STRING"), ("id", "STRING")], pairs)
    where: dict[tuple[str, str], int] = {
        (campaign, value): tt
        for campaign, value, tt in backend.rows(
            "SELECT n.campaign_id, n.id, min(i.t) FROM _rk_named n JOIN _rk_ids i "
            "ON i.campaign_id = n.campaign_id AND i.id = n.id WHERE i.t > 0 "
            "GROUP BY n.campaign_id, n.id"
        )[1]
    }
    skipped: set[tuple[str, str]] = set()
    if ids.any_skipped:  # a reference to a record whose row was refused is not reported
        skipped = set(
            backend.rows(
                "SELECT DISTINCT n.campaign_id, n.id FROM _rk_named n JOIN _rk_skipped s "
                "ON s.campaign_id = n.campaign_id AND s.id = n.id"
            )[1]
        )
    out = []
    for t, f, row, campaign, value in failed:
        tt = where.get((campaign, value))
        if value != campaign and tt is None and (campaign, value) in skipped:
            continue
        out.append((t, f, row, campaign, value, tt))
    return out


def _misresolved(
    ids: _Ids,
    fields: Mapping[tuple[int, int], tuple[str, tuple[str, ...], bool]],
    refs: list[str],
) -> list[tuple[Any, ...]]:
    """With an id used twice in a campaign: every reference joined to the first table
    holding its id in its campaign, the wrong ones kept, each with that table."""
    allowed_sql = []
    for (t, position), (_, allowed, _) in fields.items():
        if "*" not in allowed:  # any record: resolving is enough
            targets = ", ".join(str(_ORDER[a]) for a in allowed)
            allowed_sql.append(f"WHEN x.t = {t} AND x.f = {position} THEN x.tt IN ({targets})")
    fits = f"CASE {' '.join(allowed_sql)} ELSE TRUE END" if allowed_sql else "TRUE"
    wrong = f"(x.v = x.campaign_id OR x.tt IS NULL OR NOT ({fits}))"
    skip = ""
    if ids.any_skipped:  # a reference to a record whose row was refused is not reported
        skip = (
            " LEFT JOIN (SELECT DISTINCT campaign_id, id FROM _rk_skipped) s "
            "ON s.campaign_id = x.campaign_id AND s.id = x.v AND x.tt IS NULL "
            "AND x.v <> x.campaign_id"
        )
        wrong += " AND s.id IS NULL"
    first = "SELECT campaign_id, id, min(t) AS tt FROM _rk_ids WHERE t > 0 GROUP BY campaign_id, id"
    return ids.backend.rows(
        f"WITH refs AS ({' UNION ALL '.join(refs)}), first AS ({first}), "
        "x AS (SELECT refs.*, first.tt FROM refs LEFT JOIN first "
        "ON first.campaign_id = refs.campaign_id AND first.id = refs.v) "
        f"SELECT x.t, x.f, x.r, x.campaign_id, x.v, x.tt FROM x{skip} WHERE {wrong}"
    )[1]


def _reference(
    t: int,
    f: int,
    row: int,
    k: int,
    field: str,
    allowed: tuple[str, ...],
    value: str,
    where: str | None,
) -> Found:
    """A reference's problem as ``Dataset.build`` words it, placed on its row."""
    wanted = "any record" if "*" in allowed else " or ".join(allowed)
    what = "unknown id" if where is None else f"an id of {where}"
    number = row + 1
    problem = LoadProblem(
        _file(_NAMES[t]), number, field, value, f"{what}; expected an id of {wanted}"
    )
    return (t, number, 1, f, k), problem


def _seconds(ids: _Ids) -> list[Found]:
    """Second (and later) records of a synthetic key, on their rows."""
    parts = []
    for name, key in SYNTHETIC.items():
        field = _SECOND[name][1]
        if name not in ids.tables:
            continue
        parts.append(
            f"SELECT {_ORDER[name]} AS t, b.campaign_id, b.k, b.{ROW}, b.v FROM "
            f'(SELECT campaign_id, {key} AS k, {ROW}, CAST("{field}" AS STRING) AS v '
            f"FROM {_built(name)}) b "
            f"JOIN (SELECT campaign_id, {key} AS k FROM {_built(name)} "
            f"GROUP BY campaign_id, {key} HAVING count(*) > 1) d "
            "ON b.campaign_id = d.campaign_id AND b.k = d.k"
        )
    if not parts:
        return []
    rows = ids.backend.rows(" UNION ALL ".join(parts))[1]
    rows.sort(key=lambda r: (r[0], r[1], r[2], r[3]))
    found: list[Found] = []
    first: set[tuple[int, str, str]] = set()
    for t, campaign, key, row, value in rows:
        if (t, campaign, key) not in first:
            first.add((t, campaign, key))
            continue
        name = _NAMES[t]
        number = int(row) + 1
        _, field, what = _SECOND[name]
        problem = LoadProblem(_file(name), number, field, value, what)
        found.append(((t, number, 2, 0, 0), problem))
    return found


def reference_problems(backend: Backend, files: Files, routed: Routed) -> list[LoadProblem]:
    """Pass 3: the problems of ids and references, in the object loader's order."""
    ids = _Ids(backend, files, routed)
    found, unique = _twice(ids)
    found += _references(ids, unique)
    found += _seconds(ids)
    found.sort(key=lambda f: f[0])
    return _with_personal(backend, found)


def _with_personal(backend: Backend, found: list[Found]) -> list[LoadProblem]:
    """The problems, each marked with its row's personal values (a name typed into an id
    is shown masked), as the object loader marks them."""
    from reliefkit.io._assemble import _personal_columns, personal_problem

    rows: defaultdict[int, set[int]] = defaultdict(set)
    for (t, number, *_), _problem in found:
        if _personal_columns(SCHEMA[_NAMES[t]]):
            rows[t].add(number - 1)
    values: dict[tuple[int, int], list[tuple[str, Personal]]] = {}
    for t, numbers in rows.items():
        columns = _personal_columns(SCHEMA[_NAMES[t]])
        relation(backend, "_rk_personal_rows", [(ROW, "BIGINT")], [(n,) for n in sorted(numbers)])
        names = ", ".join(f'"{name}"' for _, name, _ in columns)
        _, got = backend.rows(
            f'SELECT {ROW}, {names} FROM "{_NAMES[t]}" '
            f"WHERE {ROW} IN (SELECT {ROW} FROM _rk_personal_rows)"
        )
        for row, *cells in got:
            values[(t, int(row))] = [
                (cell, kind)
                for cell, (_, _, kind) in zip(cells, columns, strict=True)
                if isinstance(cell, str) and cell
            ]
    out = []
    for (t, number, *_), problem in found:
        personal = values.get((t, number - 1))
        if personal:
            problem = personal_problem(
                problem.file,
                problem.row,
                problem.column,
                problem.value,
                problem.expected,
                personal,
            )
        out.append(problem)
    return out
