"""The interface every store answers through, and the choice of one from the settings.

Callers open a :class:`~store.session.Session` (``open_backend``), which wraps the backend
:func:`connect` returns and owns its indexes.

A backend runs a named question with bound parameters and returns rows of plain Python values
(str, int, datetime.date, or None): the callers never see rdflib, pyoxigraph or neo4j objects, so the
same code answers from the embedded store and from Neo4j.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from core.settings import Settings

__all__ = ["Backend", "Row", "connect"]

Row = dict[str, Any]


class Backend(Protocol):
    name: str
    #: whether the store lives in this process (asking it never waits for a network or another process)
    in_process: bool

    def run(self, query: str, **params: Any) -> list[Row]:
        """Run the named question ``query`` with ``params`` bound; IRIs are passed and returned as str."""

    def run_rows(self, query: str, rows: list[dict[str, Any]]) -> list[Row]:
        """Run the named question once per row of parameters, in one round trip."""

    def ping(self) -> bool:
        """Whether the store answers now (quickly: a trivial question with a short time limit)."""

    def stale(self, data_dir: Path) -> bool:
        """Whether another build was published since this backend opened (a server then reopens)."""

    def close(self) -> None: ...


def connect(settings: Settings, long_lived: bool = False) -> Backend:
    """The backend the settings name; ``long_lived`` (a server) may trade start time for speed."""
    if settings.backend == "embedded":
        from .embedded import EmbeddedBackend

        in_memory = {"yes": True, "no": False}.get(settings.store_in_memory, long_lived)
        return EmbeddedBackend.open(settings.data_dir, in_memory=in_memory)
    if settings.backend == "neo4j":
        from .neo4j import Neo4jBackend

        return Neo4jBackend.open(settings)
    raise ValueError(f"backend inconnu « {settings.backend} » (embedded ou neo4j)")
