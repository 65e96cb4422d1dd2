"""How records and results show themselves in notebooks, without importing upward.

Models and rules sit below the report layer, yet their ``_repr_html_`` is rendered by it.
The report layer registers a renderer per type here when it is imported; the lower layers
only ask :func:`render_html`. Until a renderer is registered (or for unknown types) the
plain, escaped ``repr`` is shown, made safe (:func:`reliefkit._privacy.printable`).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from reliefkit._privacy import printable

_RENDERERS: dict[type, Callable[[Any], str]] = {}


def register_html(cls: type, renderer: Callable[[Any], str]) -> None:
    """Render instances of ``cls`` (and its subclasses) with ``renderer``."""
    _RENDERERS[cls] = renderer


def render_html(obj: object) -> str:
    """The HTML of ``obj`` from its registered renderer, else its escaped repr."""
    for cls in type(obj).__mro__:
        renderer = _RENDERERS.get(cls)
        if renderer is not None:
            return renderer(obj)
    return f"<pre>{html.escape(printable(repr(obj), newlines=True))}</pre>"
