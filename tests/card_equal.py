"""The reference way to a registry's cards: ``instance_card`` asked of an in-memory store of what it
reads (the build reads them from the registry's index graph: ``ingest.publish.cards_of_graph``)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from ontology import VOCABULARY_FILES
from store.embedded import EmbeddedBackend
from store.session import Session


def reference_session(graph, territories: str) -> Session:
    """A session over an in-memory store of what ``instance_card`` reads: the registry's N-Triples,
    the vocabulary and ``territories`` (the N-Triples of the official territories it names)."""
    store = ox.Store()
    text = graph.serialize(format="nt", encoding="utf-8") + territories.encode()
    store.bulk_load(text, format=ox.RdfFormat.N_TRIPLES)
    for path in VOCABULARY_FILES:
        store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
    return Session(EmbeddedBackend(store, Path("."), in_memory=True))


def coverage_pairs(session: Session) -> list[dict]:
    return [{"instance": r["instance"], "coverage": r["coverage"]} for r in session.run("coverages")]
