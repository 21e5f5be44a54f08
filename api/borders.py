"""The départements' borders with their names and chefs-lieux, as the map draws them.

The borders file (``ingest.borders``) holds geometry only; the names come from the live build's
communes, the chefs-lieux from the official geography package (``departements.json``: ``chefLieu``),
placed at their commune's centroid. Made once per build served, then kept.
"""

from __future__ import annotations

import json
from pathlib import Path

from core.settings import Settings
from store.outlines import centroids
from store.session import Session

__all__ = ["named_borders"]

_kept: dict[tuple[str, Path | None], bytes] = {}


def named_borders(data: bytes, settings: Settings, session: Session) -> bytes:
    key = (str(settings.data_dir), session.build)
    if key not in _kept:
        _kept.clear()  # one build served at a time
        _kept[key] = _named(data, settings, session)
    return _kept[key]


def _named(data: bytes, settings: Settings, session: Session) -> bytes:
    collection = json.loads(data)
    communes = session.tables.communes
    departements = {c.departement: c.departement_name for c in communes.values()}
    points = centroids(settings.data_dir)
    package = settings.geography / "data" / "departements.json"
    heads = ({d["code"]: d.get("chefLieu") for d in json.loads(package.read_text(encoding="utf-8"))}
             if package.is_file() else {})
    for feature in collection["features"]:
        code = feature["id"]
        props = feature["properties"]
        props["nom"] = departements.get(code, code)
        head = heads.get(code)
        if head in points and head in communes:
            lon, lat = points[head]
            props["chef_lieu"] = {"code": head, "nom": communes[head].name, "point": [lon, lat]}
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":")).encode()
