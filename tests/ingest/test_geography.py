"""The official geography: counts equal the source package's, DROM and Corsica included."""

from __future__ import annotations

import json

import pytest

from geography_cut import DEPARTEMENTS
from ingest import geography
from core.settings import Settings


def _source(name):
    return json.loads((Settings.from_env().geography / "data" / name).read_text())


@pytest.mark.integration
def test_counts_equal_the_source():
    geo = geography.load(Settings.from_env().geography)
    current = [c for c in _source("communes.json") if c["type"] == "commune-actuelle"]
    assert len(geo.communes) == len(current) == 34969
    assert len(geo.epcis) == len(_source("epci.json"))
    assert len(geo.departements) == len(_source("departements.json"))
    assert len(geo.regions) == len(_source("regions.json"))
    assert geo.version == "6.0.0" and set(geo.checksums) == set(geography.FILES)


@pytest.mark.integration
def test_drom_corsica_and_epci_membership():
    geo = geography.load(Settings.from_env().geography)
    assert geo.communes["2A004"].name == "Ajaccio" and geo.communes["2A004"].region == "94"
    assert geo.communes["97411"].departement == "974"
    assert geo.communes["31395"].epci == "200068641"
    assert len(geo.epcis["200068641"][2]) == 26
    assert sum(1 for c in geo.communes.values() if c.departement == "31") == 586
    assert sum(1 for c in geo.communes.values() if c.departement == "48") == 152


def test_national_store_holds_every_commune(backend):
    rows = backend.backend.store.query(
        "SELECT (COUNT(?c) AS ?n) WHERE { ?c a <http://rdf.insee.fr/def/geo#Commune> }"
    )
    assert int(next(iter(rows))["n"].value) == 34969


def test_every_territory_carries_its_source(backend):
    rows = backend.backend.store.query(
        "PREFIX prov: <http://www.w3.org/ns/prov#> SELECT (COUNT(?c) AS ?n) WHERE { "
        "?c a <http://rdf.insee.fr/def/geo#Commune> FILTER NOT EXISTS { ?c prov:wasDerivedFrom ?s } }"
    )
    assert int(next(iter(rows))["n"].value) == 0


@pytest.mark.integration
def test_derived_triples_follow_from_the_facts():
    """``m:within`` and ``m:nameKey`` are computed, not validated: they must equal what the
    validated facts imply (itself, its EPCI, its département and that département's région)."""
    import pyoxigraph as ox
    from core.text import fold

    geo = geography.load(Settings.from_env().geography)
    facts = ox.Store()
    facts.load("".join(geography.fact_triples(geo)).encode(), format=ox.RdfFormat.N_TRIPLES)
    implied = {
        (r["c"].value, r["t"].value)
        for r in facts.query(
            "PREFIX m: <https://w3id.org/maillage/ontology#> SELECT ?c ?t WHERE {"
            " ?c a <http://rdf.insee.fr/def/geo#Commune> ; (m:inEpci | m:inDepartement | m:inDepartement/m:inRegion)? ?t }"
        )
    }
    # an arrondissement municipal: itself, and what holds its commune (decision 0142)
    implied |= {
        (r["a"].value, r["t"].value)
        for r in facts.query(
            "PREFIX m: <https://w3id.org/maillage/ontology#> SELECT ?a ?t WHERE {"
            " ?a a <http://rdf.insee.fr/def/geo#ArrondissementMunicipal> ;"
            " (m:inCommune/(m:inEpci | m:inDepartement | m:inDepartement/m:inRegion)?)? ?t }"
        )
    }
    assert len([a for a, t in implied if a == t and "/arrondissement/" in a]) == 45
    derived = ox.Store()
    derived.load("".join(geography.derived_triples(geo)).encode(), format=ox.RdfFormat.N_TRIPLES)
    within = {(q.subject.value, q.object.value) for q in derived.quads_for_pattern(None, ox.NamedNode("https://w3id.org/maillage/ontology#within"), None)}
    assert within == implied and len(within) > 3 * 34969
    labels = {q.subject.value: q.object.value for q in facts.quads_for_pattern(None, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), None)}
    keys = list(derived.quads_for_pattern(None, ox.NamedNode("https://w3id.org/maillage/ontology#nameKey"), None))
    assert len(keys) == 34969 + 45 and all(q.object.value == fold(labels[q.subject.value]) for q in keys)


def _tiny_geography(**changes) -> geography.Geography:
    """Two communes of Lozère in one EPCI, with ``changes`` applied (a corrupted package)."""
    geo = geography.Geography(version="6.0.0", vintage="2025-01-01", checksums={"communes.json": "0" * 64})
    geo.regions["76"] = "Occitanie"
    geo.departements["48"] = ("Lozère", "76")
    geo.epcis["200069300"] = ("CC Gorges Causses Cévennes", "CC", ("48061", "48080"))
    for code, name in (("48061", "Florac Trois Rivières"), ("48080", "Ispagnac")):
        geo.communes[code] = geography.Commune(code, name, "48", "76", 1000, "200069300")
    for table, entries in changes.items():
        getattr(geo, table).update(entries)
    return geo


def test_a_sound_geography_passes():
    from ingest.validate import validate_geography

    assert validate_geography(_tiny_geography(), None) == []


def test_a_corrupted_geography_is_rejected():
    from ingest.validate import validate_geography

    bad_code = geography.Commune("48X99", "Nulle-Part", "48", "76", 10, None)
    geo = _tiny_geography(
        communes={"48X99": bad_code},
        epcis={"200069301": ("CC Fantôme", "CC", ("48999",))},  # a member that is no current commune
    )
    problems = validate_geography(geo, None)
    found = {(p.entry, p.rule) for p in problems}
    assert ("48X99", "Pattern codeINSEE") in found
    assert ("48999", "Class") in found
    assert any("membre d'EPCI inconnu" in p.message for p in problems)


def test_a_commune_of_an_unknown_departement_is_rejected():
    from ingest.validate import validate_geography

    lost = geography.Commune("48001", "Perdue", "99", "76", 10, None)
    problems = validate_geography(_tiny_geography(communes={"48001": lost}), None)
    assert [(p.entry, p.rule) for p in problems] == [("48001", "Class inDepartement")]


def test_the_small_geography_is_cut_whole_from_the_package(cut_package, cut_geography, geography_cache):
    """The unit tests' geography (tests/geography_cut.py): every record is the package's own, its
    départements hold all their communes, its EPCIs all their members, and it passes the rules."""
    from ingest.validate import validate_geography
    from store.caches import Caches

    def rows(folder, name):
        return json.loads((folder / "data" / name).read_text(encoding="utf-8"))

    package = Settings.from_env().geography
    for name in geography.FILES:
        whole = [json.dumps(r, sort_keys=True) for r in rows(package, name)]
        part = [json.dumps(r, sort_keys=True) for r in rows(cut_package, name)]
        assert part and set(part) <= set(whole), name
    current = [c for c in rows(package, "communes.json") if c["type"] == "commune-actuelle"]
    for code in DEPARTEMENTS:
        assert set(cut_geography.communes_of("departement", code)) == {c["code"] for c in current if c["departement"] == code}
    assert all(set(members) <= set(cut_geography.communes) for _, _, members in cut_geography.epcis.values())
    assert cut_geography.communes["31395"].epci == "200068641" and "48095" in cut_geography.communes
    assert len(cut_geography.communes) < len(current) / 20
    assert validate_geography(cut_geography, Caches(geography_cache)) == []
