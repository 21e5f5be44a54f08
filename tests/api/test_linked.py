"""Linked data: an IRI's path answers Turtle, JSON-LD (with the published context), N-Triples or HTML,
and each parses to the very triples of the store."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
from pyld import jsonld
from rdflib import Graph
from rdflib.compare import isomorphic

from store import rdf
from national_files import NEEDS_NATIONAL_FILES


IRI = "https://w3id.org/maillage/instance/dac-31"


@pytest.fixture(scope="module")
def expected(national):
    store, _ = rdf.open_store(national.data_dir)
    triples = rdf.describe(store, IRI)
    assert len(triples) > 20  # the instance, its coverages, roles, statuses and their derivations
    return Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode(), format="nt")


def test_turtle_of_an_instance_is_the_store(client, expected):
    r = client.get("/id/instance/dac-31", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    assert "Accept" in [v.strip() for v in r.headers["vary"].split(",")]  # (CORS adds Origin)
    assert isomorphic(Graph().parse(data=r.text, format="turtle"), expected)


def test_ntriples_of_an_instance_is_the_store(client, expected):
    r = client.get("/id/instance/dac-31?format=nt")
    assert r.headers["content-type"].startswith("application/n-triples")
    assert isomorphic(Graph().parse(data=r.text, format="nt"), expected)


def test_jsonld_expands_with_the_published_context_to_the_store(client, expected):
    r = client.get("/id/instance/dac-31", headers={"Accept": "application/ld+json"})
    assert r.headers["content-type"].startswith("application/ld+json")
    document = r.json()
    assert document["@context"].endswith("/ns/context.jsonld")
    context = client.get("/ns/context.jsonld").json()

    def loader(url, options=None):
        assert url == document["@context"]
        return {"contextUrl": None, "documentUrl": url, "document": context}

    expanded = jsonld.expand(document, {"documentLoader": loader})
    assert all(key.startswith(("@", "http")) for node in expanded for key in node)
    nquads = jsonld.to_rdf(expanded, {"format": "application/n-quads"})
    assert isomorphic(Graph().parse(data=nquads, format="nt"), expected)


def test_a_browser_gets_the_page_with_a_link_to_the_map(client):
    r = client.get("/id/instance/dac-31", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert r.headers["content-type"].startswith("text/html")
    assert 'href="/carte/' in r.text and "DAC 31" in r.text and "/id/actor/" in r.text
    for path in ("/id/actor/rap31", "/id/commune/48095", "/id/departement/31"):
        page = client.get(path, headers={"Accept": "text/html"})
        assert page.status_code == 200 and "<h1>" in page.text, path


@NEEDS_NATIONAL_FILES
def test_a_seat_has_its_page_and_its_triples(client):
    page = client.get("/id/seat/fs-1", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "<h1>" in page.text
    assert "France services" in client.get("/id/seat/fs-1").text


def test_every_kind_of_node_and_the_errors(client):
    assert "Mende" in client.get("/id/commune/48095").text  # Turtle by default
    assert client.get("/id/type/DAC", headers={"Accept": "text/turtle"}).status_code == 200
    # a key that is no IRI at all (a space, a brace, a quote) names nothing either
    for path in ("/id/instance/nope", "/id/nothing/x", "/id/instance/a%20b", "/id/actor/%7B%22x%22%7D"):
        r = client.get(path)
        assert r.status_code == 404 and r.json()["error"] == "NotFound", path
    assert client.get("/id/instance/dac-31?format=xml").status_code == 422
    assert client.get("/id/instance/" + "x" * 400).status_code == 422  # beyond the bound on identifiers
    assert client.get("/id/ontology").text.startswith("#")
