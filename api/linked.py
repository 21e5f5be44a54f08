"""Linked data: every IRI of the graph (``https://w3id.org/maillage/<kind>/<id>``) served under
``/id/<kind>/<id>``, in the format the client asks for (``Accept``, or ``?format=``): Turtle (the
default), JSON-LD with the context published at ``/ns/context.jsonld``, N-Triples, or an HTML page for
a browser that links to the map. How the w3id redirect points here: ``docs/w3id.md``.
"""

from __future__ import annotations

import html
import threading

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from core.errors import InvalidQuery, NotFound
from core.namespaces import BASE, KINDS
from ontology import HERE as ONTOLOGY
from store import rdf

from . import limits
from .service import Service, service

__all__ = ["router", "rdf_store", "negotiate"]

router = APIRouter(tags=["données liées"])

#: the path segments served besides the registry's kinds: the SKOS concepts
CONCEPT_KINDS = ("type", "public", "role", "status")
FORMAT_NAMES = {"ttl": "text/turtle", "turtle": "text/turtle", "nt": "application/n-triples",
                "jsonld": "application/ld+json", "html": "text/html"}
#: the formats an HTML page links to as its alternates
ALTERNATES = ("ttl", "jsonld", "nt")
_lock = threading.Lock()


def rdf_store(svc: Service):
    """The live build's Oxigraph store: the service's own when it answers from it, else opened
    read-only once per build (a Neo4j service still has the embedded build it was loaded from)."""
    opened = svc.opened
    store = getattr(getattr(opened, "backend", None), "store", None)
    if store is not None:
        return store
    build = svc.served_build()  # the build every other route answers from
    with _lock:
        cached = getattr(svc, "_rdf_store", None)
        if cached is None or cached[1] != build:
            svc._rdf_store = (rdf.open_build_store(build), build)  # type: ignore[attr-defined]
        return svc._rdf_store[0]  # type: ignore[attr-defined]


#: media types a client may send for one that is offered (a JSON client asks for JSON-LD here)
ALIASES = {"application/json": "application/ld+json",
           # a browser that names XHTML and not HTML still reads the HTML page
           "application/xhtml+xml": "text/html"}


def negotiate(request: Request, format: str | None, offered: tuple[str, ...], aliases: dict[str, str] = ALIASES) -> str:
    """The media type to answer with: ``?format=``, else the best of ``Accept`` (q-values, a type of
    ``aliases`` read as the offered one it names), else the first."""
    if format:
        wanted = FORMAT_NAMES.get(format)
        if wanted not in offered:
            raise InvalidQuery(f"Format « {format} » inconnu : {', '.join(k for k, v in FORMAT_NAMES.items() if v in offered)}.")
        return wanted
    best, best_q = offered[0], 0.0
    for position, part in enumerate(request.headers.get("accept", "").split(",")):
        media, _, params = part.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        media = media.strip().lower()
        media = aliases.get(media, media)
        candidates = [media] if media in offered else ([offered[0]] if media in ("*/*", "") else [])
        for candidate in candidates:
            score = q - position * 1e-6 - (0.001 if media == "*/*" else 0)
            if score > best_q:
                best, best_q = candidate, score
    return best


def _html(iri: str, triples, request: Request) -> str:
    local = iri.removeprefix(BASE)
    label = next((t.object.value for t in triples if t.subject.value == iri and t.predicate.value.endswith("#label")), local)

    def cell(term) -> str:
        value = getattr(term, "value", str(term))
        if value.startswith(BASE):
            return f'<a href="/id/{html.escape(value.removeprefix(BASE))}">{html.escape(value.removeprefix(BASE))}</a>'
        if value.startswith(("http://", "https://")) and type(term).__name__ == "NamedNode":
            return f'<a href="{html.escape(value)}">{html.escape(rdf._compact(value))}</a>'
        return html.escape(value)

    kind, _, key = local.partition("/")
    carte = {"instance": f"/carte/#dispositif={key}", "departement": f"/carte/#departement={key}",
             "commune": f"/carte/#commune={key}"}.get(kind, "/carte/")
    rows = "".join(f"<tr><td>{cell(t.subject) if t.subject.value != iri else ''}</td>"
                   f"<td>{html.escape(rdf._compact(t.predicate.value))}</td><td>{cell(t.object)}</td></tr>" for t in triples)
    formats = " · ".join(f'<a href="?format={name}">{name}</a>' for name in ALTERNATES)
    # each other format of the same page, for a client that reads the page (HTML 5, rel="alternate")
    path = html.escape(request.url.path)
    alternates = "".join(f'<link rel="alternate" type="{FORMAT_NAMES[name]}" href="{path}?format={name}">' for name in ALTERNATES)
    return (f'<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>{html.escape(label)} — Maillage</title>{alternates}'
            '<style>body{font:15px system-ui,sans-serif;margin:2em;max-width:70em}td{padding:2px 8px;vertical-align:top}'
            'tr:nth-child(even){background:#f4f4f4}</style></head><body>'
            f'<h1>{html.escape(label)}</h1><p><code>{html.escape(iri)}</code></p>'
            f'<p><a href="{carte}">Voir sur la carte</a> · autres formats : {formats} · '
            f'<a href="/v1/catalogue">catalogue (DCAT)</a> · <a href="/sparql">SPARQL</a></p>'
            f'<table><tr><th>nœud</th><th>propriété</th><th>valeur</th></tr>{rows}</table></body></html>')


def _answer(request: Request, iri: str, triples, format: str | None) -> Response:
    media = negotiate(request, format, (*rdf.FORMATS, "text/html"))
    headers = {"Vary": "Accept", "Link": f'<{request.base_url}ns/context.jsonld>; rel="http://www.w3.org/ns/json-ld#context"'}
    if media == "text/html":
        return HTMLResponse(_html(iri, triples, request), headers=headers)
    body = rdf.serialize(triples, media, context_url=f"{request.base_url}ns/context.jsonld")
    return Response(body, media_type=f"{media}; charset=utf-8" if media != "application/ld+json" else media, headers=headers)


FORMAT = Query(None, max_length=limits.WORD, description="ttl, jsonld, nt ou html (sinon l'en-tête Accept ; défaut Turtle)")


@router.get("/id/{kind}/{key:path}", summary="Un IRI du graphe (Turtle, JSON-LD, N-Triples ou HTML selon Accept)",
            response_class=Response)
def get_resource(request: Request, kind: str = Path(max_length=limits.WORD, examples=["instance"]),
                 key: str = Path(max_length=limits.IDENT, examples=["dac-31"]),
                 format: str | None = FORMAT, svc: Service = Depends(service)):
    """L'IRI `https://w3id.org/maillage/<kind>/<key>` : ses triplets et ceux des nœuds qui en dépendent."""
    if kind not in KINDS + CONCEPT_KINDS or not key or len(key) > limits.IDENT:
        raise NotFound(f"Aucune ressource « {kind}/{key} » dans le graphe.")
    iri = f"{BASE}{kind}/{key}"
    triples = rdf.describe(rdf_store(svc), iri)
    if not triples:
        raise NotFound(f"Aucune ressource « {kind}/{key} » dans le graphe.")
    return _answer(request, iri, triples, format)


@router.get("/id/ontology", summary="Le vocabulaire de Maillage (Turtle)", response_class=Response)
def get_ontology():
    return Response((ONTOLOGY / "maillage.ttl").read_bytes(), media_type="text/turtle; charset=utf-8")


@router.get("/ns/context.jsonld", summary="Le contexte JSON-LD de Maillage", response_class=JSONResponse)
def get_context():
    return JSONResponse(rdf.context(), media_type="application/ld+json",
                        headers={"Cache-Control": "public, max-age=86400", "Access-Control-Allow-Origin": "*"})
