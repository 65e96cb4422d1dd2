"""Python's cycle collector, paused while many objects are made."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def no_cycle_collection() -> Iterator[None]:
    """The cycle collector paused (and resumed after, if it ran before): loading and checking
    make millions of records and findings with no reference cycles among them, which it would
    only rescan again and again (a tenth of a big load's time, a third of fetching's)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
