"""Load the live build into Neo4j as a version of the graph made current at once: whole, or by difference.

The loader reads the published embedded build, which exists only if it passed SHACL, so Neo4j never
holds a graph that failed validation. The mapping is in ``neo4j_graph`` (``ontology/property-graph.ttl``).

The database holds versions of the graph, ``(:Build {id, source, status})``: every node of one carries
``build = id`` and the unique ``key = id|IRI``; ``source`` names the embedded build it holds. Readers
start every query from the ``(:Maillage)-[:CURRENT]->(:Build)`` pointer, which one transaction moves, so
they see the old graph or the new one, never a mix. Two versions are kept, the current one and the
previous one (readers may still be on it); older ones are deleted after each switch.

A load takes one of three ways (decision 0073):

* **unchanged** — the current version already holds this build: nothing is written;
* **incremental** — the previous version is complete and its build left a record of its graph
  (``neo4j_diff``): only the difference is written into it, marked ``changing`` meanwhile (no reader is
  on it: it is not current), then the pointer moves to it. A failed load leaves it ``changing``, never
  used again as a base, and the current version untouched;
* **full** — every node, then every relationship, into a version whose id is the build's stamp
  (``neo4j_write``: ``CREATE`` for a new one; ``MERGE`` to resume one a crash interrupted, which ends
  with the same graph), then the switch.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from core.settings import Settings

from .builds import current_build
from .neo4j_diff import Changes, Snapshot, changes
from .neo4j_graph import PropertyGraph, to_property_graph
from .neo4j_write import batches, checked, create_nodes, create_relationships, labels_of

__all__ = ["PropertyGraph", "to_property_graph", "SCHEMA", "write", "load", "load_graph", "INCREMENTAL_SHARE"]

#: Above this share of the new graph's nodes and relationships, a difference is written as a full load
#: (as fast, and a new version instead of a rewritten one).
INCREMENTAL_SHARE = 0.25

SCHEMA = (
    "CREATE CONSTRAINT maillage_key IF NOT EXISTS FOR (n:Resource) REQUIRE n.key IS UNIQUE",
    "CREATE CONSTRAINT maillage_build IF NOT EXISTS FOR (b:Build) REQUIRE b.id IS UNIQUE",
    "CREATE INDEX maillage_uri IF NOT EXISTS FOR (n:Resource) ON (n.uri)",
    "CREATE INDEX maillage_build_of IF NOT EXISTS FOR (n:Resource) ON (n.build)",
    "CREATE INDEX maillage_code IF NOT EXISTS FOR (n:Commune) ON (n.codeINSEE)",
    "CREATE INDEX maillage_name IF NOT EXISTS FOR (n:Commune) ON (n.nameKey)",
)

QUIET = ["DEPRECATION", "UNRECOGNIZED"]

# Versions written before ``source`` existed hold the build their id names.
STATE = """
OPTIONAL MATCH (m:Maillage {name: 'maillage'})-[:CURRENT]->(c:Build)
OPTIONAL MATCH (p:Build {id: m.previous}) WHERE p <> c
RETURN c {.id, source: coalesce(c.source, c.id), .status} AS current,
       p {.id, source: coalesce(p.source, p.id), .status, .snapshot} AS previous
"""

# One transaction: the version is complete, and the pointer moves to it (nothing changes when it is
# already current, as when the same build is loaded twice). A record left from another graph is harmless:
# a base is used only when its build is the version's source.
SWITCH = """
MATCH (b:Build {id: $id})
SET b.status = 'complete', b.source = $source, b.snapshot = coalesce($snapshot, b.snapshot), b.nodes = $nodes, b.relationships = $rels
MERGE (m:Maillage {name: 'maillage'})
WITH m, b
OPTIONAL MATCH (m)-[old:CURRENT]->(previous:Build)
WITH m, b, old, previous
WHERE previous IS NULL OR previous.id <> b.id
SET m.previous = previous.id
DELETE old
MERGE (m)-[:CURRENT]->(b)
"""


def write(driver, pg: PropertyGraph, database: str | None = None, progress: Callable[[str], None] | None = None,
          snapshot: Snapshot | None = None, folder: Path | None = None) -> str:
    """Make ``pg`` the current graph; ``"unchanged"``, ``"incremental"`` or ``"full"``, the way it took.

    ``snapshot`` is ``pg``'s record, saved in ``folder`` before the switch when given (else already
    saved; its path is kept on the version, for the next load to start from); without one the load
    is full. Safe to run again after a crash.
    """
    say = progress or (lambda text: None)
    # id() is deprecated in Neo4j 5 (see neo4j_write), and the properties of a version are unknown to a
    # new database: notices that would come with every batch, or every first load.
    with driver.session(database=database, notifications_disabled_classifications=QUIET) as session:
        for statement in SCHEMA:
            session.run(statement).consume()
        state = session.run(STATE).single()
        current, previous = state["current"], state["previous"]
        base = _base(previous) if snapshot is not None else None
        if current is not None and current["source"] == pg.build:
            way, slot = "unchanged", current["id"]
        elif (diff := _difference(base, snapshot, pg)) is not None:
            way, slot = "incremental", previous["id"]
            say(f"  Neo4j : chargement incrémental, {diff.size:,} changements".replace(",", "\u202f"))
            _incremental(session, slot, pg.build, diff)
        else:
            way, slot = "full", _full(session, pg, current, say)
        if snapshot is not None and folder is not None:
            snapshot.save(folder, like=base)
        record = str(snapshot.path) if snapshot is not None and snapshot.path else None
        session.execute_write(lambda tx: tx.run(SWITCH, id=slot, source=pg.build, snapshot=record,
                                                nodes=pg.node_count, rels=pg.relationship_count).consume())
        _prune(session)
    return way


def _base(previous) -> Snapshot | None:
    """The record of what the previous version holds, when it can be rewritten."""
    if previous is None or previous["status"] != "complete" or not previous["snapshot"]:
        return None
    base = Snapshot.read(Path(previous["snapshot"]))
    return base if base is not None and base.build == previous["source"] else None


def _difference(base: Snapshot | None, snapshot: Snapshot | None, pg: PropertyGraph) -> Changes | None:
    """The changes from ``base`` (the previous version's record) to ``pg``, when they are few."""
    if snapshot is None or base is None:
        return None
    diff = changes(base, snapshot, pg)
    return diff if diff.size <= INCREMENTAL_SHARE * (pg.node_count + pg.relationship_count) else None


def _run(session) -> Callable[..., list]:
    return lambda query, **params: session.execute_write(lambda tx: list(tx.run(query, params)))


def _full(session, pg: PropertyGraph, current, say: Callable[[str], None]) -> str:
    """Write every node and relationship of ``pg`` into a version of its own; that version's id."""
    slot, merge = _version_for(session, pg.build, current)
    session.run("MERGE (b:Build {id: $id}) SET b.status = 'loading', b.source = $source", id=slot, source=pg.build).consume()
    run = _run(session)
    ids = create_nodes(run, slot, pg.nodes.items(), merge, _counter(say, "nœuds", pg.node_count))
    create_relationships(run, pg.relationships.items(), ids, merge, _counter(say, "relations", pg.relationship_count))
    return slot


def _counter(say: Callable[[str], None], what: str, total: int) -> Callable[[int], None]:
    """A progress message after each batch."""
    done = [0]

    def told(n: int) -> None:
        done[0] += n
        say(f"  Neo4j : {what} {done[0]:,} / {total:,}".replace(",", "\u202f"))
    return told


def _version_for(session, build: str, current) -> tuple[str, bool]:
    """(id, whether to MERGE) of the version a full load of ``build`` writes: its stamp, resumed when a
    crashed full load of it left one; emptied first when it holds another graph (rewritten since)."""
    n, slot = 1, build
    while True:
        found = session.run("MATCH (b:Build {id: $id}) RETURN coalesce(b.source, b.id) AS source, b.status AS status",
                            id=slot).single()
        if found is None:
            return slot, False
        if current is not None and slot == current["id"]:  # the live version, holding another build now
            n += 1
            slot = f"{build}~{n}"
            continue
        if found["source"] == build and found["status"] != "changing":
            return slot, True
        _drop(session, slot)
        return slot, False


def _drop(session, slot: str) -> None:
    session.run("MATCH (n:Resource {build: $id}) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS",
                id=slot).consume()


def _incremental(session, slot: str, source: str, diff: Changes) -> None:
    """Rewrite version ``slot`` by ``diff``: relationships and nodes removed, nodes added and changed,
    relationships added. Matched by key: a few rows, where ids would cost a round trip more."""
    marked = session.execute_write(lambda tx: tx.run(
        "MATCH (b:Build {id: $id}) WHERE NOT EXISTS { (:Maillage)-[:CURRENT]->(b) } "
        "SET b.status = 'changing', b.source = $source RETURN b.id AS id", id=slot, source=source).single())
    if marked is None:
        raise RuntimeError(f"la version {slot} est devenue courante pendant le chargement")
    run, prefix = _run(session), f"{slot}|"
    for kind, rows in sorted(diff.unlinked.items()):
        for batch in batches(rows):
            run(f"UNWIND $rows AS r CALL (r) {{ MATCH (:Resource {{key: $prefix + r[0]}})-[x:{checked(kind)}]->"
                "(:Resource {key: $prefix + r[1]}) WITH x LIMIT 1 DELETE x }", rows=batch, prefix=prefix)
    for batch in batches(diff.removed):
        run("UNWIND $rows AS u MATCH (n:Resource {key: $prefix + u}) DETACH DELETE n", rows=batch, prefix=prefix)
    create_nodes(run, slot, diff.added.items())
    for (before, after), changed in sorted(diff.changed.items()):
        gone = labels_of(tuple(label for label in before if label not in after))
        for batch in batches(changed):
            run("UNWIND $rows AS r MATCH (n:Resource {key: $prefix + r[0]}) "
                "SET n = r[1], n.key = $prefix + r[0], n.uri = r[0], n.build = $build"
                + (f", n{labels_of(after)}" if labels_of(after) else "") + (f" REMOVE n{gone}" if gone else ""),
                rows=[[uri, props] for uri, props in batch], prefix=prefix, build=slot)
    for kind, rows in sorted(diff.linked.items()):
        for batch in batches(rows):
            run(f"UNWIND $rows AS r MATCH (a:Resource {{key: $prefix + r[0]}}) MATCH (b:Resource {{key: $prefix + r[1]}}) "
                f"CREATE (a)-[:{checked(kind)}]->(b)", rows=[list(pair) for pair in batch], prefix=prefix)


def _prune(session) -> None:
    """Delete versions other than the current and the previous one (readers may still be on it), each
    through the index on ``build``: after an incremental load there is none, and no node is scanned."""
    keep = session.run(
        "MATCH (m:Maillage)-[:CURRENT]->(b:Build) RETURN [b.id, coalesce(m.previous, b.id)] AS keep"
    ).single()["keep"]
    for old in session.run("MATCH (b:Build) WHERE NOT b.id IN $keep RETURN b.id AS id", keep=keep).value():
        _drop(session, old)
        session.run("MATCH (b:Build {id: $id}) DELETE b", id=old).consume()


def load_graph(driver, pg: PropertyGraph, folder: Path, progress: Callable[[str], None] | None = None) -> str:
    """Write ``pg`` (see :func:`write`), its record saved in its build ``folder``; the way taken."""
    return write(driver, pg, progress=progress, snapshot=Snapshot.of(pg), folder=folder)


def load(settings: Settings, driver, progress: Callable[[str], None] | None = None) -> PropertyGraph:
    """Load the live embedded build into the Neo4j behind ``driver``."""
    build = current_build(settings.data_dir)
    if build is None:
        from core.errors import StoreMissing

        raise StoreMissing(f"Aucun graphe construit dans {settings.data_dir} : lancez `maillage build`.")
    store = ox.Store.read_only(str(Path(build) / "oxigraph"))
    if progress:
        progress(f"Conversion du graphe {build.name} en graphe de propriétés…")
    pg = to_property_graph(store, build.name)
    if progress:
        progress(f"Chargement dans Neo4j : {pg.node_count} nœuds, {pg.relationship_count} relations…")
    load_graph(driver, pg, build, progress)
    return pg
