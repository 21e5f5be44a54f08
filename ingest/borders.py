"""Each département's border, from its communes' outlines, for the map's first view and its borders.

The outlines package carries no département geometry: a département is the union of its communes'
(simplified) outlines, its slivers closed by a small buffer out and back, simplified again to about
500 m and rounded to 3 decimals (about 100 m): the hundred départements weigh some 1.5 MB, drawn as
one layer over France or as the borders over a commune layer. Made once per outlines folder, beside
the outlines (``departements.geojson``), by the build's outlines step; read by
``store.outlines.departement_borders``.
"""

from __future__ import annotations

import json
from pathlib import Path

from shapely import MultiPolygon, Polygon, make_valid, unary_union
from shapely.geometry import shape

from core import atomic
from store.outlines import BORDERS

__all__ = ["borders_table", "border", "rounded"]

#: degrees: the buffer that closes the gaps between simplified neighbours, and the border's simplification
CLOSE, TOLERANCE, DECIMALS = 0.002, 0.005, 3


def rounded(geometry) -> dict:
    """A polygon or multipolygon as a GeoJSON MultiPolygon, rounded to :data:`DECIMALS`."""
    def ring(points):
        return [[round(x, DECIMALS), round(y, DECIMALS)] for x, y in points]

    polygons = list(geometry.geoms) if isinstance(geometry, MultiPolygon) else [geometry]
    return {"type": "MultiPolygon", "coordinates": [
        [ring(p.exterior.coords), *(ring(i.coords) for i in p.interiors)] for p in polygons if isinstance(p, Polygon)]}


def border(features: list[dict]):
    """The union of ``features``' polygons, closed and simplified."""
    shapes = [make_valid(shape(f["geometry"])) for f in features if f.get("geometry")]
    union = unary_union(shapes).buffer(CLOSE, quad_segs=2).buffer(-CLOSE, quad_segs=2)
    return union.simplify(TOLERANCE, preserve_topology=True)


def borders_table(folder: Path) -> Path:
    """Write ``folder/departements.geojson`` from the folder's outlines, unless it is there already."""
    target = folder / BORDERS
    if target.exists():
        return target
    found = []
    for path in sorted(folder.glob("*.geojson")):
        if path.name == BORDERS:
            continue
        collection = json.loads(path.read_text(encoding="utf-8"))
        if not collection["features"]:
            continue
        code = path.stem
        found.append({"type": "Feature", "id": code, "properties": {"code": code},
                      "geometry": rounded(border(collection["features"]))})
    atomic.write_text(target, json.dumps({"type": "FeatureCollection", "features": found}, separators=(",", ":")))
    return target
