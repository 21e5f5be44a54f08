"""The API runs unchanged on the embedded store and on Neo4j, and answers the same."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.app import create_app

pytestmark = pytest.mark.neo4j

QUESTIONS = [
    ("/v1/who-covers", {"place": "Muret", "ages": "0-12", "on": "2024-06-01"}),
    ("/v1/who-covers", {"place": "48095", "public": "enfants", "on": "2022-01-01"}),
    ("/v1/who-covers", {"place": "Saint-Gaudens", "format": "csv", "on": "2024-06-01"}),
    ("/v1/places", {"q": "53"}),
    ("/v1/places", {"q": "sainte colombe", "kind": "commune", "limit": 5}),
    ("/v1/territories/territoire/toulouse-sud", {}),
    ("/v1/territories/epci/200068641/communes", {"limit": 500}),
    ("/v1/scheme-types", {"limit": 500}),
    ("/v1/instances", {"type": "CLS", "territory": "departement:48", "on": "2024-06-01"}),
    ("/v1/instances", {"public": "enfants", "on": "2024-06-01", "limit": 500}),
    ("/v1/instances/ilc-toulouse-sud", {"on": "2024-06-01"}),
    ("/v1/instances/ilc-toulouse-sud/area", {}),
    ("/v1/actors", {"limit": 500}),
    ("/v1/actors/rap31", {}),
    ("/v1/layers/coverage", {"territory": "departement:48", "type": "CPTS", "on": "2024-06-01"}),
    ("/v1/instances/nope", {}),
    # the fields of issue 30: periods and confidence, the four answers, one count, roles held, seat extents
    ("/v1/instances/empp-31", {"on": "2024-06-01"}),
    ("/v1/instances/ilc-comminges", {"on": "2019-06-01"}),
    ("/v1/instances", {"territory": "departement:33"}),
    ("/v1/instances", {"territory": "departement:48", "on": "2019-06-01", "type": "EMSP"}),
    ("/v1/who-covers", {"place": "Mende", "type": "MDPH"}),
    ("/v1/who-covers", {"place": "Saint-Gaudens", "type": "ILC", "ages": "0-12", "on": "2019-06-01"}),
    ("/v1/layers/coverage", {"territory": "departement:48", "type": "DAC", "on": "2024-06-01"}),
    ("/v1/layers/gaps", {"territory": "departement:31", "type": "ILC", "ages": "0-12", "on": "2019-06-01"}),
    ("/v1/layers/gaps", {"territory": "departement:31", "type": "EMPP", "on": "2024-06-01", "format": "csv"}),
    ("/v1/nearby", {"place": "Muret", "type": "ACT"}),
    ("/v1/places", {"q": "Luchon"}),
    ("/v1/changes", {"since": "2019-06-01", "territory": "departement:31"}),
]


def test_same_answers_from_both_backends(client, neo4j_loaded):
    with TestClient(create_app(neo4j_loaded)) as graph:
        assert graph.get("/v1/health").json()["backend"] == "neo4j"
        for url, params in QUESTIONS:
            a, b = client.get(url, params=params), graph.get(url, params=params)
            assert (a.status_code, a.headers["content-type"]) == (b.status_code, b.headers["content-type"]), url
            assert a.content == b.content, (url, params)
