"""Python's cycle collector paused while a step of the build makes many objects over a large heap.

The geography's index is about a million long-lived objects (terms, tuples, lists, dicts), made in
one go: each of their allocations counts towards the next collection, and each full collection walks
all of them to find no garbage. Measured: a third of the index's time and a fifth of pySHACL's. The
cards are the same case the other way round: hundreds of thousands of short-lived rows and records
beside the registry's million objects, which every full collection walks again (the synthetic
national registry's cards, twice each way in one process: 5.6 and 6.0 s of CPU paused, 5.9 and 7.5 s
with the collector on). So is the record of a graph loaded into Neo4j (``store.neo4j_diff``): a row
per node of the national graph beside its properties, 1.6 s with the collector on, 1.0 s paused.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["cycle_collector_paused"]


@contextmanager
def cycle_collector_paused() -> Iterator[None]:
    """Python's cycle collector off for a while, then back as it was."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
