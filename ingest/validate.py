"""SHACL validation with pySHACL, reported where a planner fixes things: file, entry, field, rule.

The national graph is validated in two parts that together cover every node:

* the registry, with the description of every official territory it references (so that "every
  referenced territory exists" holds), validated at every build;
* the official geography, validated once per package version and package source (``store.caches``) and
  remembered in the data folder: the same bytes through the same rules give the same verdict. What is
  validated is what the package says (codes, names, populations, memberships: ``geography.fact_triples``);
  what our code derives from it (``m:nameKey``, the ``m:within`` closure) is tested, not validated.

The rules are SHACL, run by two engines that give the same results. pySHACL, the reference, validates
the geography; two things make it fast enough on 35,000 communes without changing a rule (measured in
``bench/bench_build.py``): the shapes are compiled into an equivalent form (:func:`compiled_shapes`),
and the data graph is an index (``_fastgraph``) of rdflib terms made straight from the package's
tables (``_fact_terms``). The registry, validated at every build, goes through ``shacl_core``: the
SHACL Core subset of the shapes evaluated over the same kind of index, held equal to pySHACL by tests,
with pySHACL taking over for shapes it does not understand (:func:`shacl_results`). On the synthetic
national registry (10,173 instances) pySHACL took minutes there, most of it building the results of
the ``sh:or`` alternatives that fail on the way to the one that holds.

The naive alternative (the whole graph in one rdflib Graph, pySHACL over all of it) is the baseline of
``bench/bench_build.py``.
"""

from __future__ import annotations

import functools
import json
import threading
from itertools import chain
from pathlib import Path

import pyshacl
import pyoxigraph as ox
from rdflib import RDF, RDFS, Graph, URIRef
from rdflib.namespace import SH

from core.errors import Problem
from store.caches import Caches
from .vocabulary import local
from ontology import SHAPES_FILE, VOCABULARY_FILES

from . import geography
from . import shacl_core
from ._fact_terms import fact_terms
from ._fastgraph import graph_from_triples, ntriples_terms
from .geography import Geography
from .registry import RegistryGraph
from .schema import field_of_property
from .shacl_core import Result, path_of

__all__ = ["validate_registry", "registry_data", "referenced_territories", "shacl_results", "text_results", "validation_graph",
           "registry_locator", "geography_stubs", "report_results", "validate_seats", "validate_geography", "compiled_shapes", "vocabulary", "problems_from_report",
           "Results", "shapes_engine"]

# Registry field named by each property (declared in ingest/schema.py), so a report speaks the
# file's words ("ages", not m:minAge).
FIELD_OF = field_of_property()


def vocabulary() -> Graph:
    g = Graph()
    for path in VOCABULARY_FILES:
        g.parse(path)
    return g


def compiled_shapes(shapes: Graph | None = None) -> Graph:
    """The shapes of ``shapes.ttl`` (or ``shapes``, changed in place), with each property shape of a
    targeted node shape given that node shape's targets instead of hanging under it.

    Both forms mean the same (SHACL: a node shape's ``sh:property`` checks each focus node against
    the property shape; a property shape with the same targets checks the same focus nodes), and the
    results carry the same focus node, path, value, message and severity. But pySHACL evaluates
    a nested property shape once per focus node, setting its constraints up again each time
    (35,000 times per rule for the communes), and a targeted one once for all its focus nodes:
    measured 20.7 s against 4.1 s for the national geography. A node shape keeps its property shapes
    wherever moving them would change what they mean (:func:`_movable`); the W3C SHACL Core suite
    holds the two forms equal (``tests/ingest/test_shacl_suite.py``).
    """
    if shapes is None:
        shapes = Graph().parse(SHAPES_FILE)
    for node_shape in set(shapes.subjects(SH.targetClass, None)):
        if not _movable(shapes, node_shape):
            continue
        targets = [(p, o) for p in _TARGET_PREDICATES for o in shapes.objects(node_shape, p)]
        for property_shape in list(shapes.objects(node_shape, SH.property)):
            shapes.remove((node_shape, SH.property, property_shape))
            for p, o in targets:
                shapes.add((property_shape, p, o))
    return shapes


_TARGET_PREDICATES = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)


def _movable(shapes: Graph, node_shape) -> bool:
    """Whether a node shape's property shapes mean the same with its targets as under it: not when
    another shape refers to it (it is checked there too), when it is deactivated (they would run), is
    a class (its implicit targets), is closed (its property shapes name what it allows) or when a
    property shape counts its siblings (``sh:qualifiedValueShapesDisjoint``), nor with targets that
    are not the four of SHACL Core."""
    if (None, None, node_shape) in shapes or (node_shape, SH.deactivated, None) in shapes:
        return False
    if (node_shape, SH.closed, None) in shapes or (node_shape, SH.target, None) in shapes:
        return False
    if any(t == RDFS.Class or (t, RDFS.subClassOf, RDFS.Class) in shapes for t in shapes.objects(node_shape, RDF.type)):
        return False
    return not any((p, SH.qualifiedValueShapesDisjoint, None) in shapes for p in shapes.objects(node_shape, SH.property))


def report_results(report: Graph, shapes: Graph | None = None) -> list[Result]:
    """The top-level results of a pySHACL report: nested ``sh:detail`` results repeat their parent
    in other words. With the ``shapes``, a result whose shape has no ``sh:message`` has none
    (pySHACL writes one of its own, in English: a planner gets a French one from the rule's name)."""
    out = []
    for result in report.objects(None, SH.result):
        component = local(str(report.value(result, SH.sourceConstraintComponent))).removesuffix("ConstraintComponent")
        message = report.value(result, SH.resultMessage)
        if shapes is not None and (report.value(result, SH.sourceShape), SH.message, None) not in shapes:
            message = None
        severity = report.value(result, SH.resultSeverity)  # always given: SHACL requires it
        out.append(Result(report.value(result, SH.focusNode), path_of(report, report.value(result, SH.resultPath)), component,
                          str(message) if message is not None else None, report.value(result, SH.value),
                          severity if isinstance(severity, URIRef) else SH.Violation))
    return out


def problems_from_results(results: list[Result], locate) -> list[Problem]:
    """Turn SHACL results into problems; ``locate(focus)`` gives (file, entry, field prefix)."""
    problems = []
    for focus, path, component, message, value, _ in results:
        file, entry, prefix = locate(focus)
        name = ("" if path is None else FIELD_OF.get(path, _path_text(path)) if isinstance(path, URIRef)
                else _path_text(path))  # a path expression names no field of the schema
        field = ".".join(part for part in (prefix, name) if part)
        message = message or f"règle SHACL {component} non respectée"
        if value is not None and not isinstance(value, URIRef):
            message += f" (valeur : « {value} »)"
        elif isinstance(value, URIRef) and component in ("Class", "Or", "Node"):
            message += f" (« {local(str(value))} »)"
        rule = f"{component} {_path_text(path)}" if path is not None else component
        problems.append(Problem(file, entry, field, rule, message))
    return sorted(set(problems), key=lambda p: (p.file, p.entry, p.field, p.rule))


def _path_text(path) -> str:
    """A path as a report names it: a property's local name, an expression in SPARQL's notation."""
    if isinstance(path, tuple):
        operator, *inner = path
        if operator in ("/", "|"):
            return "(" + operator.join(_path_text(p) for p in inner) + ")"
        return f"^{_path_text(inner[0])}" if operator == "^" else f"{_path_text(inner[0])}{operator}"
    return local(str(path))


def problems_from_report(report: Graph, locate, shapes: Graph | None = None) -> list[Problem]:
    """Turn a pySHACL results graph into problems; ``locate(focus)`` gives (file, entry, field prefix)."""
    return problems_from_results(report_results(report, shapes), locate)


class Results(list):
    """Validation results, and which engine gave them (``engine``: "shacl_core" or "pySHACL") and
    why pySHACL did (``why``: what the shapes or the data hold that the fast evaluator does not do)."""

    engine = "shacl_core"
    why = ""


def shacl_results(data: Graph, shapes: Graph | None = None) -> Results:
    """Every top-level result of validating ``data``, an index graph (``_fastgraph``), with the
    project's shapes (or ``shapes``, compiled by :func:`compiled_shapes`).

    The SHACL Core subset ``shacl_core`` evaluates exactly is evaluated there, equal to pySHACL and
    far faster on the registry; anything else it refuses (``Unsupported``: another constraint, a
    path expression…), and pySHACL validates the whole graph instead. The answer says which did."""
    try:
        if shapes is None:
            program, why = _project_program()
            if program is not None:
                with _RUNNING:
                    return Results(shacl_core.results(program, data))
        else:
            return Results(shacl_core.results(shacl_core.compile_shapes(shapes), data))
    except shacl_core.Unsupported as refused:  # a failing shape with two messages is found running
        why = str(refused)
    shapes = compiled_shapes() if shapes is None else shapes
    conforms, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none")
    out = Results([] if conforms else report_results(report, shapes))
    out.engine, out.why = "pySHACL", why
    return out


def shapes_engine() -> tuple[str, str]:
    """Which engine the project's shapes go to ("shacl_core" or "pySHACL") and, for pySHACL, what
    in them the fast evaluator refuses: what the build says before validating the registry."""
    program, why = _project_program()
    return ("shacl_core", "") if program is not None else ("pySHACL", why)


#: one run of the project's compiled shapes at a time: a program holds the data it runs over
_RUNNING = threading.Lock()


def _project_program() -> tuple[shacl_core._Program | None, str]:
    """The project's shapes (``SHAPES_FILE``) compiled for ``shacl_core``, or None and why it refuses
    them; read once per content of the file: a build asked three times, and each read of the Turtle
    and compilation took a fifth of a second, the most of a small registry's refused build."""
    return _program_of(str(SHAPES_FILE), SHAPES_FILE.read_bytes())


@functools.lru_cache(maxsize=8)
def _program_of(path: str, text: bytes) -> tuple[shacl_core._Program | None, str]:
    shapes = compiled_shapes(Graph().parse(data=text, format="turtle", publicID=Path(path).as_uri()))
    try:
        return shacl_core.compile_shapes(shapes), ""
    except shacl_core.Unsupported as refused:
        return None, str(refused)


def referenced_territories(reg: RegistryGraph, geo: Geography) -> list[str]:
    """The N-Triples of the geography's source and of each official territory the registry names,
    with its département, région and EPCI (what their shapes require to exist)."""
    return geography_stubs(geo, reg.referenced)


def registry_data(reg: RegistryGraph, geo: Geography) -> Graph:
    """The graph the registry is validated as: its triples, the vocabulary, and the description of
    each official territory it references (:func:`referenced_territories`)."""
    around = ntriples_terms(_vocabulary_ntriples() + "".join(referenced_territories(reg, geo)))
    # The registry's graph is an index already, its triples distinct; what is added around it is
    # checked against it (a source of the geography the registry also declares is one triple).
    return graph_from_triples(chain(reg.graph, (t for t in around if t not in reg.graph)))


def validate_registry(reg: RegistryGraph, geo: Geography) -> list[Problem]:
    """Validate the whole registry at once with the description of each official territory it
    references: the reference that validating file by file (``ingest.file_verdicts``) equals."""
    results = shacl_results(registry_data(reg, geo))
    return problems_from_results(results, registry_locator(reg)) if results else []


def registry_locator(reg: RegistryGraph):
    """Where a focus node of the registry's validation was written (a territory's: « géographie »)."""
    def locate(focus):
        where = reg.where.get(str(focus))
        if where is None:
            return ("géographie", local(str(focus)), "")
        return (where.file, where.entry, where.field)
    return locate


def geography_stubs(geo: Geography, referenced) -> list[str]:
    """The geography's source and each official territory of ``referenced`` (kind, code) with its
    parents, once each: what the shapes must see of the geography (a territory that does not exist
    is left out: the shapes report "territoire inconnu")."""
    stubs: list[str] = list(geography.source_triples(geo))
    seen: set[tuple[str, str]] = set()
    for kind, code in sorted(referenced):
        if not geo.exists(kind, code):
            continue
        for k, c in _with_parents(geo, kind, code):
            if (k, c) not in seen:
                seen.add((k, c))
                stubs.extend(geography.node_triples(geo, k, c))
    return stubs


def validation_graph(ntriples: str) -> Graph:
    """The graph N-Triples are validated as: them and the vocabulary."""
    return graph_from_triples(ntriples_terms(ntriples + _vocabulary_ntriples()))


def text_results(ntriples: str) -> list[Result]:
    """The results of validating N-Triples with the vocabulary (:func:`shacl_results`), [] when they
    conform; runs in a worker process as well."""
    return shacl_results(validation_graph(ntriples))


@functools.lru_cache(maxsize=1)
def _vocabulary_ntriples() -> str:
    """The vocabulary's triples as N-Triples, parsed by Oxigraph (the same triples as rdflib's parse,
    in a twentieth of the time: each worker process and each rebuild pays it once)."""
    return "".join((ox.serialize(ox.parse(path=path, format=ox.RdfFormat.TURTLE), format=ox.RdfFormat.N_TRIPLES) or b"").decode()
                   for path in VOCABULARY_FILES)


def validate_seats(text: str, communes: set[str], geo: Geography, caches: Caches | None, locate) -> list[Problem]:
    """Validate the N-Triples of a national file's seats with the description of their communes.

    The verdict is remembered in ``caches`` by the triples and the geography (``seat-verdicts``), as
    the geography's is: a national file changes monthly at most, and validating its 2,845 France
    services sites costs seconds at every build otherwise. ``locate(focus)`` gives (file, entry,
    field) for a report.
    """
    key = caches.key("seat-verdicts", text, geo.version, geo.checksums) if caches is not None else ""
    if caches is not None and caches.path("seat-verdicts", key).exists():
        return []
    stubs = geography_stubs(geo, {("commune", code) for code in communes})
    results = text_results(text + "".join(stubs))
    if results:
        return problems_from_results(results, locate)
    if caches is not None:
        caches.write("seat-verdicts", key, b"ok\n")
    return []


def _with_parents(geo: Geography, kind: str, code: str):
    """A territory and the ones its shape requires to exist (its département and région; an
    arrondissement's commune)."""
    if kind == "arrondissement":
        yield kind, code
        kind, code = "commune", geo.arrondissements[code].commune
    yield kind, code
    if kind == "commune":
        c = geo.communes[code]
        yield "departement", c.departement
        yield "region", c.region
        if c.epci:
            yield "epci", c.epci
    elif kind == "departement":
        yield "region", geo.departements[code][1]


def validate_geography(geo: Geography, caches: Caches | None) -> list[Problem]:
    """Validate every official territory, unless this exact geography already passed these rules
    (its verdict remembered in ``caches``: ``geography-verdicts``)."""
    key = caches.key("geography-verdicts", geo.version, geo.checksums) if caches is not None else ""
    if caches is not None and caches.path("geography-verdicts", key).exists():
        return []
    # The vocabulary's subjects are classes and concepts, never territories: both parts are distinct.
    data = graph_from_triples(chain(fact_terms(geo), ntriples_terms(_vocabulary_ntriples())))
    shapes = compiled_shapes()
    conforms, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none")
    if not conforms:
        label = f"@etalab/decoupage-administratif@{geo.version}"
        return problems_from_report(report, lambda focus: (label, local(str(focus)), ""), shapes)
    if caches is not None:
        caches.write("geography-verdicts", key, json.dumps({"version": geo.version, "checksums": geo.checksums},
                                                           indent=1).encode())
    return []
