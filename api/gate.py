"""A bounded queue in front of the public query endpoints' workers, off the shared thread pool.

A SPARQL query holds a worker process, a Cypher query a Neo4j transaction, for up to ``query_timeout``
seconds. Waiting for them in the thread pool every plain route runs in (anyio's 40 threads) let 60
SPARQL clients hold all of it: ``/v1/instances`` and ``/v1/places`` then waited seconds for a thread.
A :class:`Gate` admits ``workers + waiting`` requests at most; the next one is answered 503 at once
(:class:`QueueFull`, with ``Retry-After``), without a thread or a wait. An admitted request waits in the
gate's own queue (no thread held) and runs in one of the gate's own ``workers`` threads. A request that
waited longer than its wait bound is answered 503 when its turn comes, without running.

The work bounds itself (the SPARQL worker is killed past its time, Neo4j stops the transaction), and the
gate is the last net: past ``deadline`` seconds the client gets a 503 and the work's thread is left to
finish, its place in the gate still taken, so a stuck backend holds ``workers`` threads at most and the
next requests are refused at once rather than piled up.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from core.errors import QueryTimeout, QueueFull

from .limits import pause_refusal

__all__ = ["Gate", "FullFirst"]

T = TypeVar("T")


class Gate:
    """At most ``workers`` calls at once in the gate's threads, ``waiting`` more queued, the rest refused."""

    def __init__(self, label: str, workers: int, waiting: int):
        #: the French name of what is behind the gate, for messages (« point d'accès SPARQL »)
        self.label = label
        self.workers = max(1, workers)
        self.capacity = self.workers + max(0, waiting)
        self._executor = ThreadPoolExecutor(self.workers, thread_name_prefix="maillage-gate")
        self._lock = threading.Lock()
        self._admitted = 0
        self._running = 0

    def state(self) -> dict[str, int]:
        """What the gate holds now: calls running, calls waiting, and its bounds."""
        with self._lock:
            return {"running": self._running, "waiting": self._admitted - self._running, "workers": self.workers,
                    "capacity": self.capacity}

    def full(self) -> QueueFull | None:
        """The refusal a request would get now, or None while there is room."""
        if self._admitted < self.capacity:
            return None
        return QueueFull(f"{self.label[0].upper()}{self.label[1:]} saturé ({self.workers} requête(s) en cours, "
                         f"{self.capacity - self.workers} en attente) : réessayez dans quelques secondes.")

    def _admit(self) -> None:
        with self._lock:
            refused = self.full()
            if refused is not None:
                raise refused
            self._admitted += 1

    def _release(self, _future: Future) -> None:
        with self._lock:
            self._admitted -= 1

    def _call(self, fn: Callable[..., T], args: tuple, wait_until: float) -> T:
        if time.monotonic() > wait_until:
            raise QueueFull(f"{self.label[0].upper()}{self.label[1:]} occupé : la requête a attendu son tour trop "
                            "longtemps ; réessayez dans un instant.")
        with self._lock:
            self._running += 1
        try:
            return fn(*args)
        finally:
            with self._lock:
                self._running -= 1

    async def run(self, fn: Callable[..., T], *args: Any, wait: float, deadline: float) -> T:
        """``fn(*args)`` in the gate's threads, after at most ``wait`` seconds in its queue; 503
        (:class:`QueueFull`) at once when the gate is full, 503 (:class:`QueryTimeout`) past ``deadline``
        seconds in all (the call goes on in its thread, and keeps its place until it ends)."""
        self._admit()
        try:
            future = self._executor.submit(self._call, fn, args, time.monotonic() + wait)
        except BaseException:
            self._release(None)  # type: ignore[arg-type]
            raise
        future.add_done_callback(self._release)
        answer = asyncio.wrap_future(future)
        answer.add_done_callback(_retrieved)
        # asyncio.wait, not wait_for: neither the deadline nor a client that leaves cancels a call half
        # done (and a QueryTimeout of the call itself is not taken for the deadline's)
        done, _ = await asyncio.wait({answer}, timeout=deadline)
        if not done:
            raise QueryTimeout(f"Requête arrêtée après {deadline:g} s : le {self.label} ne répond pas à temps ; "
                               "réessayez plus tard.")
        return answer.result()

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


def _retrieved(answer: asyncio.Future) -> None:
    # An answer nobody awaits any more (past the deadline) would log "exception never retrieved".
    if not answer.cancelled():
        answer.exception()


class FullFirst:
    """ASGI middleware: a request to a query endpoint whose gate is full is refused before routing.

    Sixty clients asking again as soon as they are refused cost the event loop more in FastAPI's routing,
    parameters and error handling (about 1.1 ms of CPU a refusal, measured) than in the refusal itself:
    here it is a dictionary lookup and the same French 503 (after the pause of every refusal). The gate's
    own admission stays the rule; this only answers earlier what it would answer.
    """

    def __init__(self, app: ASGIApp, gates: dict[str, Gate], paths: dict[str, str]):
        self.app = app
        self.gates = gates  # the service's, filled as they are made
        self.paths = paths  # path → gate name

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        name = self.paths.get(scope.get("path", "")) if scope["type"] == "http" else None
        gate = self.gates.get(name) if name else None
        refused = gate.full() if gate is not None else None
        if refused is None:
            await self.app(scope, receive, send)
            return
        await pause_refusal()
        body = {"error": type(refused).__name__, "message": str(refused)}
        await JSONResponse(body, status_code=refused.status, headers={"Retry-After": str(refused.retry_after)})(
            scope, receive, send)
