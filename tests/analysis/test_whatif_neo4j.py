"""What if on Neo4j: the same scenario gives the same answer as on the embedded store."""

from __future__ import annotations

import pytest

from analysis.scenario import read_scenario
from analysis.whatif import what_if
from core import jsonable
from store.session import open_backend

pytestmark = pytest.mark.neo4j

SCENARIO = {"on": "2026-12-01", "changes": [
    {"kind": "new", "type": "CPTS", "perimeter": ["epci:244800470"]},
    {"kind": "new", "type": "ILC", "ages": "0-12", "publics": ["enfants"], "perimeter": ["territoire:toulouse-sud", "Muret"]},
    {"kind": "end", "instance": "dac-31"},
    {"kind": "perimeter", "instance": "cpts-terre-des-sources", "remove": ["epci:200069151"], "add": ["commune:48095"]}]}


def test_same_answer_on_both_backends(national, neo4j_loaded):
    embedded, graph = open_backend(national), open_backend(neo4j_loaded)
    try:
        a, b = (jsonable.plain(what_if(s, read_scenario(SCENARIO))) for s in (embedded, graph))
    finally:
        embedded.close()
        graph.close()
    assert a["moves"] and a["overlaps"] and len(a["communes"]) > 600
    assert a == b
