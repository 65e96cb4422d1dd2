"""Load-time checks of a folder of Parquet tables read natively (or of CSV files: the first
pass is :mod:`._csv`'s): the ``LoadError`` the object loader (:func:`reliefkit.load_campaigns`)
gives for the same folder, found with the engine.

The object loader is the specification; its own functions word every problem. Four passes:

1. The files and their headers (:func:`read_files`): the object loader's readers over
   ``format.json``, the folder's listing and each file's schema (metadata only), so problems
   of a file or a column are its own. A folder whose columns the engine cannot read as they
   are — a header under an alias, a date or amount spelled as text, a column of a type the
   format refuses, a file that cannot be read — is not native: the object loader reads it.
2. The rows (:mod:`._check_rows`): one set-based query per table finds every row the object
   loader could refuse, or read other than the engine holds it (a superset: a required cell
   that is empty, a kind outside its enum, a count outside its range, an id holding a
   resident ID number…); only those rows, and the campaign table, go through the object
   loader's own row path (``Router``: cells, records, campaigns), which decides.
3. The references (:mod:`._check_ids`): duplicate ids, ids naming no record or a record of
   the wrong table, second records of a key, ids used by two campaigns — anti-joins and
   ``GROUP BY … HAVING`` over the rows that built, each problem placed and worded as the
   object loader places and words it.
4. One ``LoadError`` with every problem, in the object loader's order (by file, then row).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from reliefkit.columnar._tables import ROW, SQL_TYPES
from reliefkit.exceptions import LoadError, LoadProblem
from reliefkit.io._aliases import resolve_header
from reliefkit.io._assemble import in_order
from reliefkit.io._parquet import ParquetTable, read_parquet
from reliefkit.io._route import CAMPAIGN_ID
from reliefkit.io._schema import SCHEMA, Table
from reliefkit.io._source import RawTable, Reading
from reliefkit.io._v11 import FORMAT_FILE, _check_format, _list

if TYPE_CHECKING:
    import pyarrow as pa

    from reliefkit.columnar._backend import Backend

_STRINGS = frozenset({"id", "ids", "text", "enum", "resident_id"})


class NotNative(Exception):
    """The folder holds cells the object loader reads by normalising them (an id with
    spaces around it, a kind in capitals, a list with empty items): the engine does not
    hold them as the object loader does, so the object loader reads the folder."""


@attrs.define
class Files:
    """What the first pass found: the object loader's reading of the files (header-level
    problems and notices), each table's columns as read with their Parquet types, and
    whether the engine reads the folder as it is."""

    folder: Path
    reading: Reading
    raws: dict[str, RawTable]
    types: dict[str, dict[str, pa.DataType]]
    native: bool
    suffix: str = ".parquet"
    """How the folder's table files end (``.parquet``, ``.csv``): problems name them."""
    texts: Callable[[str, list[int]], dict[int, Mapping[str, Any]]] | None = None
    """For a source of text (CSV), a table's rows as its reader gives their cells, by
    ``_row``: what the object loader's row path is given (the engine holds typed values)."""
    suspects: dict[str, str] = attrs.Factory(dict)
    """Per table, SQL of more rows to give the object loader's row path (a cell not in its
    canonical spelling)."""

    def read(self, name: str) -> Mapping[str, pa.DataType]:
        """The columns of table ``name`` that the object loader reads, with their types."""
        return self.types.get(name, {})

    def unbuildable(self, name: str) -> bool:
        """Whether the object loader builds no record of the table (a required column is
        missing: each row is reported for its own cells only)."""
        raw = self.raws.get(name)
        return raw is not None and bool(raw.missing - {CAMPAIGN_ID})


def _native_type(kind: str, type_: pa.DataType) -> bool:
    """Whether the engine reads a column of this Parquet type as the object loader does."""
    import pyarrow as pa

    types = pa.types
    if types.is_null(type_):
        return True
    if kind in _STRINGS:
        if types.is_dictionary(type_):
            type_ = type_.value_type
        return bool(types.is_string(type_) or types.is_large_string(type_))
    if kind == "date":
        return bool(types.is_date32(type_))
    if kind == "money":
        return bool(types.is_integer(type_) or (types.is_decimal(type_) and 0 <= type_.scale <= 2))
    if kind == "bool":
        return bool(types.is_boolean(type_))
    if kind == "int":
        return bool(types.is_integer(type_))
    return False


def _columns(table: Table, schema: pa.Schema) -> dict[str, pa.DataType] | None:
    """The format's columns a file holds, with their types; ``None`` when a header is not
    the column's own name (an alias, spaces around it, a column twice) or a column is of a
    type the engine would read otherwise."""
    out: dict[str, pa.DataType] = {}
    for i, name in enumerate(schema.names):
        column = resolve_header(table, name.strip())
        if column is None:
            continue  # an unknown column: a notice, not read
        found = table.column(column)
        type_ = schema.field(i).type
        if column != name or column in out or found is None:
            return None
        if not _native_type(found.cell, type_):
            return None
        out[column] = type_
    return out


def read_files(folder: Path) -> Files:
    """The first pass: the folder's files and headers as the object loader reads them."""
    import pyarrow.parquet as pq

    reading = Reading(source=str(folder), campaign_file="campaign.parquet")
    _check_format(folder, reading)
    kind, found = _list(folder, reading)
    native = kind == "parquet" and (folder / FORMAT_FILE).is_file()
    types: dict[str, dict[str, pa.DataType]] = {}
    for name, table in found.items():
        if not native:
            break
        assert isinstance(table, ParquetTable)
        read_parquet(table, folder, reading)  # problems of the file and its header; no row
        try:
            columns = _columns(table, pq.read_schema(folder / table.file))
        except Exception:  # unreadable: the object loader says why
            columns = None
        if columns is None:
            native = False
        else:
            types[name] = columns
    reading.close()
    raws = {raw.table.name: attrs.evolve(raw, rows=()) for raw in reading.tables}
    reading.tables.clear()  # the streams are never read here
    campaign = raws.get("campaign")
    native = (
        native
        and not reading.unread
        and set(raws) == set(found)
        and campaign is not None
        and not campaign.missing
        and all(CAMPAIGN_ID not in raw.missing for raw in raws.values())
    )
    return Files(folder, reading, raws, types, native)


def empty_table(backend: Backend, name: str) -> tuple[str, set[str]]:
    """A relation holding no row of table ``name`` (its file is not in the folder: the
    object loader reads no record of it), and its columns."""
    columns = [("campaign_id", "STRING")]
    columns += [(c.name, SQL_TYPES[c.cell]) for c in SCHEMA[name].columns]
    columns.append((ROW, "BIGINT"))
    typed = ", ".join(f'CAST(NULL AS {t}) AS "{c}"' for c, t in columns)
    relation = f"_rk_empty_{name}"
    backend.view(relation, f"SELECT {typed} FROM (VALUES (1)) AS v(x) WHERE FALSE")
    return relation, {c for c, _ in columns}


def check_rows(backend: Backend, files: Files) -> None:
    """Passes 2 to 4 over the tables the backend holds: raises the object loader's
    ``LoadError``, or :class:`NotNative` when the object loader should read the folder."""
    from reliefkit.columnar._check_ids import reference_problems
    from reliefkit.columnar._check_rows import route_rows

    reading = files.reading
    routed = route_rows(backend, files)
    # References are checked whatever else is wrong, as the object loader checks them: a
    # problem of a cell does not hide one of a reference.
    found = reference_problems(backend, files, routed)
    if files.suffix != ".parquet":
        found = [_renamed(problem, files.suffix) for problem in found]
    everything = reading.problems + routed.problems + found
    if everything:
        order = {FORMAT_FILE: -1} | {f"{name}{files.suffix}": i for i, name in enumerate(SCHEMA)}
        in_order(everything, order, len(order))
        raise LoadError(reading.source, everything)


def _renamed(problem: LoadProblem, suffix: str) -> LoadProblem:
    """A problem of the references, which name a table's file as ``NAME.parquet``, naming it
    ``NAME`` + ``suffix`` (``households.csv``), in its place and its words."""
    file = problem.file
    if file.endswith(".parquet") and file[: -len(".parquet")] in SCHEMA:
        file = file[: -len(".parquet")] + suffix
    expected = problem.expected
    for name in SCHEMA:
        expected = expected.replace(f"({name}.parquet)", f"({name}{suffix})")
    return attrs.evolve(problem, file=file, expected=expected)
