"""The freshness windows of ontology/freshness.ttl pass the shapes, and a window that is not a duration,
or has no reason, is refused with the rule's French message."""

from __future__ import annotations

from rdflib import RDF, RDFS, Literal, URIRef, XSD

from core.settings import PROJECT_ROOT
from ingest import csv_import
from ingest.registry import read_registry
from ingest.validate import validate_registry
from ingest.vocabulary import M, TYPE


def _problems(geo, extra_triples):
    folder = PROJECT_ROOT / "tests" / "resources" / "registry-small"
    reg = read_registry(folder, geo, csv_import.read_folder(folder), None)
    for triple in extra_triples:
        reg.graph.add(triple)
    return validate_registry(reg, geo)


def test_the_real_windows_pass(cut_geography):
    assert [p for p in _problems(cut_geography, []) if "fraîcheur" in p.message] == []


def test_a_window_that_is_not_a_duration_is_refused(cut_geography):
    bad = URIRef("https://w3id.org/maillage/freshness/bad")
    found = _problems(cut_geography, [(bad, RDF.type, M.FreshnessWindow), (bad, M.schemeType, TYPE.DAC),
                       (bad, M.window, Literal("deux ans")), (bad, RDFS.comment, Literal("raison", lang="fr"))])
    assert any("fenêtre de fraîcheur invalide" in p.message for p in found), found


def test_a_window_without_its_reason_is_refused(cut_geography):
    bad = URIRef("https://w3id.org/maillage/freshness/silent")
    found = _problems(cut_geography, [(bad, RDF.type, M.FreshnessWindow), (bad, M.schemeType, TYPE.DAC),
                       (bad, M.window, Literal("P3Y", datatype=XSD.duration))])
    assert any("sans raison" in p.message for p in found), found
