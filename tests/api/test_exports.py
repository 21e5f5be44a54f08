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
