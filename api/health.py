"""The service's state as it is: ``/v1/health`` (on the event loop) and ``/v1/ready`` (through the pool).

``/v1/health`` answers on the event loop, so that it answers while the thread pool is busy; it reports
what it cannot see from there: whether the backend answers (the embedded store is in the process, asked
inline; Neo4j is asked ``RETURN 1``, at most once a second, in a thread of its own with a time limit), the thread
pool's busy and waiting requests, and each query endpoint's gate. ``status`` is ``ok``, ``dégradé``
(requests wait for a thread, or a query endpoint's queue is full: answers are slow or refused) or
``indisponible`` (no build, or the backend does not answer: 503).

``/v1/ready`` runs in the thread pool like every plain route: it answers only when a thread is free,
and asks the backend itself. A load balancer that sends traffic only where ``/v1/ready`` answers sends
none to a server whose pool is held.
"""

from __future__ import annotations

import asyncio
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor

import anyio.to_thread
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from core.errors import StoreMissing
from store.session import Session

from .service import Service

__all__ = ["router", "PROBE_EVERY"]

router = APIRouter(prefix="/v1", tags=["service"])

#: seconds a backend's answer to the health probe is reused (health may be asked many times a second)
PROBE_EVERY = 1.0
#: seconds the health probe waits for the backend
PROBE_TIMEOUT = 6.0


class _Probe:
    """Whether a session's backend answers, asked in a thread of its own, once per :data:`PROBE_EVERY`."""

    def __init__(self) -> None:
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="maillage-probe")
        self._lock = threading.Lock()
        self._asked: tuple[Session, float, Future] | None = None

    async def answers(self, session: Session) -> bool:
        with self._lock:
            asked = self._asked
            if asked is None or asked[0] is not session or time.monotonic() - asked[1] > PROBE_EVERY:
                asked = self._asked = (session, time.monotonic(), self._executor.submit(session.ping))
        try:
            return await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(asked[2])), PROBE_TIMEOUT)
        except TimeoutError:
            return False

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


def _pool() -> dict[str, int]:
    limiter = anyio.to_thread.current_default_thread_limiter()
    stats = limiter.statistics()
    return {"threads": int(limiter.total_tokens), "busy": stats.borrowed_tokens, "waiting": stats.tasks_waiting}


@router.get("/health", summary="État réel du service : magasin, réserve de fils d'exécution, points d'accès")
async def health(request: Request):
    """`status` : `ok`, `dégradé` (des requêtes attendent un fil, ou la file d'un point d'accès est pleine)
    ou `indisponible` (aucun graphe, ou le magasin ne répond pas : 503)."""
    svc: Service = request.app.state.service
    session = svc.opened
    if session is None:
        try:  # the first opening reads the store: in the pool, like every plain route's first request
            session = await anyio.to_thread.run_sync(svc.backend)
        except StoreMissing as err:
            return JSONResponse({"status": "indisponible", "backend": svc.settings.backend, "build": None,
                                 "store": "absent", "message": str(err)}, status_code=503)
    # the embedded store is in this process: asked inline; Neo4j in the probe's own thread
    answers = session.ping() if session.backend.in_process else await svc.held("health probe", _Probe).answers(session)
    pool = _pool()
    gates = {name: gate.state() for name, gate in sorted(svc.gates.items())}
    full = any(g["running"] + g["waiting"] >= g["capacity"] for g in gates.values())
    status = "indisponible" if not answers else "dégradé" if pool["waiting"] or full else "ok"
    body = {"status": status, "backend": session.name, "build": session.build.name if session.build else None,
            "store": "ok" if answers else "injoignable", "pool": pool, "queries": gates}
    return JSONResponse(body, status_code=503 if not answers else 200)


@router.get("/ready", summary="Prêt à répondre : un fil d'exécution libre et le magasin qui répond")
def ready(request: Request):
    """Répond depuis la réserve de fils d'exécution, comme les autres questions : lent ou absent quand
    elle est saturée ; 503 si le magasin ne répond pas."""
    svc: Service = request.app.state.service
    session = svc.backend()
    answers = session.ping()
    body = {"ready": answers, "backend": session.name, "build": session.build.name if session.build else None}
    return JSONResponse(body, status_code=200 if answers else 503)
