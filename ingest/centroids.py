"""Each commune's centroid, from the outlines the build prepared, as one table the read path loads.

The centroid of a commune is that of its (simplified) outline: the area-weighted centroid of its
polygons' outer rings (the shoelace formula in degrees, which at a commune's size differs from a
geodesic centroid by far less than the outline's own 100 m simplification). Made once per outlines
folder, beside the outlines (``centroids.json``: code → [longitude, latitude], rounded to 5 decimals,
about 1 m); read by ``store.outlines.centroids``.
"""

from __future__ import annotations

import json
from pathlib import Path

from core import atomic
from core.geometry import centroid
from store.outlines import BORDERS, CENTROIDS

__all__ = ["centroids_table"]


def centroids_table(folder: Path) -> Path:
    """Write ``folder/centroids.json`` from the folder's outlines, unless it is there already."""
    target = folder / CENTROIDS
    if target.exists():
        return target
    table: dict[str, list[float]] = {}
    for path in sorted(folder.glob("*.geojson")):
        if path.name == BORDERS:  # the départements' borders, not communes
            continue
        for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
            geometry = feature.get("geometry") or {}
            rings = geometry.get("coordinates") or []
            if geometry.get("type") == "Polygon":
                rings = [rings]
            if rings:
                lon, lat = centroid(rings)
                table[feature["properties"]["code"]] = [round(lon, 5), round(lat, 5)]
    atomic.write_text(target, json.dumps(table, separators=(",", ":")))
    return target
