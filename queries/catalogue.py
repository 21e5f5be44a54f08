"""Finding places and territories by what a planner types, and listing what a territory holds.

Territories other than communes (EPCI, custom territories, départements, régions) come from the named
question ``territory_names``, read once per session like the communes' index (``places``). A code alone
never says its kind: "53" is both the département Mayenne and the région Bretagne, so every answer
carries its kind and ``kind=`` narrows the search.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.errors import InvalidQuery, NotFound
from core.namespaces import M, iri
from core.text import fold

from core.levels import LEVEL_ORDER
from store.session import Session

from .places import CODE, POSTCODE, Place, by_alias, by_postcode, closest

__all__ = ["PlaceMatch", "TerritoryInfo", "TerritoryRef", "CommuneRef", "SchemeType", "KINDS",
           "search_places", "territory", "territories_of_kind", "territory_communes", "scheme_types", "publics"]

KINDS = tuple(LEVEL_ORDER)  # commune, epci, territoire, departement, region


@dataclass(frozen=True)
class PlaceMatch:
    kind: str
    code: str
    name: str
    departement: str | None
    population: int | None
    #: "exact", "code postal", "autre nom" (arrondissement, commune déléguée or associée, former code),
    #: "début" (the name starts so), "approchant" (closest names) or "point" (a lat/lon lookup)
    match: str
    #: how the words were read, in French, when they do not name the commune itself
    note: str | None = None


@dataclass(frozen=True)
class TerritoryInfo:
    kind: str
    code: str
    name: str
    communes: int


@dataclass(frozen=True)
class TerritoryRef:
    kind: str
    code: str
    name: str


@dataclass(frozen=True)
class CommuneRef:
    code: str
    name: str


@dataclass(frozen=True)
class SchemeType:
    notation: str
    label: str
    iri: str
    broader: list[str]


def _check_kind(kind: str | None) -> None:
    if kind is not None and kind not in KINDS:
        raise InvalidQuery(f"Genre de territoire « {kind} » inconnu : {', '.join(KINDS)}.")


def search_places(session: Session, text: str, kind: str | None = None) -> list[PlaceMatch]:
    """Places whose code is ``text`` or whose name is, starts with or holds it as whole words (case and
    accents ignored: « Luchon » finds Bagnères-de-Luchon, « Gaudens » Saint-Gaudens).

    Exact codes and names come first; then the communes of a postcode and those an arrondissement, a
    commune déléguée or associée or a former code names (with a note saying so); then names that start
    with the text; then names holding it as whole words (``match``: ``mot``); larger communes first
    within each. When nothing matches, the closest commune
    names. ``kind`` restricts to one kind of territory.
    """
    _check_kind(kind)
    key = fold(text or "")
    if not key:
        raise InvalidQuery("Indiquez un nom ou un code à chercher.")
    found: list[tuple[int, int, PlaceMatch]] = []
    if kind in (None, "commune"):
        found += _commune_matches(session, text.strip(), key)
    for (level, code), name in session.territory_names.items():
        if kind not in (None, level):
            continue
        folded = fold(name)
        rank = 0 if key in (code.lower(), folded) else 2 if folded.startswith(key) else None
        if rank is not None:
            found.append((rank, 0, PlaceMatch(level, code, name, None, None, "exact" if rank == 0 else "début")))
    if not found and kind in (None, "commune"):
        return [PlaceMatch("commune", c.code, c.name, c.departement, c.population, "approchant")
                for c in closest(session.places, key)]
    found.sort(key=lambda f: (f[0], LEVEL_ORDER.index(f[2].kind), f[1], f[2].name, f[2].code))
    best: dict[tuple[str, str], PlaceMatch] = {}
    for _, _, match in found:  # the best match of each place, in order
        best.setdefault((match.kind, match.code), match)
    return list(best.values())


#: how a commune's name matched, by rank: the whole name or code, its start, a whole word of it
_MATCH = {0: "exact", 2: "début", 3: "mot"}


def _commune_matches(session: Session, text: str, key: str) -> list[tuple[int, int, PlaceMatch]]:
    index, aliases = session.places, session.aliases
    code_row = index.get(text.upper()) if CODE.match(text) else None
    rows = [(0, code_row)] if code_row else []
    rows += [(0, r) for r in index.named(key)]
    rows += [(2, r) for r in index.starting(key)]
    if len(key) >= 3:  # "de", "la": every other name
        rows += [(3, r) for r in index.with_words(key)]
    found = [(rank, -(r.get("population") or 0),
              PlaceMatch("commune", r["code"], r["name"], r["departement"], r.get("population"), _MATCH[rank]))
             for rank, r in rows]
    others: list[tuple[int, str, Place]] = []
    if CODE.match(text):
        others += [(1, "autre nom", p) for p in by_alias(session, aliases.by_code.get(text.upper(), []))]
    if POSTCODE.match(text):
        others += [(1, "code postal", p) for p in by_postcode(session, text)]
    others += [(1, "autre nom", p) for p in by_alias(session, aliases.by_key.get(key, []))]
    if len(key) >= 3:  # a prefix of two letters would list hundreds of former communes
        starting = [a for k, a_s in aliases.by_key.items() if k.startswith(key) and k != key for a in a_s]
        others += [(2, "début", p) for p in by_alias(session, starting)]
    found += [(rank, -(p.population or 0), PlaceMatch("commune", p.code, p.name, p.departement, p.population, match, p.note))
              for rank, match, p in others]
    return found


def _name(session: Session, kind: str, code: str) -> str:
    _check_kind(kind)
    if kind == "commune":
        row = session.places.get(code.upper())
        name = row["name"] if row else None
    else:
        name = session.territory_names.get((kind, code))
    if name is None:
        raise NotFound(f"Aucun territoire {kind} « {code} ».")
    return name


def territories_of_kind(session: Session, kind: str) -> list[TerritoryRef]:
    """Every territory of one kind other than communes (the map's list of départements), by code."""
    _check_kind(kind)
    if kind == "commune":
        raise InvalidQuery("La liste des communes est trop longue : cherchez-les (/v1/places) ou par territoire.")
    found = [TerritoryRef(k, code, name) for (k, code), name in session.territory_names.items() if k == kind]
    return sorted(found, key=lambda t: t.code)


def territory_communes(session: Session, kind: str, code: str) -> list[CommuneRef]:
    """The current communes inside the territory ``kind``/``code``, by code."""
    _name(session, kind, code)
    rows = session.run("communes_in_territory", territory=iri(kind, code.upper() if kind == "commune" else code))
    return sorted({CommuneRef(r["code"], r["name"]) for r in rows}, key=lambda c: c.code)


def territory(session: Session, kind: str, code: str) -> TerritoryInfo:
    name = _name(session, kind, code)
    return TerritoryInfo(kind, code, name, len(territory_communes(session, kind, code)))


def _scheme(session: Session, scheme: str) -> list[SchemeType]:
    found = [
        SchemeType(c["notation"], c["label"], uri, sorted(session.concepts[b]["notation"] for b in c["broader"]))
        for uri, c in session.concepts.items()
        if c["scheme"] == scheme
    ]
    return sorted(found, key=lambda t: t.notation)


def scheme_types(session: Session) -> list[SchemeType]:
    """The SKOS scheme of scheme types (DAC, ILC, CPTS…), with French labels."""
    return _scheme(session, M.SchemeTypes)


def publics(session: Session) -> list[SchemeType]:
    """The SKOS scheme of publics (enfants, personnes-sans-domicile ⊂ personnes-precaires…)."""
    return _scheme(session, M.Publics)
