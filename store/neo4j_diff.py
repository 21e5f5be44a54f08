"""What changed between the graph a version of the database holds and a new property graph.

An incremental load rewrites an older version of the database in place, so it must know what that
version holds without reading it back from Neo4j (which takes as long as a full load). Every load leaves
beside the embedded build it loaded a compact record of its property graph, ``neo4j-graph.json``: each
node's IRI and label set; the nodes shared out into :data:`BUCKETS` buckets by a hash of their IRI, with
a digest of each bucket's rows; for each relationship type a digest of its rows and the rows as pairs
of node numbers (21 MB for the synthetic national graph, most of it the IRIs).

A bucket's digest is enough: a bucket that changed is written whole (a few dozen nodes; ``SET n = …``
gives a node the same properties whether they changed or not). Digesting buckets instead of nodes
makes one serialisation per bucket, not per node: the record of the national graph's 190,000 nodes
was most of an incremental load's time. The digests of a type's rows let a difference skip every
type that did not change (after a one-date edit: all of them) without comparing its rows: the rows come
in the store's order, which is the same for the same triples.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from core import atomic

from .neo4j_graph import PropertyGraph

__all__ = ["FILE", "Snapshot", "Changes", "changes"]

FILE = "neo4j-graph.json"
FORMAT = 2
#: buckets the nodes are shared into (a power of two): about 50 nodes each in the national graph, so a
#: one-date edit rewrites a few hundred nodes at most
BUCKETS = 4096


def _tagged(value):
    # a date and the string of the same day must differ
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    raise TypeError(type(value))


def digest(value) -> str:
    # SHA-256 rather than BLAKE2: the processors' SHA instructions make it the faster over the
    # national graph's 110 MB of rows (measured 0.10 s against 0.26 s)
    data = orjson.dumps(value, default=_tagged, option=orjson.OPT_PASSTHROUGH_DATETIME)
    return hashlib.sha256(data).hexdigest()[:32]


def _by_bucket(pg: PropertyGraph) -> dict[int, list]:
    """Bucket → the rows ``(uri, labels, properties)`` of ``pg``'s nodes in it, in ``pg``'s order. A
    node's bucket is the CRC-32 of its IRI: the same in every process (``hash`` of a string is not)."""
    members: dict[int, list] = {}
    crc32, mask = zlib.crc32, BUCKETS - 1
    for labels, rows in pg.nodes.items():
        for uri, props in rows:
            members.setdefault(crc32(uri.encode()) & mask, []).append((uri, labels, props))
    return members


@dataclass
class Snapshot:
    """A property graph reduced to what a difference needs: IRI → labels, a digest per bucket of
    nodes, and per relationship type the digest of its rows and the rows themselves, read only when
    needed."""

    build: str
    nodes: dict[str, tuple[str, ...]]
    #: bucket (:func:`_by_bucket`) → digest of its nodes' rows; a bucket without nodes has none
    buckets: dict[int, str]
    links: dict[str, str]
    _rows: dict[str, list] = field(repr=False, default_factory=dict)
    _uris: list[str] | None = field(repr=False, default=None)
    #: bucket → its rows ``(uri, labels, properties)``, for a record made from a graph (:meth:`of`)
    _members: dict[int, list] | None = field(repr=False, default=None)
    #: the file it was saved to or read from
    path: Path | None = None

    @classmethod
    def of(cls, pg: PropertyGraph) -> Snapshot:
        members = _by_bucket(pg)
        nodes = {uri: labels for labels, rows in pg.nodes.items() for uri, _ in rows}
        return cls(pg.build, nodes, {b: digest(rows) for b, rows in members.items()},
                   {kind: digest(rows) for kind, rows in pg.relationships.items()}, dict(pg.relationships),
                   _members=members)

    def rows(self, kind: str) -> Counter:
        """The relationships of one type, as a multiset of (from, to) IRIs."""
        rows = self._rows.get(kind, [])
        if self._uris is None:
            return Counter(rows)
        uris = self._uris
        return Counter(zip((uris[i] for i in rows[0::2]), (uris[i] for i in rows[1::2])))

    def members(self, bucket: int, pg: PropertyGraph) -> list:
        """The rows ``(uri, labels, properties)`` of ``pg`` (this record's graph) in ``bucket``."""
        if self._members is None:
            self._members = _by_bucket(pg)
        return self._members.get(bucket, [])

    def save(self, folder: Path, like: Snapshot | None = None) -> Path:
        """Write ``folder/neo4j-graph.json`` whole or not at all (a reader never sees half of it).

        ``like`` is a record read from a file (:meth:`read`) of a graph with the same nodes in the same
        order, as after an edit of a date: the rows of each relationship type whose digest it shares
        are its numbers, taken as they are (numbering a national graph's rows took most of a save)."""
        uris = list(self.nodes)
        same = like if like is not None and like._uris is not None and like._uris == uris else None
        kept = {kind for kind, rows_digest in self.links.items() if same is not None and same.links.get(kind) == rows_digest}
        number = {uri: i for i, uri in enumerate(uris)} if kept != self.links.keys() else {}
        label_sets = sorted(set(self.nodes.values()))
        label_number = {labels: i for i, labels in enumerate(label_sets)}
        ends = {kind: same._rows[kind] if same is not None and kind in kept
                else [number[end] for pair in self._rows[kind] for end in pair]
                for kind in self.links}
        data = {"format": FORMAT, "build": self.build, "uris": uris, "labels": label_sets,
                "nodes": [label_number[labels] for labels in self.nodes.values()],
                "buckets": [self.buckets.get(b, "") for b in range(BUCKETS)],
                "links": self.links, "relationships": ends}
        path = folder / FILE
        atomic.write_atomic(path, orjson.dumps(data))
        self.path = path
        return path

    @classmethod
    def read(cls, path: Path) -> Snapshot | None:
        """The record at ``path``, or None when there is none that this version can read."""
        try:
            data = orjson.loads(path.read_bytes())
        except (OSError, orjson.JSONDecodeError):
            return None
        if not isinstance(data, dict) or data.get("format") != FORMAT or len(data.get("buckets", ())) != BUCKETS:
            return None
        try:
            uris, label_sets = data["uris"], [tuple(labels) for labels in data["labels"]]
            nodes = dict(zip(uris, [label_sets[i] for i in data["nodes"]]))
            buckets = {b: d for b, d in enumerate(data["buckets"]) if d}
            return cls(data["build"], nodes, buckets, data["links"], data["relationships"], uris, path=path)
        except (KeyError, IndexError, TypeError):  # damaged: the next load is a full one
            return None


@dataclass
class Changes:
    """Nodes removed, added and rewritten (grouped by their old and new label sets: those of a bucket
    that changed, changed or not), and relationships removed and added (one row per copy), turning the
    old graph into the new one."""

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
    """From ``old`` to ``pg`` (whose snapshot is ``new``): every node of a bucket that changed is
    added (new) or rewritten."""
    found = Changes(removed=sorted(old.nodes.keys() - new.nodes.keys()))
    for bucket in sorted(b for b, d in new.buckets.items() if old.buckets.get(b) != d):
        for uri, labels, props in new.members(bucket, pg):
            before = old.nodes.get(uri)
            if before is None:
                found.added.setdefault(labels, []).append((uri, props))
            else:
                found.changed.setdefault((before, labels), []).append((uri, props))
    gone = set(found.removed)  # their relationships go with them (DETACH DELETE)
    for kind in sorted(old.links.keys() | new.links.keys()):
        if old.links.get(kind) == new.links.get(kind):
            continue
        rows_before, rows_after = old.rows(kind), new.rows(kind)
        unlinked = [(s, o) for (s, o) in (rows_before - rows_after).elements() if s not in gone and o not in gone]
        linked = list((rows_after - rows_before).elements())
        if unlinked:
            found.unlinked[kind] = unlinked
        if linked:
            found.linked[kind] = linked
    return found
