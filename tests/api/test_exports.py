"""The field's formats validated by the field's libraries, the dumps and their DCAT-AP catalogue."""

from __future__ import annotations

import gzip
import hashlib

from rdflib import Graph, Namespace, URIRef

from core.settings import Settings

DCAT = Namespace("http://www.w3.org/ns/dcat#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
DCT = Namespace("http://purl.org/dc/terms/")


def test_every_data_inclusion_record_of_the_real_registry_validates(client, backend):
    from data_inclusion.schema.v1 import Service, Structure

    from queries.exports import data_inclusion

    found = data_inclusion(backend)
    instances = {r["instance"] for r in backend.run("coverages")}
    assert len(found["services"]) == len(instances) and found["structures"]
    for record in found["structures"]:
        Structure.model_validate(record)
    for record in found["services"]:
        Service.model_validate(record)
    by_id = {s["id"]: s for s in found["services"]}
    assert by_id["maillage--dac-31"]["zone_eligibilite"] == ["31"]
    assert client.get("/v1/exports/data-inclusion").json()["services"][0]["source"] == "maillage"
    # a région is listed as its départements (the schema has no région code): Occitanie's 13
    assert any(len(s["zone_eligibilite"] or []) == 13 and "48" in s["zone_eligibilite"] for s in found["services"])


def test_the_fhir_bundle_of_the_real_registry_validates(client, backend):
    from fhir.resources.R4B.bundle import Bundle
    from fhir.resources.R4B.healthcareservice import HealthcareService

    from queries.exports import fhir_bundle

    bundle = fhir_bundle(backend)
    Bundle.model_validate(bundle)
    kinds = {}
    for entry in bundle["entry"]:
        kinds.setdefault(entry["resource"]["resourceType"], []).append(entry["resource"])
    assert set(kinds) == {"Organization", "HealthcareService", "Location"}
    locations = {f"Location/{loc['id']}" for loc in kinds["Location"]}
    for service in kinds["HealthcareService"]:
        HealthcareService.model_validate(service)
        assert service["coverageArea"] and {a["reference"] for a in service["coverageArea"]} <= locations
        assert service["eligibility"]
    dac = next(s for s in kinds["HealthcareService"] if s["id"] == "dac-31")
    assert dac["type"][0]["coding"][0]["code"] == "DAC"
    assert client.get("/v1/exports/fhir").json()["resourceType"] == "Bundle"


def test_dumps_and_the_dcat_catalogue(client):
    r = client.get("/v1/catalogue", headers={"Accept": "text/turtle"})
    assert r.status_code == 200
    g = Graph().parse(data=r.text, format="turtle")
    dataset = URIRef("https://w3id.org/maillage/dataset")
    assert (dataset, DCT.license, None) in g and (dataset, DCT.publisher, None) in g
    assert (dataset, DCT.temporal, None) in g and (dataset, DCT.spatial, None) in g and (dataset, DCAT.version, None) in g
    distributions = list(g.objects(dataset, DCAT.distribution))
    names = {str(g.value(d, DCAT.downloadURL)).rsplit("/", 1)[1] for d in distributions}
    assert names == {"maillage.nt.gz", "maillage.ttl", "maillage.jsonld", "couvertures.csv", "sieges.geojson"}
    for d in distributions:
        url = str(g.value(d, DCAT.downloadURL))
        checksum = g.value(d, SPDX.checksum)
        assert g.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        body = client.get(url.replace("http://testserver", "")).content
        assert hashlib.sha256(body).hexdigest() == str(g.value(checksum, SPDX.checksumValue)), url
        assert int(g.value(d, DCAT.byteSize)) == len(body)
    nt = gzip.decompress(client.get("/v1/dumps/maillage.nt.gz").content).decode()
    assert "<https://w3id.org/maillage/instance/dac-31>" in nt
    if (Settings.from_env().documents / "reference" / "national").is_dir():  # the seats' national files
        assert "/seat/fs-1>" in nt
    assert client.get("/v1/dumps/nothing.txt").status_code == 404


def test_the_coverages_csv_says_state_confidence_and_source(client):
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(client.get("/v1/dumps/couvertures.csv").content.decode())))
    assert {"state", "state_label", "state_on", "confidence", "perimeter_confidence", "sources", "source_urls"} <= set(rows[0])
    assert all(r["state"] and r["state_label"] and r["state_on"] and r["confidence"] and r["sources"] for r in rows)
    dac = next(r for r in rows if r["instance_id"] == "dac-31")
    assert (dac["state"], dac["state_label"], dac["perimeter_confidence"]) == ("actif", "actif", "verified")
    planned = next(r for r in rows if r["instance_id"] == "ilc-toulouse-sud")
    assert planned["state_label"] == "en projet" and "RAP 31" in planned["sources"]
    assert any(r["perimeter_confidence"] == "inferred" for r in rows)


def test_the_exports_write_periods_in_french(backend):
    import re

    from queries.exports import data_inclusion, fhir_bundle

    texts = [s["description"] for s in data_inclusion(backend)["services"]]
    texts += [e["resource"]["text"]["div"] for e in fhir_bundle(backend)["entry"]]
    joined = "\n".join(texts)
    assert "au sans" not in joined and "début inconnu au" not in joined and not re.search(r"\d{4}-\d\d-\d\d", joined)
    assert "depuis le 1er juillet 2022, sans fin connue" in joined  # the DAC 31 (opérationnel le 1er juillet 2022)


def test_the_catalogue_by_accept(client):
    browsers = ["text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,"
                "application/signed-exchange;v=b3;q=0.7",  # Chromium
                "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",  # Firefox, Safari
                "application/xhtml+xml"]
    for accept in browsers:
        page = client.get("/v1/catalogue", headers={"Accept": accept})
        assert page.headers["content-type"].startswith("text/html"), accept
        assert page.text.startswith("<!doctype html>") and "catalogue" in page.text and "Accept" in page.headers["vary"]
    linked = client.get("/v1/catalogue", headers={"Accept": "application/ld+json"})
    assert linked.headers["content-type"] == "application/ld+json" and "@graph" in linked.json()
    assert client.get("/v1/catalogue", headers={"Accept": "application/json"}).headers["content-type"] == "application/ld+json"
    turtle = client.get("/v1/catalogue", headers={"Accept": "text/turtle"})
    assert turtle.headers["content-type"].startswith("text/turtle") and "dcat:Dataset" in turtle.text
