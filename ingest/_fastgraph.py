"""A fast rdflib graph: triples added once, never removed, then read (by pySHACL, by the build).

rdflib's default ``Memory`` store keeps every triple's contexts and costs about 20 µs per ``add``;
with the terms built by rdflib's N-Triples parser, the geography's quarter-million facts took
15-25 s to load before pySHACL even started, and the national registry's million triples cost
half its reading time. Here the triples go into plain indexes (subject → predicate → objects,
predicate → object → subjects): the lookups pySHACL makes (objects of a focus node along a path,
subjects of a type) are dictionary reads. Contexts are not kept: the data graph is one graph. A
triple is never removed, which no reader of the registry or the geography needs. Its terms come
either made already (the registry reader's, the geography's facts: ``_fact_terms``) or from
N-Triples text, each distinct term decoded once by Oxigraph's parser.

The graph answers ``objects``, ``subjects`` and ``triples`` from these indexes itself: pySHACL calls
them about a million times for the national geography, and going through ``Graph.triples`` and the
store's generator cost more than the lookups.

Its namespace manager never makes prefixes up: pySHACL writes a text for every result it makes,
nested ones included (each failed alternative of an ``sh:or``), and rdflib's manager invents one
prefix per namespace it meets, each insertion walking all the prefixes known: quadratic in the
registry's instances (one namespace each).
"""

from __future__ import annotations

import weakref
from collections.abc import Generator, Iterable, Iterator

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import NamespaceManager
from rdflib.paths import Path
from rdflib.store import Store

from ._ntriples import quoted

__all__ = ["ntriples_text", "graph_from_triples", "triple_graph", "ntriples_terms", "index_of"]

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_NO_CONTEXTS: tuple = ()
_NONE: dict = {}


class _Index(Store):
    # pySHACL wraps a graph's store in an rdflib Dataset, which asks for a context- and graph-aware
    # store; with a single graph, every triple is in the default one, and contexts are ignored.
    context_aware = True
    graph_aware = True

    def __init__(self, triples: Iterable[tuple] = (), distinct: bool = True) -> None:
        """``triples`` distinct (a graph is a set) unless ``distinct`` is False; then each added
        triple is looked up first, which costs hashing its literal."""
        super().__init__()
        # rdflib hashes a Literal anew at every use (µs each), so literals are never keys here:
        # subject → predicate → objects, predicate → IRI object → subjects, predicate → (s, literal).
        # Predicates are keyed by their plain text: the ones pySHACL asks for come from the shapes
        # graph, equal but not identical, and comparing two rdflib terms calls Python code.
        self.spo: dict = {}
        self.pos: dict = {}
        self.ps_literal: dict = {}
        self.predicates: dict[str, URIRef] = {}
        self.size = 0
        self.seen: set | None = None if distinct else set()
        self.graph: weakref.ref[_IndexGraph] | None = None  # a weak reference to the graph over it: no cycle for the collector to find
        for triple in triples:
            self.add(triple)

    def add(self, triple, context=None, quoted=False) -> None:
        if self.seen is not None:
            if triple in self.seen:
                return
            self.seen.add(triple)
        s, p, o = triple
        key = str(p)
        self.predicates.setdefault(key, p)
        self.spo.setdefault(s, {}).setdefault(key, []).append(o)
        if isinstance(o, Literal):
            self.ps_literal.setdefault(key, []).append((s, o))
        else:
            self.pos.setdefault(key, {}).setdefault(o, []).append(s)
        self.size += 1

    def remove(self, triple, context=None) -> None:
        raise TypeError("a triple of this graph is never removed")

    def triples(self, pattern, context=None) -> Iterator:
        s, p, o = pattern
        graphs = self._graphs()
        for triple in self._match(s, p, o):
            yield triple, iter(graphs)

    def _graphs(self) -> tuple:
        """The one graph over this index, as the context of every triple: pySHACL looks a blank node
        up by its graph (``find_node_named_graph``) to write a result's text, and found none."""
        graph = self.graph() if self.graph is not None else None
        return (graph,) if graph is not None else _NO_CONTEXTS

    def _keys(self, p, present) -> Iterable[str]:
        if p is None:
            return tuple(present)
        return (str(p),) if isinstance(p, URIRef) else ()

    def _match(self, s, p, o) -> Iterator[tuple]:
        if s is not None:
            by_predicate = self.spo.get(s, _NONE)
            for key in self._keys(p, by_predicate):
                for oo in by_predicate.get(key, ()):
                    if o is None or oo == o:
                        yield s, self.predicates[key], oo
        elif p is not None:
            for key in self._keys(p, ()):
                if not isinstance(o, Literal):
                    by_object = self.pos.get(key, _NONE)
                    for oo in (tuple(by_object) if o is None else (o,) if o in by_object else ()):
                        for ss in by_object[oo]:
                            yield ss, p, oo
                if o is None or isinstance(o, Literal):
                    for ss, oo in self.ps_literal.get(key, ()):
                        if o is None or oo == o:
                            yield ss, p, oo
        else:
            for ss, by_predicate in self.spo.items():
                for key, objects in by_predicate.items():
                    for oo in objects:
                        if o is None or oo == o:
                            yield ss, self.predicates[key], oo

    def __len__(self, context=None) -> int:
        return self.size

    def contexts(self, triple=None) -> Generator[Graph, None, None]:
        yield from self._graphs()

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
        if term.direction is not None:  # RDF 1.2: an rdflib literal cannot say its direction
            raise ValueError(f"littéral à direction de texte (RDF 1.2) non pris en charge : {term}")
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value) if datatype == XSD_STRING else Literal(term.value, datatype=URIRef(datatype))
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    raise ValueError(f"terme non pris en charge (RDF 1.2) : {term}")


def _decode(token: str) -> URIRef | Literal | BNode:
    """One N-Triples term, read by Oxigraph's parser (escapes and all), as an rdflib term; a
    ValueError unless ``token`` is exactly one term (``"a" . <s> <p> <o>`` is two triples' worth)."""
    line = f"<x:s> <x:p> {token} .\n".encode()
    try:
        triples = list(ox.parse(line, format=ox.RdfFormat.N_TRIPLES))
    except SyntaxError as err:
        raise ValueError(str(err)) from None
    if len(triples) != 1:
        raise ValueError(f"{len(triples)} triplets")
    return _rdflib(triples[0].object)


class _PlainNames(NamespaceManager):
    """Writes every IRI whole (``<…>``): never invents a prefix."""

    def __init__(self, graph: Graph) -> None:
        super().__init__(graph, bind_namespaces="none")

    def normalizeUri(self, rdfTerm: str) -> str:
        return f"<{rdfTerm}>"


class _IndexGraph(Graph):
    """A graph over an :class:`_Index` whose common reads skip rdflib's generic layers."""

    def __init__(self, index: _Index) -> None:
        super().__init__(store=index)
        index.graph = weakref.ref(self)
        self._spo, self._pos = index.spo, index.pos
        self.namespace_manager = _PlainNames(self)

    def add(self, triple):
        # Graph.add checks each term's type in Python and goes through the store's generic path.
        self.store.add(triple)
        return self

    def objects(self, subject=None, predicate=None, unique=False):
        # An exact type test: ``Path`` is an abstract class, and isinstance against it is slow.
        if type(predicate) is URIRef and subject is not None and type(subject) is not list:
            return iter(self._spo.get(subject, _NONE).get(str(predicate), _NO_CONTEXTS))
        return super().objects(subject, predicate, unique)

    def subjects(self, predicate=None, object=None, unique=False):
        if type(predicate) is URIRef and type(object) in (URIRef, BNode):
            return iter(self._pos.get(str(predicate), _NONE).get(object, _NO_CONTEXTS))
        return super().subjects(predicate, object, unique)

    def triples(self, triple):
        if isinstance(triple[1], Path):
            return super().triples(triple)
        return self.store._match(*triple)


def index_of(graph: Graph) -> _Index:
    """The index under a graph made by :func:`graph_from_triples` (another graph is refused)."""
    if not isinstance(graph.store, _Index):
        raise TypeError(f"graphe sans index : {type(graph.store).__name__}")
    return graph.store


def ntriples_text(graph: Graph) -> str:
    """The N-Triples of an index graph, line for line what rdflib's ``nt`` serializer writes, in a
    fifth of its time: each IRI written once (rdflib checks and formats it at every use), and the
    index walked directly."""
    written: dict = {}

    def iri(term) -> str:
        text = written.get(term)
        if text is None:
            text = written[term] = term.n3()
        return text

    lines = []
    index = index_of(graph)
    for s, by_predicate in index.spo.items():
        subject = iri(s)
        for key, objects in by_predicate.items():
            head = f"{subject} {iri(index.predicates[key])} "
            for o in objects:
                if isinstance(o, Literal):
                    lines.append(f"{head}{_literal(o)} .\n")
                else:
                    lines.append(f"{head}{iri(o)} .\n")
    return "".join(lines)


def _literal(term: Literal) -> str:
    """rdflib's ``nt`` serializer's form of a literal (``_quoteLiteral``)."""
    text = quoted(term)
    if term.language:
        return f"{text}@{term.language}"
    return f"{text}^^<{term.datatype}>" if term.datatype else text


def graph_from_triples(triples: Iterable[tuple]) -> Graph:
    """An rdflib graph of ``triples``, rdflib terms that must be distinct."""
    return _IndexGraph(_Index(triples))


def triple_graph() -> Graph:
    """An empty rdflib graph to add triples to (each added once, whatever the repeats), then read."""
    return _IndexGraph(_Index(distinct=False))


def ntriples_terms(data: str, predicates: frozenset[str] | None = None) -> list[tuple]:
    """The distinct triples of ``data`` as rdflib terms: N-Triples as the project writes them
    (``ingest._ntriples``, rdflib's and Oxigraph's serializers), one triple per line, its subject,
    predicate and object separated by single spaces. With ``predicates`` (IRIs), only the triples
    along them.

    It reads the project's own output, not any N-Triples (decision 0100): a line of another form
    (a comment, a tab, several triples, a literal subject, a term of RDF 1.2) raises ValueError
    naming it, never a silent drop; each line it does read gives Oxigraph's triple. Each distinct
    term is decoded once, keyed by its text: IRIs and codes repeat across the facts, and a string is
    hashed far faster than an rdflib or Oxigraph term.
    """
    terms: dict[str, URIRef | Literal | BNode] = {}

    def term(token: str, line: str):
        found = terms.get(token)
        if found is None:
            try:
                found = terms[token] = _decode(token)
            except ValueError as err:
                raise ValueError(f"ligne N-Triples refusée ({err}) : {line[:200]!r}") from None
        return found

    triples = []
    # a graph is a set: a repeated line is one triple. Lines end at "\n" only: str.splitlines also
    # ends them at U+2028, U+0085, U+001C…, which N-Triples leaves as they are inside a literal
    for line in set(data.split("\n")):
        if not line:
            continue
        parts = line.split(" ", 2)
        if len(parts) != 3 or not parts[2].endswith(" ."):
            raise ValueError(f"ligne N-Triples refusée (pas de la forme « sujet prédicat objet . ») : {line[:200]!r}")
        s, p, rest = parts
        if predicates is not None and p[1:-1] not in predicates:
            continue
        subject, predicate = term(s, line), term(p, line)
        if type(subject) is Literal or type(predicate) is not URIRef:
            raise ValueError(f"ligne N-Triples refusée (sujet littéral ou prédicat qui n'est pas une IRI) : {line[:200]!r}")
        triples.append((subject, predicate, term(rest[:-2], line)))
    return triples
