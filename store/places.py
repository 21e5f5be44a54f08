"""The communes' names, as one table a command opens in a millisecond: by code, by folded name, by prefix,
by whole words.

Every question starts by resolving a place among 34,969 communes. Reading the whole name list and
building dictionaries costs a one-shot command about 0.3 s; the publish step therefore writes the table
once per build as SQLite (``<build>/results/places.sqlite``, indexed by code and folded name), and a
command looks one name up. A backend without a build folder (Neo4j) or an older build gets the same
table in memory from the named question ``place_names``.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable
from pathlib import Path

from core import atomic

__all__ = ["PlaceTable", "FILE"]

FILE = "places.sqlite"
COLUMNS = ("code", "name", "departement", "population", "key")
_SCHEMA = ("CREATE TABLE place (code TEXT PRIMARY KEY, name TEXT, departement TEXT, population INTEGER, key TEXT)",
           "CREATE INDEX place_key ON place (key)")


class PlaceTable:
    """Lookups in the communes' names; rows are dicts with :data:`COLUMNS` as keys."""

    def __init__(self, connection: sqlite3.Connection):
        self._db = connection
        self._lock = threading.Lock()  # one connection shared by a server's threads
        self._keys: list[str] | None = None

    @classmethod
    def from_rows(cls, rows: Iterable[dict]) -> PlaceTable:
        return cls(_filled(sqlite3.connect(":memory:", check_same_thread=False), rows))

    @classmethod
    def open(cls, path: Path) -> PlaceTable:
        return cls(sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True, check_same_thread=False))

    @staticmethod
    def write(path: Path, rows: Iterable[dict]) -> None:
        """Write the table of ``rows`` (``place_names``) to ``path`` (the publish step)."""
        with atomic.replacing(path) as tmp:
            _filled(sqlite3.connect(tmp), rows).close()

    def _select(self, where: str, *params) -> list[dict]:
        with self._lock:
            found = self._db.execute(f"SELECT {', '.join(COLUMNS)} FROM place WHERE {where}", params).fetchall()
        return [dict(zip(COLUMNS, row)) for row in found]

    def get(self, code: str) -> dict | None:
        found = self._select("code = ?", code)
        return found[0] if found else None

    def named(self, key: str) -> list[dict]:
        """The communes whose folded name is ``key`` (homonyms: several)."""
        return self._select("key = ? ORDER BY code", key)

    def starting(self, prefix: str) -> list[dict]:
        """The communes whose folded name starts with ``prefix`` and is longer."""
        return self._select("key > ? AND key < ? ORDER BY key, code", prefix, prefix + "\U0010ffff")

    def with_words(self, words: str) -> list[dict]:
        """The communes whose folded name holds ``words`` (folded) as whole words, without being it:
        « luchon » finds « bagneres de luchon », « gaudens » « saint gaudens »; larger communes first.
        A folded name holds only letters, digits and single spaces, so ``words`` has no LIKE wildcard."""
        return self._select("' ' || key || ' ' LIKE ? AND key != ? ORDER BY population DESC, code",
                            f"% {words} %", words)

    def keys(self) -> list[str]:
        """Every distinct folded name (for the closest names to an unknown one), read once."""
        if self._keys is None:
            with self._lock:
                self._keys = [k for (k,) in self._db.execute("SELECT DISTINCT key FROM place ORDER BY key")]
        return self._keys

    def codes(self) -> list[str]:
        with self._lock:
            return [c for (c,) in self._db.execute("SELECT code FROM place ORDER BY code")]


def _filled(connection: sqlite3.Connection, rows: Iterable[dict]) -> sqlite3.Connection:
    for statement in _SCHEMA:
        connection.execute(statement)
    connection.executemany("INSERT INTO place VALUES (?, ?, ?, ?, ?)", ([r.get(c) for c in COLUMNS] for r in rows))
    connection.commit()
    return connection
