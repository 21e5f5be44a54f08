"""The publish step: what a build materialises into its store and folder so that readers ask once.

- Each coverage's **card** (``instance_card``: the instance, the level and name of the territory
  covered, history, roles, sources) is written as JSON on its node (``m:card``): answering the coverage
  question is then one query. Readers parse it with ``maillage.store.cards``. The cards are asked of
  an in-memory store holding only what ``instance_card`` reads (:func:`card_store`: the registry, the
  vocabulary, the territories it names), about three times faster than of the build's RocksDB store
  (measured on the synthetic national registry: 1.5 ms a coverage against 4.5 ms), and on a large
  registry shared among processes, each with its own card store; a test holds the cards of all
  three ways equal.
- The communes' names, as an indexed table (``maillage.store.places``), and the answers of the other
  parameterless named questions every one-shot command starts with (the other territories' names, the
  SKOS concepts), in ``<build>/results/`` (``maillage.store.snapshot``): a command reads them in
  milliseconds instead of asking the store.
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import shutil
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pyoxigraph as ox

from maillage.core import jsonable
from maillage.core.levels import LEVELS
from maillage.core.namespaces import ROLE, local
from maillage.store.cards import INFERRED, VERIFIED, Role, Source, Status
from maillage.store.embedded import EmbeddedBackend
from maillage.store.places import FILE as PLACES_FILE
from maillage.store.places import PlaceTable
from maillage.store.session import Session

from maillage.ontology import VOCABULARY_FILES

from .vocabulary import M

__all__ = ["store_cards", "copy_snapshot", "card_facts", "card_store", "SNAPSHOT", "CARD_CHUNK"]

_HAS_COVERAGE = ox.NamedNode(str(M.hasCoverage))
#: Coverages per ``instance_card`` evaluation.
CARD_CHUNK = 200
#: below this many coverages the cards are all asked in the build's process: a worker's start and its
#: own card store (seconds) would cost more than its share saves
PARALLEL_COVERAGES = 4000
#: parameterless questions whose answers a one-shot command reads before anything else
SNAPSHOT = ("territory_names", "concepts", "freshness")


def card_store(registry: bytes, territories: str) -> ox.Store:
    """An in-memory store of what ``instance_card`` reads: the registry's N-Triples, the vocabulary
    (types, statuses, roles, publics and their labels) and ``territories``, the N-Triples of the
    official territories the registry names."""
    store = ox.Store()
    store.bulk_load(registry + territories.encode(), format=ox.RdfFormat.N_TRIPLES)
    for path in VOCABULARY_FILES:
        store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
    return store


def store_cards(store: ox.Store, folder: Path, registry: bytes | None = None, territories: str = "",
                workers: int = 1, instances: set[str] | None = None, snapshot_of: Path | None = None) -> None:
    """Write each coverage's card on its node (only those of ``instances`` when given: a build that
    reuses the last one's store, ``ingest.reuse``), then the snapshot of the questions in :data:`SNAPSHOT`
    and the place table (copied from the build folder ``snapshot_of`` when given: :func:`copy_snapshot`).

    With ``registry`` (its N-Triples) the cards are asked of a :func:`card_store` of it and of
    ``territories``, shared among ``workers`` processes when there are enough of them; else of ``store``."""
    session = Session(EmbeddedBackend(store, folder))
    if instances is None:
        pairs = [{"instance": r["instance"], "coverage": r["coverage"]} for r in session.run("coverages")]
    else:  # a few instances of a large store: their coverages by lookup, not the whole question
        pairs = [{"instance": i, "coverage": q.object.value} for i in sorted(instances)
                 for q in store.quads_for_pattern(ox.NamedNode(i), _HAS_COVERAGE, None, ox.DefaultGraph())]
    if pairs:
        card = ox.NamedNode(str(M.card))
        cards = card_facts(session, pairs) if registry is None else _cards(pairs, registry, territories, folder, workers)
        store.extend(
            ox.Quad(ox.NamedNode(coverage), card, ox.Literal(json.dumps(plain, ensure_ascii=False)))
            for coverage, plain in cards.items()
        )
    if snapshot_of is not None and copy_snapshot(snapshot_of, folder):
        return
    for name in SNAPSHOT:
        session.run(name)  # written to <folder>/results/ by the embedded backend
    PlaceTable.write(folder / "results" / PLACES_FILE, session.backend.run_rows("place_names", []))


def copy_snapshot(previous: Path, folder: Path) -> bool:
    """The snapshot and the place table of the build ``previous`` copied into ``folder`` (False when
    one is missing): for a build whose store differs from it only in instances' nodes, which none of
    those questions reads (territories' and communes' names, concepts, freshness rules)."""
    (folder / "results").mkdir(parents=True, exist_ok=True)
    try:
        for name in (*(f"{q}.json" for q in SNAPSHOT), PLACES_FILE):
            shutil.copyfile(previous / "results" / name, folder / "results" / name)
    except OSError:
        return False  # a results folder may be deleted at any time: asked again
    return True


def _cards(pairs: list[dict], registry: bytes, territories: str, folder: Path, workers: int) -> dict[str, dict]:
    """The cards of ``pairs``, each share asked of its own card store, in this process and ``workers - 1``
    others (spawned: the server that may run a build holds threads a fork would copy mid-flight)."""
    if workers < 2 or len(pairs) < PARALLEL_COVERAGES:
        return card_facts(_card_session(card_store(registry, territories)), pairs)
    source = folder / "card-store.nt"
    source.write_bytes(registry + territories.encode())
    share = -(-len(pairs) // workers)
    parts = [pairs[i:i + share] for i in range(0, len(pairs), share)]
    try:
        with ProcessPoolExecutor(len(parts) - 1, mp_context=multiprocessing.get_context("spawn")) as pool:
            others = [pool.submit(cards_of_file, str(source), part) for part in parts[1:]]
            session = _card_session(card_store(registry, territories))
            cards = card_facts(session, parts[0])
            for other, part in zip(others, parts[1:]):
                try:
                    cards.update(other.result())
                except BrokenProcessPool:
                    # A worker that could not start (a script without a ``__main__`` guard, which a
                    # spawned process runs again) or was killed: its share is asked here.
                    cards.update(card_facts(session, part))
    finally:
        source.unlink(missing_ok=True)
    return cards


def cards_of_file(source: str, pairs: list[dict]) -> dict[str, dict]:
    """A worker's share: the cards of ``pairs`` asked of a card store of the N-Triples in ``source``."""
    return card_facts(_card_session(card_store(Path(source).read_bytes(), "")), pairs)


def _card_session(store: ox.Store) -> Session:
    return Session(EmbeddedBackend(store, Path("."), in_memory=True))


def card_facts(session: Session, pairs: list[dict]) -> dict[str, dict]:
    """Run ``instance_card`` for (instance, coverage) pairs → coverage IRI → the card as plain data."""
    labels = session.concepts
    grouped: dict[str, list[dict]] = {}
    # In chunks, so that no VALUES block is large: with the parameters bound outside the provenance
    # branch (since fixed in instance_card.rq), 10,000 synthetic coverages in one block did not finish
    # in 15 min; the chunks keep a future join-order surprise bounded.
    for start in range(0, len(pairs), CARD_CHUNK):
        for f in session.run_rows("instance_card", pairs[start:start + CARD_CHUNK]):
            grouped.setdefault(f["coverage"], []).append(f)
    return {coverage: _card(labels, facts) for coverage, facts in grouped.items()}


def _total(record) -> tuple:
    """Every field of a record as text: a tie-break, so that a card never depends on set order (which
    Python's hash randomisation changes from one process to the next)."""
    return tuple("" if v is None else str(v) for v in jsonable.plain(record).values())


def _attested(f: dict) -> dt.date | None:
    """The day a citation row attests its fact: its own date, else its source's, else when it was read."""
    return f["observed"] or f["date"] or f["retrieved"]


def _card(labels: dict[str, dict], facts: list[dict]) -> dict:
    head = next(f for f in facts if f["kind"] == "instance")
    cited = [f for f in facts if f["kind"] == "source"]
    attested: dict[str | None, dt.date] = {}
    for f in cited:
        day = _attested(f)
        if day is not None and (f["node"] not in attested or attested[f["node"]] < day):
            attested[f["node"]] = day
    # Sources often give only a year: statuses of one year keep the order the registry lists them in;
    # a status of unknown start is ordered by the day it is first attested.
    ordered = sorted(
        {(f["from"] or attested.get(f["node"]) or dt.date.max, int(local(f["node"])), f["a"], f["b"], f["from"], f["to"],
          attested.get(f["node"]), f["confidence"] or VERIFIED, f["note"])
         for f in facts if f["kind"] == "status"}
    )
    history = [Status(value, label, start, end, observed, confidence, note)
               for _, _, value, label, start, end, observed, confidence, note in ordered]
    roles = sorted(
        {
            Role(f["a"], labels.get(ROLE[f["a"]], {}).get("label", f["a"]), f["c"],
                 f["b"] if f["c"] else None, None if f["c"] else f["b"], f["from"], f["to"],
                 f["confidence"] or VERIFIED, f["note"])
            for f in facts
            if f["kind"] == "role"
        },
        key=lambda r: (r.role, r.valid_from or dt.date.min, r.actor or r.function or "", _total(r)),
    )
    sources = sorted(
        {Source(f["title"], f["date"], f["excerpt"], f["file"], f["url"], f["paraphrase"], f["observed"], f["retrieved"],
                f["confidence"] or VERIFIED) for f in cited},
        key=lambda s: (s.date or s.retrieved or dt.date.min, s.title, s.excerpt or s.paraphrase or "", _total(s)),
    )
    level, territory_name, territory = next(
        (LEVELS[f["a"]][0], f["b"], f) for f in facts if f["kind"] == "territory" and f["a"] in LEVELS
    )
    coverage = next((f for f in facts if f["kind"] == "coverage"), {"confidence": None, "note": None})
    perimeter = coverage if coverage["confidence"] == INFERRED else territory
    return {
        "instance_id": head["c"],
        "level": level,
        "territory_name": territory_name,
        "type": head["b"],
        "type_label": labels.get(head["node"], {}).get("label", head["b"]),
        "name": head["a"],
        "publics": sorted({f["a"] for f in facts if f["kind"] == "coverage-public"}),
        "history": [jsonable.plain(s) for s in history],
        "roles": [jsonable.plain(r) for r in roles],
        "sources": [jsonable.plain(s) for s in sources],
        "aggregate": bool(head["aggregate"]),
        "confidence": head["confidence"] or VERIFIED,
        "note": head["note"],
        "perimeter_confidence": perimeter["confidence"] or VERIFIED,
        "perimeter_note": perimeter["note"] if perimeter["confidence"] == INFERRED else None,
        "observed": max(attested.values()).isoformat() if attested else None,
    }
