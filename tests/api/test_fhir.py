"""The FHIR R4 export: ``fullUrl`` ``[base]/[type]/[id]``, every reference resolving to an entry of the
Bundle, a narrative per resource, each extension and code system defined and served under its
canonical URL; validated by ``fhir.resources`` (R4B models) and by HAPI FHIR's validator (offline,
``scripts/fhir-validator.sh``, Java and Maven as the Neo4j tests have them)."""

from __future__ import annotations

import json
import subprocess
import xml.etree.ElementTree as ET

import pytest

from core.namespaces import BASE
from core.settings import PROJECT_ROOT
from queries.fhir_definitions import FHIR_BASE

VALIDATOR = PROJECT_ROOT / "scripts" / "fhir-validator.sh"


@pytest.fixture(scope="module")
def bundle(client) -> dict:
    response = client.get("/v1/exports/fhir")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/fhir+json")
    return response.json()


def _references(node):
    if isinstance(node, dict):
        if isinstance(node.get("reference"), str):
            yield node["reference"]
        for value in node.values():
            yield from _references(value)
    elif isinstance(node, list):
        for value in node:
            yield from _references(value)


def test_every_reference_resolves_inside_the_bundle(bundle):
    full_urls = {entry["fullUrl"] for entry in bundle["entry"]}
    assert len(full_urls) == len(bundle["entry"])
    resolved = 0
    for entry in bundle["entry"]:
        resource = entry["resource"]
        assert entry["fullUrl"] == f"{FHIR_BASE}/{resource['resourceType']}/{resource['id']}"
        base = entry["fullUrl"].rsplit("/", 2)[0]  # FHIR §3.1.0: a relative reference is [type]/[id] of that base
        for reference in _references(resource):
            absolute = reference if "://" in reference else f"{base}/{reference}"
            assert absolute in full_urls, (entry["fullUrl"], reference)
            resolved += 1
    services = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "HealthcareService"]
    # every area and carrier was found and resolved
    assert resolved == sum(len(s["coverageArea"]) for s in services) + sum("providedBy" in s for s in services) > 0


def test_a_narrative_per_resource(bundle):
    for entry in bundle["entry"]:
        text = entry["resource"]["text"]
        div = ET.fromstring(text["div"])  # well-formed XHTML
        assert text["status"] == "generated" and div.tag == "{http://www.w3.org/1999/xhtml}div"
        assert "".join(div.itertext()).strip()


def _canonicals(bundle) -> set[str]:
    found = set()

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("url"), str) and node["url"].startswith(FHIR_BASE):
                found.add(node["url"])
            for key in ("system", "valueSet"):
                if isinstance(node.get(key), str) and node[key].startswith(FHIR_BASE):
                    found.add(node[key])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(bundle)
    return found


@pytest.fixture(scope="module")
def definitions(client, bundle) -> list[dict]:
    """Every definition the Bundle names, fetched at its canonical URL's path (``/id/<path>``), and the
    value set the confidence extension binds."""
    found, todo = {}, sorted(_canonicals(bundle))
    while todo:
        url = todo.pop()
        response = client.get("/id/" + url.removeprefix(BASE))
        assert response.status_code == 200, url
        assert response.headers["content-type"].startswith("application/fhir+json")
        found[url] = response.json()
        assert found[url]["url"] == url
        todo += sorted({v for v in _canonicals(found[url]) if v not in found and v not in todo})
    return list(found.values())


def test_each_extension_and_code_system_is_served_under_its_canonical_url(definitions):
    kinds = sorted((d["resourceType"], d["id"]) for d in definitions)
    assert kinds == [("CodeSystem", "coverage-confidence"), ("CodeSystem", "scheme-types"),
                     ("StructureDefinition", "coverage-confidence"), ("StructureDefinition", "coverage-period"),
                     ("ValueSet", "coverage-confidence")]


def test_the_fhir_models_validate_them(bundle, definitions):
    from fhir.resources.R4B import get_fhir_model_class

    get_fhir_model_class("Bundle").model_validate(bundle)
    for definition in definitions:
        get_fhir_model_class(definition["resourceType"]).model_validate(definition)


def _hapi(tmp_path, resource: dict, definitions: list[dict]) -> list[list[str]]:
    files = []
    for i, found in enumerate([resource, *definitions]):
        files.append(tmp_path / f"{i}.json")
        files[-1].write_text(json.dumps(found, ensure_ascii=False), encoding="utf-8")
    done = subprocess.run(["bash", str(VALIDATOR), "validate", *map(str, files)], capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]
    return [line.split("\t") for line in done.stdout.splitlines() if line.strip()]


def test_hapi_fhirs_validator_finds_no_error_and_no_warning(tmp_path, bundle, definitions):
    broken = json.loads(json.dumps(bundle))
    service = next(e for e in broken["entry"] if e["resource"]["resourceType"] == "HealthcareService")
    service["resource"]["active"] = "oui"
    service["fullUrl"] = BASE + "instance/" + service["resource"]["id"]  # the fullUrl of before
    messages = _hapi(tmp_path, broken, definitions)  # the validator does find what is wrong
    assert any(m[0] == "ERROR" for m in messages) and any(m[2] == "BUNDLE_BUNDLE_POSSIBLE_MATCH_WRONG_FU" for m in messages)
    messages = _hapi(tmp_path, bundle, definitions)
    print(f"\nHAPI FHIR: {len(bundle['entry'])} resources, {len(messages)} message(s)")
    assert [m for m in messages if m[0] in ("FATAL", "ERROR", "WARNING")] == []
    assert not any("Unknown" in m[2] for m in messages)  # every extension and code system known
