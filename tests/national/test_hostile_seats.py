"""Hostile rows through the national files' readers: an id that cannot end an IRI refuses its row,
named by its number; every other value (names, SIRET, excerpts) is escaped, and the seats' N-Triples
read back, by pyoxigraph and by the project's reader, to exactly the file's values."""

from __future__ import annotations

import csv
import gzip
import io
import json

import pyoxigraph as ox
import pytest
from rdflib import RDFS

from core.settings import Settings
from ingest import finess, france_services, geography, national_sources, seats
from ingest._fastgraph import ntriples_terms

pytestmark = pytest.mark.integration

NAMES = ['Maison "France services" \\ Muret', "deux\nlignes\rici", "a > b < c", "tab\tet\u2028séparateur", "}{|^`"]


@pytest.fixture(scope="module")
def geo():
    return geography.load(Settings.from_env().geography)


def _labels(text: str) -> set[str]:
    quads = ox.parse(text.encode(), format=ox.RdfFormat.N_TRIPLES)
    return {q.object.value for q in quads if q.predicate.value == str(RDFS.label)}


def _read_back(text: str) -> set[str]:
    return {str(o) for _, p, o in ntriples_terms(text) if p == RDFS.label}


def test_france_services_rows(tmp_path, geo):
    desc = national_sources.source("france-services").description
    fields = desc["fields"]
    header = [fields["id"], fields["name"], fields["commune"], fields["latitude"], fields["longitude"],
              *fields["kind"], fields["labelled"]]
    rows = [("12>3", "Refusée 1"), ("1 2", "Refusée 2"), ("7\n8", "Refusée 3"), ("", "Refusée 4"), ("é9", "Refusée 5")]
    rows += [(str(100 + i), name) for i, name in enumerate(NAMES)]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for ident, name in rows:
        writer.writerow([ident, name, "31395", "43.46", "1.33", "Principal", "Fixe", "oui"])
    path = tmp_path / "fs.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")

    read = france_services.read(desc, path, "0" * 64, geo)
    assert [s.key for s in read.seats] == [f"fs-{100 + i}" for i in range(len(NAMES))]
    reason = next(iter(read.refused_rows))
    assert read.refused_rows[reason] == [1, 2, 3, 4, 5]  # each refused row by its number
    assert "ligne(s) 1, 2, 3, 4, 5" in read.left_out() and "identifiant refusé" in read.left_out()
    text = seats.seat_triples(read)
    assert _labels(text) == _read_back(text) == set(NAMES)


def test_finess_rows(tmp_path, geo):
    desc = national_sources.source("finess").description
    category = next(iter(desc["categories"]))

    def ege(number, name, siret=None):
        return {"categorieentiteGeographiqueExercice": category, "etatObjet": "A",
                "informationsGeneralesEGE": {"numFinessEge": number, "nomEgeLong": name, "siret": siret,
                                             "dateOuverture": "2000-01-01", "dateFermeture": None},
                "adresse": [{"cogCommune": "31395", "coordonneesGeographique": {"coordonneeX": 1.33, "coordonneeY": 43.46}}]}

    records = [ege("31 0000001", "Refusée"), ege("310000001>", "Refusée"), ege(None, "Refusée")]
    records += [ege(f"31000010{i}", name, siret='123"\n') for i, name in enumerate(NAMES)]
    path = tmp_path / "finess.json.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        json.dump({"pmej": [{"ege": records}]}, handle)

    read = finess.read(desc, path, "0" * 64, geo)
    assert [s.finess for s in read.seats] == [f"31000010{i}" for i in range(len(NAMES))]
    assert list(read.refused_rows.values()) == [[1, 2, 3]]
    text = seats.seat_triples(read)
    assert _labels(text) == _read_back(text) == set(NAMES)
    sirets = {q.object.value for q in ox.parse(text.encode(), format=ox.RdfFormat.N_TRIPLES) if q.predicate.value.endswith("siret")}
    assert sirets == {'123"\n'}  # escaped, not cut: the shapes then refuse it as a SIRET
