"""The SHACL Core constraints Maillage's shapes use, evaluated over the build's index graph.

pySHACL is the reference engine, and stays the one that validates the geography and any shapes file
this module does not fully understand. For the registry it was the build's largest cost: about
10,000 instances took 160 s, nearly all of it in what pySHACL does per value node around the rule
itself: every alternative of an ``sh:or`` (the five kinds of territory a coverage may name, excerpt
or paraphrase of each citation, actor or function of each role) is a nested validation that builds,
when it fails (as all but one do), a full result with its text. Here the shapes are read once into
plain checks, and a nested shape is asked only whether it conforms.

What it evaluates is a SHACL Core subset, exactly: the four targets (``sh:targetClass`` with
``rdfs:subClassOf``, ``sh:targetNode``, ``sh:targetSubjectsOf``, ``sh:targetObjectsOf``) and the
implicit one of a shape that is a class, property shapes whose path is one predicate (their own
``sh:property`` checking each value), ``sh:severity``, ``sh:deactivated``, and ``sh:minCount``,
``sh:maxCount``, ``sh:class``, ``sh:datatype``, ``sh:nodeKind``, ``sh:pattern`` (``sh:flags``),
``sh:minLength``, ``sh:maxLength``, ``sh:in``, ``sh:hasValue``, the four ranges,
``sh:lessThanOrEquals``, ``sh:node``, ``sh:property``, ``sh:not``, ``sh:and``, ``sh:or``, ``sh:xone``.
Anything else in the shapes (another constraint such as ``sh:closed`` or ``sh:equals``, a path
expression, SHACL-SPARQL or SHACL-AF, a failing shape with two messages) raises
:class:`Unsupported`, never a silent skip, and the caller runs pySHACL instead. Where the
recommendation leaves a choice (how literals compare, which literal is ill-typed, how a value reads
as a string), pySHACL's is followed, so that both engines give the same results:
``tests/ingest/test_shacl_core.py`` holds them equal on the real registry, synthetic régions and the
bad-input corpus, and ``tests/ingest/test_shacl_suite.py`` holds this module to the W3C SHACL Core
test suite (every case it does not refuse, right).

Reference: W3C, *Shapes Constraint Language (SHACL)*, Recommendation 2017-07-20, §2-4.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import NamedTuple

from pyshacl.rdfutil.compare import compare_literal
from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, URIRef
from rdflib.namespace import SH

__all__ = ["Result", "Unsupported", "compile_shapes", "results", "path_of"]


class Unsupported(Exception):
    """The shapes use something this module does not evaluate exactly: validate them with pySHACL."""


class Result(NamedTuple):
    """One validation result, as pySHACL reports it at the top level."""

    focus: object
    path: object  #: the property shape's path: an IRI, a path expression (:func:`path_of`) or None
    component: str  #: the constraint component's local name without its suffix: "MinCount"
    message: str | None  #: the shape's ``sh:message``, None when it has none
    value: object | None
    severity: URIRef = SH.Violation


#: what a shape node may say besides its constraints (SHACL: non-validating properties)
_DESCRIPTIVE = {SH.message, SH.name, SH.description, SH.order, SH.group, SH.defaultValue}
_TARGETS = {SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf}
#: what makes a node a shape when it is the object of a triple (SHACL §2.1: shape-expecting parameters)
_SHAPE_VALUED = (SH.node, SH.property, SH["not"], SH.qualifiedValueShape)
_SHAPE_LISTS = (SH["and"], SH["or"], SH.xone)
#: a shapes graph holding any of these defines its own constraints or targets (SHACL-SPARQL, SHACL-AF)
_EXTENSIONS = (SH.ConstraintComponent, SH.SPARQLConstraint, SH.SPARQLTarget, SH.SPARQLTargetType, SH.JSConstraint)
_STRINGS = (None, RDF.langString, XSD.string)


def path_of(graph: Graph, node):
    """A property path as a plain value, equal whatever graph it comes from: an IRI as itself, an
    expression as nested tuples ``("^", p)``, ``("/", p, q)``, ``("|", p, q)``, ``("*", p)``,
    ``("+", p)``, ``("?", p)`` (SPARQL's notation); a node of no known form is returned as is."""
    if not isinstance(node, BNode):
        return node
    if graph.value(node, RDF.first) is not None:
        return ("/", *(path_of(graph, n) for n in graph.items(node)))
    for predicate, operator in ((SH.inversePath, "^"), (SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"),
                                (SH.zeroOrOnePath, "?")):
        inner = graph.value(node, predicate)
        if inner is not None:
            return (operator, path_of(graph, inner))
    alternatives = graph.value(node, SH.alternativePath)
    if alternatives is not None:
        return ("|", *(path_of(graph, n) for n in graph.items(alternatives)))
    return node


# A check takes (focus, value nodes) and yields (component, value) for each failure.
Check = Callable[[object, list], Iterator[tuple[str, object]]]


class _Shape:
    def __init__(self, node, path: URIRef | None, messages: list[str], severity) -> None:
        self.node, self.path, self.severity = node, path, severity
        self.messages = messages
        self.checks: list[Check] = []
        self.properties: list[_Shape] = []

    @property
    def message(self) -> str | None:
        """The shape's message; two or more (one per language) are not one result's message."""
        if len(self.messages) > 1:
            raise Unsupported(f"forme à plusieurs messages : {self.node}")
        return self.messages[0] if self.messages else None


class _Program:
    """Compiled shapes over one data graph."""

    def __init__(self, shapes: Graph) -> None:
        self.sg = shapes
        self.compiled: dict = {}
        self.targeted: list[tuple[_Shape, list]] = []
        self.data = None

    # --- reading the shapes -------------------------------------------------------------------

    def shape(self, node) -> _Shape:
        if node in self.compiled:
            return self.compiled[node]
        sg = self.sg
        if isinstance(node, Literal):
            raise Unsupported(f"forme littérale : {node}")
        paths = [p for p in sg.objects(node, SH.path) if isinstance(p, URIRef)]
        if len(paths) != len(list(sg.objects(node, SH.path))) or len(paths) > 1:
            raise Unsupported(f"chemin non pris en charge sur {node}")
        severities = [s for s in sg.objects(node, SH.severity) if isinstance(s, URIRef)]
        if len(severities) != len(list(sg.objects(node, SH.severity))) or len(severities) > 1:
            raise Unsupported(f"sévérité non prise en charge sur {node}")
        shape = _Shape(node, paths[0] if paths else None, [str(m) for m in sg.objects(node, SH.message)],
                       severities[0] if severities else SH.Violation)
        self.compiled[node] = shape
        if _deactivated(sg, node):
            return shape  # every node conforms to it, and it is never a target's shape
        for p in set(sg.predicates(node, None)):
            if not isinstance(p, URIRef) or not p.startswith(str(SH)) or p in _DESCRIPTIVE or p in _TARGETS or p in (SH.path, SH.severity, SH.deactivated):
                continue  # outside SHACL's namespace, a triple means nothing to SHACL Core
            values = list(sg.objects(node, p))
            if p == SH.property:
                for v in values:
                    inner = self.shape(v)
                    if inner.path is None:
                        raise Unsupported(f"sh:property vers une forme sans chemin : {v}")
                    shape.properties.append(inner)
                continue
            build = _BUILDERS.get(p)
            if build is None:
                raise Unsupported(f"contrainte non prise en charge : {p}")
            if len(values) != 1 and p not in (SH["in"], SH["or"], SH["and"], SH.xone, SH["not"], SH["class"], SH.node,
                                              SH.hasValue):
                raise Unsupported(f"{p} répété sur {node}")
            for v in values:
                shape.checks.append(build(self, shape, v))
        return shape

    def targets(self, node) -> list:
        found = [(p, o) for p in _TARGETS for o in self.sg.objects(node, p)]
        if _is_class(self.sg, node):  # SHACL §2.1.3.3: a shape that is a class targets its instances
            found.append((SH.targetClass, node))
        return found

    # --- the data -----------------------------------------------------------------------------

    def objects(self, s, p) -> list:
        return self.index.spo.get(s, _NONE).get(str(p), _EMPTY)

    def is_instance(self, v, cls) -> bool:
        if isinstance(v, Literal):
            return False
        return any(cls in self.superclasses(t) for t in self.objects(v, RDF.type))

    def superclasses(self, cls) -> set:
        """``cls`` and every class it is a subclass of (pySHACL's ``transitive_objects``)."""
        found = self._supers.get(cls)
        if found is None:
            found, todo = {cls}, [cls]
            while todo:
                for sup in self.objects(todo.pop(), RDFS.subClassOf):
                    if sup not in found:
                        found.add(sup)
                        todo.append(sup)
            self._supers[cls] = found
        return found

    def focus_nodes(self, targets) -> list:
        index, seen, out = self.index, set(), []
        for kind, o in targets:
            key = str(o)
            if kind == SH.targetNode:
                found = [o]  # a focus node whether or not the data mentions it
            elif kind == SH.targetClass:
                types = index.pos.get(str(RDF.type), _NONE)
                found = [s for t, subjects in types.items() if o in self.superclasses(t) for s in subjects]
            elif kind == SH.targetSubjectsOf:
                found = [s for subjects in index.pos.get(key, _NONE).values() for s in subjects]
                found += [s for s, _ in index.ps_literal.get(key, ())]
            else:
                found = list(index.pos.get(key, _NONE)) + [v for _, v in index.ps_literal.get(key, ())]
            for node in found:
                if node not in seen:
                    seen.add(node)
                    out.append(node)
        return out

    # --- evaluating ---------------------------------------------------------------------------

    def failures(self, shape: _Shape, focus) -> Iterator[tuple[_Shape, object, str, object]]:
        """(shape that failed, its focus node, component, value) for each failure of ``focus``
        against ``shape``: a property shape's own property shapes check each of its values."""
        values = _distinct(self.objects(focus, shape.path)) if shape.path is not None else [focus]
        for check in shape.checks:
            for component, value in check(focus, values):
                yield shape, focus, component, value
        for prop in shape.properties:
            for v in values:
                yield from self.failures(prop, v)

    def conforms(self, shape: _Shape, focus) -> bool:
        return next(iter(self.failures(shape, focus)), None) is None

    def run(self, index) -> list[Result]:
        self.index = index
        self._supers: dict = {}
        out = []
        try:
            for shape, targets in self.targeted:
                for focus in self.focus_nodes(targets):
                    for failed, node, component, value in self.failures(shape, focus):
                        out.append(Result(node, failed.path, component, failed.message, value, failed.severity))
        finally:  # a program kept for the next build holds no data of this one
            self.index, self._supers = None, {}
        return out


def _deactivated(sg: Graph, node) -> bool:
    flags = list(sg.objects(node, SH.deactivated))
    if not flags:
        return False
    if len(flags) > 1 or not isinstance(flags[0], Literal) or flags[0].datatype != XSD.boolean \
            or str(flags[0]) not in ("true", "false"):
        raise Unsupported(f"sh:deactivated d'une valeur non prise en charge sur {node}")
    return str(flags[0]) == "true"


def _is_class(sg: Graph, node) -> bool:
    """pySHACL's reading of "a SHACL instance of rdfs:Class": typed rdfs:Class, or a class declared
    in the shapes graph a direct subclass of it."""
    classes = {RDFS.Class, *sg.subjects(RDFS.subClassOf, RDFS.Class)}
    return any(t in classes for t in sg.objects(node, RDF.type))


_NONE: dict = {}
_EMPTY: list = []


def _distinct(values: list) -> list:
    return values if len(values) < 2 else list(dict.fromkeys(values))


def _literal(node, v) -> Literal:
    if not isinstance(v, Literal):
        raise Unsupported(f"paramètre non littéral sur {node}")
    return v


def _min_count(program, shape, n):
    n = _literal(shape.node, n).value

    def check(focus, values):
        if len(values) < n:
            yield "MinCount", None
    return check


def _max_count(program, shape, n):
    n = _literal(shape.node, n).value

    def check(focus, values):
        if len(values) > n:
            yield "MaxCount", None
    return check


def _class(program, shape, cls):
    def check(focus, values):
        for v in values:
            if not program.is_instance(v, cls):
                yield "Class", v
    return check


def _datatype_matches(v, rule) -> bool:
    # pySHACL's reading of "a literal with that datatype, not ill-typed".
    if not isinstance(v, Literal):
        return False
    if v.datatype == rule:
        if getattr(v, "ill_typed", None) is True:
            return False
        return _value_fits(v.value, rule)
    if rule == RDFS.Literal:
        return True
    if rule == RDFS.Datatype and v.datatype:
        return True
    if v.datatype is None and v.language is None and rule == XSD.string:
        return _value_fits(v.value, rule)
    if rule == RDF.langString and v.language:
        return _value_fits(v.value, rule)
    return False


_VALUE_TYPES: dict[URIRef, type | tuple[type, ...]] = {XSD.string: (str, bytes), RDF.langString: (str, bytes), XSD.integer: int, XSD.float: float,
                XSD.decimal: Decimal, XSD.boolean: bool, XSD.date: dt.date, XSD.time: dt.time, XSD.dateTime: dt.datetime}


def _value_fits(value, rule) -> bool:
    kind = _VALUE_TYPES.get(rule)
    return True if kind is None else isinstance(value, kind)


def _datatype(program, shape, rule):
    def check(focus, values):
        for v in values:
            if not _datatype_matches(v, rule):
                yield "Datatype", v
    return check


def _as_string(v) -> str:
    if isinstance(v, Literal) and v.value is not None and v.datatype in _STRINGS:
        return str(v.value)
    return str(v)


def _pattern(program, shape, pattern):
    flags = program.sg.value(shape.node, SH.flags)
    re_flags = 0
    for letter, flag in (("i", re.IGNORECASE), ("m", re.MULTILINE), ("s", re.DOTALL), ("x", re.VERBOSE)):
        if flags is not None and letter in str(flags).lower():
            re_flags |= flag
    matcher = re.compile(str(pattern), re_flags)

    def check(focus, values):
        for v in values:
            if isinstance(v, BNode) or not matcher.search(_as_string(v)):
                yield "Pattern", v
    return check


def _length(component: str, passes: Callable[[int, int], bool]):
    def build(program, shape, n):
        n = _literal(shape.node, n).value

        def check(focus, values):
            for v in values:
                if component == "MinLength" and n == 0:
                    continue  # as pySHACL: a blank node has length 0 too
                if isinstance(v, BNode) or not passes(len(_as_string(v)), n):
                    yield component, v
        return check
    return build


_KINDS = {SH.IRI: (URIRef,), SH.BlankNode: (BNode,), SH.Literal: (Literal,), SH.BlankNodeOrIRI: (BNode, URIRef),
          SH.BlankNodeOrLiteral: (BNode, Literal), SH.IRIOrLiteral: (URIRef, Literal)}


def _node_kind(program, shape, kind):
    if kind not in _KINDS:
        raise Unsupported(f"sh:nodeKind inconnu sur {shape.node}")
    kinds = _KINDS[kind]

    def check(focus, values):
        for v in values:
            if not isinstance(v, kinds):
                yield "NodeKind", v
    return check


def _in(program, shape, head):
    allowed = list(program.sg.items(head))

    def check(focus, values):
        for v in values:
            if v not in allowed:
                yield "In", v
    return check


def _has_value(program, shape, wanted):
    def check(focus, values):
        if wanted not in values:
            yield "HasValue", None
    return check


def _range(component: str, passes: Callable[[int], bool]):
    def build(program, shape, bound):
        bound = _literal(shape.node, bound)
        bound_is_string = isinstance(bound.value, str)

        def check(focus, values):
            for v in values:
                ok = False
                if isinstance(v, Literal) and isinstance(v.value, str) == bound_is_string:
                    try:
                        ok = passes(compare_literal(v, bound))
                    except (TypeError, NotImplementedError):
                        ok = False
                if not ok:
                    yield component, v
        return check
    return build


def _comparable(node) -> tuple[object, bool]:
    """A value as pySHACL's ``sh:lessThanOrEquals`` compares it, and whether it compares as text."""
    if isinstance(node, URIRef):
        return str(node), True
    if isinstance(node, Literal) and isinstance(node.value, str):
        return node.value, True
    return node, False


def _less_than_or_equals(program, shape, other):
    if not isinstance(other, URIRef):
        raise Unsupported(f"sh:lessThanOrEquals sans IRI sur {shape.node}")

    def check(focus, values):
        for v in values:
            if isinstance(v, BNode):
                raise Unsupported("sh:lessThanOrEquals sur un nœud anonyme")
            left, left_text = _comparable(v)
            for w in program.objects(focus, other):
                if isinstance(w, BNode):
                    raise Unsupported("sh:lessThanOrEquals sur un nœud anonyme")
                right, right_text = _comparable(w)
                if left_text != right_text or not left <= right:
                    yield "LessThanOrEquals", v
    return check


def _node(program, shape, target):
    inner = program.shape(target)

    def check(focus, values):
        for v in values:
            if not program.conforms(inner, v):
                yield "Node", v
    return check


def _not(program, shape, target):
    inner = program.shape(target)

    def check(focus, values):
        for v in values:
            if program.conforms(inner, v):
                yield "Not", v
    return check


def _logical(component: str, accepts: Callable[[int, int], bool]):
    def build(program, shape, head):
        members = [program.shape(m) for m in program.sg.items(head)]

        def check(focus, values):
            for v in values:
                if not accepts(sum(1 for m in members if program.conforms(m, v)), len(members)):
                    yield component, v
        return check
    return build


_BUILDERS = {
    SH.minCount: _min_count, SH.maxCount: _max_count, SH["class"]: _class, SH.datatype: _datatype,
    SH.pattern: _pattern, SH.flags: lambda program, shape, v: (lambda focus, values: iter(())),
    SH.minLength: _length("MinLength", lambda length, n: length >= n),
    SH.maxLength: _length("MaxLength", lambda length, n: length <= n), SH["in"]: _in, SH.hasValue: _has_value,
    SH.minInclusive: _range("MinInclusive", lambda order: order >= 0),
    SH.maxInclusive: _range("MaxInclusive", lambda order: order <= 0),
    SH.minExclusive: _range("MinExclusive", lambda order: order > 0),
    SH.maxExclusive: _range("MaxExclusive", lambda order: order < 0),
    SH.nodeKind: _node_kind, SH.lessThanOrEquals: _less_than_or_equals, SH.node: _node, SH["not"]: _not,
    SH["or"]: _logical("Or", lambda passed, total: passed >= 1),
    SH["and"]: _logical("And", lambda passed, total: passed == total),
    SH.xone: _logical("Xone", lambda passed, total: passed == 1),
}


def compile_shapes(shapes: Graph) -> _Program:
    """The shapes of ``shapes`` (as :func:`validate.compiled_shapes` gives them), ready to run;
    :class:`Unsupported` if they use what this module does not evaluate exactly."""
    for kind in _EXTENSIONS:
        if (None, RDF.type, kind) in shapes:
            raise Unsupported(f"extension de SHACL : {kind}")
    for p in (SH.target, SH.sparql, SH.rule, SH.parameter, SH.js, SH.shapesGraph):
        if (None, p, None) in shapes:
            raise Unsupported(f"extension de SHACL : {p}")
    program = _Program(shapes)
    for node in sorted(_shape_nodes(shapes), key=str):
        shape = program.shape(node)  # every shape is read, so what it says is known to be supported
        targets = program.targets(node)
        if targets and not _deactivated(shapes, node):
            program.targeted.append((shape, targets))
    return program


def _shape_nodes(sg: Graph) -> set:
    """The shapes of a shapes graph, as pySHACL finds them: typed, targeted, holding or named by a
    shape-expecting parameter (SHACL §2.1)."""
    nodes = set(sg.subjects(RDF.type, SH.NodeShape)) | set(sg.subjects(RDF.type, SH.PropertyShape))
    for p in (*_TARGETS, SH.property, SH.node):
        nodes.update(sg.subjects(p, None))
    for p in _SHAPE_VALUED:
        nodes.update(sg.objects(None, p))
    for p in _SHAPE_LISTS:
        for head in sg.objects(None, p):
            nodes.update(sg.items(head))
    return nodes


def results(program: _Program, data: Graph) -> list[Result]:
    """Every top-level result of validating ``data`` (an index graph of ``_fastgraph``)."""
    return program.run(data.store)
