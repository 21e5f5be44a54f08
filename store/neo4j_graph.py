"""The embedded build as a property graph: the mapping of ``ontology/property-graph.ttl``, nothing more.

The rows carry IRIs, not Neo4j keys: the same graph can be written into any build of the database
(a key is ``<build id>|<IRI>``, made at write time), which an incremental load needs, since it rewrites
an older build's nodes in place.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import Graph, URIRef

from core.namespaces import M, local
from ontology import HERE as ONTOLOGY

from .embedded import _value

__all__ = ["PropertyGraph", "to_property_graph", "rel_type"]

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
OWL = "http://www.w3.org/2002/07/owl#"
# The ontology's own declarations are schema, not data (see property-graph.ttl).
SCHEMA_TYPES = {OWL + "Class", OWL + "ObjectProperty", OWL + "DatatypeProperty", OWL + "AnnotationProperty",
                OWL + "Ontology", OWL + "TransitiveProperty", OWL + "ReflexiveProperty"}


def rel_type(predicate: str) -> str:
    """``…#hasCoverage`` → ``HAS_COVERAGE``."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", local(predicate)).upper()


def _labels_table() -> dict[str, list[str]]:
    g = Graph().parse(ONTOLOGY / "property-graph.ttl")
    table: dict[str, list[str]] = {}
    for cls, label in g.subject_objects(URIRef(M.pgLabel)):
        table[str(cls)] = [str(label)] + [str(x) for x in g.objects(cls, URIRef(M.pgExtraLabel))]
    return table


@dataclass
class PropertyGraph:
    """Nodes ``(uri, properties)`` grouped by their label set, relationships ``(from, to)`` by type."""

    build: str
    nodes: dict[tuple[str, ...], list[tuple[str, dict]]] = field(default_factory=dict)
    relationships: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    @property
    def node_count(self) -> int:
        return sum(len(rows) for rows in self.nodes.values())

    @property
    def relationship_count(self) -> int:
        return sum(len(rows) for rows in self.relationships.values())


def to_property_graph(store: ox.Store, build: str) -> PropertyGraph:
    """Map every triple of ``store`` by the rule of ``ontology/property-graph.ttl``."""
    labels_of = _labels_table()
    types: dict[str, set[str]] = defaultdict(set)
    literals: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    links: list[tuple[str, str, str]] = []
    for quad in store.quads_for_pattern(None, None, None, ox.DefaultGraph()):
        subject, p, obj = quad.subject, quad.predicate.value, quad.object
        if isinstance(subject, ox.Triple) or isinstance(obj, ox.Triple):  # Maillage writes no RDF-star
            raise ValueError(f"triplet RDF-star inattendu dans le magasin : {quad}")
        s = subject.value
        if p == RDF_TYPE:
            types[s].add(obj.value)
        elif isinstance(obj, ox.Literal):
            literals[s][local(p)].append(_value(obj))
        else:
            links.append((s, p, obj.value))
    schema = {s for s, ts in types.items() if ts & SCHEMA_TYPES}
    multivalued = {name for props in literals.values() for name, values in props.items() if len(values) > 1}
    pg = PropertyGraph(build)
    uris = (set(types) | set(literals) | {s for s, _, _ in links} | {o for _, _, o in links}) - schema
    for uri in sorted(uris):
        labels = sorted({label for t in types.get(uri, ()) for label in labels_of.get(t, [local(t)])})
        props = {
            name: sorted(values, key=str) if name in multivalued else values[0]
            for name, values in literals.get(uri, {}).items()
        }
        props["types"] = sorted(types.get(uri, ()))
        pg.nodes.setdefault(tuple(labels), []).append((uri, props))
    for s, p, o in links:
        if s in schema or o in schema:
            continue
        pg.relationships.setdefault(rel_type(p), []).append((s, o))
    return pg
