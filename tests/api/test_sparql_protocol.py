"""The SPARQL 1.1 Protocol, per the recommendation: the 20 query cases of the W3C protocol tests
(``sparql11/protocol/manifest.ttl`` of the W3C rdf-tests, transcribed: their requests and the
responses they expect), the protocol's dataset, one query per call, well-formed XML for every
literal, and the format spellings clients send; SPARQLWrapper and rdflib's SPARQLStore as clients of
a running service, in every format they ask for."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import shutil
import xml.etree.ElementTree as ET
from urllib.parse import quote, urlencode

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from rdflib import Graph

from api.app import create_app
from store.builds import current_build

KASEI = "http://kasei.us/2009/09/sparql/data/"
D0, D1, D2, D3 = (f"{KASEI}data{i}.rdf" for i in range(4))
RESULTS_XML = "{http://www.w3.org/2005/sparql-results#}"
BOOLEAN = ("application/sparql-results+json", "application/sparql-results+xml")
TABULAR = (*BOOLEAN, "text/csv", "text/tab-separated-values")
RDF = ("text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json")


def q(text: str) -> str:
    return quote(text, safe="")


@pytest.fixture(scope="module")
def w3c(small_shared, tmp_path_factory):
    """A service over a copy of the small build whose store also holds the test suite's three named
    graphs (each says its document is a ``foaf:Document``, what the suite's queries ask)."""
    root = tmp_path_factory.mktemp("protocol") / "var"
    shutil.copytree(small_shared.data_dir, root, symlinks=True)
    store = ox.Store(str(current_build(root) / "oxigraph"))
    for iri in (D1, D2, D3):
        store.add(ox.Quad(ox.NamedNode(iri), ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                          ox.NamedNode("http://xmlns.com/foaf/0.1/Document"), ox.NamedNode(iri)))
    store.flush()
    del store
    settings = dataclasses.replace(small_shared, data_dir=root, query_timeout=20, sparql_workers=1)
    with TestClient(create_app(settings)) as client:
        yield client


def _boolean(response) -> bool:
    if response.headers["content-type"].startswith("application/sparql-results+xml"):
        return ET.fromstring(response.content).find(f"{RESULTS_XML}boolean").text == "true"
    return response.json()["boolean"]


ASK_DEFAULTS = f"ASK {{ <{D1}> a ?type . <{D2}> a ?type . }}"
ASK_NAMED = f"ASK {{ GRAPH ?g1 {{ <{D1}> a ?type }} GRAPH ?g2 {{ <{D2}> a ?type }} }}"
ASK_FULL = f"ASK {{\n  <{D3}> a ?type\n  GRAPH ?g1 {{ <{D1}> a ?type }}\n  GRAPH ?g2 {{ <{D2}> a ?type }}\n}}"
ASK_FROM = f"ASK FROM <{D3}> {{ GRAPH ?g1 {{ <{D1}> a ?type }} GRAPH ?g2 {{ <{D2}> a ?type }} }}"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
DIRECT = {"Content-Type": "application/sparql-query"}

#: name → (method, path and query string, headers, body, expected: True for a true boolean, a tuple of
#: media types for a 2xx in one of them, a status class "4xx")
CASES = {
    "query_post_form": ("POST", f"/sparql?default-graph-uri={q(D0)}", FORM, b"query=ASK%20%7B%7D", True),
    "query_dataset_default_graphs_get": ("GET", f"/sparql?query={q(ASK_DEFAULTS)}&default-graph-uri={q(D1)}"
                                                f"&default-graph-uri={q(D2)}", {}, None, True),
    "query_dataset_default_graphs_post": ("POST", f"/sparql?default-graph-uri={q(D1)}&default-graph-uri={q(D2)}",
                                          DIRECT, ASK_DEFAULTS.encode(), True),
    "query_dataset_named_graphs_post": ("POST", f"/sparql?named-graph-uri={q(D1)}&named-graph-uri={q(D2)}",
                                        DIRECT, ASK_NAMED.encode(), True),
    "query_dataset_named_graphs_get": ("GET", f"/sparql?query={q(ASK_NAMED)}&named-graph-uri={q(D1)}"
                                              f"&named-graph-uri={q(D2)}", {}, None, True),
    "query_dataset_full": ("POST", f"/sparql?default-graph-uri={q(D3)}&named-graph-uri={q(D1)}&named-graph-uri={q(D2)}",
                           DIRECT, ASK_FULL.encode(), True),
    # the manifest's request encodes its "&" (one named-graph-uri holding both IRIs): sent as meant
    "query_multiple_dataset": ("POST", f"/sparql?named-graph-uri={q(D1)}&named-graph-uri={q(D2)}", DIRECT,
                               ASK_FROM.encode(), True),
    "query_get": ("GET", f"/sparql?query=ASK%20%7B%7D&default-graph-uri={q(D0)}", {}, None, True),
    "query_content_type_select": ("POST", f"/sparql?default-graph-uri={q(D0)}", DIRECT, b"SELECT (1 AS ?value) {}", TABULAR),
    "query_content_type_ask": ("POST", f"/sparql?default-graph-uri={q(D0)}", DIRECT, b"ASK {}", BOOLEAN),
    "query_content_type_describe": ("POST", f"/sparql?default-graph-uri={q(D0)}", DIRECT, b"DESCRIBE <http://example.org/>", RDF),
    "query_content_type_construct": ("POST", f"/sparql?default-graph-uri={q(D0)}", DIRECT,
                                     b"CONSTRUCT { <s> <p> 1 } WHERE {}", RDF),
    "query_post_direct": ("POST", "/sparql", DIRECT, b"ASK {}", True),
    "bad_query_method": ("PUT", f"/sparql?query=ASK%20%7B%7D&default-graph-uri={q(D0)}", FORM, b"", "4xx"),
    "bad_multiple_queries": ("GET", "/sparql?query=ASK%20%7B%7D&query=SELECT%20%2A%20%7B%7D", {}, None, "4xx"),
    "bad_query_wrong_media_type": ("POST", "/sparql", {"Content-Type": "text/plain"}, b"ASK {}", "4xx"),
    "bad_query_missing_form_type": ("POST", "/sparql", {}, b"query=ASK%20%7B%7D", "4xx"),
    "bad_query_missing_direct_type": ("POST", "/sparql", {}, b"ASK {}", "4xx"),
    "bad_query_non_utf8": ("POST", "/sparql", {"Content-Type": "application/sparql-query; charset=UTF-16"},
                           "ASK {}".encode("utf-16"), "4xx"),
    "bad_query_syntax": ("GET", "/sparql?query=ASK%20%7B", {}, None, "4xx"),
}


def test_the_w3c_protocol_query_cases(w3c):
    passed = []
    for name, (method, path, headers, body, expected) in CASES.items():
        response = w3c.request(method, path, headers=headers, content=body)
        if expected == "4xx":
            assert 400 <= response.status_code < 500, (name, response.status_code, response.text)
        else:
            assert 200 <= response.status_code < 400, (name, response.status_code, response.text)
            media = response.headers["content-type"].split(";")[0]
            if expected is True:
                assert media in BOOLEAN and _boolean(response) is True, (name, response.text)
            else:
                assert media in expected, (name, media)
        passed.append(name)
    assert len(passed) == len(CASES) == 20


def test_a_protocol_dataset_replaces_the_builds_graph(w3c):
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"

    def n(**params) -> int:
        return int(w3c.get("/sparql", params={"query": count, **params}).json()["results"]["bindings"][0]["n"]["value"])

    assert n() > 1000  # the build's graph
    assert n(**{"default-graph-uri": "https://example.org/unknown"}) == 0  # a graph the store has not: empty
    assert n(**{"default-graph-uri": D1}) == 1
    assert n(**{"named-graph-uri": D1}) == 0  # only named graphs: the default graph is empty
    assert w3c.get("/sparql", params={"query": count, "default-graph-uri": "not an iri"}).status_code == 400


def test_one_query_per_call(w3c):
    assert w3c.get("/sparql?query=ASK%20%7B%7D&query=ASK%20%7B%7D").status_code == 400
    assert w3c.post("/sparql", content=b"query=ASK%20%7B%7D&query=ASK%20%7B%7D", headers=FORM).status_code == 400
    direct = w3c.post("/sparql?query=ASK%20%7B%7D", content=b"ASK {}", headers=DIRECT)
    assert direct.status_code == 400 and direct.json()["error"] == "QueryRefused"
    assert w3c.post("/sparql", content=b"\xff\xfeA", headers=DIRECT).status_code == 400  # not UTF-8


CONTROL = 'SELECT ?x WHERE { BIND("ctl\\u0001 et \\u000b" AS ?x) }'


def test_xml_answers_are_well_formed_for_every_literal(w3c):
    xml = w3c.get("/sparql", params={"query": CONTROL, "format": "xml"})
    literal = ET.fromstring(xml.content).find(f".//{RESULTS_XML}literal").text  # parses: well-formed
    assert literal == "ctl\ufffd et \ufffd" and "2 caractère(s)" in xml.text
    assert w3c.get("/sparql", params={"query": CONTROL}).json()["results"]["bindings"][0]["x"]["value"] == "ctl\x01 et \x0b"
    graph = w3c.get("/sparql", params={"query": 'CONSTRUCT { <http://e.org/s> <http://e.org/p> "a\\u0002b" } WHERE {}'},
                    headers={"Accept": "application/rdf+xml"})
    assert graph.headers["content-type"].startswith("application/rdf+xml")
    assert [str(o) for o in Graph().parse(data=graph.content, format="xml").objects()] == ["a\ufffdb"]


SELECT = "SELECT ?s WHERE { ?s a <http://www.w3.org/2004/02/skos/core#ConceptScheme> } ORDER BY ?s"
CONSTRUCT = "CONSTRUCT { ?s a <http://www.w3.org/2004/02/skos/core#ConceptScheme> } WHERE { ?s a <http://www.w3.org/2004/02/skos/core#ConceptScheme> }"


@pytest.mark.parametrize("formats, media", [
    (["json"], "application/sparql-results+json"), (["xml"], "application/sparql-results+xml"),
    (["csv"], "text/csv"), (["tsv", "text/tab-separated-values"], "text/tab-separated-values"),
    (["JSON"], "application/sparql-results+json"), (["application/sparql-results+xml"], "application/sparql-results+xml"),
])
def test_format_spellings_for_results(w3c, formats, media):
    params = [("query", SELECT)] + [("format", f) for f in formats] + [("output", formats[0]), ("results", formats[0])]
    response = w3c.get("/sparql", params=params)
    assert response.status_code == 200 and response.headers["content-type"].split(";")[0] == media


@pytest.mark.parametrize("formats, media", [
    (["turtle"], "text/turtle"), (["n3"], "text/turtle"), (["nt"], "application/n-triples"),
    (["xml"], "application/rdf+xml"), (["rdf+xml", "application/rdf+xml"], "application/rdf+xml"),
    (["json-ld", "application/ld+json"], "application/ld+json"), (["json"], "application/ld+json"),
])
def test_format_spellings_for_graphs(w3c, formats, media):
    params = [("query", CONSTRUCT)] + [("format", f) for f in formats]
    response = w3c.post("/sparql", content=urlencode(params), headers=FORM)  # SPARQLWrapper's POST: all in the form
    assert response.status_code == 200 and response.headers["content-type"].split(";")[0] == media
    parsed = Graph().parse(data=response.content, format={"text/turtle": "turtle", "application/n-triples": "nt",
                                                          "application/rdf+xml": "xml", "application/ld+json": "json-ld"}[media])
    assert len(parsed) >= 4  # the vocabulary's concept schemes
    assert w3c.get("/sparql", params={"query": CONSTRUCT, "format": "yaml"}).status_code == 422


def test_sparqlwrapper_and_sparqlstore_get_every_format_from_a_running_service(national):
    from rdflib.plugins.stores.sparqlstore import SPARQLStore
    from running import running_service
    from SPARQLWrapper import CSV, JSON, JSONLD, N3, POST, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

    with running_service(national) as url:
        endpoint = url + "/sparql"
        expected = None
        for fmt, method in [(JSON, "GET"), (XML, "GET"), (CSV, "GET"), (TSV, "GET"), (JSON, POST), (TSV, POST)]:
            client = SPARQLWrapper(endpoint)
            client.setQuery(SELECT)
            client.setReturnFormat(fmt)
            client.setMethod(method)
            answer = client.query().convert()
            if fmt == JSON:
                found = [b["s"]["value"] for b in answer["results"]["bindings"]]
            elif fmt == XML:
                found = [n.firstChild.data for n in answer.getElementsByTagName("uri")]
            else:
                rows = list(csv.reader(io.StringIO(answer.decode()), delimiter="," if fmt == CSV else "\t"))[1:]
                found = [r[0].strip("<>") for r in rows]
            expected = expected or found
            assert found == expected and len(found) >= 4, fmt
        for fmt in (TURTLE, N3, XML, RDFXML, JSONLD):
            client = SPARQLWrapper(endpoint)
            client.setQuery(CONSTRUCT)
            client.setReturnFormat(fmt)
            graph = client.query().convert()
            graph = graph if isinstance(graph, Graph) else Graph().parse(data=graph, format="turtle")
            assert {str(s) for s in graph.subjects()} == set(expected), fmt
        ask = SPARQLWrapper(endpoint)
        ask.setQuery("ASK { ?s ?p ?o }")
        for fmt in (JSON, XML):
            ask.setReturnFormat(fmt)
            converted = ask.query().convert()
            assert (converted["boolean"] if fmt == JSON else
                    converted.getElementsByTagName("boolean")[0].firstChild.data == "true")

        for result_format in ("xml", "json", "csv", "tsv"):
            store = SPARQLStore(endpoint, returnFormat=result_format)
            rows = [str(r[0]) for r in Graph(store).query(SELECT)]
            assert rows == expected, result_format
            store.close()
        store = SPARQLStore(endpoint)
        graph = Graph(store)
        assert {str(s) for s in graph.query(CONSTRUCT).graph.subjects()} == set(expected)
        assert graph.query("ASK { ?s ?p ?o }").askAnswer is True
        store.close()
