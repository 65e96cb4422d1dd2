"""The ``reliefkit`` command: a thin shell over load, check, the rule registry and examples.

Exit codes: 0 no error-severity finding and no rule error; 1 otherwise; 2 bad input or usage.

Everything printed from the data (ids, messages, reasons, notices, errors, paths) passes the
personal-data boundary (:func:`reliefkit._privacy.printable`). Nothing is overwritten without
asking: ``--output`` refuses an input file, ``example`` a folder that is not empty.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import sys
import warnings
from collections.abc import Iterable, Mapping, Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import pendulum
from rich.cells import cell_len
from rich.console import Console
from rich.markup import escape
from rich.text import Text

from reliefkit._checking import choose_engine
from reliefkit._privacy import printable, safe_in
from reliefkit._words import word
from reliefkit.columnar import check_source, open_source
from reliefkit.engine import check
from reliefkit.exceptions import LoadError, PackLoadWarning, ReliefkitError, UnknownRuleError
from reliefkit.io import dump
from reliefkit.io._many import count_campaigns, read_source
from reliefkit.models import Campaigns, Dataset, DateRange, Money, to_date
from reliefkit.report import CampaignsReport, Report
from reliefkit.report._many import campaigns_lines
from reliefkit.report._text import Line, as_of_remark, render_text, report_lines, wrap
from reliefkit.rules import (
    SECTIONS,
    Citation,
    Pack,
    Parameter,
    Registry,
    Rule,
    Severity,
    as_date,
    default_registry,
)
from reliefkit.rules._core import CONFIDENCE, era_text
from reliefkit.rules._registry import missing_code, missing_pack
from reliefkit.synth._cli import add_synth_command, run_synth

# The text report's kinds of line, as a terminal shows them.
_LINE_STYLE = {
    "title": "bold",
    "error": "bold red",
    "warning": "yellow",
    "info": "cyan",
    "dim": "dim",
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse's own exit code 2 is our usage code too
        self.print_usage(sys.stderr)
        self.exit(2, f"reliefkit: error: {message}\n")

    def format_help(self) -> str:
        # The packs an option can name are known once the installed ones are loaded: only
        # when help is asked for, never when the parser is built.
        for action in self._actions:
            lead = getattr(action, "lists_packs", None)
            if isinstance(lead, str):
                action.help = f"{lead}; available: {_available_packs()}"
        return super().format_help()


def _available_packs() -> str:
    """The packs of the default registry, each with when it runs."""
    with warnings.catch_warnings():  # a broken installed pack is shown when a command runs
        warnings.simplefilter("ignore", PackLoadWarning)
        registry = default_registry()
    shown = []
    for pack in registry.packs():
        when = (
            " (always run)"
            if pack.always
            else " (run by default)"
            if pack.name in registry.default_packs
            else ""
        )
        shown.append(f"{pack.name}{when}")
    return ", ".join(shown)


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


def _param(text: str) -> tuple[str, str]:
    """``NAME=VALUE`` split; the value is read by the parameter's type once the packs run
    are known (:func:`_param_values`)."""
    name, equals, raw = text.partition("=")
    if not equals or not name.strip():
        raise argparse.ArgumentTypeError(
            f"{text!r}: expected NAME=VALUE (e.g. audit_due=12-31; lists comma-separated)"
        )
    return name.strip(), raw


def _day(text: str) -> pendulum.Date:
    try:
        return to_date(text)
    except ReliefkitError:
        raise argparse.ArgumentTypeError(f"{text!r}: expected a date YYYY-MM-DD") from None


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``reliefkit``."""
    parser = _Parser(prog="reliefkit", description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--version", action="version", version=f"reliefkit {package_version()}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    c = sub.add_parser(
        "check",
        help=(
            "check a campaign folder (CSV) or JSON file, or many campaigns: a folder of them "
            "or a format v1.1 source"
        ),
    )
    c.add_argument("path", type=Path)
    c.add_argument("--as-of", required=True, help="the date one looks from, YYYY-MM-DD")
    c.add_argument("--format", choices=["text", "json", "html"], default="text")
    c.add_argument("--output", "-o", type=Path, help="write the report here instead of stdout")
    c.add_argument("--lang", choices=["en", "zh"], default="en")
    c.add_argument("--select", action="append", help="codes or prefixes to run (CP1,CP2)")
    c.add_argument("--ignore", action="append", help="codes or prefixes to skip")
    run = c.add_argument(
        "--pack",
        action="append",
        help="rule packs to run, by name or prefix (default: the default packs)",
    )
    run.lists_packs = (  # type: ignore[attr-defined]
        "rule packs to run, by name or prefix: repeat the option (--pack county-plan --pack "
        "donations-law) or comma-separate (--pack county-plan,donations-law); default: the "
        "packs run by default, with those always run"
    )
    c.add_argument(
        "--engine",
        choices=["objects", "duckdb", "spark", "auto"],
        default="objects",
        help="objects (default); duckdb or spark: the packs' SQL statements (a province, the "
        "nation); auto: duckdb for a folder of Parquet tables or of CSV tables of 16 MiB or "
        "more, objects otherwise",
    )
    c.add_argument(
        "--threads", type=int, default=2, help="threads of the duckdb or spark engine (2)"
    )
    c.add_argument("--memory-limit", help="memory limit of the duckdb engine, e.g. 3GB")
    c.add_argument(
        "--param",
        action="append",
        default=[],
        type=_param,
        help=(
            "override a parameter: NAME=VALUE, read by the parameter's type (a number, "
            "true/false, lists comma-separated); repeat for several"
        ),
    )

    rs = sub.add_parser("rules", help="list every rule: code, severity, name, title, clauses")
    rs.add_argument("--lang", choices=["en", "zh"], default="en")
    rs.add_argument(
        "--format",
        choices=["text", "json", "markdown"],
        default="text",
        help="markdown: the full reference of the packs (as docs/rules.md), in both languages",
    )
    rs.add_argument("--on", type=_day, help="only the rules in force on this date, YYYY-MM-DD")
    listed = rs.add_argument("--pack", action="append", help="only the rules of these packs")
    listed.lists_packs = (  # type: ignore[attr-defined]
        "only the rules of these packs, by name or prefix (repeat the option or comma-separate)"
    )

    r = sub.add_parser("rule", help="explain one rule: what, why, example, compliant, references")
    r.add_argument("code", metavar="CODE_OR_NAME", help="a code (CP101) or a name")
    r.add_argument("--lang", choices=["en", "zh"], default="en")

    e = sub.add_parser("example", help="write a bundled example campaign as CSV files")
    e.add_argument("name", help="example name, e.g. county-2015")
    e.add_argument("folder", type=Path)
    e.add_argument("--seed", type=int, default=None)
    e.add_argument("--scale", type=_scale, default=1, help="multiply the county (1 or more)")
    e.add_argument("--force", action="store_true", help="write into a folder that is not empty")

    t = sub.add_parser(
        "test", help="run scenarios (data/ and expected.toml): pass or fail, with the difference"
    )
    t.add_argument("path", type=Path, metavar="SCENARIOS", help="a scenario or a folder of them")

    n = sub.add_parser("new-pack", help="write a new rule-pack project (installable)")
    n.add_argument("name", help="the pack's name: lower-case words joined by '-', e.g. my-county")
    n.add_argument("--dir", type=Path, help="where to write it (default reliefkit-pack-NAME)")
    n.add_argument("--prefix", help="its code prefix: 2-4 capitals (default from the name)")

    add_synth_command(sub)
    return parser


def package_version() -> str:
    """The installed version of reliefkit (``unknown`` when run from an uninstalled tree)."""
    try:
        return version("reliefkit")
    except PackageNotFoundError:
        return "unknown"


def _emit(console: Console, lines: Iterable[Line]) -> None:
    """Print lines already wrapped to the console's width: rich neither wraps nor crops them
    again (that would break ids), it only colours them on a terminal. Without colours (a
    pipe, a file, ``NO_COLOR``) the lines are written as they are, all at once: a report of
    many campaigns has hundreds of thousands."""
    if console.color_system is None:
        console.file.write("".join(f"{line.text}\n" for line in lines))
        return
    for line in lines:
        console.print(Text(line.text, style=_LINE_STYLE.get(line.style, "")), soft_wrap=True)


class _Refused(Exception):
    """A command that would destroy something it was not asked to, or options that name
    nothing (an unknown code or parameter): exit 2 with the reason."""


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


def _did_you_mean(wanted: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(wanted, list(known), n=1)
    return f" (did you mean {close[0]}?)" if close else ""


def _packs_run(packs: list[str], registry: Registry) -> list[Pack]:
    """The packs ``check`` runs: those named (or the default ones) and those always run; a
    name no pack has is refused as ``--pack NAME`` with the nearest name."""
    chosen = []
    for name in packs or registry.default_packs:
        try:
            chosen.append(registry.pack(name))
        except UnknownRuleError:
            raise _Refused(f"--pack {name}: {missing_pack(name, registry)}") from None
    return chosen + [p for p in registry.always if p not in chosen]


def _check_selectors(
    option: str, selectors: list[str], registry: Registry, run: list[Pack]
) -> None:
    """Refuse a ``--select``/``--ignore`` that matches no code of the registry, blaming that
    option and suggesting the nearest code, or only codes of packs not run, saying which
    ``--pack`` runs them (the engine then checks the codes in force)."""
    codes = sorted(registry.codes())
    running = {code for pack in run for code in pack.rules}
    for selector in selectors:
        wanted = selector.strip().upper()
        matched = [code for code in codes if code.startswith(wanted)]
        if not matched:
            raise _Refused(
                f"--{option} {selector}: matches no rule code: "
                f"{missing_code(wanted, registry)}; see `reliefkit rules`"
            )
        if not running.intersection(matched):
            owners = sorted({p.name for p in registry.packs() if set(matched) & set(p.rules)})
            what = matched[0] if matched == [wanted] else f"{wanted} ({', '.join(matched)})"
            kind = "a rule" if len(matched) == 1 else "rules"
            noun = "pack" if len(owners) == 1 else "packs"
            verb = "is" if len(owners) == 1 else "are"
            raise _Refused(
                f"--{option} {selector}: {what} {'is' if len(matched) == 1 else 'are'} {kind} "
                f"of {noun} {', '.join(owners)}, which {verb} not run: add "
                + " ".join(f"--pack {o}" for o in owners)
            )


def _param_values(given: Iterable[tuple[str, str]], run: list[Pack]) -> dict[str, Any]:
    """``--param NAME=VALUE`` read by the type of the parameter's value (``rest_day=6`` an
    int, ``admin_cap_public_charity=0.13`` a Decimal, lists comma-separated) and checked by
    its pack; a name no pack run has, or a value it cannot take, is refused naming the
    option and the form expected."""
    from reliefkit.scenarios._params import example_of, from_text

    known: dict[str, Parameter] = {}
    for pack in run:  # the first pack run that declares a name gives its type
        for name, declared in pack.parameters.items():
            known.setdefault(name, declared)
    names = sorted(known)
    values: dict[str, Any] = {}
    for name, raw in given:
        parameter = known.get(name)
        if parameter is None:
            raise _Refused(
                f"--param {name}: no such parameter{_did_you_mean(name, names)}; parameters of "
                f"the packs run: {', '.join(names)}"
            )
        try:
            value = from_text(example_of(parameter), raw)
        except ValueError as exc:
            raise _Refused(f"--param {name}={raw}: {exc}") from None
        for pack in run:  # each pack run that reads the name must accept the value
            own = pack.parameters.get(name)
            if own is not None and own.check is not None:
                try:
                    own.check(value)
                except (ValueError, TypeError) as exc:
                    raise _Refused(f"--param {name}={raw}: {exc}") from None
        values[name] = value
    return values


def _check(args: argparse.Namespace, console: Console, errors: Console) -> int:
    if args.output is not None:
        _refuse_clobbering(args.output, args.path)
    registry = default_registry()
    packs, select, ignore = _split(args.pack), _split(args.select), _split(args.ignore)
    run = _packs_run(packs, registry)
    _check_selectors("select", select, registry, run)
    _check_selectors("ignore", ignore, registry, run)
    params = _param_values(args.param, run)
    options: dict[str, Any] = {
        "packs": packs or None,
        "select": select,
        "ignore": ignore,
        "params": params,
    }
    engine = args.engine
    if engine == "auto":  # an HTML page draws the records: the object engine builds them
        auto = choose_engine(args.path, registry=registry, packs=packs or None)
        engine = "objects" if args.format == "html" else auto
    if engine != "objects":
        return _check_columnar(args, engine, options, registry, console, errors)
    if args.format == "html":
        _refuse_html(args.path, count_campaigns(args.path))
    dataset, notices = read_source(args.path)
    # Notices go to stderr so that stdout stays the report (JSON stays parseable); an
    # ignored column can hide a rule's input, so they are never silent.
    for notice in notices:
        errors.print(_p(f"notice: {notice}"), style="yellow", soft_wrap=True)
    if isinstance(dataset, Campaigns):
        if args.format == "html":
            _refuse_html(args.path, len(dataset))
        many = check(dataset, as_of=args.as_of, registry=registry, **options)
        starts = {key: one.campaign.starts_on for key, one in dataset.items()}
        return _show_campaigns(args, many, starts, console, errors)
    report = check(dataset, as_of=args.as_of, registry=registry, **options)
    return _show_report(args, report, dataset.campaign.starts_on, dataset, console, errors)


def _check_columnar(
    args: argparse.Namespace,
    engine: str,
    options: dict[str, Any],
    registry: Registry,
    console: Console,
    errors: Console,
) -> int:
    """``reliefkit check --engine duckdb|spark``: the packs' statements over the source."""
    if args.format == "html":
        raise _Refused(
            f"--format html --engine {engine}: the HTML page draws the campaign's records, "
            "which the columnar engine does not build; use --engine objects for HTML"
        )
    source = open_source(
        args.path, engine=engine, threads=args.threads, memory_limit=args.memory_limit
    )
    for notice in source.notices:  # on stderr, as for the object engine
        errors.print(_p(f"notice: {notice}"), style="yellow", soft_wrap=True)
    try:
        reports = check_source(source, as_of=args.as_of, registry=registry, **options)
        starts = {key: c.starts_on for key, c in source.campaigns.items()}
    finally:
        source.close()
    if len(reports) == 1:
        key, report = next(iter(reports.items()))
        return _show_report(args, report, starts[key], None, console, errors)
    many = CampaignsReport.collect(reports.items(), as_of=as_date(args.as_of), keep_datasets=False)
    return _show_campaigns(args, many, starts, console, errors)


def _show_report(
    args: argparse.Namespace,
    report: Report,
    starts_on: pendulum.Date,
    dataset: Dataset | None,
    console: Console,
    errors: Console,
) -> int:
    """Print or write one campaign's report; its exit code."""
    remark = as_of_remark(report.as_of, starts_on, args.lang)
    remarks = [remark] if remark else []
    if args.format == "text" and args.output is None:  # wrapped to the terminal
        _emit(console, report_lines(report, lang=args.lang, width=console.width, remarks=remarks))
        return report.exit_code
    if args.format == "json":
        text = report.to_json()
    elif args.format == "html":
        text = report.to_html(lang=args.lang, dataset=dataset)
    else:
        text = render_text(report, lang=args.lang, remarks=remarks)
    if args.format != "text":
        for line in remarks:  # not in the document: JSON stays the report.v1 schema
            errors.print(_p(line), style="yellow", soft_wrap=True)
    if args.output is not None:
        args.output.write_text(text, encoding="utf-8")
        console.print(_p(f"wrote {args.output}"), style="dim")
    else:
        sys.stdout.write(text + ("" if text.endswith("\n") else "\n"))
    return report.exit_code


def _refuse_html(path: Path, campaigns: int | None) -> None:
    """An HTML page shows one campaign: a source of more is refused (before it is read,
    when its campaigns can be counted cheaply)."""
    if campaigns is not None and campaigns > 1:
        raise _Refused(
            f"--format html: {path} holds {campaigns:,} campaigns, and an HTML page shows one; "
            "use --format text or json for all of them; for one campaign's page, in Python: "
            "data = rk.load_campaigns(PATH)[CAMPAIGN_ID]; "
            "html = rk.check(data, as_of=AS_OF).to_html(dataset=data)"
        )


def _show_campaigns(
    args: argparse.Namespace,
    report: CampaignsReport,
    starts: Mapping[str, pendulum.Date],
    console: Console,
    errors: Console,
) -> int:
    """Print or write the report of many campaigns, per campaign and in total; its exit
    code."""
    remarks: dict[str, list[str]] = {}
    for key, starts_on in starts.items():
        remark = as_of_remark(report.as_of, starts_on, args.lang)
        if remark:
            remarks[key] = [remark]
    if args.format == "json":
        text = report.to_json()
        for key, lines in remarks.items():  # not in the document, as for one campaign
            for line in lines:
                errors.print(_p(f"{key}: {line}"), style="yellow", soft_wrap=True)
    elif args.output is None:  # printed below, wrapped to the terminal
        width = console.width
        _emit(console, campaigns_lines(report, lang=args.lang, width=width, remarks=remarks))
        return report.exit_code
    else:
        text = report.to_text(lang=args.lang, remarks=remarks)
    if args.output is not None:
        args.output.write_text(text, encoding="utf-8")
        console.print(_p(f"wrote {args.output}"), style="dim")
    else:
        sys.stdout.write(text + ("" if text.endswith("\n") else "\n"))
    return report.exit_code


_RULES_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "heading": "reliefkit rules: {n} {rules} in {packs}",
        "on": ", in force on {day}",
        "removed": "removed",
        "explain": "`reliefkit rule CODE` (or NAME) explains a rule.",
    },
    "zh": {
        "heading": "reliefkit 规则：共 {n} 条（{packs}）",
        "on": "，{day} 施行",
        "removed": "已废止",
        "explain": "`reliefkit rule 代码`（或名称）说明一条规则。",
    },
}


def _pad(text: str, cells: int) -> str:
    """``text`` padded with spaces to ``cells`` terminal cells (Chinese counts two)."""
    return text + " " * max(0, cells - cell_len(text))


def _rule_title(rule: Rule, lang: str) -> str:
    return printable(rule.title_zh if lang == "zh" else rule.title)


def _rules_text(
    rules: list[Rule], lang: str, width: int, packs: list[str], on: pendulum.Date | None = None
) -> list[Line]:
    """A plain layout that fits any width: names are never cut, long titles wrap."""
    words = _RULES_WORDS[lang]
    noun = "rule" if len(rules) == 1 else "rules"
    heading = words["heading"].format(n=len(rules), rules=noun, packs=", ".join(packs))
    if on is not None:
        heading += words["on"].format(day=on.isoformat())
    out = [Line(heading, "title"), Line("")]
    severity_cells = max(cell_len(word(s, lang)) for s in Severity)
    for rule in rules:
        severity = _pad(word(rule.severity, lang), severity_cells)
        removed = f" ({words['removed']})" if rule.removed else ""
        prefix = f"{rule.code}  {severity} "  # one unbreakable atom: the columns stay aligned
        head = f"{prefix} {printable(rule.name)}{removed}"
        lines = wrap(head, width, hang="       ", keep=[prefix])
        out += [Line(t, rule.severity.value) for t in lines]
        clauses = [printable(str(c)) for c in rule.citations]
        sep = "；" if lang == "zh" else "; "
        era = [] if on is None else [_era_words(rule, lang)]
        detail = sep.join([_rule_title(rule, lang), *era, *clauses])
        out += [Line(t) for t in wrap(detail, width, indent="       ", keep=clauses)]
    out += [Line(""), Line(words["explain"], "dim")]
    return out


def _era_words(rule: Rule, lang: str) -> str:
    """``in force from 2016-09-01`` (``施行：自 2016-09-01 起``)."""
    period = era_text(rule.in_force, lang)
    return f"施行：{period}" if lang == "zh" else f"in force {period}"


def _range(period: DateRange) -> dict[str, str | None]:
    ends = None if period.ends_on is None else period.ends_on.isoformat()
    return {"starts_on": period.starts_on.isoformat(), "ends_on": ends}


def _citation_json(citation: Citation) -> dict[str, Any]:
    return {
        "clause": str(citation),
        "source": citation.source,
        "summary": citation.summary,
        "in_force": None if citation.in_force is None else _range(citation.in_force),
        "confidence": citation.confidence,
    }


def _rules_json(rules: list[Rule], lang: str, on: pendulum.Date | None = None) -> str:
    items = [
        {
            "code": rule.code,
            "name": rule.name,
            "pack": rule.pack,
            "severity": rule.severity.value,
            "kinds": [k.value for k in rule.kinds],
            "title": rule.title_zh if lang == "zh" else rule.title,
            "remedy": rule.remedy_zh if lang == "zh" else rule.remedy,
            "citations": [_citation_json(c) for c in rule.citations],
            "params": list(rule.params),
            "removed": rule.removed,
            "in_force": _range(rule.in_force),
            "dated": rule.dated is not None,
            "confidence": rule.confidence,
        }
        for rule in rules
    ]
    document: dict[str, Any] = {"schema": "reliefkit.rules.v1", "lang": lang}
    if on is not None:
        document["on"] = on.isoformat()
    document["rules"] = items
    return json.dumps(safe_in(document), ensure_ascii=False, indent=2)


def in_force_on(rule: Rule, pack: Pack, day: pendulum.Date) -> bool:
    """Whether a rule is in force on ``day``: not removed, and ``day`` within both its pack's
    range and its own."""
    return not rule.removed and day in pack.in_force and day in rule.in_force


def _rules(args: argparse.Namespace, console: Console) -> int:
    registry = default_registry()
    packs = [_named_pack(registry, name) for name in _split(args.pack)] or registry.packs()
    rules = sorted(
        (r for p in packs for r in p if args.on is None or in_force_on(r, p, args.on)),
        key=lambda r: r.code,
    )
    if args.format == "json":
        sys.stdout.write(_rules_json(rules, args.lang, args.on) + "\n")
    elif args.format == "markdown":
        from reliefkit.rules._docs import rules_markdown

        names = [p.name for p in packs]
        sys.stdout.write(printable(rules_markdown(registry, names, on=args.on), newlines=True))
    else:
        names = [p.name for p in packs]
        _emit(console, _rules_text(rules, args.lang, console.width, names, args.on))
    return 0


def _named_pack(registry: Registry, name: str) -> Pack:
    try:
        return registry.pack(name)
    except UnknownRuleError:
        raise _Refused(f"--pack {name}: {missing_pack(name, registry)}") from None


def _rule(args: argparse.Namespace, console: Console) -> int:
    lang = args.lang
    registry = default_registry()
    rule = registry.rule(args.code)
    pack = _pack_of(registry, rule)
    words = _RULE_WORDS[lang]
    width = console.width
    severity = word(rule.severity, lang)
    kinds = ("、" if lang == "zh" else ", ").join(word(k, lang) for k in rule.kinds)
    head = f"{rule.code} {printable(rule.name)}" + (
        f"（{severity}；{kinds}）" if lang == "zh" else f" ({severity}; {kinds})"
    )
    lines = [Line(t, rule.severity.value) for t in wrap(head, width)]
    lines += [Line(t) for t in wrap(_rule_title(rule, lang), width)]
    doc = rule.doc_in(lang)

    def section(heading: str, paragraphs: Iterable[str], *, spaced: bool = True) -> None:
        lines.extend([Line(""), Line(heading, "title")])
        for i, paragraph in enumerate(paragraphs):
            if i and spaced:
                lines.append(Line(""))
            lines.extend(Line(t) for t in wrap(printable(paragraph), width))

    for name in SECTIONS:
        section(words.get(name, name), _unwrap(doc.get(name, "")).split("\n\n"))
    section(words["Cites"], (_clause(c, lang) for c in rule.citations), spaced=False)
    section(words["Fix"], [rule.remedy_zh if lang == "zh" else rule.remedy])
    section(words["In force"], [_in_force(rule, pack, lang)])
    if rule.confidence != "V":
        section(words["Confidence"], [_confidence(rule.confidence, lang, rule=True)])
    if rule.params:
        lines.extend([Line(""), Line(words["Parameters"], "title")])
        for name in rule.params:
            parameter = pack.parameters.get(name) if pack is not None else None
            for text, indent in _parameter_lines(name, parameter, lang):
                shown = wrap(printable(text), width, indent=indent, hang=indent + "    ")
                lines.extend(Line(t) for t in shown)
    _emit(console, lines)
    return 0


def _pack_of(registry: Registry, rule: Rule) -> Pack | None:
    """The registered pack that holds ``rule``."""
    for pack in registry.packs():
        if pack.rules.get(rule.code) is rule:
            return pack
    return None


def _in_force(rule: Rule, pack: Pack | None, lang: str) -> str:
    """When a rule is in force: its own range, and its pack's when that differs."""
    zh = lang == "zh"
    if rule.removed:
        return "已废止" if zh else "removed (the code is never reused)"
    text = era_text(rule.in_force, lang)
    if pack is not None and pack.in_force != rule.in_force:
        shown = era_text(pack.in_force, lang)
        text += f"（规则包 {pack.name} {shown}）" if zh else f" (pack {pack.name}: {shown})"
    if rule.dated is not None:
        text += "；按每项行为的日期判断" if zh else "; judged by the date of each act"
    return text


def _confidence(mark: str, lang: str, *, rule: bool = False) -> str:
    """``[R: recalled, not verified]``; for a rule, what its mark is the weakest of."""
    meaning = _CONFIDENCE_ZH.get(mark, mark) if lang == "zh" else CONFIDENCE.get(mark, mark)
    if not rule:
        return f"[{mark}: {meaning}]"
    if lang == "zh":
        return f"[{mark}: {meaning}]，为所引条款与所读参数中最弱的一项"
    return f"[{mark}: {meaning}], the weakest among its clauses and the parameters it reads"


_CONFIDENCE_ZH = {
    "V": "已核实",
    "V2": "据二手资料",
    "R": "凭记忆，未核实",
    "I": "对含义不明条文的解读",
}


def _shown_value(value: Any) -> str:
    """A parameter value as ``--param`` would take it: lists comma-separated."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Money):
        return str(value.yuan)
    if isinstance(value, frozenset | set):
        return ", ".join(sorted(_shown_value(v) for v in value))
    if isinstance(value, Mapping):
        return ", ".join(f"{_shown_value(k)}={_shown_value(v)}" for k, v in value.items())
    if isinstance(value, tuple | list):
        if any(isinstance(v, tuple | list) for v in value):
            return "; ".join(_shown_value(v).replace(", ", ",") for v in value)
        return ", ".join(_shown_value(v) for v in value)
    return str(value)


def _parameter_lines(name: str, parameter: Parameter | None, lang: str) -> list[tuple[str, str]]:
    """A parameter a rule reads: its name and doc, then each era's value with its source,
    and its confidence mark when it is not ``V`` (verified); ``(text, indent)`` pairs."""
    if parameter is None:
        return [(name, "")]
    out = [(f"{name}: {parameter.doc}" if parameter.doc else name, "")]
    eras = parameter.values
    for era in eras:
        when = f" ({era_text(era.in_force, lang)})" if len(eras) > 1 else ""
        mark = ""
        if era.confidence != "V":
            meaning = (
                _CONFIDENCE_ZH.get(era.confidence, era.confidence)
                if lang == "zh"
                else CONFIDENCE.get(era.confidence, era.confidence)
            )
            mark = f" [{era.confidence}: {meaning}]"
        out.append((f"= {_shown_value(era.value)}{when} — {era.source}{mark}", "  "))
    return out


def _clause(citation: Citation, lang: str) -> str:
    """``county-plan §三(一) — what it asks`` (``：`` in Chinese), in ``lang``, then when the
    clause is law (a clause with its own era) and its confidence mark when not ``V``."""
    zh = lang == "zh"
    summary = citation.summary_in(lang)
    text = str(citation)
    if summary:
        text += f"：{summary}" if zh else f" — {summary}"
    if citation.in_force is not None:
        period = era_text(citation.in_force, lang)
        text += f"（施行：{period}）" if zh else f" ({period})"
    if citation.confidence != "V":
        text += " " + _confidence(citation.confidence, lang)
    return text


_RULE_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "Cites": "Cites",
        "Fix": "Fix",
        "In force": "In force",
        "Confidence": "Confidence",
        "Parameters": "Parameters",
    },
    "zh": {
        "What it checks": "检查内容",
        "Why it matters": "为何重要",
        "Example": "违规示例",
        "Compliant": "合规示例",
        "References": "依据",
        "Cites": "引用条款",
        "Fix": "整改",
        "In force": "施行",
        "Confidence": "可信度",
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


_TEST_STYLE = {"pass": "green", "fail": "bold red", "error": "bold red", "dim": "dim"}


def _test(args: argparse.Namespace, console: Console) -> int:
    from reliefkit.scenarios import Status, explain_lines, run_scenarios, summary

    results = run_scenarios(args.path, registry=default_registry())
    for result in results:
        for style, text in explain_lines(result):
            console.print(Text(text, style=_TEST_STYLE.get(style, "")), soft_wrap=True)
    statuses = {r.status for r in results}
    code = 2 if Status.ERROR in statuses else 1 if Status.FAIL in statuses else 0
    console.print(Text(summary(results), style="bold" if code else "green"), soft_wrap=True)
    return code


def _new_pack(args: argparse.Namespace, console: Console) -> int:
    from reliefkit._scaffold import NAME, derive_prefix, project, write_project

    name: str = args.name
    if not NAME.fullmatch(name):
        raise _Refused(
            f"new-pack {name!r}: a pack name is lower-case words joined by '-' (my-county)"
        )
    registry = default_registry()
    taken = {p.prefix: p.name for p in registry.packs()}
    if any(p.name == name for p in registry.packs()):
        raise _Refused(f"new-pack {name}: a pack of this name is installed")
    prefix = args.prefix or derive_prefix(name, taken)
    if prefix is None:
        raise _Refused(f"new-pack {name}: choose a prefix with --prefix (2-4 capitals)")
    if not (2 <= len(prefix) <= 4 and prefix.isascii() and prefix.isalpha() and prefix.isupper()):
        raise _Refused(f"--prefix {prefix}: expected 2-4 capitals, like MC")
    for other, owner in taken.items():
        if prefix.startswith(other) or other.startswith(prefix):
            raise _Refused(
                f"--prefix {prefix}: overlaps prefix {other} of pack {owner}; choose another"
            )
    made = project(name, prefix, reliefkit_version=_release(package_version()))
    folder: Path = args.dir or Path(made.distribution)
    try:
        written = write_project(made, folder)
    except FileExistsError as exc:
        raise _Refused(str(exc)) from None
    console.print(
        _p(
            f"wrote {len(written)} files to {folder}: pack {made.name} (prefix {made.prefix}), "
            f"package {made.package}, sample rule {made.code} in {made.module}.py"
        ),
        soft_wrap=True,
    )
    console.print(
        _p(f"next: cd {folder} && pip install -e '.[test]' && reliefkit test scenarios && pytest"),
        style="dim",
        soft_wrap=True,
    )
    return 0


def _release(text: str) -> str:
    """The release a new pack requires: this version, or 0.1 from an uninstalled tree."""
    parts = text.split(".")
    return text if len(parts) >= 2 and all(p.isdigit() for p in parts[:2]) else "0.1"


def _load_registry(errors: Console) -> None:
    """Build the default registry now, showing each installed pack that could not be loaded
    as one warning line on stderr (the command still runs, without that pack)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", PackLoadWarning)
        default_registry()
    for warning in caught:
        if issubclass(warning.category, PackLoadWarning):
            errors.print(_p(f"warning: {warning.message}"), style="yellow", soft_wrap=True)
        else:
            warnings.warn_explicit(
                warning.message, warning.category, warning.filename, warning.lineno
            )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = build_parser().parse_args(argv)
    console = Console(soft_wrap=False)
    errors = Console(stderr=True)
    try:
        if args.command not in ("example", "synth"):
            _load_registry(errors)
        if args.command == "check":
            return _check(args, console, errors)
        if args.command == "rules":
            return _rules(args, console)
        if args.command == "rule":
            return _rule(args, console)
        if args.command == "test":
            return _test(args, console)
        if args.command == "new-pack":
            return _new_pack(args, console)
        if args.command == "synth":
            return run_synth(args, console)
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
