"""Named, stored questions: one file per question and language, in the ``queries/`` room.

``who_covers.rq`` and ``who_covers.cypher`` are the two definitions of the question "who_covers"; a
parity test holds their answers equal. The files are data of the queries room, found through its
package location without importing it: the store runs them, the queries room asks them.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from functools import cache
from pathlib import Path

__all__ = ["StoredQuery", "stored", "QUESTIONS"]

LANGUAGES = {"sparql": ".rq", "cypher": ".cypher"}


def _folder() -> Path:
    spec = importlib.util.find_spec("queries")  # locates the room without importing it
    assert spec is not None and spec.submodule_search_locations
    return Path(next(iter(spec.submodule_search_locations)))


QUESTIONS = _folder()


@dataclass(frozen=True)
class StoredQuery:
    name: str
    language: str
    text: str


@cache
def stored(name: str, language: str) -> StoredQuery:
    path = QUESTIONS / f"{name}{LANGUAGES[language]}"
    return StoredQuery(name, language, path.read_text(encoding="utf-8"))
