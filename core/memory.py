"""Memory management for the few hot paths that build many small objects at once."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a block builds many small, acyclic objects
    (rows fetched from the database, lines grouped from them).

    Every allocation counts towards the collector's next pass, and each pass walks the objects
    alive in the process (a whole Django application): grouping 13,000 subsidy rows spent two thirds
    of its time in such passes (benchmarks/RESULTS.md, subsidy run). Reference counting still frees
    everything that is not a cycle; the collector resumes, as it was, when the block ends, also on
    an error."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
