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
    └── CannotViolateError(ReliefkitError, ValueError)      a strategy asked for the impossible
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

__all__ = [
    "CannotViolateError",
    "IntegrityError",
    "InvalidMoneyError",
    "InvalidValueError",
    "LoadError",
    "LoadProblem",
    "ParameterError",
    "ReliefkitError",
    "UnknownRuleError",
]


class ReliefkitError(Exception):
    """Root of every error reliefkit raises on purpose."""


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


def location(file: str, row: int | None, column: str | None) -> str:
    """Where in the input: ``file, row N, column C`` (row and column when known)."""
    where = file
    if row is not None:
        where += f", row {row}"
    if column is not None:
        where += f", column {column}"
    return where


@attrs.frozen
class LoadProblem:
    """One bad cell (or row, or reference): where it is and what was expected."""

    file: str
    row: int | None
    column: str | None
    value: str | None
    expected: str

    def to_dict(self) -> dict[str, object]:
        """The JSON form: ``file``, ``row``, ``column``, ``value`` (masked) and ``expected``."""
        return {
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "expected": self.expected,
        }

    def __str__(self) -> str:
        where = location(self.file, self.row, self.column)
        if self.value is None:
            return f"{where}: {self.expected}"
        return f"{where}: value={self.value!r}: {self.expected}"


class IntegrityError(ReliefkitError, ValueError):
    """Records that refer to ids that do not exist, or ids used twice.

    ``problems`` lists ``(record_type, record_id, field, value, expected)`` tuples, all of
    them, not just the first.
    """

    def __init__(self, problems: Sequence[tuple[str, str, str, str, str]]) -> None:
        self.problems = tuple(problems)
        lines = [
            f"{kind} {rid!r}: {field}={value!r}: {expected}"
            for kind, rid, field, value, expected in self.problems
        ]
        super().__init__(f"{len(lines)} integrity problem(s):\n  " + "\n  ".join(lines))


class LoadError(ReliefkitError, ValueError):
    """Everything wrong with an input, collected: one entry per bad cell, row or reference."""

    def __init__(self, source: str, problems: Sequence[LoadProblem]) -> None:
        self.source = source
        self.problems = tuple(problems)
        body = "\n  ".join(str(p) for p in self.problems)
        super().__init__(f"cannot load {source}: {len(self.problems)} problem(s):\n  {body}")

    def to_dict(self) -> dict[str, object]:
        """The JSON form ``reliefkit.load-error.v1``: the source and every problem."""
        return {
            "schema": "reliefkit.load-error.v1",
            "source": self.source,
            "problems": [p.to_dict() for p in self.problems],
        }
