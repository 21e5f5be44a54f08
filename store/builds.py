"""Builds on disk: the live one, publishing a new one atomically, pruning old ones, one build at a time.

A build is written into a fresh folder ``builds/<stamp>.tmp`` and renamed when complete; only then does
the symbolic link ``current`` move to it (``os.replace`` of a link is atomic). A crash or a failed
validation leaves ``current`` where it was: readers never see half a build, and the last good one
survives. One build at a time per data folder, from the CLI or the API alike (:func:`build_lock`).

A build killed mid-way leaves its temporary folders and files behind; the next build removes them,
under the lock (:func:`remove_stale`).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from core import atomic
from core.errors import BuildBusy, StoreMissing

__all__ = ["BuildInfo", "KEEP", "current_build", "build_info", "new_build_folder", "publish", "prune", "build_lock",
           "remove_stale", "remove_unfinished"]

#: Builds kept besides the live one, so that a reader that opened the previous one can finish.
KEEP = 2


@dataclass(frozen=True)
class BuildInfo:
    """What a build declares about itself (``build.json``)."""

    path: str
    created: str
    geography_version: str
    geography_checksums: dict[str, str]
    registry_files: dict[str, str]
    communes: int
    instances: int
    coverages: int
    triples: int
    seconds: float
    #: registry files read, and whether their documents were checked ("sources non vérifiées" if not)
    files: int = 0
    sources: str = "vérifiées"


def current_build(data_dir: Path) -> Path | None:
    """The folder of the live build, or None before the first build."""
    link = data_dir / "current"
    if link.is_symlink():
        return link.resolve() if link.exists() else None
    if link.exists():
        raise StoreMissing(f"{link} devrait être un lien vers la construction en service, pas un dossier : "
                           "supprimez-le et relancez `maillage build`.")
    return None


def build_info(build: Path) -> dict:
    """The ``build.json`` of a build folder (empty for a build made before it existed)."""
    try:
        return json.loads((build / "build.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def new_build_folder(data_dir: Path, stamp: str) -> Path:
    """A fresh ``builds/<stamp>.tmp``, after removing what crashed builds left."""
    builds = data_dir / "builds"
    builds.mkdir(parents=True, exist_ok=True)
    remove_unfinished(data_dir)  # left by a build that crashed (we hold the lock)
    tmp = builds / f"{stamp}.tmp"
    tmp.mkdir()
    return tmp


def remove_unfinished(data_dir: Path) -> None:
    """Remove the folders of unfinished builds (``builds/*.tmp``); under the build lock."""
    for stale in (data_dir / "builds").glob("*.tmp"):
        shutil.rmtree(stale, ignore_errors=True)


def publish(data_dir: Path, tmp: Path, info: BuildInfo) -> Path:
    """Seal ``tmp`` with its ``build.json``, make it live, and prune old builds."""
    from dataclasses import asdict

    atomic.write_text(tmp / "build.json", json.dumps(asdict(info), indent=1, ensure_ascii=False))
    final = tmp.with_suffix("")
    atomic.publish_folder(tmp, final)
    link = data_dir / "current"
    if link.exists() and not link.is_symlink():
        current_build(data_dir)  # raises the French message
    atomic.point_link(link, final.relative_to(data_dir))
    prune(final.parent, keep=final)
    return final


def prune(builds: Path, keep: Path) -> None:
    done = sorted((p for p in builds.iterdir() if p.is_dir() and not p.name.endswith(".tmp")), reverse=True)
    for old in [p for p in done if p != keep][KEEP:]:
        shutil.rmtree(old, ignore_errors=True)


def remove_stale(data_dir: Path) -> list[Path]:
    """Remove what killed processes left in the data folder: the writer's temporary files and folders
    (``core.atomic``: a half-written dump, cache entry or proposal, the geography store, the
    map's outlines, the ``current`` link being replaced) whose process is gone; the paths removed.
    The cache is swept too when it is a link to a folder elsewhere (shared by several data folders).

    A file whose process still runs is another writer's (an API making a dump, another data folder's
    build) and stays. A process id reused since is taken as alive: the file waits for a later build.
    """
    removed = atomic.sweep(data_dir, recursive=True)
    cache = data_dir / "cache"
    if cache.is_symlink() and cache.is_dir():
        removed += atomic.sweep(cache.resolve(), recursive=True)
    return removed


@contextlib.contextmanager
def build_lock(data_dir: Path) -> Iterator[None]:
    """Hold the data folder's build lock, or raise :class:`BuildBusy` at once: two builds never write
    the same folders (one would remove the other's temporary folder). The lock is the kernel's
    (``flock``): a killed build releases it."""
    data_dir.mkdir(parents=True, exist_ok=True)
    # opened to be locked, never written (an empty file: nothing in it to lose)
    handle = os.open(data_dir / ".build.lock", os.O_RDONLY | os.O_CREAT | os.O_CLOEXEC, 0o666)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildBusy("Une construction est déjà en cours sur ce dossier de données : "
                            "réessayez quand elle sera finie.") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        os.close(handle)
