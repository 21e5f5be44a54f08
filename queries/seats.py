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

__all__ = ["NearbySeat", "NearbyGroup", "NearbyAnswer", "nearby", "seats_layer", "NEARBY_NOTE", "PER_TYPE"]

PER_TYPE = 3
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
    seats: list[NearbySeat]


@dataclass
class NearbyAnswer:
    commune: Place
    note: str
    groups: list[NearbyGroup] = field(default_factory=list)


def _name(session: Session, code: str) -> str:
    row = session.places.get(code)
    return row["name"] if row else code


def nearby(session: Session, place: str, type: str | None = None, count: int = PER_TYPE) -> NearbyAnswer:
    """The ``count`` nearest seats of each type (or of ``type``) to the commune ``place``."""
    commune = resolve_commune(session, place)
    wanted = type_code(session, type)
    index = session.seats
    point = index.centroid(commune.code) if index.seats else (0.0, 0.0)
    groups = []
    for kind in sorted(index.by_type):
        if wanted and kind != wanted:
            continue
        found = [NearbySeat(s.id, s.name, s.commune, _name(session, s.commune), round(d, 1),
                            s.located, s.instance_id, s.source, s.row)
                 for d, s in index.nearest(point, kind, count)]
        if found:
            groups.append(NearbyGroup(kind, label_of(session, TYPE[kind], kind), found))
    return NearbyAnswer(commune, NEARBY_NOTE, groups)


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
    return {"type": "FeatureCollection", "territory": f"{kind}:{code}", "note": NEARBY_NOTE, "features": features}
