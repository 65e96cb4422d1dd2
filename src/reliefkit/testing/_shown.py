"""How generated campaigns print in a failing Hypothesis example: as code to paste back.

Hypothesis shows a failing example through its pretty-printer, which honours IPython's
``_repr_pretty_`` before anything else. A dataset from :func:`~reliefkit.testing.datasets`
prints as ``Dataset.from_records([Campaign(...), Township(...), …])`` and a case from
:func:`~reliefkit.testing.violating` as ``(Dataset.from_records([...]), ('S1', 'T1'))``:
each record by its own repr (masked, with days and choices as the constructor takes them),
never the generator's private draft.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from reliefkit.models import Dataset, Record


def pretty_records(records: Iterable[Record], printer: Any) -> None:
    """``[record, …]`` one record a line when it does not fit on one."""
    with printer.group(1, "[", "]"):
        for i, record in enumerate(records):
            if i:
                printer.text(",")
                printer.breakable()
            printer.text(repr(record))


def pretty_dataset(dataset: Dataset, printer: Any) -> None:
    """``Dataset.from_records([...])``: code that builds an equal dataset."""
    printer.text("Dataset.from_records(")
    pretty_records(dataset.records(), printer)
    printer.text(")")


class Records(tuple[Record, ...]):
    """A campaign's records, in the format's table order; printed as a list of reprs."""

    __slots__ = ()

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        pretty_records(self, printer)


class _FromRecords:
    """``Dataset.from_records``, under that name in Hypothesis's output."""

    def __call__(self, records: Iterable[Record]) -> Dataset:
        return Dataset.from_records(records)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text("Dataset.from_records")


FROM_RECORDS = _FromRecords()


class Case(tuple[Dataset, tuple[str, ...]]):
    """What :func:`~reliefkit.testing.violating` draws: ``(dataset, subjects)``, a plain
    tuple to unpack, printed with the dataset as code."""

    __slots__ = ()

    def __new__(cls, dataset: Dataset, subjects: tuple[str, ...]) -> Case:
        return super().__new__(cls, (dataset, subjects))

    def __getnewargs__(self) -> tuple[Dataset, tuple[str, ...]]:
        return (self[0], self[1])

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        dataset, subjects = self
        with printer.group(1, "(", ")"):
            pretty_dataset(dataset, printer)
            printer.text(",")
            printer.breakable()
            printer.text(repr(subjects))


__all__ = ["FROM_RECORDS", "Case", "Records", "pretty_dataset", "pretty_records"]
