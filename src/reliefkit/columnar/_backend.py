"""Where the columnar engine's SQL runs: DuckDB on one machine (the ``columnar`` extra),
or Spark SQL on a cluster (the ``spark`` extra). The rules' statements are the same on both;
only how tables are made (reading files, splitting id lists) differs, here."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from reliefkit.exceptions import EngineError, InvalidValueError

if TYPE_CHECKING:
    import pyarrow as pa

ENGINES = ("duckdb", "spark")


class Backend:
    """A SQL engine holding the source's tables."""

    name = ""

    def rows(self, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
        """Column names and rows of a query."""
        raise NotImplementedError

    def batch(self, queries: Sequence[str]) -> list[list[dict[str, Any]]]:
        """The rows of each query, as dicts (one job where the engine can)."""
        out = []
        for sql in queries:
            names, rows = self.rows(sql)
            out.append([dict(zip(names, row, strict=True)) for row in rows])
        return out

    def register(self, name: str, table: pa.Table) -> None:
        """Make an Arrow table queryable as ``name`` (replacing any before)."""
        raise NotImplementedError

    def materialise(self, name: str, sql: str, *, ordered: bool = False) -> None:
        """``name`` holds the rows of ``sql`` from now on; ``ordered``: in the order ``sql``
        makes them (a file read in order), not in any order."""
        raise NotImplementedError

    def view(self, name: str, sql: str) -> None:
        """``name`` is a view of ``sql`` (replacing any before)."""
        raise NotImplementedError

    def shared(self, name: str, sql: str) -> None:
        """A pack's shared view: a view here; an engine whose planner inlines a view into
        every statement that reads it may compute it once instead."""
        self.view(name, sql)

    def small(self, name: str, sql: str) -> None:
        """``name`` holds the few rows of ``sql`` (literals, or a registered Arrow table): a
        view here; an engine that would plan the literals again in every query reading them,
        and know nothing of their number, may hold them in a table instead."""
        self.view(name, sql)

    def groups_for(self, rows: int) -> int:
        """In how many parts to group ``rows`` rows by a key (each part a query of its
        own), so that one part's hash table fits in memory: one, unless the engine's memory
        is bounded (a cluster spills by itself)."""
        return 1

    def split_ids(self, table: str, column: str) -> str:
        """A query of ``campaign_id, id, item``: one row per id of an id-list column."""
        raise NotImplementedError

    def parquet(self, path: str, row: str) -> tuple[str, set[str]]:
        """A relation reading a Parquet file with each row's place in column ``row``, and
        the file's columns."""
        raise NotImplementedError

    def close(self) -> None:
        """Let go of the engine's resources."""


_UNITS = {"": 1, "b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12}
_UNITS |= {"kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40}


def _physical_memory() -> int:
    """The machine's memory in bytes (8 GiB when it cannot be told)."""
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return 8 << 30


def memory_bytes(limit: str) -> int:
    """A memory limit (``3GB``, ``500MiB``) in bytes; an ``InvalidValueError`` for anything
    else, or for less than 64 MB (too little for DuckDB to start; a county needs about
    256 MB)."""
    text = str(limit).strip().lower().replace(" ", "")
    number = text.rstrip("kmgtib")
    unit = text[len(number) :]
    try:
        value = float(number)
    except ValueError:
        value = -1.0
    if unit not in _UNITS or value <= 0:
        raise InvalidValueError(
            f"memory_limit={limit!r}: expected an amount such as 3GB or 500MB"
        ) from None
    size = int(value * _UNITS[unit])
    if size < 64 * 10**6:
        raise InvalidValueError(f"memory_limit={limit!r}: at least 64MB is needed")
    return size


MAX_THREADS = 1024
"""The most threads asked for (each a thread of the engine's; a hundred thousand never
started)."""


def check_threads(threads: int | None) -> None:
    """``threads`` is a whole number from 1 to :data:`MAX_THREADS` (or ``None``: the
    engine's default)."""
    if threads is not None and (
        isinstance(threads, bool) or not isinstance(threads, int) or not 1 <= threads <= MAX_THREADS
    ):
        raise InvalidValueError(
            f"threads={threads!r}: expected a whole number from 1 to {MAX_THREADS:,}"
        )


COMPRESS_OVER = 64 * 2**20
"""Bytes (as DuckDB holds a table uncompressed) past which the DuckDB backend compresses a
table it makes."""


class DuckDB(Backend):
    """DuckDB, in memory, with a thread count and a memory limit.

    The tables are those of an in-memory database that compresses what it holds when told
    to (a checkpoint): a table larger than ``COMPRESS_OVER`` is compressed once made (the
    households of a province or more), the others stay as made (quicker to make, and to
    read). At the nation, gigabytes of tables become hundreds of megabytes
    that stay in memory, rather than pages spilled to disk and read back by every query.
    What spills (a large table as it is made, a query's hash tables) goes to a folder of
    its own in the system's temporary folder (``TMPDIR``), removed on ``close``.
    """

    name = "duckdb"

    def __init__(self, *, threads: int | None = 2, memory_limit: str | None = None) -> None:
        try:
            import duckdb
        except ImportError:  # pragma: no cover - depends on the environment
            raise InvalidValueError(
                "engine='duckdb': DuckDB is not installed (pip install 'reliefkit[columnar]')"
            ) from None
        import shutil
        import tempfile
        import uuid
        import weakref

        check_threads(threads)
        # Made by DuckDB when it first spills, and removed when it closes; removed here too
        # if the backend is dropped unclosed.
        folder = f"reliefkit-duckdb-{os.getpid()}-{uuid.uuid4().hex[:12]}"
        self.spill = os.path.join(tempfile.gettempdir(), folder)
        self._tidy = weakref.finalize(self, shutil.rmtree, self.spill, True)
        config: dict[str, Any] = {"temp_directory": self.spill}
        if threads is not None:
            config["threads"] = threads
        if memory_limit is not None:
            config["memory_limit"] = f"{memory_bytes(memory_limit) // 2**20}MiB"
        self.memory_limit = memory_limit
        self.con = duckdb.connect(":memory:", config=config)
        self.con.execute("ATTACH ':memory:' AS reliefkit (COMPRESS)")
        self.con.execute("USE reliefkit")
        # Compressed when this backend says so, not when DuckDB would (a checkpoint after
        # 16 MiB of changes, which would compress a county).
        self.con.execute("SET checkpoint_threshold = '1000TB'")
        self._seen = 0
        """Bytes of the tables when last looked at (:meth:`materialise`)."""

    def rows(self, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
        with self._memory():
            cursor = self.con.execute(sql)
            return [d[0] for d in cursor.description], cursor.fetchall()

    @contextlib.contextmanager
    def _memory(self) -> Iterator[None]:
        import duckdb

        try:
            yield
        except duckdb.OutOfMemoryException as exc:
            raise EngineError(
                f"engine='duckdb' ran out of memory (memory_limit={self.memory_limit!r}): "
                f"give it more (--memory-limit), or fewer campaigns at once ({exc})"
            ) from None

    def register(self, name: str, table: pa.Table) -> None:
        self.con.register(name, table)

    def materialise(self, name: str, sql: str, *, ordered: bool = False) -> None:
        with self._memory():
            # In any order unless asked: a table is made on every thread at once (the engine
            # orders by ``_row`` wherever order matters), and a query's results keep theirs.
            self.con.execute(f"SET preserve_insertion_order = {str(ordered).lower()}")
            try:
                self.con.execute(f'CREATE OR REPLACE TABLE "{name}" AS {sql}')
            finally:
                self.con.execute("RESET preserve_insertion_order")
            # What the tables grew by since the last look: this table, less any it replaced.
            held = self._held()
            if held - self._seen > COMPRESS_OVER:
                self.con.execute("CHECKPOINT")
                held = self._held()
            self._seen = held

    def _held(self) -> int:
        """Bytes of the tables, in memory or spilled."""
        found = self.con.execute(
            "SELECT sum(memory_usage_bytes + temporary_storage_bytes) FROM duckdb_memory() "
            "WHERE tag = 'IN_MEMORY_TABLE'"
        ).fetchall()
        return int(found[0][0] or 0)

    def view(self, name: str, sql: str) -> None:
        self.con.execute(f'CREATE OR REPLACE TEMP VIEW "{name}" AS {sql}')

    def small(self, name: str, sql: str) -> None:
        # A table: its number of rows lets the planner build a join's hash table on it (a
        # view of a thousand VALUES is bound again, and guessed at, in every query).
        self.con.execute(f'CREATE OR REPLACE TEMP TABLE "{name}" AS {sql}')

    def groups_for(self, rows: int) -> int:
        # A key grouped takes some 40 bytes of the hash table, and DuckDB cannot spill all
        # of it: at the full-shaped nation (180 M ids) one GROUP BY ran out of 3 GB. A part
        # gets a sixty-fourth of the limit (the machine's memory when none is set).
        limit = memory_bytes(self.memory_limit) if self.memory_limit else _physical_memory()
        return max(1, -(-rows // max(1_000_000, limit // 64)))

    def split_ids(self, table: str, column: str) -> str:
        return (
            f"SELECT campaign_id, id, unnest(string_split(\"{column}\", ';')) AS item "
            f'FROM "{table}" WHERE "{column}" IS NOT NULL AND "{column}" <> \'\''
        )

    def parquet(self, path: str, row: str) -> tuple[str, set[str]]:
        literal = path.replace("'", "''")
        described = self.con.execute(f"DESCRIBE SELECT * FROM read_parquet('{literal}')")
        columns = {r[0] for r in described.fetchall()}
        relation = (
            f"(SELECT *, file_row_number AS {row} "
            f"FROM read_parquet('{literal}', file_row_number = true))"
        )
        return relation, columns

    def close(self) -> None:
        self.con.close()
        self._tidy()


class Spark(Backend):
    """Spark SQL through a session (``local[2]`` unless one is given or running)."""

    name = "spark"

    def __init__(
        self, session: Any = None, *, threads: int | None = 2, memory_limit: str | None = None
    ) -> None:
        try:
            from pyspark.sql import SparkSession
        except ImportError:  # pragma: no cover - depends on the environment
            raise InvalidValueError(
                "engine='spark': PySpark is not installed (pip install 'reliefkit[spark]')"
            ) from None
        check_threads(threads)
        if memory_limit is not None:
            memory_bytes(memory_limit)
        if session is None:
            session = _local_session(SparkSession, threads, memory_limit)
            session.sparkContext.setLogLevel("ERROR")
        # The statements quote identifiers as standard SQL does ("on").
        session.conf.set("spark.sql.ansi.enabled", "true")
        session.conf.set("spark.sql.ansi.doubleQuotedIdentifiers", "true")
        self.spark = session
        self._cached: list[Any] = []

    def rows(self, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
        frame = self.spark.sql(sql)
        names = list(frame.columns)
        return names, [tuple(r) for r in frame.collect()]

    def batch(self, queries: Sequence[str]) -> list[list[dict[str, Any]]]:
        # Spark's cost for a small query is scheduling, not work: submit them together (the
        # scheduler runs jobs from several threads at once) and keep each one's types.
        from concurrent.futures import ThreadPoolExecutor

        def one(sql: str) -> list[dict[str, Any]]:
            names, rows = self.rows(sql)
            return [dict(zip(names, row, strict=True)) for row in rows]

        if len(queries) < 2:
            return [one(sql) for sql in queries]
        with ThreadPoolExecutor(max_workers=min(8, len(queries))) as pool:
            return list(pool.map(one, queries))

    def register(self, name: str, table: pa.Table) -> None:
        import warnings

        with warnings.catch_warnings():
            # PySpark warns that it does not yet support the pandas installed beside it;
            # no pandas is used here (Arrow goes straight in).
            warnings.simplefilter("ignore", FutureWarning)
            frame = self.spark.createDataFrame(table) if table.num_rows else self._empty(table)
        frame.createOrReplaceTempView(name)

    def _empty(self, table: pa.Table) -> Any:
        from pyspark.sql.pandas.types import from_arrow_schema

        return self.spark.createDataFrame([], from_arrow_schema(table.schema))

    def materialise(self, name: str, sql: str, *, ordered: bool = False) -> None:
        frame = self.spark.sql(sql).cache()
        self._cached.append(frame)
        frame.createOrReplaceTempView(name)

    def view(self, name: str, sql: str) -> None:
        self.spark.sql(sql).createOrReplaceTempView(name)

    def shared(self, name: str, sql: str) -> None:
        # Catalyst would plan the view again inside every statement that reads it.
        self.materialise(name, sql)

    def split_ids(self, table: str, column: str) -> str:
        return (
            f"SELECT campaign_id, id, explode(split(\"{column}\", ';')) AS item "
            f'FROM "{table}" WHERE "{column}" IS NOT NULL AND "{column}" <> \'\''
        )

    def parquet(self, path: str, row: str) -> tuple[str, set[str]]:
        from pyspark.sql import Window, functions

        frame = self.spark.read.parquet(path)
        columns = set(frame.columns)
        name = "_parquet_" + str(abs(hash(path)))
        # monotonically_increasing_id jumps from one partition to the next: number the rows
        # in its order, so that a record's place is its row in the file (load errors name it).
        order = Window.orderBy(functions.monotonically_increasing_id())
        numbered = frame.withColumn(row, functions.row_number().over(order) - 1)
        numbered.createOrReplaceTempView(name)
        return name, columns

    def close(self) -> None:
        # Only the tables cached here, so that a session passed in keeps its own caches.
        for frame in self._cached:
            # Spark 4 may refuse one built on a CTE: it goes with the session.
            with contextlib.suppress(Exception):
                frame.unpersist()
        self._cached.clear()


def backend_for(
    engine: str, *, threads: int | None = 2, memory_limit: str | None = None, session: Any = None
) -> Backend:
    """The backend of an engine name (``duckdb`` or ``spark``)."""
    if engine == "duckdb":
        return DuckDB(threads=threads, memory_limit=memory_limit)
    if engine == "spark":
        return Spark(session, threads=threads, memory_limit=memory_limit)
    raise InvalidValueError(f"engine={engine!r}: expected one of {', '.join(ENGINES)}")


def _local_session(builder_class: Any, threads: int | None, memory_limit: str | None) -> Any:
    """A Spark session in local mode on ``threads`` cores; a clear error without Java."""
    memory = f"{memory_bytes(memory_limit or '1GiB') // 2**20}m"
    builder = (
        builder_class.builder.master(f"local[{threads or 2}]")
        .appName("reliefkit")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", str(threads or 2))
        .config("spark.driver.memory", memory)
        .config("spark.sql.adaptive.enabled", "false")
        # A campaign's plans are many and small: compiling each (whole stages, or each
        # expression) costs more than running it interpreted, and a JVM that lives for one
        # check gains little from the optimising compiler (a county: 40 s -> 29 s).
        .config("spark.sql.codegen.wholeStage", "false")
        .config("spark.sql.codegen.factoryMode", "NO_CODEGEN")
        .config("spark.driver.extraJavaOptions", "-XX:TieredStopAtLevel=1")
        .config("spark.sql.autoBroadcastJoinThreshold", str(64 * 1024 * 1024))
    )
    try:
        return builder.getOrCreate()
    except Exception as exc:  # PySparkRuntimeError: JAVA_GATEWAY_EXITED, no java, …
        raise EngineError(
            "engine='spark' could not start Spark in local mode: it needs a Java runtime "
            f"(17) on PATH or in JAVA_HOME ({type(exc).__name__}: {exc})"
        ) from None


def quoted(names: Sequence[str]) -> str:
    """Column names quoted for a select list."""
    return ", ".join(f'"{n}"' for n in names)
