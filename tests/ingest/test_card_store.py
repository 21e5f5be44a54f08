"""The cards asked of the small in-memory card store equal the cards asked of the whole build's store."""

from __future__ import annotations

from maillage.ingest import csv_import, geography
from maillage.ingest.publish import card_facts, card_store
from maillage.ingest.registry import read_registry
from maillage.ingest.validate import referenced_territories
from maillage.store.embedded import EmbeddedBackend
from maillage.store.session import Session


def test_cards_from_the_card_store_equal_those_of_the_whole_store(national, tmp_path):
    geo = geography.load(national.geography)
    reg = read_registry(national.registry, geo, csv_import.read_folder(national.registry), national.shared)
    whole = Session(EmbeddedBackend.open(national.data_dir))
    pairs = [{"instance": r["instance"], "coverage": r["coverage"]} for r in whole.run("coverages")]
    small = card_store(reg.graph.serialize(format="nt", encoding="utf-8"), "".join(referenced_territories(reg, geo)))
    from_small = card_facts(Session(EmbeddedBackend(small, tmp_path, in_memory=True)), pairs)
    from_whole = card_facts(whole, pairs)
    assert len(from_whole) == len(pairs) > 40
    assert from_small == from_whole
    assert {c["level"] for c in from_whole.values()} >= {"commune", "epci", "departement", "region"}
