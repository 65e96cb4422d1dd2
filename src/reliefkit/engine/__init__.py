"""The engine: ``check`` a dataset, ``admit`` new records, apply waivers."""

from reliefkit.engine._check import admit, check
from reliefkit.engine._waivers import ENGINE_CODES, WaiverBook, read_waivers

__all__ = ["ENGINE_CODES", "WaiverBook", "admit", "check", "read_waivers"]
