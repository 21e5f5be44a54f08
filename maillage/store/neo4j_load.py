"""Load the live build into Neo4j, idempotently, as a new version made current at once.

The loader reads the published embedded build, which exists only if it passed SHACL, so Neo4j never
holds a graph that failed validation. The mapping is written in ``ontology/property-graph.ttl``.

Order: constraints and indexes; a ``(:Build {id, status: "loading"})`` node; nodes by batches of
``UNWIND … CREATE`` on the unique ``key`` (build|uri) for a build never seen before (``MERGE`` when
resuming or reloading one); relationships by batches too (``CREATE``, or ``MERGE`` likewise); then, in one transaction,
the ``(:Maillage)-[:CURRENT]->(:Build)`` pointer moves to the new build. Readers start every query from
that pointer, so they see the old build or the new one, never a mix. Running the same load again (after
a crash, or twice) merges onto the same keys and ends with the same graph. Builds older than the
previous one are then deleted.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef

from .builds import current_build
from maillage.core.namespaces import M, local
from maillage.ontology import HERE as ONTOLOGY
from maillage.core.settings import Settings

from .embedded import _value

__all__ = ["PropertyGraph", "to_property_graph", "load", "BATCH"]

BATCH = 5_000
#: Relationships go in larger batches: measured 20-35 % faster than 5,000 on the national graph.
REL_BATCH = 20_000
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
OWL = "http://www.w3.org/2002/07/owl#"
# The ontology's own declarations are schema, not data (see property-graph.ttl).
SCHEMA_TYPES = {OWL + "Class", OWL + "ObjectProperty", OWL + "DatatypeProperty", OWL + "AnnotationProperty",
                OWL + "Ontology", OWL + "TransitiveProperty", OWL + "ReflexiveProperty"}
NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


def rel_type(predicate: str) -> str:
    """``…#hasCoverage`` → ``HAS_COVERAGE``."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", local(predicate)).upper()


def _labels_table() -> dict[str, list[str]]:
    g = Graph().parse(ONTOLOGY / "property-graph.ttl")
    table: dict[str, list[str]] = {}
    for cls, label in g.subject_objects(URIRef(M.pgLabel)):
        table[str(cls)] = [str(label)] + [str(x) for x in g.objects(cls, URIRef(M.pgExtraLabel))]
    return table


@dataclass
class PropertyGraph:
    """Nodes grouped by their label set, and relationships grouped by type, ready for UNWIND."""

    build: str
    nodes: dict[tuple[str, ...], list[dict]] = field(default_factory=dict)
    relationships: dict[str, list[dict]] = field(default_factory=dict)

    @property
    def node_count(self) -> int:
        return sum(len(rows) for rows in self.nodes.values())

    @property
    def relationship_count(self) -> int:
        return sum(len(rows) for rows in self.relationships.values())


def to_property_graph(store: ox.Store, build: str) -> PropertyGraph:
    """Map every triple of ``store`` by the rule of ``ontology/property-graph.ttl``."""
    labels_of = _labels_table()
    types: dict[str, set[str]] = defaultdict(set)
    literals: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    links: list[tuple[str, str, str]] = []
    for quad in store.quads_for_pattern(None, None, None, ox.DefaultGraph()):
        s, p, o = quad.subject.value, quad.predicate.value, quad.object
        if p == RDF_TYPE:
            types[s].add(o.value)
        elif isinstance(o, ox.Literal):
            literals[s][local(p)].append(_value(o))
        else:
            links.append((s, p, o.value))
    schema = {s for s, ts in types.items() if ts & SCHEMA_TYPES}
    multivalued = {name for props in literals.values() for name, values in props.items() if len(values) > 1}
    pg = PropertyGraph(build)
    uris = (set(types) | set(literals) | {s for s, _, _ in links} | {o for _, _, o in links}) - schema
    for uri in sorted(uris):
        labels = sorted({label for t in types.get(uri, ()) for label in labels_of.get(t, [local(t)])})
        props = {
            name: sorted(values, key=str) if name in multivalued else values[0]
            for name, values in literals.get(uri, {}).items()
        }
        props["types"] = sorted(types.get(uri, ()))
        pg.nodes.setdefault(tuple(labels), []).append({"key": f"{build}|{uri}", "uri": uri, "props": props})
    for s, p, o in links:
        if s in schema or o in schema:
            continue
        pg.relationships.setdefault(rel_type(p), []).append({"s": f"{build}|{s}", "o": f"{build}|{o}"})
    return pg


SCHEMA = (
    "CREATE CONSTRAINT maillage_key IF NOT EXISTS FOR (n:Resource) REQUIRE n.key IS UNIQUE",
    "CREATE CONSTRAINT maillage_build IF NOT EXISTS FOR (b:Build) REQUIRE b.id IS UNIQUE",
    "CREATE INDEX maillage_uri IF NOT EXISTS FOR (n:Resource) ON (n.uri)",
    "CREATE INDEX maillage_build_of IF NOT EXISTS FOR (n:Resource) ON (n.build)",
    "CREATE INDEX maillage_code IF NOT EXISTS FOR (n:Commune) ON (n.codeINSEE)",
    "CREATE INDEX maillage_name IF NOT EXISTS FOR (n:Commune) ON (n.nameKey)",
)


def _batches(rows: list[dict], size: int = BATCH) -> Iterator[list[dict]]:
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def write(driver, pg: PropertyGraph, database: str | None = None, progress: Callable[[str], None] | None = None) -> None:
    """Write ``pg`` as build ``pg.build`` and make it current; safe to run again after a crash."""
    say = progress or (lambda text: None)
    with driver.session(database=database) as session:
        for statement in SCHEMA:
            session.run(statement).consume()
        # A build seen for the first time has no relationship yet (keys carry the build id), so they
        # can be CREATEd; a build met again (a crashed load resumed, or a reload) MERGEs them.
        fresh = session.run(
            "OPTIONAL MATCH (old:Build {id: $id}) WITH old IS NULL AS fresh "
            "MERGE (b:Build {id: $id}) ON CREATE SET b.status = 'loading' RETURN fresh",
            id=pg.build,
        ).single()["fresh"]
        done, total = 0, pg.node_count
        for labels, rows in sorted(pg.nodes.items()):
            # Labels cannot be parameters; these come from the ontology's table, and are checked.
            extra = "".join(f", n:{label}" for label in labels if NAME.match(label))
            # A fresh build's keys cannot exist yet (they carry its id): CREATE skips MERGE's lookup
            # of each key before writing it, as LOAD CSV into an empty label does.
            query = (
                f"UNWIND $rows AS row {'CREATE' if fresh else 'MERGE'} (n:Resource {{key: row.key}}) "
                f"SET n += row.props, n.uri = row.uri, n.build = $build{extra}"
            )
            for batch in _batches(rows):
                session.execute_write(lambda tx, b=batch, q=query: tx.run(q, rows=b, build=pg.build).consume())
                done += len(batch)
                say(f"  Neo4j : nœuds {done:,} / {total:,}".replace(",", "\u202f"))
        done, total = 0, pg.relationship_count
        for kind, rows in sorted(pg.relationships.items()):
            if not NAME.match(kind):
                raise ValueError(f"type de relation invalide : {kind!r}")
            query = (
                "UNWIND $rows AS row MATCH (a:Resource {key: row.s}) MATCH (b:Resource {key: row.o}) "
                f"{'CREATE' if fresh else 'MERGE'} (a)-[:{kind}]->(b)"
            )
            for batch in _batches(rows, REL_BATCH):
                session.execute_write(lambda tx, b=batch, q=query: tx.run(q, rows=b).consume())
                done += len(batch)
                say(f"  Neo4j : relations {done:,} / {total:,}".replace(",", "\u202f"))
        session.execute_write(lambda tx: tx.run(SWITCH, id=pg.build, nodes=pg.node_count, rels=pg.relationship_count).consume())
        _prune(session)


# One transaction: the build is complete, and the pointer moves to it (nothing changes when it is
# already current, as when the same build is loaded twice).
SWITCH = """
MATCH (b:Build {id: $id}) SET b.status = 'complete', b.nodes = $nodes, b.relationships = $rels
MERGE (m:Maillage {name: 'maillage'})
WITH m, b
OPTIONAL MATCH (m)-[old:CURRENT]->(previous:Build)
WITH m, b, old, previous
WHERE previous IS NULL OR previous.id <> b.id
SET m.previous = previous.id
DELETE old
MERGE (m)-[:CURRENT]->(b)
"""


def _prune(session) -> None:
    """Delete builds other than the current and the previous one (readers may still be on it)."""
    keep = session.run(
        "MATCH (m:Maillage)-[:CURRENT]->(b:Build) RETURN [b.id, coalesce(m.previous, b.id)] AS keep"
    ).single()["keep"]
    session.run(
        "MATCH (n:Resource) WHERE NOT n.build IN $keep "
        "CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS",
        keep=keep,
    ).consume()
    session.run("MATCH (b:Build) WHERE NOT b.id IN $keep DELETE b", keep=keep).consume()


def load(settings: Settings, driver, progress: Callable[[str], None] | None = None) -> PropertyGraph:
    """Load the live embedded build into the Neo4j behind ``driver``."""
    build = current_build(settings.data_dir)
    if build is None:
        from maillage.core.errors import StoreMissing

        raise StoreMissing(f"Aucun graphe construit dans {settings.data_dir} : lancez `maillage build`.")
    store = ox.Store.read_only(str(Path(build) / "oxigraph"))
    if progress:
        progress(f"Conversion du graphe {build.name} en graphe de propriétés…")
    pg = to_property_graph(store, build.name)
    if progress:
        progress(f"Chargement dans Neo4j : {pg.node_count} nœuds, {pg.relationship_count} relations…")
    write(driver, pg, progress=progress)
    return pg
