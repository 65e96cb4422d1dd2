"""Time and peak memory of ``rk.check`` on the columnar engine (DuckDB) and the object engine.

Run: ``.venv/bin/python benchmarks/bench_columnar.py [--out /tmp/rkbench]
[--sizes county,province,nation] [--engines duckdb,objects] [--threads 2]
[--memory-limit 3GB] [--scaling 10,100,1000] [--runs 1] [--repeat 3] [--timeout 900]
[--no-check] [--json FILE]``.

Sources are written by ``reliefkit synth`` into ``--out`` when absent (a folder already there
is reused): ``county`` is one county (3,500 households), ``province`` 1 M households (286
counties), ``x1000`` 3.5 M households (1,000 counties), ``nation`` the registry shape of 30 M
registered poor households (8,571 counties; skipped with a note when less than 20 GB is free),
and ``scale-N`` N counties of 3,500 households, for the cost exponents. Each is in Parquet
(``NAME-pq``) for the columnar engine and, but for the nation, in CSV (``NAME-csv``) for the
object engine (what ``--engine auto`` runs on CSV), which holds every record as an object and
cannot hold the nation.

Each measurement runs in a fresh process, so that its peak resident memory (``ru_maxrss``) is
its own; the children work in ``--out``/work, and DuckDB spills past its memory limit into a
folder of its own in the system's temporary folder (``TMPDIR``).

- **check**: the whole ``rk.check(path, as_of=…, engine=…)``, the fastest of ``--runs`` (the
  nation is run once), its wall time split where it goes. DuckDB: opening the source
  (``open_source``: the Parquet files read into the engine's tables, and in brackets the
  source's checks as the object loader's, split into the rows' pass and the ids' and
  references' pass), the parameter tables, the rules' statements (``run_statements``,
  one query per pack), fetching the records the findings need (``Fetcher.fill``; in brackets
  its queries, the rest is making records in Python), the judges wording the findings (every
  pass, in brackets the passes per campaign) and the rest (plans, then collecting the
  reports). Objects: ``rk.load_campaigns``, then the check.
- **statements only**: the same source opened the same way, the parameter tables made by the
  engine's own helpers, then each rule's statement run alone, straight in DuckDB, and counted
  (``SELECT count(*), count(*) FILTER (WHERE flagged) FROM (statement)``, so that every row
  is judged) with nothing fetched: the best of ``--repeat`` runs (the nation's: one). The
  engine's check beside their sum shows its overhead: fetching records and wording findings
  in Python. ``--no-check`` measures these alone.
- **cost exponents**: each statement's times on ``scale-N`` and ``scale-10N`` give
  ``log(t(10N) / t(N)) / log(10)``: 1 is linear; below 1, a fixed cost (parsing and planning,
  a few milliseconds) still weighs at the smaller size.

``--timeout`` (seconds, default 900) stops any one measurement that runs longer; what it had
done by then is printed. This is a benchmark, not a test: figures vary by machine and are
never asserted.
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path
from typing import Any

AS_OF = "2015-12-31"
MIB = 1 << 20
NATION_FREE_BYTES = 20 * 10**9

SIZES: dict[str, list[str]] = {
    "county": ["--households", "3500"],
    "province": ["--households", "1000000"],
    "x1000": ["--households", "3500000"],
    "nation": ["--households", "30000000", "--shape", "registry"],
}
"""``reliefkit synth`` arguments of each named size."""


def _synth_args(size: str) -> list[str]:
    if size.startswith("scale-"):
        counties = int(size.removeprefix("scale-"))
        return ["--households", str(3500 * counties), "--counties", str(counties)]
    return SIZES[size]


def source(out: Path, size: str, fmt: str) -> Path:
    """The folder of ``size`` in ``fmt`` (``pq`` or ``csv``), written first if absent."""
    folder = out / f"{size}-{fmt}"
    if not (folder / "campaign.parquet").is_file() and not (folder / "campaign.csv").is_file():
        command = [str(Path(sys.executable).with_name("reliefkit")), "synth"]
        command += [*_synth_args(size), "--out", str(folder), "--force"]
        command += ["--format", "parquet" if fmt == "pq" else "csv"]
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, text=True)
        print(f"wrote {folder} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return folder


def records(folder: Path) -> int:
    """Rows of every table of a Parquet source (from the files' footers)."""
    import pyarrow.parquet as pq

    return sum(pq.ParquetFile(p).metadata.num_rows for p in folder.glob("*.parquet"))


# --- children: one measurement each, its figures as JSON lines on stdout -------------------


def _emit(**figures: Any) -> None:
    print(json.dumps(figures), flush=True)


def _rss() -> int:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def child_check(path: str, engine: str, threads: int, memory_limit: str | None) -> None:
    """The whole ``rk.check`` of ``path``, with its phases timed apart."""
    import reliefkit as rk
    from reliefkit import _checking
    from reliefkit.columnar import _backend, _engine, _view, open_source
    from reliefkit.io import load_campaigns

    phases: defaultdict[str, float] = defaultdict(float)
    counts: defaultdict[str, int] = defaultdict(int)

    def timed(name: str, function: Callable[..., Any], *, say: bool = True) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                phases[name] += time.perf_counter() - started
                counts[f"{name}_calls"] += 1
                if say:  # as it goes, so that a run stopped early still tells
                    _emit(phase=name, seconds=phases[name], rss=_rss())

        return wrapper

    check = _engine._check

    def inner(source: Any, *args: Any) -> Any:
        try:
            return check(source, *args)
        finally:  # what DuckDB holds, before the engine closes it
            _, rows = source.backend.rows("SELECT sum(memory_usage_bytes) FROM duckdb_memory()")
            counts["duckdb_bytes"] = int(rows[0][0] or 0)

    fill = _view.Fetcher.fill

    def filling(fetcher: Any, caches: Any) -> None:
        fill(fetcher, caches)
        counts["rounds"], counts["queries"] = fetcher.rounds, fetcher.queries

    batch = _backend.Backend.batch

    def batching(backend: Any, queries: Any) -> Any:
        found = batch(backend, queries)
        counts["rows_fetched"] += sum(len(rows) for rows in found)
        return found

    materialise = _backend.DuckDB.materialise

    def materialising(backend: Any, name: str, sql: str, **options: Any) -> None:
        started = time.perf_counter()
        materialise(backend, name, sql, **options)
        _emit(table=name, seconds=time.perf_counter() - started, rss=_rss())

    # Each phase is a name the engine looks up when it runs.
    for owner, name, phase, function, say in (
        (_engine, "open_source", "open", open_source, True),
        (_engine, "_check", "check", inner, True),
        (_engine, "_param_tables", "params", _engine._param_tables, True),
        (_engine, "_rule_eras", "params", _engine._rule_eras, True),
        (_engine, "_known_codes", "params", _engine._known_codes, True),
        (_engine, "run_statements", "statements", _engine.run_statements, True),
        (_view.Fetcher, "fill", "fetch", filling, True),
        (_backend.Backend, "batch", "fetch_queries", batching, False),
        (_engine, "_attempt", "judge", _engine._attempt, False),
        (_backend.DuckDB, "materialise", "materialise", materialising, False),
        (_checking, "load_campaigns", "load", load_campaigns, True),
    ):
        setattr(owner, name, timed(phase, function, say=say))
    try:  # the Parquet source's checks (as the object loader's), where the engine has them
        from reliefkit.columnar import _checks
    except ImportError:  # pragma: no cover - an engine without them
        pass
    else:
        _checks.check_rows = timed("checks", _checks.check_rows)
        from reliefkit.columnar import _check_ids, _check_rows

        _check_rows.route_rows = timed("checks_rows", _check_rows.route_rows)
        _check_ids.reference_problems = timed("checks_ids", _check_ids.reference_problems)
    start = _rss()
    wall, cpu = time.perf_counter(), time.process_time()
    report = rk.check(path, as_of=AS_OF, engine=engine, threads=threads, memory_limit=memory_limit)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    campaigns = len(getattr(report, "reports", {})) or 1
    _emit(
        done=True,
        wall=wall,
        cpu=cpu,
        rss=_rss(),
        start_rss=start,
        findings=len(report.findings),
        campaigns=campaigns,
        phases=dict(phases),
        **counts,
    )


def child_statements(path: str, threads: int, memory_limit: str | None, repeat: int) -> None:
    """Each rule's statement alone, straight in DuckDB, over the source as the engine opens it."""
    from reliefkit.columnar import open_source
    from reliefkit.columnar._engine import (
        _known_codes,
        _param_tables,
        _rule_eras,
        _use_pack,
        statement_of,
    )
    from reliefkit.engine._plan import plan_for
    from reliefkit.rules import Rule, as_date, default_registry

    started = time.perf_counter()
    opened = open_source(path, engine="duckdb", threads=threads, memory_limit=memory_limit)
    opening = time.perf_counter() - started
    _emit(phase="open", seconds=opening, rss=_rss())
    registry, day = default_registry(), as_date(AS_OF)
    started = time.perf_counter()
    plans = {cid: plan_for(registry, c, None, None) for cid, c in opened.campaigns.items()}
    rules: dict[str, Rule] = {}
    for plan in plans.values():  # what the engine's check runs (see _engine._check)
        for rule, setting in plan.rules:
            if setting is not None and not rule.after_all:
                rules.setdefault(rule.code, rule)
    packs = {r.pack: registry.pack(r.pack) for plan in plans.values() for r, _ in plan.rules}
    _param_tables(opened, plans, day, packs)
    _rule_eras(opened, packs.values())
    _known_codes(opened, plans)
    params = time.perf_counter() - started
    by_pack: defaultdict[str, list[Rule]] = defaultdict(list)
    for _, rule in sorted(rules.items()):
        by_pack[rule.pack].append(rule)
    per_rule: dict[str, dict[str, float]] = {}
    for pack, pack_rules in by_pack.items():
        _use_pack(opened, pack, packs[pack].views)
        for rule in pack_rules:
            sql = f"SELECT count(*), count(*) FILTER (WHERE flagged) FROM ({statement_of(rule)}) s"
            best = math.inf
            for _ in range(repeat):
                started = time.perf_counter()
                subjects, flagged = opened.backend.rows(sql)[1][0]
                best = min(best, time.perf_counter() - started)
            per_rule[rule.code] = {"seconds": best, "subjects": subjects, "flagged": flagged}
            _emit(rule=rule.code, **per_rule[rule.code])
    opened.close()
    _emit(done=True, open=opening, params=params, rules=per_rule, rss=_rss())


# --- the parent ------------------------------------------------------------------------------


def measure(command: list[str], cwd: Path, timeout: float) -> tuple[dict[str, Any], bool]:
    """Run one child; its last figures (partial ones when it ran out of time) and whether it
    finished."""
    lines: list[str] = []
    try:
        done = subprocess.run(
            command, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
        )
        lines = done.stdout.splitlines()
        if done.returncode:
            print(done.stderr[-3000:], file=sys.stderr)
    except subprocess.TimeoutExpired as expired:
        out = expired.stdout or b""
        lines = (out.decode() if isinstance(out, bytes) else out).splitlines()
    figures: dict[str, Any] = {"phases": {}, "rules": {}, "tables": {}}
    finished = False
    for line in lines:
        try:
            item = json.loads(line)
        except ValueError:  # a line cut short by the timeout
            continue
        if item.get("done"):
            figures.update(item)
            finished = True
        elif "phase" in item:
            figures["phases"][item["phase"]] = item["seconds"]
            figures["rss"] = item["rss"]
        elif "table" in item:
            figures["tables"][item["table"]] = item["seconds"]
            figures["rss"] = item["rss"]
        elif "rule" in item:
            figures["rules"][item["rule"]] = item
    return figures, finished


def _child(args: argparse.Namespace, mode: str, path: Path, engine: str = "duckdb") -> list[str]:
    command = [sys.executable, __file__, "--child", mode, "--path", str(path)]
    command += ["--engine-of-child", engine, "--threads", str(args.threads)]
    # The nation's statements are run once each (several seconds apiece).
    command += ["--repeat", "1" if path.name.startswith("nation") else str(args.repeat)]
    if args.memory_limit:
        command += ["--memory-limit", args.memory_limit]
    return command


def _s(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    return f"{seconds:.2f} s" if seconds < 10 else f"{seconds:.0f} s"


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}" if seconds < 1 else f"{seconds * 1000:,.0f}"


def main() -> None:
    """Make the sources, measure each size and engine, print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("/tmp/rkbench"), help="sources here")
    parser.add_argument("--sizes", default="county,province,nation", help="named sizes")
    parser.add_argument("--engines", default="duckdb,objects", help="duckdb, objects or both")
    parser.add_argument("--threads", type=int, default=2, help="DuckDB's threads (2)")
    parser.add_argument("--memory-limit", default=None, help="DuckDB's limit, e.g. 3GB")
    parser.add_argument("--scaling", default="10,100,1000", help="counties, for the exponents")
    parser.add_argument("--runs", type=int, default=1, help="runs of each check, fastest kept")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each statement alone")
    parser.add_argument("--timeout", type=float, default=900, help="seconds per measurement")
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    parser.add_argument("--no-check", action="store_true", help="only the statements alone")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--path", help=argparse.SUPPRESS)
    parser.add_argument("--engine-of-child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "check":
        child_check(args.path, args.engine_of_child, args.threads, args.memory_limit)
        return
    if args.child == "statements":
        child_statements(args.path, args.threads, args.memory_limit, args.repeat)
        return

    from reliefkit._checking import choose_engine

    args.out.mkdir(parents=True, exist_ok=True)
    work = args.out / "work"  # the children's working folder
    work.mkdir(exist_ok=True)
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    scaling = [int(n) for n in args.scaling.split(",") if n.strip()]
    notes: list[str] = []
    rows: list[dict[str, Any]] = []
    statements: dict[str, dict[str, Any]] = {}
    for size in sizes:
        if size == "nation" and not (args.out / "nation-pq" / "campaign.parquet").is_file():
            free = shutil.disk_usage(args.out).free
            if free < NATION_FREE_BYTES:
                notes.append(f"nation skipped: {free / 1e9:.0f} GB free in {args.out} (< 20 GB)")
                continue
        parquet = source(args.out, size, "pq")
        count = records(parquet)
        for engine in [] if args.no_check else engines:
            if engine == "objects" and size == "nation":
                notes.append("nation: no object engine run (it would hold 42 M records as objects)")
                continue
            path = parquet if engine == "duckdb" else source(args.out, size, "csv")
            # On a CSV source, the object engine is what `--engine auto` runs.
            engine_run = choose_engine(path) if engine == "objects" else engine
            runs = [
                measure(_child(args, "check", path, engine_run), work, args.timeout)
                for _ in range(1 if size == "nation" else args.runs)
            ]
            # The fastest run (as timeit keeps the best): slower ones measure the neighbours.
            figures, finished = min(runs, key=lambda r: (not r[1], r[0].get("wall", math.inf)))
            rows.append(
                {"size": size, "engine": engine_run, "format": path.name.rsplit("-", 1)[1]}
                | {"records": count, "finished": finished}
                | figures
            )
            print(json.dumps(rows[-1]), file=sys.stderr)
        duck = next((r for r in rows if r["size"] == size and r["engine"] == "duckdb"), None)
        if duck is not None and "open" not in duck["phases"]:
            notes.append(f"{size}: no statements alone (the engine did not open it in time)")
        elif "duckdb" in engines:
            figures, finished = measure(_child(args, "statements", parquet), work, args.timeout)
            statements[size] = figures | {"finished": finished}
    scaled: dict[int, dict[str, Any]] = {}
    for counties in scaling:
        parquet = source(args.out, f"scale-{counties}", "pq")
        scaled[counties] = measure(_child(args, "statements", parquet), work, args.timeout)[0]

    tree = subprocess.run(
        ["git", "describe", "--always", "--dirty"],
        cwd=Path(__file__).parent,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    print(
        f"reliefkit {tree or '(not a git checkout)'}, threads={args.threads}, "
        f"memory limit {args.memory_limit or 'none'}, as of {AS_OF}, "
        f"each check the fastest of {args.runs} (the nation's: one)\n"
    )
    print(
        "| size | records | engine (source) | campaigns | load/open (its checks) | params "
        "| statements | fetch (its queries) | judge (passes) | rest | whole check | CPU | peak RSS "
        "| DuckDB holds | findings |"
    )
    print("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        p = r["phases"]
        opened = p.get("open", p.get("load"))
        opening = f"{_s(opened)} ({_s(p['checks'])})" if "checks" in p else _s(opened)
        if "checks_rows" in p and "checks_ids" in p:
            split = f"rows {_s(p['checks_rows'])}, ids {_s(p['checks_ids'])}"
            opening = f"{_s(opened)} ({_s(p['checks'])}: {split})"
        judge, rest = p.get("judge"), None
        if r["finished"] and "check" in p:
            # columnar: plans and caches in check_source, then collecting the reports
            done = sum(p.get(k, 0) for k in ("params", "statements", "fetch", "judge"))
            rest = p["check"] - done + r["wall"] - p["check"] - p.get("open", 0)
        elif r["finished"]:  # objects: everything after loading is the check
            judge = r["wall"] - (opened or 0)
        whole = _s(r["wall"]) if r["finished"] else f"> {args.timeout:.0f} s (stopped)"
        fetch = f"{_s(p['fetch'])} ({_s(p.get('fetch_queries'))})" if "fetch" in p else _s(None)
        passes = r.get("judge_calls", 0) // max(r.get("campaigns", 1), 1)
        judged = f"{_s(judge)} ({passes})" if "judge" in p else _s(judge)
        rss = f"{r['rss'] / MIB:,.0f} MiB" if r.get("rss") else "—"
        held = f"{r['duckdb_bytes'] / MIB:,.0f} MiB" if r.get("duckdb_bytes") else "—"
        print(
            f"| {r['size']} | {r['records']:,} | {r['engine']} ({r['format']}) "
            f"| {r.get('campaigns', '—')} | {opening} | {_s(p.get('params'))} "
            f"| {_s(p.get('statements'))} | {fetch} | {judged} | {_s(rest)} "
            f"| {whole} | {_s(r.get('cpu'))} | {rss} | {held} | {r.get('findings', '—')} |"
        )
        if not r["finished"] and r["tables"]:
            made = ", ".join(f"{t} {_s(x)}" for t, x in r["tables"].items())
            notes.append(f"{r['size']}, {r['engine']}: stopped; tables made by then: {made}")
        elif not r["finished"]:
            notes.append(f"{r['size']}, {r['engine']}: stopped before its first table was made")
    if statements:
        print("\nThe engine against its statements alone (DuckDB, Parquet):\n")
        print(
            "| size | open | params | statements alone (sum) | engine's statements "
            "| engine's check after opening | check / statements alone |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|")
        for size, st in statements.items():
            alone = sum(r["seconds"] for r in st["rules"].values())
            row = next((r for r in rows if r["size"] == size and r["engine"] == "duckdb"), None)
            p = row["phases"] if row and row["finished"] else {}
            check, ran = p.get("check"), p.get("statements")
            summed = _s(alone) if st["finished"] else f"stopped ({len(st['rules'])} rules run)"
            print(
                f"| {size} | {_s(st.get('open', st['phases'].get('open')))} "
                f"| {_s(st.get('params'))} | {summed} | {_s(ran)} | {_s(check)} "
                f"| {f'{check / alone:.1f}×' if check and st['finished'] else '—'} |"
            )
    if scaled or statements:
        steps = list(pairwise(scaling))
        codes = sorted({c for st in [*scaled.values(), *statements.values()] for c in st["rules"]})
        heads = [f"{n} counties ms" for n in scaled]
        heads += [f"exponent {n}→{m}" for n, m in steps]
        heads += [f"{size} ms" for size in statements]
        last = scaling[-1] if scaling else None
        largest = scaled.get(last, {}).get("rules", {}) if last else {}
        print(f"\nEach rule's statement alone (best of {args.repeat}, the nation's of one):\n")
        counted_head = f" flagged / subjects ({last} counties) |" if last else ""
        print(f"| rule | {' | '.join(heads)} |{counted_head}")
        print(f"|---|{'---:|' * (len(heads) + bool(last))}")
        for code in codes:
            cells = [
                _ms(st["rules"][code]["seconds"]) if code in st["rules"] else "—"
                for st in scaled.values()
            ]
            for n, m in steps:
                a, b = scaled[n]["rules"].get(code), scaled[m]["rules"].get(code)
                cells.append(
                    f"{math.log(b['seconds'] / a['seconds']) / math.log(m / n):.2f}"
                    if a and b
                    else "—"
                )
            cells += [
                _ms(st["rules"][code]["seconds"]) if code in st["rules"] else "—"
                for st in statements.values()
            ]
            got = largest.get(code)
            counted = f" {got['flagged']:,} / {got['subjects']:,} |" if got else " — |"
            print(f"| {code} | {' | '.join(cells)} |{counted if last else ''}")
    for note in notes:
        print(f"\n{note}")
    if args.json:
        figures = {"rows": rows, "statements": statements, "scaled": scaled, "notes": notes}
        args.json.write_text(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
