"""What builds keep in ``<data_dir>/cache`` goes through its one owner (``store.caches``): every folder
there is a declared kind, every entry is named by a key a build recorded, and the prune after each
publish leaves only what finished builds need."""

from __future__ import annotations

import re
from pathlib import Path

from ingest import national_sources, publish, seats
from ingest.build import build
from store.builds import KEEP, current_build
from store.caches import KINDS, REGISTERED, needed_by
from store.snapshot import answer_file

HEX = re.compile(r"^[0-9a-f]{40}$")
IN_CACHE = {name for name, kind in KINDS.items() if not kind.in_build}


def _entries(cache: Path):
    """(kind, key, suffix) of every entry of the cache (files being written left out)."""
    for folder in cache.iterdir():
        if folder.name.startswith(".") or folder.name == REGISTERED:
            continue
        assert folder.name in IN_CACHE, f"{folder.name}: a folder no kind declares"
        for entry in folder.iterdir():
            if not entry.name.startswith(".") and not entry.name.endswith(".tmp"):
                name, dot, rest = entry.name.partition(".")
                yield folder.name, name, dot + rest


def _needed(cache: Path) -> dict[str, set[str]]:
    """Every key a finished build of a data folder using ``cache`` needs."""
    needs: dict[str, set[str]] = {}
    for registered in (cache / REGISTERED).iterdir():
        for build_folder in (Path(registered.read_text(encoding="utf-8")) / "builds").iterdir():
            for kind, keys in needed_by(build_folder).items():
                needs.setdefault(kind, set()).update(keys)
    return needs


def test_every_cache_folder_a_build_writes_is_a_declared_kind(national):
    cache = national.data_dir / "cache"
    for kind, key, suffix in _entries(cache):
        assert HEX.match(key) and suffix in KINDS[kind].suffixes, (kind, key, suffix)
    needs = needed_by(current_build(national.data_dir))
    # the seats' kinds when the documents folder holds the national files
    national_files = any(seats.file_of(source.description, national.documents)[0] is not None
                         for source in national_sources.sources()[0])
    assert set(needs) <= IN_CACHE and IN_CACHE - {"seats", "seat-verdicts"} <= set(needs)
    assert ("seats" in needs) == national_files
    for kind, keys in needs.items():
        for key in keys:
            assert any((cache / kind / f"{key}{suffix}").exists() for suffix in KINDS[kind].suffixes), (kind, key)


def test_each_publish_prunes_what_no_kept_build_needs(small):
    path = small.registry / "31.yaml"
    body = path.read_text(encoding="utf-8")
    cache = small.data_dir / "cache"
    before = needed_by(current_build(small.data_dir))
    first: dict[str, set[str]] = {}
    for year in range(1901, 1901 + KEEP + 2):  # one build more than the live one and the kept ones
        path.write_text(body.replace("from: 2019-01-01", f"from: {year}-01-01", 1), encoding="utf-8")
        build(small)
        if not first:  # what only the first edited build needs: its file's reading and verdicts
            first = {kind: set(keys) - set(before.get(kind, ())) for kind, keys in needed_by(current_build(small.data_dir)).items()}
    assert first["readings"] and first["verdicts"]
    on_disk = {(kind, key) for kind, key, _ in _entries(cache)}
    assert not {("readings", key) for key in first["readings"]} & on_disk
    assert not {("verdicts", key) for key in first["verdicts"]} & on_disk
    live = needed_by(current_build(small.data_dir))
    assert {(kind, key) for kind, keys in live.items() for key in keys} <= on_disk
    # nothing else: every entry is needed by a finished build of a data folder using this cache
    needed = _needed(cache)
    assert all(key in needed.get(kind, ()) for kind, key in on_disk)


def test_a_build_that_reuses_the_live_store_copies_its_kept_answers(small, monkeypatch):
    """The snapshot's answers are found where the owner puts them (``results``), not asked again."""
    copied: list[bool] = []
    real = publish.copy_snapshot
    monkeypatch.setattr(publish, "copy_snapshot", lambda previous, folder: copied.append(real(previous, folder)) or copied[-1])
    build(small)
    assert copied == [True]
    live = current_build(small.data_dir)
    assert all(answer_file(live, question).is_file() for question in publish.SNAPSHOT)
