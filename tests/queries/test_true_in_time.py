"""Issue 30 on the real registry: true in time (2019 is known from the 2019 report), true in certainty
(a guess says so), and never silent (where the registry did not look, or looked for another type)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import yaml
from national_files import NEEDS_NATIONAL_FILES

from analysis.ask import gap_layer, gaps_in
from core import jsonable
from core.settings import PROJECT_ROOT
from core.tabular import to_csv
from queries.coverage import who_covers
from queries.instances import instance_detail, instances_answers, list_instances
from queries.layer import coverage_layer
from queries.seats import nearby
from queries.territories import instances_in

REGISTRY = PROJECT_ROOT / "registry"


def _status(backend, day: str, commune: str = "31483") -> str:
    [report] = gaps_in(backend, "departement:31", type="ILC", ages="0-12", on=day).reports
    return next(category for category, codes in report.communes.items() if commune in codes)


def test_saint_gaudens_is_covered_all_through_2019_by_the_ilc_of_comminges(backend):
    """The RAP 31 report of 2019 speaks of 2019: the ILC 0-12 of Comminges was running then."""
    assert _status(backend, "2019-06-01") == _status(backend, "2019-12-31") == "couvert"
    answer = who_covers(backend, "Saint-Gaudens", type="ILC", ages="0-12", on="2019-06-01")
    comminges = next(c for c in answer.instances if c.instance_id == "ilc-comminges")
    assert comminges.state == "actif" and comminges.status.valid_from is None
    assert comminges.freshness.label.startswith("attesté pour l'année 2019")


def test_nothing_of_an_instance_is_in_force_before_its_creation(backend):
    """The EMSP and ESSIP « créées depuis 2022 » are not listed in 2019, in either list."""
    for found in (instances_in(backend, "departement:48", on="2019-06-01"),
                  list_instances(backend, territory="departement:48", on="2019-06-01")):
        ids = {i.id for i in found}
        assert not ids & {"emsp-occitanie", "essip-occitanie"} and "empp-48" in ids
    assert {"emsp-occitanie", "essip-occitanie"} <= {i.id for i in instances_in(backend, "departement:48", on="2024-06-01")}


def test_a_guess_says_so_in_the_json_the_layer_and_the_csv(backend):
    detail = jsonable.plain(instance_detail(backend, "empp-31", on="2024-06-01"))
    assert detail["confidence"] == "inferred" and "13 départements" in detail["note"]
    assert [(c["confidence"], bool(c["note"])) for c in detail["coverages"]] == [("inferred", True)]
    layer = coverage_layer(backend, "departement", "31", type="EMPP", on="2024-06-01")
    assert {(c.status, c.inferred) for c in layer.communes} == {("couverte", True)}
    rows = list(csv.DictReader(io.StringIO(to_csv(jsonable.plain(layer.communes)))))
    assert rows and all(r["inferred"].lower() == "true" for r in rows)
    gaps = gap_layer(backend, "departement:31", "EMPP", on="2024-06-01")
    assert all(c.inferred for c in gaps.communes if c.status == "couvert")


def test_every_deduced_fact_of_a_card_has_its_note(backend):
    """Statuses, roles and perimeters deduced (their own mark or their citation's) say why."""
    for summary in list_instances(backend, on="2024-06-01"):
        detail = instance_detail(backend, summary.id, on="2024-06-01")
        facts = [*detail.history, *detail.roles, *detail.coverages]
        for fact in facts:
            if fact.confidence == "inferred":
                assert fact.note, (summary.id, fact)


def test_not_looked_for_is_not_absent(backend):
    mende = who_covers(backend, "Mende", type="MDPH")
    assert [(a.answer, a.label) for a in mende.answers] == [("type-non-recense", "type non recensé ici")]
    assert "pas pour le type MDPH" in mende.answers[0].message
    gironde = instances_answers(backend, "departement:33", None, [], "2024-06-01")
    assert gironde[0].answer == "hors-registre" and "Gironde" in gironde[0].message
    assert {a.type for a in gironde if a.rule} >= {"DAC", "SIAO", "PTSM"}  # the national rules, said


def test_the_lozere_dac_layer_says_the_rule_expects_one(backend):
    layer = coverage_layer(backend, "departement", "48", type="DAC", on="2024-06-01")
    assert layer.counts["couverte"] == 0 and layer.counts["non-couverte"] == 152
    assert layer.rules == ["La règle nationale prévoit un DAC (toute commune est couverte par un DAC, depuis le "
                           "1er juillet 2022) ; le registre ne l'a pas trouvé ici."]
    assert who_covers(backend, "Mende", type="DAC", on="2024-06-01").answers[0].rule == layer.rules[0]
    # before the rule was due, nothing is expected
    assert not coverage_layer(backend, "departement", "48", type="DAC", on="2021-06-01").rules


def test_an_ended_role_shows_its_end(backend):
    roles = instance_detail(backend, "ilc-comminges", on="2024-06-01").roles
    asei = next(r for r in roles if r.actor == "ASEI")
    assert (asei.held, asei.when, asei.valid_to) == ("termine", "jusqu'en 2018", dt.date(2018, 12, 31))
    mds = next(r for r in roles if r.actor_id == "mds-saint-gaudens")
    assert (mds.held, mds.when) == ("en-cours", "début inconnu, attesté pour l'année 2019")


def test_toulouse_has_its_cpts_with_their_sources(backend):
    answer = who_covers(backend, "Toulouse", type="CPTS", on="2026-12-01")
    found = {c.instance_id: c for c in answer.instances}
    assert set(found) == {"cpts-toulouse-rive-gauche", "cpts-canal-garonne"}
    for item in found.values():
        assert item.sources and all(s.url for s in item.sources)
        assert item.coverages[0].confidence == "inferred" and "partie de Toulouse" in item.coverages[0].note


@NEEDS_NATIONAL_FILES  # the seats nearby: the national files'
def test_a_sample_says_so_and_far_is_not_near(backend):
    answer = nearby(backend, "Muret", type="ACT", max_km=100)
    [act] = answer.groups
    assert act.seats == [] and act.farther.distance_km > 300 and "100 km" in act.note
    assert act.extent and act.extent[0].startswith("échantillon FINESS : 30 entités juridiques")
    assert nearby(backend, "Muret", type="ACT", max_km=1000).groups[0].seats


def test_every_source_of_the_real_registry_says_the_period_it_speaks_of():
    seen = 0
    for path in sorted(Path(REGISTRY).glob("*.yaml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        # a listing's mapping (<name>.listing.yaml) has the one source of its whole table
        sources = {document["source"]["key"]: document["source"]} if "listing" in document else document["sources"]
        for key, source in sources.items():
            period = source.get("period")
            assert period and period["from"] <= period["to"], (path.name, key)
            seen += 1
    assert seen > 2
