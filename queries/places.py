"""From what a planner types to one commune: an INSEE code, or a name with any case and accents.

Homonyms raise :class:`AmbiguousPlace` with the list to choose from; unknown names raise
:class:`PlaceNotFound` with the closest names (rapidfuzz over the folded names of every commune).

The session's ``places`` index (``maillage.store.session``) holds every commune by code and by folded
name: the place table does not change within a build, and every question starts by resolving a place.
"""

from __future__ import annotations

import re

from maillage.core.errors import AmbiguousPlace, InvalidQuery, PlaceCandidate, PlaceNotFound
from maillage.core.namespaces import iri
from maillage.core.text import fold

from maillage.store.places import PlaceTable
from maillage.store.session import Session

__all__ = ["resolve_commune", "named_as_is", "Place", "closest", "commune_iri", "CODE"]

Place = PlaceCandidate
CODE = re.compile(r"^(?:[0-9]{5}|2[AB][0-9]{3})$", re.IGNORECASE)
SUGGESTIONS = 5


def _candidate(row: dict) -> Place:
    return Place(code=row["code"], name=row["name"], departement=row["departement"], population=row.get("population"))


def resolve_commune(session: Session, text: str) -> Place:
    """The one current commune ``text`` names."""
    text = (text or "").strip()
    if not text:
        raise InvalidQuery("Indiquez une commune : un nom ou un code INSEE.")
    index = session.places
    if CODE.match(text):
        row = index.get(text.upper())
        if row is None:
            raise PlaceNotFound(text, [])
        return _candidate(row)
    rows = index.named(fold(text))
    if len(rows) == 1:
        return _candidate(rows[0])
    if rows:
        raise AmbiguousPlace(text, sorted((_candidate(r) for r in rows), key=lambda c: (-(c.population or 0), c.code)))
    raise PlaceNotFound(text, closest(index, fold(text)))


def named_as_is(session: Session, text: str) -> bool:
    """Whether ``text`` is a code or a name the index holds: :func:`resolve_commune` then answers at
    once (one lookup), where an unknown name costs a fuzzy search of every name for its suggestions."""
    text = (text or "").strip()
    return bool(CODE.match(text)) or bool(session.places.named(fold(text)))


def closest(index: PlaceTable, key: str) -> list[Place]:
    from rapidfuzz import fuzz, process  # only a name that matches nothing needs it

    matches = process.extract(key, index.keys(), scorer=fuzz.ratio, limit=SUGGESTIONS * 3)
    found: list[Place] = []
    for name, _score, _ in matches:
        for row in index.named(name):
            if len(found) < SUGGESTIONS:
                found.append(_candidate(row))
    return found


def commune_iri(place: Place) -> str:
    return iri("commune", place.code)
