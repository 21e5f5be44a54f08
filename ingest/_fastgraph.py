"""A read-only rdflib graph for validating the national geography with pySHACL, built fast.

rdflib's default ``Memory`` store keeps every triple's contexts and costs about 20 µs per ``add``;
with the terms built by rdflib's N-Triples parser, the geography's quarter-million facts took
15-25 s to load before pySHACL even started. Here each distinct term is made into an rdflib term once
(by Oxigraph's parser), and the triples go into plain indexes (subject → predicate → objects,
predicate → object → subjects): the lookups pySHACL makes (objects of a focus node along a path,
subjects of a type) are dictionary reads. Contexts are not kept: the data graph is one graph. It is
built whole, then only read.
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

    def __init__(self, triples: Iterable[tuple]) -> None:
        """``triples`` must be distinct (a graph is a set): the caller removes duplicates."""
        super().__init__()
        # rdflib hashes a Literal anew at every use (µs each), so literals are never keys here:
        # subject → predicate → objects, predicate → IRI object → subjects, predicate → (s, literal).
        self.spo: dict = {}
        self.pos: dict = {}
        self.ps_literal: dict = {}
        self.size = 0
        for s, p, o in triples:
            self.spo.setdefault(s, {}).setdefault(p, []).append(o)
            if isinstance(o, Literal):
                self.ps_literal.setdefault(p, []).append((s, o))
            else:
                self.pos.setdefault(p, {}).setdefault(o, []).append(s)
            self.size += 1

    def add(self, triple, context=None, quoted=False) -> None:
        raise TypeError("this graph is read-only: it is built whole from its triples")

    def triples(self, pattern, context=None) -> Iterator:
        s, p, o = pattern
        for triple in self._match(s, p, o):
            yield triple, iter(_NO_CONTEXTS)

    def _match(self, s, p, o) -> Iterator[tuple]:
        if s is not None:
            by_predicate = self.spo.get(s, {})
            for pp in (p,) if p is not None else tuple(by_predicate):
                for oo in by_predicate.get(pp, ()):
                    if o is None or oo == o:
                        yield s, pp, oo
        elif p is not None:
            if not isinstance(o, Literal):
                by_object = self.pos.get(p, {})
                for oo in (tuple(by_object) if o is None else (o,) if o in by_object else ()):
                    for ss in by_object[oo]:
                        yield ss, p, oo
            if o is None or isinstance(o, Literal):
                for ss, oo in self.ps_literal.get(p, ()):
                    if o is None or oo == o:
                        yield ss, p, oo
        else:
            for ss, by_predicate in self.spo.items():
                for pp, objects in by_predicate.items():
                    for oo in objects:
                        if o is None or oo == o:
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


def _rdflib(term) -> URIRef | Literal | BNode:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value) if datatype == XSD_STRING else Literal(term.value, datatype=URIRef(datatype))
    return BNode(term.value)


def _decode(token: str) -> URIRef | Literal | BNode:
    """One N-Triples term, read by Oxigraph's parser (escapes and all), as an rdflib term."""
    line = f"<x:s> <x:p> {token} .\n".encode()
    return _rdflib(next(iter(ox.parse(line, format=ox.RdfFormat.N_TRIPLES))).object)


def graph_from_ntriples(data: str) -> Graph:
    """A read-only rdflib graph of ``data``: N-Triples as written by ``ingest._ntriples`` or rdflib,
    one triple per line, its terms separated by single spaces.

    Each distinct term is decoded once, keyed by its text: IRIs and codes repeat across the facts,
    and a string is hashed far faster than an rdflib or Oxigraph term.
    """
    terms: dict[str, URIRef | Literal | BNode] = {}

    def term(token: str):
        found = terms.get(token)
        if found is None:
            found = terms[token] = _decode(token)
        return found

    triples = []
    for line in set(data.splitlines()):  # a graph is a set: a repeated line is one triple
        if not line:
            continue
        s, p, rest = line.split(" ", 2)
        if not rest.endswith(" ."):
            raise ValueError(f"not an N-Triples line of the expected form: {line!r}")
        triples.append((term(s), term(p), term(rest[:-2])))
    return Graph(store=_Index(triples))
