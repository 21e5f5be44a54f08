"""The service's state: its settings, the backend it answers from, and the gates of its query endpoints.

One build is served by every route at a time: the backend's. A build published by another process
(``maillage build``, ``maillage load-neo4j``) is noticed by :meth:`Service.watch`, a thread that looks
every :data:`LOOK_EVERY` seconds; the new build is opened and warmed beside the old one, which answers
meanwhile, and then replaces it whole (the indexes, ``/sparql``, the dumps and the linked data together).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from core.errors import StoreMissing
from core.settings import Settings
from store.builds import current_build
from store.session import Session, open_backend

from .gate import Gate

__all__ = ["Service", "backend", "service", "service_of", "LOOK_EVERY"]

log = logging.getLogger("maillage.api")

T = TypeVar("T")

#: seconds between two looks for a build published by another process
LOOK_EVERY = 1.0


class Service:
    def __init__(self, settings: Settings):
        self.settings = settings
        self._backend: Session | None = None
        self._previous: Session | None = None
        self._lock = threading.Lock()
        #: one write (rebuild) at a time; readers are never blocked by it
        self.writing = threading.Lock()
        #: one switch to a new build at a time (the watcher's or an admin rebuild's)
        self._switching = threading.Lock()
        #: the query endpoints' gates by name (``/v1/health`` reports them)
        self.gates: dict[str, Gate] = {}
        self._held: dict[str, Any] = {}

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

    def served_build(self):
        """The build folder every route answers from: the open backend's, else (not open yet) the live one."""
        opened = self._backend
        build = opened.build if opened is not None else current_build(self.settings.data_dir)
        if build is None:
            if opened is not None:  # Neo4j holds a build whose folder is gone
                raise StoreMissing("La construction servie par Neo4j n'est plus sur disque : "
                                   "lancez `maillage build` puis `maillage load-neo4j`.")
            raise StoreMissing("Aucun graphe construit : lancez `maillage build`.")
        return build

    def reopen(self) -> Session:
        """Answer from the build just published. The replaced backend stays open, so that requests
        still using it finish on it; it is closed at the next reopen (a build later), which bounds what
        stays open (a Neo4j driver's connections) to one previous backend."""
        with self._switching:
            current = self._backend
            if current is not None and not current.stale(self.settings.data_dir):
                return current  # switched already (the watcher was first)
            fresh = open_backend(self.settings, long_lived=True).warm()
            with self._lock:
                stale, self._previous, self._backend = self._previous, self._backend, fresh
            if stale is not None:
                stale.close()
            return fresh

    def watch(self, stop: threading.Event) -> None:
        """Until ``stop`` is set: switch to a build another process published (see the module's docstring)."""
        while not stop.wait(LOOK_EVERY):
            opened = self._backend
            try:
                if opened is None or not opened.stale(self.settings.data_dir):
                    continue
                if self._switching.locked():  # an admin rebuild is switching already
                    continue
                fresh = self.reopen()
                log.info("new build served: %s", getattr(fresh.build, "name", None))
            except Exception:  # the old build keeps answering; the next look tries again
                log.exception("could not switch to the new build")

    def held(self, name: str, make: Callable[[], T]) -> T:
        """The object the service holds under ``name`` (a worker pool, a probe), made on first use."""
        found = self._held.get(name)
        if found is None:
            with self._lock:
                found = self._held.get(name)
                if found is None:
                    found = self._held[name] = make()
        return found

    def gate(self, name: str, label: str, workers: int) -> Gate:
        """The gate ``name`` of a query endpoint (made on first use, with ``query_queue`` places to wait)."""
        gate = self.held(f"gate:{name}", lambda: Gate(label, workers, self.settings.query_queue))
        self.gates[name] = gate
        return gate

    def close(self) -> None:
        for held in self._held.values():
            if hasattr(held, "close"):
                held.close()
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
