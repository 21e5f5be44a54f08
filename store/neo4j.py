"""The Neo4j backend: the same named questions in Cypher, over Bolt, with parameters.

Every Cypher question starts from ``(:Maillage)-[:CURRENT]->(:Build)``, so a reader sees one whole build
(see ``neo4j_load``). Values come back as plain Python (Neo4j dates as ``datetime.date``), like the
embedded backend's. A server that does not answer, or a transaction it stops for want of memory, is
:class:`~core.errors.BackendUnavailable` (503 in the API), never a driver's exception.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import neo4j

from core.errors import BackendUnavailable, StoreMissing
from core.settings import Settings

from .builds import current_build

from .backend import Row
from .named import stored

__all__ = ["Neo4jBackend", "driver_for"]


def driver_for(settings: Settings) -> neo4j.Driver:
    auth = (settings.neo4j_user, settings.neo4j_password) if settings.neo4j_password else None
    return neo4j.GraphDatabase.driver(settings.neo4j_uri, auth=auth)


def _plain(value: Any) -> Any:
    if hasattr(value, "to_native"):
        return value.to_native()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


#: the embedded build Neo4j answers from (a fixed question: no parameter); the version of the graph that
#: holds it may carry another id, after an incremental load (see ``neo4j_load``)
CURRENT_BUILD = "MATCH (:Maillage)-[:CURRENT]->(b:Build) RETURN coalesce(b.source, b.id) AS build"
#: seconds a look at the server's state (which build is current, whether it answers) may take
LOOK_TIMEOUT = 5.0
#: the driver's errors that say the server cannot answer now, rather than that the question is wrong
UNAVAILABLE = (neo4j.exceptions.ServiceUnavailable, neo4j.exceptions.SessionExpired, neo4j.exceptions.TransientError)


def unavailable(err: Exception) -> BackendUnavailable:
    """The French error for a driver's error of :data:`UNAVAILABLE`."""
    code = getattr(err, "code", None) or ""
    if "OutOfMemory" in code or "MemoryPool" in code:
        return BackendUnavailable("Neo4j manque de mémoire pour cette question : réessayez dans un instant.")
    return BackendUnavailable(f"Neo4j ne répond pas ({type(err).__name__}) : réessayez dans un instant.")


class Neo4jBackend:
    name = "neo4j"
    in_process = False

    def __init__(self, driver: neo4j.Driver, build: Path | None = None, loaded: str | None = None):
        self.driver = driver
        #: the build Neo4j held when this backend opened (its ``CURRENT``)
        self.loaded = loaded
        #: the embedded build folder Neo4j was loaded from, when it is still on disk: the tables the
        #: build wrote beside its store (the places' aliases) are read from it
        self.build = build
        # One session per thread (the HTTP service answers from a thread pool): an auto-commit run in
        # an open session is one round trip, where execute_query opens a managed transaction (measured:
        # 4.8 ms against 9.5 ms for RETURN 1).
        self._local = threading.local()
        self._sessions: list[neo4j.Session] = []

    def _session(self) -> neo4j.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = self.driver.session(default_access_mode=neo4j.READ_ACCESS)
            self._sessions.append(session)
        return session

    @classmethod
    def open(cls, settings: Settings) -> Neo4jBackend:
        driver = driver_for(settings)
        try:
            driver.verify_connectivity()
        except neo4j.exceptions.ServiceUnavailable as err:
            driver.close()
            raise StoreMissing(f"Neo4j injoignable à {settings.neo4j_uri} : {err}") from err
        backend = cls(driver)
        backend.loaded = backend._current()
        # The folder of the build Neo4j holds, while it is kept on disk (the live one or a previous one):
        # its tables and its embedded store answer beside Neo4j, for the same build.
        folder = settings.data_dir / "builds" / backend.loaded if backend.loaded else None
        if folder is not None and folder.is_dir():
            backend.build = folder
        elif (live := current_build(settings.data_dir)) is not None and live.name == backend.loaded:
            backend.build = live
        return backend

    def _current(self) -> str | None:
        found = self._session().run(neo4j.Query(CURRENT_BUILD, timeout=LOOK_TIMEOUT)).single()
        return found["build"] if found is not None else None

    def stale(self, data_dir: Path) -> bool:
        """Whether Neo4j's ``CURRENT`` is now another build (``maillage load-neo4j`` ran since)."""
        try:
            return self._current() != self.loaded
        except (*UNAVAILABLE, neo4j.exceptions.DriverError):
            return False  # unreachable: health says so; the build is looked at again later

    def ping(self) -> bool:
        """Whether the server answers a trivial question within :data:`LOOK_TIMEOUT` seconds."""
        try:
            self._session().run(neo4j.Query("RETURN 1", timeout=LOOK_TIMEOUT)).consume()
        except (*UNAVAILABLE, neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError):
            return False
        return True

    def run(self, query: str, **params: Any) -> list[Row]:
        try:
            result = self._session().run(stored(query, "cypher").text, params)
            return [{k: _plain(v) for k, v in record.items()} for record in result]
        except UNAVAILABLE as err:
            raise unavailable(err) from err

    def run_rows(self, query: str, rows: list[dict[str, Any]]) -> list[Row]:
        return [row for params in rows for row in self.run(query, **params)]

    def close(self) -> None:
        for session in self._sessions:
            session.close()
        self.driver.close()
