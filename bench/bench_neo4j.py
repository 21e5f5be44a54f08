"""Benchmark: loading the national graph into Neo4j (Maillage's loader vs Neo4j's LOAD CSV), then the
coverage question over Bolt.

Run: ``.venv/bin/python bench/bench_neo4j.py [--data-dir DIR] [--rounds N]``

One national build (made in a temporary data folder, or the one given by ``--data-dir``) is mapped once
with ``to_property_graph`` (not timed); one real Neo4j 5.26 (``tests/neo4j_server.running_neo4j``) runs in
a temporary folder with Maillage's constraints and indexes (``neo4j_load.SCHEMA``, unique ``key``). Each
round loads the graph twice, each time into a database emptied with ``MATCH (n) CALL (n) { DETACH DELETE
n } IN TRANSACTIONS`` (constraints and indexes kept): first LOAD CSV, then Maillage, so the last graph
loaded is Maillage's. Round 1 pays the JVM's warm-up; the last round is the one to compare.

* **LOAD CSV (baseline)** — the same rows written, untimed, as CSV files in the server's import folder:
  one per node shape (label set and property names, as Maillage groups them: ``key``, ``uri`` and every
  property, a list's items joined by U+001F), one per relationship type (``s``, ``o``). Timed: ``LOAD CSV
  WITH HEADERS … CALL (row) { … } IN TRANSACTIONS OF 5000 ROWS`` doing ``MERGE (n:Resource {key}) SET
  n.uri, n.build, labels`` and each property with the conversion its values need (``toInteger``,
  ``toBoolean``, ``date``, ``split``), then ``MATCH`` both ends by ``key`` and ``MERGE`` the relationship:
  the database holds what Maillage's load writes (checked: the same properties on one node of each shape).
* **LOAD CSV, key and uri only** — the same, without the properties (the baseline of earlier runs), for
  reference.
* **Maillage, full load** — ``neo4j_load.load_graph(driver, pg, build folder)`` into the emptied database:
  the graph's record saved (``neo4j-graph.json``), nodes by batches of 20,000 rows of one shape (``UNWIND …
  CREATE (n:Resource:… {key, uri, build, …})``) with ALL their properties (literals, the ``types`` list, the
  coverage cards), relationships by batches of node ids (``MATCH`` by id, ``CREATE``), then the CURRENT switch.
* **Maillage, incremental load** — after the rounds, two copies of the registry with one ``from:`` date of
  one file moved one year, then two years earlier (``bench_build.edited_copy``), built in a temporary data
  folder (not timed). The first is loaded whole (no earlier version holds a record: a full load), the
  second by difference into the version the national build left (one date, one file, from what it holds),
  then the national build again by difference from the first edit. Timed: each ``load_graph`` call.
* **Coverage over Bolt** — on the Maillage-loaded build, ``Neo4jBackend``: p50/p99 of ``who_covers(backend,
  code, ages, on=date)`` and of ``backend.run("who_covers", ...)`` on the workload of ``bench_who_covers.py``
  (landmarks, then communes of 31, 48 and the rest of France × age bands × dates, ``random.Random(0)``)
  after a warm-up pass; the embedded backend on the same cases, alternating, for reference.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "bench")]
PASSES = 3
BARE = "LOAD CSV, key and uri only"
GOAL = 1.0
INCREMENTAL_GOAL = 0.1
WIPE = "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"
CSV_NODES = ("LOAD CSV WITH HEADERS FROM $url AS row CALL (row) {{ MERGE (n:Resource {{key: row.key}}) "
             "SET n.uri = row.uri, n.build = $build{labels}{props} }} IN TRANSACTIONS OF 5000 ROWS")
#: a list property's items in one CSV cell (no value of the graph holds this control character)
SEPARATOR = "\u001f"
#: Python type of a column's values → the Cypher conversion of its text
CONVERSIONS = {str: "{}", int: "toInteger({})", bool: "toBoolean({})", dt.date: "date({})"}
CSV_RELS = ("LOAD CSV WITH HEADERS FROM $url AS row CALL (row) {{ MATCH (a:Resource {{key: row.s}}) "
            "MATCH (b:Resource {{key: row.o}}) MERGE (a)-[:{kind}]->(b) }} IN TRANSACTIONS OF 5000 ROWS")


def counts(session) -> tuple[int, int]:
    nodes = session.run("MATCH (n:Resource) RETURN count(n) AS c").single()["c"]
    rels = session.run("MATCH (:Resource)-[r]->(:Resource) RETURN count(r) AS c").single()["c"]
    return nodes, rels


def maillage_load(driver, pg, folder: Path) -> dict:
    """Time ``load_graph``; its progress messages (one per batch) mark the end of the node and relationship
    phases of a full load."""
    from store.neo4j_load import load_graph

    cpu, started = time.process_time(), time.perf_counter()
    marks: dict[str, float] = {"nodes": started, "rels": started}
    way = load_graph(driver, pg, folder, progress=lambda text: marks.__setitem__(
        "nodes" if "nœuds" in text else "rels" if "relations" in text else "other", time.perf_counter()))
    ended = time.perf_counter()
    return {"total": ended - started, "nodes": marks["nodes"] - started, "rels": max(0.0, marks["rels"] - marks["nodes"]),
            "switch": ended - max(marks["rels"], marks["nodes"]), "client_cpu": time.process_time() - cpu, "way": way}


def _cell(value) -> str:
    if isinstance(value, list):
        return SEPARATOR.join(map(_cell, value))
    if isinstance(value, bool):
        return "true" if value else "false"
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _conversion(name: str, values: list) -> str:
    """``SET`` of one property from its CSV column: typed as Maillage's load types it."""
    from store.neo4j_write import prop

    column = f"row.{prop(name)}"
    items = [v for value in values for v in (value if isinstance(value, list) else [value])]
    kinds = {type(v) for v in items} or {str}
    convert = CONVERSIONS[kinds.pop()] if len(kinds) == 1 else "{}"
    if any(isinstance(value, list) for value in values):
        convert = f"[x IN coalesce(split({column}, $sep), []) | {convert.format('x')}]"
    else:
        convert = convert.format(column)
    return f", n.{prop(name)} = {convert}"


def write_csv(folder: Path, pg, properties: bool = True) -> tuple[list, list]:
    """The CSV files of ``pg``: (node file, labels, the ``SET`` of its properties) and (relationship
    file, type); without ``properties``, the nodes' key and uri only."""
    from store.neo4j_write import shapes

    folder.mkdir(parents=True, exist_ok=True)
    node_files, rel_files = [], []
    groups = shapes(pg.nodes.items()) if properties else {(labels, ()): [[uri] for uri, _ in rows]
                                                            for labels, rows in pg.nodes.items()}
    for i, ((labels, names), rows) in enumerate(sorted(groups.items())):
        name = f"nodes-{'' if properties else 'bare-'}{i}.csv"
        with open(folder / name, "w", newline="", encoding="utf-8") as f:
            out = csv.writer(f)
            out.writerow(["key", "uri", *names])
            out.writerows((f"{pg.build}|{row[0]}", row[0], *map(_cell, row[1:])) for row in rows)
        sets = "".join(_conversion(n, [row[j] for row in rows]) for j, n in enumerate(names, 1))
        node_files.append((name, labels, sets))
    for kind, rows in sorted(pg.relationships.items()):
        with open(folder / f"rels-{kind}.csv", "w", newline="") as f:
            out = csv.writer(f)
            out.writerow(["s", "o"])
            out.writerows((f"{pg.build}|{s}", f"{pg.build}|{o}") for s, o in rows)
        rel_files.append((f"rels-{kind}.csv", kind))
    return node_files, rel_files


def _native(value):
    if isinstance(value, list):
        return [_native(v) for v in value]
    return value.to_native() if hasattr(value, "to_native") else value


def same_properties(session, pg) -> bool:
    """Whether the database holds, on the first node of each shape, the properties ``pg`` gives it."""
    from store.neo4j_write import shapes

    for (labels, names), rows in shapes(pg.nodes.items()).items():
        node = session.run("MATCH (n:Resource {key: $key}) RETURN properties(n) AS p",
                           key=f"{pg.build}|{rows[0][0]}").single()
        wanted = dict(zip(names, rows[0][1:]))
        got = {k: _native(v) for k, v in (node["p"] if node else {}).items() if k not in ("key", "uri", "build")}
        if got != wanted:
            print(f"  LOAD CSV: {labels} {rows[0][0]}: {got} != {wanted}", flush=True)
            return False
    return True


def csv_urls(session, folder: Path, probe: str):
    """``file:///`` URLs are relative to ``server.directories.import`` when the server sets it; embedded
    Neo4j leaves it unset by default, and then they are absolute paths."""
    for url_of in (lambda name: f"file:///{folder.name}/{name}", lambda name: (folder / name).as_uri()):
        try:
            session.run("LOAD CSV FROM $url AS row RETURN count(row)", url=url_of(probe)).consume()
            return url_of
        except Exception:  # noqa: BLE001 - Neo.ClientError.Statement.ExternalResourceFailed
            continue
    raise RuntimeError(f"LOAD CSV cannot read {folder}")


def load_csv(session, url_of, node_files, rel_files, build: str) -> dict:
    started = time.perf_counter()
    for name, labels, sets in node_files:
        extra = "".join(f", n:{label}" for label in labels)
        session.run(CSV_NODES.format(labels=extra, props=sets), url=url_of(name), build=build, sep=SEPARATOR).consume()
    middle = time.perf_counter()
    for name, kind in rel_files:
        session.run(CSV_RELS.format(kind=kind), url=url_of(name)).consume()
    ended = time.perf_counter()
    return {"total": ended - started, "nodes": middle - started, "rels": ended - middle}


def edited_builds(settings, tmp: Path) -> list:
    """The two edited registries of the incremental loads, built (not timed) and mapped: [(edit, pg, folder)]."""
    import dataclasses

    import pyoxigraph as ox
    from bench_build import edited_copy

    from ingest.build import build
    from store.builds import current_build
    from store.neo4j_load import to_property_graph

    data = tmp / "edits"
    data.mkdir()
    (data / "cache").symlink_to((settings.data_dir / "cache").resolve(), target_is_directory=True)
    made = []
    for years in (1, 2):
        registry = tmp / f"registry-{years}"
        edit = edited_copy(settings.registry, registry, years)
        print(f"Building the edited registry ({edit})…", flush=True)
        build(dataclasses.replace(settings, data_dir=data, registry=registry, backend="embedded"))
        live = current_build(data)
        made.append((edit, to_property_graph(ox.Store.read_only(str(live / "oxigraph")), live.name), live))
    return made


def main() -> None:
    from _national import national_settings, parser_for

    parser = parser_for(__doc__)
    parser.add_argument("--rounds", type=int, default=2, help="rounds of (LOAD CSV, Maillage) loads (default 2)")
    args = parser.parse_args()
    load = os.getloadavg()  # before the imports and the build, as the machine was when asked

    import neo4j
    import pyoxigraph as ox
    from bench_who_covers import ms, timed, workload
    from neo4j_server import free_port, running_neo4j

    from core.namespaces import iri
    from core.terms import parse_ages
    from ingest import geography
    from queries.coverage import who_covers
    from store.builds import current_build
    from store.neo4j import Neo4jBackend
    from store.neo4j_load import SCHEMA, to_property_graph
    from store.session import Session, open_backend

    settings, built = national_settings(args.data_dir, "maillage-bench-neo4j-", args.registry)
    tmp = built or Path(tempfile.mkdtemp(prefix="maillage-bench-neo4j-"))
    try:
        live = current_build(settings.data_dir)
        started = time.perf_counter()
        pg = to_property_graph(ox.Store.read_only(str(Path(live) / "oxigraph")), live.name)
        convert_s = time.perf_counter() - started
        cases = workload(geography.load(settings.geography))
        print("Starting Neo4j…", flush=True)
        csv_dir = tmp / "neo4j" / "import" / "bench-csv"
        node_files, rel_files = write_csv(csv_dir, pg)
        bare_files, _ = write_csv(csv_dir, pg, properties=False)
        runs = []  # (round, side, timings, (nodes, relationships) found in the database after it)
        with running_neo4j(tmp / "neo4j", free_port()) as uri, neo4j.GraphDatabase.driver(
                uri, auth=None, notifications_min_severity="OFF") as driver:
            with driver.session() as session:
                for statement in SCHEMA:  # LOAD CSV meets the same constraint and indexes from the start
                    session.run(statement).consume()
                url_of = csv_urls(session, csv_dir, node_files[0][0])
                for n in range(1, args.rounds + 1):
                    for side in (BARE, "LOAD CSV", "Maillage full load"):
                        session.run(WIPE).consume()
                        print(f"Round {n}: {side}…", flush=True)
                        timing = (load_csv(session, url_of, bare_files, rel_files, pg.build) if side == BARE else
                                  load_csv(session, url_of, node_files, rel_files, pg.build) if side == "LOAD CSV"
                                  else maillage_load(driver, pg, live))
                        runs.append((n, side, timing, counts(session)))
                        if side == "LOAD CSV":
                            csv_loaded = same_properties(session, pg)
                edits = edited_builds(settings, tmp)
                steps = []  # (what, timings, in database)
                for what, (edit, graph, folder) in zip(("edit 1", "edit 2"), edits):
                    print(f"Loading {what}…", flush=True)
                    steps.append((f"{what} ({edit})", maillage_load(driver, graph, folder), counts(session)))
                print("Loading the national build again…", flush=True)
                steps.append(("national build again", maillage_load(driver, pg, live), counts(session)))
            print("Coverage question over Bolt…", flush=True)
            bolt = Session(Neo4jBackend(driver, build=live), data_dir=settings.data_dir)
            embedded = open_backend(settings)

            def runner(backend):
                def full(code, ages, on):
                    return who_covers(backend, code, ages, on=on)

                def raw(code, ages, on):
                    band = parse_ages(ages)
                    return backend.run("who_covers", commune=iri("commune", code), minAge=band.min,
                                       maxAge=band.max, on=on, public=None)
                return full, raw

            fns = [*runner(bolt), *runner(embedded)]
            timed(fns, cases)  # warm-up
            times = timed(fns, cases, PASSES)
            same = all({r["coverage"] for r in fns[1](*c)} == {r["coverage"] for r in fns[3](*c)} for c in cases)
            answers = sum(len(fns[0](*c).instances) for c in cases)
            embedded.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    items = pg.node_count + pg.relationship_count
    print()
    print(f"Machine: {os.cpu_count()} CPUs; load average (1 min) at start / end: {load[0]:.2f} / {os.getloadavg()[0]:.2f}")
    print(f"Graph {pg.build}: {pg.node_count:,} nodes in {len(pg.nodes)} label sets, {pg.relationship_count:,} "
          f"relationships of {len(pg.relationships)} types; to_property_graph took {convert_s:.1f} s (not counted).")
    print("Maillage and LOAD CSV write every property (literals, types list, coverage cards) + key, uri, build, "
          f"labels; the properties LOAD CSV wrote are Maillage's (one node of each shape): {'yes' if csv_loaded else 'NO'}. "
          f"'{BARE}' writes key, uri, build and labels only (the earlier baseline, for reference).")
    print()
    print(f"{'load into an empty database':<32}{'total s':>9}{'nodes s':>9}{'rels s':>9}{'(n+r)/s':>10}"
          "  in database (nodes / rels)")
    for n, side, r, db in runs:
        print(f"{f'round {n}, {side}':<32}{r['total']:>9.1f}{r['nodes']:>9.1f}{r['rels']:>9.1f}"
              f"{items / r['total']:>10,.0f}  {db[0]:,} / {db[1]:,}")
    for n, side, r, _ in runs:
        if "client_cpu" in r:
            print(f"round {n}, Maillage: CURRENT switch + prune {r['switch']:.2f} s; "
                  f"Python client CPU {r['client_cpu']:.1f} s of {r['total']:.1f} s wall")
    for n in range(1, args.rounds + 1):
        bare, base, mine = (r["total"] for m, _, r, _ in runs if m == n)
        ratio = base / mine  # = (items / mine) / (items / base)
        print(f"round {n}: rate Maillage / LOAD CSV = {ratio:.2f}×   (goal ≥ {GOAL}×: {'met' if ratio >= GOAL else 'NOT met'})"
              f"; against '{BARE}' {bare / mine:.2f}×"
              + ("   ← round 1 runs on a cold JVM: compare the last round" if n == 1 < args.rounds else ""))
    print()
    full = [r for _, side, r, _ in runs if side != "LOAD CSV"][-1]["total"]
    print(f"{'load after an edit':<60}{'way':>13}{'s':>8}  in database (nodes / rels)")
    for what, r, db in steps:
        print(f"{what:<60}{r['way']:>13}{r['total']:>8.2f}  {db[0]:,} / {db[1]:,}")
    incremental = steps[1][1]
    ratio = incremental["total"] / full
    print(f"incremental load after a one-file one-date edit / full load (last round) = {incremental['total']:.2f} / "
          f"{full:.2f} s = {ratio:.3f}×   (goal ≤ {INCREMENTAL_GOAL}×: {'met' if ratio <= INCREMENTAL_GOAL else 'NOT met'})")
    print()
    print(f"Workload: {len(cases)} cases × {PASSES} passes after a warm-up pass, {answers} coverages answered in all; "
          f"same coverages from Neo4j and embedded: {'yes' if same else 'NO'}.")
    print(f"{'':<46}{'p50 (ms)':>10}{'p99 (ms)':>10}")
    for name, t in zip(("Neo4j over Bolt, who_covers() (full question)", "Neo4j over Bolt, backend.run(who_covers)",
                        "embedded, who_covers() (full question)", "embedded, backend.run(who_covers)"), times):
        print(f"{name:<46}{ms(t, .5):>10.3f}{ms(t, .99):>10.3f}")


if __name__ == "__main__":
    main()
