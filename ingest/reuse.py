"""A build's store made from the live build's store and what changed, instead of written anew.

After an edit, most of the registry is what the live build already published. When the live build
says (``registry-parts.json`` in its folder) that it was made by the same package source (``store.caches``)
from the same geography
and the same other sources (seats, custom territories' communes), the new build starts from a
checkpoint of its store (RocksDB hard links: milliseconds), then:

* removes the triples of the changed parts' previous readings (files, or slices of a file: ``ingest.slices``) that the new readings no longer hold,
  and adds the new ones (the readings are remembered by ``file_verdicts``, keyed by content);
* writes again the cards of the instances whose own nodes changed (an instance, its statuses, roles,
  coverages and their citations), or, when anything else changed (an actor, a source, a territory:
  what a card shows of them), every card as a cold build writes them (``every_card``);
* copies the snapshot, the place table and the alias table of the live build, which read no
  instance's node (``publish.copy_snapshot``).

Everything happens in the new build's temporary folder: the live build is only read, a failure leaves
it as it was, and the switch is the same atomic one (``store.builds.publish``). A build that
cannot reuse (no live build, another code or geography, a CSV file, a reading forgotten) writes its
store whole. ``tests/ingest/test_reuse.py`` holds the store of a build after an edit equal, triple for
triple, to a cold build of the edited registry.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from core.namespaces import BASE
from store.builds import build_info
from store.caches import Caches

from .file_verdicts import cached_ntriples
from .publish import store_cards
from .registry import RegistryGraph
from .slices import file_of
from .vocabulary import M

__all__ = ["MANIFEST", "manifest", "reuse_store"]

MANIFEST = "registry-parts.json"
_CARD = ox.NamedNode(str(M.card))
_HAS_COVERAGE = ox.NamedNode(str(M.hasCoverage))


def manifest(reg: RegistryGraph, part_keys: dict[str, str], caches: Caches, checksums: dict, other: str) -> dict:
    """What the next build needs to reuse this one's store: the package source (the code that reads,
    validates and writes cards and snapshot, the rules, the questions), the geography, each part's
    reading key (``file_verdicts.Ledger``), the triples added after reading, and a digest of the other
    sources' triples."""
    return {"code": caches.source.hex(), "geography": checksums, "files": list(reg.files), "parts": dict(part_keys),
            "added": reg.added_ntriples(), "other": hashlib.sha256(other.encode()).hexdigest()}


def _lines(text: str) -> set[str]:
    return {line for line in text.split("\n") if line}  # not splitlines: see _fastgraph.ntriples_terms


def _entry(subject: str) -> str | None:
    """The instance a node belongs to (``…/instance/x`` for ``…/instance/x/status/0/source``), or None."""
    if not subject.startswith(BASE + "instance/"):
        return None
    return BASE + "instance/" + subject[len(BASE + "instance/"):].split("/", 1)[0]


def _quads(lines: set[str]) -> list[ox.Quad]:
    data = "\n".join(sorted(lines)).encode() + b"\n"
    return [ox.Quad(t.subject, t.predicate, t.object) for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)]


def _coverages(store: ox.Store, instances: set[str]) -> list[ox.NamedNode]:
    """The coverages of ``instances`` in ``store``."""
    return [q.object for i in instances for q in store.quads_for_pattern(ox.NamedNode(i), _HAS_COVERAGE, None, ox.DefaultGraph())
            if isinstance(q.object, ox.NamedNode)]


def reuse_store(previous: Path | None, tmp: Path, reg: RegistryGraph, new: dict, caches: Caches, say,
                every_card: Callable[[ox.Store], None]) -> int | None:
    """Make ``tmp/oxigraph`` from ``previous``'s store and the difference, and say how many triples it
    holds; None (nothing written) when the previous build cannot be reused. ``every_card(store)``
    writes every card and the snapshot (as a cold build does) when not only instances changed.

    The count is the live build's (``build.json``) with what was removed and added: counting a
    national store anew reads all of its 1.4 million triples (0.6 s, a sixth of a rebuild)."""
    say = say or (lambda _text: None)
    try:
        old = json.loads((previous / MANIFEST).read_text(encoding="utf-8")) if previous is not None else None
    except (OSError, ValueError):
        old = None
    if (previous is None or not isinstance(old, dict) or any(old.get(k) != new[k] for k in ("code", "geography", "other"))
            or {file_of(label, new["files"]) for label in new["parts"]} != set(new["files"])):
        return None
    changed = sorted({name for name in set(old["parts"]) | set(new["parts"]) if old["parts"].get(name) != new["parts"].get(name)})
    before: set[str] = _lines(old["added"])
    after: set[str] = _lines(new["added"])
    for name in changed:
        for key, lines in ((old["parts"].get(name), before), (new["parts"].get(name), after)):
            if key is None:
                continue
            text = cached_ntriples(caches, key)
            if text is None:
                return None  # a reading forgotten: the store is written whole
            lines |= _lines(text)
    removed, added = before - after, after - before
    subjects = {line.split(" ", 1)[0][1:-1] for line in removed | added}
    instances = {_entry(s) for s in subjects}
    every = None in instances  # an actor, a source, a territory changed: cards show them
    say(f"Magasin repris de la construction en service : {len(changed)} partie(s) changée(s), "
        f"{len(removed)} triplet(s) retiré(s), {len(added)} ajouté(s)…")
    named = {i for i in instances if i is not None}
    ox.Store.read_only(str(previous / "oxigraph")).backup(str(tmp / "oxigraph"))
    store = ox.Store(str(tmp / "oxigraph"))
    if every:
        stale = list(store.quads_for_pattern(None, _CARD, None, ox.DefaultGraph()))
    else:
        stale = [q for c in _coverages(store, named) for q in store.quads_for_pattern(c, _CARD, None, ox.DefaultGraph())]
    gone = [quad for quad in _quads(removed) if quad in store]
    for quad in stale + gone:
        store.remove(quad)
    fresh = [quad for quad in _quads(added) if quad not in store]
    store.extend(fresh)
    if every:
        every_card(store)
        cards = sum(1 for _ in store.quads_for_pattern(None, _CARD, None, ox.DefaultGraph()))
    else:
        store_cards(store, tmp, instances=named, snapshot_of=previous)
        cards = sum(1 for c in _coverages(store, named) for _ in store.quads_for_pattern(c, _CARD, None, ox.DefaultGraph()))
    store.flush()
    live = build_info(previous).get("triples")
    count = live - len(stale) - len(gone) + len(fresh) + cards if isinstance(live, int) else len(store)
    del store
    return count
