"""From what a planner types to one commune: the one place resolver of the CLI, the API and the map.

A planner types an INSEE code, a name (any case and accents), a postcode, an arrondissement municipal
(``75115``, "Paris 15e Arrondissement"), a commune déléguée or associée, or a former INSEE code of a
merged commune; or the map gives a point (``lat``/``lon``). Each resolves to a current commune: the
place schemes cover. When the words did not name the commune itself, the answer's ``note`` says in
French how they were read ("Paris 15e Arrondissement, arrondissement municipal de Paris").

An arrondissement municipal is a territory of its own (decision 0142): :func:`resolve_place` (who covers,
the territories of a place) answers ``13214`` or « Marseille 14e » with the arrondissement itself (an
:class:`ArrondissementPlace`); :func:`resolve_commune` (what needs a commune: seats nearby, a commune's
outline) still reads it as its commune, with the note.

Order, for a five-digit code: a current commune's INSEE code, then the code of an arrondissement,
commune déléguée or associée or a former code, then a postcode (several communes share one: the
answer lists them, larger first). For a name: a current commune's name, then an arrondissement's or a
commune déléguée's or associée's. Homonyms raise :class:`AmbiguousPlace` with the list to choose from;
unknown names raise :class:`PlaceNotFound` with the closest names (rapidfuzz over the folded names).

The session's ``places`` index (``store.places``) holds every commune by code, folded name and
prefix, its ``aliases`` index the
other names (``store.aliases``, written by the build from the geography package).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from core.errors import AmbiguousPlace, InvalidQuery, NotFound, OutlinesMissing, PlaceCandidate, PlaceNotFound
from core.namespaces import iri
from core.text import fold
from store.aliases import Alias
from store.outlines import folder_for
from store.places import PlaceTable
from store.session import Session

__all__ = ["resolve_commune", "resolve_place", "ArrondissementPlace", "arrondissement_named", "named_as_is", "Place", "closest", "commune_iri", "CODE", "POSTCODE", "by_postcode",
           "by_alias", "alias_note", "commune_at", "resolve_point"]

Place = PlaceCandidate
CODE = re.compile(r"^(?:[0-9]{5}|2[AB][0-9]{3})$", re.IGNORECASE)
POSTCODE = re.compile(r"^[0-9]{5}$")
SUGGESTIONS = 5


@dataclass(frozen=True)
class ArrondissementPlace(PlaceCandidate):
    """An arrondissement municipal asked as a place: its own coverages and its commune's reach it."""

    level: str = "arrondissement"
    #: the commune it is a part of (code, name)
    commune: str = ""
    commune_name: str = ""


def _arrondissement(session: Session, code: str) -> ArrondissementPlace | None:
    part = session.arrondissements.get(code)
    if part is None:
        return None
    return ArrondissementPlace(code=code, name=part["name"], departement=part["departementName"],
                               population=part["population"], note=f"arrondissement municipal {_of(part['communeName'])}",
                               commune=part["commune"], commune_name=part["communeName"])


def _short(name: str) -> str:
    """« marseille 14e arrondissement » → « marseille 14e »: how a planner writes it."""
    key = fold(name)
    return key.removesuffix(" arrondissement")


def arrondissement_named(session: Session, text: str) -> ArrondissementPlace | None:
    """The arrondissement municipal ``text`` names (``13214``, « Marseille 14e Arrondissement »,
    « Marseille 14e »), or None."""
    text = (text or "").strip()
    if CODE.match(text):
        return _arrondissement(session, text.upper())
    key = _short(text)
    code = next((c for c, r in session.arrondissements.items() if _short(r["name"]) == key), None)
    return _arrondissement(session, code) if code else None


def resolve_place(session: Session, text: str) -> Place:
    """The one place ``text`` names: a current commune, or an arrondissement municipal of Paris, Lyon or
    Marseille as itself (a commune's own name or code comes first)."""
    stripped = (text or "").strip()
    if stripped and not session.places.named(fold(stripped)) and (CODE.match(stripped) is None
                                                                    or session.places.get(stripped.upper()) is None):
        if (part := arrondissement_named(session, stripped)) is not None:
            return part
    return resolve_commune(session, text)


def _candidate(row: dict, note: str | None = None) -> Place:
    return Place(code=row["code"], name=row["name"], departement=row["departement"], population=row.get("population"),
                 note=note)


def _of(name: str, word: str = "de") -> str:
    """"de Paris", "d'Arboys en Bugey", "du Mans": French elision and contraction before a name."""
    contracted = {"de": {"Le ": "du ", "Les ": "des "}, "à": {"Le ": "au ", "Les ": "aux "}}[word]
    for article, joined in contracted.items():
        if name.startswith(article):
            return joined + name[len(article):]
    if word == "de" and fold(name[:1]) in tuple("aeiouyh"):
        return "d'" + name
    return f"{word} {name}"


def alias_note(alias: Alias, commune: str) -> str:
    """How the alias names the current commune, in French."""
    if alias.kind == "arrondissement-municipal":
        return f"{alias.name}, arrondissement municipal {_of(commune)}"
    if alias.kind == "commune-deleguee":
        return f"{alias.name}, commune déléguée {_of(commune)}"
    if alias.kind == "commune-associee":
        return f"{alias.name}, commune associée {_of(commune, 'à')}"
    return f"{alias.code}, ancien code INSEE d'une commune fusionnée dans {commune}"


def by_alias(session: Session, aliases: list[Alias]) -> list[Place]:
    """The current communes ``aliases`` name, each with its note, larger first."""
    found: dict[str, Place] = {}
    for alias in aliases:
        row = session.places.get(alias.commune)
        if row is not None and alias.commune not in found:
            found[alias.commune] = _candidate(row, alias_note(alias, row["name"]))
    return sorted(found.values(), key=lambda c: (-(c.population or 0), c.code))


def by_postcode(session: Session, postcode: str) -> list[Place]:
    """The communes of a postcode, larger first."""
    rows = [session.places.get(c) for c in session.aliases.postcodes.get(postcode, ())]
    found = [_candidate(r, f"code postal {postcode}") for r in rows if r is not None]
    return sorted(found, key=lambda c: (-(c.population or 0), c.code))


def _one(text: str, found: list[Place], reason: str) -> Place:
    if len(found) == 1:
        return found[0]
    raise AmbiguousPlace(text, found, reason)


def resolve_commune(session: Session, text: str) -> Place:
    """The one current commune ``text`` names."""
    text = (text or "").strip()
    if not text:
        raise InvalidQuery("Indiquez une commune : un nom, un code INSEE ou un code postal.")
    index = session.places
    if CODE.match(text):
        code = text.upper()
        if (row := index.get(code)) is not None:
            return _candidate(row)
        if aliases := by_alias(session, session.aliases.by_code.get(code, [])):
            return _one(text, aliases, f"ont eu le code « {text} »")
        if postcode := by_postcode(session, code):
            return _one(text, postcode, f"ont le code postal « {text} »")
        raise PlaceNotFound(text, [])
    key = fold(text)
    rows = index.named(key)
    if len(rows) == 1:
        return _candidate(rows[0])
    if rows:
        raise AmbiguousPlace(text, sorted((_candidate(r) for r in rows), key=lambda c: (-(c.population or 0), c.code)))
    if aliases := by_alias(session, session.aliases.by_key.get(key, [])):
        return _one(text, aliases, f"comptent une commune déléguée, associée ou un arrondissement « {text} »")
    if len(key) >= 3 and (words := index.with_words(key)):
        note = f"« {text} » est un mot du nom de la commune"
        return _one(text, [_candidate(r, note) for r in words], f"ont « {text} » dans leur nom")
    raise PlaceNotFound(text, closest(index, key))


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
    """The IRI of the place: a commune's, or an arrondissement municipal's."""
    return iri(getattr(place, "level", "commune"), place.code)


# --- a point on the map → the commune whose outline holds it ------------------------------------

_tree_lock = threading.Lock()


@lru_cache(maxsize=2)
def _outline_tree(folder: Path):
    """Every commune outline of the folder in one spatial index, read once per outlines version (a few
    seconds: GEOS parses the GeoJSON, the outlines' ids come from orjson)."""
    import orjson
    import shapely

    codes, shapes = [], []
    for path in sorted(folder.glob("*.geojson")):
        raw = path.read_bytes()
        codes += [f["id"] for f in orjson.loads(raw)["features"]]
        shapes += list(shapely.get_parts(shapely.from_geojson(raw)))
    return codes, shapely.STRtree(shapes), shapes


def commune_at(data_dir: Path, lat: float, lon: float) -> str | None:
    """The INSEE code of the commune whose (simplified) outline contains the point, or None."""
    from shapely.geometry import Point

    folder = folder_for(data_dir)
    if folder is None or not (folder / "source.json").exists():
        raise OutlinesMissing("Contours des communes pas encore préparés : lancez `maillage build`.")
    with _tree_lock:
        codes, tree, shapes = _outline_tree(folder)
    point = Point(lon, lat)
    hits = [i for i in tree.query(point) if shapes[i].covers(point)]
    if not hits:  # outlines are simplified (about 100 m): a point on a border may fall between two
        near = tree.query_nearest(point, max_distance=0.002)
        hits = list(near)
    return codes[min(hits)] if hits else None


def resolve_point(session: Session, data_dir: Path, lat: float, lon: float) -> Place:
    """The current commune at latitude ``lat``, longitude ``lon`` (WGS 84, degrees)."""
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise InvalidQuery(f"Point ({lat}, {lon}) invalide : latitude entre -90 et 90, longitude entre -180 et 180.")
    code = commune_at(data_dir, lat, lon)
    row = session.places.get(code) if code else None
    if row is None:
        raise NotFound(f"Aucune commune au point ({lat}, {lon}) : hors de France, en mer, ou sans contour connu.")
    return _candidate(row, f"point {lat:.5f}, {lon:.5f}")
