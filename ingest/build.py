"""One build: read every source, validate, and replace the live store in one step.

A build is written into a fresh folder ``builds/<stamp>``; only when it is complete does the symbolic
link ``current`` move to it (``os.replace`` of a link is atomic). A crash or a failed validation
leaves ``current`` where it was: readers never see half a build, and the last good one survives.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import pyoxigraph as ox

from maillage.errors import RegistryInvalid
from maillage.namespaces import M, iri
from maillage.settings import Settings

from . import csv_import, geography, report
from ._ntriples import ref, triple
from .registry import RegistryGraph, merge_problems, read_registry
from .geography_store import GeographyStore
from .validate import validate_geography, validate_registry

__all__ = ["BuildInfo", "build", "check", "current_build", "KEEP"]

#: Builds kept besides the live one, so that a reader that opened the previous one can finish.
KEEP = 2


@dataclass(frozen=True)
class BuildInfo:
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
    """Build, validate and publish a new store; the previous one stays live until the switch.

    A registry more than a tenth smaller than the live build's is refused unless ``accept_shrink``."""
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
    builds = settings.data_dir / "builds"
    builds.mkdir(parents=True, exist_ok=True)
    for stale in builds.glob("*.tmp"):
        shutil.rmtree(stale, ignore_errors=True)  # left by a build that crashed
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S.%f")
    tmp = builds / f"{stamp}.tmp"
    tmp.mkdir()
    _say(progress, "Écriture du graphe dans le magasin embarqué…")
    ox.Store.read_only(str(base)).backup(str(tmp / "oxigraph"))
    store = ox.Store(str(tmp / "oxigraph"))
    store.bulk_load(reg.graph.serialize(format="nt", encoding="utf-8") + _custom_within(reg).encode(),
                    format=ox.RdfFormat.N_TRIPLES)
    _store_cards(store, tmp)
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
    (tmp / "build.json").write_text(json.dumps(asdict(info), indent=1, ensure_ascii=False))
    final = builds / stamp
    tmp.rename(final)
    _publish(settings.data_dir, final)
    _prune(builds, keep=final)
    _say(progress, f"Graphe publié : {_n(info.triples)} triplets, {info.instances} dispositifs, "
                   f"{info.coverages} couvertures, en {info.seconds} s.")
    return info


def _store_cards(store: ox.Store, folder: Path) -> None:
    """Write each coverage's card (``instance_card``, as JSON) on its node: one query per answer."""
    from maillage.queries.coverage import card_facts
    from maillage.queries.embedded import EmbeddedBackend

    backend = EmbeddedBackend(store, folder)
    pairs = [{"instance": r["instance"], "coverage": r["coverage"]} for r in backend.run("coverages")]
    if not pairs:
        return
    card = ox.NamedNode(str(M.card))
    store.extend(
        ox.Quad(ox.NamedNode(coverage), card, ox.Literal(json.dumps(plain, ensure_ascii=False)))
        for coverage, plain in card_facts(backend, pairs).items()
    )


def _publish(data_dir: Path, final: Path) -> None:
    link = data_dir / "current"
    tmp_link = data_dir / f".current.{os.getpid()}"
    tmp_link.unlink(missing_ok=True)
    tmp_link.symlink_to(final.relative_to(data_dir))
    os.replace(tmp_link, link)


def _prune(builds: Path, keep: Path) -> None:
    done = sorted((p for p in builds.iterdir() if p.is_dir() and not p.name.endswith(".tmp")), reverse=True)
    for old in [p for p in done if p != keep][KEEP:]:
        shutil.rmtree(old, ignore_errors=True)


def current_build(data_dir: Path) -> Path | None:
    """The folder of the live build, or None before the first build."""
    link = data_dir / "current"
    return link.resolve() if link.exists() else None
