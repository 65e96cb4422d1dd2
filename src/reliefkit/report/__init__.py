"""Reports and decisions, and their renderings (text, JSON, HTML, DataFrame)."""

from reliefkit.report._report import SCHEMA, Decision, Outcome, Report, Waived

__all__ = ["SCHEMA", "Decision", "Outcome", "Report", "Waived"]
