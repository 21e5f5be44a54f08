"""From what a planner types to one commune: an INSEE code, or a name with any case and accents.

Homonyms raise :class:`AmbiguousPlace` with the list to choose from; unknown names raise
:class:`PlaceNotFound` with the closest names (rapidfuzz over the folded names of every commune).

The named question ``place_names`` is read once per backend into an index by code and by folded name
(35,000 communes, a fraction of a second): the place table does not change within a build, and every
question starts by resolving a place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from maillage.errors import AmbiguousPlace, InvalidQuery, PlaceCandidate, PlaceNotFound
from maillage.namespaces import iri
from maillage.text import fold

from .backend import Backend

__all__ = ["resolve_commune", "Place", "PlaceIndex", "place_index", "closest", "commune_iri", "CODE"]

Place = PlaceCandidate
CODE = re.compile(r"^(?:[0-9]{5}|2[AB][0-9]{3})$", re.IGNORECASE)
SUGGESTIONS = 5


def _candidate(row: dict) -> Place:
    return Place(code=row["code"], name=row["name"], departement=row["departement"], population=row.get("population"))


@dataclass(frozen=True)
class PlaceIndex:
    by_code: dict[str, dict]
    by_key: dict[str, list[dict]]


def place_index(backend: Backend) -> PlaceIndex:
    index = getattr(backend, "_place_index", None)
    if index is None:
        by_code: dict[str, dict] = {}
        by_key: dict[str, list[dict]] = {}
        for row in backend.run("place_names"):
            by_code[row["code"]] = row
            by_key.setdefault(row["key"], []).append(row)
        index = backend._place_index = PlaceIndex(by_code, by_key)  # type: ignore[attr-defined]
    return index


def resolve_commune(backend: Backend, text: str) -> Place:
    """The one current commune ``text`` names."""
    text = (text or "").strip()
    if not text:
        raise InvalidQuery("Indiquez une commune : un nom ou un code INSEE.")
    index = place_index(backend)
    if CODE.match(text):
        row = index.by_code.get(text.upper())
        if row is None:
            raise PlaceNotFound(text, [])
        return _candidate(row)
    rows = index.by_key.get(fold(text), [])
    if len(rows) == 1:
        return _candidate(rows[0])
    if rows:
        raise AmbiguousPlace(text, sorted((_candidate(r) for r in rows), key=lambda c: (-(c.population or 0), c.code)))
    raise PlaceNotFound(text, closest(index, fold(text)))


def closest(index: PlaceIndex, key: str) -> list[Place]:
    matches = process.extract(key, list(index.by_key), scorer=fuzz.ratio, limit=SUGGESTIONS * 3)
    found: list[Place] = []
    for name, _score, _ in matches:
        for row in index.by_key[name]:
            if len(found) < SUGGESTIONS:
                found.append(_candidate(row))
    return found


def commune_iri(place: Place) -> str:
    return iri("commune", place.code)
