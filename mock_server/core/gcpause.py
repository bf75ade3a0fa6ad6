"""Bulk work without the cyclic garbage collector.

Loading 100,000 records allocates millions of objects; each batch of allocations triggers a
collection, and the full ones walk every object the mock holds, so a bulk load slows down as
the state grows. Records hold no reference cycles of note, so pausing the collector for the
length of one bulk operation (a scenario load, a state import) is safe: it runs again after.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def gc_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
