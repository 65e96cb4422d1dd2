"""Reports and decisions, and their renderings (text, JSON, HTML, DataFrame, plots)."""

from typing import Any

from reliefkit._display import register_html
from reliefkit.models import Dataset
from reliefkit.report._many import CampaignsReport
from reliefkit.report._report import SCHEMA, Decision, Obligation, Outcome, Report, Waived
from reliefkit.rules import Finding, Rule


def _lazy(name: str) -> Any:
    """A renderer from ``report._html``, imported (with Jinja2) on first use."""

    def render(obj: object) -> str:
        from reliefkit.report import _html

        return str(getattr(_html, name)(obj))

    return render


# The notebook reprs of the lower layers' objects are drawn here (see reliefkit._display).
register_html(Finding, _lazy("finding_html"))
register_html(Rule, _lazy("rule_html"))
register_html(Dataset, _lazy("dataset_html"))

__all__ = [
    "SCHEMA",
    "CampaignsReport",
    "Decision",
    "Obligation",
    "Outcome",
    "Report",
    "Waived",
]
