"""A build after an edit starts from the live build's store (``ingest/reuse.py``): it publishes the
same graph, triple for triple, as a cold build of the edited registry, and a failed one changes nothing."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from core.errors import RegistryInvalid
from ingest.build import build
from ingest import slices
from store.builds import build_info, current_build

pytestmark = pytest.mark.equivalence

RESOURCES = Path(__file__).parent.parent / "resources"


def _triples(data_dir: Path) -> set[str]:
    store = ox.Store.read_only(str(current_build(data_dir) / "oxigraph"))
    return {str(q) for q in store.quads_for_pattern(None, None, None, None)}


def _edit(registry: Path, old: str, new: str) -> None:
    path = registry / "31.yaml"
    body = path.read_text(encoding="utf-8")
    assert old in body, old
    path.write_text(body.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def live(tmp_path, registry_copy):
    settings = registry_copy(tmp_path / "live", sorted((RESOURCES / "registry-small").iterdir()))
    build(settings)
    return settings


def _cold_twin(tmp_path, registry_copy, settings):
    twin = registry_copy(tmp_path / "cold", sorted(settings.registry.iterdir()))
    build(twin)
    return twin


@pytest.mark.parametrize("old, new", [
    ("from: 2019-01-01", "from: 2019-01-02"),  # a status date: one instance's cards
    ('name: "RAP 31"', 'name: "RAP 31 bis"'),  # an actor's name, which cards show: every card
], ids=["a date", "an actor's name"])
def test_a_build_after_an_edit_reuses_the_store_and_publishes_the_cold_graph(live, tmp_path, registry_copy, old, new):
    before = current_build(live.data_dir)
    _edit(live.registry, old, new)
    said: list[str] = []
    build(live, progress=said.append)
    assert any(line.startswith("Magasin repris de la construction en service : 1 partie(s) changée(s)") for line in said), said
    assert current_build(live.data_dir) != before
    twin = _cold_twin(tmp_path, registry_copy, live)
    assert _triples(live.data_dir) == _triples(twin.data_dir)
    # the count a reuse declares is the live one's with the difference: the store's own
    assert build_info(current_build(live.data_dir))["triples"] == len(_triples(live.data_dir))


def test_an_unchanged_registry_reuses_everything(live):
    said: list[str] = []
    build(live, progress=said.append)
    assert any("0 partie(s) changée(s), 0 triplet(s) retiré(s), 0 ajouté(s)" in line for line in said), said
    assert build_info(current_build(live.data_dir))["triples"] == len(_triples(live.data_dir))


def test_an_edit_in_a_file_cut_into_slices_rewrites_one_slice(tmp_path, registry_copy, monkeypatch):
    """Every file cut into slices of one instance (as a national région's is): an edited date
    changes one slice, and the rebuild publishes what a cold build of the edited registry, files
    read whole, publishes."""
    monkeypatch.setattr(slices, "SLICE_BYTES", 0)
    monkeypatch.setattr(slices, "SLICE_ENTRIES", 1)
    settings = registry_copy(tmp_path / "live", sorted((RESOURCES / "registry-small").iterdir()))
    build(settings)
    _edit(settings.registry, "from: 2019-01-01", "from: 2019-01-02")
    said: list[str] = []
    build(settings, progress=said.append)
    assert any(line.startswith("Magasin repris de la construction en service : 1 partie(s) changée(s)") for line in said), "\n".join(said)
    assert any(line.startswith("  31.yaml (instances ") and "conforme (1/1" in line for line in said), said
    monkeypatch.undo()
    assert _triples(settings.data_dir) == _triples(_cold_twin(tmp_path, registry_copy, settings).data_dir)
    assert build_info(current_build(settings.data_dir))["triples"] == len(_triples(settings.data_dir))


def test_a_failed_build_after_an_edit_changes_nothing(live):
    link, triples = os.readlink(live.data_dir / "current"), _triples(live.data_dir)
    _edit(live.registry, "from: 2019-01-01", "from: 2019-13-01")
    with pytest.raises(RegistryInvalid):
        build(live)
    assert os.readlink(live.data_dir / "current") == link and _triples(live.data_dir) == triples
    assert not [p for p in (live.data_dir / "builds").iterdir() if p.name.endswith(".tmp")]


def test_a_build_whose_readings_were_forgotten_writes_the_store_whole(live, tmp_path, registry_copy):
    _edit(live.registry, "from: 2019-01-01", "from: 2019-01-03")
    shutil.rmtree(live.data_dir / "cache" / "readings")
    said: list[str] = []
    build(live, progress=said.append)
    assert not any(line.startswith("Magasin repris") for line in said)
    assert "Écriture du graphe dans le magasin embarqué…" in said
    assert _triples(live.data_dir) == _triples(_cold_twin(tmp_path, registry_copy, live).data_dir)
