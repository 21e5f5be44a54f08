"""Neo4j as a real backend: same answers as the embedded store, idempotent loads, crash-safe loads,
and readers that see one whole build. Every test here talks to a real Neo4j started by the fixtures."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import threading
import time

import pytest
from national_files import NEEDS_NATIONAL_FILES

from ingest import geography
from ingest.build import build
from store.session import open_backend
from queries.coverage import who_covers
from store.neo4j import driver_for
from store.neo4j_load import load
from core.settings import PROJECT_ROOT

pytestmark = pytest.mark.neo4j

AGES = ["0-12", "13-17", "18-59", "60-120", None]
DATES = ["2019-06-01", "2022-01-01", "2024-06-01", "2026-11-23"]


def _sample_communes(settings) -> list[str]:
    """Three communes of every département (first, middle and last code): DROM, COM and Corsica too."""
    geo = geography.load(settings.geography)
    by_departement: dict[str, list[str]] = {}
    for code in sorted(geo.communes):
        by_departement.setdefault(geo.communes[code].departement, []).append(code)
    sample = []
    for codes in by_departement.values():
        sample += sorted({codes[0], codes[len(codes) // 2], codes[-1]})
    return sample + ["31395", "31483", "31488", "48095", "31555", "31149"]


def _rows(rows):
    return sorted(tuple(sorted((k, repr(v)) for k, v in row.items())) for row in rows)


@pytest.fixture(scope="module")
def backends(national, neo4j_loaded):
    embedded, graph = open_backend(national), open_backend(neo4j_loaded)
    yield embedded, graph
    embedded.close()
    graph.close()


def test_parity_on_every_named_question(national, backends):
    embedded, graph = backends
    communes = _sample_communes(national)
    assert len(communes) >= 300
    for name in ("concepts", "coverages", "place_names", "territory_names", "freshness", "surveys", "seats", "identifiers"):
        assert _rows(embedded.run(name)) == _rows(graph.run(name)), name
    for name, params in (("instance_coverages", {"instance": None}), ("actor_roles", {"actor": None})):
        assert _rows(embedded.run(name, **params)) == _rows(graph.run(name, **params)), name
    geo = geography.load(national.geography)
    compared = 0
    for i, code in enumerate(communes):
        commune = f"https://w3id.org/maillage/commune/{code}"
        assert _rows(embedded.run("territories_of_commune", commune=commune)) == _rows(
            graph.run("territories_of_commune", commune=commune))
        assert _rows(embedded.run("commune_surveys", commune=commune)) == _rows(graph.run("commune_surveys", commune=commune))
        for j in range(2):
            ages, on = AGES[(i + j) % len(AGES)], DATES[(i * 3 + j) % len(DATES)]
            public = "enfants" if (i + j) % 7 == 0 else None
            a = who_covers(embedded, code, ages=ages, on=on, public=public)
            b = who_covers(graph, code, ages=ages, on=on, public=public)
            assert a == b, (code, ages, on, public)
            compared += 1
    assert compared >= 600 and geo.communes
    pairs = embedded.run("coverages")
    assert _rows(embedded.run_rows("instance_card", pairs)) == _rows(graph.run_rows("instance_card", pairs))
    for instance in sorted({p["instance"] for p in pairs}):
        assert _rows(embedded.run("instance_actors", instance=instance)) == _rows(graph.run("instance_actors", instance=instance))
        assert _rows(embedded.run("instance_coverages", instance=instance)) == _rows(graph.run("instance_coverages", instance=instance))
    for actor in sorted({r["actor"] for r in embedded.run("actor_roles", actor=None)}):
        assert _rows(embedded.run("actor_roles", actor=actor)) == _rows(graph.run("actor_roles", actor=actor))
    territories = sorted({r["territory"] for r in embedded.run("territory_names")})
    for territory in territories[::7] + [t for t in territories if "/territoire/" in t]:
        assert _rows(embedded.run("communes_in_territory", territory=territory)) == _rows(
            graph.run("communes_in_territory", territory=territory)), territory
    departements = sorted({geo.communes[c].departement for c in communes})
    for k, dep in enumerate(departements):
        params = dict(territory=f"https://w3id.org/maillage/departement/{dep}", on=dt.date.fromisoformat(DATES[k % 4]),
                      type="https://w3id.org/maillage/type/CPTS" if k % 3 == 0 else None)
        assert _rows(embedded.run("instances_in_territory", **params)) == _rows(graph.run("instances_in_territory", **params))


@NEEDS_NATIONAL_FILES  # the seats' extents: the FINESS sample's
def test_parity_of_periods_confidence_answers_and_seat_extents(backends):
    """The fields issue 30 added agree on both backends, and are really there: the period a source speaks
    of (the RAP 31 report: 2019), a citation's own period, the cards' attestations and propagated
    confidence, the instance list's coverages and cards, what a seat's file holds, the four answers,
    the layers' counts and rules, the roles held on a day."""
    from core import jsonable
    from queries.instances import instance_detail, instances_answers, list_instances
    from queries.layer import coverage_layer
    from queries.seats import nearby

    embedded, graph = backends
    pairs = [p for p in embedded.run("coverages") if p["instance"].endswith(("/ilc-comminges", "/ptsm-48", "/empp-31"))]
    cards = {name: _rows(b.run_rows("instance_card", pairs)) for name, b in (("embedded", embedded), ("neo4j", graph))}
    assert cards["embedded"] == cards["neo4j"]
    rows = embedded.run_rows("instance_card", pairs)
    assert {(r["speaksFrom"], r["speaksTo"]) for r in rows if r["title"] and r["title"].startswith("RAP 31, rapport")} == {
        (dt.date(2019, 1, 1), dt.date(2019, 12, 31))}
    assert (dt.date(2019, 1, 1), dt.date(2019, 12, 31)) in {(r["citedFrom"], r["citedTo"]) for r in rows}  # PTSM 48
    seats = [r for r in graph.run("seats") if r["extent"] and r["extent"].startswith("échantillon FINESS")]
    assert seats and _rows(embedded.run("seats")) == _rows(graph.run("seats"))
    params = dict(territory="https://w3id.org/maillage/departement/48", on=dt.date(2019, 6, 1), type=None)
    listed = graph.run("instances_in_territory", **params)
    assert all(r["card"] for r in listed) and _rows(embedded.run("instances_in_territory", **params)) == _rows(listed)

    def same(ask, *args, **kwargs):
        a, b = jsonable.plain(ask(embedded, *args, **kwargs)), jsonable.plain(ask(graph, *args, **kwargs))
        assert a == b, (ask.__name__, args, kwargs)
        return a

    detail = same(instance_detail, "empp-31", on="2024-06-01")
    assert detail["confidence"] == "inferred" and detail["note"]
    roles = same(instance_detail, "ilc-comminges", on="2024-06-01")["roles"]
    assert {(r["actor"], r["held"], r["when"]) for r in roles if r["actor"] == "ASEI"} == {("ASEI", "termine", "jusqu'en 2018")}
    found = same(list_instances, territory="departement:48", on="2019-06-01")
    assert "emsp-occitanie" not in {i["id"] for i in found}
    assert same(instances_answers, "departement:33", None, [], "2024-06-01")[0]["answer"] == "hors-registre"
    assert same(who_covers, "Mende", type="MDPH")["answers"][0]["answer"] == "type-non-recense"
    layer = same(coverage_layer, "departement", "48", type="DAC", on="2024-06-01")
    assert layer["rules"] and sum(layer["counts"].values()) == len(layer["communes"])
    assert same(nearby, "Muret", type="ACT")["groups"][0]["farther"]


def test_parity_of_what_the_registry_knows_of_france(backends):
    """/v1/knowledge and `maillage knowledge` answer the same on both backends (issue 32, item 5)."""
    from core import jsonable
    from queries.france import knowledge_of_france

    embedded, graph = backends
    for type, on in ((None, "2026-12-01"), ("CPTS", "2024-06-01"), ("DAC", "2019-06-01")):
        a = jsonable.plain(knowledge_of_france(embedded, type=type, on=on))
        assert a == jsonable.plain(knowledge_of_france(graph, type=type, on=on)), (type, on)
        assert a["types"][0]["departements"], (type, on)


ANALYSIS_QUESTIONS = ("analysis_coverages", "covered_communes", "commune_table", "arrondissement_table", "analysis_roles",
                      "expectations", "inventories", "public_broader", "related_types", "surveys", "freshness")


def test_parity_of_the_analyses(backends):
    from core import jsonable
    from analysis.ask import gaps_in, network_of, overlaps_in

    embedded, graph = backends
    for name in ANALYSIS_QUESTIONS:
        assert _rows(embedded.run(name)) == _rows(graph.run(name)), name
    for territory in ("territoire:toulouse-sud", "epci:200068641", "departement:48"):
        uri = "https://w3id.org/maillage/" + territory.replace(":", "/")
        assert _rows(embedded.run("communes_in_territory", territory=uri)) == _rows(
            graph.run("communes_in_territory", territory=uri))
    for territory in (None, "departement:31", "departement:48", "commune:31483"):
        same = lambda ask, **kw: jsonable.plain(ask(embedded, territory, **kw)) == jsonable.plain(ask(graph, territory, **kw))  # noqa: E731
        assert same(overlaps_in) and same(overlaps_in, on="2024-06-01"), territory
        assert same(gaps_in, on="2024-06-01") and same(gaps_in, type="ILC", ages="0-12", on="2020-06-01"), territory
        assert same(network_of), territory


def test_backend_switch_answers_the_same_from_the_cli(national, neo4j_loaded):
    def ask(backend):
        env = dict(os.environ, MAILLAGE_DATA_DIR=str(national.data_dir), MAILLAGE_BACKEND=backend,
                   MAILLAGE_NEO4J_URI=neo4j_loaded.neo4j_uri)
        done = subprocess.run([sys.executable, "-m", "cli", "who-covers", "Muret", "--age", "0-12", "--on",
                               "2024-06-01", "--json"], capture_output=True, text=True, env=env, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert ask("embedded") == ask("neo4j")


def _digest(driver, build_id: str) -> tuple[int, int, str]:
    """Counts and a digest of every node's properties and every relationship of one build."""
    nodes, _, _ = driver.execute_query(
        "MATCH (n:Resource {build: $b}) RETURN n.uri AS uri, labels(n) AS labels, properties(n) AS props", b=build_id)
    rels, _, _ = driver.execute_query(
        "MATCH (a:Resource {build: $b})-[r]->(c) RETURN a.uri AS a, type(r) AS t, c.uri AS c", b=build_id)
    h = hashlib.sha256()
    for line in sorted(f"{r['uri']}|{sorted(r['labels'])}|{sorted(r['props'].items())}" for r in nodes):
        h.update(line.encode())
    for line in sorted(f"{r['a']}|{r['t']}|{r['c']}" for r in rels):
        h.update(line.encode())
    return len(nodes), len(rels), h.hexdigest()


def _current(driver) -> str:
    records, _, _ = driver.execute_query("MATCH (:Maillage)-[:CURRENT]->(b:Build) RETURN b.id AS id")
    return records[0]["id"]


def test_loading_twice_changes_nothing(neo4j_loaded):
    with driver_for(neo4j_loaded) as driver:
        build_id = _current(driver)
        before = _digest(driver, build_id)
        pg = load(neo4j_loaded, driver)
        assert pg.build == build_id == _current(driver)
        assert _digest(driver, build_id) == before
        assert before[:2] == (pg.node_count, pg.relationship_count)


@pytest.fixture
def edited(tmp_path, geography_cache, neo4j_loaded):
    """A second data folder whose registry differs from the national one by one name."""
    registry = tmp_path / "registry"
    shutil.copytree(PROJECT_ROOT / "registry", registry)
    path = registry / "31.yaml"
    text = path.read_text()
    assert "ILC Toulouse-Sud (Muretain)" in text
    path.write_text(text.replace("ILC Toulouse-Sud (Muretain)", "ILC Toulouse-Sud (version éditée)"))
    data = tmp_path / "var"
    data.mkdir()
    (data / "cache").symlink_to(geography_cache, target_is_directory=True)
    settings = dataclasses.replace(neo4j_loaded, data_dir=data, registry=registry)
    build(dataclasses.replace(settings, backend="embedded"))  # on the Neo4j backend a build also loads it
    return settings


def _loader(settings) -> subprocess.Popen:
    env = dict(os.environ, MAILLAGE_DATA_DIR=str(settings.data_dir), MAILLAGE_NEO4J_URI=settings.neo4j_uri)
    return subprocess.Popen([sys.executable, "-m", "cli", "load-neo4j"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def test_a_killed_load_leaves_readers_on_the_old_build_and_resumes_identically(edited, neo4j_loaded):
    with driver_for(edited) as driver:
        old = _current(driver)
        new = os.path.basename(os.path.realpath(edited.data_dir / "current"))
        loader = _loader(edited)
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:  # kill it once it has written part of the new build
            count, _, _ = driver.execute_query("MATCH (n:Resource {build: $b}) RETURN count(n) AS n", b=new)
            if count[0]["n"] > 1000:
                break
            time.sleep(0.2)
        loader.send_signal(signal.SIGKILL)
        loader.wait()
        assert _current(driver) == old, "a killed load must not move the current build"
        partial = _digest(driver, new)
        pg = load(edited, driver)  # run again, to the end
        assert _current(driver) == new
        resumed = _digest(driver, new)
        assert resumed[:2] == (pg.node_count, pg.relationship_count)
        assert partial[:2] != resumed[:2], "the kill happened after the load had finished"
        load(edited, driver)  # and a load over a complete build changes nothing
        assert _digest(driver, new) == resumed
        # back to the national build for the other tests
        load(neo4j_loaded, driver)


def test_readers_see_the_old_build_or_the_new_one_never_a_mix(edited, neo4j_loaded):
    graph = open_backend(edited)
    names = {"ILC Toulouse-Sud (Muretain)", "ILC Toulouse-Sud (version éditée)"}
    seen: list[tuple[str, int, int]] = []
    errors: list[BaseException] = []
    done = threading.Event()

    def read():
        try:
            _read()
        except BaseException as err:  # surfaced below: an assertion in a thread would be lost
            errors.append(err)

    def _read():
        with driver_for(edited) as driver:
            while not done.is_set():
                records, _, _ = driver.execute_query(
                    "MATCH (:Maillage)-[:CURRENT]->(b:Build) "
                    "CALL (b) { MATCH (n:Resource {build: b.id}) RETURN count(n) AS nodes } "
                    "RETURN b.id AS id, nodes, b.nodes AS expected")
                seen.append((records[0]["id"], records[0]["nodes"], records[0]["expected"]))
                answer = who_covers(graph, "Muret", ages="0-12", on="2024-06-01")
                assert {c.name for c in answer.instances} & names

    thread = threading.Thread(target=read)
    thread.start()
    deadline = time.monotonic() + 60
    while not seen and not errors and time.monotonic() < deadline:  # an incremental load takes a second
        time.sleep(0.05)
    try:
        with driver_for(edited) as driver:
            load(edited, driver)
            switched_to = _current(driver)
        while not any(s[0] == switched_to for s in seen) and not errors and time.monotonic() < deadline + 60:
            time.sleep(0.05)
    finally:
        done.set()
        thread.join()
    assert not errors, errors
    builds = {build_id for build_id, _, _ in seen}
    assert len(builds) == 2, f"the readers did not see the switch: {builds}"
    assert all(nodes == expected for _, nodes, expected in seen), "a reader saw a partial build"
    answer = who_covers(graph, "Muret", ages="0-12", on="2024-06-01")
    assert "ILC Toulouse-Sud (version éditée)" in {c.name for c in answer.instances}
    graph.close()
    with driver_for(neo4j_loaded) as driver:
        load(neo4j_loaded, driver)


def _dump(driver, build_id: str) -> tuple[list, list]:
    """Every node (IRI, labels, properties but the version's own) and relationship of one version."""
    nodes, _, _ = driver.execute_query(
        "MATCH (n:Resource {build: $b}) RETURN n.uri AS uri, labels(n) AS labels, properties(n) AS props", b=build_id)
    rels, _, _ = driver.execute_query(
        "MATCH (a:Resource {build: $b})-[r]->(c) RETURN a.uri AS a, type(r) AS t, c.uri AS c", b=build_id)
    return (sorted((r["uri"], sorted(r["labels"]), sorted((k, repr(v)) for k, v in r["props"].items()
                                                            if k not in ("key", "build"))) for r in nodes),
            sorted((r["a"], r["t"], r["c"]) for r in rels))


def _edited_graph(pg, build: str, k: int):
    """``pg`` with a property changed, one removed, a node added, one removed (with its relationships),
    a relationship removed, one added, and a node's labels changed."""
    from store.neo4j_graph import PropertyGraph

    nodes = {labels: [(uri, dict(props)) for uri, props in rows] for labels, rows in pg.nodes.items()}
    coverage, props = nodes[("Coverage",)][0]
    props["minAge"] += k
    nodes[("Coverage",)][1][1].pop("note", None)
    nodes.setdefault(("Concept",), []).append((f"https://example.org/new/{k}", {"types": [], "prefLabel": f"n{k}"}))
    seat, _ = nodes[("Seat",)].pop(k)
    moved = nodes[("Derivation",)].pop(k)
    nodes.setdefault(("Concept", "Derivation"), []).append(moved)
    links = {kind: [pair for pair in rows if seat not in pair] for kind, rows in pg.relationships.items()}
    links["WITHIN"].pop(k)
    links.setdefault("RELATED", []).append((f"https://example.org/new/{k}", coverage))
    return PropertyGraph(build, nodes, links)


@NEEDS_NATIONAL_FILES  # its edit moves a seat
def test_an_incremental_load_gives_the_graph_a_full_load_gives(national, neo4j_loaded, tmp_path):
    import pyoxigraph as ox

    from store.builds import current_build
    from store.neo4j_diff import Snapshot
    from store.neo4j_graph import PropertyGraph, to_property_graph
    from store.neo4j_load import write

    live = current_build(national.data_dir)
    pg = to_property_graph(ox.Store.read_only(str(live / "oxigraph")), live.name)
    first, second = _edited_graph(pg, "edit-1", 1), _edited_graph(pg, "edit-2", 2)
    with driver_for(neo4j_loaded) as driver:
        national_slot = _current(driver)
        before = _dump(driver, national_slot)
        assert write(driver, first) == "full"  # no record given: the national version becomes the previous one
        record = Snapshot.of(second)
        (tmp_path / "edit-2").mkdir()
        record.save(tmp_path / "edit-2")
        assert write(driver, second, snapshot=record) == "incremental"  # rewrites the national version
        assert _current(driver) == national_slot
        incremental = _dump(driver, national_slot)
        assert write(driver, PropertyGraph("edit-2-full", second.nodes, second.relationships)) == "full"
        assert incremental == _dump(driver, "edit-2-full")
        assert incremental != before and (len(incremental[0]), len(incremental[1])) == (
            second.node_count, second.relationship_count)
        load(neo4j_loaded, driver)  # back by difference from edit 2, for the other tests
        assert _current(driver) == national_slot
        assert _dump(driver, national_slot) == before


def test_parity_on_provence_alpes_cote_d_azur(backends):
    """The listings' answers (issue 32) agree on both backends: Marseille's CPTS read from its
    arrondissements, Nice's three, the 45 communes without a CPTS, the DAC of an old code's commune."""
    from core import jsonable
    from analysis.ask import gaps_in, overlaps_in

    embedded, graph = backends

    def same(ask, *args, **kwargs):
        a, b = jsonable.plain(ask(embedded, *args, **kwargs)), jsonable.plain(ask(graph, *args, **kwargs))
        assert a == b, (ask.__name__, args, kwargs)
        return a

    marseille = same(who_covers, "Marseille", type="CPTS")
    assert len(marseille["instances"]) == 8
    assert all(c["partial"].startswith("partiel : couvre ") for c in marseille["instances"])
    assert [c["name"] for c in same(who_covers, "13214", type="CPTS")["instances"]] == ["CPTS Actes Santé"]  # decision 0142
    assert not [o for o in same(overlaps_in, "departement:13", type="CPTS")["overlaps"] if "13055" in o["communes"]]
    assert _rows(embedded.run("arrondissement_table")) == _rows(graph.run("arrondissement_table"))
    assert same(who_covers, "13201", type="DAC")["instances"]  # through Marseille, on both backends
    for territory in ("arrondissement:13201", "arrondissement:13214", "commune:13055"):
        same(gaps_in, territory, "CPTS", on="2026-06-01")
    from queries.layer import coverage_layer
    from queries.territories import territories_of

    assert len(same(coverage_layer, "departement", "13", type="CPTS", on="2026-06-01")["arrondissements"]) == 16
    assert same(territories_of, "13214")[0]["level"] == "arrondissement"
    from queries.territories import instances_in

    in_13 = {i["name"] for i in same(instances_in, "departement:13", type="CPTS", on="2026-06-01")}
    assert {c["name"] for c in marseille["instances"]} <= in_13  # found through their arrondissements
    assert [i["name"] for i in same(instances_in, "arrondissement:13214", type="CPTS", on="2026-06-01")] == ["CPTS Actes Santé"]
    assert len(same(who_covers, "Nice", type="CPTS")["instances"]) == 3
    assert [c["name"] for c in same(who_covers, "Aubessagne", type="DAC")["instances"]] == ["DAC Hautes-Alpes"]
    assert len(same(overlaps_in, "departement:06", type="CPTS")["overlaps"]) == 3
    reports = same(gaps_in, "region:93", "CPTS")["reports"]
    assert sum(len(r["communes"]["lacune"]) for r in reports) == 45
