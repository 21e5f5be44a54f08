"""The départements' communes as quantised TopoJSON topologies: each border once, in integers."""

from __future__ import annotations

from ingest.topo_outlines import GRID, TRANSLATE, quantised, topology
from store.outlines import merge
from topojson import decoded


def square(x: float, y: float, size: float = 0.01, steps: int = 1) -> list[list[list[tuple[float, float]]]]:
    """A square as the package gives a polygon: closed, each side cut in ``steps`` segments."""
    side = [i * size / steps for i in range(steps)]
    points = ([(x + d, y) for d in side] + [(x + size, y + d) for d in side]
              + [(x + size - d, y + size) for d in side] + [(x, y + size - d) for d in side])
    return [[points + [points[0]]]]


def test_a_shared_border_is_written_once_and_both_communes_come_back():
    west, east = square(1.0, 43.0), square(1.01, 43.0)
    topo = topology([("31001", "Ouest", quantised(west)), ("31002", "Est", quantised(east))])
    refs = [r for g in topo["objects"]["communes"]["geometries"] for p in g["arcs"] for ring in p for r in ring]
    # 4 + 4 sides, the common one written once: 3 arcs (each ring's junctions are the common side's ends)
    assert len(topo["arcs"]) == 3 and len(refs) == 4
    assert sorted(r for r in refs if r < 0) != [] and all(isinstance(n, int) for a in topo["arcs"] for p in a for n in p)
    back = decoded(topo)
    for code, shape in (("31001", west), ("31002", east)):
        ring = back[code][0][0]
        assert ring[0] == ring[-1] and set(ring) == {(round(x, 6), round(y, 6)) for x, y in shape[0][0]}
    assert topo["objects"]["communes"]["geometries"][0]["properties"] == {"nom": "Ouest"}


def test_simplified_once_for_both_sides_and_never_flattened():
    # a border with many points 1 m off a line: simplified away, the same points for both communes
    west, east = square(1.0, 43.0, size=0.05, steps=20), square(1.05, 43.0, size=0.05, steps=20)
    topo = topology([("31001", "Ouest", quantised(west)), ("31002", "Est", quantised(east))])
    back = decoded(topo)
    shared = {p for p in back["31001"][0][0] if abs(p[0] - 1.05) < 1e-9}
    assert shared == {p for p in back["31002"][0][0] if abs(p[0] - 1.05) < 1e-9} and len(shared) == 2
    assert len(back["31001"][0][0]) < 20
    # a commune smaller than the tolerance keeps its outline (a triangle at least)
    tiny = topology([("31003", "Petite", quantised(square(1.0, 43.0, size=0.001)))])
    assert len(set(decoded(tiny)["31003"][0][0])) == 4


def test_quantised_on_the_grid_without_repeats_and_merged_apart():
    rings = quantised([[[(1.0, 43.0), (1.00001, 43.0), (1.01, 43.0), (1.01, 43.01), (1.0, 43.0)]]])
    assert list(rings[0][0]) == [round((1.0 - TRANSLATE[0]) / GRID), round((43.0 - TRANSLATE[1]) / GRID),
                                 round((1.01 - TRANSLATE[0]) / GRID), round((43.0 - TRANSLATE[1]) / GRID),
                                 round((1.01 - TRANSLATE[0]) / GRID), round((43.01 - TRANSLATE[1]) / GRID)]
    assert quantised([[[(1.0, 43.0), (1.00001, 43.0), (1.0, 43.0)]]]) == []  # no area left: no polygon
    a = topology([("09001", "A", quantised(square(1.0, 43.0)))])
    b = topology([("31001", "B", quantised(square(1.01, 43.0))), ("31002", "C", quantised(square(1.02, 43.0)))])
    both = merge([a, b])
    assert decoded(both) == {**decoded(a), **decoded(b)} and len(both["arcs"]) == len(a["arcs"]) + len(b["arcs"])
