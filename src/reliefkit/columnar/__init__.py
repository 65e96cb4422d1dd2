"""The columnar engine: the packs' rules as SQL over DuckDB, for a province or the nation.

``reliefkit.check(source, as_of=..., engine="duckdb")`` and ``reliefkit check PATH --engine
duckdb`` run here (the ``columnar`` extra installs DuckDB). Each rule's statement lives in
the rule's own module beside its judge (:meth:`reliefkit.rules.Pack.sql`); the judge words
the findings from the few records they need, so a report equals the object engine's.
"""

from reliefkit.columnar._engine import NoStatementError, check_source
from reliefkit.columnar._source import Source, is_parquet_source, open_source

__all__ = [
    "NoStatementError",
    "Source",
    "check_source",
    "is_parquet_source",
    "open_source",
]
