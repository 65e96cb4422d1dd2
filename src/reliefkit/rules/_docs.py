"""The rule reference (``docs/rules.md``), generated from the registry.

The same reference is generated for any registry and any of its packs: a third-party pack's
(``reliefkit rules --format markdown --pack NAME``) has the sections of the built-in ones.
"""

from __future__ import annotations

from collections.abc import Iterable

import pendulum

from reliefkit.rules._core import CONFIDENCE, SECTIONS, era_text
from reliefkit.rules._registry import Registry, builtin_registry

SECTION_ZH = {
    "What it checks": "检查内容",
    "Why it matters": "为何重要",
    "Example": "违规示例",
    "Compliant": "合规示例",
    "References": "依据",
}


def rules_markdown(
    registry: Registry | None = None,
    packs: Iterable[str] | None = None,
    *,
    on: pendulum.Date | None = None,
) -> str:
    """Markdown for every pack, parameter and rule: the fixed doc sections of each rule.

    ``registry`` defaults to :func:`~reliefkit.rules.builtin_registry` (``docs/rules.md``);
    ``packs`` (names or prefixes) narrows it to those packs, in the order given; ``on``
    keeps the rules in force on that day.
    """
    chosen = registry or builtin_registry()
    listed = chosen.packs() if packs is None else [chosen.pack(name) for name in packs]
    if registry is None and packs is None and on is None:
        lead = (
            "Generated from the rule registry by `python -m reliefkit.rules.docs`; do not edit "
            "by hand (a test fails when this page is stale)."
        )
    else:
        options = "".join(f" --pack {p.name}" for p in listed)
        options += "" if on is None else f" --on {on.isoformat()}"
        lead = f"Generated from the rule registry by `reliefkit rules --format markdown{options}`."
    out = ["# Rule reference", "", lead, ""]
    for pack in listed:
        rules = [
            r
            for r in pack
            if on is None or (not r.removed and on in pack.in_force and on in r.in_force)
        ]
        out += [
            f"## Pack `{pack.name}` ({pack.prefix}) — {pack.title}",
            "",
            f"{pack.title_zh}. In force from {pack.in_force.starts_on.isoformat()}"
            + (f" to {pack.in_force.ends_on.isoformat()}" if pack.in_force.ends_on else "")
            + f". Source: {pack.source}.",
            "",
            "| code | name | severity | title |",
            "|---|---|---|---|",
        ]
        out += [
            f"| [{r.code}](#{r.code.lower()}) | `{r.name}` | {r.severity.value} | {r.title} |"
            for r in rules
        ]
        out += [
            "",
            "### Parameters",
            "",
            "| name | default | source | meaning |",
            "|---|---|---|---|",
        ]
        for name, p in sorted(pack.parameters.items()):
            for era in p.values:
                value = era.value
                shown = ", ".join(sorted(value)) if isinstance(value, frozenset) else repr(value)
                mark = "" if era.verified else f" [{era.confidence}]"
                since = f" ({era_text(era.in_force)})"
                out.append(f"| `{name}` | `{shown}`{since} | {era.source}{mark} | {p.doc} |")
        out.append("")
        for rule in rules:
            doc = rule.doc
            out += [
                f"### {rule.code}",
                "",
                f"**`{rule.name}`** · {rule.severity.value} · {rule.title} · {rule.title_zh}",
                "",
            ]
            for section in SECTIONS:
                out += [f"**{section}.** {doc.get(section, '').replace(chr(10), ' ')}", ""]
            doc_zh = rule.doc_zh
            for section in SECTIONS:
                if section in doc_zh:
                    text = doc_zh[section].replace(chr(10), "")
                    out += [f"**{SECTION_ZH[section]}。** {text}", ""]
            if rule.defers_to:
                out += [
                    "**Defers to.** "
                    + ", ".join(rule.defers_to)
                    + " on the same subject: where that rule reports (unwaived), this one stays "
                    "silent.",
                    "",
                ]
            out += [
                f"**In force.** {era_text(rule.in_force)}"
                + (" · judged by the date of each act" if rule.dated is not None else "")
                + f" · **Legal basis.** {rule.basis}"
                + (
                    ""
                    if rule.confidence == "V"
                    else f" · **Confidence.** [{rule.confidence}] {CONFIDENCE[rule.confidence]}"
                ),
                "",
                "**Subjects and remedy.** " + rule.remedy + " / " + rule.remedy_zh,
                "",
                "**Cites.** "
                + "; ".join(
                    f"{c} ({c.summary}"
                    + (f" / {c.summary_zh}" if c.summary_zh else "")
                    + (f"; {era_text(c.in_force)}" if c.in_force is not None else "")
                    + ("" if c.confidence == "V" else f"; [{c.confidence}]")
                    + ")"
                    for c in rule.citations
                ),
                "",
                f"**Scope.** {rule.scope.name} · **Kinds.** "
                + ", ".join(k.value for k in rule.kinds)
                + f" · **Module.** `{rule.judge.__module__}`",
                "",
            ]
            if rule.params:
                out += ["**Parameters.** " + ", ".join(f"`{p}`" for p in rule.params), ""]
    return "\n".join(out).rstrip() + "\n"
