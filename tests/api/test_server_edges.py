"""The server's edges (issue "nothing lost, nothing crashed, no one in"): bounded parameters and bodies,
uploads checked by a limited child process, strict file names, empty networks, ``Allow`` on 405, CSV
cells no spreadsheet runs, and exactly which ``Authorization`` headers pass."""

from __future__ import annotations

import copy
import csv
import dataclasses
import io
import os
import re
import signal
import threading
import time
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from api.app import create_app

from hostile import alias_bomb, deep_yaml

TOKEN = "jeton-de-test-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
VALIDATE = "/v1/admin/registry/validate"


def _string_parameters(spec: dict):
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                schema = parameter["schema"]
                schema = next((s for s in schema.get("anyOf", [schema]) if s.get("type") == "string"), None)
                if schema is not None:
                    yield method, path, parameter, schema


def test_every_text_parameter_of_every_route_is_bounded_and_refused_beyond(client):
    spec = client.get("/openapi.json").json()
    checked = 0
    for method, path, parameter, schema in _string_parameters(spec):
        if "enum" in schema or schema.get("pattern", "").startswith("^("):
            continue  # a closed list of words is bounded by the list
        name = parameter["name"]
        assert 0 < schema.get("maxLength", 0) <= 200, f"{method} {path} {name}"
        too_long = "a" * (schema["maxLength"] + 1)
        url, params = path, {}
        for other in re.findall(r"{(\w+)}", path):
            url = url.replace(f"{{{other}}}", too_long if other == name else ("commune" if other == "kind" else "31"))
        if parameter["in"] == "query":
            params[name] = too_long
        if "{place}" not in path and name != "place" and "who-covers" in path:
            params.setdefault("place", "Muret")
        response = client.request(method.upper(), url, params=params, headers=AUTH)
        assert response.status_code in (422, 403), f"{method} {path} {name}: {response.status_code}"
        if response.status_code == 422:
            assert f"{name} ({schema['maxLength']} caractères au plus)" in response.json()["message"], response.text
        checked += 1
    assert checked >= 25


def test_a_60_kb_place_name_is_refused_before_any_matching(client):
    for url, name in (("/v1/who-covers", "place"), ("/v1/places", "q"), ("/v1/health", "inconnu")):
        response = client.get(url, params={name: "Saint-" + "x" * 60_000})
        assert response.status_code == 414 and response.json()["error"] == "URITooLong"
        assert "4096 octets de paramètres au plus" in response.json()["message"]
    # The longest parameters at their bounds, accented (6 bytes each once percent-encoded), still pass.
    accented = {"place": "é" * 200, "ages": "0-12", "public": "é" * 50, "on": "2024-06-01"}
    assert client.get("/v1/who-covers", params=accented).status_code in (404, 422)
    # Within the bound, an unknown name still gets its suggestions (computed off the event loop).
    near = client.get("/v1/who-covers", params={"place": "Murett" + "e" * 190})
    assert near.status_code == 404 and near.json()["error"] == "PlaceNotFound"


@pytest.mark.parametrize("territory", ["region:53", "departement:53", "region:52"])
def test_network_of_a_territory_without_actors_is_empty(client, territory):
    response = client.get("/v1/network", params={"territory": territory})
    assert response.status_code == 200, response.text
    assert response.json() == {"territory": territory, "on": None, "actors": [], "redundancies": []}
    assert client.get("/v1/network", params={"territory": territory, "format": "csv"}).status_code == 200


def test_405_names_the_allowed_methods(client):
    route = client.post("/v1/health")
    assert route.status_code == 405 and route.headers["allow"] == "GET, HEAD" and route.json()["message"]
    static = client.put("/carte/")
    assert static.status_code == 405 and static.headers["allow"] == "GET, HEAD"
    admin = client.get("/v1/admin/builds")
    assert admin.status_code == 405 and admin.headers["allow"] == "POST"


def _writable(small):
    return TestClient(create_app(dataclasses.replace(small, api_token=TOKEN, max_body_kb=128)))


@pytest.fixture(scope="module")
def writable(small_shared):
    """An app with writes on over a small build that its tests leave unchanged."""
    with _writable(small_shared) as c:
        yield c, c.app.state.service.settings


@pytest.mark.parametrize("header,status", [
    (f"Bearer {TOKEN}", 422), (f"bearer {TOKEN}", 422), (f"BEARER {TOKEN}", 422), (f"Bearer   {TOKEN}", 422),
    (f"Bearer  {TOKEN} x", 403), (f"Bearer {TOKEN}x", 403), (f"Bearer x{TOKEN}", 403), (f"Bearer {TOKEN},x", 403),
    (f"Bearer \t{TOKEN}", 403), (f"Bearer {TOKEN[:-1]}", 403),
    (f"Bearer\t{TOKEN}", 401), (f"Basic {TOKEN}", 401), (TOKEN, 401), ("Bearer", 401), ("Bearer ", 401), ("", 401),
])
def test_which_authorization_headers_pass(writable, header, status):
    c, _ = writable
    # 422: past the token check, refused for its file name; 403: a wrong token; 401: no bearer token.
    response = c.post(VALIDATE, params={"filename": "pas un nom"}, content=b"", headers={"Authorization": header})
    assert response.status_code == status, response.text


def test_file_names_are_matched_whole(writable):
    c, settings = writable
    before = sorted(p.name for p in settings.registry.iterdir())
    live = (settings.registry / "31.yaml").read_bytes()
    for name in ("31.yaml\n", "31.yaml\r", "31.yaml\n.csv", "../31.yaml", "31.txt", ".31.yaml", "31.yaml ", "31 .yaml"):
        response = c.post(VALIDATE, params={"filename": name}, content=b"scope: [", headers=AUTH)
        assert response.status_code == 422 and "refusé" in response.json()["message"], repr(name)
    long = c.post(VALIDATE, params={"filename": "a" * 296 + ".yaml"}, content=live, headers=AUTH)
    assert long.status_code == 422 and "filename (100 caractères au plus)" in long.json()["message"]
    assert sorted(p.name for p in settings.registry.iterdir()) == before


def test_bodies_are_bounded_before_they_are_read(writable):
    c, settings = writable
    declared = c.post(VALIDATE, params={"filename": "31.yaml"}, content=b"x" * (129 << 10), headers=AUTH)
    assert declared.status_code == 413 and declared.json() == {
        "error": "PayloadTooLarge", "message": "Corps de requête trop grand : 128 ko au plus (MAILLAGE_MAX_BODY_KB)."}

    def chunks():  # sent without a Content-Length: counted as it arrives
        for _ in range(200):
            yield b"x" * 1024

    chunked = c.post(VALIDATE, params={"filename": "31.yaml"}, content=chunks(), headers=AUTH)
    assert chunked.status_code == 413 and "128 ko" in chunked.json()["message"]
    assert c.get("/v1/health").status_code == 200


def _children() -> list[int]:
    """This process's validation children (``python -m api.sandbox``)."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            cmdline = (proc / "cmdline").read_bytes()
            ppid = int(next(line for line in (proc / "status").read_text().splitlines() if line.startswith("PPid:")).split()[1])
        except (OSError, ValueError, StopIteration):
            continue
        if ppid == os.getpid() and b"api.sandbox" in cmdline:
            found.append(int(proc.name))
    return found


@pytest.mark.slow  # an uploaded file checked in its child process
def test_a_validation_child_that_crashes_takes_nothing_down(writable):
    # What a parser's segfault does to the process that runs it, done to the child from outside: the
    # reader now refuses the known crashing files itself (below), and this holds for the unknown ones.
    c, settings = writable
    before = os.path.realpath(settings.data_dir / "current")
    live = (settings.registry / "31.yaml").read_bytes()
    answers = []
    posting = threading.Thread(target=lambda: answers.append(
        c.post(VALIDATE, params={"filename": "31.yaml"}, content=live, headers=AUTH)))
    posting.start()
    end = time.monotonic() + 60
    while not (children := _children()):
        assert time.monotonic() < end and posting.is_alive(), "aucun processus de validation"
        time.sleep(0.01)
    os.kill(children[0], signal.SIGSEGV)
    posting.join(timeout=120)
    crash = answers[0]
    assert crash.status_code == 422, crash.text
    body = crash.json()
    assert body["error"] == "UploadRefused" and "SIGSEGV" in body["message"] and "31.yaml" in body["message"]
    assert c.get("/v1/health").status_code == 200
    assert c.get("/v1/who-covers", params={"place": "Muret"}).status_code == 200
    assert os.path.realpath(settings.data_dir / "current") == before and not _children()


@pytest.mark.slow  # an uploaded file checked in its child process
@pytest.mark.parametrize("make,rule", [(deep_yaml, "profondeur"), (alias_bomb, "taille-alias")])
def test_files_that_crashed_or_swelled_the_parser_are_reported(writable, make, rule):
    c, _ = writable
    response = c.post(VALIDATE, params={"filename": "31.yaml"}, content=make(), headers=AUTH)
    assert response.status_code == 200 and response.json()["valid"] is False, response.text
    assert rule in {p["rule"] for p in response.json()["problems"]}
    assert c.get("/v1/health").status_code == 200


@pytest.mark.slow  # an uploaded file checked in its child process
def test_a_validation_past_its_memory_is_stopped(small_shared):
    settings = dataclasses.replace(small_shared, api_token=TOKEN, validate_memory_mb=120)
    with TestClient(create_app(settings)) as c:
        # the live file's instances repeated to 2 MB: a graph of about 200,000 triples, where the
        # live file itself reads within 120 MB (the geography's tables are remembered, not parsed)
        live = _many_instances((settings.registry / "31.yaml").read_text(encoding="utf-8"), 2_000_000)
        big = c.post(VALIDATE, params={"filename": "31.yaml"}, content=live, headers=AUTH)
        assert big.status_code == 422 and "120 Mo de mémoire" in big.json()["message"], big.text
        assert c.get("/v1/health").status_code == 200


def _many_instances(live: str, size: int) -> bytes:
    """The live file with its instances repeated under new identifiers up to about ``size`` bytes:
    seconds of reading and checking that no cache holds (the live file's verdict is kept by content,
    so posting it back costs nothing)."""
    doc = yaml.safe_load(live)
    copies = max(1, size // len(yaml.safe_dump(doc["instances"], allow_unicode=True).encode()))
    # copies, not shared: YAML would write shared parts once, as aliases
    doc["instances"] = [dict(copy.deepcopy(i), id=f"{i['id']}-copie-{k}") for k in range(copies) for i in doc["instances"]]
    return yaml.safe_dump(doc, allow_unicode=True).encode()


@pytest.mark.slow  # an uploaded file checked in its child process
def test_a_validation_past_its_cpu_time_is_stopped(small_shared):
    settings = dataclasses.replace(small_shared, api_token=TOKEN, validate_seconds=1)
    with TestClient(create_app(settings)) as c:
        heavy = _many_instances((settings.registry / "31.yaml").read_text(), size=1_500_000)
        assert 1_000_000 < len(heavy) < settings.max_body_kb * 1024
        slow = c.post(VALIDATE, params={"filename": "31.yaml"}, content=heavy, headers=AUTH)
    assert slow.status_code == 422 and "1 s de calcul" in slow.json()["message"], slow.text


def test_csv_exports_escape_what_a_spreadsheet_would_run(small):
    path = small.registry / "31.yaml"
    payload = "=cmd|' /C calc'!A0"
    path.write_text(path.read_text().replace('name: "ILC Toulouse-Sud"', f'name: "{payload}"'))
    with _writable(small) as c:
        assert c.post("/v1/admin/builds", headers=AUTH).status_code == 200
        rows = list(csv.DictReader(io.StringIO(c.get("/v1/instances", params={"format": "csv"}).text)))
        assert [r["name"] for r in rows if r["id"] == "ilc-toulouse-sud"] == ["'" + payload]
        assert c.get("/v1/instances").json()["items"][0]["name"] == payload  # JSON is not a spreadsheet


def test_headers_past_their_bound_are_refused_with_a_french_431(client):
    from api.limits import HEADERS

    r = client.get("/v1/health", headers={"X-Remplissage": "x" * HEADERS})
    assert r.status_code == 431 and r.json()["error"] == "RequestHeaderFieldsTooLarge"
    assert r.json()["message"] == f"En-têtes de requête trop longs : {HEADERS // 1024} ko au plus."
    many = {f"X-Champ-{i}": "x" * 1000 for i in range(40)}  # many headers add up too
    assert client.get("/v1/health", headers=many).status_code == 431
    assert client.get("/v1/health", headers={"X-Remplissage": "x" * 8000}).status_code == 200


@pytest.mark.parametrize("body,field", [
    ('{"file": "31.yaml", "changes": ' + "[" * 1000 + "]" * 1000 + "}", "changes.0.0…"),
    ('{"file": "31.yaml", "changes": [{"valeur": ' + '{"a": ' * 40 + "1" + "}" * 40 + "}]}", "changes.0.valeur…"),
    ("[" * 1000 + "]" * 1000, "corps.0.0.0…"),
])
def test_a_json_body_nested_too_deep_is_refused_naming_its_field(client, body, field):
    before = client.get("/v1/proposals").json()
    r = client.post("/v1/proposals", content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 422 and r.json()["error"] == "InvalidQuery", r.text
    assert r.json()["message"] == f"Paramètre manquant ou invalide : {field} (32 niveaux d'imbrication au plus)."
    assert client.get("/v1/proposals").json() == before  # nothing stored


def test_the_json_depth_is_counted_outside_strings():
    from api.limits import JSON_DEPTH, json_too_deep

    assert json_too_deep(b'{"a": "' + b"[{" * 500 + b'\\" [["}') is None  # brackets in a string, an escaped quote
    assert json_too_deep(b'{"a": ' + b"[" * JSON_DEPTH + b"]" * JSON_DEPTH + b"}") == "a.0.0…"
    assert json_too_deep(b'{"a": ' + b"[" * (JSON_DEPTH - 1) + b"]" * (JSON_DEPTH - 1) + b"}") is None
    assert json_too_deep(b'{"a": [1, 2, {"b": ' + b"[" * 40 + b"]" * 40 + b"}]}") == "a.2.b…"
    assert json_too_deep(b"not json at all [[[") is None  # the parser's to refuse
