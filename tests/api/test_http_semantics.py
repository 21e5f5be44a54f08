"""HTTP semantics: ``If-None-Match: *`` only on what exists, links never made from ``Host``, ``format=``
honoured or refused on every route, and one build served by every route at a time."""

from __future__ import annotations

import csv
import dataclasses
import io
import os
import re
import subprocess
import sys
import time

import openpyxl
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from core.settings import PROJECT_ROOT


def test_if_none_match_any_is_304_only_for_what_exists(client):
    present = client.get("/v1/instances/dac-31", headers={"If-None-Match": "*"})
    assert present.status_code == 304 and present.content == b"" and present.headers["etag"]
    missing = client.get("/v1/instances/inconnu", headers={"If-None-Match": "*"})
    assert missing.status_code == 404 and missing.json()["error"] == "NotFound"
    unknown_place = client.get("/v1/who-covers", params={"place": "Nullepart-sur-Rien"}, headers={"If-None-Match": "*"})
    assert unknown_place.status_code == 404
    tag = client.get("/v1/instances/dac-31").headers["etag"]
    assert client.get("/v1/instances/dac-31", headers={"If-None-Match": tag}).status_code == 304
    assert client.get("/v1/instances/dac-31", headers={"If-None-Match": '"autre"'}).status_code == 200


def test_next_links_are_paths_whatever_the_host_header(client):
    for host in ("evil.example", "127.0.0.1:1", "x" * 200):
        page = client.get("/v1/instances", params={"limit": 2}, headers={"Host": host}).json()
        assert page["next"].startswith("/v1/instances?") and host not in page["next"]
        assert client.get(page["next"]).json()["items"][0]["id"] not in {i["id"] for i in page["items"]}
    feed = client.get("/v1/changes/feed", params={"territory": "departement:31"}, headers={"Host": "evil.example"})
    assert "evil" not in feed.text and feed.json()["home_page_url"] == "/carte/"


def test_links_start_with_the_public_url_when_it_is_set(national):
    settings = dataclasses.replace(national, public_url="https://maillage.exemple.fr/")
    with TestClient(create_app(settings)) as c:
        page = c.get("/v1/scheme-types", params={"limit": 1}, headers={"Host": "evil.example"}).json()
        assert page["next"].startswith("https://maillage.exemple.fr/v1/scheme-types?")
        feed = c.get("/v1/changes/feed", headers={"Host": "evil.example"}).json()
        assert feed["home_page_url"] == "https://maillage.exemple.fr/carte/"
        assert feed["feed_url"] == "https://maillage.exemple.fr/v1/changes/feed"


@pytest.mark.parametrize("url,name", [("/v1/instances/dac-31", "dispositif-dac-31"), ("/v1/actors/rap31", "acteur-rap31"),
                                      ("/v1/territories/departement/31", "territoire-departement-31")])
def test_a_single_record_as_a_table(client, url, name):
    record = client.get(url).json()
    as_csv = client.get(url, params={"format": "csv"})
    assert as_csv.headers["content-disposition"] == f'attachment; filename="{name}.csv"'
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert len(rows) == 1 and rows[0]["id" if "id" in record else "code"] == str(record.get("id", record.get("code")))
    by_header = client.get(url, headers={"Accept": "text/csv"})
    assert by_header.text == as_csv.text
    sheet = client.get(url, params={"format": "xlsx"})
    values = list(openpyxl.load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert len(values) == 2 and list(values[0]) == list(rows[0])


def _fill(path: str) -> str:
    values = {"kind": "departement", "code": "31", "instance_id": "dac-31", "actor_id": "rap31", "name": "maillage.ttl",
              "ident": "inconnue", "key": "dac-31"}
    return re.sub(r"{(\w+)(?::path)?}", lambda m: values.get(m.group(1), "31"), path)


def test_every_route_honours_or_refuses_a_format(client):
    """A GET route that does not declare ``format`` answers 406 to one, whatever its other parameters."""
    spec = client.get("/openapi.json").json()
    refused = honoured = 0
    for path, operations in spec["paths"].items():
        if "get" not in operations:
            continue
        declared = any(p["name"] == "format" for p in operations["get"].get("parameters", []))
        r = client.get(_fill(path), params={"format": "csv"})
        if declared:
            assert r.status_code != 406, path
            honoured += 1
        else:
            assert r.status_code == 406 and r.json()["error"] == "FormatNotOffered", (path, r.status_code, r.text[:200])
            assert "format" in r.json()["message"]
            refused += 1
    assert refused >= 10 and honoured >= 20
    assert client.get("/v1/health", params={"format": "xlsx"}).status_code == 406
    assert client.get("/v1/health").status_code == 200


def _cli_build(settings) -> None:
    """``maillage build`` in a process of its own, as an operator runs it beside the service."""
    env = dict(os.environ, MAILLAGE_DATA_DIR=str(settings.data_dir), MAILLAGE_REGISTRY=str(settings.registry),
               MAILLAGE_DOCUMENTS=str(settings.documents), MAILLAGE_BACKEND="embedded")
    subprocess.run([sys.executable, "-m", "cli", "build"], env=env, cwd=PROJECT_ROOT, check=True, capture_output=True)


def _served(c) -> dict:
    sparql = c.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})
    live = [b["name"] for b in c.get("/v1/builds").json()["items"] if b["live"]]
    return {"health": c.get("/v1/health").json()["build"], "sparql": sparql.headers["x-maillage-build"],
            "builds": live[0] if live else None}


@pytest.mark.slow  # two CLI builds in processes of their own, and a service watching for them
def test_a_cli_build_is_served_whole_by_every_route(small):
    app = create_app(small)
    unwatched = TestClient(app)  # no lifespan: nothing watches for a new build
    before = _served(unwatched)
    assert set(before.values()) == {before["health"]}
    _cli_build(small)
    # the service has not switched: every route still answers from the build it serves, /sparql too
    assert _served(unwatched) == before
    app.state.service.close()
    with TestClient(create_app(small)) as watched:
        first = _served(watched)
        assert first["health"] != before["health"] and set(first.values()) == {first["health"]}
        _cli_build(small)
        for _ in range(300):  # the watcher looks every second, then opens and warms the new build
            if watched.get("/v1/health").json()["build"] != first["health"]:
                break
            time.sleep(0.1)
        now = _served(watched)  # every route, once the service has switched
        assert now["health"] != first["health"] and set(now.values()) == {now["health"]}, now
