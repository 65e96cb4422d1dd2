"""``python -m reliefkit.rules.docs [PATH]`` writes the rule reference (default docs/rules.md)."""

from __future__ import annotations

import sys
from pathlib import Path

from reliefkit.rules._docs import rules_markdown

if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/rules.md")
    target.write_text(rules_markdown(), encoding="utf-8")
    print(f"wrote {target}")
