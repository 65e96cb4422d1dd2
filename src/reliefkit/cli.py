"""The ``reliefkit`` command: a thin shell over load, check, the rule registry and examples.

Exit codes: 0 no error-severity finding and no rule error; 1 otherwise; 2 bad input or usage.

Everything printed from the data (ids, messages, reasons, notices, errors, paths) passes the
personal-data boundary (:func:`reliefkit._privacy.printable`). Nothing is overwritten without
asking: ``--output`` refuses an input file, ``example`` a folder that is not empty.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from reliefkit._privacy import printable
from reliefkit.engine import check
from reliefkit.exceptions import LoadError, ReliefkitError
from reliefkit.io import dump, load_with_notices
from reliefkit.report import Report
from reliefkit.rules import SECTIONS, Severity, all_rules, get_rule

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
_HEADERS = {
    "en": {c: c for c in ("code", "severity", "subjects", "message", "cites")},
    "zh": {
        "code": "代码",
        "severity": "级别",
        "subjects": "对象",
        "message": "问题",
        "cites": "依据",
    },
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse's own exit code 2 is our usage code too
        self.print_usage(sys.stderr)
        self.exit(2, f"reliefkit: error: {message}\n")


def _p(text: object, *, newlines: bool = False) -> str:
    """Text from the data as the terminal may show it: safe, on one line (unless its line
    breaks are the message's own), escaped for rich markup."""
    return escape(printable(str(text), newlines=newlines))


def _scale(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: expected a whole number of at least 1")
    return value


def _split(values: list[str] | None) -> list[str]:
    return [v.strip() for item in values or () for v in item.split(",") if v.strip()]


def _param(text: str) -> tuple[str, Any]:
    name, _, raw = text.partition("=")
    value: Any = raw
    if raw.lower() in ("true", "false"):
        value = raw.lower() == "true"
    elif "," in raw:
        value = tuple(v.strip() for v in raw.split(","))
    return name.strip(), value


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``reliefkit``."""
    parser = _Parser(prog="reliefkit", description=__doc__.splitlines()[0] if __doc__ else None)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    c = sub.add_parser("check", help="check a campaign folder (CSV) or JSON file")
    c.add_argument("path", type=Path)
    c.add_argument("--as-of", required=True, help="the date one looks from, YYYY-MM-DD")
    c.add_argument("--format", choices=["text", "json", "html"], default="text")
    c.add_argument("--output", "-o", type=Path, help="write the report here instead of stdout")
    c.add_argument("--lang", choices=["en", "zh"], default="en")
    c.add_argument("--select", action="append", help="codes or prefixes to run (CP1,CP2)")
    c.add_argument("--ignore", action="append", help="codes or prefixes to skip")
    c.add_argument("--pack", action="append", help="rule packs to run (default county-plan)")
    c.add_argument(
        "--param",
        action="append",
        default=[],
        type=_param,
        help="override a parameter: NAME=VALUE (lists comma-separated)",
    )

    sub.add_parser("rules", help="list every rule: code, severity, name, title")

    r = sub.add_parser("rule", help="explain one rule: what, why, example, compliant, references")
    r.add_argument("code")
    r.add_argument("--lang", choices=["en", "zh"], default="en")

    e = sub.add_parser("example", help="write a bundled example campaign as CSV files")
    e.add_argument("name", help="example name, e.g. county-2015")
    e.add_argument("folder", type=Path)
    e.add_argument("--seed", type=int, default=None)
    e.add_argument("--scale", type=_scale, default=1, help="multiply the county (1 or more)")
    e.add_argument("--force", action="store_true", help="write into a folder that is not empty")
    return parser


def _print_report(console: Console, report: Report, lang: str) -> None:
    words = report.to_text(lang=lang).splitlines()  # each line printable already
    console.print(escape(words[0]), style="bold")
    console.print(escape(words[1]))
    table = Table(show_lines=False, expand=True)
    # Nothing is cut off: long messages (Chinese has no spaces to wrap at) fold instead.
    for column, ratio in (("code", 0), ("severity", 0), ("subjects", 2), ("message", 5)):
        table.add_column(
            _HEADERS[lang][column], overflow="fold", no_wrap=not ratio, ratio=ratio or None
        )
    table.add_column(_HEADERS[lang]["cites"], overflow="fold", min_width=18)
    for f in report.findings:
        table.add_row(
            _p(f.code),
            f"[{_STYLE[f.severity]}]{f.severity.value}[/]",
            _p(", ".join(f.subjects)),
            _p(f.localized_message(lang)),
            _p("\n".join(printable(str(c)) for c in f.citations), newlines=True),
        )
    if report.findings:
        console.print(table)
    else:
        console.print("No findings." if lang == "en" else "未发现问题。")
    for w in report.waived:
        subjects = printable(", ".join(w.finding.subjects))
        until = w.waiver.until.isoformat()
        line = (
            f"waived {w.finding.code} {subjects}: {w.reason} (until {until})"
            if lang == "en"
            else f"已豁免 {w.finding.code} {subjects}：{w.reason}（有效期至 {until}）"
        )
        console.print(_p(line))
    for code, error in sorted(report.rule_errors.items()):
        error = printable(error)
        line = f"rule {code} raised: {error}" if lang == "en" else f"规则 {code} 运行出错：{error}"
        console.print(_p(line), style="bold red")


class _Refused(Exception):
    """A command that would destroy something it was not asked to: exit 2 with the reason."""


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or path.is_relative_to(folder)


def _refuse_clobbering(output: Path, source: Path) -> None:
    """Refuse an ``--output`` that is the input, or a file inside the input folder (under any
    name: a symlink or a hard link to one counts too)."""
    target = output.resolve()
    origin = source.resolve()
    clobbers = target == origin or (origin.is_dir() and _inside(target, origin))
    if not clobbers and output.exists():
        inputs = list(origin.iterdir()) if origin.is_dir() else [origin]
        clobbers = any(_same_file(output, item) for item in inputs)
    if clobbers:
        raise _Refused(
            f"--output {output}: would overwrite the input {source}; write the report "
            "outside the input"
        )


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _check(args: argparse.Namespace, console: Console, errors: Console) -> int:
    if args.output is not None:
        _refuse_clobbering(args.output, args.path)
    dataset, notices = load_with_notices(args.path)
    # Notices go to stderr so that stdout stays the report (JSON stays parseable); an
    # ignored column can hide a rule's input, so they are never silent.
    for notice in notices:
        errors.print(_p(f"notice: {notice}"), style="yellow", soft_wrap=True)
    report = check(
        dataset,
        as_of=args.as_of,
        packs=_split(args.pack) or None,
        select=_split(args.select),
        ignore=_split(args.ignore),
        params=dict(args.param),
    )
    if args.format == "json":
        text = report.to_json()
    elif args.format == "html":
        text = report.to_html(lang=args.lang, dataset=dataset)
    else:
        text = report.to_text(lang=args.lang)
    if args.output is not None:
        args.output.write_text(text, encoding="utf-8")
        console.print(_p(f"wrote {args.output}"), style="dim")
    elif args.format == "text":
        _print_report(console, report, args.lang)
    else:
        sys.stdout.write(text + ("" if text.endswith("\n") else "\n"))
    return report.exit_code


def _rules(console: Console) -> int:
    table = Table(title="reliefkit rules")
    for column in ("code", "severity", "name", "title", "cites"):
        table.add_column(column)
    for rule in all_rules():
        table.add_row(
            rule.code,
            rule.severity.value,
            rule.name,
            escape(rule.title),
            escape("; ".join(str(c) for c in rule.citations)),
        )
    console.print(table)
    return 0


def _rule(args: argparse.Namespace, console: Console) -> int:
    rule = get_rule(args.code)
    title = rule.title_zh if args.lang == "zh" else rule.title
    console.print(
        f"[bold]{rule.code}[/] {escape(rule.name)} ([{_STYLE[rule.severity]}]"
        f"{rule.severity.value}[/])"
    )
    console.print(escape(title))
    words = _RULE_WORDS[args.lang]
    doc = rule.doc_in(args.lang)
    for section in SECTIONS:
        console.print(f"\n[bold]{words.get(section, section)}[/]")
        console.print(escape(_unwrap(doc.get(section, ""))))
    console.print(f"\n[bold]{words['Cites']}[/]")
    for c in rule.citations:
        console.print(escape(f"{c} — {c.summary}"))
    console.print(f"\n[bold]{words['Fix']}[/]")
    console.print(escape(rule.remedy_zh if args.lang == "zh" else rule.remedy))
    if rule.params:
        console.print(f"\n[bold]{words['Parameters']}[/]: " + escape(", ".join(rule.params)))
    return 0


_RULE_WORDS: dict[str, dict[str, str]] = {
    "en": {"Cites": "Cites", "Fix": "Fix", "Parameters": "Parameters"},
    "zh": {
        "What it checks": "检查内容",
        "Why it matters": "为何重要",
        "Example": "违规示例",
        "Compliant": "合规示例",
        "References": "依据",
        "Cites": "引用条款",
        "Fix": "整改",
        "Parameters": "参数",
    },
}


def _unwrap(text: str) -> str:
    """A docstring section as paragraphs, so the terminal wraps it (not the source's lines)."""
    text = text.replace("``", "")  # reST literals read as plain words in a terminal
    paragraphs = [" ".join(p.split()) for p in text.split("\n\n")]
    return "\n\n".join(p for p in paragraphs if p)


def _example(args: argparse.Namespace, console: Console) -> int:
    from reliefkit.examples import EXAMPLES

    if args.name not in EXAMPLES:
        console.print(_p(f"unknown example {args.name!r}; known: {', '.join(EXAMPLES)}"))
        return 2
    folder: Path = args.folder
    if folder.exists() and not folder.is_dir():
        raise _Refused(f"{folder}: not a folder")
    if folder.is_dir() and any(folder.iterdir()) and not args.force:
        raise _Refused(
            f"{folder}: not empty; choose an empty or new folder, or pass --force to write "
            "into it (files of the same names are replaced)"
        )
    kwargs: dict[str, Any] = {"scale": args.scale}
    if args.seed is not None:
        kwargs["seed"] = args.seed
    try:
        dataset = EXAMPLES[args.name](**kwargs)
    except ValueError as exc:  # a seed or scale the generator refuses
        raise _Refused(f"example {args.name}: {exc}") from exc
    dump(dataset, folder)
    console.print(_p(f"wrote {len(dataset)} records to {folder}"))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = build_parser().parse_args(argv)
    console = Console(soft_wrap=False)
    errors = Console(stderr=True)
    try:
        if args.command == "check":
            return _check(args, console, errors)
        if args.command == "rules":
            return _rules(console)
        if args.command == "rule":
            return _rule(args, console)
        return _example(args, console)
    except ReliefkitError as exc:
        # One problem per line, never cut or wrapped mid-sentence, whatever the terminal.
        errors.print(_p(f"reliefkit: {exc}", newlines=True), style="red", soft_wrap=True)
        if isinstance(exc, LoadError) and getattr(args, "format", None) == "json":
            sys.stdout.write(json.dumps(exc.to_dict(), ensure_ascii=False, indent=2) + "\n")
        return 2
    except (_Refused, OSError) as exc:
        errors.print(_p(f"reliefkit: {exc}", newlines=True), style="red", soft_wrap=True)
        return 2
