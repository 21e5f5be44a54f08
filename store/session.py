"""One session per opened backend: the backend, and the indexes a build never changes, each read once.

Every question starts by resolving a place or a concept, and a server asks thousands of times against a
build that never changes. The session owns those indexes, declares them here (``INDEXES``), reads each
on first use through parameterless named questions (so from either backend), and warms them all in one
call for a long-lived process. Nothing else sets state on a backend.

| index | what | from |
|---|---|---|
| ``places`` | every commune by INSEE code, folded name or prefix | ``places.sqlite`` of the build, else ``place_names`` |
| ``aliases`` | postcodes, arrondissements municipaux, communes déléguées and associées, former codes | ``<build>/place-aliases.json`` (``aliases`` module) |
| ``arrondissements`` | the 45 arrondissements municipaux by code: name, population, commune | ``arrondissement_table`` |
| ``territory_names`` | every other territory (EPCI, custom, département, région) by (level, code) | ``territory_names`` |
| ``concepts`` | every SKOS concept: notation, label, scheme, broader | ``concepts`` |
| ``freshness`` | each type's freshness window (``None``: the default) | ``freshness`` |
| ``coverage_index`` | for each commune, the coverages reaching it and through which member | ``coverage_index`` module |
| ``tables`` | the plain tables the analyses read | ``tables`` module |
| ``seats`` | the seats of the national files by type, and every commune's centroid | ``seats`` + the build's centroid table |

``served_publics(iri)`` is memoised per session too; ``surveys_of(code)`` says where the registry has
looked at a commune (from the tables in a long-lived session, from ``commune_surveys`` otherwise).
"""

from __future__ import annotations

import datetime as dt
import gc
from functools import cached_property
from pathlib import Path
from typing import Any

from core import rules
from core.levels import LEVELS
from core.namespaces import iri, local

from core.settings import Settings

from .backend import Backend, Row, connect
from .places import FILE as PLACES_FILE
from .places import PlaceTable

__all__ = ["Session", "INDEXES", "open_backend"]

#: the indexes a session declares, in the order a long-lived process warms them
INDEXES = ("places", "aliases", "arrondissements", "territory_names", "concepts", "freshness", "coverage_index", "tables", "seats")


class Session:
    """An opened backend (``run``, ``run_rows``, ``close`` pass through) and its declared indexes."""

    def __init__(self, backend: Backend, long_lived: bool = False, data_dir: Path | None = None):
        self.backend = backend
        #: where the build's tables beside the store live (the communes' centroids)
        self.data_dir = data_dir
        self.name = backend.name
        #: a server answers from the indexes; a one-shot command asks the named questions
        self.long_lived = long_lived
        self._served: dict[str | None, frozenset[str] | None] = {}

    @property
    def build(self) -> Path | None:
        return getattr(self.backend, "build", None)

    def run(self, query: str, **params: Any) -> list[Row]:
        return self.backend.run(query, **params)

    def run_rows(self, query: str, rows: list[dict[str, Any]]) -> list[Row]:
        return self.backend.run_rows(query, rows)

    def close(self) -> None:
        self.backend.close()

    def ping(self) -> bool:
        """Whether the backend answers now (see the backends' ``ping``)."""
        return self.backend.ping()

    def stale(self, data_dir: Path) -> bool:
        """Whether another build was published since this session opened (by this process or another)."""
        return self.backend.stale(data_dir)

    # --- the declared indexes ----------------------------------------------------------------------

    @cached_property
    def places(self) -> PlaceTable:
        made = self.build / "results" / PLACES_FILE if self.build is not None else None
        if made is not None and made.is_file():
            return PlaceTable.open(made)
        return PlaceTable.from_rows(self.run("place_names"))

    @cached_property
    def aliases(self):
        from .aliases import read_aliases

        return read_aliases(self.build)

    @cached_property
    def arrondissements(self) -> dict[str, dict]:
        """Code → the arrondissement municipal (name, population, commune, communeName, departement,
        departementName): a part of Paris, Lyon or Marseille a coverage may name (decision 0142)."""
        return {r["code"]: r for r in self.run("arrondissement_table")}

    def commune_of(self, code: str) -> str:
        """The commune a place code lies in: an arrondissement's commune, else the code itself."""
        part = self.arrondissements.get(code)
        return part["commune"] if part is not None else code

    @cached_property
    def territory_names(self) -> dict[tuple[str, str], str]:
        """(level, code) → name of every territory other than a commune."""
        return {(LEVELS[r["level"]][0], local(r["territory"])): r["name"] for r in self.run("territory_names")}

    @cached_property
    def concepts(self) -> dict[str, dict]:
        """IRI → notation, label, scheme and broader concepts of every SKOS concept."""
        found: dict[str, dict] = {}
        for row in self.run("concepts"):
            entry = found.setdefault(row["concept"], {"notation": row["notation"], "label": row["label"],
                                                      "scheme": row["scheme"], "broader": set()})
            if row.get("broader"):
                entry["broader"].add(row["broader"])
        return found

    @cached_property
    def freshness(self) -> dict[str | None, str]:
        """Type notation (None: the default) → its freshness window, an ISO 8601 duration."""
        windows: dict[str | None, str] = {None: "P2Y"}
        windows.update({r["type"]: r["window"] for r in self.run("freshness")})
        return windows

    def surveys_of(self, code: str) -> list[tuple[str | None, dt.date]]:
        """(type or None for every type, as-of date) of each survey or inventory containing a commune
        (an arrondissement: its commune's; the registry looks at communes and larger territories)."""
        code = self.commune_of(code)
        if self.long_lived:
            return self.tables.looked_at(code)
        return [(r["type"], r["asOf"]) for r in self.run("commune_surveys", commune=iri("commune", code))]

    @cached_property
    def coverage_index(self):
        from .coverage_index import CoverageIndex

        return CoverageIndex(self)

    @cached_property
    def tables(self):
        from .tables import load_tables

        return load_tables(self)

    @cached_property
    def seats(self):
        from .seats import SeatIndex

        return SeatIndex(self.run("seats"), self.data_dir)

    def served_publics(self, public_iri: str | None) -> frozenset[str] | None:
        """:func:`core.rules.served_publics` over this build's concepts, memoised."""
        if public_iri not in self._served:
            self._served[public_iri] = rules.served_publics(self.concepts, public_iri)
        return self._served[public_iri]

    @property
    def answers_from_memory(self) -> bool:
        """Whether the coverage question reads the index (no I/O) rather than running the named question."""
        return self.long_lived

    def warm(self) -> Session:
        """Read every declared index now (a server, at start and after each new build)."""
        for name in INDEXES:
            getattr(self, name)
        # The indexes are long-lived objects (127,000 on the national build): a full collection walked
        # them all, a 50 ms pause for every request in flight; frozen, they are out of its sight.
        gc.freeze()
        return self


def open_backend(settings: Settings, long_lived: bool = False) -> Session:
    """A session on the backend the settings name; ``long_lived`` (a server) answers from the indexes and
    may trade start time for speed (the embedded store copied into memory)."""
    return Session(connect(settings, long_lived=long_lived), long_lived=long_lived, data_dir=settings.data_dir)
