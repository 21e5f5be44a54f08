"""Lighter commune outlines for a map of many départements: the same communes, simplified to about 300 m.

A région's map (Occitanie: 4,446 communes over 13 départements, 2.7 MB of outlines at 0.001°) spent
most of its time drawing points closer together than a pixel at a région's zoom. These files hold each
commune simplified again (Douglas-Peucker at 0.003°, topology kept, 3 decimals): a third of the bytes
and of the points. The map asks for them (``?detail=light``) when it draws more than one département;
one département keeps the full outlines. Made once per outlines folder, beside them (``light/``), by
the build's outlines step; read by ``store.outlines.departement_outlines``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from shapely import make_valid
from shapely.geometry import shape

from core import atomic
from store.outlines import BORDERS, LIGHT

from .borders import rounded

__all__ = ["light_outlines", "TOLERANCE"]

TOLERANCE = 0.003  # degrees: about 300 m, a third of a pixel at a région's zoom


def _light(feature: dict) -> dict:
    geometry = make_valid(shape(feature["geometry"])).simplify(TOLERANCE, preserve_topology=True)
    return {**feature, "geometry": rounded(geometry) if not geometry.is_empty else feature["geometry"]}


def light_outlines(folder: Path) -> Path:
    """Write ``folder/light/<département>.geojson`` from the folder's outlines, unless there already."""
    target = folder / LIGHT
    if (target / "source.json").exists():
        return target
    tmp = atomic.new_folder(target)
    for path in sorted(folder.glob("*.geojson")):
        if path.name == BORDERS:
            continue
        collection = json.loads(path.read_text(encoding="utf-8"))
        collection["features"] = [_light(f) for f in collection["features"] if f.get("geometry")]
        collection["simplification_degres"] = TOLERANCE
        atomic.write_text(tmp / path.name, json.dumps(collection, ensure_ascii=False, separators=(",", ":")))
    atomic.write_text(tmp / "source.json", json.dumps({"simplification_degres": TOLERANCE}))
    try:
        atomic.publish_folder(tmp, target)
    except OSError:  # made meanwhile by another process: the same files
        shutil.rmtree(tmp, ignore_errors=True)
    return target
