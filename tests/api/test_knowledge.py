"""/v1/knowledge, the départements' borders the map's first view draws, and the lighter outlines of a région's map."""

from __future__ import annotations

from core import jsonable
from queries.france import knowledge_of_france
from topojson import decoded


def test_the_route_answers_what_the_question_answers(client, backend):
    answer = client.get("/v1/knowledge", params={"type": "cpts", "on": "2026-12-01"})
    assert answer.status_code == 200
    assert answer.json() == jsonable.plain(knowledge_of_france(backend, type="CPTS", on="2026-12-01"))
    every = client.get("/v1/knowledge", params={"on": "2026-12-01"}).json()
    assert every["types"][0]["type"] is None and "CPTS" in {t["type"] for t in every["types"]}
    refused = client.get("/v1/knowledge", params={"type": "XYZ"})
    assert refused.status_code == 422 and "Type de dispositif « XYZ » inconnu" in refused.json()["message"]


def test_the_departements_borders_carry_their_names_and_chefs_lieux(client):
    answer = client.get("/v1/outlines/departements")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/geo+json")
    features = {f["id"]: f for f in answer.json()["features"]}
    assert len(features) >= 100 and len(answer.content) < 2_000_000
    garonne = features["31"]
    assert garonne["properties"]["nom"] == "Haute-Garonne" and garonne["properties"]["chef_lieu"]["nom"] == "Toulouse"
    lon, lat = garonne["properties"]["chef_lieu"]["point"]
    points = [p for polygon in garonne["geometry"]["coordinates"] for ring in polygon for p in ring]
    assert min(x for x, _ in points) < lon < max(x for x, _ in points) and min(y for _, y in points) < lat < max(y for _, y in points)
    assert features["48"]["properties"]["chef_lieu"]["nom"] == "Mende"
    again = client.get("/v1/outlines/departements", headers={"If-None-Match": answer.headers["etag"]})
    assert again.status_code == 304  # cached by the browser, revalidated by its validator


def test_the_lighter_outlines_hold_the_same_communes_in_fewer_bytes(client):
    """What the map draws for several départements (``?detail=light``): every commune, a lighter outline."""
    full, light = (client.get("/v1/outlines/departement/31", params=p) for p in ({}, {"detail": "light"}))
    assert full.status_code == light.status_code == 200
    assert [f["id"] for f in full.json()["features"]] == [f["id"] for f in light.json()["features"]]
    assert len(light.content) < 0.7 * len(full.content)
    assert client.get("/v1/outlines/departement/31", params={"detail": "tout"}).status_code == 422


def test_a_region_comes_in_one_topology_with_every_commune_and_a_validator(client):
    """What the map draws for a région (``/v1/outlines/region/76``): every commune of its départements'
    outlines, each border once, in fewer bytes than their lighter outlines, revalidated by a 304."""
    answer = client.get("/v1/outlines/region/76")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/json")
    topo = answer.json()
    shapes = decoded(topo)
    departements = sorted({code[:2] for code in shapes})
    assert departements == ["09", "11", "12", "30", "31", "32", "34", "46", "48", "65", "66", "81", "82"]
    assert topo["sans_contours"] == [] and len(topo["source"]["sha256"]) == 64
    light = {d: client.get(f"/v1/outlines/departement/{d}", params={"detail": "light"}) for d in departements}
    features = {f["id"]: f for d in departements for f in light[d].json()["features"]}
    assert set(shapes) == set(features) and len(shapes) > 4400
    assert len(answer.content) < 0.8 * sum(len(r.content) for r in light.values())
    refs = [r for g in topo["objects"]["communes"]["geometries"] for p in g["arcs"] for ring in p for r in ring]
    assert len(refs) > 1.8 * len(topo["arcs"])  # a border between two communes is one arc, referred to twice
    for code in ("31395", "48095", "66136"):  # Muret, Mende, Perpignan: where their lighter outline lies
        ours = [p for polygon in shapes[code] for ring in polygon for p in ring]
        theirs = [p for polygon in features[code]["geometry"]["coordinates"] for ring in polygon for p in ring]
        for pick in (min, max):
            for axis in (0, 1):
                assert abs(pick(p[axis] for p in ours) - pick(p[axis] for p in theirs)) < 0.005
    again = client.get("/v1/outlines/region/76", headers={"If-None-Match": answer.headers["etag"]})
    assert again.status_code == 304
    assert client.get("/v1/outlines/region/99").status_code == 404
