"""Time and peak memory of ``reliefkit.synth`` at province and nation sizes.

Run: ``.venv/bin/python benchmarks/bench_synth.py [--sizes 1M,3M] [--shape full,registry]
[--format csv,parquet] [--out DIR] [--keep]``.

Each (size, shape, format) runs in a fresh process, so that its peak resident memory
(``resource.getrusage``) is its own. Prints a Markdown table — wall and CPU time, peak RSS,
records, bytes on disk, households per second — and a projection to the nation: 30 M
registered poor households in the registry shape, and about 180 M records in the full shape,
from the largest size measured of each shape (time is linear in the households; memory does not
grow with them). This is a benchmark, not a test: figures vary by machine and are never
asserted. Sizes beyond a county live here only, never in the test suite.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

NATION_REGISTERED = 30_000_000
NATION_FULL_RECORDS = 180_000_000


def _size(text: str) -> int:
    text = text.strip().upper().replace("_", "")
    for suffix, factor in (("K", 1_000), ("M", 1_000_000)):
        if text.endswith(suffix):
            return int(float(text[:-1]) * factor)
    return int(text)


def _human(n: float) -> str:
    return f"{n / 1e6:g} M" if n >= 1e6 else f"{n / 1e3:g} k"


def one(households: int, shape: str, fmt: str, out: Path) -> dict[str, object]:
    """Run one synth in this process and say how long it took and how much it held."""
    from reliefkit.synth import synth

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    wall, cpu = time.perf_counter(), time.process_time()
    summary = synth(out, households=households, shape=shape, format=fmt, overwrite=True)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "households": households,
        "shape": shape,
        "format": fmt,
        "counties": summary.counties,
        "records": summary.records,
        "wall": wall,
        "cpu": cpu,
        "peak_mb": peak / 1024,
        "start_mb": before / 1024,
        "disk_mb": sum(p.stat().st_size for p in out.iterdir()) / 2**20,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1M,3M", help="households, e.g. 100k,1M,3M")
    parser.add_argument("--shape", default="full,registry", help="full, registry or both")
    parser.add_argument("--format", default="csv", help="csv, parquet or both")
    parser.add_argument("--out", type=Path, help="where to write (default: a temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep what was written")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sizes = [_size(s) for s in args.sizes.split(",") if s.strip()]
    shapes = [s.strip() for s in args.shape.split(",") if s.strip()]
    formats = [f.strip() for f in args.format.split(",") if f.strip()]
    if args.one:  # a child: one run, its figures as JSON
        print(json.dumps(one(sizes[0], shapes[0], formats[0], args.out)))
        return
    base = args.out or Path(tempfile.mkdtemp(prefix="bench-synth-"))
    rows = []
    try:
        for shape in shapes:
            for fmt in formats:
                for size in sizes:
                    out = base / f"{shape}-{fmt}-{size}"
                    child = [sys.executable, __file__, "--one", "--sizes", str(size)]
                    child += ["--shape", shape, "--format", fmt, "--out", str(out)]
                    done = subprocess.run(child, check=True, capture_output=True, text=True)
                    rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
                    if not args.keep:
                        shutil.rmtree(out, ignore_errors=True)
    finally:
        if not args.keep and args.out is None:
            shutil.rmtree(base, ignore_errors=True)
    print(
        "| households | shape | format | counties | records | wall | CPU | peak RSS | on disk "
        "| households/s |"
    )
    print("|---:|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {_human(r['households'])} | {r['shape']} | {r['format']} | {r['counties']:,} "
            f"| {r['records']:,} | {r['wall']:.1f} s | {r['cpu']:.1f} s | {r['peak_mb']:.0f} MB "
            f"| {r['disk_mb']:.0f} MB | {r['households'] / r['wall'] / 1e6:.2f} M |"
        )
    print()
    for r in rows:
        largest = max(
            x["households"] for x in rows if (x["shape"], x["format"]) == (r["shape"], r["format"])
        )
        if r["households"] != largest:
            continue
        per_household = r["records"] / r["households"]
        target = (
            NATION_REGISTERED
            if r["shape"] == "registry"
            else round(NATION_FULL_RECORDS / per_household)
        )
        scale = target / r["households"]
        print(
            f"nation, {r['shape']} shape, {r['format']}: {_human(target)} households, "
            f"{_human(target * per_household)} records: about {r['wall'] * scale:.0f} s "
            f"(CPU {r['cpu'] * scale:.0f} s), peak RSS about {r['peak_mb']:.0f} MB, "
            f"{r['disk_mb'] * scale / 1024:.1f} GB on disk"
        )


if __name__ == "__main__":
    main()
