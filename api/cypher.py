"""The public read-only Cypher endpoint, on the Neo4j backend: ``GET /cypher?query=…`` or ``POST``.

The text runs in an explicit read transaction (a session in read mode: Neo4j refuses any write in it)
with the server's own time limit (``begin_transaction(timeout=query_timeout)``: Neo4j stops the
transaction), and answers at most ``query_rows`` rows and ``query_answer_mb`` MB (413 past it). The
transaction is not retried: ``execute_read`` would retry a transient error (a transaction stopped for
want of memory) for 30 s more, past the time limit; here it is a French 503 at once. Queries run in the
endpoint's own gate (``gate``: ``cypher_workers`` at once, ``query_queue`` waiting, 503 past them),
never in the thread pool other routes need. The server's memory bounds are its own (see the README,
"Neo4j": ``db.memory.transaction.max``). Before that, :func:`check` refuses what a read transaction would
still allow and a public endpoint must not: procedures (``CALL``, so ``dbms.*`` and ``db.*``), loading
files or URLs (``LOAD CSV``), and the write clauses (for a French message rather than Neo4j's). Every
query sees all builds; ``(:Maillage)-[:CURRENT]->(:Build)`` names the live one.
"""

from __future__ import annotations

import re

import neo4j
import orjson
from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from core.errors import AnswerTooLarge, InvalidQuery, QueryOutOfMemory, QueryRefused, QueryTimeout
from core.settings import Settings
from store.neo4j import UNAVAILABLE, Neo4jBackend, unavailable
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


def _stopped(err: neo4j.exceptions.Neo4jError, settings: Settings) -> Exception:
    """The French error for a transaction Neo4j stopped or refused."""
    code = err.code or ""
    if "MemoryPool" in code or "OutOfMemory" in code:
        return QueryOutOfMemory("Requête arrêtée par Neo4j faute de mémoire (la part d'une transaction, "
                                "db.memory.transaction.max, ou celle du serveur) : restreignez-la.")
    if "TransactionTimedOut" in code or "Timeout" in code or "Terminated" in code:
        return QueryTimeout(f"Requête arrêtée après {settings.query_timeout} s (limite du point d'accès) : "
                            "restreignez-la (motifs plus sélectifs, LIMIT).")
    if isinstance(err, neo4j.exceptions.ClientError):
        return QueryRefused(f"Requête Cypher refusée par Neo4j : {err.message}")
    return unavailable(err)


def _execute(driver: neo4j.Driver, text: str, settings: Settings) -> tuple[list, list, bool]:
    """Columns, rows and whether rows were cut, of ``text`` in one read transaction, never retried."""
    limit, budget = settings.query_rows, settings.query_answer_mb << 20
    rows: list[list] = []
    truncated, size = False, 0
    try:
        with driver.session(default_access_mode=neo4j.READ_ACCESS) as session:
            with session.begin_transaction(timeout=float(settings.query_timeout)) as tx:
                result = tx.run(text)
                for record in result:
                    if len(rows) == limit:
                        truncated = True
                        break
                    row = [_plain(v) for v in record.values()]
                    size += len(orjson.dumps(row, default=str))
                    if size > budget:
                        raise AnswerTooLarge(f"Réponse trop grande : {settings.query_answer_mb} Mo au plus "
                                             "(MAILLAGE_QUERY_ANSWER_MB) ; restreignez la requête (LIMIT, moins de colonnes).")
                    rows.append(row)
                return list(result.keys()), rows, truncated  # leaving the block rolls the read back
    except neo4j.exceptions.Neo4jError as err:
        raise _stopped(err, settings) from None
    except UNAVAILABLE as err:
        raise unavailable(err) from None


async def _cypher(text: str | None, svc: Service, b: Session) -> JSONResponse:
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
    timeout = float(settings.query_timeout)
    if not isinstance(b.backend, Neo4jBackend):  # b.name said neo4j: the session's backend is one
        raise InvalidQuery("Le point d'accès Cypher sert le magasin Neo4j (MAILLAGE_BACKEND=neo4j) ; ici : /sparql.")
    gate = svc.gate("cypher", "point d'accès Cypher", settings.cypher_workers)
    # Neo4j stops the transaction at `timeout`; the gate's deadline is the net for a server that does not
    # (an expression it cannot interrupt, a server out of memory), a few seconds later.
    columns, rows, truncated = await gate.run(_execute, b.backend.driver, text, settings, wait=timeout,
                                              deadline=2 * timeout + 5)
    return JSONResponse({"columns": columns, "rows": rows}, headers={"X-Maillage-Truncated": str(truncated).lower()})


@router.get("/cypher", summary="Point d'accès Cypher en lecture seule (backend Neo4j, temps et taille limités)")
async def get_cypher(request: Request, svc: Service = Depends(service), b: Session = Depends(backend)):
    """Paramètre `query` : la requête Cypher en lecture (MATCH … RETURN) ; l'adresse entière est bornée à
    4 096 octets, une requête plus longue s'envoie en POST."""
    return await _cypher(request.query_params.get("query"), svc, b)


@router.post("/cypher", summary="Point d'accès Cypher en lecture seule (corps : la requête, text/plain)")
async def post_cypher(request: Request, svc: Service = Depends(service), b: Session = Depends(backend)):
    text = (await request.body()).decode("utf-8", errors="replace")
    return await _cypher(text, svc, b)
