"""POST /v1/scenarios: public, bounded, JSON only, answered as JSON, CSV or an XLSX workbook."""

from __future__ import annotations

import dataclasses
import io
import json

from fastapi.testclient import TestClient

from api.app import create_app

CPTS = {"on": "2026-12-01", "changes": [{"kind": "new", "type": "CPTS", "perimeter": ["epci:244800470"]}]}


def test_a_scenario_is_answered_without_a_token(client):
    answer = client.post("/v1/scenarios", json=CPTS)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["on"] == "2026-12-01" and body["instances"] == ["hypothese-1"]
    assert len(body["communes"]) == 12 and {c["after"] for c in body["communes"]} == {"couvert"}
    assert body["moves"][0]["departement"] == "48" and body["balances"][0]["departement_name"] == "Lozère"
    assert body["notes"][0].startswith("Hypothèse calculée en mémoire")
    assert "access-control-allow-origin" not in answer.headers


def test_its_tables_as_csv_and_xlsx(client):
    csv = client.post("/v1/scenarios?format=csv", json=CPTS)
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    lines = csv.text.splitlines()
    assert lines[0].startswith("code,commune,departement,population") and len(lines) == 13
    moves = client.post("/v1/scenarios?format=csv-excel&table=mouvements", json=CPTS)
    assert moves.text.startswith("\ufeffdepartement;departement_name;type") and "couvert" in moves.text
    book = client.post("/v1/scenarios", json=CPTS, headers={"Accept": "application/vnd.openxmlformats-officedocument."
                                                                       "spreadsheetml.sheet"})
    from openpyxl import load_workbook

    sheets = load_workbook(io.BytesIO(book.content))
    assert sheets.sheetnames == ["departements", "mouvements", "communes", "chevauchements"]
    assert sheets["communes"].max_row == 13


def test_refusals_are_french_and_name_the_entry(client):
    bad = client.post("/v1/scenarios", json={"changes": [{"kind": "end", "instance": "dac-31"}, {"kind": "end", "instance": "nope"}]})
    assert bad.status_code == 422
    assert bad.json()["message"] == ("Scénario refusé (corps de la requête, changement 2) : dispositif « nope » inconnu du registre "
                                     "(ni du scénario).")
    assert client.post("/v1/scenarios", content=b"{", headers={"Content-Type": "application/json"}).status_code == 422
    form = client.post("/v1/scenarios", data={"changes": "x"})
    assert form.status_code == 415 and "JSON" in form.json()["message"]
    deep = client.post("/v1/scenarios", content=b'{"changes": ' + b"[" * 40 + b"]" * 40 + b"}",
                       headers={"Content-Type": "application/json"})
    assert deep.status_code == 422 and "imbrication" in deep.json()["message"]
    assert client.post("/v1/scenarios?table=tout", json=CPTS).status_code == 422


def test_a_scenario_beyond_its_bound_is_refused_unread(national):
    with TestClient(create_app(dataclasses.replace(national, scenario_kb=1))) as c:
        body = json.dumps({"changes": [{"kind": "new", "type": "CPTS", "perimeter": [f"commune:{48000 + i}" for i in range(200)]}]})
        refused = c.post("/v1/scenarios", content=body, headers={"Content-Type": "application/json"})
        assert refused.status_code == 413 and "MAILLAGE_SCENARIO_KB" in refused.json()["message"]


def test_scenarios_wait_in_their_own_gate_and_are_refused_when_it_is_full(client):
    assert client.post("/v1/scenarios", json=CPTS).status_code == 200  # the gate is made on first use
    gate = client.app.state.service.gates["scenarios"]
    assert gate.workers == 1
    held = 0
    try:
        while gate.full() is None:
            gate._admit()  # places taken as running scenarios would take them
            held += 1
        refused = client.post("/v1/scenarios", json=CPTS)
        assert refused.status_code == 503 and refused.headers["retry-after"]
        assert refused.json()["message"].startswith("Calcul des scénarios saturé")
        assert client.get("/v1/health").status_code == 200  # the other routes answer meanwhile
    finally:
        for _ in range(held):
            gate._release(None)
    assert client.post("/v1/scenarios", json=CPTS).status_code == 200


def test_an_empty_table_keeps_its_header(client):
    end = {"on": "2026-12-01", "changes": [{"kind": "new", "type": "CPTS", "perimeter": ["commune:75056"]}]}
    answer = client.post("/v1/scenarios", json=end).json()
    assert answer["communes"] and answer["overlaps"] == []
    empty = client.post("/v1/scenarios?format=csv&table=chevauchements", json=end)
    assert empty.text.splitlines() == ["change,a,a_name,a_type,b,b_name,b_type,reason,score_before,score_after,"
                                       "population_before,population_after,communes_before,communes_after,departements,"
                                       "inferred,planned"]
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(client.post("/v1/scenarios?format=xlsx", json=end).content))
    assert next(book["chevauchements"].iter_rows(values_only=True))[:3] == ("change", "a", "a_name")
