"""A TopoJSON topology read back as the map's topo.js reads it, for the tests of the topologies."""

from __future__ import annotations


def decoded(topo: dict) -> dict[str, list[list[list[tuple[float, float]]]]]:
    """What the map's topo.js does: arcs undone from their steps, rings joined from their arcs."""
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((round(x * sx + tx, 6), round(y * sy + ty, 6)))
        arcs.append(points)

    def ring(refs):
        points: list = []
        for r in refs:
            arc = arcs[r] if r >= 0 else arcs[~r][::-1]
            points += arc[1:] if points else arc
        return points

    return {g["id"]: [[ring(refs) for refs in polygon] for polygon in g["arcs"]]
            for g in topo["objects"]["communes"]["geometries"]}
