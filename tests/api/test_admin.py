"""Writes need the operator's bearer token: each write endpoint with no token configured, a missing, a
wrong and the right token. A registry upload is validated without touching the live data."""

from __future__ import annotations

import dataclasses
import os

import pytest
from fastapi.testclient import TestClient

from api.app import create_app

pytestmark = pytest.mark.slow

TOKEN = "jeton-de-test-0123456789"
WRITES = [("/v1/admin/builds", {}), ("/v1/admin/registry/validate", {"params": {"filename": "31.yaml"}, "content": b"scope: {}"})]


@pytest.fixture
def app_small(small):
    with TestClient(create_app(dataclasses.replace(small, api_token=TOKEN))) as c:
        yield c, small


@pytest.mark.parametrize("url,extra", WRITES)
def test_writes_are_off_without_a_configured_token(small, url, extra):
    with TestClient(create_app(small)) as c:
        response = c.post(url, headers={"Authorization": f"Bearer {TOKEN}"}, **extra)
    assert response.status_code == 403 and "MAILLAGE_API_TOKEN" in response.json()["message"]


@pytest.mark.parametrize("url,extra", WRITES)
def test_missing_and_wrong_tokens_are_refused(app_small, url, extra):
    c, small = app_small
    before = os.path.realpath(small.data_dir / "current")
    missing = c.post(url, **extra)
    assert missing.status_code == 401 and missing.headers["www-authenticate"] == "Bearer"
    assert "Jeton manquant" in missing.json()["message"]
    wrong = c.post(url, headers={"Authorization": "Bearer pas-le-bon"}, **extra)
    assert wrong.status_code == 403 and wrong.json()["message"] == "Jeton refusé."
    assert os.path.realpath(small.data_dir / "current") == before


def test_rebuild_with_the_right_token_publishes_and_serves_the_new_build(app_small):
    c, small = app_small
    before = c.get("/v1/health").json()["build"]
    path = small.registry / "31.yaml"
    path.write_text(path.read_text().replace('name: "ILC Toulouse-Sud"', 'name: "ILC Toulouse-Sud (reconstruite)"'))
    response = c.post("/v1/admin/builds", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200, response.text
    assert response.json()["build"] != before and c.get("/v1/health").json()["build"] == response.json()["build"]
    names = {x["name"] for x in c.get("/v1/who-covers", params={"place": "Muret"}).json()["instances"]}
    assert "ILC Toulouse-Sud (reconstruite)" in names


def test_a_failed_rebuild_changes_nothing_and_says_why(app_small):
    c, small = app_small
    before = os.path.realpath(small.data_dir / "current")
    path = small.registry / "31.yaml"
    path.write_text(path.read_text().replace("ages: [0, 12]", "ages: [12, 0]"))
    response = c.post("/v1/admin/builds", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 422 and "Registre refusé" in response.json()["message"]
    assert any(p["field"] == "coverage[0].ages" for p in response.json()["problems"])
    assert os.path.realpath(small.data_dir / "current") == before


def test_upload_is_validated_without_touching_live_data(app_small):
    c, small = app_small
    auth = {"Authorization": f"Bearer {TOKEN}"}
    live = (small.registry / "31.yaml").read_bytes()
    before = os.path.realpath(small.data_dir / "current")
    good = c.post("/v1/admin/registry/validate", params={"filename": "31.yaml"}, content=live, headers=auth)
    assert good.status_code == 200 and good.json()["valid"] is True
    broken = live.replace(b"ages: [0, 12]", b"ages: [12, 0]")
    bad = c.post("/v1/admin/registry/validate", params={"filename": "31.yaml"}, content=broken, headers=auth)
    assert bad.status_code == 200 and bad.json()["valid"] is False
    problem = bad.json()["problems"][0]
    assert (problem["file"], problem["entry"], problem["field"]) == ("31.yaml", "ilc-toulouse-sud", "coverage[0].ages")
    header = "id,type,name,territory,age_min,age_max,publics,from,to,status,carrier,source_title,source_url,source_date,excerpt\n"
    row = "x-1,CLSM,Essai,commune:31395,12,3,tout-public,,,active,,Tableau,https://example.org,2024-01-01,essai\n"
    sheet = c.post("/v1/admin/registry/validate", params={"filename": "31-suivi.csv"}, content=(header + row).encode(), headers=auth)
    assert sheet.json()["valid"] is False and sheet.json()["problems"][0]["file"] == "31-suivi.csv"
    for name in ("../31.yaml", "31.txt"):
        assert c.post("/v1/admin/registry/validate", params={"filename": name}, content=live, headers=auth).status_code == 422
    assert (small.registry / "31.yaml").read_bytes() == live and not (small.registry / "31-suivi.csv").exists()
    assert os.path.realpath(small.data_dir / "current") == before
