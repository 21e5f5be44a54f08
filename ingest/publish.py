"""The publish step: what a build materialises into its store and folder so that readers ask once.

- Each coverage's **card** (``instance_card``: the instance, the level and name of the territory
  covered, history, roles, sources) is written as JSON on its node (``m:card``): answering the coverage
  question is then one query. Readers parse it with ``store.cards``. The build reads the
  question's rows from the registry's index graph (``ingest.card_rows``) instead of asking a store,
  and assembles the part of a card that is its instance's (name, history, roles, their sources) once
  for all the instance's coverages. Measured on the synthetic national registry (31,328 coverages,
  ``bench/bench_cards.py``, both ways in one run on a busy machine): 6.2 s of CPU (0.2 ms a coverage;
  13.7 s of wall time) against 51 s of CPU (112 s of wall time) to load an in-memory store of the same
  content and ask it ``instance_card`` in chunks, as the build did. Sharing the coverages among worker
  processes would not pay (each would make the registry's graph again, seconds, to save a share of a
  few seconds); a cold build makes them all in one worker while its own process loads the store
  (:func:`cards_of_ntriples`), so that neither waits for the other. The SPARQL question
  stays the reference (:func:`card_facts`; a named question of its own, with a Cypher twin): a test
  holds both ways' cards the same JSON, on the real registry and a synthetic région.
- The communes' names, as an indexed table (``store.places``), and the answers of the other
  parameterless named questions every one-shot command starts with (the other territories' names, the
  SKOS concepts), in ``<build>/results/`` (``store.snapshot``): a command reads them in
  milliseconds instead of asking the store.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path
from typing import NamedTuple

import pyoxigraph as ox
from rdflib import Graph

from core import atomic, jsonable
from core.levels import LEVELS
from core.namespaces import ROLE, local
from ontology import VOCABULARY_FILES
from store.cards import INFERRED, VERIFIED, Role, Source, Status, weakest
from store.embedded import EmbeddedBackend
from store.places import FILE as PLACES_FILE
from store.places import PlaceTable
from store.session import Session
from store.snapshot import answer_file

from ._fastgraph import graph_from_triples, ntriples_terms
from .card_rows import PREDICATES, CardRows
from .registry import joined_ntriples
from .vocabulary import M

__all__ = ["store_cards", "copy_snapshot", "card_facts", "cards_of_graph", "cards_of_ntriples", "SNAPSHOT", "CARD_CHUNK"]

_HAS_COVERAGE = ox.NamedNode(str(M.hasCoverage))
_CARD = ox.NamedNode(str(M.card))

#: Coverages per ``instance_card`` evaluation.
CARD_CHUNK = 200
#: parameterless questions whose answers a one-shot command reads before anything else
SNAPSHOT = ("territory_names", "concepts", "freshness")


def store_cards(store: ox.Store, folder: Path, registry: Graph | None = None, territories: str = "",
                instances: set[str] | None = None, snapshot_of: Path | None = None,
                made: Callable[[], dict[str, str]] | None = None, places: Path | None = None) -> None:
    """Write the snapshot of the questions in :data:`SNAPSHOT` and the place table, then each
    coverage's card on its node (none of those questions reads a card).

    The cards are read from ``registry`` (the registry's index graph) and ``territories`` (the
    N-Triples of the official territories it names); without them, asked of ``store`` itself
    (:func:`card_facts`), which is how a build that reuses the live store writes again the cards of
    only the ``instances`` that changed (``ingest.reuse``): a few instances' cards cost less asked of
    the store than the registry's whole graph made again. With ``snapshot_of`` (a build folder) the
    snapshot and the place table are copied from it (:func:`copy_snapshot`). ``made()`` gives every
    coverage's card already made elsewhere (:func:`cards_of_ntriples`), as JSON text: it is called
    once the snapshot is written, which is as long as a worker making them has had. ``places`` is the
    geography's place table (``GeographyStore.places``), copied when given."""
    session = Session(EmbeddedBackend(store, folder))
    if snapshot_of is None or not copy_snapshot(snapshot_of, folder):
        for name in SNAPSHOT:
            session.run(name)  # written to <folder>/results/ by the embedded backend
        if places is not None:
            atomic.copy_file(places, folder / "results" / PLACES_FILE)
        else:
            PlaceTable.write(folder / "results" / PLACES_FILE, session.backend.run_rows("place_names", []))
    if made is not None:
        store.extend(ox.Quad(ox.NamedNode(c), _CARD, ox.Literal(text)) for c, text in made().items())
        return
    if instances is None:
        pairs = [{"instance": r["instance"], "coverage": r["coverage"]} for r in session.run("coverages")]
    else:  # a few instances of a large store: their coverages by lookup, not the whole question
        pairs = [{"instance": i, "coverage": q.object.value} for i in sorted(instances)
                 for q in store.quads_for_pattern(ox.NamedNode(i), _HAS_COVERAGE, None, ox.DefaultGraph())
                 if isinstance(q.object, ox.NamedNode)]
    if pairs:
        cards = (card_facts(session, pairs) if registry is None
                 else cards_of_graph(registry, territories, pairs, session.concepts))
        store.extend(ox.Quad(ox.NamedNode(coverage), _CARD, ox.Literal(text)) for coverage, text in _as_text(cards).items())


def copy_snapshot(previous: Path, folder: Path) -> bool:
    """The snapshot and the place table of the build ``previous`` copied into ``folder`` (False when
    one is missing): for a build whose store differs from it only in instances' nodes, which none of
    those questions reads (territories' and communes' names, concepts, freshness rules)."""
    (folder / "results").mkdir(parents=True, exist_ok=True)
    try:
        for question in SNAPSHOT:
            atomic.copy_file(answer_file(previous, question), answer_file(folder, question))
        atomic.copy_file(previous / "results" / PLACES_FILE, folder / "results" / PLACES_FILE)
    except OSError:
        return False  # a results folder may be deleted at any time: asked again
    return True


def cards_of_ntriples(registry: list[str | Path], territories: str, labels: dict[str, dict]) -> dict[str, str]:
    """Every coverage's card, as the JSON text a store holds, from the registry's N-Triples (texts or
    files: ``RegistryGraph.ntriples`` and its added lines) and ``territories`` (see :func:`cards_of_graph`).

    A cold build runs it in a worker process while its own process writes the store: the registry's
    index graph is then made there, beside the store's load, instead of after it in the build's
    process (the coverages are the registry's ``m:hasCoverage`` pairs, which are the store's: no other
    source has any)."""
    text = joined_ntriples(registry)
    # only what a card reads: a third of the national registry's triples are not (the synthetic
    # mark, the derivations' shortcut, the registry file, the ages)
    graph = graph_from_triples(ntriples_terms(text, PREDICATES | {str(M.hasCoverage)}))
    del text
    pairs = [{"instance": str(i), "coverage": str(c)} for i, c in graph.subject_objects(M.hasCoverage)]
    return _as_text(cards_of_graph(graph, territories, pairs, labels))


def cards_of_file(graph: Graph) -> dict[str, str]:
    """The cards of one registry file's coverages, as JSON text, from the graph that file is validated
    as (``validate.validation_graph``: its triples, those added to its nodes, the official territories
    it names, the vocabulary). Only for a file that refers to no node of another file (no actor,
    source or custom territory declared elsewhere): what its cards read is then all there.

    Made in the worker that has just validated the file (``ingest.file_verdicts``), with its graph:
    a cold build then makes no index graph of the whole registry again for its cards."""
    pairs = [{"instance": str(i), "coverage": str(c)} for i, c in graph.subject_objects(M.hasCoverage)]
    return _as_text(cards_of_graph(graph, "", pairs, vocabulary_concepts(), vocabulary=False))


def _as_text(cards: dict[str, dict]) -> dict[str, str]:
    """Cards as the JSON text a store holds on each coverage's node."""
    return {coverage: json.dumps(plain, ensure_ascii=False) for coverage, plain in cards.items()}


@functools.lru_cache(maxsize=1)
def vocabulary_concepts() -> dict[str, dict]:
    """``Session.concepts`` of the vocabulary alone (the four SKOS schemes are all there): what a
    worker process has without the build's store."""
    store = ox.Store()
    for path in VOCABULARY_FILES:
        store.load(path=path, format=ox.RdfFormat.TURTLE)
    return Session(EmbeddedBackend(store, Path("."), in_memory=True)).concepts


def cards_of_graph(registry: Graph, territories: str, pairs: list[dict], labels: dict[str, dict],
                   vocabulary: bool = True) -> dict[str, dict]:
    """The cards of (instance, coverage) ``pairs`` read from ``registry`` (the registry's index graph)
    and ``territories`` (the N-Triples of the official territories it names), as :func:`card_facts`
    gives them; ``labels`` are the concepts' (``Session.concepts``). Without ``vocabulary``,
    ``registry`` holds the vocabulary itself (:class:`CardRows`)."""
    parts: dict[str, _Part] = {}
    cards = {}
    rows = CardRows(registry, territories, vocabulary)
    for pair in pairs:
        instance, coverage = pair["instance"], pair["coverage"]
        facts = rows.coverage_rows(instance, coverage)
        part = parts.get(instance)
        if part is None:
            common, cited = rows.instance_rows(instance)
            if not (common or cited or facts):
                continue  # no row: no card, as asked of a store
            part = parts[instance] = _instance_part(labels, common + cited)
        cards[coverage] = _joined(part, facts)
    return cards


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
    # str() of a date is its ISO text: the texts of the record's plain form, without making it.
    return tuple("" if v is None else str(v) for v in map(record.__getattribute__, _FIELDS[type(record)]))


_FIELDS = {kind: tuple(f.name for f in fields(kind)) for kind in (Status, Role, Source)}


def _period(f: dict) -> tuple[dt.date, dt.date] | None:
    """The period a citation row speaks of (``core.rules``: what it attests holds at least over
    it): the citation's own period, else its own day (``observed``), else its source's period, else the
    source's date, else the day it was read; None for a source with none of them."""
    if f["citedFrom"] is not None:
        return f["citedFrom"], f["citedTo"] or f["citedFrom"]
    if f["observed"] is not None:
        return f["observed"], f["observed"]
    if f["speaksFrom"] is not None:
        return f["speaksFrom"], f["speaksTo"] or f["speaksFrom"]
    day = f["date"] or f["retrieved"]
    return (day, day) if day is not None else None


def _card(labels: dict[str, dict], facts: list[dict]) -> dict:
    """The card of one coverage from its ``instance_card`` rows."""
    own = [f for f in facts if _of_instance(f)]
    return _joined(_instance_part(labels, own), [f for f in facts if not _of_instance(f)])


def _of_instance(f: dict) -> bool:
    """Whether a row is the same for every coverage of its instance: its name and type, a status, a
    role, a source of the instance, of a status or of a role (a source of the coverage has no ``node``)."""
    kind = f["kind"]
    return kind in _INSTANCE_KINDS or kind == "source" and f["node"] is not None


_INSTANCE_KINDS = frozenset(("instance", "status", "role"))
#: the note of a fact marked deduced only on its citation, without a note of its own
_DEDUCED = "Déduit par le registre : la citation qui l'appuie est marquée déduite."


class _Part(NamedTuple):
    """What a card takes from rows of its instance, computed once for all its coverages."""

    head: dict
    type_label: str
    history: list[dict]
    roles: list[dict]
    #: each source → its sort key and its plain form
    sources: dict[Source, tuple[tuple, dict]]
    #: the last day each node's sources speak of
    days: list[dt.date]


def _instance_part(labels: dict[str, dict], facts: list[dict]) -> _Part:
    head = next(f for f in facts if f["kind"] == "instance")
    cited = [f for f in facts if f["kind"] == "source"]
    # node → the first and last days its sources speak of
    attested: dict[str | None, tuple[dt.date, dt.date]] = {}
    for f in cited:
        period = _period(f)
        if period is not None:
            known = attested.get(f["node"])
            attested[f["node"]] = period if known is None else (min(known[0], period[0]), max(known[1], period[1]))
    first = {node: span[0] for node, span in attested.items()}
    last = {node: span[1] for node, span in attested.items()}
    # node → the marks of its citations: a fact is as sure as the weakest of its mark and theirs
    marks: dict[str | None, list[str | None]] = {}
    for f in cited:
        marks.setdefault(f["node"], []).append(f["confidence"])
    # Sources often give only a year: statuses of one year keep the order the registry lists them in;
    # a status of unknown start is ordered by the first day its sources speak of.
    ordered = sorted(
        {(f["from"] or first.get(f["node"]) or dt.date.max, int(local(f["node"])), f["a"], f["b"], f["from"], f["to"],
          last.get(f["node"]), *_sure(f, f["node"], marks), first.get(f["node"]))
         for f in facts if f["kind"] == "status"}
    )
    history = [Status(value, label, start, end, observed, confidence, note, attested_from)
               for _, _, value, label, start, end, observed, confidence, note, attested_from in ordered]
    roles = sorted(
        {
            Role(f["a"], labels.get(ROLE[f["a"]], {}).get("label", f["a"]), f["c"],
                 f["b"] if f["c"] else None, None if f["c"] else f["b"], f["from"], f["to"],
                 *_sure(f, f["node"], marks), first.get(f["node"]), last.get(f["node"]))
            for f in facts
            if f["kind"] == "role"
        },
        key=lambda r: (r.role, r.valid_from or dt.date.min, r.actor or r.function or "", _total(r)),
    )
    confidence, note = _sure(head, head["instance"], marks)
    head = {**head, "confidence": confidence, "note": note}
    return _Part(head, labels.get(head["node"], {}).get("label", head["b"]), [jsonable.plain(s) for s in history],
                 [jsonable.plain(r) for r in roles], _sources({}, cited), list(last.values()))


def _sure(f: dict, node: str | None, marks: dict[str | None, list[str | None]]) -> tuple[str, str | None]:
    """A fact's confidence and note: the weakest of its own mark and its citations' (``marks[node]``);
    a fact deduced only through its citation, without a note of its own, says so."""
    confidence = weakest(f["confidence"], *marks.get(node, ()))
    return confidence, f["note"] or (_DEDUCED if confidence == INFERRED else None)


def _sources(known: dict[Source, tuple[tuple, dict]], cited: list[dict]) -> dict[Source, tuple[tuple, dict]]:
    """``known`` and the sources of the citation rows ``cited``, each with its sort key and plain form."""
    found = dict(known)
    for f in cited:
        period = _period(f) or (None, None)
        source = Source(f["title"], f["date"], f["excerpt"], f["file"], f["url"], f["paraphrase"], f["observed"],
                        f["retrieved"], f["confidence"] or VERIFIED, *period)
        if source not in found:
            key = (source.date or source.retrieved or dt.date.min, source.title,
                   source.excerpt or source.paraphrase or "", _total(source))
            found[source] = key, jsonable.plain(source)
    return found


def _joined(part: _Part, facts: list[dict]) -> dict:
    """The card of a coverage from its instance's part and the rows of the coverage (and, asked of
    a store, of the instance's own sources)."""
    head = part.head
    cited = [f for f in facts if f["kind"] == "source"]
    days = part.days + [period[1] for period in map(_period, cited) if period is not None]
    sources = sorted(_sources(part.sources, cited).values(), key=lambda pair: pair[0]) if cited else \
        sorted(part.sources.values(), key=lambda pair: pair[0])
    level, territory_name, territory = next(
        (LEVELS[f["a"]][0], f["b"], f) for f in facts if f["kind"] == "territory" and f["a"] in LEVELS
    )
    coverage = next((f for f in facts if f["kind"] == "coverage"), {"confidence": None, "note": None})
    # the perimeter: as sure as the coverage's mark and its citations' (the sources cited with no node),
    # else its custom territory's
    own = weakest(coverage["confidence"], *(f["confidence"] for f in cited if f["node"] is None))
    perimeter = {**coverage, "confidence": own, "note": coverage["note"] or _DEDUCED} if own == INFERRED else territory
    return {
        "instance_id": head["c"],
        "level": level,
        "territory_name": territory_name,
        "type": head["b"],
        "type_label": part.type_label,
        "name": head["a"],
        "publics": sorted({f["a"] for f in facts if f["kind"] == "coverage-public"}),
        "history": part.history,
        "roles": part.roles,
        "sources": [plain for _, plain in sources],
        "aggregate": bool(head["aggregate"]),
        "confidence": head["confidence"] or VERIFIED,
        "note": head["note"],
        "perimeter_confidence": perimeter["confidence"] or VERIFIED,
        "perimeter_note": perimeter["note"] if perimeter["confidence"] == INFERRED else None,
        "observed": max(days).isoformat() if days else None,
    }
