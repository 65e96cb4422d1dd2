"""The loader's limits: what no honest spreadsheet or export comes near, refused with a clear
problem instead of a crash, a flood of messages or all of the machine's memory.

``docs/data-format.md`` ("Limits") states them; keep the two in step.
"""

from __future__ import annotations

from decimal import Decimal

MAX_CELL_CHARS = 65_536
"""Characters in one cell (64 Ki): a purpose or a name, never a document."""

MAX_COLUMNS = 512
"""Columns in a header, or fields in one JSON record (a table has at most 25)."""

MAX_JSON_DEPTH = 16
"""Nesting of a JSON document: the format needs 4 (object, table, record, id list)."""

MAX_YUAN = Decimal("999999999999999.99")
"""The largest amount one money cell may hold: just under 10¹⁵ yuan (a million billion).

Sums of amounts are computed with ``Decimal``'s default 28 significant digits: up to 10¹¹
amounts this large add up exactly, so no total is ever rounded.
"""

MAX_JSON_DIGITS = 30
"""Digits of a native JSON number; longer ones are refused in the cell that holds them."""

MAX_NOTICES_PER_FILE = 20
"""Unknown-column notices per file before the rest are counted in one more notice."""
