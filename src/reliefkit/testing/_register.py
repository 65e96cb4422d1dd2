"""Hypothesis entry point: register a strategy per record type for ``st.from_type``."""

from __future__ import annotations


def _hypothesis_setup_hook() -> None:
    """Called by Hypothesis at import (entry point group ``hypothesis``)."""
    from reliefkit.testing._strategies import register_type_strategies

    register_type_strategies()
