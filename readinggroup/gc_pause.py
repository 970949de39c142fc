"""Pausing Python's cyclic garbage collector around bulk work that builds no cycles."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Run the block with the cyclic collector off (reference counting still frees memory).

    Reading and importing a 100,000-paper list creates millions of small objects that live
    until the end; the collector would walk all of them again and again as they pile up
    (about 40% of the reader's time at that size) and find nothing to free. Nested use is fine;
    the collector comes back on as it was.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
