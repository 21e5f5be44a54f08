"""The service's state: its settings and the backend it answers from, reopened after a new build."""

from __future__ import annotations

import threading

from fastapi import Request

from maillage.queries.backend import Backend, open_backend
from maillage.settings import Settings

__all__ = ["Service", "backend", "service", "warm"]


def warm(b: Backend) -> Backend:
    """Read the per-backend indexes (communes, territories, concepts) that every question starts with."""
    from maillage.queries.catalogue import territories_of_kind
    from maillage.queries.coverage import concepts
    from maillage.queries.places import place_index

    place_index(b)
    concepts(b)
    territories_of_kind(b, "departement")
    return b


class Service:
    def __init__(self, settings: Settings):
        self.settings = settings
        self._backend: Backend | None = None
        self._lock = threading.Lock()
        #: one write (rebuild) at a time; readers are never blocked by it
        self.writing = threading.Lock()

    def backend(self) -> Backend:
        # Opened on first use, so that the service starts (and says why) even before a build exists.
        if self._backend is None:
            with self._lock:
                if self._backend is None:
                    self._backend = open_backend(self.settings, long_lived=True)
        return self._backend

    def reopen(self) -> Backend:
        """Answer from the build just published. The old backend is not closed: requests still using
        it finish on it, and it is freed when the last one drops it."""
        fresh = warm(open_backend(self.settings, long_lived=True))
        with self._lock:
            self._backend = fresh
        return fresh

    def close(self) -> None:
        if self._backend is not None:
            self._backend.close()
            self._backend = None


def service(request: Request) -> Service:
    return request.app.state.service


def backend(request: Request) -> Backend:
    return request.app.state.service.backend()
