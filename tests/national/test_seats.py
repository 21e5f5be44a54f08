"""The national files read whole, as seats (never coverages), with their provenance; the seats near a
commune; the seats layer; a seat matching a registry instance linked to it."""

from __future__ import annotations

import datetime as dt
import shutil
import textwrap
from collections import Counter
from pathlib import Path

import pytest

from core.errors import RegistryInvalid
from core.settings import PROJECT_ROOT, Settings
from ingest import finess, geography, national_sources, seats
from ingest.build import build
from queries.seats import nearby, seats_layer
from store.session import open_backend

SHARED = Settings.from_env().documents
NATIONAL = SHARED / "reference" / "national"
pytestmark = [pytest.mark.skipif(not NATIONAL.is_dir(), reason="the shared documents hold the national files"), pytest.mark.integration]


@pytest.fixture(scope="module")
def geo():
    return geography.load(Settings.from_env().geography)


def _read(name, geo):
    source = national_sources.source(name)
    path, digest, problem = seats.file_of(source.description, SHARED)
    assert problem is None and digest == source.sha256
    return source.read(source.description, path, digest, geo)


def test_france_services_loads_whole(geo):
    read = _read("france-services", geo)
    assert read.rows == len(read.seats) == 2845 and not read.skipped
    by_departement = Counter(geo.communes[s.commune].departement for s in read.seats)
    assert by_departement["31"] == 27 and by_departement["48"] == 20
    assert len(by_departement) == 102  # every département the list names
    paris = [s for s in read.seats if "75112" in s.excerpt]
    assert paris and all(s.commune == "75056" for s in paris)  # an arrondissement is seated in Paris


def test_finess_loads_active_establishments_of_scheme_types(geo):
    read = _read("finess", geo)
    found = {s.finess: s for s in read.seats}
    kinds = Counter(s.type for s in read.seats)
    assert {"LHSS", "LAM", "ACT", "EMSP"} <= set(kinds)
    assert found["690021878"].type == "LHSS" and found["690021878"].commune == "69266"  # Villeurbanne
    assert found["690041546"].type == "LAM" and found["690041546"].commune == "69123"  # Lyon 5e → Lyon
    assert found["140025099"].type == "ACT" and found["140025099"].opened == dt.date(2004, 5, 26)
    assert found["2A0004040"].commune == "2A004"
    # closed: LAM 780031589 (closed 2024-06-10), EMSP 310035423 (inactive): not seats
    assert "780031589" not in found and "310035423" not in found and "780029476" in found
    assert read.skipped["établissement fermé ou inactif"] == 11


def test_a_closed_establishment_is_not_active():
    record = {"etatObjet": "A", "informationsGeneralesEGE": {"dateOuverture": "2022-11-16", "dateFermeture": "2024-06-10"}}
    assert finess.active(record, dt.date(2023, 1, 1))
    assert not finess.active(record, dt.date(2024, 6, 10))
    assert not finess.active({**record, "etatObjet": "I"}, dt.date(2023, 1, 1))
    assert not finess.active(record, dt.date(2020, 1, 1))  # not opened yet


def test_a_changed_file_is_refused(tmp_path):
    desc = national_sources.source("france-services").description
    (tmp_path / desc["file"]).parent.mkdir(parents=True)
    (tmp_path / desc["file"]).write_text("id_fs\n1\n")
    _, _, problem = seats.file_of(desc, tmp_path)
    assert problem is not None and problem.rule == "empreinte-source" and desc["file"] == problem.file
    assert seats.file_of(desc, tmp_path / "elsewhere") == (None, None, None)


def test_seat_shapes_report_the_file_and_row(geo, tmp_path):
    from ingest.validate import validate_seats
    from store.caches import Caches

    read = _read("finess", geo)
    bad = read.seats[0].__class__(**{**read.seats[0].__dict__, "latitude": "123.5", "finess": "12345"})
    read.seats[:] = [bad]
    problems = validate_seats(seats.seat_triples(read), {bad.commune}, geo, Caches(tmp_path),
                              lambda focus: ("finess.json.gz", f"ligne {bad.row}", ""))
    assert {p.rule for p in problems} >= {"MaxInclusive lat", "Pattern finess"}
    assert all(p.entry == f"ligne {bad.row}" for p in problems)
    assert not list(tmp_path.glob("seat-verdicts/*"))  # a refused verdict is not remembered


def test_seats_in_the_national_build(backend):
    rows = backend.run("seats")
    assert sum(1 for r in rows if r["type"] == "FS") == 2845
    assert all(r["source"] and r["row"] >= 1 for r in rows)
    # a seat is never a coverage: no coverage names a seat's node
    coverages = {r["coverage"] for r in backend.run("coverages")}
    assert not any("/seat/" in c for c in coverages)


def test_who_covers_mende_lists_the_nearest_france_services(national):
    b = open_backend(national)
    answer = nearby(b, "Mende")
    fs = next(g for g in answer.groups if g.type == "FS")
    assert fs.seats[0].commune == "48095" and fs.seats[0].distance_km < 5
    assert [s.distance_km for s in fs.seats] == sorted(s.distance_km for s in fs.seats)
    assert {g.type for g in answer.groups} >= {"FS", "LHSS", "LAM", "ACT", "EMSP"}
    layer = seats_layer(b, "departement", "48", type="FS")
    assert len(layer["features"]) == 20 and layer["features"][0]["geometry"]["type"] == "Point"
    b.close()


def test_cli_who_covers_has_the_nearby_section(national):
    from click.testing import CliRunner

    from cli import cli

    done = CliRunner().invoke(cli, ["--data-dir", str(national.data_dir), "--registry", str(national.registry),
                                    "who-covers", "Mende", "--on", "2024-06-01"])
    assert done.exit_code == 0, done.output
    section = done.output.split("À proximité de Mende", 1)[1]
    assert "■ FS · France services" in section and "km · France services de Mende (Mende)" in section


REGISTRY = """\
scope: {departement: "69"}
sources:
  finess:
    title: "FINESS, flux structures (échantillon)"
    file: seeds/finess-extrait.txt
    date: 2026-08-13
actors:
  - id: crf-69
    name: "Croix-Rouge française (Rhône)"
    kind: association
    siren: "775672272"
    based_in: commune:69266
    source: {ref: finess, excerpt: "CROIX ROUGE FRANCAISE"}
instances:
  - id: lhss-villeurbanne
    type: LHSS
    name: "LHSS Villa d'Hestia"
    finess: "690021878"
    siret: "77554456201130"
    source: {ref: finess, excerpt: "LHSS VILLA D'HESTIA - VILLEURBANNE"}
    roles:
      - {role: carrier, actor: crf-69, source: {ref: finess, excerpt: "CROIX ROUGE FRANCAISE"}}
    coverage:
      - {territory: departement:69, source: {ref: finess, excerpt: "LHSS VILLA D'HESTIA"}}
  - id: act-villeurbanne
    type: ACT
    name: "ACT Villa d'Hestia"
    source: {ref: finess, excerpt: "ACT VILLA D'HESTIA - VILLEURBANNE"}
    roles:
      - {role: carrier, actor: crf-69, source: {ref: finess, excerpt: "CROIX ROUGE FRANCAISE"}}
    coverage:
      - {territory: departement:69, source: {ref: finess, excerpt: "ACT VILLA D'HESTIA"}}
"""


@pytest.fixture(scope="module")
def linked(tmp_path_factory, geography_cache):
    root = tmp_path_factory.mktemp("linked")
    (root / "registry").mkdir()
    (root / "registry" / "69.yaml").write_text(REGISTRY, encoding="utf-8")
    (root / "var").mkdir()
    (root / "var" / "cache").symlink_to(geography_cache, target_is_directory=True)
    # the documents: the real national files, and the words the test registry cites
    shared = root / "shared"
    (shared / "reference").mkdir(parents=True)
    (shared / "reference" / "national").symlink_to(NATIONAL, target_is_directory=True)
    (shared / "seeds").mkdir()
    (shared / "seeds" / "finess-extrait.txt").write_text(
        "CROIX ROUGE FRANCAISE : LHSS VILLA D'HESTIA - VILLEURBANNE ; ACT VILLA D'HESTIA - VILLEURBANNE\n", encoding="utf-8")
    settings = Settings.from_env(data_dir=root / "var", registry=root / "registry", backend="embedded", documents=shared)
    build(settings)
    return settings


def test_a_finess_seat_is_linked_to_its_registry_instance(linked):
    b = open_backend(linked)
    rows = {r["key"]: r for r in b.run("seats")}
    assert rows["finess-690021878"]["instance"].endswith("/instance/lhss-villeurbanne")  # same FINESS number
    assert rows["finess-690014808"]["instance"].endswith("/instance/act-villeurbanne")  # same type and commune
    assert rows["finess-690041546"]["instance"] is None  # LAM in Lyon: no instance of that type
    assert len([r for r in rows.values() if r["instance"]]) == 2
    b.close()


def test_identifiers_reach_every_format_and_the_search(linked):
    from fastapi.testclient import TestClient
    from fhir.resources.R4B.bundle import Bundle

    from api.app import create_app

    with TestClient(create_app(linked)) as c:
        assert [a["id"] for a in c.get("/v1/actors", params={"identifier": "775672272"}).json()["items"]] == ["crf-69"]
        assert [i["id"] for i in c.get("/v1/instances", params={"identifier": "690021878"}).json()["items"]] == ["lhss-villeurbanne"]
        assert c.get("/v1/actors", params={"identifier": "000000000"}).json()["total"] == 0
        assert '"775672272"' in c.get("/id/actor/crf-69?format=nt").text
        fhir = c.get("/v1/exports/fhir").json()
        Bundle.model_validate(fhir)
        service = next(e["resource"] for e in fhir["entry"] if e["resource"]["id"] == "lhss-villeurbanne")
        assert {"system": "urn:oid:1.2.250.1.71.4.2.2", "value": "690021878"} in service["identifier"]
        assert service["providedBy"] == {"reference": "Organization/crf-69"}
        di = c.get("/v1/exports/data-inclusion").json()
        assert {s["id"]: s for s in di["structures"]}["maillage--crf-69"]["siret"] is None  # a SIREN is not a SIRET
        assert "690021878" in c.get("/v1/dumps/couvertures.csv").text
