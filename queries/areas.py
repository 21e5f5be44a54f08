"""Coverage areas as polygons: each coverage of an instance drawn from its communes' outlines.

A coverage names a territory; its area is the union of the outlines of the communes inside it. The
outlines are not merged (that needs a geometry engine): each coverage is one Feature whose MultiPolygon
holds its communes' polygons, which GIS tools and web maps draw as one area.
"""

from __future__ import annotations

import json
from pathlib import Path

from core import jsonable
from store.outlines import departement_of, departement_outlines

from store.session import Session
from .catalogue import territory_communes
from .instances import instance_detail

__all__ = ["instance_areas"]


def instance_areas(session: Session, data_dir: Path, instance_id: str) -> dict:
    """A GeoJSON FeatureCollection: one Feature per coverage of the instance, with its ages and period."""
    detail = instance_detail(session, instance_id)
    outlines: dict[str, dict[str, dict]] = {}
    features, missing, source = [], [], None
    for area in detail.coverages:
        polygons = []
        for commune in territory_communes(session, area.level, area.territory):
            departement = departement_of(commune.code)
            if departement not in outlines:
                raw = departement_outlines(data_dir, departement)
                collection = json.loads(raw) if raw else {"features": []}
                source = collection.get("source", source)
                outlines[departement] = {f["id"]: f for f in collection["features"]}
            feature = outlines[departement].get(commune.code)
            if feature is None:
                missing.append(commune.code)
            else:
                polygons += feature["geometry"]["coordinates"]
        properties = jsonable.plain(area) | {"instance_id": detail.id, "type": detail.type, "name": detail.name}
        features.append({"type": "Feature", "id": area.coverage_id, "properties": properties,
                         "geometry": {"type": "MultiPolygon", "coordinates": polygons}})
    return {"type": "FeatureCollection", "features": features, "source": source,
            "communes_sans_contour": sorted(set(missing))}
