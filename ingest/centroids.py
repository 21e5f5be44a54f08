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
from store.outlines import CENTROIDS

__all__ = ["ring_centroid", "centroid", "centroids_table"]


def ring_centroid(ring: list[list[float]]) -> tuple[float, float, float]:
    """(signed area, x, y) of a closed ring of (lon, lat) points; the mean point when it has no area."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if area == 0:
        n = len(ring) or 1
        return 0.0, sum(p[0] for p in ring) / n, sum(p[1] for p in ring) / n
    return area / 2, cx / (3 * area), cy / (3 * area)


def centroid(multipolygon: list) -> tuple[float, float]:
    """The area-weighted centroid of a GeoJSON MultiPolygon's outer rings."""
    parts = [ring_centroid(polygon[0]) for polygon in multipolygon if polygon and polygon[0]]
    total = sum(abs(a) for a, _, _ in parts)
    if total == 0:
        return parts[0][1], parts[0][2]
    return (sum(abs(a) * x for a, x, _ in parts) / total, sum(abs(a) * y for a, _, y in parts) / total)


def centroids_table(folder: Path) -> Path:
    """Write ``folder/centroids.json`` from the folder's outlines, unless it is there already."""
    target = folder / CENTROIDS
    if target.exists():
        return target
    table: dict[str, list[float]] = {}
    for path in sorted(folder.glob("*.geojson")):
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
