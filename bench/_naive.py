"""The naive baseline's graph: the whole national graph in one rdflib Graph (geography, registry,
vocabulary, custom-territory membership), read from the same sources as a build."""

from __future__ import annotations


def naive_graph(settings):
    from rdflib import Graph

    from ingest import csv_import, geography
    from ingest.build import _custom_within  # commune → custom territory, as N-Triples
    from ingest.registry import read_registry
    from ontology import VOCABULARY_FILES

    geo = geography.load(settings.geography)
    reg = read_registry(settings.registry, geo, csv_import.read_folder(settings.registry))
    graph = Graph()
    graph.parse(data="".join(geography.triples(geo)), format="nt")
    graph += reg.graph
    for path in VOCABULARY_FILES:
        graph.parse(path)
    graph.parse(data=_custom_within(reg), format="nt")
    return graph
