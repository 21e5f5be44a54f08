"""The public read-only Cypher endpoint, on the Neo4j backend: ``GET /cypher?query=…`` or ``POST``.

The text runs in a read transaction (``session.execute_read``: Neo4j refuses any write in it) with the
server's own time limit (``unit_of_work(timeout=query_timeout)``: Neo4j stops the transaction), and
answers at most ``query_rows`` rows. Before that, :func:`check` refuses what a read transaction would
still allow and a public endpoint must not: procedures (``CALL``, so ``dbms.*`` and ``db.*``), loading
files or URLs (``LOAD CSV``), and the write clauses (for a French message rather than Neo4j's). Every
query sees all builds; ``(:Maillage)-[:CURRENT]->(:Build)`` names the live one.
"""

from __future__ import annotations

import re

import neo4j
from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from core.errors import InvalidQuery, QueryRefused, QueryTimeout
from store.neo4j import Neo4jBackend
from store.session import Session

from .service import Service, backend, service

__all__ = ["router", "check"]

router = APIRouter(tags=["requêtes"])

_SKIP = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`|//[^\n]*|/\*.*?\*/', re.S)
_FORBIDDEN = re.compile(r"(?<![\w.$:])(CALL|LOAD|CREATE|MERGE|DELETE|DETACH|SET|REMOVE|DROP|FOREACH|USE|GRANT|DENY|"
                        r"REVOKE|ALTER|START|STOP|TERMINATE|SHOW|FINISH)(?![\w])", re.I)


def check(text: str) -> str | None:
    """A French reason to refuse ``text``, or None."""
    found = _FORBIDDEN.search(_SKIP.sub(" ", text))
    if found is None:
        return None
    word = found.group(1).upper()
    if word == "CALL":
        return "CALL refusé : les procédures (dbms.*, db.*…) ne sont pas ouvertes au public."
    if word == "LOAD":
        return "LOAD CSV refusé : ce point d'accès ne lit ni fichier ni adresse."
    return f"{word} refusé : ce point d'accès est en lecture seule (MATCH … RETURN)."


def _plain(value):
    if isinstance(value, neo4j.graph.Node):
        return {"labels": sorted(value.labels), **{k: _plain(v) for k, v in value.items()}}
    if isinstance(value, neo4j.graph.Relationship):
        return {"type": value.type, **{k: _plain(v) for k, v in value.items()}}
    if isinstance(value, neo4j.graph.Path):
        return [_plain(n) for n in value.nodes]
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if hasattr(value, "iso_format"):
        return value.iso_format()
    return value


def _cypher(text: str | None, svc: Service, b: Session) -> JSONResponse:
    if b.name != "neo4j":
        raise InvalidQuery("Le point d'accès Cypher sert le magasin Neo4j (MAILLAGE_BACKEND=neo4j) ; ici : /sparql.")
    if not text:
        raise InvalidQuery("Paramètre « query » manquant : une requête Cypher en lecture (MATCH … RETURN).")
    if len(text) > 100_000:
        raise QueryRefused("Requête trop longue (100 000 caractères au plus).")
    reason = check(text)
    if reason:
        raise QueryRefused(reason)
    settings = svc.settings
    limit = settings.query_rows

    # A managed read transaction takes its time limit from unit_of_work (Query(text, timeout=…) is for
    # auto-commit runs): the server stops the transaction past it.
    @neo4j.unit_of_work(timeout=float(settings.query_timeout))
    def work(tx):
        result = tx.run(text)
        rows, truncated = [], False
        for record in result:
            if len(rows) == limit:
                truncated = True
                break
            rows.append([_plain(v) for v in record.values()])
        return list(result.keys()), rows, truncated

    if not isinstance(b.backend, Neo4jBackend):  # b.name said neo4j: the session's backend is one
        raise InvalidQuery("Le point d'accès Cypher sert le magasin Neo4j (MAILLAGE_BACKEND=neo4j) ; ici : /sparql.")
    driver = b.backend.driver
    try:
        with driver.session(default_access_mode=neo4j.READ_ACCESS) as session:
            columns, rows, truncated = session.execute_read(work)
    except neo4j.exceptions.ClientError as err:
        code = err.code or ""
        if "TransactionTimedOut" in code or "Timeout" in code or "Terminated" in code:
            raise QueryTimeout(f"Requête arrêtée après {settings.query_timeout} s (limite du point d'accès) : "
                               "restreignez-la (motifs plus sélectifs, LIMIT).") from None
        raise QueryRefused(f"Requête Cypher refusée par Neo4j : {err.message}") from None
    return JSONResponse({"columns": columns, "rows": rows}, headers={"X-Maillage-Truncated": str(truncated).lower()})


@router.get("/cypher", summary="Point d'accès Cypher en lecture seule (backend Neo4j, temps et taille limités)")
def get_cypher(request: Request, svc: Service = Depends(service), b: Session = Depends(backend)):
    """Paramètre `query` : la requête Cypher en lecture (MATCH … RETURN) ; l'adresse entière est bornée à
    4 096 octets, une requête plus longue s'envoie en POST."""
    return _cypher(request.query_params.get("query"), svc, b)


@router.post("/cypher", summary="Point d'accès Cypher en lecture seule (corps : la requête, text/plain)")
async def post_cypher(request: Request, svc: Service = Depends(service), b: Session = Depends(backend)):
    from starlette.concurrency import run_in_threadpool

    text = (await request.body()).decode("utf-8", errors="replace")
    return await run_in_threadpool(_cypher, text, svc, b)
