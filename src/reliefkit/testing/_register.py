"""Hypothesis entry point: register a strategy per record type for ``st.from_type``."""

from __future__ import annotations

import sys

_STRATEGIES = "reliefkit.testing._strategies"


def _hypothesis_setup_hook() -> None:
    """Called by Hypothesis at import (entry point group ``hypothesis``)."""
    half_imported = sys.modules.get(_STRATEGIES)
    if half_imported is not None and not hasattr(half_imported, "register_type_strategies"):
        return  # that module is importing Hypothesis right now; it registers when done
    from reliefkit.testing._strategies import register_type_strategies

    register_type_strategies()
