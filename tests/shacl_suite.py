"""The W3C SHACL Core test suite (``../shared/conformance/shacl-core/``, unchanged): its cases, and
each validation result in the form the suite compares (focus node, path, constraint component,
value, severity).

A result's blank nodes are compared as the suite means them: a focus node or a value is a node of
the data graph (the same term when data and report come from one file); a path is compared by its
structure (``[ sh:inversePath ex:p ]`` in the expected report and in the shapes graph are two blank
nodes with the same description).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import RDF, Graph, Namespace, URIRef
from rdflib.namespace import SH

from core.settings import Settings
from ingest.shacl_core import path_of

SUITE = Settings.from_env().documents / "conformance" / "shacl-core"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = Namespace("http://www.w3.org/ns/shacl-test#")


@dataclass
class Case:
    name: str  #: folder/entry, as the suite's manifests name it: "node/class-001"
    data: Graph
    shapes: Graph
    conforms: bool
    results: set  #: the expected results, each a (focus, path, component, value, severity)


def _graph(graphs: dict, location: URIRef) -> Graph:
    path = Path(location.removeprefix("file://"))
    if path not in graphs:
        graphs[path] = Graph().parse(path, format="turtle")
    return graphs[path]


def cases() -> list[Case]:
    """Every entry of every manifest of the suite, in the manifests' order."""
    out, graphs = [], {}
    for file in sorted(SUITE.rglob("*.ttl")):
        g = _graph(graphs, URIRef(file.as_uri()))
        for manifest in g.subjects(RDF.type, MF.Manifest):
            for entries in g.objects(manifest, MF.entries):
                for entry in g.items(entries):
                    action, report = g.value(entry, MF.action), g.value(entry, MF.result)
                    results = {(g.value(r, SH.focusNode), path_of(g, g.value(r, SH.resultPath)),
                                g.value(r, SH.sourceConstraintComponent), g.value(r, SH.value), g.value(r, SH.resultSeverity))
                               for r in g.objects(report, SH.result)}
                    out.append(Case(f"{file.parent.name}/{entry.rsplit('/', 1)[-1]}",
                                    _graph(graphs, g.value(action, SHT.dataGraph)),
                                    _graph(graphs, g.value(action, SHT.shapesGraph)),
                                    g.value(report, SH.conforms).value, results))
    return out


