"""Python's cycle collector tuned for a build, at the build's entry points only (decision 0116).

A build makes about a million long-lived objects (the geography's index, the registry's readings) and
hundreds of thousands of short-lived ones beside them (rows, records, cards). With Python's default
thresholds a full collection runs every few hundred thousand allocations and walks every one of the
long-lived objects to find no garbage: a third of the geography index's time, a fifth of pySHACL's.
Tuned, the youngest generation is collected every :data:`YOUNG` allocations instead of 700, so full
collections become rare; what the process imported before the build is frozen out of their reach.
Garbage is still collected, later.

Tuning is a property of a process, so it is done where a process starts to build and nowhere else:
``maillage build``, ``check`` and ``load`` (the CLI), the upload check's child process
(``api.sandbox``) and the build's worker processes (``ingest.file_verdicts.worker_pool``). A build
that the API server runs in one of its threads (``POST /v1/admin/builds``, an accepted proposal) runs
with the server's collector as it is: its request threads keep their cycle collection meanwhile, and
the work of its worker processes is tuned all the same.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["YOUNG", "tuned_for_a_build"]

#: allocations between two collections of the youngest generation in a building process
YOUNG = 100_000


@contextmanager
def tuned_for_a_build() -> Iterator[None]:
    """The collector tuned for a build until the block ends, then as it was."""
    before, frozen = gc.get_threshold(), gc.get_freeze_count()
    # What is loaded so far (modules, settings) lasts the process. Not when something is frozen
    # already (a session warmed in this process): unfreezing would give it back to the collector too.
    if not frozen:
        gc.freeze()
    gc.set_threshold(YOUNG, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)
        if not frozen:
            gc.unfreeze()
