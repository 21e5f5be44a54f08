"""The communes of a département as one quantised TopoJSON topology: each border between two communes
stored once, in integers, simplified once for both sides.

A région's map (Occitanie: 4,445 communes in 13 départements) drew them from one GeoJSON file per
département, each commune's outline simplified on its own: every shared border was sent, parsed and
projected twice, in decimal text. The package's outlines share their vertices exactly along common
borders (61,184 of Occitanie's 64,321 points lie on two communes or more), so they make a topology:
the points where a ring's neighbours change (junctions) cut the rings into arcs, an arc met again
(either way round) is referred to by its index (``~i`` reversed), each arc is simplified (Douglas-Peucker,
its ends kept: neighbours stay joined, no slivers) and written as integer steps on a grid of
:data:`GRID` degrees (``transform`` of the TopoJSON specification, quantised and delta-encoded). A ring
its arcs' simplification would flatten keeps its arcs whole. Objects: ``communes``, one MultiPolygon
per commune, ``id`` its INSEE code, ``properties`` its ``nom`` (the GeoJSON files' ``code`` is the ``id``).

Made by ``ingest.outlines`` beside the GeoJSON files (``topo/<département>.json``, in the same folder
made at once), from the package's own points, not from the simplified ones; a région's is these merged (``store.outlines.merge``, for
``/v1/outlines/region/{code}``).
"""

from __future__ import annotations

import json
from array import array
from pathlib import Path

from core import atomic
from .outlines import douglas_peucker

__all__ = ["GRID", "TOLERANCE", "quantised", "topology", "write_topologies"]

GRID = 1e-4  # degrees: about 10 m, the points' grid
TOLERANCE = 30  # grid steps (0.003°, about 300 m): a third of a pixel at a région's zoom, as the lighter outlines
TRANSLATE = (-180.0, -90.0)

Ring = list[tuple[int, int]]


def quantised(polygons: list[list[list[tuple[float, float]]]]) -> list[list[array]]:
    """Polygons → rings as flat integer arrays on the grid (x0, y0, x1, y1…), without the closing point
    nor repeated points; rings left with fewer than three points dropped (a polygon without its outer
    ring, too). Compact: a whole country's points are kept until its départements are written."""
    out = []
    for polygon in polygons:
        rings = []
        for ring in polygon:
            flat = array("i")
            last = None
            for x, y in ring:
                point = (round((x - TRANSLATE[0]) / GRID), round((y - TRANSLATE[1]) / GRID))
                if point != last:
                    flat.extend(point)
                    last = point
            if len(flat) >= 4 and flat[0] == flat[-2] and flat[1] == flat[-1]:
                del flat[-2:]
            if len(flat) >= 6:
                rings.append(flat)
            elif not rings:
                break  # no outer ring: no polygon
        if rings:
            out.append(rings)
    return out


def _points(flat: array) -> Ring:
    return list(zip(flat[0::2], flat[1::2]))


def _junctions(rings: list[Ring]) -> set[tuple[int, int]]:
    """The points whose neighbours differ from one ring to another: where a border starts or ends."""
    seen: dict[tuple[int, int], tuple] = {}
    junctions = set()
    for ring in rings:
        n = len(ring)
        for i, point in enumerate(ring):
            a, b = ring[i - 1], ring[(i + 1) % n]
            pair = (a, b) if a <= b else (b, a)
            first = seen.setdefault(point, pair)
            if first != pair:
                junctions.add(point)
    return junctions


def _cut(ring: Ring, junctions: set) -> list[Ring]:
    """A ring's arcs: from junction to junction; a ring without any, one closed arc from its least point."""
    at = [i for i, p in enumerate(ring) if p in junctions]
    if not at:
        start = ring.index(min(ring))
        loop = ring[start:] + ring[:start]
        return [loop + [loop[0]]]
    start = at[0]
    loop = ring[start:] + ring[:start]
    cuts = [i - start for i in at] + [len(ring)]
    loop.append(loop[0])
    return [loop[a:b + 1] for a, b in zip(cuts, cuts[1:])]


def _delta(arc: Ring) -> list[list[int]]:
    out, px, py = [], 0, 0
    for x, y in arc:
        out.append([x - px, y - py])
        px, py = x, y
    return out


def topology(communes: list[tuple[str, str, list[list[array]]]], source: dict | None = None,
             tolerance: float = TOLERANCE) -> dict:
    """The TopoJSON topology of ``communes`` — (code, name, :func:`quantised` polygons) — with its
    ``source`` (the package's provenance)."""
    shapes = [(code, name, [[_points(r) for r in polygon] for polygon in polygons]) for code, name, polygons in communes]
    junctions = _junctions([ring for _, _, polygons in shapes for polygon in polygons for ring in polygon])
    arcs: list[Ring] = []
    index: dict[tuple, int] = {}

    def refer(arc: Ring) -> int:
        key = tuple(arc)
        if key in index:
            return index[key]
        back = key[::-1]
        if back in index:
            return ~index[back]
        index[key] = len(arcs)
        arcs.append(arc)
        return len(arcs) - 1

    geometries = [(code, name, [[[refer(a) for a in _cut(ring, junctions)] for ring in polygon] for polygon in polygons])
                  for code, name, polygons in shapes]
    simple = [douglas_peucker(a, tolerance) for a in arcs]  # each arc's ends kept: neighbours stay joined
    for _, _, polygons in geometries:  # a ring flattened by its arcs' simplification keeps them whole
        for polygon in polygons:
            for refs in polygon:
                if sum(len(simple[r if r >= 0 else ~r]) - 1 for r in refs) < 3:
                    for r in refs:
                        simple[r if r >= 0 else ~r] = arcs[r if r >= 0 else ~r]
    return {
        "type": "Topology",
        "source": {**(source or {}), "quantification_degres": GRID, "simplification_degres": round(tolerance * GRID, 6)},
        "transform": {"scale": [GRID, GRID], "translate": list(TRANSLATE)},
        "objects": {"communes": {"type": "GeometryCollection", "geometries": [
            {"type": "MultiPolygon", "id": code, "properties": {"nom": name}, "arcs": polygons}
            for code, name, polygons in geometries]}},
        "arcs": [_delta(a) for a in simple],
    }


def write_topologies(target: Path, shapes: dict[str, list], provenance: dict) -> None:
    """``target/<département>.json`` for each département of ``shapes`` (its communes as given to
    :func:`topology`), and ``target/source.json`` last (the mark that they are all there)."""
    target.mkdir(parents=True, exist_ok=True)
    for departement, communes in shapes.items():
        atomic.write_text(target / f"{departement}.json",
                          json.dumps(topology(sorted(communes), provenance), ensure_ascii=False, separators=(",", ":")))
    atomic.write_text(target / "source.json", json.dumps({**provenance, "quantification_degres": GRID,
                                                          "simplification_degres": round(TOLERANCE * GRID, 6)}))

