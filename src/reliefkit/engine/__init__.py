"""The engine: ``check`` a dataset, ``admit`` new records, apply deferrals and waivers."""

from reliefkit.engine._admit import admit
from reliefkit.engine._check import check

__all__ = ["admit", "check"]
