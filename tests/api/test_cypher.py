"""The read-only Cypher endpoint on the real Neo4j: answers reads, refuses procedures, loads and
writes, cuts off a cross product within the time limit, and keeps answering."""

from __future__ import annotations

import dataclasses
import time

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.cypher import check

pytestmark = pytest.mark.neo4j
LIMIT_S = 3


@pytest.fixture(scope="module")
def graph(neo4j_loaded):
    settings = dataclasses.replace(neo4j_loaded, query_timeout=LIMIT_S, query_rows=50)
    with TestClient(create_app(settings)) as c:
        yield c


def test_a_read_answers(graph):
    r = graph.get("/cypher", params={"query": "MATCH (:Maillage)-[:CURRENT]->(b:Build) MATCH (i:SchemeInstance {build: b.id}) "
                                              "RETURN i.entryId AS id ORDER BY id"})
    assert r.status_code == 200 and r.json()["columns"] == ["id"] and ["dac-31"] in r.json()["rows"]
    many = graph.get("/cypher", params={"query": "MATCH (n) RETURN n.uri"})
    assert len(many.json()["rows"]) == 50 and many.headers["x-maillage-truncated"] == "true"


@pytest.mark.parametrize("query,word", [
    ("CALL dbms.components()", "CALL"),
    ("call dbms.security.listUsers() yield username return username", "CALL"),
    ("LOAD CSV FROM 'http://example.org/x.csv' AS row RETURN row", "LOAD"),
    ("CREATE (n:Intrus) RETURN n", "CREATE"),
    ("MATCH (n) DETACH DELETE n", "DETACH"),
    ("MATCH (i:SchemeInstance) SET i.label = 'x'", "SET"),
    ("MERGE (n:Intrus {a: 1})", "MERGE"),
])
def test_procedures_loads_and_writes_are_refused(graph, query, word):
    for r in (graph.get("/cypher", params={"query": query}), graph.post("/cypher", content=query)):
        assert r.status_code == 400 and r.json()["error"] == "QueryRefused" and word in r.json()["message"]


def test_words_in_strings_and_properties_are_not_clauses():
    assert check("MATCH (n) WHERE n.label = 'CREATE CALL' RETURN n.set") is None
    assert check("MATCH (n:Resource) RETURN n // DELETE") is None


def test_a_write_that_passes_the_words_is_refused_by_the_read_transaction(graph):
    # No clause word, but a procedure-free write is impossible in Cypher; a write in a read transaction
    # is Neo4j's own refusal: checked through the driver directly.
    import neo4j

    from store.neo4j import driver_for

    settings = graph.app.state.service.settings
    with driver_for(settings) as driver, driver.session(default_access_mode=neo4j.READ_ACCESS) as session:
        with pytest.raises(neo4j.exceptions.ClientError):
            session.execute_read(lambda tx: list(tx.run("CREATE (n:Intrus) RETURN n")))


def test_a_cross_product_is_cut_off_and_the_service_still_answers(graph):
    started = time.monotonic()
    # (a bare count(*) of a cartesian product is answered from the count store, instantly)
    r = graph.get("/cypher", params={"query": "MATCH (a), (b), (c) WHERE a.uri < b.uri AND b.uri < c.uri RETURN count(*)"})
    elapsed = time.monotonic() - started
    assert r.status_code == 503 and r.json()["error"] == "QueryTimeout", r.text
    assert elapsed < LIMIT_S + 10
    assert graph.get("/v1/who-covers", params={"place": "Mende"}).status_code == 200
    assert graph.get("/cypher", params={"query": "RETURN 1 AS one"}).json()["rows"] == [[1]]


def test_the_cypher_endpoint_is_for_neo4j(client):
    r = client.get("/cypher", params={"query": "RETURN 1"})
    assert r.status_code == 422 and "/sparql" in r.json()["message"]
