"""The cache's one owner (``store.caches``): every key made of the whole package source and the kind's
declared inputs, and one prune that keeps what finished builds need and nothing else."""

from __future__ import annotations

import json
import os
import shutil
import tomllib
from pathlib import Path

import pytest

from core.settings import PROJECT_ROOT
from store import caches as owner
from store.caches import KINDS, REGISTERED, Caches, key, source_digest

#: the modules the geography's store and places table are made by, which its key once left out (issue 31)
GEOGRAPHY_HOLE = ("ingest/_ntriples.py", "ingest/vocabulary.py", "core/namespaces.py", "ingest/geography_store.py",
                  "store/places.py", "queries/place_names.rq")
#: each kind with inputs of the types its call sites give (bytes, text, JSON-able values)
INPUTS = {
    "readings": (b"64:128", "31.yaml", b"instances: []\n"),
    "verdicts": ("a reading's key", "what its shapes see"),
    "geography": ("2025.1.0", {"communes.json": "ab12"}),
    "geography-verdicts": ("2025.1.0", {"communes.json": "ab12"}),
    "geography-store": ("2025.1.0", {"communes.json": "ab12"}),
    "seats": ("cd34", {"source": "finess"}, "2025.1.0", {"communes.json": "ab12"}),
    "seat-verdicts": ("<a> <b> <c> .\n", "2025.1.0", {"communes.json": "ab12"}),
    "outlines": ("2.1.0",),
    "results": ("communes",),
}


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Path:
    """A copy of the package source, for editing without touching the real tree."""
    root = tmp_path_factory.mktemp("source")
    for path in owner._files(PROJECT_ROOT):
        target = root / path.relative_to(PROJECT_ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    return root


def _keys(root: Path) -> dict[str, str]:
    digest = source_digest(root)
    return {kind: key(kind, *INPUTS[kind], source=digest) for kind in KINDS}


def test_every_kind_is_declared_with_its_inputs():
    assert set(INPUTS) == set(KINDS)
    for kind in KINDS.values():
        assert kind.holds and kind.inputs and kind.suffixes
    assert len(set(_keys(PROJECT_ROOT).values())) == len(KINDS)  # the kind is part of its key
    with pytest.raises(ValueError):
        key("pickles", b"x")


def test_the_rooms_are_the_package_and_every_file_of_theirs_is_source_or_served():
    config = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert tuple(config["tool"]["setuptools"]["packages"]) == owner.ROOMS
    hashed = set(owner._files(PROJECT_ROOT))
    for room in owner.ROOMS:
        for path in (PROJECT_ROOT / room).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                # the map's static files are served as they are: nothing cached is made of them
                assert path in hashed or path.is_relative_to(PROJECT_ROOT / "api" / "static"), path
    assert {PROJECT_ROOT / name for name in GEOGRAPHY_HOLE} <= hashed


def test_an_edit_of_any_source_file_changes_every_key(source):
    """No change of code, rules, questions or vocabulary can reuse an entry made before it."""
    before = _keys(source)
    assert before == _keys(PROJECT_ROOT)  # the copy is the package
    files = list(owner._files(source))
    assert len(files) > 100
    for path in files:
        original = path.read_bytes()
        path.write_bytes(original + b"\n# edited\n")
        try:
            after = _keys(source)
        finally:
            path.write_bytes(original)
        unchanged = [kind for kind in KINDS if after[kind] == before[kind]]
        assert not unchanged, f"{path.relative_to(source)}: {unchanged}"
    assert _keys(source) == before


def test_the_geography_s_store_and_verdict_follow_every_module_that_makes_them(source):
    before = _keys(source)
    for name in GEOGRAPHY_HOLE:
        path = source / name
        original = path.read_bytes()
        path.write_bytes(original.replace(b"\n", b"\n\n", 1))
        try:
            after = _keys(source)
        finally:
            path.write_bytes(original)
        for kind in ("geography", "geography-verdicts", "geography-store"):
            assert after[kind] != before[kind], (name, kind)


def test_each_declared_input_is_in_the_key():
    for kind, inputs in INPUTS.items():
        base = key(kind, *inputs)
        for i in range(len(inputs)):
            changed = list(inputs)
            changed[i] = b"other" if isinstance(inputs[i], bytes) else {"other": 1} if isinstance(inputs[i], dict) else "other"
            assert key(kind, *changed) != base, (kind, i)
    # inputs are told apart, not run together
    assert key("verdicts", "ab", "c") != key("verdicts", "a", "bc")


def test_a_cache_goes_to_a_worker_with_its_source_only(tmp_path):
    import pickle

    caches = Caches(tmp_path, source=b"\x01" * 32)
    caches.key("readings", b"x")
    copy = pickle.loads(pickle.dumps(caches))
    assert copy.source == caches.source and copy.folder == caches.folder and copy.needed == {}
    assert copy.key("readings", b"x") == next(iter(caches.needed["readings"]))


# --- the prune after a publish --------------------------------------------------------------------

def _data_folder(root: Path, builds: dict[str, dict[str, list[str]]], cache: Path) -> Path:
    """A data folder whose finished builds need ``builds`` (name → kind → keys), the last one live,
    using ``cache``."""
    (root / "builds").mkdir(parents=True)
    for name, needs in builds.items():
        (root / "builds" / name).mkdir()
        (root / "builds" / name / owner.RECORD).write_text(json.dumps(needs), encoding="utf-8")
    (root / "current").symlink_to(Path("builds") / name)
    (root / "cache").symlink_to(cache, target_is_directory=True)
    return root


def _entry(cache: Path, relative: str) -> Path:
    path = cache / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    if relative.endswith("/"):
        path.mkdir()
        (path / "source.json").write_text("{}")
    else:
        path.write_bytes(b"x")
    return path


def test_the_prune_keeps_what_finished_builds_need_and_removes_the_rest(tmp_path):
    cache = tmp_path / "cache"
    r1, r2, r3, r4, g0, g1, o1 = ("1" * 40, "2" * 40, "3" * 40, "4" * 40, "a" * 40, "b" * 40, "c" * 40)
    a = _data_folder(tmp_path / "a", {"20250101T000000": {"readings": [r1], "geography": [g1]},
                                      "20250102T000000": {"readings": [r2], "geography": [g1], "outlines": [o1]}}, cache)
    b = _data_folder(tmp_path / "b", {"20250101T000000": {"readings": [r3]}}, cache)
    for data in (a, b):  # each registers its data folder with its first prune
        with Caches(cache).in_use() as caches:
            assert caches.prune(data) == []
    kept = [_entry(cache, name) for name in (
        f"readings/{r1}.part", f"readings/{r1}.nt", f"readings/{r2}.part", f"readings/{r2}.slices",
        f"readings/{r3}.part", f"geography/{g1}.pickle", f"outlines/{o1}/",
        f"readings/{r4}.part.123.tmp", f"readings/.{r4}.part.x1y2.tmp", f"outlines/{g0}.456.tmp/")]
    gone = [_entry(cache, name) for name in (
        f"readings/{r4}.part", f"readings/{r4}.nt", f"geography/{g0}.pickle", f"outlines/{g0}/",
        # an earlier layout's, and a kind whose entries belong in a build's folder
        "registry/", "geography-abc.valid", "outlines-2.1.0-2/", "results/")]
    with Caches(cache).in_use() as caches:
        removed = caches.prune(a)
    assert sorted(removed) == sorted(gone)
    assert all(p.exists() for p in kept) and not any(p.exists() for p in gone)
    assert sorted(p.read_text() for p in (cache / REGISTERED).iterdir()) == sorted(str(f.resolve()) for f in (a, b))
    # b's folder gone: what only it needed goes with the next prune, and so does its registration
    shutil.rmtree(b)
    with Caches(cache).in_use() as caches:
        assert caches.prune(a) == [cache / "readings" / f"{r3}.part"]
    assert [p.read_text() for p in (cache / REGISTERED).iterdir()] == [str(a.resolve())]


def test_no_prune_while_another_build_or_check_uses_the_cache(tmp_path):
    cache = tmp_path / "cache"
    a = _data_folder(tmp_path / "a", {"20250101T000000": {}}, cache)
    stale = _entry(cache, f"readings/{'5' * 40}.part")
    with Caches(cache).in_use():  # another process's hold, as far as flock goes (another open file)
        with Caches(cache).in_use() as caches:
            assert caches.prune(a) is None
    assert stale.exists()
    with Caches(cache).in_use() as caches:
        assert caches.prune(a) == [stale]
    with pytest.raises(RuntimeError):
        Caches(cache).prune(a)  # only under its hold


def test_a_build_records_the_keys_it_asked_for(tmp_path):
    caches = Caches(tmp_path / "cache")
    made = caches.key("geography", "2025.1.0", {"communes.json": "ab12"})
    caches.note("readings", ["9" * 40])
    caches.record(tmp_path)
    assert owner.needed_by(tmp_path) == {"geography": [made], "readings": ["9" * 40]}
    assert caches.path("geography", made) == tmp_path / "cache" / "geography" / f"{made}.pickle"
    with pytest.raises(ValueError):
        caches.path("geography", made, ".json")  # not a file this kind declares


def test_the_service_reads_the_outlines_the_live_build_was_made_with(tmp_path):
    from store.outlines import folder_for

    cache = tmp_path / "cache"
    assert folder_for(tmp_path) is None  # before any build
    data = _data_folder(tmp_path / "var", {"20250101T000000": {"outlines": ["d" * 40]}}, cache)
    assert folder_for(data) == data / "cache" / "outlines" / ("d" * 40)
    assert os.path.realpath(folder_for(data)) == str(cache.resolve() / "outlines" / ("d" * 40))
