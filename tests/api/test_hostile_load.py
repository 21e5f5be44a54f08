"""The real service over TCP under hostile requests: bounded (counts and a deadline), loopback only.

While 60 kB place names, uploads nested 50,000 deep and declared 200 MB bodies are sent from
processes of their own, ``/v1/health`` keeps answering: its p99 stays within 50 ms, or within 3× its p99 at rest when
the shared machine is slower than that at rest; every health request is answered; and the service
still answers a real question afterwards. The figures of a longer run are the bench's
(``bench/bench_hostile.py``).
"""

from __future__ import annotations

import http.client
import json
import urllib.parse
from pathlib import Path

import pytest

from hostile import Attack, attacks, health_latencies, p99
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
    rest = health_latencies(service, 150)
    with Attack(service, attacks(TOKEN), seconds=60) as attack:
        hot = health_latencies(service, 250, deadline=50)
    statuses = attack.statuses
    assert len(hot) == 250 and max(hot) < 60  # every health request answered
    bound = max(0.050, 3 * p99(rest))
    assert p99(hot) <= bound, f"p99 {p99(hot) * 1000:.1f} ms > {bound * 1000:.1f} ms (repos {p99(rest) * 1000:.1f} ms)"
    by_kind: dict[str, set] = {}
    for (kind, status), _count in statuses.items():
        by_kind.setdefault(kind, set()).add(status)
    assert by_kind["nom de 60 ko (who-covers)"] == {414} and by_kind["nom de 60 ko (places)"] == {414}
    assert by_kind["envoi imbriqué (validate)"] <= {200, 422, 429} and by_kind["envoi imbriqué (validate)"]
    assert 413 in by_kind["corps de 200 Mo annoncé"] and 500 not in by_kind["corps de 200 Mo annoncé"]
    parsed = urllib.parse.urlsplit(service)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
    status, body = _get(conn, "/v1/who-covers?place=Muret&ages=0-12&on=2024-06-01")
    conn.close()
    assert status == 200 and "ilc-toulouse-sud" in {c["instance_id"] for c in body["instances"]}
