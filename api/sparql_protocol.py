"""What a SPARQL 1.1 Protocol request asks for: one query, its RDF dataset, and the answer's format.

The Protocol (W3C Recommendation 2013-03-21, §2.1) sends the query by GET (``query=`` in the query
string), by a URL-encoded form, or as an ``application/sparql-query`` body, with its dataset in
``default-graph-uri`` and ``named-graph-uri`` (each repeatable), in the query string or in the form.

- **One query**: two ``query`` parameters (or one beside a query body) are refused (400), as is an
  ``update``: the endpoint is read-only.
- **The dataset**: the live build is one graph, the store's default graph, and no named graph. A
  dataset given by the protocol replaces the query's own (``FROM``, ``FROM NAMED``) and the service's
  (§2.1.4): its default graph is the merge of the ``default-graph-uri`` graphs, its named graphs the
  ``named-graph-uri`` ones, and a graph the store does not hold is empty. So a query naming any graph
  answers over an empty dataset (a count gives 0, not the whole store); without either parameter it
  answers over the build's graph. An IRI that is not one is refused (400).
- **The format**: ``Accept``, unless a ``format`` parameter names one. ``format`` is accepted in the
  spellings clients send (SPARQLWrapper sends ``format=tsv&format=text/tab-separated-values``, and
  ``output=`` and ``results=`` beside it, which are ignored): a short name or a media type, repeated;
  the first value that names a format of the query's form decides. Results of SELECT and ASK: JSON,
  XML, CSV, TSV; graphs of CONSTRUCT and DESCRIBE: Turtle (also for N3, which Turtle is a part of),
  N-Triples, RDF/XML, JSON-LD.
- **A body in UTF-8**: a query body in another charset, or whose bytes are not UTF-8, is refused
  (400), never read with replacement characters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl

from fastapi import Request

from core.errors import InvalidQuery, QueryRefused

from .linked import negotiate

__all__ = ["Call", "read", "form_parameters", "utf8", "MEDIA"]

#: the answer's kind → its media type
MEDIA = {"json": "application/sparql-results+json", "csv": "text/csv", "tsv": "text/tab-separated-values",
         "xml": "application/sparql-results+xml", "turtle": "text/turtle", "ntriples": "application/n-triples",
         "rdfxml": "application/rdf+xml", "jsonld": "application/ld+json"}
#: a media type a client asks for → the kind of results (SELECT, ASK) it names
RESULT_MEDIA = {"application/sparql-results+json": "json", "application/json": "json", "text/javascript": "json",
                "application/javascript": "json", "application/sparql-results+xml": "xml", "application/xml": "xml",
                "text/xml": "xml", "text/csv": "csv", "text/tab-separated-values": "tsv"}
#: a media type a client asks for → the kind of graph (CONSTRUCT, DESCRIBE) it names
GRAPH_MEDIA = {"text/turtle": "turtle", "application/turtle": "turtle", "application/x-turtle": "turtle",
               "text/n3": "turtle", "text/rdf+n3": "turtle", "application/n3": "turtle",
               "application/n-triples": "ntriples", "text/plain": "ntriples", "application/rdf+xml": "rdfxml",
               "application/xml": "rdfxml", "application/ld+json": "jsonld", "application/x-json+ld": "jsonld",
               "application/json": "jsonld"}
#: a ``format`` value's short name → (results kind, graph kind) it names, either None
NAMES = {"json": ("json", "jsonld"), "xml": ("xml", "rdfxml"), "csv": ("csv", None), "tsv": ("tsv", None),
         "turtle": (None, "turtle"), "ttl": (None, "turtle"), "n3": (None, "turtle"), "nt": (None, "ntriples"),
         "ntriples": (None, "ntriples"), "n-triples": (None, "ntriples"), "rdf": (None, "rdfxml"),
         "rdf+xml": (None, "rdfxml"), "rdfxml": (None, "rdfxml"), "json-ld": (None, "jsonld"),
         "jsonld": (None, "jsonld")}
#: graphs a protocol dataset may name, each list: what no client needs more of
MAX_GRAPHS = 20
_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\x00-\x20<>\"{}|^`\\]*")


@dataclass(frozen=True)
class Call:
    """One protocol request: the query, its dataset (None: the build's graph), and the kinds of
    answer (``results`` for SELECT and ASK, ``graphs`` for CONSTRUCT and DESCRIBE)."""

    text: str | None
    dataset: tuple[tuple[str, ...], tuple[str, ...]] | None
    results: str
    graphs: str


def utf8(body: bytes, content_type: str) -> str:
    """A request body as text: UTF-8 only (the Protocol's encoding), else 400."""
    for param in content_type.split(";")[1:]:
        key, _, value = param.strip().partition("=")
        if key.lower() == "charset" and value.strip('"').lower().replace("_", "-") not in ("utf-8", "utf8"):
            raise QueryRefused(f"Encodage « {value} » refusé : le corps d'une requête SPARQL est en UTF-8.")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise QueryRefused("Corps de requête illisible : il n'est pas en UTF-8.") from None


def form_parameters(body: bytes, content_type: str) -> list[tuple[str, str]]:
    """The fields of a URL-encoded form, in order, repeats kept."""
    try:
        return parse_qsl(utf8(body, content_type), keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        raise QueryRefused("Formulaire illisible : une valeur encodée n'est pas en UTF-8.") from None


def _graphs(parameters: list[tuple[str, str]], name: str) -> tuple[str, ...]:
    found = tuple(value.strip() for key, value in parameters if key == name)
    if len(found) > MAX_GRAPHS:
        raise QueryRefused(f"« {name} » : {MAX_GRAPHS} graphes au plus.")
    for iri in found:
        if not _IRI.fullmatch(iri):
            raise QueryRefused(f"« {name} » : « {iri[:100]} » n'est pas une IRI.")
    return found


def _formats(values: list[str]) -> tuple[str | None, str | None]:
    """(results kind, graph kind) the ``format`` values name: each the first that names one."""
    results = graphs = None
    for value in values:
        value = value.strip().lower()
        named = NAMES.get(value) or (RESULT_MEDIA.get(value), GRAPH_MEDIA.get(value))
        results = results or named[0]
        graphs = graphs or named[1]
    if values and results is None and graphs is None:
        raise InvalidQuery(f"Format « {values[0][:50]} » inconnu : {', '.join(NAMES)}, ou un type de média.")
    return results, graphs


def read(request: Request, parameters: list[tuple[str, str]], body_text: str | None = None) -> Call:
    """The call that ``parameters`` (the query string's, and a form's after them) and a query body
    make; 400 for two queries, an update or a dataset that names no IRI."""
    if any(key in ("update", "using-graph-uri", "using-named-graph-uri") for key, _ in parameters):
        raise QueryRefused("Mise à jour refusée : ce point d'accès est en lecture seule.")
    texts = [value for key, value in parameters if key == "query"] + ([body_text] if body_text is not None else [])
    if len(texts) > 1:
        raise QueryRefused("Une seule requête par appel : le paramètre « query » est donné plusieurs fois.")
    defaults, named = _graphs(parameters, "default-graph-uri"), _graphs(parameters, "named-graph-uri")
    results, graphs = _formats([value for key, value in parameters if key == "format"])
    if results is None:
        results = RESULT_MEDIA[negotiate(request, None, tuple(RESULT_MEDIA), {})]
    if graphs is None:
        graphs = GRAPH_MEDIA[negotiate(request, None, tuple(GRAPH_MEDIA), {})]
    return Call(texts[0] if texts else None, (defaults, named) if defaults or named else None, results, graphs)
