"""Seats near a commune, and seats as a map layer: where structures are, never what they cover.

``nearby`` is the "à proximité" section of who-covers: for each scheme type with seats, the nearest
seats to the commune, with their distance from the commune's centroid (great circle, km). It answers a
different question from who-covers (being seated near a commune says nothing of serving it) and is kept
apart from the coverage answer. Both read the session's ``seats`` index.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from core.namespaces import TYPE
from store.session import Session

from .catalogue import territory_communes
from .concepts import label_of, type_code
from .places import Place, resolve_commune

__all__ = ["NearbySeat", "NearbyGroup", "NearbyAnswer", "nearby", "seats_layer", "NEARBY_NOTE", "PER_TYPE", "NEAR_KM"]

PER_TYPE = 3
#: the default of the setting ``nearby_km``: farther, a seat is not "à proximité"
NEAR_KM = 100
NEARBY_NOTE = ("Sièges (où la structure est installée), pas des couvertures : un siège proche ne dit pas "
               "que la structure sert la commune.")


@dataclass(frozen=True)
class NearbySeat:
    id: str
    name: str
    commune: str
    commune_name: str
    distance_km: float
    #: "adresse" (the file's point) or "commune" (the seat's commune centroid)
    located: str
    instance_id: str | None
    source: str
    row: int


@dataclass(frozen=True)
class NearbyGroup:
    type: str
    type_label: str
    #: the nearest seats within the distance threshold (none: see ``farther``)
    seats: list[NearbySeat]
    #: what part of the world the seats' files hold (« échantillon FINESS : 30 entités juridiques… »)
    extent: list[str] = field(default_factory=list)
    #: the nearest seat beyond the threshold when none is within it: said, never shown as near
    farther: NearbySeat | None = None
    #: in French: why the group says what it says (a sample, nothing within the threshold)
    note: str | None = None


@dataclass
class NearbyAnswer:
    commune: Place
    note: str
    groups: list[NearbyGroup] = field(default_factory=list)
    #: the distance beyond which a seat is not "à proximité" (the setting ``nearby_km``)
    max_km: float = NEAR_KM


def _name(session: Session, code: str) -> str:
    row = session.places.get(code)
    return row["name"] if row else code


def nearby(session: Session, place: str, type: str | None = None, count: int = PER_TYPE,
           max_km: float = NEAR_KM) -> NearbyAnswer:
    """The ``count`` nearest seats of each type (or of ``type``) to the commune ``place``, within
    ``max_km`` (the setting ``nearby_km``); a type whose nearest seat is farther names it apart, and a
    group drawn from a sample says so."""
    commune = resolve_commune(session, place)
    wanted = type_code(session, type)
    index = session.seats
    point = index.centroid(commune.code) if index.seats else (0.0, 0.0)
    groups = []
    for kind in sorted(index.by_type):
        if wanted and kind != wanted:
            continue
        found = [(NearbySeat(s.id, s.name, s.commune, _name(session, s.commune), round(d, 1),
                             s.located, s.instance_id, s.source, s.row), s.extent)
                 for d, s in index.nearest(point, kind, count)]
        if not found:
            continue
        near = [seat for seat, _ in found if seat.distance_km <= max_km]
        extent = sorted({e for _, e in found if e})
        farther = None if near else found[0][0]
        notes = []
        if farther is not None:
            notes.append(f"Aucun siège de ce type à moins de {max_km:g} km (réglage nearby_km) dans les fichiers "
                         f"chargés : le plus proche connu est à {farther.distance_km:.0f} km ({farther.commune_name}), "
                         "ce n'est pas « à proximité ».")
        notes += [f"D'après un {e}." if e.startswith("échantillon") else f"D'après la {e}." for e in extent]
        groups.append(NearbyGroup(kind, label_of(session, TYPE[kind], kind), near, extent, farther, " ".join(notes)))
    note = (f"{NEARBY_NOTE} Au-delà de {max_km:g} km (réglage nearby_km), un siège n'est plus dit « à proximité ».")
    return NearbyAnswer(commune, note, groups, max_km)


def seats_layer(session: Session, kind: str, code: str, type: str | None = None) -> dict:
    """The seats inside a territory as a GeoJSON FeatureCollection of points."""
    wanted = type_code(session, type)
    inside = {c.code for c in territory_communes(session, kind, code)}
    features = [
        {"type": "Feature", "id": s.id,
         "geometry": {"type": "Point", "coordinates": [s.longitude, s.latitude]},
         "properties": {"id": s.id, "type": s.type, "type_label": label_of(session, TYPE[s.type], s.type),
                        "name": s.name, "commune": s.commune, "commune_name": _name(session, s.commune),
                        "located": s.located, "kind": s.kind, "finess": s.finess, "siret": s.siret,
                        "instance_id": s.instance_id, "source": s.source, "row": s.row}}
        for s in session.seats.seats
        if s.commune in inside and (not wanted or s.type == wanted) and s.longitude is not None
    ]
    extent = sorted({s.extent for s in session.seats.seats if s.extent and (not wanted or s.type == wanted)})
    return {"type": "FeatureCollection", "territory": f"{kind}:{code}", "note": NEARBY_NOTE, "extent": extent,
            "features": features}
