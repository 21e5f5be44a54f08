"""The graph as RDF for the outside world: the description of one IRI, and its serialisations.

Every node of a build lives in the embedded store (Neo4j is loaded from it), so linked data is always
answered from the live build's Oxigraph store, whatever backend the questions use. The description
of an IRI is its own triples and those of the nodes it owns (an instance's coverages, roles, statuses
and their derivations: the IRIs below it), without the card the build derived on each coverage
(``m:card``, a JSON copy of facts already there).

JSON-LD is written here, not by Oxigraph: it names the published context (``CONTEXT``, served at
``/ns/context.jsonld``), so that keys read ``m:hasCoverage`` instead of full IRIs.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox

from core.namespaces import BASE, M, NAMESPACES

from .builds import current_build

__all__ = ["PREFIXES", "CONTEXT", "FORMATS", "open_store", "open_build_store", "describe", "serialize", "jsonld", "context"]

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = "http://www.w3.org/2001/XMLSchema#"
PREFIXES = {**{k: str(v) for k, v in NAMESPACES.items()}, "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
            "rdfs": "http://www.w3.org/2000/01/rdf-schema#", "xsd": XSD, "dcat": "http://www.w3.org/ns/dcat#",
            "spdx": "http://spdx.org/rdf/terms#", "foaf": "http://xmlns.com/foaf/0.1/", "maillage": BASE}
#: the stable path of the JSON-LD context, relative to the service
CONTEXT = "/ns/context.jsonld"
#: media type → (name, Oxigraph format or None for the JSON-LD written here)
FORMATS = {
    "text/turtle": ("turtle", ox.RdfFormat.TURTLE),
    "application/n-triples": ("ntriples", ox.RdfFormat.N_TRIPLES),
    "application/ld+json": ("jsonld", None),
}
_PARTS = (M.hasCoverage, M.hasRole, M.hasStatus, "http://www.w3.org/ns/prov#qualifiedDerivation")


def open_store(data_dir: Path) -> tuple[ox.Store, Path] | None:
    """The live build's store, read-only, and its folder (None before the first build)."""
    build = current_build(data_dir)
    return (open_build_store(build), build) if build is not None else None


def open_build_store(build: Path) -> ox.Store:
    """The store of the build folder ``build``, read-only."""
    return ox.Store.read_only(str(build / "oxigraph"))


def describe(store: ox.Store, iri: str) -> list[ox.Triple]:
    """The triples of ``iri`` and of the nodes it owns, in a stable order (none for a text that is not
    an IRI, such as a key with a space or a brace typed in an address: nothing in the graph is named so)."""
    try:
        todo, seen, found = [ox.NamedNode(iri)], set(), []
    except ValueError:
        return []
    card = ox.NamedNode(M.card)
    while todo:
        node = todo.pop()
        if node.value in seen:
            continue
        seen.add(node.value)
        for quad in store.quads_for_pattern(node, None, None, ox.DefaultGraph()):
            if quad.predicate == card:
                continue
            found.append(ox.Triple(quad.subject, quad.predicate, quad.object))
            if quad.predicate.value in _PARTS and isinstance(quad.object, ox.NamedNode):
                todo.append(quad.object)
    return sorted(found, key=lambda t: (_name(t.subject), t.predicate.value, str(t.object)))


def _name(term: ox.NamedNode | ox.BlankNode | ox.Triple) -> str:
    """A subject's IRI or blank node label (Maillage writes no RDF-star: a quoted triple is refused)."""
    if isinstance(term, ox.Triple):
        raise ValueError(f"triplet RDF-star inattendu : {term}")
    return term.value


def context() -> dict:
    """The JSON-LD context every document of Maillage names."""
    return {"@context": {**PREFIXES, "@version": 1.1}}


def _compact(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if prefix != "maillage" and iri.startswith(namespace) and iri[len(namespace):].replace("-", "").replace("_", "").isalnum():
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def _value(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"@id": term.value}
    if isinstance(term, ox.BlankNode):
        return {"@id": f"_:{term.value}"}
    if term.language:
        return {"@value": term.value, "@language": term.language}
    if term.datatype.value == XSD + "string":
        return {"@value": term.value}
    return {"@value": term.value, "@type": _compact(term.datatype.value)}


def jsonld(triples: list[ox.Triple], context_url: str) -> dict:
    """A JSON-LD document of ``triples``: one node object per subject, keys compacted by the context."""
    nodes: dict[str, dict] = {}
    for t in triples:
        node = nodes.setdefault(_name(t.subject), {"@id": _name(t.subject)})
        if t.predicate.value == RDF_TYPE and isinstance(t.object, ox.NamedNode):
            node.setdefault("@type", []).append(_compact(t.object.value))
        else:
            node.setdefault(_compact(t.predicate.value), []).append(_value(t.object))
    return {"@context": context_url, "@graph": list(nodes.values())}


def serialize(triples: list[ox.Triple], media_type: str, context_url: str = CONTEXT) -> bytes:
    name, fmt = FORMATS[media_type]
    if fmt is None:
        return json.dumps(jsonld(triples, context_url), ensure_ascii=False, indent=1).encode()
    prefixes = {k: v for k, v in PREFIXES.items() if k != "maillage"} if fmt == ox.RdfFormat.TURTLE else None
    return ox.serialize(triples, format=fmt, prefixes=prefixes) or b""  # bytes whenever no file is given
