"""The Oxigraph store of the official geography and the vocabulary, made once per package and source.

Builds start from a checkpoint of it (hard links, milliseconds) instead of loading half a million
triples each time; its key changes with the package's version and bytes and with the package source
(``store.caches``: ``geography-store``).

A first build writes it in a thread while the main thread reads and validates the registry and the
geography: Oxigraph's bulk loader releases the GIL, so on two cores the ~2.5 s of writing hide behind
the validation. The facts, what is derived from them and the vocabulary go in one bulk load: each load
leaves its own files, and merging them (``optimize``) cost more than the load of the vocabulary. It is
written into a temporary folder and renamed to its key only once the geography has passed; if it fails,
the folder is removed. Nothing unvalidated reaches a store that a build starts from.
"""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pyoxigraph as ox

from core import atomic
from ontology import VOCABULARY_FILES
from store.caches import Caches
from store.embedded import EmbeddedBackend
from store.places import PlaceTable

from . import geography

__all__ = ["GeographyStore"]


def _vocabulary() -> bytes:
    """The vocabulary files as N-Triples (Oxigraph gives each file's blank nodes their own names)."""
    return b"".join(
        ox.serialize(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE), format=ox.RdfFormat.N_TRIPLES) or b""
        for path in VOCABULARY_FILES
    )


def _place_rows(store: ox.Store, folder: Path) -> list[dict]:
    """The rows of the communes' name table (``store.places``) of a geography's store: the
    communes are the geography's alone (the registry names them, it mints none), so every build of it
    has this table."""
    return EmbeddedBackend(store, folder, in_memory=True).run_rows("place_names", [])


class GeographyStore:
    """Start writing the store if it is not cached yet; :meth:`finish` gives its path. Beside it,
    :attr:`places`: the communes' name table every build of this geography copies."""

    def __init__(self, geo: geography.Geography, caches: Caches, progress=None):
        key = caches.key("geography-store", geo.version, geo.checksums)
        self.path = caches.path("geography-store", key, ".store")
        self.places = caches.path("geography-store", key, ".places.sqlite")
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        if self.path.exists():
            return
        if progress:
            progress("  première construction de la géographie pour cette version (mémorisée ensuite)…")
        self._tmp = atomic.new_folder(self.path)
        self._rows: list[dict] = []
        data = "".join(geography.triples(geo)).encode() + _vocabulary()
        self._thread = threading.Thread(target=self._write, args=(data,), name="geography-store")
        self._thread.start()

    def _write(self, data: bytes) -> None:
        try:
            store = ox.Store(str(self._tmp))
            store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES)
            store.optimize()
            # asked here, beside the registry's validation, rather than of each build's larger store
            self._rows = _place_rows(store, self._tmp)
            del store
        except BaseException as err:  # re-raised in the main thread by finish()
            self._error = err

    def finish(self) -> Path:
        """Wait for the writing (once the geography has passed) and publish the store under its key."""
        if self._thread is None:
            if not self.places.exists():  # a store cached before the table was kept beside it
                PlaceTable.write(self.places, _place_rows(ox.Store.read_only(str(self.path)), self.path))
            return self.path
        self._thread.join()
        self._thread = None
        if self._error is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            raise self._error
        PlaceTable.write(self.places, self._rows)  # same key, same content as another build's
        try:
            atomic.publish_folder(self._tmp, self.path)
        except OSError:  # another build made it meanwhile: same key, same content
            shutil.rmtree(self._tmp, ignore_errors=True)
        return self.path

    def abandon(self) -> None:
        """The geography failed (or the build stopped): wait for the writer, then remove its folder."""
        if self._thread is not None:
            self._thread.join()
            self._thread = None
            shutil.rmtree(self._tmp, ignore_errors=True)
