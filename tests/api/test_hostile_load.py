"""The real service over TCP under hostile requests: bounded (counts and a deadline), loopback only.

While 60 kB place names, uploads nested 50,000 deep, declared 200 MB bodies, 50 MB headers and 60 SPARQL
clients are sent from processes of their own, every ``/v1/health`` request is answered 200, the other
routes answer without a 5xx, each hostile request gets its refusal, and the service still answers a
real question afterwards. Nothing here is timed: how fast health answers under attack, against at rest,
is the bench's (``bench/bench_hostile.py``, ``bench/README.md``).
"""

from __future__ import annotations

import http.client
import json
import urllib.parse
from pathlib import Path

import pytest

from hostile import Attack, attacks, samples
from running import running_service

TOKEN = "jeton-de-test-0123456789"


@pytest.fixture(scope="module")
def service(national):
    with running_service(national, app="failing_app:create", app_dir=str(Path(__file__).parent),
                         env={"MAILLAGE_API_TOKEN": TOKEN}) as url:
        yield url


def _get(conn: http.client.HTTPConnection, path: str) -> tuple[int, dict]:
    conn.request("GET", path)
    response = conn.getresponse()
    return response.status, json.loads(response.read())


def test_an_error_leaves_the_connection_usable(service):
    parsed = urllib.parse.urlsplit(service)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
    try:
        status, body = _get(conn, "/v1/test/failure")
        assert status == 500 and body == {"error": "InternalError", "message": "Erreur interne du service."}
        for territory in ("region:53", "departement:53", "region:52"):
            status, body = _get(conn, "/v1/network?territory=" + territory)  # the same keep-alive connection
            assert status == 200 and body["actors"] == []
        assert _get(conn, "/v1/health")[0] == 200
    finally:
        conn.close()


def test_health_answers_while_hostile_requests_run(service):
    asked = ["/v1/health", "/v1/who-covers?place=Muret&on=2024-06-01", "/v1/instances?limit=5"]
    with Attack(service, attacks(TOKEN), seconds=60) as attack:
        found = samples(service, asked, 80, deadline=50)
    health = [status for _, status in found["/v1/health"]]
    assert len(health) >= 20 and set(health) == {200}  # every health request answered
    for path in asked[1:]:
        assert {status for _, status in found[path]} == {200}, path  # no 5xx, no error, while under attack
    by_kind = attack.by_kind()
    assert by_kind["nom de 60 ko (who-covers)"] == {414} and by_kind["nom de 60 ko (places)"] == {414}
    assert by_kind["envoi imbriqué (validate)"] <= {200, 422, 429} and by_kind["envoi imbriqué (validate)"]
    assert 413 in by_kind["corps de 200 Mo annoncé"] and 500 not in by_kind["corps de 200 Mo annoncé"]
    assert 431 in by_kind["en-têtes de 50 Mo"] and 200 not in by_kind["en-têtes de 50 Mo"]
    sparql = by_kind["SPARQL (60 clients)"]
    assert 503 in sparql and sparql <= {200, 503}  # stopped at the limit, or refused at once when full
    assert not any(isinstance(s, int) and s >= 500 and s != 503 for statuses in by_kind.values() for s in statuses)
    parsed = urllib.parse.urlsplit(service)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
    status, body = _get(conn, "/v1/who-covers?place=Muret&ages=0-12&on=2024-06-01")
    conn.close()
    assert status == 200 and "ilc-toulouse-sud" in {c["instance_id"] for c in body["instances"]}
