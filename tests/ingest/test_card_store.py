"""The cards asked of the in-memory card store, in one process or shared among several, equal the
cards asked of the whole build's store."""

from __future__ import annotations

from maillage.ingest import csv_import, geography, publish
from maillage.ingest.publish import card_facts
from maillage.ingest.registry import read_registry
from maillage.ingest.validate import referenced_territories
from maillage.store.embedded import EmbeddedBackend
from maillage.store.session import Session


def test_cards_from_the_card_store_equal_those_of_the_whole_store(national, tmp_path, monkeypatch):
    geo = geography.load(national.geography)
    reg = read_registry(national.registry, geo, csv_import.read_folder(national.registry), national.shared)
    whole = Session(EmbeddedBackend.open(national.data_dir))
    pairs = [{"instance": r["instance"], "coverage": r["coverage"]} for r in whole.run("coverages")]
    registry, territories = reg.graph.serialize(format="nt", encoding="utf-8"), "".join(referenced_territories(reg, geo))
    from_whole = card_facts(whole, pairs)
    assert len(from_whole) == len(pairs) > 40
    assert {c["level"] for c in from_whole.values()} >= {"commune", "epci", "departement", "region"}
    assert publish._cards(pairs, registry, territories, tmp_path, workers=1) == from_whole
    monkeypatch.setattr(publish, "PARALLEL_COVERAGES", 1)
    assert publish._cards(pairs, registry, territories, tmp_path, workers=3) == from_whole
    assert not list(tmp_path.iterdir())  # the workers' N-Triples file is gone


class _BrokenPool:
    """A pool whose workers never start, as when a script without a ``__main__`` guard builds."""

    def __init__(self, *args, **kwargs):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def submit(self, *args):
        from concurrent.futures import Future

        future = Future()
        future.set_exception(publish.BrokenProcessPool("worker died"))
        return future


def test_a_worker_that_cannot_start_leaves_its_share_to_the_build(national, tmp_path, monkeypatch):
    geo = geography.load(national.geography)
    reg = read_registry(national.registry, geo, csv_import.read_folder(national.registry), national.shared)
    whole = Session(EmbeddedBackend.open(national.data_dir))
    pairs = [{"instance": r["instance"], "coverage": r["coverage"]} for r in whole.run("coverages")]
    monkeypatch.setattr(publish, "PARALLEL_COVERAGES", 1)
    monkeypatch.setattr(publish, "ProcessPoolExecutor", _BrokenPool)
    registry, territories = reg.graph.serialize(format="nt", encoding="utf-8"), "".join(referenced_territories(reg, geo))
    assert publish._cards(pairs, registry, territories, tmp_path, workers=2) == card_facts(whole, pairs)
