"""One build, read top to bottom: read → merge → validate → publish → switch.

:func:`build` is the pipeline, and its body names its steps in order (``tests/ingest/test_pipeline.py``
holds it so): it reads the sources (the official geography, the registry file by file, the national
files' seats), merges the registry's files into one registry (with the facts that need all of them,
and the seats' links to it), validates everything (SHACL), publishes a new build folder (its store,
its materialised answers, its alias table) and switches ``current`` to it atomically (``store.builds``:
one build at a time); then the map's commune outlines and, on the Neo4j backend, the load of the new
build. A crash or a failed validation leaves the live build as it was.

What makes a build fast is not here: the incremental layer (``ingest.incremental``) is handed to the
steps that can skip work (a reading, a verdict, a national file's seats, the geography's store, the
live store reused), and owns every cache key, pickle and prune; the collector is tuned by the entry
points (the CLI and the workers: decision 0116). Decision 0130 draws the sequence.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, nullcontext
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import pyoxigraph as ox

from core import atomic
from core.errors import OutlinesMissing, Problem, RegistryInvalid
from core.settings import Settings
from store.builds import (BuildInfo, build_lock, current_build, new_build_folder, publish, remove_stale,
                          remove_unfinished)
from store.embedded import EmbeddedBackend
from store.session import Session

from . import accepting, csv_import, file_verdicts, geography, listings, national_files, national_sources, report, seats
from ._ntriples import ref, triple
from .file_verdicts import every_card, worker_pool
from .incremental import Incremental
from .place_aliases import write_aliases
from .publish import cards_of_ntriples, store_cards
from .registry import Readings, RegistryGraph, merge_problems
from .validate import referenced_territories, shapes_engine, validate_geography, validate_seats
from .vocabulary import M, iri, local

__all__ = ["build", "check", "leftovers", "table_documents"]

Say = Callable[[str], None]


def _n(number: int) -> str:
    """34969 → "34 969", as French writes it."""
    return f"{number:,}".replace(",", "\u202f")


def _sayer(progress: Callable[[str], None] | None) -> Say:
    return (lambda text: progress(text) if text else None) if progress else (lambda _text: None)


def build(settings: Settings, progress: Callable[[str], None] | None = None, accept_shrink: bool = False,
          lock_held: bool = False) -> BuildInfo:
    """Build, validate and publish a new store (the previous one stays live until the switch); then
    the map's outlines and, on the Neo4j backend, the load of the new build.

    An accept of a proposal interrupted by a crash is completed or rolled back first (``accepting``).
    ``lock_held``: the caller holds the build lock, and is the accept itself (it recovered already).
    A registry more than a tenth smaller than the live build's is refused unless ``accept_shrink``."""
    say = _sayer(progress)
    with _alone(settings, lock_held, say), Incremental.of(settings.data_dir) as memo:
        with memo.outlines_beside(say) as outlines, _nothing_half_written(settings.data_dir):
            started = time.perf_counter()
            geo = read_geography(settings, memo, say)
            with memo.geography_store(geo, say) as geography_store, worker_pool() as workers:
                sources = read(settings, geo, memo, workers, say)
                merged = merge(sources, geo, settings, say)
                validate(sources, merged, geo, memo, workers, say)
                base = geography_store.finish()
            folder, info = publish_folder(settings, geo, merged, base, geography_store.places, memo, say, started,
                                          accept_shrink)
            switch(settings, folder, info, memo, say)
        draw_map(outlines, say)
        load_neo4j(settings, say)
    return info


class SeatReading(NamedTuple):
    description: dict
    read: seats.SeatFile | None
    ntriples: str
    problem: Problem | None


@dataclass(frozen=True)
class Sources:
    """What :func:`read` read: the registry file by file, and each national file's seats."""

    registry: Readings
    #: each national file described, in order: what its reader made of it and the seats' N-Triples,
    #: or why it was not read (absent: None, or not the file described: a problem)
    seat_files: list[SeatReading]
    #: national sources whose description is refused (``national_sources``)
    problems: list[Problem]
    #: whether the registry's shapes are evaluated by Maillage's SHACL Core evaluator, or why not
    engine: tuple[str, str]


@dataclass(frozen=True)
class Merged:
    """The registry merged from its files, and what a build loads beside it: each custom territory's
    communes and the seats, with their links to the registry's instances, as N-Triples."""

    registry: RegistryGraph
    other: str


# -- the steps, in order -------------------------------------------------------------------------

def read_geography(settings: Settings, memo: Incremental, say: Say) -> geography.Geography:
    say("Lecture de la géographie officielle…")
    geo = memo.geography(settings.geography)
    say(f"  {_n(len(geo.communes))} communes, {_n(len(geo.epcis))} EPCI, {len(geo.departements)} départements, "
        f"{len(geo.regions)} régions (paquet {geo.version})")
    return geo


def read(settings: Settings, geo: geography.Geography, memo: Incremental, workers: Executor | None,
         say: Say) -> Sources:
    """Read the registry file by file (in ``workers`` when given, each reading remembered:
    ``file_verdicts``) and each national file's seats. A national file the documents folder does
    not hold is said and skipped."""
    say(f"Lecture et validation du registre {settings.registry}…")
    engine = shapes_engine()
    say("  règles SHACL du registre et des sièges : évaluateur SHACL Core de Maillage" if engine[0] == "shacl_core" else
        f"  règles SHACL du registre et des sièges : pySHACL, plus lent (l'évaluateur rapide ne les fait pas : {engine[1]})")
    documents = table_documents(settings, geo)
    registry = file_verdicts.read(settings.registry, documents, memo.caches, workers, say, memo.ledger)
    described, problems = national_sources.sources()  # each names its reader (ingest/sources/*.yaml)
    seat_files = []
    for source in described:
        desc = source.description
        path, digest, problem = national_files.locate(source, settings)  # the data folder's, else the documents'
        if problem is not None or path is None or digest is None:
            if problem is None:
                say(national_files.missing_line(source))
            seat_files.append(SeatReading(desc, None, "", problem))
        else:
            seat_files.append(SeatReading(desc, *memo.seats(source.read, desc, path, digest, geo), None))
    return Sources(registry, seat_files, problems, engine)


def merge(sources: Sources, geo: geography.Geography, settings: Settings, say: Say) -> Merged:
    """The registry's files merged into one registry (``registry.merge``: the rules that need every
    file run there), and the seats linked to its instances (``seats.seat_links``)."""
    registry = file_verdicts.merged(sources.registry, geo, settings.documents, say)
    texts = [_custom_within(registry)]
    for desc, read_seats, text, _ in sources.seat_files:
        if read_seats is None:
            continue
        links = seats.seat_links(registry, read_seats.seats)
        texts += [text, *links]
        say(f"  sièges {desc['source']} : {_n(len(read_seats.seats))} sur {_n(read_seats.rows)} lignes "
            f"({len(links)} rattachés à un dispositif du registre ; lignes écartées : {read_seats.left_out()})")
    return Merged(registry, "".join(texts))


def validate(sources: Sources, merged: Merged, geo: geography.Geography, memo: Incremental,
             workers: Executor | None, say: Say) -> None:
    """Validate the registry (part by part, in ``workers`` when given, each verdict remembered), the
    seats and the geography; raise :class:`RegistryInvalid` with every problem found."""
    reg = merged.registry
    shapes = file_verdicts.validate(sources.registry, reg, geo, memo.caches, workers, say, memo.ledger)
    problems = merge_problems(list(reg.problems) + sources.problems + _seat_problems(sources, geo, memo), shapes)
    say("Validation SHACL de la géographie par pySHACL (mémorisée tant que le paquet et le code ne changent pas)…")
    problems += validate_geography(geo, memo.caches)
    if problems:
        raise RegistryInvalid(problems)


def publish_folder(settings: Settings, geo: geography.Geography, merged: Merged, base: Path, places: Path,
                   memo: Incremental, say: Say, started: float, accept_shrink: bool = False) -> tuple[Path, BuildInfo]:
    """A new build's folder, not yet live: its store (the live build's reused with what changed, or
    the geography's store with the registry written in it), its cards, snapshot and alias table,
    and what it is (``BuildInfo``). A registry more than a tenth smaller than the live build's is
    refused first (``report.compare_with_live``) unless ``accept_shrink``."""
    reg, other = merged.registry, merged.other
    for line in report.compare_with_live(reg, settings.data_dir, accept_shrink):
        say(line)
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S.%f")
    folder = new_build_folder(settings.data_dir, stamp)
    previous = current_build(settings.data_dir)
    territories = "".join(referenced_territories(reg, geo))

    def all_cards(store: ox.Store) -> None:
        say("Fiche de chaque couverture (dispositif, territoire, historique, rôles, sources)…")
        store_cards(store, folder, reg.graph, territories)

    reused = memo.reuse(previous, folder, reg, geo, other, say, all_cards)
    if reused is None:
        ox.Store.read_only(str(base)).backup(str(folder / "oxigraph"))
        store = ox.Store(str(folder / "oxigraph"))
        _write_store(store, folder, reg, territories, other, places, say, every_card(reg, memo.ledger))
        store.flush()
        triples = len(store)
        del store  # closes the store before the folder is published
    else:
        triples = reused
    write_aliases(folder, settings.geography, previous if reused is not None else None)  # reuse: the same geography
    memo.keep(folder)
    instances, coverages = reg.counts()
    return folder, BuildInfo(
        path=stamp,
        created=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        geography_version=geo.version,
        geography_checksums=geo.checksums,
        registry_files={
            name: hashlib.sha256((settings.registry / name).read_bytes()).hexdigest() for name in reg.files
        },
        communes=len(geo.communes),
        instances=instances,
        coverages=coverages,
        triples=triples,
        seconds=round(time.perf_counter() - started, 2),
        files=len(reg.files),
        sources="vérifiées" if reg.sources_verified else report.UNVERIFIED,
    )


def switch(settings: Settings, folder: Path, info: BuildInfo, memo: Incremental, say: Say) -> None:
    """Make the new build live (atomically: ``store.builds.publish``), then prune the cache once."""
    accepting.stop_at("built")
    publish(settings.data_dir, folder, info)
    memo.prune(settings.data_dir, say)
    say(f"Graphe publié : {_n(info.triples)} triplets, {info.instances} dispositifs, "
        f"{info.coverages} couvertures, en {info.seconds} s.")


def draw_map(outlines: Callable[[], None], say: Say) -> None:
    """Wait for the map's outlines (made beside the build); the graph is published without them."""
    try:
        outlines()
    except OutlinesMissing as err:
        say(f"  carte sans contours : {err}")


def load_neo4j(settings: Settings, say: Say) -> None:
    """On the Neo4j backend, load the new build there (``store.neo4j_load``)."""
    if settings.backend == "neo4j":
        from store.neo4j import driver_for
        from store.neo4j_load import load

        with driver_for(settings) as driver:
            load(settings, driver, progress=say)


# -- around the steps ----------------------------------------------------------------------------

@contextmanager
def _alone(settings: Settings, lock_held: bool, say: Say) -> Iterator[None]:
    """The build lock (unless the caller holds it), an accept interrupted by a crash completed or
    rolled back, and what killed processes left removed."""
    with nullcontext() if lock_held else build_lock(settings.data_dir):
        current_build(settings.data_dir)  # a `current` that is not a link: say so before the work, not after
        if not lock_held:
            recovered = accepting.recover(settings.data_dir, settings.registry)
            if recovered:
                say(recovered)
        for stale in leftovers(settings):
            say(f"  laissé par un processus interrompu, supprimé : {stale.name}")
        yield


@contextmanager
def _nothing_half_written(data_dir: Path) -> Iterator[None]:
    """A failed build (a full disk) leaves no half-written folder."""
    try:
        yield
    except BaseException:
        remove_unfinished(data_dir)
        raise


def _seat_problems(sources: Sources, geo: geography.Geography, memo: Incremental) -> list[Problem]:
    """The shapes' problems of each national file's seats, located at the file's rows (their
    verdict remembered per content: ``validate.validate_seats``)."""
    problems: list[Problem] = []
    for desc, read_seats, text, problem in sources.seat_files:
        if problem is not None:
            problems.append(problem)
        if read_seats is None:
            continue
        rows = {iri("seat", s.key): s.row for s in read_seats.seats}

        def locate(focus, rows=rows, desc=desc):
            base = str(focus).removesuffix("/source")
            return (desc["file"], f"ligne {rows[base]}" if base in rows else local(str(focus)), "")

        problems += validate_seats(text, {s.commune for s in read_seats.seats}, geo, memo.caches, locate)
    return problems


def check(settings: Settings, progress: Callable[[str], None] | None = None, parallel: bool = True,
          ) -> tuple[geography.Geography, RegistryGraph]:
    """Read, merge and validate every source, as :func:`build` does, without publishing; raise
    :class:`RegistryInvalid` with every problem found. Not ``parallel``: all the work in this process
    (whose limits then bound all of it)."""
    say = _sayer(progress)
    with Incremental.of(settings.data_dir) as memo, worker_pool() if parallel else nullcontext() as workers:
        geo = read_geography(settings, memo, say)
        sources = read(settings, geo, memo, workers, say)
        merged = merge(sources, geo, settings, say)
        validate(sources, merged, geo, memo, workers, say)
    return geo, merged.registry


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


def _write_store(store: ox.Store, tmp: Path, reg: RegistryGraph, territories: str, other: str, places: Path,
                 say: Say, made: dict[str, str] | None) -> None:
    """A cold build's store: the registry loaded one file at a time, then its cards (``made`` beside each
    file's validation, ``file_verdicts.every_card``; None when a file refers to another's nodes: every
    card is then made in a worker process meanwhile, from the registry's N-Triples) and the snapshot,
    with the geography's ``places`` table copied.

    The SKOS concepts a worker's cards name are the vocabulary's, already in the store copied from the
    geography's: they are asked before the registry is loaded."""
    with ExitStack() as stack:
        cards: Callable[[], dict[str, str]]
        if made is None:
            pool = stack.enter_context(worker_pool(1))
            labels = Session(EmbeddedBackend(store, tmp)).concepts
            cards = pool.submit(cards_of_ntriples, reg.ntriples_parts(), territories, labels).result
            say("Écriture du graphe dans le magasin embarqué (les fiches des couvertures faites en parallèle)…")
        else:  # every file's, made beside its validation
            cards = made.copy
            say("Écriture du graphe dans le magasin embarqué…")
        # One load per file's worth of triples: the loader holds in memory what it is given (a national
        # registry's 150 MB at once: 870 MB of peak, against 155 MB file by file, and a third faster),
        # and each load writes and ingests its own files (121 slices loaded one by one: 3 s more)
        for batch in _batches([*reg.ntriples_parts(), other], LOAD_BYTES):
            store.bulk_load(batch, format=ox.RdfFormat.N_TRIPLES)
        say("Fiche de chaque couverture (dispositif, territoire, historique, rôles, sources)…")
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


def table_documents(settings: Settings, geo: geography.Geography) -> list:
    """The registry's documents read from tables rather than YAML: its CSV imports and its listings."""
    return csv_import.read_folder(settings.registry) + listings.read_folder(settings.registry, geo, settings.geography)
