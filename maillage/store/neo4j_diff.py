"""What changed between the graph a version of the database holds and a new property graph.

An incremental load rewrites an older version of the database in place, so it must know what that
version holds without reading it back from Neo4j (which takes as long as a full load). Every load leaves
beside the embedded build it loaded a compact record of its property graph, ``neo4j-graph.json``: each
node's IRI, label set and a digest of its properties; for each relationship type a digest of its rows and
the rows as pairs of node numbers (7 MB for the national graph, a seventh of the graph itself).

A digest is enough for a node: a changed node is written whole. The digests of a type's rows let a
difference skip every type that did not change (after a one-date edit: all of them) without comparing
its rows: the rows come in the store's order, which is the same for the same triples.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from .neo4j_graph import PropertyGraph

__all__ = ["FILE", "Snapshot", "Changes", "changes"]

FILE = "neo4j-graph.json"
FORMAT = 1


def _tagged(value):
    # a date and the string of the same day must differ
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    raise TypeError(type(value))


def digest(value) -> str:
    data = orjson.dumps(value, default=_tagged, option=orjson.OPT_PASSTHROUGH_DATETIME)
    return hashlib.blake2b(data, digest_size=16).hexdigest()


@dataclass
class Snapshot:
    """A property graph reduced to what a difference needs: IRI → (labels, digest), and per
    relationship type the digest of its rows and the rows themselves, read only when needed."""

    build: str
    nodes: dict[str, tuple[tuple[str, ...], str]]
    links: dict[str, str]
    _rows: dict[str, list] = field(repr=False, default_factory=dict)
    _uris: list[str] | None = field(repr=False, default=None)
    #: the file it was saved to or read from
    path: Path | None = None

    @classmethod
    def of(cls, pg: PropertyGraph) -> "Snapshot":
        nodes = {uri: (labels, digest(props)) for labels, rows in pg.nodes.items() for uri, props in rows}
        return cls(pg.build, nodes, {kind: digest(rows) for kind, rows in pg.relationships.items()},
                   dict(pg.relationships))

    def rows(self, kind: str) -> Counter:
        """The relationships of one type, as a multiset of (from, to) IRIs."""
        rows = self._rows.get(kind, [])
        if self._uris is None:
            return Counter(rows)
        uris = self._uris
        return Counter(zip((uris[i] for i in rows[0::2]), (uris[i] for i in rows[1::2])))

    def save(self, folder: Path, like: "Snapshot | None" = None) -> Path:
        """Write ``folder/neo4j-graph.json`` whole or not at all (a reader never sees half of it).

        ``like`` is a record read from a file (:meth:`read`) of a graph with the same nodes in the same
        order, as after an edit of a date: the rows of each relationship type whose digest it shares
        are its numbers, taken as they are (numbering a national graph's rows took most of a save)."""
        uris = list(self.nodes)
        same = like is not None and like._uris is not None and like._uris == uris
        kept = {kind for kind, rows_digest in self.links.items() if same and like.links.get(kind) == rows_digest}
        number = {uri: i for i, uri in enumerate(uris)} if kept != self.links.keys() else {}
        label_sets = sorted({labels for labels, _ in self.nodes.values()})
        label_number = {labels: i for i, labels in enumerate(label_sets)}
        ends = {kind: like._rows[kind] if kind in kept else [number[end] for pair in self._rows[kind] for end in pair]
                for kind in self.links}
        data = {"format": FORMAT, "build": self.build, "uris": uris, "labels": label_sets,
                "nodes": [[label_number[labels], d] for labels, d in self.nodes.values()],
                "links": self.links, "relationships": ends}
        path, tmp = folder / FILE, folder / f".{FILE}.{os.getpid()}"
        tmp.write_bytes(orjson.dumps(data))
        os.replace(tmp, path)
        self.path = path
        return path

    @classmethod
    def read(cls, path: Path) -> "Snapshot | None":
        """The record at ``path``, or None when there is none that this version can read."""
        try:
            data = orjson.loads(path.read_bytes())
        except (OSError, orjson.JSONDecodeError):
            return None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            return None
        uris, label_sets = data["uris"], [tuple(labels) for labels in data["labels"]]
        nodes = {uri: (label_sets[labels], d) for uri, (labels, d) in zip(uris, data["nodes"])}
        return cls(data["build"], nodes, data["links"], data["relationships"], uris, path)


@dataclass
class Changes:
    """Nodes removed, added and changed (grouped by their old and new label sets), and relationships
    removed and added (one row per copy), turning the old graph into the new one."""

    removed: list[str] = field(default_factory=list)
    added: dict[tuple[str, ...], list[tuple[str, dict]]] = field(default_factory=dict)
    changed: dict[tuple[tuple[str, ...], tuple[str, ...]], list[tuple[str, dict]]] = field(default_factory=dict)
    unlinked: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    linked: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return (len(self.removed) + sum(map(len, self.added.values())) + sum(map(len, self.changed.values()))
                + sum(map(len, self.unlinked.values())) + sum(map(len, self.linked.values())))


def changes(old: Snapshot, new: Snapshot, pg: PropertyGraph) -> Changes:
    """From ``old`` to ``pg`` (whose snapshot is ``new``)."""
    found = Changes(removed=sorted(old.nodes.keys() - new.nodes.keys()))
    for labels, rows in pg.nodes.items():
        for uri, props in rows:
            before = old.nodes.get(uri)
            if before is None:
                found.added.setdefault(labels, []).append((uri, props))
            elif before != new.nodes[uri]:
                found.changed.setdefault((before[0], labels), []).append((uri, props))
    gone = set(found.removed)  # their relationships go with them (DETACH DELETE)
    for kind in sorted(old.links.keys() | new.links.keys()):
        if old.links.get(kind) == new.links.get(kind):
            continue
        before, after = old.rows(kind), new.rows(kind)
        unlinked = [(s, o) for (s, o) in (before - after).elements() if s not in gone and o not in gone]
        linked = list((after - before).elements())
        if unlinked:
            found.unlinked[kind] = unlinked
        if linked:
            found.linked[kind] = linked
    return found
