"""Plane geometry of outlines in degrees (longitude, latitude): the shoelace centroid and the box.

At a commune's or a département's size, and for what these serve (a point for "nearby", the
centroid and box a catalogue gives of its territories), the plane formula in degrees differs from the
geodesic one by far less than the outlines' own 100 m simplification.
"""

from __future__ import annotations

__all__ = ["ring_centroid", "centroid", "weighted_centroid", "bbox"]


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
    return weighted_centroid([ring_centroid(polygon[0]) for polygon in multipolygon if polygon and polygon[0]])


def weighted_centroid(parts: list[tuple[float, float, float]]) -> tuple[float, float]:
    """The centroid of several shapes given as (area, x, y): weighted by their areas."""
    total = sum(abs(a) for a, _, _ in parts)
    if total == 0:
        return parts[0][1], parts[0][2]
    return (sum(abs(a) * x for a, x, _ in parts) / total, sum(abs(a) * y for a, _, y in parts) / total)


def bbox(rings) -> tuple[float, float, float, float]:
    """(west, south, east, north) of every point of ``rings`` (lists of (lon, lat) points)."""
    xs = [p[0] for ring in rings for p in ring]
    ys = [p[1] for ring in rings for p in ring]
    return min(xs), min(ys), max(xs), max(ys)
