"""The truth table of ``docs/temporal-truth-table.md``, one test per row, on a small hand-made registry.

One instance per row, each on a commune of its own in Lozère, all of type CLS, inside an inventory of the
CLS of the département (so that a commune nothing covers is a ``lacune`` and the gaps tell a gap from an
unknown). The registry goes through the real build; each row asks who-covers, the instance list, the gaps
and the coverage layer on its day.
"""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest

from analysis.ask import gap_layer, gaps_in
from ingest.build import build
from queries.coverage import who_covers
from queries.instances import list_instances
from queries.layer import coverage_layer
from store.session import open_backend

D = dt.date

SOURCES = """
sources:
  rapport-2019:
    title: "Rapport d'activité 2019 d'un réseau (exemple)"
    url: https://exemple.fr/rapport-2019
    date: 2020-03-31
    period: {from: 2019-01-01, to: 2019-12-31}
  article-2020:
    title: "Article du 1er mars 2020 (exemple)"
    url: https://exemple.fr/article-2020
    date: 2020-03-01
  page-cls:
    title: "Page non datée donnant les dates des contrats (exemple), lue en novembre 2026"
    url: https://exemple.fr/contrats
    retrieved: 2026-11-01
  page-non-datee:
    title: "Page non datée (exemple), lue en novembre 2026"
    url: https://exemple.fr/page
    retrieved: 2026-11-01
"""


def _instance(ident: str, commune: str, statuses: list[str], coverage: str = "") -> str:
    lines = [f"  - id: {ident}", "    type: CLS", f'    name: "CLS de la ligne {ident}"',
             '    source: {ref: page-cls, paraphrase: "Un contrat local de santé."}', "    status:"]
    lines += [f"      - {status}" for status in statuses]
    lines += ["    coverage:", f"      - {{territory: commune:{commune}, {coverage}"
              'source: {ref: page-cls, paraphrase: "Sur la commune."}}']
    return "\n".join(lines) + "\n"


S = {  # citations
    "report": '{ref: rapport-2019, paraphrase: "Le contrat fonctionne."}',
    "article": '{ref: article-2020, paraphrase: "Le contrat est signé ce jour."}',
    "page": '{ref: page-cls, paraphrase: "Le contrat a ces dates."}',
    "undated": '{ref: page-non-datee, paraphrase: "Le contrat fonctionne."}',
    "own": '{ref: page-non-datee, period: {from: 2019-01-01, to: 2019-12-31}, paraphrase: "Rédigé en 2019."}',
}

#: row → (instance, commune, its statuses, its coverage's own dates, the day asked)
ROWS = {
    1: ("t1", "48001", [f"{{value: active, from: 2020-03-01, source: {S['article']}}}"], "", D(2019, 6, 1)),
    2: ("t2", "48002", [f"{{value: active, from: 2020-03-01, source: {S['article']}}}"], "", D(2021, 6, 1)),
    3: ("t3", "48003", [f"{{value: active, source: {S['report']}}}"], "", D(2019, 6, 1)),
    4: ("t3", "48003", None, "", D(2018, 6, 1)),
    5: ("t3", "48003", None, "", D(2023, 6, 1)),
    6: ("t3", "48003", None, "", D(2026, 6, 1)),
    7: ("t7", "48007", [f"{{value: active, from: 2019-01-01, to: 2021-12-31, source: {S['page']}}}"], "", D(2023, 6, 1)),
    8: ("t8", "48008", [f"{{value: active, from: 2019-01-01, to: 2021-12-31, source: {S['page']}}}",
                        f"{{value: ended, from: 2022-01-01, source: {S['page']}}}"], "", D(2023, 6, 1)),
    9: ("t9", "48009", [f"{{value: ended, from: 2022-07-01, source: {S['page']}}}"], "to: 2022-06-30, ", D(2019, 6, 1)),
    10: ("t10", "48010", [f"{{value: active, source: {S['undated']}}}"], "", D(2024, 6, 1)),
    11: ("t11", "48012", [f"{{value: project, source: {S['own']}}}"], "", D(2019, 6, 1)),
    12: ("t12", "48013", [f"{{value: active, from: 2019-01-01, source: {S['page']}}}"], "from: 2021-01-01, ",
         D(2020, 6, 1)),
}


def _registry() -> str:
    instances = "".join(_instance(i, c, s, cov) for i, c, s, cov, _ in ROWS.values() if s is not None)
    return textwrap.dedent("""\
        scope: {departement: "48"}
        """) + SOURCES + "\nactors: []\nterritories: []\n\ninstances:\n" + instances + textwrap.dedent("""
        inventories:
          - id: cls-48
            type: CLS
            territory: departement:48
            as_of: 2026-11-01
            source: {ref: page-cls, paraphrase: "La liste des contrats locaux de santé du département."}
        surveyed:
          - id: recensement-48
            territory: departement:48
            types: [CLS]
            as_of: 2026-11-01
            note: "Registre de test : une ligne de la table de vérité par dispositif."
        """)


@pytest.fixture(scope="module")
def session(registry_copy, tmp_path_factory):
    folder = tmp_path_factory.mktemp("truth-table")
    (folder / "in").mkdir()
    path = folder / "in" / "48.yaml"
    path.write_text(_registry(), encoding="utf-8")
    settings = registry_copy(folder, [path])
    build(settings)
    opened = open_backend(settings)
    yield opened
    opened.close()


def ask(session, row: int) -> dict:
    """What each consumer says of the row's instance and commune on the row's day."""
    instance, commune, _, _, day = ROWS[row]
    answer = who_covers(session, commune, type="CLS", on=day)
    found = next((c for c in answer.instances if c.instance_id == instance), None)
    listed = {i.id: i for i in list_instances(session, type="CLS", territory="departement:48", on=day)}
    [report] = gaps_in(session, "departement:48", type="CLS", on=day).reports
    gap = next(category for category, codes in report.communes.items() if commune in codes)
    layer = {c.code: c.status for c in coverage_layer(session, "departement", "48", type="CLS", on=day).communes}
    gaps_layer = {c.code: c.status for c in gap_layer(session, "departement:48", "CLS", on=day).communes}
    assert gaps_layer[commune] == gap  # the gaps' layer and report say one thing
    return {"state": found.state if found else None, "stale": found.freshness.stale if found else None,
            "since": found.status and found.status.valid_from if found else None,
            "listed": listed[instance].state if instance in listed else None, "gap": gap, "layer": layer[commune]}


def test_row_1_before_creation_nothing_is_in_force(session):
    assert ask(session, 1) == {"state": None, "stale": None, "since": None, "listed": None, "gap": "lacune",
                               "layer": "non-couverte"}


def test_row_2_a_start_given_is_used_as_such(session):
    got = ask(session, 2)
    assert (got["state"], got["listed"], got["gap"], got["layer"]) == ("actif", "actif", "couvert", "couverte")
    assert got["since"] == D(2020, 3, 1)


def test_row_3_a_report_attests_its_whole_period(session):
    got = ask(session, 3)
    assert (got["state"], got["stale"], got["listed"], got["gap"]) == ("actif", False, "actif", "couvert")
    assert got["since"] is None  # the report's period is no start


def test_row_4_before_the_first_attestation_the_state_is_unknown(session):
    got = ask(session, 4)
    assert (got["state"], got["listed"], got["gap"], got["layer"]) == ("statut-inconnu", "statut-inconnu", "inconnu",
                                                                       "inconnue")


def test_row_5_after_the_last_attestation_it_holds_within_the_window(session):
    got = ask(session, 5)  # CLS: a window of five years after the end of 2019
    assert (got["state"], got["stale"], got["gap"]) == ("actif", False, "couvert")


def test_row_6_past_the_window_it_is_to_be_confirmed(session):
    got = ask(session, 6)
    assert (got["state"], got["stale"], got["gap"]) == ("actif", True, "couvert")


def test_row_7_after_a_known_end_without_a_sequel_the_state_is_unknown(session):
    got = ask(session, 7)
    assert (got["state"], got["listed"], got["gap"], got["layer"]) == ("statut-inconnu", "statut-inconnu", "inconnu",
                                                                       "inconnue")


def test_row_8_an_ended_status_ends(session):
    got = ask(session, 8)
    assert (got["state"], got["listed"], got["gap"], got["layer"]) == ("termine", "termine", "lacune", "non-couverte")


def test_row_9_known_by_its_end_only_before_it_is_unknown(session):
    got = ask(session, 9)
    assert (got["state"], got["listed"], got["gap"]) == ("statut-inconnu", "statut-inconnu", "inconnu")


def test_row_10_a_reading_day_is_never_a_start(session):
    got = ask(session, 10)
    assert (got["state"], got["listed"], got["gap"]) == ("statut-inconnu", "statut-inconnu", "inconnu")


def test_row_11_a_citation_speaks_of_its_own_period(session):
    got = ask(session, 11)
    assert (got["state"], got["listed"], got["gap"], got["layer"]) == ("en-projet", "en-projet", "en projet", "en-projet")


def test_row_12_a_coverage_s_own_dates_bound_it_too(session):
    assert ask(session, 12) == {"state": None, "stale": None, "since": None, "listed": None, "gap": "lacune",
                                "layer": "non-couverte"}
