"""Time and memory of ``rk.load`` on a big folder of CSV files (the interchange format).

Run: ``.venv/bin/python benchmarks/bench_load.py FOLDER [--make] [--scale 80] [--copies 9]
[--repeat 3] [--kept] [--profile 25]``.

``--make`` first writes FOLDER (if it does not exist): the example county at ``--scale``,
``--copies`` times over, every id of copy k ending in ``~k`` (the defaults give the 210 MB
folder of docs/performance.md: 3,414,583 records, 2.5 million households). Each run loads
FOLDER in a fresh process and prints its wall time, CPU time and peak memory (max RSS);
``--kept`` adds what the loaded dataset keeps (tracemalloc, in one more process), and
``--profile N`` the N functions with the most time of their own (cProfile, one more process;
the profiler slows everything down, so read it for shares, not seconds).
Each measurement is repeated and the fastest run is the figure (as ``timeit`` keeps the
best): on a shared machine the slower runs measure the neighbours, not reliefkit.
This is a benchmark, not a test: timings vary by machine and are never asserted.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
from pathlib import Path

_RUN = """
import gc, json, resource, sys, time
import reliefkit as rk
mode, folder = sys.argv[1], sys.argv[2]
if mode == "time":
    wall, cpu = time.perf_counter(), time.process_time()
    data = rk.load(folder)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"wall": wall, "cpu": cpu, "rss": rss, "records": len(data)}))
elif mode == "kept":
    import tracemalloc
    tracemalloc.start()
    data = rk.load(folder)
    gc.collect()
    print(json.dumps({"kept": tracemalloc.get_traced_memory()[0]}))
else:
    import cProfile, pstats
    profile = cProfile.Profile()
    profile.runcall(rk.load, folder)
    pstats.Stats(profile, stream=sys.stderr).sort_stats("tottime").print_stats(int(mode))
"""


def make_folder(folder: Path, scale: int, copies: int) -> None:
    """Write the example county at ``scale``, ``copies`` times over, into ``folder``."""
    from reliefkit.examples import county_2015
    from reliefkit.io import dump
    from reliefkit.io._schema import SCHEMA

    with tempfile.TemporaryDirectory() as tmp:
        source = dump(county_2015(scale=scale), Path(tmp) / "county")
        folder.mkdir(parents=True)
        for table in SCHEMA.values():
            with (source / table.file).open(encoding="utf-8", newline="") as handle:
                header, *rows = list(csv.reader(handle))
            ids = [
                i
                for i, name in enumerate(header)
                if (column := table.column(name)) is not None
                and column.cell in ("id", "ids")
                and not (table.name == "waivers" and name == "code")
            ]
            with (folder / table.file).open("w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(header)
                for k in range(1 if table.name == "campaign" else copies):
                    for row in rows:
                        copy = list(row)
                        for i in ids:
                            if copy[i]:
                                copy[i] = ";".join(f"{v}~{k}" for v in copy[i].split(";"))
                        writer.writerow(copy)


def run(mode: str, folder: Path) -> dict[str, float]:
    """One measurement in a fresh process."""
    done = subprocess.run(
        [sys.executable, "-c", _RUN, mode, str(folder)],
        capture_output=True,
        text=True,
        check=True,
    )
    if done.stderr:
        print(done.stderr, file=sys.stderr)
    return json.loads(done.stdout) if done.stdout.strip() else {}


def main() -> None:
    """Measure loading one folder and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="a campaign as a folder of CSV files")
    parser.add_argument("--make", action="store_true", help="write FOLDER first if it is absent")
    parser.add_argument("--scale", type=int, default=80, help="with --make (default 80)")
    parser.add_argument("--copies", type=int, default=9, help="with --make (default 9)")
    parser.add_argument("--repeat", type=int, default=3, help="timed loads (default 3)")
    parser.add_argument("--kept", action="store_true", help="also measure the data kept")
    parser.add_argument("--profile", type=int, default=0, help="also profile: top N functions")
    args = parser.parse_args()
    if args.make and not args.folder.exists():
        make_folder(args.folder, args.scale, args.copies)
    mib = 1 << 20
    size = sum(f.stat().st_size for f in args.folder.glob("*.csv"))
    print(f"{args.folder}: {size / 1e6:,.0f} MB of CSV")
    runs = []
    for i in range(args.repeat):
        result = run("time", args.folder)
        runs.append(result)
        print(
            f"run {i + 1}: {result['wall']:.2f} s wall, {result['cpu']:.2f} s CPU, "
            f"peak RSS {result['rss'] / mib:,.0f} MiB, {result['records']:,} records"
        )
    best = min(runs, key=lambda r: r["wall"], default=None)
    if best is not None:
        print(f"best: {best['wall']:.2f} s, peak RSS {best['rss'] / mib:,.0f} MiB")
    if args.kept:
        kept = run("kept", args.folder)["kept"]
        ratio = f" (peak RSS / kept = {best['rss'] / kept:.2f})" if best is not None else ""
        print(f"kept: {kept / mib:,.0f} MiB{ratio}")
    if args.profile:
        run(str(args.profile), args.folder)


if __name__ == "__main__":
    main()
