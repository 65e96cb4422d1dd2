"""Synthetic campaigns at any size: a county, a province, the nation.

``synth(out, households=N, seed=S)`` writes a deterministic source of N households split into
county campaigns (about 3,500 households each), column by column in batches, without building
a record: one county in CSV as a format v1 folder, anything larger in format v1.1 (one file per
table for all counties, a leading ``campaign_id`` column, and ``format.json``). Every county
carries one planted violation of each county-plan rule and some near misses; the returned
:class:`SynthSummary` says what a check will find. Needs the ``frames`` extra (pyarrow).
"""

from __future__ import annotations

from reliefkit.synth._core import SUBJECTS_KEPT, SynthSummary, synth
from reliefkit.synth._layout import COUNTY_HOUSEHOLDS, FORMATS, SHAPES

__all__ = ["COUNTY_HOUSEHOLDS", "FORMATS", "SHAPES", "SUBJECTS_KEPT", "SynthSummary", "synth"]
