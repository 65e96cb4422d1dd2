"""The text report (terminal and file alike), the short ``str()`` of reports and decisions,
and the wrapping they share.

One layout serves ``reliefkit check`` on a terminal, ``--output report.txt`` and
``report.to_text()``: a summary that says what to fix first, then the findings grouped by rule
(heading: code, name, severity, count), each with its subjects and message, the rule's fix, the
clauses it cites and the command that explains it. Lines are wrapped at spaces (and between
Chinese characters), never inside an id or a number; Chinese punctuation never starts a line.

Every value printed (ids, messages, reasons, errors) passes through
:func:`reliefkit._privacy.printable`: personal data masked, control and escape characters
replaced, one line per value — nothing in the data can drive the terminal or fake a line.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, NamedTuple

from rich.cells import cell_len

from reliefkit._privacy import printable
from reliefkit._words import word
from reliefkit.rules import Finding, Kind, Severity

if TYPE_CHECKING:
    import pendulum

    from reliefkit.report._report import Decision, Report

DEFAULT_WIDTH = 80
"""The width of ``report.to_text()`` and of ``--output report.txt`` (terminal cells)."""

_LABELS = {
    "en": {
        "title": "reliefkit check of {campaign} as of {as_of}",
        "total": "{findings}: {counts}; {waived} waived",
        "outcomes": (
            "rules: {passed} passed, {failed} failed, {na} not applicable (nothing in their "
            "reach: no data, out of their era, or reported by the rule they defer to)"
        ),
        "none": "No findings.",
        "first": "Fix first:",
        "raised": "{n} raised an error, so the check is incomplete: {codes}",
        "remedy": "fix: ",
        "cites": "cites: ",
        "caveat": "not verified: ",
        "explain": "about the rule: ",
        "due": "due {day}",
        "waived_heading": "Waived ({n}):",
        "waived_until": "{code} {subjects}: {reason} (until {until})",
        "errors_heading": "Rules that raised an error (the check is incomplete):",
        "rule_error": "{code}: {error}",
        "before_start": (
            "note: as_of is before the campaign starts: deadlines have not come yet "
            "(as_of {as_of}, the campaign starts on {starts})"
        ),
    },
    "zh": {
        "title": "reliefkit 检查：{campaign}（截至 {as_of}）",
        "total": "共 {findings}：{counts}；已豁免 {waived} 项",
        "outcomes": (
            "规则：通过 {passed} 条，未通过 {failed} 条，不适用 {na} 条（没有可判断的对象："
            "缺少数据、不在施行期内，或已由其所让位的规则报告）"
        ),
        "none": "未发现问题。",
        "first": "优先整改：",
        "raised": "{n}运行出错，检查不完整：{codes}",
        "remedy": "整改：",
        "cites": "依据：",
        "caveat": "未经核实：",
        "explain": "规则说明：",
        "due": "期限 {day}",
        "waived_heading": "已豁免（{n} 项）：",
        "waived_until": "{code} {subjects}：{reason}（有效期至 {until}）",
        "errors_heading": "运行出错的规则（检查不完整）：",
        "rule_error": "{code}：{error}",
        "before_start": (
            "注意：检查日期早于活动开始日期，各项期限尚未到来"
            "（检查日期 {as_of}，活动开始于 {starts}）"
        ),
    },
}

# Punctuation that may not start a line (it stays with what precedes it) and that may not end
# one (it stays with what follows), after the Chinese line-breaking rules (禁则).
_NO_START = frozenset("，。、；：！？）》」』】〕〉〗”’…‥·%‰,.;:!?)]}％～")
_NO_END = frozenset("（《「『【〔〈〖“‘([{")


class Line(NamedTuple):
    """One printed line and what it is (``title``, ``error``/``warning``/``info`` for a rule
    heading, ``dim``, or ``""``), so that a terminal can colour it."""

    text: str
    style: str = ""


def _lang(lang: str) -> str:
    return "zh" if lang == "zh" else "en"


def labels(lang: str) -> dict[str, str]:
    """The fixed words of the text report in ``en`` or ``zh``."""
    return _LABELS[_lang(lang)]


def severity_label(severity: Severity, lang: str) -> str:
    """``error`` or ``错误``."""
    return word(severity, _lang(lang))


# ---- counting in words -----------------------------------------------------------------------


def count(n: int, noun: str, lang: str) -> str:
    """``3 errors``, ``1 warning``, ``2 info``, ``5 findings``; ``错误 3 项``, ``共 5 项问题``."""
    if _lang(lang) == "zh":
        return f"{n} 项问题" if noun == "finding" else f"{word(noun, 'zh')} {n} 项"
    text = word(noun, "en")
    return f"{n} {text}" if n == 1 or noun == "info" else f"{n} {text}s"


def _severity_counts(findings: Sequence[Finding], lang: str) -> str:
    sep = "，" if _lang(lang) == "zh" else ", "
    by = Counter(f.severity for f in findings)
    return sep.join(count(by[s], s.value, lang) for s in Severity)


def _subjects(finding: Finding, lang: str) -> str:
    return printable(("、" if _lang(lang) == "zh" else ", ").join(finding.subjects))


# ---- wrapping --------------------------------------------------------------------------------


def _ideographic(ch: str) -> bool:
    """A character a line may break before or after: wide (Chinese, Japanese, Korean) and not
    a full-width letter or digit (those belong to words, ids and numbers)."""
    return unicodedata.east_asian_width(ch) in "WF" and unicodedata.category(ch) not in (
        "Nd",
        "Lu",
        "Ll",
    )


def _pieces(word_: str) -> list[str]:
    """A word without spaces, split where a line may break inside it (beside an ideograph,
    never before closing or after opening punctuation)."""
    if word_.isascii():  # ids, numbers, English: one piece
        return [word_]
    pieces: list[str] = []
    start = 0
    for k in range(1, len(word_)):
        a, b = word_[k - 1], word_[k]
        if (_ideographic(a) or _ideographic(b)) and b not in _NO_START and a not in _NO_END:
            pieces.append(word_[start:k])
            start = k
    pieces.append(word_[start:])
    return pieces


def _atoms(text: str, keep: Sequence[str] = ()) -> list[tuple[str, str]]:
    """``(separator, atom)`` pairs: the units a line is filled with, and what goes between an
    atom and the one before it on the same line (a space, or nothing between ideographs).
    Each phrase of ``keep`` is one atom (or part of one)."""
    marks: dict[str, str] = {}
    free = (chr(c) for c in range(0xE000, 0xF900) if chr(c) not in text)
    for phrase in dict.fromkeys(p for p in keep if p and p in text):
        mark = next(free)
        marks[mark] = phrase
        text = text.replace(phrase, mark)
    atoms: list[tuple[str, str]] = []
    for word_ in text.split(" "):
        if not word_:
            continue
        for j, piece in enumerate(_pieces(word_)):
            sep = " " if j == 0 and atoms else ""
            if atoms and (piece[0] in _NO_START or atoms[-1][1][-1] in _NO_END):
                before_sep, before = atoms[-1]
                atoms[-1] = (before_sep, before + sep + piece)
            else:
                atoms.append((sep, piece))
    if not marks:
        return atoms
    return [(sep, "".join(marks.get(c, c) for c in atom)) for sep, atom in atoms]


def wrap(
    text: str,
    width: int,
    *,
    indent: str = "",
    hang: str | None = None,
    keep: Sequence[str] = (),
) -> list[str]:
    """``text`` as lines of at most ``width`` terminal cells (Chinese characters count two).

    Lines break at spaces and beside ideographs, never inside a word, an id or a number: an
    atom wider than the line stands alone on its line, whole. Closing punctuation (``，``,
    ``。``, ``)``) never starts a line. The first line starts with ``indent``, the others with
    ``hang`` (default: ``indent``); each phrase of ``keep`` stays on one line.
    """
    if "  " not in text and text == text.strip(" ") and cell_len(indent + text) <= width:
        return [(indent + text).rstrip()]  # fits as it is (most lines)
    hang = indent if hang is None else hang
    lines: list[str] = []
    current, used, empty = indent, cell_len(indent), True
    for sep, atom in _atoms(text, keep):
        size = cell_len(atom)
        if empty:
            current, used, empty = current + atom, used + size, False
        elif used + len(sep) + size <= width:
            current, used = current + sep + atom, used + len(sep) + size
        else:
            lines.append(current.rstrip())
            current, used = hang + atom, cell_len(hang) + size
    lines.append(current.rstrip())
    return lines


# ---- the report ------------------------------------------------------------------------------


def as_of_remark(as_of: pendulum.Date, starts_on: pendulum.Date, lang: str = "en") -> str | None:
    """A remark when ``as_of`` is before the campaign starts (no deadline has come yet)."""
    if as_of >= starts_on:
        return None
    return labels(lang)["before_start"].format(
        as_of=as_of.isoformat(), starts=starts_on.isoformat()
    )


def _groups(findings: Sequence[Finding]) -> list[list[Finding]]:
    """Findings by rule, in report order (severity, then code)."""
    groups: dict[str, list[Finding]] = {}
    for f in findings:
        groups.setdefault(f.code, []).append(f)
    return sorted(groups.values(), key=lambda g: (g[0].severity.rank, g[0].code))


def _fix_first(report: Report, lang: str) -> list[tuple[str, list[str]]]:
    """The plan at the top: rules that raised first, then errors, warnings and info, each by
    rule with its count; with each item, the phrases a line may not break (a code and its
    count)."""
    words = labels(lang)
    zh = _lang(lang) == "zh"
    items: list[tuple[str, list[str]]] = []
    if report.rule_errors:
        codes = sorted(report.rule_errors)
        n = f"规则 {len(codes)} 条" if zh else f"{len(codes)} rule{'s' if len(codes) > 1 else ''}"
        items.append((words["raised"].format(n=n, codes=printable(", ".join(codes))), []))
    groups = _groups(report.findings)
    for severity in Severity:
        mine = [g for g in groups if g[0].severity is severity]
        if not mine:
            continue
        total = count(sum(len(g) for g in mine), severity.value, lang)
        pattern = "{code}（{n}）" if zh else "{code} ({n})"
        rules = [pattern.format(code=printable(g[0].code), n=len(g)) for g in mine]
        items.append(
            (f"{total}：{'、'.join(rules)}" if zh else f"{total}: {', '.join(rules)}", rules)
        )
    return [(f"{i}. {item}", keep) for i, (item, keep) in enumerate(items, 1)]


def _kind(finding: Finding, lang: str) -> str:
    words = labels(lang)
    parts = [word(finding.kind, _lang(lang))]
    if finding.kind is Kind.OBLIGATION and finding.due is not None:
        parts.append(words["due"].format(day=finding.due.isoformat()))
    return f"（{'，'.join(parts)}）" if _lang(lang) == "zh" else f" ({', '.join(parts)})"


def _heading(group: list[Finding], lang: str) -> str:
    first = group[0]
    name = f" {printable(first.name)}" if first.name else ""
    what = [severity_label(first.severity, lang), count(len(group), "finding", lang)]
    if _lang(lang) == "zh":
        what[1] = f"{len(group)} 项"
        return f"{printable(first.code)}{name}（{'，'.join(what)}）"
    return f"{printable(first.code)}{name} ({', '.join(what)})"


def report_lines(
    report: Report,
    *,
    lang: str = "en",
    width: int = DEFAULT_WIDTH,
    remarks: Sequence[str] = (),
) -> list[Line]:
    """The text report as styled lines of at most ``width`` cells (see the module's doc);
    ``remarks`` (the CLI's: ``as_of`` before the campaign) follow the counts."""
    words = labels(lang)
    zh = _lang(lang) == "zh"
    p = printable
    out: list[Line] = []

    def add(
        text: str,
        style: str = "",
        indent: str = "",
        hang: str | None = None,
        keep: Sequence[str] = (),
    ) -> None:
        lines = wrap(text, width, indent=indent, hang=hang, keep=keep)
        out.extend(Line(t, style) for t in lines)

    title = words["title"].format(campaign=p(report.campaign_id), as_of=report.as_of.isoformat())
    add(title, "title")
    add(
        words["total"].format(
            findings=count(len(report.findings), "finding", lang),
            counts=_severity_counts(report.findings, lang),
            waived=len(report.waived),
        )
    )
    outcomes = [o.value for o in report.outcomes.values()]
    if outcomes:
        add(
            words["outcomes"].format(
                passed=outcomes.count("pass"),
                failed=outcomes.count("fail"),
                na=outcomes.count("not_applicable"),
            ),
            "dim",
        )
    for remark in remarks:
        add(p(remark), "warning")
    out.append(Line(""))
    plan = _fix_first(report, lang)
    if plan:
        add(words["first"], "title")
        for item, keep in plan:
            add(item, indent="  ", hang="     ", keep=keep)
    else:
        add(words["none"])

    for group in _groups(report.findings):
        out.append(Line(""))
        add(_heading(group, lang), group[0].severity.value)
        remedies = {(f.remedy_zh if zh else f.remedy) for f in group}
        for f in group:
            add(f"- {_subjects(f, lang)}{_kind(f, lang)}", indent="  ", hang="    ")
            add(p(f.localized_message(lang)), indent="    ")
            if len(remedies) > 1:
                add(words["remedy"] + p(f.remedy_zh if zh else f.remedy), indent="    ")
        if len(remedies) == 1:
            (remedy,) = remedies
            add(words["remedy"] + p(remedy), indent="  ", hang="    ")
        # Findings on acts of different eras may cite different clauses: each once.
        clauses = list(dict.fromkeys(p(str(c)) for f in group for c in f.citations))
        cites = words["cites"] + ("；" if zh else "; ").join(clauses)
        add(cites, "dim", indent="  ", hang="    ", keep=clauses)
        for caveat in dict.fromkeys(c for f in group for c in f.caveats):
            add(words["caveat"] + p(caveat), "dim", indent="  ", hang="    ")
        command = f"reliefkit rule {p(group[0].code)}"
        add(words["explain"] + command, "dim", indent="  ", hang="    ", keep=[command])

    if report.waived:
        out.append(Line(""))
        add(words["waived_heading"].format(n=len(report.waived)), "title")
        for w in report.waived:
            line = words["waived_until"].format(
                code=p(w.finding.code),
                subjects=_subjects(w.finding, lang),
                reason=w.reason,
                until=w.waiver.until.isoformat(),
            )
            add(f"- {line}", indent="  ", hang="    ")
    if report.rule_errors:
        out.append(Line(""))
        add(words["errors_heading"], "error")
        for code, error in sorted(report.rule_errors.items()):
            add(words["rule_error"].format(code=p(code), error=p(error)), indent="  ", hang="    ")
    return out


def render_text(
    report: Report,
    *,
    lang: str = "en",
    width: int = DEFAULT_WIDTH,
    remarks: Sequence[str] = (),
) -> str:
    """The text report (what ``reliefkit check`` prints, without colour)."""
    return (
        "\n".join(
            line.text for line in report_lines(report, lang=lang, width=width, remarks=remarks)
        )
        + "\n"
    )


# ---- str() of reports and decisions ----------------------------------------------------------

_TOP_RULES = 5


def report_summary(report: Report) -> str:
    """``str(report)``: campaign, ``as_of``, counts by severity and the rules with the most
    findings (the whole report is ``report.to_text()``)."""
    p = printable
    lines = [
        f"reliefkit report of {p(report.campaign_id)} as of {report.as_of.isoformat()}: "
        f"{count(len(report.findings), 'finding', 'en')} "
        f"({_severity_counts(report.findings, 'en')}), {len(report.waived)} waived"
    ]
    if report.rule_errors:
        lines.append(f"rules that raised: {p(', '.join(sorted(report.rule_errors)))}")
    groups = sorted(_groups(report.findings), key=lambda g: (-len(g), g[0].sort_key()))
    if groups:
        lines.append("top rules:")
        for g in groups[:_TOP_RULES]:
            name = f" {p(g[0].name)}" if g[0].name else ""
            lines.append(f"  {p(g[0].code)}{name}: {count(len(g), g[0].severity.value, 'en')}")
        if len(groups) > _TOP_RULES:
            more = len(groups) - _TOP_RULES
            lines.append(f"  and {more} more rule{'s' if more > 1 else ''} (see report.to_text())")
    return "\n".join(lines)


def decision_text(decision: Decision) -> str:
    """``str(decision)``: allowed or refused, what refuses it, the hints that would cure a
    refusal, the obligations it opens, its other new findings and what it resolves."""
    p = printable
    head = "allowed" if decision.allowed else "refused"
    refusals = len(decision.refusals)
    lines = [
        f"{head} ({count(len(decision.findings), 'finding', 'en').replace(' ', ' new ', 1)}, "
        f"{refusals} refusal{'' if refusals == 1 else 's'}, {len(decision.resolved)} resolved; "
        f"{len(decision.consulted)} rules consulted)"
    ]

    def section(title: str, items: Iterable[str]) -> None:
        listed = list(items)
        if listed:
            lines.append(f"{title}:")
            lines.extend(f"  {item}" for item in listed)

    refusing = {f.identity for f in decision.refusals}
    obliged = {o.finding.identity for o in decision.obligations}
    section("refused by", (str(f) for f in decision.refusals))
    section("hints", (p(h) for h in decision.hints))
    section(
        "obligations",
        (
            f"{o.finding!s}\n    "
            + (f"due {o.due.isoformat()}; " if o.due else "")
            + f"met by: {p(o.meets)}"
            for o in decision.obligations
        ),
    )
    section(
        "other findings",
        (str(f) for f in decision.findings if f.identity not in refusing | obliged),
    )
    section(
        "waived",
        (f"{w.finding!s} (waiver until {w.waiver.until.isoformat()})" for w in decision.waived),
    )
    section("resolved", (str(f) for f in decision.resolved))
    section(
        "rules that raised", (f"{p(c)}: {p(e)}" for c, e in sorted(decision.rule_errors.items()))
    )
    return "\n".join(lines)
