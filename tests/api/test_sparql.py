"""The SPARQL endpoint: the Protocol's GET and POST in four result formats, read-only, and hostile
queries refused or cut off within the time limit while the service keeps answering."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import threading
import time
import urllib.request
import xml.etree.ElementTree as ET

import pytest
from fastapi.testclient import TestClient

from api.app import create_app

SELECT = ("PREFIX m: <https://w3id.org/maillage/ontology#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
          "SELECT ?i ?name WHERE { ?i a m:SchemeInstance ; rdfs:label ?name } ORDER BY ?i")
LIMIT_S = 3
#: rows an answer may have: more than the registry's instances (136 with Provence-Alpes-Côte d'Azur), so the
#: SELECT of every instance comes whole and a SELECT of every triple is cut
ROWS = 200


@pytest.fixture(scope="module")
def limited(national):
    settings = dataclasses.replace(national, query_timeout=LIMIT_S, query_rows=ROWS, sparql_workers=2)
    with TestClient(create_app(settings)) as c:
        yield c


def test_select_in_every_result_format(limited, backend):
    instances = len({r["instance"] for r in backend.run("coverages")})
    r = limited.get("/sparql", params={"query": SELECT})
    assert r.headers["content-type"] == "application/sparql-results+json"
    bindings = r.json()["results"]["bindings"]
    assert instances < ROWS and len(bindings) == instances and bindings[0]["name"]["xml:lang"] == "fr"
    as_csv = list(csv.reader(io.StringIO(limited.get("/sparql", params={"query": SELECT, "format": "csv"}).text)))
    assert as_csv[0] == ["i", "name"] and len(as_csv) == instances + 1
    tsv = limited.get("/sparql", params={"query": SELECT}, headers={"Accept": "text/tab-separated-values"}).text
    assert tsv.splitlines()[0] == "?i\t?name" and tsv.splitlines()[1].startswith("<https://w3id.org/maillage/instance/")
    xml = limited.post("/sparql", data={"query": SELECT}, headers={"Accept": "application/sparql-results+xml"})
    root = ET.fromstring(xml.content)
    assert len(root.findall(".//{http://www.w3.org/2005/sparql-results#}result")) == instances
    direct = limited.post("/sparql", content=SELECT, headers={"Content-Type": "application/sparql-query"})
    assert direct.json() == r.json()


def test_construct_ask_and_the_size_limit(limited):
    turtle = limited.get("/sparql", params={"query": "CONSTRUCT WHERE { <https://w3id.org/maillage/instance/dac-31> ?p ?o }"},
                         headers={"Accept": "text/turtle"})
    assert turtle.headers["content-type"].startswith("text/turtle") and "dac-31" in turtle.text
    assert limited.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}).json()["boolean"] is True
    many = limited.get("/sparql", params={"query": "SELECT ?s WHERE { ?s ?p ?o }", "format": "csv"})
    assert many.headers["x-maillage-truncated"] == "true" and len(many.text.splitlines()) == ROWS + 1


@pytest.mark.parametrize("query,word", [
    ("INSERT DATA { <https://w3id.org/maillage/x> <https://w3id.org/maillage/y> 1 }", "INSERT"),
    ("DELETE WHERE { ?s ?p ?o }", "DELETE"),
    ("LOAD <http://example.org/data.ttl>", "LOAD"),
    ("CLEAR ALL", "CLEAR"),
    ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", "SERVICE"),
    ("select * where { service silent <http://127.0.0.1:1/> { ?s ?p ?o } }", "SERVICE"),
])
def test_writes_loads_and_services_are_refused(limited, query, word):
    for r in (limited.get("/sparql", params={"query": query}), limited.post("/sparql", data={"update": query}),
              limited.post("/sparql", content=query, headers={"Content-Type": "application/sparql-query"})):
        assert r.status_code == 400 and r.json()["error"] == "QueryRefused", r.text
    assert word in limited.get("/sparql", params={"query": query}).json()["message"]


def test_words_inside_strings_iris_and_variables_are_not_keywords(limited):
    query = 'SELECT ?service ?load WHERE { BIND("INSERT SERVICE" AS ?service) BIND(<http://x/LOAD> AS ?load) }'
    assert limited.get("/sparql", params={"query": query}).status_code == 200


# two patterns, no shared variable: CPU without end, memory flat (three would pass the memory bound first)
CROSS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }"


def test_a_cross_product_is_cut_off_and_the_service_still_answers(limited):
    r = limited.get("/sparql", params={"query": CROSS})
    # stopped by the time limit, or before it by the worker's memory bound (the join's table of a store
    # of half a million triples reaches it in about as long): never an error of the service
    assert r.status_code == 503 and r.json()["error"] in {"QueryTimeout", "QueryOutOfMemory"}
    assert f"après {LIMIT_S} s" in r.json()["message"] or "mémoire" in r.json()["message"]
    assert limited.get("/v1/health").status_code == 200
    # a fresh worker replaces the stopped one (an interpreter and the store opened: seconds on a loaded
    # machine, meanwhile « occupé » with Retry-After)
    deadline = time.monotonic() + 60
    while (ask := limited.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})).status_code == 503:
        assert ask.headers["retry-after"] and time.monotonic() < deadline
        time.sleep(1)
    assert ask.json()["boolean"] is True


def test_bad_text(limited):
    assert limited.get("/sparql", params={"query": "SELECT nonsense"}).status_code == 400
    assert limited.get("/sparql").status_code == 422
    assert limited.get("/sparql", headers={"Accept": "text/html"}).text.startswith("<!doctype html>")
    assert limited.post("/sparql", content="x", headers={"Content-Type": "text/plain"}).status_code == 422


def test_a_sparql_client_and_curl_against_the_running_service(national):
    from running import running_service
    from SPARQLWrapper import JSON, SPARQLWrapper

    with running_service(national) as url:
        client = SPARQLWrapper(url + "/sparql")
        client.setQuery(SELECT)
        client.setReturnFormat(JSON)
        answer = client.query().convert()
        assert any(b["i"]["value"].endswith("/instance/dac-31") for b in answer["results"]["bindings"])
        # curl -H 'Accept: text/turtle' <base>/id/instance/dac-31
        request = urllib.request.Request(url + "/id/instance/dac-31", headers={"Accept": "text/turtle"})
        with urllib.request.urlopen(request) as response:
            assert response.headers["Content-Type"].startswith("text/turtle")
            assert b"<https://w3id.org/maillage/instance/dac-31>" in response.read()


def _doubled(times: int, whole: bool = False) -> str:
    """A 1 kB query whose one value doubles ``times`` times: 16 × 2^times characters (its length, or itself)."""
    binds = ['BIND("xxxxxxxxxxxxxxxx" AS ?v0)'] + [f"BIND(CONCAT(?v{i}, ?v{i}) AS ?v{i + 1})" for i in range(times)]
    projected = f"?v{times}" if whole else f"(STRLEN(?v{times}) AS ?n)"
    return f"SELECT {projected} WHERE {{ {' '.join(binds)} }}"


@pytest.fixture(scope="module")
def roomy(national):
    """Time enough for a query to reach its memory bound on a busy machine (a few seconds), answers of 1 MB."""
    settings = dataclasses.replace(national, query_timeout=120, query_rows=100_000, query_answer_mb=1,
                                   store_in_memory="no")
    with TestClient(create_app(settings)) as c:
        yield c


@pytest.fixture(scope="module")
def bounded(national):
    """One worker, one place in the queue."""
    settings = dataclasses.replace(national, query_timeout=LIMIT_S, sparql_workers=1, query_queue=1, store_in_memory="no")
    with TestClient(create_app(settings)) as c:
        yield c


def test_a_query_past_the_worker_s_memory_gets_a_french_503_and_the_next_one_a_fresh_worker(roomy):
    assert roomy.get("/sparql", params={"query": _doubled(4)}).json()["results"]["bindings"][0]["n"]["value"] == "256"
    r = roomy.get("/sparql", params={"query": _doubled(26)})  # 1 GiB of characters
    assert len(_doubled(26)) < 1500
    assert r.status_code == 503 and r.json()["error"] == "QueryOutOfMemory", r.text
    assert "mémoire" in r.json()["message"]
    assert roomy.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}).json()["boolean"] is True


@pytest.mark.parametrize("query", ["SELECT ?s ?p ?o WHERE { ?s ?p ?o }",  # many rows
                                   "CONSTRUCT WHERE { ?s ?p ?o }",
                                   _doubled(17, whole=True)])  # one value of 2 MB
def test_an_answer_past_its_byte_bound_is_refused_with_a_french_413(roomy, query):
    r = roomy.get("/sparql", params={"query": query})
    assert r.status_code == 413 and r.json()["error"] == "AnswerTooLarge", r.text[:300]
    assert "1 Mo au plus" in r.json()["message"]


def test_sparql_clients_past_the_queue_are_refused_at_once_and_hold_no_thread_of_the_pool(bounded):
    answers: list = []

    def ask():
        r = bounded.get("/sparql", params={"query": CROSS})
        answers.append((r.status_code, r.json()["error"], r.headers.get("retry-after"), "saturé" in r.json()["message"]))

    clients = [threading.Thread(target=ask) for _ in range(8)]
    for t in clients:
        t.start()
    seen = None
    for _ in range(400):  # the gate full: one query running, one waiting (each runs up to its time limit)
        seen = bounded.get("/v1/health").json()
        if seen["queries"].get("sparql", {}).get("waiting") == 1:
            break
        time.sleep(0.02)
    assert seen["queries"]["sparql"] == {"running": 1, "waiting": 1, "workers": 1, "capacity": 2}
    assert seen["status"] == "dégradé" and seen["pool"]["busy"] == 0  # no thread of the pool held
    assert bounded.get("/v1/instances", params={"limit": 1}).status_code == 200  # other routes answer
    for t in clients:
        t.join(60)
    refused = [a for a in answers if a[3]]  # at once, the gate full
    assert len(answers) == 8 and len(refused) == 6 and all(a[:2] == (503, "QueueFull") and a[2] for a in refused)
    # the two admitted: stopped at the time limit, or (the second) refused when its turn came too late
    assert {a[:2] for a in answers if not a[3]} <= {(503, "QueryTimeout"), (503, "QueueFull")}
    assert bounded.get("/v1/health").json()["status"] == "ok"
