"""The synthetic national registry (10,000 instances, every région) through the whole path (YAML →
SHACL → store → analyses), built once for the session: every planted overlap and gap is found, and
nothing else. The bench (bench/bench_analysis.py) times the same analyses on it."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from analysis import gaps as G
from analysis import load
from analysis.network import measures
from analysis.overlaps import overlaps
from core.errors import RegistryInvalid
from ingest.build import build, check
from ingest.geography import load as load_geography
from ingest.synthetic import generate, write
from store.session import open_backend
from core.settings import PROJECT_ROOT, Settings

pytestmark = pytest.mark.slow

SEED = 7


@pytest.fixture(scope="session")
def synthetic(tmp_path_factory, geography_cache):
    folder = tmp_path_factory.mktemp("synthetic")
    docs, truth = generate(load_geography(Settings.from_env().geography), seed=SEED)
    write(docs, truth, folder)
    data_dir = folder / "data"
    data_dir.mkdir()
    (data_dir / "cache").symlink_to(geography_cache, target_is_directory=True)
    settings = Settings.from_env(registry=folder / "registry", data_dir=data_dir, backend="embedded")
    build(settings)
    backend = open_backend(settings)
    yield folder, truth, load(backend)
    backend.close()


def test_generation_is_deterministic_and_marked_synthetic(synthetic):
    folder, truth, _ = synthetic
    again, truth2 = generate(load_geography(Settings.from_env().geography), seed=SEED)
    assert truth2 == truth
    for path in sorted((folder / "registry").glob("*.yaml")):
        doc = yaml.safe_load(path.read_text())
        assert doc["synthetic"] is True and doc == again[path.name]


def test_every_record_is_marked_synthetic(synthetic):
    folder, _, _ = synthetic
    settings = Settings.from_env(data_dir=folder / "data", backend="embedded")
    backend = open_backend(settings)
    rows = backend.backend.store.query(
        "SELECT (COUNT(?s) AS ?n) WHERE { ?s a ?c . FILTER(?c IN (<https://w3id.org/maillage/ontology#SchemeInstance>, "
        "<https://w3id.org/maillage/ontology#Coverage>, <https://w3id.org/maillage/ontology#Role>, "
        "<http://www.w3.org/ns/org#Organization>, <https://w3id.org/maillage/ontology#Inventory>)) "
        "FILTER NOT EXISTS { ?s <https://w3id.org/maillage/ontology#synthetic> true } }"
    )
    assert int(next(iter(rows))["n"].value) == 0


def test_every_planted_overlap_is_found_and_nothing_else(synthetic):
    _, truth, data = synthetic
    found = {(o.a, o.b) for o in overlaps(data)}
    assert truth.overlaps and truth.near_misses
    assert found == {tuple(sorted(p)) for p in truth.overlaps}
    assert not found & {tuple(sorted(p)) for p in truth.near_misses}


def test_every_planted_gap_is_found_and_unknown_kept_apart(synthetic):
    _, truth, data = synthetic
    reports = G.gaps(data, frozenset(data.communes), G.specs_for(data), dt.date(2025, 6, 1))
    assert {r.type for r in reports} == {"DAC", "SIAO", "PTSM", "CPTS", "MDPH"}  # every type a national rule expects
    found_gaps = {f"{r.departement}|{r.type}": r.communes[G.GAP] for r in reports if r.communes[G.GAP]}
    found_unknown = {f"{r.departement}|{r.type}": r.communes[G.UNKNOWN] for r in reports if r.communes[G.UNKNOWN]}
    assert truth.gaps and truth.unknown
    assert found_gaps == truth.gaps
    assert found_unknown == truth.unknown


def test_network_flags_the_actors_present_everywhere(synthetic):
    _, _, data = synthetic
    scores, redundancies = measures(data)
    # Each région's ARS sits in most of its instances: redundant with the other members everywhere,
    # and one of them (Occitanie's, 1,273 instances with seed 7) the broker of the whole graph.
    assert {r.actor for r in redundancies} >= {f"syn-ars-{r}" for r in ("01", "02", "03", "04", "06", "11", "24", "27", "28", "32", "44")}
    top = max(scores, key=lambda s: s.betweenness)
    assert top.actor == "syn-ars-76" and top.instances > 1000


def test_synthetic_and_real_files_are_never_mixed(tmp_path, synthetic, geography_cache):
    folder, _, _ = synthetic
    mixed = tmp_path / "registry"
    mixed.mkdir()
    (mixed / "region-94.yaml").write_text((folder / "registry" / "region-94.yaml").read_text())
    (mixed / "31.yaml").write_text((PROJECT_ROOT / "registry" / "31.yaml").read_text())
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / "cache").symlink_to(geography_cache, target_is_directory=True)
    with pytest.raises(RegistryInvalid) as err:
        check(Settings.from_env(registry=mixed, data_dir=tmp_path / "var"))
    assert [p.rule for p in err.value.problems if p.rule == "melange-synthetique"] == ["melange-synthetique"]
