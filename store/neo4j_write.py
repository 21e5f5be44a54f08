"""Batched Cypher writes of property-graph rows into one build of the database, shaped for speed.

What LOAD CSV does better than a naive ``UNWIND $rows`` of maps, applied here (measured on the national
graph, ``bench/bench_neo4j.py``):

* the Python driver packs every value of a parameter one by one (about 3 µs each without its Rust
  extension): that was most of the client's time. Node rows are lists grouped by their label set and
  property names, so no property name is sent per row, and the query names the properties in its
  ``CREATE`` pattern instead of ``SET n += map``; relationship rows are two strings of node ids, one
  value each, which the server splits, as LOAD CSV splits its lines;
* relationships join their ends by the ids node creation returned (a seek by id, no index lookup);
  ``collect`` over the rows of one ``UNWIND`` keeps their order, and the count is checked;
* ``CREATE`` where nothing can exist yet (a new build), ``MERGE`` only to resume a build met again;
* batches of 20,000 rows: fewer round trips and commits, and transactions of a size the server's 1 GB
  heap takes. Two transactions in flight were not faster (measured: the server's CPU is the bound).

``id()`` is deprecated in Neo4j 5 in favour of ``elementId()``, whose strings are seven times longer to
send; ids are only used within one load, while the nodes they name cannot be deleted.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator

__all__ = ["BATCH", "shapes", "create_nodes", "create_relationships", "checked", "labels_of", "prop", "batches"]

BATCH = 20_000
NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
Run = Callable[..., list]


def checked(kind: str) -> str:
    """A relationship type, which the query names itself (it cannot be a parameter)."""
    if not NAME.match(kind):
        raise ValueError(f"type de relation invalide : {kind!r}")
    return kind


def labels_of(labels: tuple[str, ...]) -> str:
    """``:A:B`` for the labels the query can name; the loader always skipped any other (none today)."""
    return "".join(f":{label}" for label in labels if NAME.match(label))


def prop(name: str) -> str:
    """A property name, quoted: the predicates' local names, which a backtick cannot close."""
    if "`" in name:
        raise ValueError(f"nom de propriété invalide : {name!r}")
    return f"`{name}`"


def batches(rows: list, size: int = BATCH) -> Iterator[list]:
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def shapes(nodes: Iterable[tuple[tuple[str, ...], list[tuple[str, dict]]]]) -> dict[tuple, list[list]]:
    """``(labels, property names)`` → rows ``[uri, value, …]`` in the order of the names."""
    groups: dict[tuple, list[list]] = defaultdict(list)
    for labels, rows in nodes:
        for uri, props in rows:
            names = tuple(sorted(props))
            groups[(labels, names)].append([uri, *(props[name] for name in names)])
    return groups


def node_query(labels: tuple[str, ...], names: tuple[str, ...], merge: bool) -> str:
    """The statement writing a batch of rows of one shape; it returns their ids in row order."""
    extra = labels_of(labels)
    if not merge:
        props = "".join(f", {prop(name)}: r[{i}]" for i, name in enumerate(names, 1))
        return (f"UNWIND $rows AS r CREATE (n:Resource{extra} {{key: $prefix + r[0], uri: r[0], build: $build{props}}}) "
                "RETURN collect(id(n)) AS ids")
    props = "".join(f", n.{prop(name)} = r[{i}]" for i, name in enumerate(names, 1))
    return (f"UNWIND $rows AS r MERGE (n:Resource {{key: $prefix + r[0]}}) SET n.uri = r[0], n.build = $build{props}"
            + (f", n{extra}" if extra else "") + " RETURN collect(id(n)) AS ids")


def create_nodes(run: Run, build: str, nodes, merge: bool = False, progress: Callable[[int], None] | None = None
                 ) -> dict[str, int]:
    """Write ``nodes`` (label set → ``(uri, props)``) into ``build``; their ids by IRI.

    ``run(query, **params)`` runs one statement in a transaction of its own and returns its records.
    """
    ids: dict[str, int] = {}
    for (labels, names), rows in sorted(shapes(nodes).items()):
        query = node_query(labels, names, merge)
        for batch in batches(rows):
            got = run(query, rows=batch, prefix=f"{build}|", build=build)[0]["ids"]
            if len(got) != len(batch):
                raise RuntimeError(f"Neo4j a écrit {len(got)} nœuds sur {len(batch)}")
            ids.update(zip((row[0] for row in batch), got))
            if progress:
                progress(len(batch))
    return ids


RELATIONSHIPS_BY_ID = (
    "WITH split($starts, ',') AS a, split($ends, ',') AS b UNWIND range(0, size(a) - 1) AS i "
    "MATCH (x) WHERE id(x) = toInteger(a[i]) MATCH (y) WHERE id(y) = toInteger(b[i]) {verb} (x)-[:{kind}]->(y)"
)


def create_relationships(run: Run, relationships, ids: dict[str, int], merge: bool = False,
                         progress: Callable[[int], None] | None = None) -> None:
    """Write ``relationships`` (type → ``(from IRI, to IRI)``) between nodes whose ``ids`` are known."""
    for kind, rows in sorted(relationships):
        query = RELATIONSHIPS_BY_ID.replace("{verb}", "MERGE" if merge else "CREATE").replace("{kind}", checked(kind))
        for batch in batches(rows):
            run(query, starts=",".join(str(ids[s]) for s, _ in batch), ends=",".join(str(ids[o]) for _, o in batch))
            if progress:
                progress(len(batch))
