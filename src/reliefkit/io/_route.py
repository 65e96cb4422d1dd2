"""Sending each row of a format v1.1 file to its campaign, as the file is read.

The campaign file comes first: each of its rows is a campaign (its ``id`` the campaign id).
Every other row goes to the campaign its ``campaign_id`` names, a run of rows of one campaign
at once, and is built into that campaign's records there and then; a row naming no campaign
is a problem at its ``campaign_id`` cell.
"""

from __future__ import annotations

from collections import Counter

from reliefkit.exceptions import LoadProblem
from reliefkit.io._assemble import FIX_FIRST, _Built, personal_problem, row_personal
from reliefkit.io._cells import REQUIRED
from reliefkit.io._gather import TableBuilder, new_built
from reliefkit.io._notices import cell_text
from reliefkit.io._schema import SCHEMA
from reliefkit.io._source import Block, RawTable, Reading

CAMPAIGN_ID = "campaign_id"


class Router:
    """Sends each row of a table to its campaign's records, reporting rows that name none."""

    def __init__(self, reading: Reading, problems: list[LoadProblem]) -> None:
        self.reading = reading
        self.problems = problems
        self.shared: dict[str, str] = {}
        self.campaigns: dict[str, dict[str, _Built]] = {}
        self.first_row: dict[str, int] = {}
        self.failed: set[str] = set()  # campaigns whose row could not be built
        self.orphans: Counter[str] = Counter()  # rows naming no campaign, when campaigns are unread
        self.unread_campaigns = "campaign" in reading.unread
        # Campaign rows refused whose campaign cannot be told: an empty id and campaign_id,
        # an id on a second row that is no copy of the first, and (:attr:`named`) a refused
        # row whose campaign_id names another campaign of the file. The rows of other files
        # naming a campaign that is not there are then most likely theirs, and counted
        # (:attr:`unclaimed`), one problem per file, rather than reported row by row; so are
        # they when an empty row lies between campaign rows (a row cleared). A refused row
        # whose campaign_id names no other campaign is known by it: its rows are silent.
        self.unsure: list[int] = []
        self.named: list[tuple[str, int]] = []
        self.first_cells: dict[str, object] = {}
        self.last_campaign_row = 0
        self.unclaimed: Counter[str] = Counter()
        self._untold: tuple[list[int], list[int]] | None = None
        self.campaign_rows = 0
        # The ids of tables without a campaign_id column, whose rows go to no campaign: a
        # reference to one is a consequence of the missing column, not reported again.
        self.unrouted: dict[str, set[str]] = {}

    def table(self, raw: RawTable) -> None:
        """Read and route every row of ``raw`` (its stream is consumed)."""
        table = SCHEMA[raw.table.name]
        missing = raw.missing - {CAMPAIGN_ID}
        builder = TableBuilder(table, raw.file, missing, self.shared, self.problems)
        own = table.name == "campaign"
        names = [c.name for c in raw.table.columns]
        key = names.index("id") if own else 0
        if own and missing:
            # Reported once, as a missing column; the rows are read for their own problems.
            for _ in raw.rows:
                pass
            self.unread_campaigns = True
            return
        if not own and CAMPAIGN_ID in raw.missing:
            self._unrouted(raw, builder)
            return
        for item in raw.rows:
            if isinstance(item, Block):
                self._block(item, key, builder, own)
            else:
                number, cells = item
                if cells is not None:  # else refused whole by the reader (reported)
                    part = (number, cells[1:])
                    self._send(cells[key], number, builder, own, part, cells[0])

    def _unrouted(self, raw: RawTable, builder: TableBuilder) -> None:
        """A table without its ``campaign_id`` column (reported once, as missing): its rows
        go to no campaign. Each is read for its own cells, as the rows of a v1 file missing a
        required column are, and its id kept (:attr:`unrouted`); when the ids cannot be told
        either, the table counts as not read, and references to it as its consequences."""
        builder.buildable = False
        builder.block = None
        held = new_built(raw.file)
        for item in raw.rows:
            if isinstance(item, Block):
                builder.add(held, Block(item.first, item.rows, item.index[1:]))
            else:
                number, cells = item
                builder.row(held, number, None if cells is None else cells[1:])
        name = raw.table.name
        self.unrouted[name] = held.skipped_ids
        if "id" in raw.missing:
            self.reading.unread.add(name)

    def _block(self, block: Block, key: int, builder: TableBuilder, own: bool) -> None:
        """Send a block's rows on in runs of one campaign (a campaign's rows: one by one)."""
        position = block.index[key]
        given_at = block.index[0]
        index = block.index[1:]
        rows = block.rows
        start = 0
        while start < len(rows):
            end = start + 1
            if not own:
                value = rows[start][position]
                while end < len(rows) and rows[end][position] == value:
                    end += 1
            given = rows[start][given_at] if own and given_at >= 0 else None
            part = Block(block.first + start, rows[start:end], index)
            self._send(rows[start][position], block.first + start, builder, own, part, given)
            start = end

    def _send(
        self,
        raw_key: object,
        number: int,
        builder: TableBuilder,
        own: bool,
        item: tuple[int, tuple[object, ...]] | Block,
        given: object,
    ) -> None:
        """Build ``item`` (rows ``number``…, all of one campaign) into its campaign."""
        key = raw_key.strip() if isinstance(raw_key, str) else None
        file = builder.raw.file
        if own:
            self._campaign_row(key, number, builder, item, given)
            return
        size = len(item.rows) if isinstance(item, Block) else 1
        tables = self.campaigns.get(key) if key else None
        if tables is not None:
            built = tables.get(builder.raw.table.name)
            if built is None:
                built = tables[builder.raw.table.name] = new_built(file)
            builder.add(built, item)
        elif key and key in self.failed:
            pass  # its campaign row is reported: fix that, and these rows have a campaign
        elif self.unread_campaigns or "campaign" in self.reading.unread or not self.first_row:
            self.orphans[file] += size
        elif key and any(self.untold()):
            self.unclaimed[file] += size
        else:
            empty = raw_key is None or (isinstance(raw_key, str) and not key)
            expected = REQUIRED if empty else "the id of a campaign (a row of the campaign file)"
            value = None if empty else cell_text(raw_key)
            rows = item.cells() if isinstance(item, Block) else [item]
            table = builder.raw.table
            for row, cells in rows:  # the row's names and IDs marked, as in its other cells
                found = [] if cells is None else row_personal(table, cells)
                self.problems.append(
                    personal_problem(file, row, CAMPAIGN_ID, value, expected, found)
                )

    def _campaign_row(
        self,
        key: str | None,
        number: int,
        builder: TableBuilder,
        item: tuple[int, tuple[object, ...]] | Block,
        given: object,
    ) -> None:
        file = builder.raw.file
        self.campaign_rows += 1
        self.last_campaign_row = max(self.last_campaign_row, number)
        named = given.strip() if isinstance(given, str) and given.strip() else None
        cells = next(item.cells())[1] if isinstance(item, Block) else item[1]
        if key and key in self.first_row:
            self.problems.append(
                LoadProblem(
                    file,
                    number,
                    "id",
                    cell_text(key),
                    f"one row per campaign: this campaign id is also row {self.first_row[key]}",
                )
            )
            if named and named != key:
                self._refused(number, named)
            elif cells != self.first_cells.get(key):  # not a copy of the first: whose is it?
                self._refused(number, None)
            return
        if named and named != key:
            if key:
                self.problems.append(
                    LoadProblem(
                        file,
                        number,
                        CAMPAIGN_ID,
                        cell_text(given),
                        f"empty, or the campaign's own id ({key!r}): a campaign row's id is "
                        "its campaign id",
                    )
                )
            # Its rows, known by its campaign_id, are not reported again (fix this row);
            # an empty id is reported as required.
            self._refused(number, named)
        built = new_built(file)
        builder.add(built, item)
        if not key:
            if not named:
                self._refused(number, None)  # its id is reported as required
            return
        self.first_row[key] = number
        self.first_cells[key] = cells
        if built.records:
            self.campaigns[key] = {"campaign": built}
        else:
            self.failed.add(key)

    def _refused(self, number: int, named: str | None) -> None:
        """Campaign row ``number`` is refused: the rows naming its ``campaign_id``
        (``named``) are its own, not reported again; without one, its campaign is not told."""
        if named is None:
            self.unsure.append(number)
        else:
            self.named.append((named, number))
            self.failed.add(named)

    def untold(self) -> tuple[list[int], list[int]]:
        """The campaign rows refused whose campaign is not told, and the empty rows between
        campaign rows (the first ten): known once the campaign file is read, which comes
        first."""
        if self._untold is None:
            refused = self.unsure + [n for named, n in self.named if named in self.first_row]
            blank = self.reading.blank_rows.get(self.reading.campaign_file, [])
            between = [n for n in blank if n < self.last_campaign_row]
            self._untold = (sorted(refused), between)
        return self._untold

    def consequences(self) -> None:
        """One problem per file for the rows whose campaigns could not be read at all, and
        for the rows naming no campaign when a campaign row's id cannot be told."""
        campaign_file = self.reading.campaign_file
        parquet = campaign_file.endswith(".parquet")
        rows, word = ("record(s)", "record(s)") if parquet else ("row(s)", "data row(s)")
        why = []
        for numbers, what in zip(
            self.untold(), ("a campaign row refused", "an empty row"), strict=True
        ):
            if numbers:
                listed = ", ".join(f"{n:,}" for n in numbers[:10])
                listed += " …" if len(numbers) > 10 else ""
                why.append(f"{what} ({campaign_file}, {word} {listed})")
        unclaimed = (
            f"{rows} name a campaign that is not a row of the campaign file, most likely that "
            f"of {' or '.join(why)}"
        )
        unread = (
            "row(s) name a campaign that could not be read (see the problems of the campaign file)"
        )
        for counts, what in ((self.unclaimed, unclaimed), (self.orphans, unread)):
            for file, count in counts.items():
                expected = f"{count:,} {what}: {FIX_FIRST}"
                self.problems.append(LoadProblem(file, None, CAMPAIGN_ID, None, expected))
