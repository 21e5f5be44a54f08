"""The coverage question over HTTP, with JSON errors and the right statuses."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from maillage.api.app import create_app


@pytest.fixture(scope="module")
def client(national):
    with TestClient(create_app(national)) as c:
        yield c


def test_who_covers(client):
    response = client.get("/v1/who-covers", params={"place": "Muret", "ages": "0-12", "on": "2024-06-01"})
    assert response.status_code == 200
    ids = {c["instance_id"] for c in response.json()["coverages"]}
    assert "ilc-toulouse-sud" in ids


def test_errors(client):
    unknown = client.get("/v1/who-covers", params={"place": "Murret"})
    assert unknown.status_code == 404 and unknown.json()["candidates"][0]["code"] == "31395"
    homonyms = client.get("/v1/who-covers", params={"place": "Sainte-Colombe"})
    assert homonyms.status_code == 300 and len(homonyms.json()["candidates"]) == 12
    bad = client.get("/v1/who-covers", params={"place": "Muret", "ages": "12-3"})
    assert bad.status_code == 422 and "Âges" in bad.json()["message"]


def test_openapi_is_published(client):
    spec = client.get("/openapi.json").json()
    assert "/v1/who-covers" in spec["paths"]
