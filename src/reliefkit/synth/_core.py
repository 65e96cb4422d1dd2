"""``synth``: write a synthetic source of any size, with a summary of what it planted."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

import attrs

from reliefkit.exceptions import InvalidValueError
from reliefkit.synth._layout import BATCH_ROWS, FORMATS, TABLES, Plan

SUBJECTS_KEPT = 1_000
"""Up to this many counties, the summary lists every planted finding's subjects (and every
near miss); beyond, it counts them."""


def _frozen(value: Mapping[str, object]) -> Mapping[str, object]:
    return MappingProxyType(dict(value))


@attrs.frozen(kw_only=True)
class SynthSummary:
    """What :func:`synth` wrote: where, how, how many rows per table, and what it planted.

    ``planted[code]`` is how many findings of rule ``code`` a check of the source on each
    campaign's last day reports — one per county for every rule of the county plan, nothing
    else. ``subjects[code]`` lists their subjects (for up to ``SUBJECTS_KEPT`` counties).
    ``near_misses[code]`` counts records that almost break rule ``code`` but keep it
    (``near_miss_ids`` names them).
    """

    path: Path
    format: str
    version: str
    shape: str
    seed: int
    households: int
    counties: int
    registered_poor: int
    poor_villages: int
    rows: Mapping[str, int] = attrs.field(converter=_frozen)
    planted: Mapping[str, int] = attrs.field(converter=_frozen)
    subjects: Mapping[str, tuple[tuple[str, ...], ...]] = attrs.field(converter=_frozen)
    near_misses: Mapping[str, int] = attrs.field(converter=_frozen)
    near_miss_ids: Mapping[str, tuple[str, ...]] = attrs.field(converter=_frozen)

    @property
    def records(self) -> int:
        """Rows written in all tables (the campaign rows included)."""
        return sum(self.rows.values())

    @property
    def campaigns(self) -> int:
        """Campaigns in the source: one per county."""
        return self.rows.get("campaign", 0)

    def __repr__(self) -> str:
        return (
            f"SynthSummary(path={str(self.path)!r}, format={self.format!r}, "
            f"version={self.version!r}, shape={self.shape!r}, seed={self.seed!r}, "
            f"households={self.households!r}, counties={self.counties!r}, "
            f"records={self.records!r}, planted={sum(self.planted.values())!r})"
        )


def synth(
    out: str | os.PathLike[str],
    *,
    households: int,
    seed: int = 0,
    shape: str = "full",
    format: str = "csv",
    counties: int | None = None,
    overwrite: bool = False,
) -> SynthSummary:
    """Write a deterministic synthetic source of ``households`` households into ``out``.

    ``shape="full"`` writes every household (about 17 % registered poor, as in the example
    county); ``shape="registry"`` only registered poor households, as the national filing
    system holds them. The households are split into county campaigns of about 3,500 (or into
    ``counties``), each with its own campaign row and dates. One county in CSV is a format v1
    folder; anything else is format v1.1: one file per table for all counties, each row
    naming its campaign in a leading ``campaign_id`` column, and a ``format.json``.

    Every county carries one planted violation of each county-plan rule (CP101–CP124) and
    some near misses, and nothing else a check would report: the summary says what to
    expect. The same arguments write the same bytes on every machine.
    """
    if format not in FORMATS:
        raise InvalidValueError(f"format={format!r}: expected one of {', '.join(FORMATS)}")
    plan = Plan.make(households, counties, shape, seed)
    try:  # the frames extra: imported only here, so that the command line starts without it
        from reliefkit.synth._county import CODES, County
        from reliefkit.synth._write import open_sinks, prepare, write_format
    except ImportError as exc:
        raise ImportError(
            f"synth needs NumPy and pyarrow ({exc.name} is missing): "
            "pip install 'reliefkit[frames]'"
        ) from exc
    folder = Path(out)
    prepare(folder, overwrite=overwrite)
    v1 = plan.single and format == "csv"
    keep = plan.counties <= SUBJECTS_KEPT
    sinks = open_sinks(folder, format, campaign_column=not v1)
    rows = dict.fromkeys(TABLES, 0)
    planted = dict.fromkeys(CODES, 0)
    subjects: dict[str, list[tuple[str, ...]]] = {code: [] for code in CODES}
    near: dict[str, int] = {}
    near_ids: dict[str, list[str]] = {}
    registered = poor = 0
    try:
        for batch in plan.batches():
            county = County(plan, batch, keep_subjects=keep, campaign_column=not v1)
            tables = county.build()
            for name in TABLES:
                sink = sinks[name]
                blocks = county.households() if name == "households" else tables.get(name, [])
                for block in blocks:
                    assert block.num_rows <= BATCH_ROWS
                    sink.write(block)
                    rows[name] += block.num_rows
            found = county.planted
            for code in CODES:
                planted[code] += found.counts[code]
                subjects[code] += found.subjects[code]
            for code, count in found.near_counts.items():
                near[code] = near.get(code, 0) + count
                near_ids.setdefault(code, []).extend(found.near_ids.get(code, []))
            registered += int(county.v_registered.sum())
            poor += int(county.v_poor.sum())
            del county, tables
    finally:
        for sink in sinks.values():
            sink.close()
    if not v1:
        write_format(folder)
    return SynthSummary(
        path=folder,
        format=format,
        version="1" if v1 else "1.1",
        shape=plan.shape,
        seed=plan.seed,
        households=plan.households,
        counties=plan.counties,
        registered_poor=registered,
        poor_villages=poor,
        rows=rows,
        planted=planted,
        subjects={code: tuple(sorted(s)) for code, s in subjects.items()} if keep else {},
        near_misses=dict(sorted(near.items())),
        near_miss_ids={code: tuple(sorted(ids)) for code, ids in sorted(near_ids.items())}
        if keep
        else {},
    )
