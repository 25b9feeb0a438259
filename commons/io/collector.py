"""Python's cycle collector, paused for the length of a bulk load.

A bulk load (a million marketplace events, a roster of a million lines, a journal file) makes
millions of short-lived tuples and strings while it holds large caches (accounts, orders,
residents). Every few thousand new objects the collector runs, and every so often it walks the
whole heap, caches included, looking for cycles that such a load does not make: measured on a
200,000-event feed, an eighth of the import's time. The load's own garbage is freed by reference
counting as before; the few cycles it may leave (a caught error and its traceback) wait until
the load ends, when the collector is switched back on.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

__all__ = ["collector_paused"]


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cycle collector inside the block; restore it as it was when the block ends,
    however it ends (a nested pause leaves it to the outer one)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
