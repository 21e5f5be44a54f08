"""References that a production path replaced and that production no longer runs, kept as oracles:
the tests hold the production path equal to them, and the benchmarks measure it against them.

A reference still run by production somewhere (pySHACL for the geography, ``instance_card`` for a
reused build's few cards, the named questions for the CLI and Neo4j…) stays beside its fast path;
decision 0131 lists each pair and where each side runs.
"""

from __future__ import annotations

import json
from pathlib import Path

from ingest.finess import open_flux

__all__ = ["whole_establishments"]


def whole_establishments(path: Path) -> list[dict]:
    """Every establishment of a FINESS flux, the whole file loaded first: the reader as it was before
    ``ingest.finess.establishments`` streamed it (``tests/national/test_finess_stream.py``,
    ``bench/bench_finess.py``)."""
    with open_flux(path) as handle:
        flux = json.load(handle)
    return [ege for pmej in flux.get("pmej", []) for ege in pmej.get("ege", [])]
