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
    # (a bare count(*) of a cartesian product is answered from the count store, instantly)
    r = graph.get("/cypher", params={"query": "MATCH (a), (b), (c) WHERE a.uri < b.uri AND b.uri < c.uri RETURN count(*)"})
    assert r.status_code == 503 and r.json()["error"] == "QueryTimeout", r.text
    assert f"après {LIMIT_S} s" in r.json()["message"]  # Neo4j stopped it at the limit the endpoint set
    assert graph.get("/v1/who-covers", params={"place": "Mende"}).status_code == 200
    assert graph.get("/cypher", params={"query": "RETURN 1 AS one"}).json()["rows"] == [[1]]


def test_the_cypher_endpoint_is_for_neo4j(client):
    r = client.get("/cypher", params={"query": "RETURN 1"})
    assert r.status_code == 422 and "/sparql" in r.json()["message"]


def _neo4j_answers_again(graph) -> None:
    """Wait (bounded) until Neo4j answers a question of the graph: a query it stopped may still be ending."""
    for _ in range(120):
        r = graph.get("/cypher", params={"query": "MATCH (:Maillage)-[:CURRENT]->(b:Build) RETURN b.status AS s"})
        if r.status_code == 200:
            assert r.json()["rows"] == [["ready"]] or r.json()["rows"], r.text
            return
        time.sleep(1)
    raise AssertionError(f"Neo4j ne répond plus : {r.status_code} {r.text}")


@pytest.mark.parametrize("query", [
    # a string doubled 26 times (1 GiB): a value Neo4j's memory tracking does not see, past the JVM's heap
    "RETURN size(reduce(s='xxxxxxxxxxxxxxxx', i IN range(1,26) | s+s))",
    # 300 million integers collected: past the transaction's memory bound (db.memory.transaction.max)
    "UNWIND range(1,300000000) AS x WITH collect(x) AS c RETURN size(c)",
])
def test_a_query_past_neo4j_s_memory_gets_a_french_503_and_neo4j_survives(graph, query):
    r = graph.get("/cypher", params={"query": query})
    # Neo4j's answer (a transient error, not retried), or the gate's deadline if Neo4j takes longer
    assert r.status_code == 503 and r.json()["error"] in ("QueryOutOfMemory", "QueryTimeout"), r.text
    assert any(words in r.json()["message"] for words in ("mémoire", "à temps", f"après {LIMIT_S} s"))
    _neo4j_answers_again(graph)
    assert graph.get("/v1/instances/dac-31").status_code == 200
    health = graph.get("/v1/health").json()
    assert health["store"] == "ok" and health["backend"] == "neo4j"


def test_the_transaction_memory_bound_is_neo4j_s_answer_at_once_not_retried(neo4j_loaded, monkeypatch):
    # A transient error that execute_read would retry for 30 s, past the time limit: here the first
    # transaction's error is the answer.
    import neo4j

    begun = []
    original = neo4j.Session.begin_transaction

    def counted(self, *args, **kwargs):
        begun.append(kwargs.get("timeout"))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(neo4j.Session, "begin_transaction", counted)
    monkeypatch.setattr(neo4j.Session, "execute_read", lambda *a, **k: pytest.fail("execute_read retries"))
    # time enough to reach the memory bound first, on a busy machine
    settings = dataclasses.replace(neo4j_loaded, query_timeout=120)
    with TestClient(create_app(settings)) as c:
        r = c.get("/cypher", params={"query": "UNWIND range(1,300000000) AS x WITH collect(x) AS c RETURN size(c)"})
        assert r.status_code == 503 and r.json()["error"] == "QueryOutOfMemory", r.text
        assert "db.memory.transaction.max" in r.json()["message"]
        assert begun == [120.0]  # one transaction, with the endpoint's time limit
        _neo4j_answers_again(c)


def test_a_neo4j_that_stops_answering_gives_french_503s_and_health_says_so(neo4j_loaded):
    import neo4j

    from neo4j_server import free_port

    settings = dataclasses.replace(neo4j_loaded, query_timeout=LIMIT_S)
    with TestClient(create_app(settings)) as c:
        assert c.get("/v1/health").json()["store"] == "ok"
        opened = c.app.state.service.opened.backend
        live = opened.driver
        # The server goes away under the open backend: its driver now reaches a port nobody listens on.
        opened.driver = neo4j.GraphDatabase.driver(f"bolt://127.0.0.1:{free_port()}", auth=None,
                                                   connection_timeout=2)
        opened._local = type(opened._local)()
        try:
            for _ in range(50):  # the probe's last answer is reused for a second
                health = c.get("/v1/health")
                if health.status_code != 200:
                    break
                time.sleep(0.1)
            assert health.status_code == 503 and health.json()["status"] == "indisponible"
            assert health.json()["store"] == "injoignable"
            r = c.get("/v1/instances", params={"on": "2024-06-01", "territory": "departement:31"})
            assert r.status_code == 503 and r.json()["error"] == "BackendUnavailable", r.text
            assert "Neo4j ne répond pas" in r.json()["message"]
            r = c.get("/cypher", params={"query": "RETURN 1"})
            assert r.status_code == 503 and "Neo4j" in r.json()["message"], r.text
            assert c.get("/v1/ready").status_code == 503
        finally:
            opened.driver.close()
            opened.driver = live
