"""Maillage's SHACL Core evaluator gives exactly pySHACL's results (focus node, path, constraint,
message, value), on the real registry, on small graphs with one known fault each, and on hundreds of
graphs broken at random triple by triple; shapes it does not understand go to pySHACL."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest
from national_files import NEEDS_NATIONAL_FILES
from rdflib import RDF, XSD, Graph, Literal, URIRef
from rdflib.namespace import SH

from ingest import csv_import, geography, shacl_core
from ingest._fastgraph import graph_from_triples
from ingest.registry import read_registry
from ingest.validate import compiled_shapes, registry_data, shacl_results
from ingest.vocabulary import M, iri
from shacl_equal import both_engines

pytestmark = pytest.mark.equivalence


@pytest.fixture(scope="module")
def geo(small_shared):
    return geography.load(small_shared.geography)


@pytest.fixture(scope="module")
def national_geo(national):
    return geography.load(national.geography)


@pytest.fixture(scope="module")
def small_triples(small_shared, geo) -> list[tuple]:
    reg = read_registry(small_shared.registry, geo, csv_import.read_folder(small_shared.registry), small_shared.documents)
    assert not reg.problems
    # in a fixed order: the random mutations pick triples by position (a set's order changes with
    # each process's hash seed; blank nodes, the vocabulary's, sort by their labels, which do too)
    return sorted(registry_data(reg, geo), key=lambda t: tuple(term.n3() for term in t))


def test_the_real_registry_gives_the_same_results(national, national_geo):
    geo = national_geo
    reg = read_registry(national.registry, geo, csv_import.read_folder(national.registry), national.documents)
    ours, reference = both_engines(registry_data(reg, geo))
    assert ours == reference


def _without(triples, drop) -> list[tuple]:
    return [t for t in triples if t not in drop]


def test_one_known_fault_each(small_triples):
    coverage = next(s for s, p, o in small_triples if p == RDF.type and o == M.Coverage)
    instance = next(s for s, p, o in small_triples if p == M.hasCoverage)
    min_age = next(t for t in small_triples if t[0] == coverage and t[1] == M.minAge)
    territory = next(t for t in small_triples if t[0] == coverage and t[1] == M.territory)
    cases = {
        "ages reversed": (_without(small_triples, {min_age}) + [(coverage, M.minAge, Literal(200))],
                          {("MaxInclusive", M.minAge), ("LessThanOrEquals", M.minAge)}),
        "unknown territory": (_without(small_triples, {territory}) + [(coverage, M.territory, URIRef(iri("commune", "99999")))],
                              {("Or", M.territory)}),
        "two territories": (small_triples + [(coverage, M.territory, URIRef(iri("commune", "31395")))], {("MaxCount", M.territory)}),
        "no coverage": (_without(small_triples, {t for t in small_triples if t[0] == instance and t[1] == M.hasCoverage}),
                        {("MinCount", M.hasCoverage)}),
    }
    for name, (triples, expected) in cases.items():
        ours, reference = both_engines(graph_from_triples(set(triples)))
        assert ours == reference, name
        assert expected <= {(r.component, r.path) for r in ours}, name


def _pool(triples) -> list:
    nodes = sorted({s for s, _, _ in triples if isinstance(s, URIRef)}, key=str)
    classes = sorted({o for _, p, o in triples if p == RDF.type}, key=str)
    return nodes[:40] + classes + [
        Literal("abc"), Literal(""), Literal("x", lang="fr"), Literal(-5), Literal(130), Literal(12),
        Literal(Decimal("3.5")), Literal(dt.date(2024, 1, 1)), Literal(dt.date(1990, 6, 1)),
        Literal("2024-13-01", datatype=XSD.date), Literal("douze", datatype=XSD.integer), Literal(True),
        Literal("P2Y", datatype=XSD.duration), URIRef(iri("commune", "99999")), URIRef("https://example.org/x"),
    ]


def _mutated(triples: list[tuple], pool: list, rng: random.Random) -> set[tuple]:
    out = list(triples)
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(len(out))
        s, p, o = out[i]
        how = rng.choice(("drop", "replace", "add", "retype"))
        if how == "drop":
            out.pop(i)
        elif how == "replace":
            out[i] = (s, p, rng.choice(pool))
        elif how == "add":
            out.append((s, p, rng.choice(pool)))
        else:
            out.append((s, RDF.type, rng.choice([c for c in pool if isinstance(c, URIRef)])))
    return set(out)


def test_graphs_broken_at_random_give_the_same_results(small_triples):
    rng = random.Random(2026)
    pool = _pool(small_triples)
    faulty, components = 0, set()
    for example in range(150):
        data = graph_from_triples(_mutated(small_triples, pool, rng))
        ours, reference = both_engines(data)
        assert ours == reference, f"example {example}: only ours {ours - reference}, only pySHACL {reference - ours}"
        faulty += bool(ours)
        components |= {r.component for r in ours}
    assert faulty >= 60  # the mutations do break rules, most of them
    assert len(components) >= 8


def test_shapes_it_does_not_understand_go_to_pyshacl(small_triples, monkeypatch, tmp_path):
    shapes = compiled_shapes()
    shapes.add((URIRef("https://w3id.org/maillage/shapes#CoverageShape"), SH.closed, Literal(True)))
    with pytest.raises(shacl_core.Unsupported):
        shacl_core.compile_shapes(shapes)
    import ingest.validate as validate

    # the shapes file changed (the project's compiled shapes are kept per content of the file)
    changed = tmp_path / "shapes.ttl"
    changed.write_text(shapes.serialize(format="turtle"), encoding="utf-8")
    monkeypatch.setattr(validate, "SHAPES_FILE", changed)
    results = shacl_results(graph_from_triples(set(small_triples)))
    assert any(r.component == "Closed" for r in results)  # pySHACL ran: this engine has no sh:closed


def test_a_path_expression_is_not_understood():
    shapes = Graph().parse(data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <https://example.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ;
            sh:property [ sh:path [ sh:inversePath ex:p ] ; sh:minCount 1 ; sh:message "m" ] .
    """, format="turtle")
    with pytest.raises(shacl_core.Unsupported):
        shacl_core.compile_shapes(shapes)


def _seats_data(national, geo, text: str, communes: set[str]):
    from ingest._fastgraph import ntriples_terms
    from ingest.validate import _vocabulary_ntriples, geography_stubs

    stubs = geography_stubs(geo, {("commune", code) for code in communes})
    return graph_from_triples(ntriples_terms(text + "".join(stubs) + _vocabulary_ntriples()))


@NEEDS_NATIONAL_FILES
def test_the_national_seats_give_the_same_results(national, national_geo):
    """The seats of the national files (France services, FINESS) as the build validates them, and
    the same with one seat broken: both engines agree."""
    from ingest import national_sources, seats

    geo = national_geo
    checked = 0
    described, problems = national_sources.sources()
    assert described and problems == []
    for source in described:
        desc = source.description
        path, digest, problem = seats.file_of(desc, national.documents)
        if path is None:
            continue
        read = source.read(desc, path, digest, geo)
        text = seats.seat_triples(read)
        communes = {s.commune for s in read.seats}
        ours, reference = both_engines(_seats_data(national, geo, text, communes))
        assert ours == reference == set()
        first = next(line for line in text.splitlines() if line.endswith(f"<{M.Seat}> .")).split(" ", 1)[0]
        broken = "".join(line + "\n" for line in text.splitlines() if not line.startswith(first))
        broken += f"{first} <{RDF.type}> <{M.Seat}> .\n{first} <{M.commune}> <{iri('commune', '99999')}> .\n"
        ours, reference = both_engines(_seats_data(national, geo, broken, communes))
        assert ours == reference and ours
        checked += 1
    assert checked == 2
