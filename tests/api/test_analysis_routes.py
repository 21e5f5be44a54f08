"""The analysis over HTTP: the same answers as the library, as JSON pages, CSV and a map layer."""

from __future__ import annotations

import csv
import io

from core import jsonable
from analysis.ask import gaps_in, network_of, overlaps_in


def test_overlaps_are_the_library_answer_as_pages(client, backend):
    expected = jsonable.plain(overlaps_in(backend, "departement:31").overlaps)
    assert expected  # the DAC 31 and the RAP 31 network (related types) share Haute-Garonne
    first = client.get("/v1/overlaps", params={"territory": "departement:31", "limit": 1}).json()
    assert first["total"] == len(expected) and first["items"] == expected[:1]
    assert (first["next"] is None) == (len(expected) == 1)


def test_overlaps_of_one_type(client, backend):
    """The three CPTS of Nice, listed under each of them by the ARS, overlap pairwise."""
    expected = jsonable.plain(overlaps_in(backend, "departement:06", type="CPTS").overlaps)
    body = client.get("/v1/overlaps", params={"territory": "departement:06", "type": "CPTS"}).json()
    assert body["items"] == expected and {(o["a_type"], o["b_type"]) for o in expected} == {("CPTS", "CPTS")}
    assert len({frozenset((o["a_name"], o["b_name"])) for o in expected if "Nice" in o["a_name"] + o["b_name"]}) == 3
    refused = client.get("/v1/overlaps", params={"type": "XYZ"})
    assert refused.status_code == 422 and "XYZ" in refused.json()["message"]


def test_gaps_json_and_csv(client, backend):
    params = {"territory": "departement:31", "type": "ILC", "ages": "0-12", "on": "2020-06-01"}
    body = client.get("/v1/gaps", params=params).json()
    expected = jsonable.plain(gaps_in(backend, "departement:31", "ILC", "0-12", None, "2020-06-01"))
    assert (body["territory"], body["on"], body["items"], body["total"]) == (
        expected["territory"], expected["on"], expected["reports"], len(expected["reports"]))
    rows = list(csv.DictReader(io.StringIO(client.get("/v1/gaps", params={**params, "format": "csv"}).text)))
    by_code = {r["code"]: r["statut"] for r in rows}
    assert len(rows) == 586 and by_code["31483"] == "couvert" and by_code["31555"] == "lacune"
    assert by_code["31395"] == "en projet"  # the Toulouse-Sud ILC is planned: not coverage


def test_gaps_as_xlsx_keep_populations_as_numbers(client, backend):
    from openpyxl import load_workbook

    sheet = client.get("/v1/gaps", params={"territory": "departement:48", "type": "CPTS", "format": "xlsx"})
    header, *rows = load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True)
    population = header.index("population")
    assert len(rows) == 152 and all(isinstance(r[population], int) for r in rows)
    mende = next(r for r in rows if r[header.index("code")] == "48095")
    assert mende[population] == backend.tables.communes["48095"].population > 10_000


def test_gap_layer_for_the_map(client):
    layer = client.get("/v1/layers/gaps", params={"territory": "departement:48", "type": "CPTS", "on": "2026-12-01"}).json()
    assert set(layer["legend"]) == {"couvert", "en projet", "suspendu", "lacune", "inconnu", "type non recensé",
                                    "hors registre"}
    statuses = {c["status"] for c in layer["communes"]}
    # the CPTS Terre des Sources covers the east (deduced), the CPTS Ouest Lozère is planned on the west
    assert statuses == {"couvert", "en projet", "inconnu"} and len(layer["communes"]) == 152
    assert layer["counts"] == {s: sum(1 for c in layer["communes"] if c["status"] == s) for s in layer["legend"]}
    planned = next(c for c in layer["communes"] if c["status"] == "en projet")
    assert planned["instances"]


def test_network_json_and_csv(client, backend):
    body = client.get("/v1/network", params={"territory": "departement:31"}).json()
    assert body == jsonable.plain(network_of(backend, "departement:31"))
    text = client.get("/v1/network", params={"territory": "departement:31"}, headers={"Accept": "text/csv"}).text
    assert text.splitlines()[0].startswith("actor,name,sectors")


def test_analysis_errors_are_french_and_typed(client):
    assert client.get("/v1/gaps", params={"territory": "Haute-Garonne"}).status_code == 422
    assert "type" in client.get("/v1/layers/gaps", params={"territory": "departement:48"}).json()["message"]
    bad_public = client.get("/v1/gaps", params={"territory": "departement:48", "type": "CPTS", "public": "martiens"})
    assert bad_public.status_code == 422 and "Public" in bad_public.json()["message"]


def test_the_coverage_and_gaps_layers_agree_on_what_is_covered(client, backend):
    """The two layers read the same rule: where one says covered (or planned, or suspended) the other
    does, with the same instances."""
    same = {"couverte": "couvert", "en-projet": "en projet", "suspendue": "suspendu", "inconnue": "inconnu",
            "non-couverte": None, "type-non-recense": "type non recensé", "hors-registre": "hors registre"}
    for params in ({"territory": "departement:31", "type": "ILC", "ages": "0-12", "on": "2020-06-01"},
                   {"territory": "departement:48", "type": "CPTS", "on": "2026-12-01"},
                   {"territory": "departement:31", "type": "DAC", "on": "2024-06-01"}):
        coverage = {c["code"]: c for c in client.get("/v1/layers/coverage", params=params).json()["communes"]}
        gaps = {c["code"]: c for c in client.get("/v1/layers/gaps", params=params).json()["communes"]}
        assert coverage.keys() == gaps.keys() and any(c["instances"] for c in gaps.values()), params
        for code, c in coverage.items():
            assert gaps[code]["instances"] == c["instances"], (params, code)
            expected = same[c["status"]]
            assert gaps[code]["status"] == expected or (expected is None and gaps[code]["status"] in ("lacune", "inconnu"))
