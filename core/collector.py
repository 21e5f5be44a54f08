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

__all__ = ["cycle_collector_paused", "freeze_scope"]

#: how many steps that may freeze what they keep (builds) are running in this process
_builds = 0


@contextmanager
def cycle_collector_paused(keep: bool = False) -> Iterator[None]:
    """Python's cycle collector off for a while, then back as it was.

    With ``keep``, inside :func:`freeze_scope` (a build), what was made meanwhile lasts the whole
    build (a registry's readings): it is moved out of the collector's reach (``gc.freeze``) before it
    resumes, instead of being walked by its next collection (the national registry's readings: 0.6 s,
    for no garbage), until the build ends."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if keep and _builds:
            gc.freeze()
        if was_enabled:
            gc.enable()


@contextmanager
def freeze_scope() -> Iterator[None]:
    """A step (a build) in which ``cycle_collector_paused(keep=True)`` freezes what it kept; given
    back to the collector when the step ends: a server that builds keeps no frozen garbage, and a
    test that reads a registry outside a build freezes nothing."""
    global _builds
    _builds += 1
    try:
        yield
    finally:
        _builds -= 1
        if not _builds:
            gc.unfreeze()
