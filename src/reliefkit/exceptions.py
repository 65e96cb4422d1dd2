"""The exceptions reliefkit raises.

Findings are data; exceptions only signal misuse or bad input. Every exception is a
:class:`ReliefkitError` and also a builtin, so callers can catch either::

    ReliefkitError(Exception)
    ├── InvalidValueError(ReliefkitError, ValueError)       a value refused by a model
    │   └── InvalidMoneyError                               float, bool, >2 places, NaN
    ├── IntegrityError(ReliefkitError, ValueError)          dangling ids, duplicate ids
    ├── LoadError(ReliefkitError, ValueError)               every bad cell of a folder/file
    ├── UnknownRuleError(ReliefkitError, LookupError)       a rule code or pack nobody knows
    ├── ParameterError(ReliefkitError, ValueError)          a bad parameter override
    ├── CannotViolateError(ReliefkitError, ValueError)      a strategy asked for the impossible
    ├── RegistrationError(ReliefkitError, ValueError)       a pack the registry refuses
    ├── ScenarioError(ReliefkitError, ValueError)           a scenario folder that cannot run
    └── EngineError(ReliefkitError, RuntimeError)           a columnar engine that cannot run

Warnings are :class:`ReliefkitWarning` (a ``UserWarning``)::

    ReliefkitWarning(UserWarning)
    └── PackLoadWarning                                     an installed pack skipped

Messages quote values as they were given (``field=value!r``); ``str`` and ``repr`` of every
reliefkit error pass them through the personal-data boundary (:mod:`reliefkit._privacy`):
resident-ID-shaped numbers are masked and control characters replaced when the error is
shown, so a traceback, a log line or the command line never prints one whole. A
:class:`LoadProblem` keeps the cell it found as written and masks it (a name, a resident ID)
only when it is shown.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from reliefkit._privacy import (
    PERSONAL_KINDS,
    Personal,
    mask_cell,
    mask_personal,
    masked_repr,
    printable,
    safe_in,
)

__all__ = [
    "CannotViolateError",
    "EngineError",
    "IntegrityError",
    "InvalidMoneyError",
    "InvalidValueError",
    "LoadError",
    "LoadProblem",
    "PackLoadWarning",
    "ParameterError",
    "RegistrationError",
    "ReliefkitError",
    "ReliefkitWarning",
    "ScenarioError",
    "UnknownRuleError",
]


class ReliefkitError(Exception):
    """Root of every error reliefkit raises on purpose."""

    def __str__(self) -> str:
        return printable(super().__str__(), newlines=True)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"


class InvalidValueError(ReliefkitError, ValueError):
    """A value a model refuses (wrong type, out of range)."""


class InvalidMoneyError(InvalidValueError, TypeError):
    """A money amount that cannot be exact: a float, a bool, NaN, or more than two places."""


class UnknownRuleError(ReliefkitError, LookupError):
    """A rule code, prefix or pack name that no registered rule matches."""


class ParameterError(ReliefkitError, ValueError):
    """A parameter override that names no parameter or has the wrong type."""


class CannotViolateError(ReliefkitError, ValueError):
    """A violation strategy asked to break a rule that cannot be broken as asked."""


class RegistrationError(ReliefkitError, ValueError):
    """A pack the registry refuses: a taken name, prefix or code, or a malformed rule.

    ``problems`` lists every problem found (the message has one per line, each naming the
    pack), not just the first.
    """

    def __init__(self, pack: str, problems: Sequence[str]) -> None:
        self.pack = pack
        self.problems = tuple(problems)
        super().__init__("\n".join(f"pack {pack!r}: {p}" for p in self.problems))


class ScenarioError(ReliefkitError, ValueError):
    """A scenario that cannot run: a bad ``expected.toml`` (naming the file and the key) or
    a folder that is no scenario."""


class EngineError(ReliefkitError, RuntimeError):
    """A columnar engine that cannot run the check: out of its memory limit, or no Java
    runtime for Spark. The message says what to change."""


class ReliefkitWarning(UserWarning):
    """Root of the warnings reliefkit gives."""


class PackLoadWarning(ReliefkitWarning):
    """An installed pack (an entry point of ``reliefkit.packs``) that could not be loaded or
    registered: it is skipped, and the warning names its distribution, its entry point and
    the reason."""


SHOWN_CHARS = 80
"""How much of a value a problem shows: enough to find the cell, never a whole document."""


def clipped(text: str) -> str:
    """``text`` as a problem quotes it: at most :data:`SHOWN_CHARS` characters (the rest
    counted), and no lone surrogate (which no terminal or file can take)."""
    if len(text) > SHOWN_CHARS:
        text = f"{text[: SHOWN_CHARS - 20]}… ({len(text):,} characters)"
    if not text.isascii():
        text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def location(file: str, row: int | None, column: str | None) -> str:
    """Where in the input: ``file, data row N (spreadsheet row N+1), column C`` for a CSV
    file, ``file, record N, column C`` for a JSON table (row and column when known)."""
    where = file
    if row is not None and file.lower().endswith(".csv"):
        # Row 1 is the first row under the header: a spreadsheet numbers it 2.
        where += f", data row {row} (spreadsheet row {row + 1})"
    elif row is not None:
        where += f", record {row}"
    if column is not None:
        where += f", column {column}"
    return where


@attrs.frozen(repr=False)
class LoadProblem:
    """One bad cell (or row, or reference): where it is and what was expected.

    ``value`` is the cell as written (a JSON value as JSON), whole and unmasked, and
    ``expected`` the explanation as the check wrote it: a problem keeps what it found, and
    two problems are equal when they found the same. (When the problem is about a name in the
    input's structure — a file, a header, a JSON key — ``value`` is that name as messages
    quote it: cut to size, control characters escaped.) ``personal`` says what personal data
    ``value`` is (``"name"`` or ``"resident_id"``; ``None`` when it is none) — a cell of a
    personal column, or any cell holding one of its row's personal values (a name typed into
    ``village_id``) — and ``personal_values`` are the personal values of the row that
    ``value`` or ``expected`` quotes.

    Shown (``str``, ``repr``, :meth:`to_dict`) through the personal-data boundary
    (:mod:`reliefkit._privacy`): the value masked as its kind (``张**``,
    ``5001************34``) and cut to :data:`SHOWN_CHARS` characters, the personal values
    masked where ``expected`` quotes them, and resident-ID-shaped numbers masked everywhere.
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    expected: str
    personal: Personal | None = attrs.field(
        default=None,
        kw_only=True,
        validator=attrs.validators.optional(attrs.validators.in_(PERSONAL_KINDS)),
    )
    personal_values: tuple[str, ...] = attrs.field(default=(), kw_only=True)

    def _shown_value(self) -> str | None:
        if self.value is None:
            return None
        return clipped(mask_cell(self.value, self.personal))

    def _shown_expected(self) -> str:
        return mask_personal(self.expected, self.personal_values)

    def to_dict(self) -> dict[str, object]:
        """The JSON form: ``file``, ``row``, ``column``, ``value`` and ``expected``, masked."""
        out: dict[str, object] = safe_in(
            {
                "file": self.file,
                "row": self.row,
                "column": self.column,
                "value": self._shown_value(),
                "expected": self._shown_expected(),
            }
        )
        return out

    def __str__(self) -> str:
        where = printable(location(self.file, self.row, self.column))
        expected = printable(self._shown_expected())
        value = self._shown_value()
        if value is None:
            return f"{where}: {expected}"
        return f"{where}: value={masked_repr(value)}: {expected}"

    def __repr__(self) -> str:
        # The five fields as shown; what marks personal data is not itself shown.
        return (
            f"LoadProblem(file={masked_repr(self.file)}, row={self.row!r}, "
            f"column={masked_repr(self.column)}, value={masked_repr(self._shown_value())}, "
            f"expected={masked_repr(self._shown_expected())})"
        )


class IntegrityError(ReliefkitError, ValueError):
    """Records that refer to ids that do not exist, or ids used twice.

    ``problems`` lists ``(record_type, record_id, field, value, expected)`` tuples, all of
    them, not just the first.
    """

    def __init__(self, problems: Sequence[tuple[str, str, str, str, str]]) -> None:
        self.problems = tuple(problems)
        super().__init__(self.problems)

    def __str__(self) -> str:
        # Written when shown, not when raised: the loader, which catches this to place each
        # problem in its file, never pays for a message of millions of lines.
        lines = [
            f"{kind} {rid!r}: {field}={value!r}: {expected}"
            for kind, rid, field, value, expected in self.problems
        ]
        message = f"{len(lines)} integrity problem(s):\n  " + "\n  ".join(lines)
        return printable(message, newlines=True)


class LoadError(ReliefkitError, ValueError):
    """Everything wrong with an input, collected: one entry per bad cell, row or reference.

    The message lists the first ``SHOWN`` problems and counts the rest; ``problems`` holds
    them all.
    """

    SHOWN = 50

    def __init__(self, source: str, problems: Sequence[LoadProblem]) -> None:
        self.source = source
        self.problems = tuple(problems)
        super().__init__(source, self.problems)

    def __str__(self) -> str:
        # Written when shown, not when raised: each problem masks its values as it is shown.
        lines = [str(p) for p in self.problems[: self.SHOWN]]
        if len(self.problems) > self.SHOWN:
            rest = len(self.problems) - self.SHOWN
            lines.append(f"… and {rest:,} more problem(s), not listed (LoadError.problems has all)")
        body = "\n  ".join(lines)
        message = f"cannot load {self.source}: {len(self.problems)} problem(s):\n  {body}"
        return printable(message, newlines=True)

    def to_dict(self) -> dict[str, object]:
        """The JSON form ``reliefkit.load-error.v1``: the source and every problem (masked)."""
        return {
            "schema": "reliefkit.load-error.v1",
            "source": safe_in(self.source),
            "problems": [p.to_dict() for p in self.problems],
        }
