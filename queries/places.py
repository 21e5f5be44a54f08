"""From what a planner types to one commune: an INSEE code, or a name with any case and accents.

Homonyms raise :class:`AmbiguousPlace` with the list to choose from; unknown names raise
:class:`PlaceNotFound` with the closest names (rapidfuzz over the folded names of every commune).
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz, process

from maillage.errors import AmbiguousPlace, InvalidQuery, PlaceCandidate, PlaceNotFound
from maillage.namespaces import iri
from maillage.text import fold

from .backend import Backend

__all__ = ["resolve_commune", "Place"]

Place = PlaceCandidate
CODE = re.compile(r"^(?:[0-9]{5}|2[AB][0-9]{3})$", re.IGNORECASE)
SUGGESTIONS = 5


def _candidate(row: dict, code: str | None = None) -> Place:
    return Place(code=code or row["code"], name=row["name"], departement=row["departement"], population=row.get("population"))


def resolve_commune(backend: Backend, text: str) -> Place:
    """The one current commune ``text`` names."""
    text = (text or "").strip()
    if not text:
        raise InvalidQuery("Indiquez une commune : un nom ou un code INSEE.")
    if CODE.match(text):
        code = text.upper()
        rows = backend.run("place_by_code", code=code)
        if rows:
            return _candidate(rows[0], code)
        raise PlaceNotFound(text, [])
    rows = backend.run("place_by_name", key=fold(text))
    if len(rows) == 1:
        return _candidate(rows[0])
    if rows:
        candidates = sorted((_candidate(r) for r in rows), key=lambda c: (-(c.population or 0), c.code))
        raise AmbiguousPlace(text, candidates)
    raise PlaceNotFound(text, _closest(backend, fold(text)))


def _closest(backend: Backend, key: str) -> list[Place]:
    names = _all_names(backend)
    matches = process.extract(key, list(names), scorer=fuzz.ratio, limit=SUGGESTIONS * 3)
    seen: list[Place] = []
    for found, _score, _ in matches:
        for row in names[found]:
            if len(seen) < SUGGESTIONS:
                seen.append(_candidate(row))
    return seen


def _all_names(backend: Backend) -> dict[str, list[dict]]:
    # Read once per backend: 35,000 names are needed only when a name is not found.
    cached = getattr(backend, "_place_names", None)
    if cached is None:
        cached = {}
        for row in backend.run("place_names"):
            cached.setdefault(row["key"], []).append(row)
        backend._place_names = cached  # type: ignore[attr-defined]
    return cached


def commune_iri(place: Place) -> str:
    return iri("commune", place.code)
