"""Proposed corrections: anyone proposes without a token, the proposal waits, and only the operator's
acceptance changes the registry and publishes a build; a refusal leaves the registry byte-identical.
Personal data, an oversized proposal, a client sending too many, a file named outside the registry
and a write another site's page could send are refused, and nothing is left behind: not in the
registry, not outside it, not in the data folder or its cache, not in the temporary folder."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from store.builds import build_info, current_build

pytestmark = pytest.mark.slow

TOKEN = "jeton-de-test-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
SOURCE = {"title": "RAP 31, page « Instances locales de concertation »", "url": "https://rap31.fr/ilc", "date": "2025-03-01"}
RENAME = {"kind": "correction", "instance": "ilc-toulouse-sud", "set": {"name": "ILC du Muretain"},
          "source": SOURCE, "excerpt": "l'ILC du Muretain réunit les partenaires"}


def _app(small, **settings):
    return TestClient(create_app(dataclasses.replace(small, api_token=TOKEN, **settings)))


def _names(c) -> set[str]:
    return {x["name"] for x in c.get("/v1/who-covers", params={"place": "Muret"}).json()["instances"]}


def _pending(small) -> list:
    folder = small.data_dir / "proposals" / "pending"
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


def test_a_proposal_without_token_waits_and_is_published_only_once_accepted(small):
    registry = (small.registry / "31.yaml").read_bytes()
    with _app(small) as c:
        build = c.get("/v1/health").json()["build"]
        sent = c.post("/v1/proposals", json=RENAME)
        assert sent.status_code == 201, sent.text
        proposal = sent.json()
        assert proposal["state"] == "pending" and proposal["report"]["valid"] is True
        assert "en attente de l'opérateur" in proposal["report"]["message"]
        assert '+    name: "ILC du Muretain"' in proposal["diff"] and '-    name: "ILC Toulouse-Sud"' in proposal["diff"]
        # stored pending, listed publicly, and nowhere else: the registry and the served build are as they were
        listed = c.get("/v1/proposals").json()
        assert [p["id"] for p in listed["items"]] == [proposal["id"]]
        assert c.get(f"/v1/proposals/{proposal['id']}").json()["proposal"]["set"] == {"name": "ILC du Muretain"}
        assert (small.registry / "31.yaml").read_bytes() == registry
        assert c.get("/v1/health").json()["build"] == build
        assert "ILC Toulouse-Sud" in _names(c) and "ILC du Muretain" not in _names(c)
        # a build run meanwhile (the operator's, for another reason) does not publish it either
        assert c.post("/v1/admin/builds", headers=AUTH).status_code == 200
        assert "ILC du Muretain" not in _names(c)
        # accepting needs the token
        assert c.post(f"/v1/proposals/{proposal['id']}/accept").status_code == 401
        assert c.post(f"/v1/proposals/{proposal['id']}/accept", headers={"Authorization": "Bearer faux"}).status_code == 403
        assert "ILC du Muretain" not in _names(c)
        accepted = c.post(f"/v1/proposals/{proposal['id']}/accept", headers=AUTH)
        assert accepted.status_code == 200, accepted.text
        built = accepted.json()["build"]["build"]
        assert c.get("/v1/health").json()["build"] == built != build
        assert "ILC du Muretain" in _names(c)
        card = next(x for x in c.get("/v1/who-covers", params={"place": "Muret"}).json()["instances"]
                    if x["name"] == "ILC du Muretain")
        assert any(s["title"] == SOURCE["title"] and s["excerpt"] == RENAME["excerpt"] for s in card["sources"])
        assert c.get("/v1/proposals").json()["count"] == 0
        decided = c.get(f"/v1/proposals/{proposal['id']}").json()
        assert (decided["state"], decided["build"]) == ("accepted", built)
        assert c.post(f"/v1/proposals/{proposal['id']}/accept", headers=AUTH).status_code == 409
        # the builds kept, and what changed from the one before: exactly the accepted proposal
        builds = c.get("/v1/builds").json()["items"]
        assert builds[0] == {"name": built, "created": builds[0]["created"], "live": True}
        changes = c.get("/v1/changes", params={"since": builds[1]["name"]}).json()["changes"]
        assert {(x["kind"], x["change"], x["key"]) for x in changes} == {
            ("instance", "modifié", "ilc-toulouse-sud"), ("source", "ajouté", f"{SOURCE['title']} (2025-03-01)")}
    text = (small.registry / "31.yaml").read_text()
    assert 'name: "ILC du Muretain"' in text and "proposition-" + proposal["id"] in text
    assert text.startswith("# A small, valid registry")  # the file's comments are kept


def test_refusing_keeps_the_registry_byte_identical(small):
    before = {p.name: p.read_bytes() for p in small.registry.iterdir()}
    with _app(small) as c:
        build = c.get("/v1/health").json()["build"]
        ident = c.post("/v1/proposals", json=RENAME).json()["id"]
        assert c.post(f"/v1/proposals/{ident}/refuse", json={"reason": "La source ne le dit pas."}).status_code == 401
        refused = c.post(f"/v1/proposals/{ident}/refuse", headers=AUTH, json={"reason": "La source ne le dit pas."})
        assert refused.status_code == 200, refused.text
        assert (refused.json()["state"], refused.json()["reason"]) == ("refused", "La source ne le dit pas.")
        assert c.get("/v1/proposals").json()["count"] == 0
        assert [p["id"] for p in c.get("/v1/proposals", params={"state": "refused"}).json()["items"]] == [ident]
        assert c.post(f"/v1/proposals/{ident}/accept", headers=AUTH).status_code == 409
        assert c.get("/v1/health").json()["build"] == build
    assert {p.name: p.read_bytes() for p in small.registry.iterdir()} == before


def test_a_proposal_breaking_the_rules_gets_the_report_and_is_not_kept(small):
    with _app(small) as c:
        bad = c.post("/v1/proposals", json={**RENAME, "record": "coverage[0]", "set": {"ages": [12, 3]}})
        assert bad.status_code == 422
        body = bad.json()
        assert body["message"].startswith("Proposition refusée : 1 problème(s) selon les règles du registre")
        assert (body["problems"][0]["file"], body["problems"][0]["field"]) == ("31.yaml", "coverage[0].ages")
        unknown = c.post("/v1/proposals", json={**RENAME, "instance": "dac-inexistant"})
        assert unknown.status_code == 422 and "Aucun dispositif « dac-inexistant »" in unknown.json()["message"]
        field = c.post("/v1/proposals", json={**RENAME, "set": {"id": "autre"}})
        assert field.status_code == 422 and "Champ « id »" in field.json()["message"]
        shape = c.post("/v1/proposals", json={**RENAME, "kind": "effacement"})
        assert shape.status_code == 422 and "kind" in shape.json()["message"]
        assert c.post("/v1/proposals", content=b"{pas du json", headers={"Content-Type": "application/json"}).status_code == 422
    assert _pending(small) == []


@pytest.mark.parametrize("where, text, rule", [
    ("excerpt", "joindre le 05 61 00 00 00 pour l'ILC", "téléphone"),
    ("set", "ILC de Mme Martin", "fonction"),
    ("comment", "écrire à marie.martin@gmail.com", "adresse électronique personnelle"),
])
def test_personal_data_is_refused_and_not_stored(small, where, text, rule):
    proposal = {**RENAME, "set": {"name": text}} if where == "set" else {**RENAME, where: text}
    with _app(small) as c:
        response = c.post("/v1/proposals", json=proposal)
        assert response.status_code == 422 and response.json()["error"] == "PersonalData"
        assert rule in response.json()["message"] and "rien n'est enregistré" in response.json()["message"]
    assert _pending(small) == []


def test_an_oversized_proposal_is_refused(small):
    with _app(small, proposal_kb=2) as c:
        big = c.post("/v1/proposals", json={**RENAME, "comment": "é" * 1500})  # 3 kB of UTF-8
        assert big.status_code == 413 and "2 ko au plus" in big.json()["message"]

        def chunks():
            yield b'{"kind": "correction", "comment": "'
            yield b"x" * 3000
            yield b'"}'

        chunked = c.post("/v1/proposals", content=chunks(), headers={"Content-Type": "application/json"})
        assert chunked.status_code == 413
    assert _pending(small) == []


def test_a_client_sending_too_many_is_told_to_wait(small):
    with _app(small, proposals_per_hour=2) as c:
        for _ in range(2):
            assert c.post("/v1/proposals", json={**RENAME, "excerpt": ""}).status_code == 422  # counted too
        third = c.post("/v1/proposals", json=RENAME)
        assert third.status_code == 429 and "2 par 60 min au plus" in third.json()["message"]
        assert int(third.headers["retry-after"]) > 3000
        assert c.get("/v1/proposals").status_code == 200  # reading is not limited
    assert _pending(small) == []


def test_the_pending_list_is_bounded(small):
    with _app(small, proposals_pending=1) as c:
        assert c.post("/v1/proposals", json=RENAME).status_code == 201
        full = c.post("/v1/proposals", json={**RENAME, "set": {"name": "ILC Muretain"}})
        assert full.status_code == 503 and "Déjà 1 propositions en attente" in full.json()["message"]
    assert len(_pending(small)) == 1


def test_an_acceptance_whose_build_fails_puts_the_file_back(small):
    with _app(small) as c:
        ident = c.post("/v1/proposals", json=RENAME).json()["id"]
        path = small.registry / "31.yaml"
        path.write_text(path.read_text().replace("ages: [0, 12]", "ages: [12, 0]"))  # broken meanwhile, by hand
        broken = path.read_bytes()
        before = os.path.realpath(small.data_dir / "current")
        response = c.post(f"/v1/proposals/{ident}/accept", headers=AUTH)
        assert response.status_code == 422 and response.json()["problems"]
        assert path.read_bytes() == broken and os.path.realpath(small.data_dir / "current") == before
        assert c.get(f"/v1/proposals/{ident}").json()["state"] == "pending"


def test_a_new_instance_and_a_new_source_are_proposed_in_the_registry_format(small):
    entry = {"id": "clsm-muret", "type": "CLSM", "name": "CLSM de Muret", "level": "local",
             "status": [{"value": "active", "from": "2024-01-01"}],
             "coverage": [{"territory": "commune:31395"}]}
    with _app(small) as c:
        new = c.post("/v1/proposals", json={"kind": "instance", "file": "31.yaml", "entry": entry, "source": SOURCE,
                                            "excerpt": "le CLSM de Muret est actif depuis janvier 2024"})
        assert new.status_code == 201, new.text
        assert "+  - id: clsm-muret" in new.json()["diff"]
        attested = c.post("/v1/proposals", json={"kind": "source", "instance": "ilc-toulouse-sud", "record": "status[-1]",
                                                 "source": {"ref": "rap31-2019"}, "excerpt": "Nous sommes dans l'attente"})
        assert attested.status_code == 201, attested.text
        assert c.get("/v1/proposals").json()["count"] == 2
        accepted = c.post(f"/v1/proposals/{new.json()['id']}/accept", headers=AUTH)
        assert accepted.status_code == 200, accepted.text
        assert "CLSM de Muret" in _names(c)


def test_the_rate_window_slides_and_counts_each_client_apart():
    from api.rate import SlidingWindow
    from core.errors import RateLimited

    now = [0.0]
    window = SlidingWindow(2, seconds=3600, clock=lambda: now[0])
    window.hit("a", "propositions")
    now[0] = 1000
    window.hit("a", "propositions")
    with pytest.raises(RateLimited) as refused:
        window.hit("a", "propositions")
    assert refused.value.retry_after == 2600 and "44 min" in str(refused.value)
    window.hit("b", "propositions")  # another address has its own count
    now[0] = 3600  # the first hit leaves the window: one more may pass, not two
    window.hit("a", "propositions")
    with pytest.raises(RateLimited):
        window.hit("a", "propositions")


# -- the door: files, origins, addresses, caps, what is left behind ---------------------------------------

def _state(*folders: Path) -> dict[str, str]:
    """Every file and link under ``folders`` (links followed: the data folder's cache, ``current``) and
    its content's digest: what a refusal must leave exactly as it was."""
    state = {}
    for folder in folders:
        for root, dirs, files in os.walk(folder, followlinks=True):
            for name in dirs + files:
                path = Path(root) / name
                if path.is_symlink():
                    state[str(path)] = "-> " + os.readlink(path)
                elif path.is_file():
                    state[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
                else:
                    state[str(path)] = "folder"
    return state


def _sandboxes() -> list[str]:
    return sorted(p.name for p in Path(tempfile.gettempdir()).glob(".maillage-validate*"))


def _everything(small, *outside: Path) -> tuple:
    return _state(small.registry, small.data_dir, *outside), os.path.realpath(small.data_dir / "current"), _sandboxes()


def test_a_file_named_outside_the_registry_is_refused_and_nothing_anywhere_changes(small, tmp_path):
    outside = tmp_path / "autre"
    outside.mkdir()
    (outside / "config.yaml").write_text("password: secret\n" + (small.registry / "31.yaml").read_text())
    (outside / "notes.txt").write_text("password: secret\n")
    (small.registry / "lien.yaml").symlink_to(outside / "config.yaml")
    entry = {"id": "clsm-muret", "type": "CLSM", "name": "CLSM de Muret", "level": "local",
             "status": [{"value": "active", "from": "2024-01-01"}], "coverage": [{"territory": "commune:31395"}]}
    new = {"kind": "instance", "entry": entry, "source": SOURCE, "excerpt": "le CLSM de Muret est actif"}
    live_file = str(small.registry / "31.yaml")
    with _app(small, proposals_per_hour=100) as c:
        before = _everything(small, outside, tmp_path.parent / "a.yaml")
        answers = {}
        for name in (str(outside / "config.yaml"), "../../a.yaml", "../autre/config.yaml", "lien.yaml", live_file,
                     live_file + "\n", str(outside / "notes.txt"), str(outside / "absent.yaml"), "absent/../31.yaml"):
            for proposal in ({**new, "file": name}, {**RENAME, "file": name}):
                answer = c.post("/v1/proposals", json=proposal)
                assert answer.status_code == 422, (name, answer.text)
                assert str(tmp_path) not in answer.text and "password" not in answer.text
                answers[name, proposal["kind"]] = answer.json()
        # no oracle: an existing non-YAML file and a missing one outside are answered alike
        assert answers[str(outside / "notes.txt"), "instance"] == answers[str(outside / "absent.yaml"), "instance"]
        assert answers["lien.yaml", "correction"]["error"] == "RegistryFileRefused"
        assert "c'est un lien" in answers["lien.yaml", "correction"]["message"]
        # the validate endpoint (with the token) takes the same names only
        for name in ("../x.yaml", live_file, "lien.yaml"):
            bad = c.post("/v1/admin/registry/validate", params={"filename": name}, content=b"instances: []\n", headers=AUTH)
            assert bad.status_code == 422 and str(tmp_path) not in bad.text, (name, bad.text)
        assert c.get("/v1/proposals").json()["count"] == 0
        assert _everything(small, outside, tmp_path.parent / "a.yaml") == before
        assert not (tmp_path.parent / "a.yaml").exists()
        # and the next build, run for another reason, publishes the registry as it was
        live = build_info(current_build(small.data_dir))["registry_files"]["31.yaml"]
        (small.registry / "lien.yaml").unlink()  # a link in the registry is the operator's to remove
        assert c.post("/v1/admin/builds", headers=AUTH).status_code == 200
        assert build_info(current_build(small.data_dir))["registry_files"]["31.yaml"] == live
    assert (outside / "config.yaml").read_text().startswith("password: secret\n")


def test_no_public_message_names_a_folder_of_the_machine(small):
    with _app(small) as c:
        for answer in (c.get("/v1/changes", params={"since": "x"}), c.get("/v1/changes", params={"since": "../../etc"})):
            assert answer.status_code == 422
            assert str(small.data_dir) not in answer.text and os.path.realpath(small.data_dir) not in answer.text
            assert "le dossier de données" in answer.json()["message"]


def test_proposals_leave_nothing_behind_in_the_data_folder_its_cache_or_the_temporary_folder(small):
    cache = os.path.realpath(small.data_dir / "cache")
    with _app(small) as c:
        before = _everything(small, Path(cache))
        broken = c.post("/v1/proposals", json={**RENAME, "record": "coverage[0]", "set": {"ages": [12, 3]}})
        assert broken.status_code == 422 and broken.json()["problems"]
        assert c.post("/v1/proposals", json={**RENAME, "comment": "06 12 34 56 78"}).status_code == 422
        assert _everything(small, Path(cache)) == before  # refused: nothing at all, not even a folder
        ident = c.post("/v1/proposals", json=RENAME).json()["id"]
        after = _state(small.registry, small.data_dir, Path(cache))
        added = sorted(set(after) - set(before[0]))
        folder = small.data_dir / "proposals"
        assert added == [str(folder), str(folder / "pending"), str(folder / "pending" / f"{ident}.json")]
        assert {k: v for k, v in after.items() if k not in added} == before[0]  # the live cache untouched
        assert _sandboxes() == before[2]


def test_writes_must_be_json_and_are_closed_to_other_origins(small):
    page = {"Origin": "https://ailleurs.example"}
    with _app(small) as c:
        plain = c.post("/v1/proposals", content=json.dumps(RENAME), headers={**page, "Content-Type": "text/plain"})
        assert plain.status_code == 415 and "application/json" in plain.json()["message"]
        assert "access-control-allow-origin" not in plain.headers
        form = c.post("/v1/proposals", data={"kind": "correction"}, headers=page)
        assert form.status_code == 415 and "access-control-allow-origin" not in form.headers
        preflight = c.options("/v1/proposals", headers={**page, "Access-Control-Request-Method": "POST",
                                                         "Access-Control-Request-Headers": "content-type"})
        assert preflight.status_code == 400 and "access-control-allow-origin" not in preflight.headers
        sent = c.post("/v1/proposals", json=RENAME, headers=page)  # a client that is not a browser may send it
        assert sent.status_code == 201 and "access-control-allow-origin" not in sent.headers
        accepted = c.post(f"/v1/proposals/{sent.json()['id']}/refuse", json={"reason": "Doublon."}, headers={**page, **AUTH})
        assert accepted.status_code == 200 and "access-control-allow-origin" not in accepted.headers
        read = c.get("/v1/proposals", headers=page)
        assert read.status_code == 200 and read.headers["access-control-allow-origin"] == "*"
        assert c.options("/v1/proposals", headers={**page, "Access-Control-Request-Method": "GET"}).status_code == 200
    assert _pending(small) == []


def test_every_proposal_counts_against_everyone_s_bound(small):
    app = create_app(dataclasses.replace(small, api_token=TOKEN, proposals_per_hour=5, proposals_per_hour_all=3))
    refused = {**RENAME, "comment": "06 12 34 56 78"}
    with TestClient(app) as first:
        assert first.post("/v1/proposals", json=refused).status_code == 422
        for address in ("192.0.2.1", "192.0.2.2"):
            other = TestClient(app, client=(address, 40000))
            assert other.post("/v1/proposals", content=b"x", headers={"Content-Type": "text/plain"}).status_code == 415
        fourth = TestClient(app, client=("192.0.2.3", 40000)).post("/v1/proposals", json=RENAME)
        assert fourth.status_code == 429 and "pour tout le service" in fourth.json()["message"]
    assert _pending(small) == []


def test_x_forwarded_for_does_not_make_new_clients_of_a_real_server(small):
    from running import running_service  # uvicorn as started by hand: it trusts X-Forwarded-For from 127.0.0.1

    refused = json.dumps({**RENAME, "comment": "06 12 34 56 78"}).encode()
    statuses = []
    with running_service(small, env={"MAILLAGE_PROPOSALS_PER_HOUR": "2"}) as url:
        for i in range(4):
            request = urllib.request.Request(url + "/v1/proposals", data=refused, method="POST", headers={
                "Content-Type": "application/json", "X-Forwarded-For": f"198.51.100.{i}"})
            try:
                with urllib.request.urlopen(request, timeout=30) as answer:
                    statuses.append(answer.status)
            except urllib.error.HTTPError as err:
                statuses.append(err.code)
    assert statuses == [422, 422, 429, 429]


def test_the_client_address_is_the_socket_s_unless_a_named_proxy_says_otherwise():
    from api.rate import UNDECLARED_PROXY, client_address, trusted_networks

    none, proxies = trusted_networks(""), trusted_networks("127.0.0.1, 10.0.0.0/8")
    assert client_address("203.0.113.9", ["198.51.100.1"], none) == "203.0.113.9"  # the header is not read
    assert client_address("198.51.100.1", ["198.51.100.1"], none) == UNDECLARED_PROXY  # replaced by the server
    assert client_address("127.0.0.1", ["1.1.1.1, 198.51.100.7"], proxies) == "198.51.100.7"  # what the proxy saw
    assert client_address("10.1.2.3", ["198.51.100.7, 10.0.0.2"], proxies) == "198.51.100.7"  # two proxies
    assert client_address("203.0.113.9", ["198.51.100.7"], proxies) == "203.0.113.9"  # not a proxy: the socket
    assert client_address("127.0.0.1", [], proxies) == "127.0.0.1"
    with pytest.raises(ValueError, match="MAILLAGE_TRUSTED_PROXIES"):
        trusted_networks("proxy.local")
