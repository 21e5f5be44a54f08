"""The registry read and validated file by file, in worker processes, each verdict remembered by content.

Validating the whole registry at once (``validate.validate_registry``) costs the same after editing one
date as after writing the registry anew. Here each file is:

1. **read on its own** (``registry.read_part``), in a worker process; what it read is remembered in
   the cache's ``readings`` (``store.caches``) by the file's name and bytes and the package source, so an
   unchanged file is not read again. A large file is cut into slices once parsed (``ingest.slices``),
   each a part of its own from here on: read, remembered, validated and reused apart;
2. **merged** with the others (``registry.merge``): the rules that need every file (an id in two
   files, the scope of each coverage and inventory, actors' places, provenance) run over the whole
   registry's index there; files that conflict are read again together, and validated at once, so a
   duplicate is reported as it always was;
3. **validated on its own** by pySHACL, in a worker process, with exactly what its shapes look at
   beyond the file: the official territories it references (and their département and région), and
   the ``rdf:type`` of each actor, source or territory of another file it refers to. A focus node's
   results depend only on its own triples and the types of its values (``sh:class``, ``sh:node`` on
   the vocabulary), so the results for the file's nodes are those of validating everything at once
   (``tests/ingest/test_file_verdicts.py`` holds the two equal); results on another file's stubs are
   dropped (that file reports its own nodes). A file that passes is remembered by the SHA-256 of
   everything that was validated and of the rules: the same data through the same rules gives the
   same verdict.

Problems are located with the merged registry's index, then sorted and made distinct, as a whole
validation's are (a source defined identically in two files is reported once, where it was last read).

What this layer remembers of a build's registry besides its graph is its :class:`Ledger` (each part's
reading key, each part's cards), held by the build's incremental layer (``ingest.incremental``) and
handed to :func:`read` and :func:`validate`: the registry's graph and facts (``registry.RegistryGraph``)
carry none of it.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import time
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.collector import tuned_for_a_build
from core.errors import Problem
from store.caches import Caches, unpickle

from . import registry as registry_module
from .geography import Geography
from ._safe_yaml import load_yaml
from .registry import Readings, RegistryGraph, joined_ntriples, merge, read_folder, read_part
from .slices import how_cut, is_head, slices_of
from .publish import cards_of_file
from .validate import (geography_stubs, problems_from_results, registry_locator, shacl_results, validate_registry,
                       validation_graph)

__all__ = ["Ledger", "read", "merged", "validate", "read_and_validate", "worker_pool", "cached_ntriples", "every_card",
           "POOL_BYTES"]

#: below this many bytes of files to read or validate, the work is done in this process: starting
#: workers costs more than it saves
POOL_BYTES = 256 * 1024
_RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"


@dataclass
class Ledger:
    """What a build remembers of its registry's parts, for itself and the next build.

    ``part_keys``: part label (its file's name, or a slice's: ``ingest.slices``) → the key its reading
    is remembered by in the cache's ``readings``; a part read with problems, or without a cache, has
    none. ``cards``: part label → its coverages' cards (coverage IRI → JSON text), made beside its
    validation, or the cache file they are remembered in, read only if a cold build needs them
    (:func:`every_card`); a part that refers to another file's nodes has none."""

    part_keys: dict[str, str] = field(default_factory=dict)
    cards: dict[str, dict[str, str] | Path] = field(default_factory=dict)


def cached_ntriples(caches: Caches, key: str) -> str | None:
    """The N-Triples of a file's reading remembered under ``key``, or None (none remembered, or a
    reading without triples: a caller then does without it)."""
    entry = caches.path("readings", key, ".part")
    try:
        return caches.path("readings", key, ".nt").read_text(encoding="utf-8") if entry.exists() else None
    except OSError:
        return None


def _worker_start() -> None:
    """A worker process is the build's own: its collector is tuned for the build for its whole life
    (``core.collector``)."""
    tuned_for_a_build().__enter__()


@contextmanager
def worker_pool(workers: int | None = None, tasks_per_worker: int | None = None):
    """A pool of worker processes (one per core by default), started from a fresh server process
    (``forkserver``: never a fork of a process running the geography's store writer thread); with
    ``tasks_per_worker``, each worker is replaced after that many tasks (its memory given back)."""
    count = workers or len(os.sched_getaffinity(0))
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    with ProcessPoolExecutor(max_workers=count, mp_context=context, max_tasks_per_child=tasks_per_worker,
                             initializer=_worker_start) as pool:
        yield pool


def _run(pool: Executor | None, jobs: list[tuple[Callable, tuple, int]], progress: Callable[[int, Any, int], None]):
    """Run ``(function, args, size)`` jobs, in ``pool`` when their size makes it worth it; call
    ``progress(index, result, how many have finished)`` as each finishes; the results in order. A
    single job runs here: a worker would only add its start and the copy of its data and result."""
    results: list = [None] * len(jobs)
    if pool is None or len(jobs) == 1 or sum(size for _, _, size in jobs) < POOL_BYTES:
        for i, (function, args, _) in enumerate(jobs):
            results[i] = function(*args)
            progress(i, results[i], i + 1)
        return results
    # The largest first: a région's file left for last would keep one core busy while the other waits.
    order = sorted(range(len(jobs)), key=lambda i: -jobs[i][2])
    futures = {pool.submit(jobs[i][0], *jobs[i][1]): i for i in order}
    for finished, future in enumerate(as_completed(futures), 1):
        i = futures[future]
        results[i] = future.result()
        progress(i, results[i], finished)
    return results


def _part_get(caches: Caches, key: str) -> RegistryGraph | None:
    """A reading remembered by :func:`_part_put`, its N-Triples left on disk; None when absent."""
    part = caches.recall("readings", key, ".part")
    if not isinstance(part, RegistryGraph) or not all(isinstance(t, str) or t.exists() for t in part.ntriples):
        return None
    return part


def _part_put(caches: Caches, key: str, part: RegistryGraph) -> None:
    """Remember a reading: its N-Triples beside it (``.nt``), the rest pickled; an unchanged file's
    triples are then never loaded by a build that reuses the live store. ``part`` keeps only the
    file's name too: the build reads its text from there when it needs it (a région's is tens of MB)."""
    text = part.ntriples_text()
    part.ntriples = [caches.write("readings", key, text.encode(), ".nt")] if text else []
    caches.remember("readings", key, part, ".part")


def _read_job(name: str, raw: bytes, caches: Caches | None, key: str) -> list[tuple[RegistryGraph, str]]:
    """A file read, whole or by slices (``ingest.slices``), each part remembered in ``caches`` when it
    reads without problem, by the process that read it: what comes back then names its N-Triples
    file instead of carrying their text (a région's is tens of MB, otherwise pickled twice and
    written by the build's own process). A slice remembered is not read again. Each part comes with
    the key it is remembered by ("" when it is not)."""
    data, problems = load_yaml(raw, name)
    cut = None if problems else slices_of(name, data, len(raw))
    if cut is None:
        part = read_part(name, data, problems, read=not problems)
        if caches is None or part.problems:
            return [(part, "")]
        _part_put(caches, key, part)
        return [(part, key)]
    parts = []
    for piece in cut:
        slice_key = caches.key("readings", *piece.identity()) if caches is not None else ""
        got = _part_get(caches, slice_key) if caches is not None else None
        if got is None:
            got = read_part(name, piece.data, [], piece=piece.piece)
            if caches is not None and not got.problems:
                _part_put(caches, slice_key, got)
        parts.append((got, slice_key if caches is not None and not got.problems else ""))
    if caches is not None and all(slice_key for _, slice_key in parts):
        caches.remember("readings", key, [slice_key for _, slice_key in parts], ".slices")
    return parts


def _remembered(caches: Caches, key: str) -> list[tuple[RegistryGraph, str]] | None:
    """A file's parts remembered under the key of its bytes, each with its own key: its one reading,
    or its slices'."""
    whole = _part_get(caches, key)
    if whole is not None:
        return [(whole, key)]
    keys = caches.recall("readings", key, ".slices")
    if not isinstance(keys, list):
        return None
    found = [_part_get(caches, slice_key) for slice_key in keys]
    parts = [part for part in found if part is not None]
    if not parts or len(parts) != len(found):
        return None
    return list(zip(parts, keys))


def _read_parts(files: list[Path], caches: Caches | None, pool, say, ledger: Ledger) -> list[RegistryGraph]:
    parts: list[list[tuple[RegistryGraph, str]] | None] = [None] * len(files)
    jobs, where = [], []
    for i, path in enumerate(files):
        try:
            raw = path.read_bytes()
        except OSError:
            parts[i] = [(registry_module.read_yaml_part(path), "")]  # says it is unreadable
            continue
        key = caches.key("readings", how_cut(), path.name, raw) if caches is not None else ""
        parts[i] = _remembered(caches, key) if caches is not None else None
        if parts[i] is None:
            jobs.append((_read_job, (path.name, raw, caches, key), len(raw)))
            where.append(i)
    if jobs:
        say(f"Lecture de {len(jobs)} fichier(s) du registre sur {len(files)} (les autres sont inchangés)…")

    def done(j: int, read: list[tuple[RegistryGraph, str]], finished: int) -> None:
        instances = sum(len(part.covered) for part, _ in read)
        say(f"  {files[where[j]].name} : lu, {instances} dispositifs ({finished}/{len(jobs)})")

    for i, read in zip(where, _run(pool, jobs, done)):
        parts[i] = read
    every = [kept for read in parts for kept in read]  # type: ignore[union-attr]
    ledger.part_keys.update((_label(part), key) for part, key in every if key)
    if caches is not None:  # the slices' keys, made by the processes that read them
        caches.note("readings", (key for _, key in every if key))
    return [part for part, _ in every]


def _label(part: RegistryGraph) -> str:
    return part.label or part.files[0]


def _heads(parts: list[RegistryGraph]) -> dict[str, RegistryGraph]:
    """The head of each file cut into slices (``ingest.slices``), by file."""
    return {part.files[0]: part for part in parts if part.label and is_head(part.label, part.files[0])}


def _around_key(part: RegistryGraph, reg: RegistryGraph, geo: Geography, added: dict[str, list[str]],
                head: RegistryGraph | None, ledger: Ledger) -> tuple[str, list[str]]:
    """What identifies what a part's shapes see besides its own triples (:func:`_around`), without
    writing the geography's part of it: the triples added to its nodes, the geography's version and
    the territories it names, the types of the other files' nodes it refers to, and its file's head
    (by its reading's key, with what was added to its nodes: its sources' provenance, which cards
    show); and those types, as N-Triples."""
    types = [f"<{node}> {_RDF_TYPE} <{cls}> .\n" for node in sorted(_outside(part, head)) for cls in reg.types.get(node, ())]
    head_key = (ledger.part_keys.get(_label(head)) or hashlib.sha256(head.ntriples_text().encode()).hexdigest()
                if head is not None else "")
    beside = added.get(_label(head), ()) if head is not None else ()
    # sorted: the added lines come in an order that changes with each process's string hashing
    said = [*sorted(added.get(_label(part), ())), repr(sorted(geo.checksums.items())), repr(sorted(part.referenced)),
            *types, head_key, *sorted(beside)]
    return "\0".join(said), types


def _outside(part: RegistryGraph, head: RegistryGraph | None) -> set[str]:
    """The nodes of other files a part refers to (its file's head is beside it, not outside)."""
    return part.external - head.where.keys() if head is not None else part.external


def _around(part: RegistryGraph, geo: Geography, added: dict[str, list[str]], head: RegistryGraph | None,
            types: list[str]) -> list[str | Path]:
    """What a part's shapes see besides its own triples: the triples added to its nodes after reading,
    the geography it references, the ``types`` of the other files' nodes it refers to, and its file's
    head (actors, sources, with what was added to them) when it is a slice of a file."""
    stubs = geography_stubs(geo, part.referenced) + types
    own = "".join(added.get(_label(part), ())) + "".join(sorted(stubs))
    return [own, *head.ntriples, "".join(added.get(_label(head), ()))] if head is not None else [own]


def _added_by_part(reg: RegistryGraph, parts: list[RegistryGraph]) -> dict[str, list[str]]:
    """The triples added after reading (provenance), as N-Triples, by the label of the part that
    minted their subject."""
    by_part: dict[str, list[str]] = {}
    for line in reg.added_ntriples().split("\n"):  # not splitlines: see _fastgraph.ntriples_terms
        subject = line.split(" ", 1)[0][1:-1] if line else None
        owner = next((part for part in parts if subject in part.where), None) if subject else None
        if owner is not None:
            by_part.setdefault(_label(owner), []).append(line + "\n")
    return by_part


def every_card(reg: RegistryGraph, ledger: Ledger) -> dict[str, str] | None:
    """Every coverage's card made beside the files' validation (:func:`read_and_validate`), when each
    part (file or slice) with an instance covering somewhere has its own; None otherwise (or when one
    remembered is unreadable): they are then made from the whole registry."""
    if reg._graph is not None or any(label not in ledger.cards for label in reg.covering):
        return None
    every: dict[str, str] = {}
    for held in ledger.cards.values():
        cards = unpickle(held) if isinstance(held, Path) else held
        if not isinstance(cards, dict):
            return None
        every.update(cards)
    return every


def _verdict(own: list[str | Path], around: list[str | Path], cards: bool) -> tuple[list, dict[str, str] | None]:
    """A part's validation results (its N-Triples ``own``, texts or remembered files this process
    reads, with what its shapes see ``around`` them) and, when it conforms and ``cards`` are asked,
    its coverages' cards made from the same graph (``publish.cards_of_file``)."""
    graph = validation_graph(joined_ntriples([*own, *around]))
    results = shacl_results(graph)
    return results, (cards_of_file(graph) if cards and not results else None)


def _validate_parts(parts: list[RegistryGraph], reg: RegistryGraph, geo: Geography, caches: Caches | None,
                    pool, say, ledger: Ledger) -> list[Problem]:
    """The shapes' problems of every part; the cards of each conforming part that refers to no node
    of another file, made beside its validation or remembered with its verdict, in ``ledger.cards``."""
    added = _added_by_part(reg, parts)
    heads = _heads(parts)
    locate = registry_locator(reg)
    jobs, where = [], []
    for part in parts:
        if not part.ntriples or not part.ntriples[0]:
            continue
        label = _label(part)
        head = heads.get(part.files[0])
        head = None if head is part else head
        around, types = _around_key(part, reg, geo, added, head, ledger)
        # A part's own triples are known by its reading's key (its name, bytes and the code that
        # reads it): its text is read, from the cache, only when it must be validated.
        own = ledger.part_keys.get(label) or part.ntriples_text()
        key = caches.key("verdicts", own, around) if caches is not None else ""
        marker = caches.path("verdicts", key, ".valid") if caches is not None else None
        cards_entry = caches.path("verdicts", key, ".cards") if caches is not None else None
        local = not _outside(part, head)  # its cards can be made beside its validation
        if marker is not None and marker.exists():
            if local and cards_entry is not None and cards_entry.exists():  # read only if a cold build needs them (every_card)
                ledger.cards[label] = cards_entry
            if label in ledger.cards or not local:
                continue
            # the verdict is known, the cards are not (remembered by an earlier version): both made again
        stubs = _around(part, geo, added, head, types)
        size = sum(len(t) if isinstance(t, str) else t.stat().st_size for t in [*part.ntriples, *stubs])
        jobs.append((_verdict, (part.ntriples, stubs, local), size))
        where.append((part, head, key))
    if jobs:
        say(f"Validation SHACL de {len(jobs)} partie(s) du registre sur {len(parts)} (les autres ont leur verdict mémorisé)…")
    problems: list[Problem] = []
    started = time.perf_counter()

    def done(j: int, verdict: tuple[list, dict | None], finished: int) -> None:
        (part, head, key), (results, cards) = where[j], verdict
        # Another file's node is only a stub here, a head beside its slice is validated on its own:
        # each reports its own nodes.
        beside = head.where if head is not None else {}
        own = [r for r in results if str(r.focus) not in part.external and str(r.focus) not in beside]
        found = problems_from_results(own, locate)
        problems.extend(found)
        said = f"{len(found)} problème(s)" if found else "conforme"
        if getattr(results, "engine", "shacl_core") != "shacl_core":
            said += f", validé par pySHACL ({getattr(results, 'why', '')})"
        say(f"  {_label(part)} : {said} ({finished}/{len(jobs)}, {time.perf_counter() - started:.1f} s)")
        if cards is not None:
            ledger.cards[_label(part)] = cards
        if caches is not None and not found:
            if cards is not None:
                caches.remember("verdicts", key, cards, ".cards")
            caches.write("verdicts", key, b"ok\n", ".valid")

    _run(pool, jobs, done)
    return sorted(set(problems), key=lambda p: (p.file, p.entry, p.field, p.rule))


def read(folder: Path, extra: list[tuple], caches: Caches | None, pool: Executor | None = None,
         progress: Callable[[str], None] | None = None, ledger: Ledger | None = None) -> Readings:
    """The registry of ``folder`` (and the CSV documents ``extra``) read file by file, in ``pool``'s
    workers, each reading remembered in ``caches`` when given (``registry.read_folder``), its key in
    ``ledger`` (for :func:`validate` and the next build)."""
    say = progress or (lambda _text: None)
    kept = ledger if ledger is not None else Ledger()
    return read_folder(folder, extra, lambda files: _read_parts(files, caches, pool, say, kept))


def merged(readings: Readings, geo: Geography, shared: Path | None,
           progress: Callable[[str], None] | None = None) -> RegistryGraph:
    """The registry merged from ``readings`` (``registry.merge``), saying when its files are read
    again together."""
    if readings.conflicting and progress:
        progress("  un identifiant ou une source figure dans plusieurs fichiers : le registre est relu et validé d'un bloc")
    return merge(readings, geo, shared)


def validate(readings: Readings, reg: RegistryGraph, geo: Geography, caches: Caches | None,
             pool: Executor | None = None, progress: Callable[[str], None] | None = None,
             ledger: Ledger | None = None) -> list[Problem]:
    """The shapes' problems of the registry ``reg`` merged from ``readings``: part by part, each
    verdict remembered in ``caches`` when given and each part's cards kept in ``ledger`` (the one
    :func:`read` filled), or at once when its files were read together."""
    kept = ledger if ledger is not None else Ledger()
    if readings.conflicting:
        # read again together: the parts' readings are not what was merged, and not the next build's
        # to reuse (``ingest.reuse`` then writes the store whole)
        kept.part_keys.clear()
        return validate_registry(reg, geo)
    return _validate_parts(readings.parts, reg, geo, caches, pool, progress or (lambda _text: None), kept)


def read_and_validate(folder: Path, geo: Geography, extra: list[tuple], shared: Path | None, caches: Caches | None,
                      pool: Executor | None = None, progress: Callable[[str], None] | None = None,
                      ledger: Ledger | None = None) -> tuple[RegistryGraph, list[Problem]]:
    """The registry of ``folder`` (and the CSV documents ``extra``, as ``read_registry`` takes them),
    and the shapes' problems: the same as ``read_registry`` then ``validate_registry``, file by file;
    each reading and verdict remembered in ``caches`` when given (:func:`read`, `merged`,
    :func:`validate`, as a build's pipeline runs them: ``ingest.build``), the parts' keys and cards in
    ``ledger`` when given."""
    kept = ledger if ledger is not None else Ledger()
    readings = read(folder, extra, caches, pool, progress, kept)
    reg = merged(readings, geo, shared, progress)
    return reg, validate(readings, reg, geo, caches, pool, progress, kept)
