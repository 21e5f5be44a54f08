"""The landmark questions whose JSON answers must not change when the code is reorganised.

``python tests/landmarks.py OUT.json`` writes the answers of the live build (``MAILLAGE_DATA_DIR``);
``tests/test_landmarks.py`` asks them again on the test build and compares the bytes.
"""

from __future__ import annotations

import json
import sys

from core import jsonable

QUESTIONS = {
    "who-covers Muret 0-12 2024": ("who_covers", ("Muret",), {"ages": "0-12", "on": "2024-06-01"}),
    "who-covers Saint-Gaudens 2024": ("who_covers", ("31483",), {"on": "2024-06-01"}),
    "who-covers Mende 2024": ("who_covers", ("Mende",), {"on": "2024-06-01"}),
    "who-covers Toulouse sans-domicile 2024": ("who_covers", ("31555",), {"public": "personnes-sans-domicile", "on": "2024-06-01"}),
    "territories Muret": ("territories_of", ("Muret",), {}),
    "instances departement:48 CPTS 2024": ("instances_in", ("departement:48",), {"type": "CPTS", "on": "2024-06-01"}),
    "list instances 2024": ("list_instances", (), {"on": "2024-06-01"}),
    "list instances 48 enfants 2024": ("list_instances", (), {"territory": "departement:48", "public": "enfants", "on": "2024-06-01"}),
    "instance ilc-toulouse-sud": ("instance_detail", ("ilc-toulouse-sud",), {"on": "2024-06-01"}),
    "instance dac-31": ("instance_detail", ("dac-31",), {"on": "2024-06-01"}),
    "actors": ("list_actors", (), {}),
    "places saint gaud": ("search_places", ("saint gaud",), {}),
    "territory communes epci:200068641": ("territory_communes", ("epci", "200068641"), {}),
    "gaps 48 CPTS 2024": ("gaps_in", ("departement:48",), {"type": "CPTS", "on": "2024-06-01"}),
    "gaps 31 2024": ("gaps_in", ("departement:31",), {"on": "2024-06-01"}),
    "overlaps comminges": ("overlaps_in", ("territoire:comminges",), {}),
    "network 31": ("network_of", ("departement:31",), {}),
    "coverage layer 48 CPTS 2024": ("coverage_layer", ("departement", "48"), {"type": "CPTS", "on": "2024-06-01"}),
}


def functions() -> dict:
    from analysis.ask import gaps_in, network_of, overlaps_in
    from queries.actors import list_actors
    from queries.catalogue import search_places, territory_communes
    from queries.coverage import who_covers
    from queries.instances import instance_detail, list_instances
    from queries.layer import coverage_layer
    from queries.territories import instances_in, territories_of

    return {f.__name__: f for f in (who_covers, territories_of, instances_in, list_instances, instance_detail, list_actors,
                                    search_places, territory_communes, gaps_in, overlaps_in, network_of, coverage_layer)}


def answers(backend) -> dict[str, str]:
    table = functions()
    return {name: jsonable.dumps(table[f](backend, *args, **kwargs)) for name, (f, args, kwargs) in QUESTIONS.items()}


if __name__ == "__main__":
    from core.settings import Settings
    from store.session import open_backend

    b = open_backend(Settings.from_env())
    with open(sys.argv[1], "w", encoding="utf-8") as out:
        json.dump(answers(b), out, ensure_ascii=False, indent=0, sort_keys=True)
