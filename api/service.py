"""The service's state: its settings and the backend it answers from, reopened after a new build."""

from __future__ import annotations

import threading

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from store.session import Session, open_backend
from core.settings import Settings

__all__ = ["Service", "backend", "service", "service_of"]


class Service:
    def __init__(self, settings: Settings):
        self.settings = settings
        self._backend: Session | None = None
        self._previous: Session | None = None
        self._lock = threading.Lock()
        #: one write (rebuild) at a time; readers are never blocked by it
        self.writing = threading.Lock()

    @property
    def opened(self) -> Session | None:
        """The backend if it is open already, without waiting."""
        return self._backend

    def backend(self) -> Session:
        # Opened (and warmed) on first use, so that the service starts (and says why) even before a
        # build exists.
        if self._backend is None:
            with self._lock:
                if self._backend is None:
                    self._backend = open_backend(self.settings, long_lived=True).warm()
        return self._backend

    def reopen(self) -> Session:
        """Answer from the build just published. The replaced backend stays open, so that requests
        still using it finish on it; it is closed at the next reopen (a build later), which bounds what
        stays open (a Neo4j driver's connections) to one previous backend."""
        fresh = open_backend(self.settings, long_lived=True).warm()
        with self._lock:
            stale, self._previous, self._backend = self._previous, self._backend, fresh
        if stale is not None:
            stale.close()
        return fresh

    def close(self) -> None:
        for opened in (self._backend, self._previous):
            if opened is not None:
                opened.close()
        self._backend = self._previous = None


def service_of(request: Request) -> Service:
    return request.app.state.service


async def service(request: Request) -> Service:
    # The dependency is async, as ``backend`` below: a plain ``def`` one costs its request a hop through
    # the thread pool, which the coverage route (lat/lon) paid on every question (decision 0112).
    return service_of(request)


async def backend(request: Request) -> Session:
    # A plain ``def`` dependency would cost every request a hop through the thread pool (measured:
    # 0.15 ms, a third of a coverage answer); only the first opening, which reads the store, needs one.
    svc: Service = request.app.state.service
    opened = svc.opened
    return opened if opened is not None else await run_in_threadpool(svc.backend)
