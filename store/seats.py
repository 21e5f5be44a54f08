"""The seats index: where each structure of a national file is, and where each commune is.

Read once per session from the named question ``seats`` (either backend) and the table of commune
centroids the build made from the outlines (``<data_dir>/cache/outlines-*/centroids.json``). A seat's
point is the one its file gives, or else its commune's centroid (``located`` says which).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from core.errors import OutlinesMissing
from core.namespaces import local

from .outlines import centroids

__all__ = ["SeatRecord", "SeatIndex", "distance_km"]

EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG)


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (longitude, latitude) points, in kilometres (haversine)."""
    lon1, lat1, lon2, lat2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


@dataclass(frozen=True)
class SeatRecord:
    id: str
    type: str
    name: str
    commune: str
    longitude: float | None
    latitude: float | None
    #: "adresse" when the file gives the point, "commune" when it is the commune's centroid
    located: str
    kind: str | None
    finess: str | None
    siret: str | None
    instance_id: str | None
    source: str
    row: int
    #: what part of the world its file holds (« échantillon FINESS : 30 entités juridiques… »)
    extent: str | None = None


class SeatIndex:
    """Every seat by type, and every commune's centroid."""

    def __init__(self, rows: list[dict], data_dir: Path | None):
        try:
            self.centroids = centroids(data_dir) if data_dir is not None else {}
        except OutlinesMissing:
            self.centroids = {}  # the seats are listed; distances need the build's centroids
        self.seats: list[SeatRecord] = []
        for r in sorted(rows, key=lambda r: r["key"]):
            point = (float(r["long"]), float(r["lat"])) if r.get("lat") is not None else self.centroids.get(r["commune"])
            self.seats.append(SeatRecord(
                id=r["key"], type=r["type"], name=r["name"], commune=r["commune"],
                longitude=point[0] if point else None, latitude=point[1] if point else None,
                located="adresse" if r.get("lat") is not None else "commune", kind=r.get("kind"),
                finess=r.get("finess"), siret=r.get("siret"),
                instance_id=local(r["instance"]) if r.get("instance") else None,
                source=local(r["source"]), row=r["row"], extent=r.get("extent")))
        self.by_type: dict[str, list[SeatRecord]] = {}
        for seat in self.seats:
            self.by_type.setdefault(seat.type, []).append(seat)

    def centroid(self, commune: str) -> tuple[float, float]:
        if not self.centroids:
            raise OutlinesMissing("Centres des communes pas encore calculés : lancez `maillage build`.")
        point = self.centroids.get(commune)
        if point is None:
            raise OutlinesMissing(f"La commune {commune} n'a pas de contour : distance aux sièges inconnue.")
        return point

    def nearest(self, point: tuple[float, float], type: str, count: int) -> list[tuple[float, SeatRecord]]:
        """The ``count`` seats of ``type`` closest to ``point``, with their distance in km."""
        placed = [(distance_km(point, (s.longitude, s.latitude)), s) for s in self.by_type.get(type, ())
                  if s.longitude is not None and s.latitude is not None]
        placed.sort(key=lambda pair: (pair[0], pair[1].id))
        return placed[:count]
