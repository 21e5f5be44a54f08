"""The rows of ``instance_card`` read from the registry's index graph, without a SPARQL store.

Asking ``instance_card`` of an in-memory Oxigraph store cost about 1 ms of CPU a coverage (the
evaluation, then the conversion of each of some twenty cells of each row), after loading the store;
every pattern of the question is a step from the instance or the coverage along one predicate, which
the registry's index (``ingest._fastgraph``) answers with dictionary reads. The question stays the
reference (a named question of its own, with a Cypher twin): :class:`CardRows` selects what it
selects, branch by branch, with SPARQL's bag semantics (an optional pattern without a match keeps
the row, unbound there; each value of a repeated property makes its own row), over the same union of
graphs as the store held (the registry, the territories it names, the vocabulary), and
``tests/ingest/test_card_store.py`` holds both equal row for row. The rows come in another order
than a store's: a card reads one row only of the kinds the shapes allow once (the instance's, its
coverage's, its territory's), and sorts the rest.

The rows of an instance (its name and type, statuses, roles, their sources and its own) are the same
for each of its coverages, so they are read once per instance, with ``coverage`` left ``None``.
"""

from __future__ import annotations

from itertools import product
from pathlib import Path

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.graph import Graph

from core.dates import read_date
from core.namespaces import DCTERMS, M, PROV, SKOS
from ontology import VOCABULARY_FILES
from store.embedded import _value as oxigraph_value

from ._fastgraph import _rdflib, index_of

__all__ = ["CardRows", "COLUMNS", "PREDICATES"]

#: the variables ``instance_card`` selects, in its order
COLUMNS = ("instance", "coverage", "kind", "node", "a", "b", "c", "from", "to", "doc", "title", "date", "file", "url",
           "excerpt", "confidence", "note", "observed", "retrieved", "paraphrase", "aggregate", "citedFrom", "citedTo",
           "speaksFrom", "speaksTo")
_EMPTY = dict.fromkeys(COLUMNS)
_UNBOUND: tuple = (None,)
_NONE: dict = {}

# The predicates, as the index keys them (text); ``DCTERMS["title"]``, since ``DCTERMS.title`` is str's.
_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
_NOTATION, _PREF_LABEL = SKOS.notation, SKOS.prefLabel
_DERIVATION, _ENTITY, _TITLE, _DATE_OF = PROV.qualifiedDerivation, PROV.entity, DCTERMS["title"], DCTERMS.date
(_SCHEME_TYPE, _ENTRY_ID, _CONFIDENCE, _NOTE, _AGGREGATE, _TERRITORY, _PUBLIC, _HAS_STATUS, _STATUS, _HAS_ROLE,
 _ROLE_KIND, _ACTOR, _FUNCTION, _FROM, _TO, _EXCERPT, _PARAPHRASE, _OBSERVED, _FILE, _URL, _RETRIEVED,
 _PERIOD_FROM, _PERIOD_TO) = (
    M[name] for name in ("schemeType", "entryId", "confidence", "note", "aggregate", "territory", "public", "hasStatus",
                         "status", "hasRole", "roleKind", "actor", "function", "validFrom", "validTo", "excerpt",
                         "paraphrase", "observed", "file", "url", "retrieved", "periodFrom", "periodTo"))

#: every predicate a card reads (besides ``m:hasCoverage``, which pairs instances with coverages): a
#: graph made for the cards alone needs no other (``publish.cards_of_ntriples``)
PREDICATES = frozenset(map(str, (
    _TYPE, _LABEL, _NOTATION, _PREF_LABEL, _DERIVATION, _ENTITY, _TITLE, _DATE_OF, _SCHEME_TYPE, _ENTRY_ID, _CONFIDENCE,
    _NOTE, _AGGREGATE, _TERRITORY, _PUBLIC, _HAS_STATUS, _STATUS, _HAS_ROLE, _ROLE_KIND, _ACTOR, _FUNCTION, _FROM, _TO,
    _EXCERPT, _PARAPHRASE, _OBSERVED, _FILE, _URL, _RETRIEVED, _PERIOD_FROM, _PERIOD_TO)))

_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGER, _DATE, _BOOLEAN = URIRef(_XSD + "integer"), URIRef(_XSD + "date"), URIRef(_XSD + "boolean")


def _value(term) -> object:
    """A cell as ``store.embedded`` reads it from Oxigraph: integers, dates and booleans typed,
    other literals as their text, IRIs as text."""
    kind = type(term)
    if kind is Literal:
        datatype = term.datatype
        if datatype is None:
            return str(term)
        if datatype == _INTEGER:
            return int(str(term))
        if datatype == _DATE:
            return read_date(str(term))
        if datatype == _BOOLEAN:
            return str(term) in ("true", "1")
        return str(term)
    if kind is URIRef:
        return str(term)
    return oxigraph_value(term)


class CardRows:
    """The ``instance_card`` rows of what a card store held: the registry's index graph, the
    vocabulary and ``territories`` (the N-Triples of the official territories it names)."""

    def __init__(self, registry: Graph, territories: str, vocabulary: bool = True) -> None:
        """Without ``vocabulary``, the vocabulary is not added around ``registry``: it holds it already
        (a file's validation graph, ``publish.cards_of_file``)."""
        # Both graphs keyed by IRI text (a blank node by itself): an rdflib term compares in Python,
        # a dictionary hit on one cost a microsecond and a card asks hundreds.
        self._registry = {str(s) if type(s) is URIRef else s: po for s, po in index_of(registry).spo.items()}
        # What is around the registry stays in Oxigraph's terms: making rdflib literals of the
        # territories cost about 20 µs each.
        self._around: dict = {}
        self._documents: dict[str, list[tuple]] = {}
        seen: set = set()
        sources = [(territories.encode(), ox.RdfFormat.N_TRIPLES)]
        if vocabulary:
            sources += [(Path(path).read_bytes(), ox.RdfFormat.TURTLE) for path in VOCABULARY_FILES]
        for data, form in sources:
            for triple in ox.parse(data, format=form):
                if triple not in seen:
                    seen.add(triple)
                    s = triple.subject
                    key = s.value if type(s) is ox.NamedNode else s
                    self._around.setdefault(key, {}).setdefault(triple.predicate.value, []).append(triple.object)

    def _objects(self, node, predicate: str) -> list | tuple:
        """The objects of ``node`` (an IRI's text, or a term of either graph) along ``predicate`` in the
        union of the registry and what is around it: a triple of both is one, as in a store."""
        kind = type(node)
        key = str(node) if kind is URIRef else node.value if kind is ox.NamedNode else node
        mine = self._registry.get(key, _NONE).get(predicate, ())
        theirs = self._around.get(key)
        if theirs is None:
            return mine
        theirs = theirs.get(predicate, ())
        if not theirs:
            return mine
        return [*mine, *(o for o in theirs if _rdflib(o) not in mine)] if mine else theirs

    def _values(self, node, predicate: str) -> list:
        return [_value(o) for o in self._objects(node, predicate)]

    def _optional(self, node, predicate: str) -> list | tuple:
        """The values of an optional pattern: its objects' values, or one unbound."""
        return [_value(o) for o in self._objects(node, predicate)] or _UNBOUND

    def instance_rows(self, instance: str) -> tuple[list[dict], list[dict]]:
        """The rows of ``instance`` common to all its coverages (``coverage`` is ``None``): those of
        its name and type, statuses, roles and their sources; then those of the sources of the
        instance itself (whose ``node`` is the instance; a coverage's have none)."""
        node = instance
        row = {**_EMPTY, "instance": instance}
        rows = self._head(node, row) + self._statuses(node, row) + self._roles(node, row)
        for predicate in (_HAS_STATUS, _HAS_ROLE):
            for part in self._objects(node, predicate):
                rows += self._sources(part, {**row, "node": _value(part)})
        return rows, self._sources(node, {**row, "node": instance})

    def coverage_rows(self, instance: str, coverage: str) -> list[dict]:
        """The rows of ``coverage`` alone: its perimeter, publics, territory and sources."""
        node = coverage
        row = {**_EMPTY, "instance": instance, "coverage": coverage}
        territories = self._objects(node, _TERRITORY)
        rows = [{**row, "kind": "coverage", "node": _value(territory), "confidence": confidence, "note": note}
                for territory, confidence, note in
                product(territories, self._optional(node, _CONFIDENCE), self._optional(node, _NOTE))]
        rows += [{**row, "kind": "coverage-public", "a": a}
                 for public in self._objects(node, _PUBLIC) for a in self._values(public, _NOTATION)]
        for territory in territories:
            rows += [{**row, "kind": "territory", "node": _value(territory), "a": a, "b": b, "confidence": confidence,
                      "note": note}
                     for a, b, confidence, note in
                     product(self._values(territory, _TYPE), self._values(territory, _LABEL),
                             self._optional(territory, _CONFIDENCE), self._optional(territory, _NOTE))]
        return rows + self._sources(node, row)

    def rows(self, instance: str, coverage: str) -> list[dict]:
        """Every row ``instance_card`` gives for (``instance``, ``coverage``)."""
        common, cited = self.instance_rows(instance)
        return [{**r, "coverage": coverage} for r in common + cited] + self.coverage_rows(instance, coverage)

    def _head(self, node, row: dict) -> list[dict]:
        return [{**row, "kind": "instance", "node": _value(kind), "a": a, "b": b, "c": c, "confidence": confidence,
                 "note": note, "aggregate": aggregate}
                for a, kind, c, confidence, note, aggregate in
                product(self._values(node, _LABEL), self._objects(node, _SCHEME_TYPE), self._values(node, _ENTRY_ID),
                        self._optional(node, _CONFIDENCE), self._optional(node, _NOTE),
                        self._optional(node, _AGGREGATE))
                for b in self._values(kind, _NOTATION)]

    def _statuses(self, node, row: dict) -> list[dict]:
        rows = []
        for status in self._objects(node, _HAS_STATUS):
            rows += [{**row, "kind": "status", "node": _value(status), "a": a, "b": b, "from": start, "to": end,
                      "confidence": confidence, "note": note}
                     for value in self._objects(status, _STATUS)
                     for a, b, start, end, confidence, note in
                     product(self._values(value, _NOTATION), self._values(value, _PREF_LABEL),
                             self._optional(status, _FROM), self._optional(status, _TO),
                             self._optional(status, _CONFIDENCE), self._optional(status, _NOTE))]
        return rows

    def _roles(self, node, row: dict) -> list[dict]:
        rows = []
        for role in self._objects(node, _HAS_ROLE):
            # OPTIONAL { the actor's label ?b and id ?c } then OPTIONAL { ?node m:function ?b }: the
            # function binds ?b only where no actor did (where one did, it would have to equal it).
            named = [(b, c) for actor in self._objects(role, _ACTOR)
                     for b, c in product(self._values(actor, _LABEL), self._values(actor, _ENTRY_ID))]
            rows += [{**row, "kind": "role", "node": _value(role), "a": a, "b": b, "c": c, "from": start, "to": end,
                      "confidence": confidence, "note": note}
                     for kind in self._objects(role, _ROLE_KIND)
                     for a, (b, c), start, end, confidence, note in
                     product(self._values(kind, _NOTATION),
                             named or [(b, None) for b in self._optional(role, _FUNCTION)],
                             self._optional(role, _FROM), self._optional(role, _TO),
                             self._optional(role, _CONFIDENCE), self._optional(role, _NOTE))]
        return rows

    def _sources(self, node, row: dict) -> list[dict]:
        """The rows of the sources of what ``node`` says (each ``prov:qualifiedDerivation`` of it)."""
        rows = []
        for derivation in self._objects(node, _DERIVATION):
            own = list(product(self._optional(derivation, _EXCERPT), self._optional(derivation, _PARAPHRASE),
                               self._optional(derivation, _OBSERVED), self._optional(derivation, _CONFIDENCE),
                               self._optional(derivation, _PERIOD_FROM), self._optional(derivation, _PERIOD_TO)))
            for doc in self._objects(derivation, _ENTITY):
                rows += [{**row, "kind": "source", "doc": iri, "title": title, "date": date, "excerpt": excerpt,
                          "paraphrase": paraphrase, "observed": observed, "confidence": confidence, "file": file,
                          "url": url, "retrieved": retrieved, "citedFrom": cited_from, "citedTo": cited_to,
                          "speaksFrom": speaks_from, "speaksTo": speaks_to}
                         for iri, title, date, file, url, retrieved, speaks_from, speaks_to in self._document(doc)
                         for excerpt, paraphrase, observed, confidence, cited_from, cited_to in own]
        return rows

    def _document(self, doc) -> list[tuple]:
        """A source document's part of its citations' rows: the same for each of the many citing it."""
        key = str(doc)
        known = self._documents.get(key)
        if known is None:
            known = self._documents[key] = [
                (_value(doc), *values) for values in
                product(self._values(doc, _TITLE), self._optional(doc, _DATE_OF), self._optional(doc, _FILE),
                        self._optional(doc, _URL), self._optional(doc, _RETRIEVED), self._optional(doc, _PERIOD_FROM),
                        self._optional(doc, _PERIOD_TO))]
        return known
