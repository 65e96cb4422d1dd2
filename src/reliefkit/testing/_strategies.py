"""Strategies per record type (filled in by the testing work)."""

from __future__ import annotations


def register_type_strategies() -> None:
    """Register strategies with Hypothesis (none yet)."""
