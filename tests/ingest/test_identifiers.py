"""SIREN, SIRET, FINESS and RNA on actors and instances: patterns by the shapes, the Luhn key and
quoting by the reader, each reported with the file, entry, field and rule."""

from __future__ import annotations

import pytest

from ingest.identifiers import luhn_valid, siret_valid
from ingest.registry import read_registry
from ingest.validate import validate_registry

BASE = """\
scope: {departement: "31"}
sources:
  s: {title: "Source", url: "https://example.org/s", date: 2024-01-01}
actors:
  - id: a1
    name: "Association"
    kind: association
    %(actor)s
    source: {ref: s, excerpt: "l'association"}
instances:
  - id: i1
    type: DAC
    name: "DAC"
    %(instance)s
    source: {ref: s, excerpt: "le DAC"}
    coverage:
      - {territory: departement:31, source: {ref: s, excerpt: "le département"}}
"""


@pytest.fixture(scope="module")
def geo(cut_geography):
    return cut_geography


def _problems(tmp_path, geo, actor="", instance=""):
    (tmp_path / "31.yaml").write_text(BASE % {"actor": actor, "instance": instance}, encoding="utf-8")
    reg = read_registry(tmp_path, geo)
    return reg, list(reg.problems) + validate_registry(reg, geo)


def test_luhn():
    assert luhn_valid("775672272") and not luhn_valid("775672273")
    assert siret_valid("77567227239866") and not siret_valid("77567227239867")
    assert siret_valid("35600000000048")  # La Poste: digits summing to a multiple of 5


def test_valid_identifiers_pass_and_are_triples(tmp_path, geo):
    reg, problems = _problems(tmp_path, geo, actor='siren: "775672272"\n    rna: "W313000001"',
                              instance='siret: "77567227239866"\n    finess: "2A0004040"')
    assert problems == []
    values = {str(o) for o in reg.graph.objects()}
    assert {"775672272", "W313000001", "77567227239866", "2A0004040"} <= values


@pytest.mark.parametrize("actor,instance,field,rule", [
    ('siren: "775672273"', "", "siren", "cle-luhn"),
    ("", 'siret: "77567227239867"', "siret", "cle-luhn"),
    ('siren: "775672272"\n    siret: "73282932000074"', "", "siret", "siret-siren"),
    ("siren: 775672272", "", "siren", "identifiant-texte"),
    ('siren: "77567227"', "", "siren", "Pattern siren"),
    ("", 'finess: "31003542"', "finess", "Pattern finess"),
    ('rna: "X313000001"', "", "rna", "Pattern rna"),
])
def test_bad_identifiers_are_reported(tmp_path, geo, actor, instance, field, rule):
    _, problems = _problems(tmp_path, geo, actor=actor, instance=instance)
    assert [(p.file, p.entry, p.field, p.rule) for p in problems] == [
        ("31.yaml", "a1" if actor else "i1", field, rule)], problems


def test_a_misspelt_identifier_is_an_unknown_field(tmp_path, geo):
    _, problems = _problems(tmp_path, geo, instance='sirne: "775672272"')
    assert [(p.field, p.rule) for p in problems] == [("sirne", "champ-inconnu")]
