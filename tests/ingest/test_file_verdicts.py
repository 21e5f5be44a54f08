"""Validating file by file (``ingest.file_verdicts``) says exactly what validating everything at once
says: the same problems, messages and verdicts, on the real registry, a synthetic one and every case of
the bad-input corpus; and a remembered verdict is reused only for the same content."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from core.settings import PROJECT_ROOT, Settings
from ingest import csv_import, slices
from ingest.file_verdicts import Ledger, every_card, read_and_validate, worker_pool
from ingest.geography import load as load_geography
from ingest.registry import merge_problems, read_together, registry_files
from ingest.synthetic import generate, write
from ingest.validate import validate_registry
from store.caches import Caches

from test_corpus import CASES, RESOURCES  # this folder is on the path (rootdir-relative imports)


pytestmark = pytest.mark.equivalence


@pytest.fixture(scope="module")
def geo(cut_geography):
    return cut_geography


@pytest.fixture(scope="module")
def national_geo():
    return load_geography(Settings.from_env().geography)


@pytest.fixture(params=[False, True], ids=["whole files", "files cut into slices"])
def cut(request, monkeypatch):
    """Each file read whole, or every file with an instance cut into slices of one (as a
    national région's file is, ``ingest.slices``): in this process, where small registries are read."""
    if request.param:
        monkeypatch.setattr(slices, "SLICE_BYTES", 0)
        monkeypatch.setattr(slices, "SLICE_ENTRIES", 1)
    return request.param


def _at_once(folder: Path, geo, shared: Path | None):
    """The reference: every file read into one graph, in order, and validated at once."""
    files, folder_problems = registry_files(folder)
    reg = read_together(folder_problems, files, csv_import.read_folder(folder), geo, shared)
    return reg, merge_problems(list(reg.problems), validate_registry(reg, geo))


def _file_by_file(folder: Path, geo, shared: Path | None, cache: Path | Caches | None, pool=None,
                  ledger: Ledger | None = None):
    caches = Caches(cache) if isinstance(cache, Path) else cache
    reg, shapes = read_and_validate(folder, geo, csv_import.read_folder(folder), shared, caches, pool, ledger=ledger)
    return reg, merge_problems(list(reg.problems), shapes)


def _same(folder: Path, geo, shared: Path | None, cache: Path | None = None, pool=None) -> list:
    whole, expected = _at_once(folder, geo, shared)
    apart, found = _file_by_file(folder, geo, shared, cache, pool)
    assert found == expected
    assert set(apart.graph) == set(whole.graph)
    assert apart.counts() == whole.counts()
    return found


@pytest.mark.integration
def test_real_registry_says_the_same(national_geo, tmp_path, cut):
    geo = national_geo
    assert _same(PROJECT_ROOT / "registry", geo, Settings.from_env().documents, tmp_path / "cache") == []
    ledger = Ledger()
    _file_by_file(PROJECT_ROOT / "registry", geo, Settings.from_env().documents, tmp_path / "cache", ledger=ledger)
    assert any(" (instances " in label for label in ledger.part_keys) == cut  # the slices were read and remembered
    # and again, from the remembered readings and verdicts
    assert _same(PROJECT_ROOT / "registry", geo, Settings.from_env().documents, tmp_path / "cache") == []
    assert list((tmp_path / "cache" / "verdicts").glob("*.valid"))


def test_synthetic_registry_says_the_same_in_worker_processes(geo, tmp_path):
    docs, truth = generate(geo, seed=7, regions=["94", "76"])
    write(docs, truth, tmp_path)
    with worker_pool(2) as pool:
        assert _same(tmp_path / "registry", geo, None, tmp_path / "cache", pool) == []
    # one date broken in one file: that file is read and validated again, and says so as a whole would
    path = tmp_path / "registry" / "region-76.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("2020-01-01", "2020-13-01", 1), encoding="utf-8")
    with worker_pool(2) as pool:
        problems = _same(tmp_path / "registry", geo, None, tmp_path / "cache", pool)
    assert problems and {p.file for p in problems} == {"region-76.yaml"}


def test_a_reference_to_another_file_is_checked_over_the_whole_registry(geo, tmp_path, cut):
    """An actor declared in one file and used in another: valid while it is declared, reported
    with the shape's own message once it is gone, though the using file did not change."""
    docs, truth = generate(geo, seed=7, regions=["94", "02"])
    ars = docs["region-94.yaml"]["actors"][0]
    docs["region-02.yaml"]["instances"][0]["roles"].append(
        {"role": "funder", "actor": ars["id"], "from": "2020-01-01", "source": {"ref": "synthetique", "excerpt": "rôle croisé"}})
    write(docs, truth, tmp_path)
    assert _same(tmp_path / "registry", geo, None, tmp_path / "cache") == []
    docs["region-94.yaml"]["actors"].pop(0)
    docs["region-94.yaml"]["instances"] = [i for i in docs["region-94.yaml"]["instances"]
                                          if all(r["actor"] != ars["id"] for r in i["roles"])]
    write(docs, truth, tmp_path)
    problems = _same(tmp_path / "registry", geo, None, tmp_path / "cache")
    assert [p.rule for p in problems if p.file == "region-02.yaml"] == ["Class actor"]


def test_an_id_repeated_in_two_slices_of_a_file_is_refused_as_in_a_whole_file(geo, tmp_path, cut):
    """The slices of a file are read apart: an id its first and last instances share is found
    between them, and the registry read together, as a duplicate in one file always was."""
    docs, truth = generate(geo, seed=7, regions=["94"])
    instances = docs["region-94.yaml"]["instances"]
    instances[-1]["id"] = instances[0]["id"]
    write(docs, truth, tmp_path)
    problems = _same(tmp_path / "registry", geo, None, tmp_path / "cache")
    assert [p.rule for p in problems] == ["identifiant-unique"]


@pytest.mark.parametrize("case, mutate", [(c[0], c[1]) for c in CASES], ids=[c[0] for c in CASES])
def test_corpus_case_says_the_same(geo, tmp_path, registry_copy, case, mutate, cut):
    settings = registry_copy(tmp_path / "copy", sorted((RESOURCES / "registry-small").iterdir()))
    mutate(settings.registry, settings.documents)
    _same(settings.registry, geo, settings.documents)


def test_a_verdict_is_reused_only_for_the_same_content(geo, tmp_path, cut):
    registry = tmp_path / "registry"
    shutil.copytree(RESOURCES / "registry-small", registry)
    cache = tmp_path / "cache"
    assert _file_by_file(registry, geo, None, cache)[1] == []
    remembered = sorted(p.name for p in cache.glob("*/*"))
    assert _file_by_file(registry, geo, None, cache)[1] == []
    assert sorted(p.name for p in cache.glob("*/*")) == remembered
    body = (registry / "31.yaml").read_text(encoding="utf-8")
    (registry / "31.yaml").write_text(body.replace("ages: [0, 12]", "ages: [0, 130]", 1), encoding="utf-8")
    assert "ages: [0, 130]" in (registry / "31.yaml").read_text(encoding="utf-8")
    problems = _file_by_file(registry, geo, None, cache)[1]
    assert problems and all(p.file == "31.yaml" for p in problems)


def test_cards_are_remembered_with_their_verdict(geo, tmp_path):
    """A conforming file's cards are kept beside its verdict: the next build reads them instead of
    validating again; after an edit, the verdicts needed are the unchanged file's and the edited
    one's (the prune after a publish keeps those: ``tests/store/test_caches.py``)."""
    docs, truth = generate(geo, seed=7, regions=["94", "02"])
    write(docs, truth, tmp_path)
    registry, cache = tmp_path / "registry", tmp_path / "cache"
    first_caches = Caches(cache)
    first_ledger = Ledger()
    first, problems = _file_by_file(registry, geo, None, first_caches, ledger=first_ledger)
    made = every_card(first, first_ledger)
    assert problems == [] and made and len(made) == first.counts()[1]
    assert len(list((cache / "verdicts").glob("*.cards"))) == 2
    again_caches = Caches(cache)
    again_ledger = Ledger()
    again, _ = _file_by_file(registry, geo, None, again_caches, ledger=again_ledger)
    assert every_card(again, again_ledger) == made and again_caches.needed["verdicts"] == first_caches.needed["verdicts"]
    path = registry / "region-02.yaml"
    path.write_text(re.sub(r"(from: '?)(\d{4})", lambda m: f"{m[1]}{int(m[2]) - 1}", path.read_text(encoding="utf-8"),
                           count=1), encoding="utf-8")
    edited_caches = Caches(cache)
    edited_ledger = Ledger()
    edited, problems = _file_by_file(registry, geo, None, edited_caches, ledger=edited_ledger)
    verdicts = edited_caches.needed["verdicts"]
    assert problems == [] and len(verdicts) == 2 and len(verdicts & first_caches.needed["verdicts"]) == 1
    assert every_card(edited, edited_ledger) != made and every_card(edited, edited_ledger).keys() == made.keys()
    assert len(list((cache / "verdicts").glob("*.cards"))) == 3
    assert {p.stem for p in (cache / "verdicts").glob("*.cards")} >= verdicts
    assert set(edited_ledger.part_keys.values()) <= edited_caches.needed["readings"]


VALIDATE = """
import sys
from pathlib import Path
from core.settings import PROJECT_ROOT, Settings
from ingest import csv_import
from ingest.file_verdicts import read_and_validate
from ingest.geography import load
from store.caches import Caches

registry = PROJECT_ROOT / "registry"
said = []
read_and_validate(registry, load(Settings.from_env().geography), csv_import.read_folder(registry),
                  Settings.from_env().documents, Caches(Path(sys.argv[1])), None, said.append)
print("\\n".join(said))
"""


def test_a_verdict_is_found_again_by_another_process(tmp_path):
    """A part's verdict key does not depend on the process's string hashing (``PYTHONHASHSEED``)."""
    import os
    import subprocess
    import sys

    said = [subprocess.run([sys.executable, "-c", VALIDATE, str(tmp_path)], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": seed}, timeout=600).stdout for seed in ("1", "2")]
    assert "Validation SHACL de" in said[0] and "Validation SHACL de" not in said[1], said
