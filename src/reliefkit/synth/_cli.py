"""The ``reliefkit synth`` command: its arguments and what it prints.

``reliefkit.cli`` wires it with two lines::

    add_synth_command(sub)                      # in build_parser()
    if args.command == "synth":                 # in main()
        return run_synth(args, console)

Bad arguments (a size too small for a county, a folder that is not empty) raise
:class:`~reliefkit.exceptions.InvalidValueError`, which ``main`` reports with exit code 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from reliefkit.synth._core import synth
from reliefkit.synth._layout import FORMATS, SHAPES


def _whole(least: int) -> Any:
    def parse(text: str) -> int:
        try:
            value = int(text.replace("_", "").replace(",", ""))
        except ValueError:
            value = least - 1
        if value < least:
            raise argparse.ArgumentTypeError(
                f"{text!r}: expected a whole number of at least {least}"
            )
        return value

    return parse


def add_synth_command(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``synth`` to the ``reliefkit`` command's subparsers; returns its parser."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "synth",
        help="write a synthetic source of N households (county campaigns, planted violations)",
        description="Write a deterministic synthetic source: N households split into county "
        "campaigns of about 3,500, one planted violation of every county-plan rule per county. "
        "One county in CSV is a format v1 folder; anything larger is format v1.1.",
    )
    parser.add_argument(
        "--households", required=True, type=_whole(1), help="how many households (all of them)"
    )
    parser.add_argument("--seed", type=int, default=0, help="the seed (default 0)")
    parser.add_argument("--out", required=True, type=Path, help="the folder to write")
    parser.add_argument("--format", choices=FORMATS, default="csv", help="csv (default) or parquet")
    parser.add_argument(
        "--shape",
        choices=SHAPES,
        default="full",
        help="full: every household (default); registry: registered poor households only",
    )
    parser.add_argument(
        "--counties", type=_whole(1), default=None, help="how many counties (default N / 3,500)"
    )
    parser.add_argument(
        "--force", action="store_true", help="write into a folder that is not empty"
    )
    return parser


def run_synth(args: argparse.Namespace, console: Any = None) -> int:
    """Run ``reliefkit synth``; prints what it wrote (to ``console``, a ``rich`` console, or
    to standard output) and returns the exit code."""
    try:
        summary = synth(
            args.out,
            households=args.households,
            seed=args.seed,
            shape=args.shape,
            format=args.format,
            counties=args.counties,
            overwrite=args.force,
        )
    except ImportError as exc:  # the frames extra is not installed: a usage problem
        print(f"reliefkit: {exc}", file=sys.stderr)
        return 2
    counties = summary.counties
    lines = [
        f"wrote {summary.records:,} records ({summary.households:,} households, "
        f"{summary.registered_poor:,} registered poor; {counties:,} "
        f"count{'y' if counties == 1 else 'ies'}) to {summary.path} "
        f"(format v{summary.version}, {summary.format}, shape {summary.shape})",
        f"planted: {sum(summary.planted.values()):,} findings, one per county-plan rule "
        f"(CP101-CP124) per county; near misses: {sum(summary.near_misses.values()):,}",
    ]
    for line in lines:
        if console is None:
            print(line)
        else:
            console.print(line, markup=False, highlight=False, soft_wrap=True)
    return 0
