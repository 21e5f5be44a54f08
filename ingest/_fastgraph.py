"""A read-only rdflib graph for validating the national geography with pySHACL, built fast.

rdflib's default ``Memory`` store keeps every triple's contexts and costs about 20 µs per ``add``;
with the terms built by rdflib's N-Triples parser, the geography's quarter-million facts took
15-25 s to load before pySHACL even started. Here Oxigraph's parser (Rust) reads the N-Triples, each
distinct term is made into an rdflib term once, and the triples go into two plain indexes
(subject → predicate → objects, predicate → object → subjects): the lookups pySHACL makes
(objects of a focus node along a path, subjects of a type) are dictionary reads. Contexts are not
kept: the data graph is one graph. It is filled once, then only read.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.store import Store

__all__ = ["graph_from_ntriples"]

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_NO_CONTEXTS: tuple = ()


class _Index(Store):
    # pySHACL wraps a graph's store in an rdflib Dataset, which asks for a context- and graph-aware
    # store; with a single graph, every triple is in the default one, and contexts are ignored.
    context_aware = True
    graph_aware = True

    def __init__(self) -> None:
        super().__init__()
        self.spo: dict = {}
        self.pos: dict = {}
        self.size = 0

    def add(self, triple, context=None, quoted=False) -> None:
        s, p, o = triple
        objects = self.spo.setdefault(s, {}).setdefault(p, set())
        if o not in objects:
            objects.add(o)
            self.pos.setdefault(p, {}).setdefault(o, set()).add(s)
            self.size += 1

    def triples(self, pattern, context=None) -> Iterator:
        s, p, o = pattern
        for triple in self._match(s, p, o):
            yield triple, iter(_NO_CONTEXTS)

    def _match(self, s, p, o) -> Iterator[tuple]:
        if s is not None:
            by_predicate = self.spo.get(s, {})
            for pp in (p,) if p is not None else tuple(by_predicate):
                objects = by_predicate.get(pp, ())
                for oo in _pick(objects, o):
                    yield s, pp, oo
        elif p is not None:
            by_object = self.pos.get(p, {})
            for oo in _pick(by_object, o):
                for ss in tuple(by_object[oo]):
                    yield ss, p, oo
        else:
            for ss, by_predicate in tuple(self.spo.items()):
                for pp, objects in by_predicate.items():
                    for oo in _pick(objects, o):
                        yield ss, pp, oo

    def __len__(self, context=None) -> int:
        return self.size

    def contexts(self, triple=None) -> Iterator:
        return iter(_NO_CONTEXTS)

    def add_graph(self, graph) -> None:
        pass

    def bind(self, prefix, namespace, override=True) -> None:
        pass

    def namespace(self, prefix):
        return None

    def prefix(self, namespace):
        return None

    def namespaces(self) -> Iterator:
        return iter(_NO_CONTEXTS)


def _pick(values: Iterable, wanted) -> Iterable:
    """All of ``values``, or just ``wanted`` if it is among them."""
    if wanted is None:
        return tuple(values)
    return (wanted,) if wanted in values else ()


def _rdflib(term) -> URIRef | Literal | BNode:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value) if datatype == XSD_STRING else Literal(term.value, datatype=URIRef(datatype))
    return BNode(term.value)


def graph_from_ntriples(data: bytes, extra: Iterable[tuple] = ()) -> Graph:
    """An rdflib graph of the N-Triples ``data`` and the rdflib triples ``extra`` (the vocabulary)."""
    index = _Index()
    terms: dict = {}  # each distinct term converted once: IRIs and codes repeat across the facts
    add = index.add
    for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES):
        s, p, o = t.subject, t.predicate, t.object
        add((terms.get(s) or terms.setdefault(s, _rdflib(s)),
             terms.get(p) or terms.setdefault(p, _rdflib(p)),
             terms.get(o) or terms.setdefault(o, _rdflib(o))))
    for triple in extra:
        add(triple)
    return Graph(store=index)
