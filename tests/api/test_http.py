"""HTTP semantics every route keeps: HEAD wherever GET (RFC 9110 §9.3.2), with the same status and
header fields and no content; every ``/id/…`` HTML page links its other formats (``<link
rel="alternate" type=…>``), each of which describes the same triples."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

#: paths besides the OpenAPI's (the map's files, the docs pages, the linked data a page links to)
OTHERS = ["/carte/", "/carte/app.js", "/docs", "/redoc", "/openapi.json", "/id/commune/31555", "/id/instance/dac-31",
          "/id/commune/31555?format=nt", "/ns/context.jsonld", "/id/ontology", "/v1/who-covers?place=Muret&ages=0-12",
          "/v1/places?q=31600", "/v1/instances?type=DAC", "/v1/instances?type=DAC&format=csv", "/sparql?query=ASK%20%7B%7D",
          "/v1/who-covers?place=Nowhere-sur-Mer", "/v1/dumps/maillage.ttl", "/id/fhir/StructureDefinition/coverage-period"]
VARYING = {"date", "x-maillage-truncated"}


def _example(parameter: dict) -> str | None:
    schema = parameter.get("schema", {})
    examples = parameter.get("examples") or schema.get("examples")
    if isinstance(examples, dict):
        examples = [e.get("value") for e in examples.values()]
    return str(examples[0]) if examples else None


def _get_paths(client) -> list[str]:
    """Every GET operation of the published OpenAPI, its path parameters filled with their examples."""
    paths = []
    for template, operations in client.get("/openapi.json").json()["paths"].items():
        if "get" not in operations:
            continue
        path = template
        for parameter in operations["get"].get("parameters", []):
            if parameter["in"] == "path":
                path = path.replace("{" + parameter["name"] + "}", _example(parameter) or "x")
        paths.append(path)
    return paths


def test_head_wherever_get(client):
    paths = _get_paths(client) + OTHERS
    assert len(paths) >= 55
    for path in paths:
        got = client.get(path)
        head = client.head(path)
        assert head.status_code == got.status_code, path
        assert head.content == b"", path
        same = {k: v for k, v in got.headers.items() if k not in VARYING}
        assert {k: v for k, v in head.headers.items() if k not in VARYING} == same, path
        if "content-length" in got.headers:
            assert int(head.headers["content-length"]) == len(got.content), path


def test_head_is_allowed_where_get_is(client):
    refused = client.post("/v1/health")
    assert refused.status_code == 405 and refused.headers["allow"] == "GET, HEAD"
    write_only = client.head("/v1/admin/builds")
    assert write_only.status_code == 405 and write_only.headers["allow"] == "POST" and write_only.content == b""


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.alternates: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("rel") == "alternate":
            self.alternates.append(attrs)


PARSERS = {"text/turtle": "turtle", "application/n-triples": "nt", "application/ld+json": "json-ld"}


@pytest.mark.parametrize("path", ["/id/commune/31555", "/id/instance/dac-31", "/id/actor/rap31", "/id/departement/31",
                                  "/id/region/76", "/id/territoire/toulouse-sud", "/id/type/DAC", "/id/public/enfants"])
def test_every_id_page_links_its_formats(client, path):
    page = client.get(path, headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    links = _Links()
    links.feed(page.text)
    assert sorted(a["type"] for a in links.alternates) == sorted(PARSERS)
    graphs = []
    for alternate in links.alternates:
        answer = client.get(alternate["href"])
        assert answer.status_code == 200 and answer.headers["content-type"].split(";")[0] == alternate["type"]
        data = answer.content
        if alternate["type"] == "application/ld+json":  # its context inline: rdflib would fetch it over the network
            document = json.loads(data)
            document["@context"] = client.get("/ns/context.jsonld").json()["@context"]
            data = json.dumps(document)
        graphs.append(Graph().parse(data=data, format=PARSERS[alternate["type"]]))
    assert len(graphs[0]) > 0 and all(isomorphic(graphs[0], g) for g in graphs[1:])


def test_the_catalogue_page_links_its_formats_too(client):
    links = _Links()
    links.feed(client.get("/v1/catalogue", headers={"Accept": "text/html"}).text)
    assert {a["type"] for a in links.alternates} == set(PARSERS)
