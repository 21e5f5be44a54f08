"""Named, stored questions: one file per question and language, beside this module.

``who_covers.rq`` and ``who_covers.cypher`` are the two definitions of the question "who_covers";
a parity test holds their answers equal.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

__all__ = ["StoredQuery", "stored"]

HERE = Path(__file__).resolve().parent
LANGUAGES = {"sparql": ".rq", "cypher": ".cypher"}


@dataclass(frozen=True)
class StoredQuery:
    name: str
    language: str
    text: str


@cache
def stored(name: str, language: str) -> StoredQuery:
    path = HERE / f"{name}{LANGUAGES[language]}"
    return StoredQuery(name, language, path.read_text(encoding="utf-8"))
