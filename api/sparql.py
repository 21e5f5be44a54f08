"""The public query endpoints: SPARQL 1.1 Protocol over the embedded store, read-only Cypher on Neo4j.

SPARQL (``GET /sparql?query=…``, ``POST /sparql`` as a form or ``application/sparql-query``; results
as JSON, CSV, TSV or XML, graphs as Turtle, N-Triples, RDF/XML or JSON-LD, by ``Accept`` or
``format=``; the protocol's dataset, its single query and its encoding: ``sparql_protocol``) runs in a pool of worker processes
(``sparql_worker``): each query has ``query_timeout`` seconds, after which its process is killed and
replaced, so that no query, however costly, stalls the service; a worker lives within ``query_memory_mb``
MB (503 past it) and an answer within ``query_answer_mb`` MB (413 past it); answers stop at
``query_rows`` rows (``X-Maillage-Truncated: true`` says so). Requests wait for a worker in a bounded
queue of their own, never in the thread pool other routes need (``gate``): past ``query_queue``
waiting, 503 at once. Cypher (``/cypher``, on the Neo4j backend) runs in a read
transaction with the server's own time limit (``Query(text, timeout=…)``) after the text is refused if it
would load, call procedures or write (``cypher_check``).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import queue
import threading

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from core.errors import AnswerTooLarge, InvalidQuery, QueryOutOfMemory, QueryRefused, QueryTimeout
from core.settings import Settings

from . import limits, sparql_protocol, sparql_worker
from .gate import Gate
from .sparql_protocol import MEDIA
from .service import Service, service

__all__ = ["router", "WorkerPool"]

router = APIRouter(tags=["requêtes"])



class WorkerPool:
    """Worker processes, each answering one query at a time; one past its time is killed and replaced."""

    def __init__(self, size: int, memory_mb: int = 0):
        self._context = mp.get_context("spawn")  # a fresh interpreter: no copy of the service's threads
        self.memory_mb = memory_mb
        self._idle: queue.Queue = queue.Queue()
        self._lock = threading.Lock()
        self._workers: list = []
        for _ in range(max(1, size)):
            self._idle.put(None)  # started on first use

    def _spawn(self):
        parent, child = self._context.Pipe()
        process = self._context.Process(target=sparql_worker.serve, args=(child, self.memory_mb), daemon=True,
                                        name="maillage-sparql")
        # The worker's address space is bounded (RLIMIT_AS): glibc's per-thread arenas (64 MB reserved
        # each, for Oxigraph's threads) and OpenBLAS's per-core buffers (if an import brings numpy) would
        # spend it before any query. A spawned interpreter reads these from the environment it starts with.
        for name in ("MALLOC_ARENA_MAX", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
            os.environ.setdefault(name, "2" if name == "MALLOC_ARENA_MAX" else "1")
        process.start()
        # Lowered at once, from here: the interpreter's start (a second of CPU, at each replacement of a
        # killed worker) would otherwise run at the service's own priority.
        sparql_worker.lower(process.pid)
        child.close()
        # Start-up (an interpreter and Oxigraph) is not counted in a query's time.
        if not parent.poll(60):
            process.kill()
            raise QueryTimeout("Le processus du point d'accès SPARQL ne démarre pas.")
        parent.recv()
        with self._lock:
            self._workers.append((process, parent))
        return process, parent

    def _retire(self, worker) -> None:
        process, conn = worker
        process.kill()
        process.join(5)
        conn.close()
        with self._lock:
            if worker in self._workers:
                self._workers.remove(worker)

    def run(self, request: tuple, timeout: float):
        """The worker's answer to ``request``: (status, kind, body, truncated); 503 past ``timeout`` s, or
        when the worker's process ends (its memory bound: Oxigraph aborts on a failed allocation)."""
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty:
            raise QueryTimeout("Point d'accès SPARQL occupé : réessayez dans un instant.") from None
        try:
            if worker is None or not worker[0].is_alive():
                if worker is not None:
                    self._retire(worker)
                worker = self._spawn()
            worker[1].send(request)
            if worker[1].poll(timeout):
                answer = worker[1].recv()
                self._idle.put(worker)
                worker = None
                return answer
            raise QueryTimeout(f"Requête arrêtée après {timeout:g} s (limite du point d'accès) : "
                               "restreignez-la (motifs plus sélectifs, LIMIT).")
        except (EOFError, ConnectionError):
            raise QueryOutOfMemory(f"Requête arrêtée : son processus s'est interrompu, le plus souvent faute de mémoire "
                                   f"({self.memory_mb} Mo au plus par requête) ; restreignez-la.") from None
        finally:
            if worker is not None:  # stopped or broken: replaced by a fresh one at next use
                self._retire(worker)
                self._idle.put(None)

    def close(self) -> None:
        with self._lock:
            workers = list(self._workers)
        for worker in workers:
            self._retire(worker)


def _pool(svc: Service) -> WorkerPool:
    settings = svc.settings
    return svc.held("sparql workers", lambda: WorkerPool(settings.sparql_workers, settings.query_memory_mb))


#: seconds a worker may take to start (an interpreter and Oxigraph), beyond a query's own time
START = 30.0


async def _answer(svc: Service, job: tuple) -> tuple:
    settings = svc.settings
    timeout = float(settings.query_timeout)
    gate: Gate = svc.gate("sparql", "point d'accès SPARQL", settings.sparql_workers)
    status, kind, body, truncated = await gate.run(_pool(svc).run, job, timeout, wait=timeout,
                                                   deadline=2 * timeout + START)
    if status == 400:
        raise QueryRefused(body.decode())
    if status == sparql_worker.TOO_LARGE:
        raise AnswerTooLarge(f"Réponse trop grande : {settings.query_answer_mb} Mo au plus (MAILLAGE_QUERY_ANSWER_MB) ; "
                             "restreignez la requête (LIMIT, moins de variables, des valeurs plus courtes).")
    if status == sparql_worker.OUT_OF_MEMORY:
        raise QueryOutOfMemory(f"Requête arrêtée : elle demandait plus de {settings.query_memory_mb} Mo de mémoire "
                               "(MAILLAGE_QUERY_MEMORY_MB) ; restreignez-la.")
    if status != 200:
        raise RuntimeError(body.decode())
    return kind, body, truncated


FORM = """<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>SPARQL — Maillage</title></head>
<body style="font:15px system-ui,sans-serif;margin:2em"><h1>Point d'accès SPARQL de Maillage</h1>
<p>Lecture seule ; {timeout} s et {rows} lignes au plus par requête. Vocabulaire : <a href="/id/ontology">/id/ontology</a>.</p>
<form method="get"><textarea name="query" rows="12" cols="90">PREFIX m: &lt;https://w3id.org/maillage/ontology#&gt;
PREFIX rdfs: &lt;http://www.w3.org/2000/01/rdf-schema#&gt;
SELECT ?instance ?name WHERE {{ ?instance a m:SchemeInstance ; rdfs:label ?name }} LIMIT 20</textarea><br>
<select name="format"><option>json</option><option>csv</option><option>tsv</option><option>xml</option></select>
<button>Interroger</button></form></body></html>"""


async def _sparql(request: Request, call: sparql_protocol.Call, svc: Service) -> Response:
    settings: Settings = svc.settings
    text = call.text
    if not text:
        if "text/html" in request.headers.get("accept", ""):
            return HTMLResponse(FORM.format(timeout=settings.query_timeout, rows=settings.query_rows))
        raise InvalidQuery("Paramètre « query » manquant : une requête SPARQL (SELECT, ASK, CONSTRUCT, DESCRIBE).")
    if len(text) > 100_000:
        raise QueryRefused("Requête trop longue (100 000 caractères au plus).")
    reason = sparql_worker.check(text)  # refused at once, without a worker
    if reason:
        raise QueryRefused(reason)
    build = svc.served_build()  # the build every other route answers from
    # the service defines the base IRI (SPARQL 1.1 Protocol §2.1.4): the endpoint's own address
    options = {"base_iri": str(request.url.replace(query="")), "dataset": call.dataset}
    kind, body, truncated = await _answer(svc, (str(build), text, call.results, call.graphs, settings.query_rows,
                                                settings.query_answer_mb << 20, options))
    headers = {"X-Maillage-Truncated": "true" if truncated else "false", "Access-Control-Allow-Origin": "*",
               "X-Maillage-Build": build.name}
    return Response(body, media_type=MEDIA[kind] + ("; charset=utf-8" if kind in ("csv", "tsv", "turtle", "ntriples") else ""),
                    headers=headers)


FORMAT = Query(None, max_length=limits.WORD, description="json, xml, csv, tsv (résultats) ; turtle, nt, xml, json-ld (graphes), "
               "ou un type de média ; sinon l'en-tête Accept")
#: the protocol's dataset, documented (read with the other parameters by ``sparql_protocol``)
GRAPHS = Query(None, description="IRI d'un graphe (répétable) : le jeu de données de la requête remplace celui du "
                                 "service ; le graphe du registre n'a pas de nom, un graphe nommé est vide")


@router.get("/sparql", summary="Point d'accès SPARQL 1.1 (lecture seule, temps et taille limités)", response_class=Response)
async def get_sparql(request: Request, format: str | None = FORMAT,
               default_graph_uri: list[str] | None = Query(None, alias="default-graph-uri", description=GRAPHS.description),
               named_graph_uri: list[str] | None = Query(None, alias="named-graph-uri", description=GRAPHS.description),
               svc: Service = Depends(service)):
    """Paramètre `query` : la requête SPARQL 1.1 (SELECT, ASK, CONSTRUCT, DESCRIBE), une seule. Toute
    l'adresse est bornée à 4 096 octets (414 au-delà) : une requête plus longue s'envoie en POST."""
    # `query` is read here, not declared: its bound is the whole query string's (api/limits.py), since a
    # SPARQL text is longer than any other parameter's bound.
    return await _sparql(request, sparql_protocol.read(request, request.query_params.multi_items()), svc)


@router.post("/sparql", summary="Point d'accès SPARQL 1.1 (POST : formulaire ou application/sparql-query)",
             response_class=Response)
async def post_sparql(request: Request, format: str | None = FORMAT, svc: Service = Depends(service)):
    header = request.headers.get("content-type", "")
    content_type = header.split(";")[0].strip().lower()
    parameters = request.query_params.multi_items()
    if content_type == "application/sparql-query":
        call = sparql_protocol.read(request, parameters, sparql_protocol.utf8(await request.body(), header))
    elif content_type == "application/x-www-form-urlencoded":
        call = sparql_protocol.read(request, parameters + sparql_protocol.form_parameters(await request.body(), header))
    else:
        raise InvalidQuery("Corps attendu : application/sparql-query, ou un formulaire (urlencoded) avec « query ».")
    return await _sparql(request, call, svc)
