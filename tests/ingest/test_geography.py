"""The official geography: counts equal the source package's, DROM and Corsica included."""

from __future__ import annotations

import json

from maillage.ingest import geography
from maillage.settings import Settings


def _source(name):
    return json.loads((Settings.from_env().geography / "data" / name).read_text())


def test_counts_equal_the_source():
    geo = geography.load(Settings.from_env().geography)
    current = [c for c in _source("communes.json") if c["type"] == "commune-actuelle"]
    assert len(geo.communes) == len(current) == 34969
    assert len(geo.epcis) == len(_source("epci.json"))
    assert len(geo.departements) == len(_source("departements.json"))
    assert len(geo.regions) == len(_source("regions.json"))
    assert geo.version == "6.0.0" and set(geo.checksums) == set(geography.FILES)


def test_drom_corsica_and_epci_membership():
    geo = geography.load(Settings.from_env().geography)
    assert geo.communes["2A004"].name == "Ajaccio" and geo.communes["2A004"].region == "94"
    assert geo.communes["97411"].departement == "974"
    assert geo.communes["31395"].epci == "200068641"
    assert len(geo.epcis["200068641"][2]) == 26
    assert sum(1 for c in geo.communes.values() if c.departement == "31") == 586
    assert sum(1 for c in geo.communes.values() if c.departement == "48") == 152


def test_national_store_holds_every_commune(backend):
    rows = backend.store.query(
        "SELECT (COUNT(?c) AS ?n) WHERE { ?c a <http://rdf.insee.fr/def/geo#Commune> }"
    )
    assert int(next(iter(rows))["n"].value) == 34969


def test_every_territory_carries_its_source(backend):
    rows = backend.store.query(
        "PREFIX prov: <http://www.w3.org/ns/prov#> SELECT (COUNT(?c) AS ?n) WHERE { "
        "?c a <http://rdf.insee.fr/def/geo#Commune> FILTER NOT EXISTS { ?c prov:wasDerivedFrom ?s } }"
    )
    assert int(next(iter(rows))["n"].value) == 0
