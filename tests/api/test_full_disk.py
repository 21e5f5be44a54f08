"""A full disk under the API: a French 507 naming the file, no temporary file left, the live build as it
was, and the next request served once there is room again."""

from __future__ import annotations

import dataclasses
import os

import pytest
from fastapi.testclient import TestClient

from disk import fill, temporary_files
from api.app import create_app
from store.builds import current_build

TOKEN = "jeton-de-test"


@pytest.fixture
def served(small):
    settings = dataclasses.replace(small, api_token=TOKEN)
    with TestClient(create_app(settings)) as client:
        yield settings, client


def _snapshot(settings) -> dict[str, bytes]:
    """Every file of the registry and of the live build's folder outside its store, by content."""
    build = current_build(settings.data_dir)
    files = [*settings.registry.iterdir(), *(p for p in build.rglob("*") if "oxigraph" not in p.parts)]
    return {str(p): p.read_bytes() for p in files if p.is_file()}


def test_a_dump_on_a_full_disk_is_a_507_and_leaves_no_temporary_file(served, monkeypatch):
    settings, client = served
    before, live = _snapshot(settings), os.readlink(settings.data_dir / "current")
    fill(monkeypatch)
    r = client.get("/v1/dumps/maillage.ttl")
    assert r.status_code == 507, r.text
    body = r.json()
    assert body["error"] == "DiskFull" and "Disque plein" in body["message"] and "maillage.ttl" in body["message"]
    assert str(settings.data_dir) not in body["message"]
    assert temporary_files(settings.data_dir) == []
    assert _snapshot(settings) == before and os.readlink(settings.data_dir / "current") == live
    monkeypatch.undo()
    r = client.get("/v1/dumps/maillage.ttl")
    assert r.status_code == 200 and b"ilc-toulouse-sud" in r.content


def test_a_build_on_a_full_disk_is_a_507_and_the_live_build_stays(served, monkeypatch):
    settings, client = served
    before, live = _snapshot(settings), os.readlink(settings.data_dir / "current")
    (settings.registry / "31.yaml").write_text((settings.registry / "31.yaml").read_text() + "\n# modifié\n")
    before[str(settings.registry / "31.yaml")] = (settings.registry / "31.yaml").read_bytes()
    fill(monkeypatch)
    r = client.post("/v1/admin/builds", headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 507, r.text
    assert "Disque plein" in r.json()["message"]
    assert temporary_files(settings.data_dir) == []
    assert not list((settings.data_dir / "builds").glob("*.tmp"))
    assert _snapshot(settings) == before and os.readlink(settings.data_dir / "current") == live
    assert client.get("/v1/instances/ilc-toulouse-sud").status_code == 200
