"""What Maillage knows of France (issue 32, item 5), on the real registry: per type and département,
computed from the tables and checked against the questions that answer each part on their own."""

from __future__ import annotations

import datetime as dt

from core import jsonable
from queries.france import KNOWLEDGE, knowledge_of_france
from queries.instances import instances_answers, list_instances
from queries.layer import coverage_layer

DAY = dt.date(2026, 12, 1)


def _type(answer, type):
    return next(t for t in answer.types if t.type == type)


def test_cpts_are_known_in_occitanie_and_set_beside_the_national_figure(backend):
    cpts = _type(knowledge_of_france(backend, type="CPTS", on=DAY), "CPTS")
    assert cpts.summary.startswith(f"CPTS : {cpts.instances} dispositif(s) connu(s) (")
    assert " en Occitanie" in cpts.summary
    assert cpts.summary.endswith("; environ 800 en France (FINESS, juillet 2026)")
    assert cpts.national[0].count == 820 and "borne haute" in cpts.national[0].note
    by_code = {d.code: d for d in cpts.departements}
    assert {"31", "48"} <= set(by_code)
    assert "CPTS Terre des Sources – Lozèr'Est" in " ".join(by_code["48"].instances) or by_code["48"].instances


def test_each_departement_agrees_with_the_coverage_layer_and_the_instance_list(backend):
    """Communes and population covered are the coverage layer's « couverte » (the population of a commune
    split into arrondissements municipaux: its arrondissements « couverte »); the instances named are
    those the instance list finds in the département; the knowledge follows the surveys and inventories."""
    answer = knowledge_of_france(backend, on=DAY)
    assert answer.types[0].type is None and answer.departements_total >= 100
    for t in answer.types[1:]:
        for d in t.departements:
            if not (d.instances or d.code in ("31", "48")):
                continue
            layer = coverage_layer(backend, "departement", d.code, type=t.type, on=DAY)
            covered = [c.code for c in layer.communes if c.status == "couverte"]
            assert d.communes_covered == len(covered), (t.type, d.code)
            # a commune the layer splits into arrondissements municipaux: the population of those covered
            parts = getattr(layer, "arrondissements", [])
            split = {backend.tables.commune_of(a.code) for a in parts}
            cells = [c for c in covered if c not in split] + [a.code for a in parts if a.status == "couverte"]
            assert d.population_covered == backend.tables.population(cells), (t.type, d.code)
            listed = {i.name for i in list_instances(backend, type=t.type, territory=f"departement:{d.code}", on=DAY)}
            assert set(d.instances) == listed, (t.type, d.code)
            assert d.knowledge in KNOWLEDGE and d.label == KNOWLEDGE[d.knowledge]
            assert (d.knowledge == "inventaire") == d.inventory
            if d.knowledge == "recense":
                assert d.surveyed and d.surveyed_as_of is not None


def test_the_departements_listed_are_those_the_registry_looked_at_or_knows(backend):
    """Computed, not listed by hand: a département is listed for all types exactly when the registry has
    instances there or answers anything but « hors registre » for it."""
    every = knowledge_of_france(backend, on=DAY).types[0]
    listed = {d.code for d in every.departements}
    departements = {c.departement for c in backend.tables.communes.values()}
    expected = set()
    for code in departements:
        found = list_instances(backend, territory=f"departement:{code}", on=DAY)
        answer = instances_answers(backend, f"departement:{code}", None, found, DAY)[0]
        if found or answer.answer != "hors-registre":
            expected.add(code)
    assert listed == expected and {"31", "48"} <= listed and "33" not in listed


def test_the_answer_is_plain_json(backend):
    plain = jsonable.plain(knowledge_of_france(backend, type="DAC", on=DAY))
    dac = plain["types"][0]
    assert dac["national"][0]["url"].startswith("https://") and "133" in dac["summary"]
    assert plain["colours"]["hors-registre"] == "#f7f7f2"


def test_marseille_counts_the_population_of_the_arrondissements_its_cpts_cover(backend):
    """Marseille's CPTS cover 15 of its 16 arrondissements (none covers the 1st): the Bouches-du-Rhône's
    population covered by a CPTS leaves out the 1st arrondissement's people, not Marseille's."""
    cpts = {d.code: d for d in _type(knowledge_of_france(backend, type="CPTS", on=DAY), "CPTS").departements}
    tables = backend.tables
    first = tables.arrondissements["13201"]
    assert first.commune == "13055" and first.population > 0
    layer = coverage_layer(backend, "departement", "13", type="CPTS", on=DAY)
    whole = tables.population([c.code for c in layer.communes if c.status == "couverte"])
    assert "13055" in {c.code for c in layer.communes if c.status == "couverte"}
    assert cpts["13"].population_covered == whole - first.population
