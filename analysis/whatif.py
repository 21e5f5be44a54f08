"""What if: the gaps and overlaps a scenario would change, against the live build, computed in memory.

A scenario (``analysis.scenario``) is applied to a copy of the session's analysis tables: a new instance
is a coverage on a territory of the scenario's own, an ended one loses its coverages, a perimeter
enlarged gains a twin of each of its coverages on the added communes, a perimeter cut has its
territories replaced by what is left of them. Nothing is written anywhere: the tables of the build are
shared, never changed (the copy holds new lists and dictionaries only).

The same two analyses then answer on both tables, the build's and the scenario's:

- :func:`analysis.gaps.gaps` on the départements the changes touch, for each type and ages the changes
  concern (the type's expected ages, the new instance's when it names them): every commune's category
  before and after, and the population that moves;
- :func:`analysis.overlaps.overlaps` on the instances whose coverages touch the changed communes (a
  pair's overlap depends on its two instances only, so the rest of France cannot change): the pairs
  created, removed, or whose score changes. The instances only planned on the day are counted as if
  they were realised (a planner drawing a scheme where one is planned needs to know), and the change
  names them (``planned``): the overlaps question itself compares instances in activity only.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from dataclasses import dataclass

from core import rules
from core.namespaces import local
from core.tabular import Rows
from core.terms import match_territory
from core.errors import AmbiguousPlace, InvalidQuery, PlaceNotFound
from queries.concepts import public_iri, type_code
from queries.territories import communes_within, territory_iri
from store.tables import AnalysisData, CoverageRow
from store.cards import Status

from . import gaps as _gaps
from . import overlaps as _overlaps
from .scenario import EndInstance, NewInstance, Perimeter, Scenario, refused

__all__ = ["TABLES", "tables_of", "SCENARIO_TERRITORY", "Balance", "Move", "MovedCommune", "OverlapChange", "WhatIf", "what_if", "apply"]

#: the territories a scenario draws (never in the graph)
SCENARIO_TERRITORY = "https://w3id.org/maillage/scenario/"
CREATED, REMOVED, CHANGED = "créé", "supprimé", "modifié"


@dataclass(frozen=True)
class Balance:
    """One département × one type and ages: population and communes per category, before and after."""

    departement: str
    departement_name: str
    type: str
    ages: tuple[int, int]
    public: str | None
    population_before: dict[str, int]
    population_after: dict[str, int]
    communes_before: dict[str, int]
    communes_after: dict[str, int]


@dataclass(frozen=True)
class Move:
    """Communes of a département going from one category to another, with their population."""

    departement: str
    departement_name: str
    type: str
    ages: tuple[int, int]
    public: str | None
    before: str
    after: str
    communes: int
    population: int


@dataclass(frozen=True)
class MovedCommune:
    code: str
    commune: str
    departement: str
    population: int
    type: str
    ages: tuple[int, int]
    public: str | None
    before: str
    after: str


@dataclass(frozen=True)
class OverlapChange:
    """A pair of instances whose overlap the scenario creates, removes or changes, with its scores."""

    change: str
    a: str
    a_name: str
    a_type: str
    b: str
    b_name: str
    b_type: str
    reason: str
    score_before: float | None
    score_after: float | None
    population_before: int | None
    population_after: int | None
    communes_before: int
    communes_after: int
    departements: tuple[str, ...]
    inferred: bool
    #: the instances of the pair only planned on the day (counted as if realised)
    planned: tuple[str, ...] = ()


@dataclass
class WhatIf:
    """The answer to a scenario: what it changes, in French, and the balance per département."""

    on: dt.date
    title: str | None
    #: each change, in French
    changes: list[str]
    #: the identifiers given to the hypothetical instances
    instances: list[str]
    balances: list[Balance]
    moves: list[Move]
    communes: list[MovedCommune]
    overlaps: list[OverlapChange]
    notes: list[str]


class _Applied:
    """The scenario's tables as they are being made: coverages, drawn territories, what changed."""

    def __init__(self, data: AnalysisData):
        self.data = data
        self.coverages = list(data.coverages)
        self.territories: dict[str, frozenset[str]] = {}
        self.touched: set[str] = set()  # communes whose coverages change
        self.instances: set[str] = set()  # instances whose coverages change
        self.specs: dict[tuple, _gaps.Spec] = {}
        self.said: list[str] = []
        self.notes: list[str] = []
        self.new: list[str] = []

    def communes_of(self, territory: str) -> frozenset[str]:
        return self.territories.get(territory) or self.data.communes_of(territory)

    def draw(self, name: str, codes: frozenset[str]) -> str:
        territory = SCENARIO_TERRITORY + name
        self.territories[territory] = codes
        return territory

    def ask(self, type: str, ages: tuple[int, int] | None) -> None:
        for spec in _gaps.specs_for(self.data, type, ages):
            self.specs.setdefault((spec.type, spec.min_age, spec.max_age, spec.public), spec)

    def of(self, instance: str, where: str) -> list[CoverageRow]:
        found = [c for c in self.coverages if c.instance == instance]
        if not found:
            raise refused(where, f"dispositif « {instance} » inconnu du registre (ni du scénario).")
        return found


def _perimeter(session, state: _Applied, refs: tuple[str, ...], where: str) -> frozenset[str]:
    """The communes of a perimeter's references (territories, or communes by code or name). A code that
    names a commune through another (an arrondissement municipal, a former code, a postcode) is read as
    that whole commune, and the answer says so: the geography stops at the commune."""
    data = state.data
    codes: set[str] = set()
    for ref in refs:
        try:
            uri = territory_iri(session, ref)
            found = communes_within(session, uri)
        except (InvalidQuery, PlaceNotFound, AmbiguousPlace) as err:
            raise refused(where, f"périmètre « {ref} » : {err}") from None
        found = found & data.communes.keys()
        if not found:
            raise refused(where, f"périmètre « {ref} » : territoire inconnu ou sans commune.")
        whole = local(uri)
        if match_territory(ref) is None and ref.strip().isalnum() and whole in data.communes and whole != ref.strip().upper():
            state.notes.append(f"{where} : « {ref} » est lu comme la commune entière de {data.communes[whole].name} "
                               f"({whole}) ; un arrondissement municipal, un ancien code ou un code postal désigne "
                               "sa commune (la géographie ne descend pas sous la commune).")
        codes |= found
    return frozenset(codes)


def _new(session, state: _Applied, change: NewInstance, number: int, on: dt.date, where: str) -> None:
    data = state.data
    try:
        type_code(session, change.type)
        for public in change.publics:
            public_iri(session, public)
    except InvalidQuery as err:
        raise refused(where, str(err)) from None
    ident = f"hypothese-{number}"
    codes = _perimeter(session, state, change.perimeter, where)
    ages = (change.ages.min, change.ages.max) if change.ages else None
    state.ask(change.type, ages)
    [spec] = _gaps.specs_for(data, change.type, ages)
    lifecycle = () if change.status == "active" else (Status("project", "en projet", change.start or on, change.end),)
    name = change.name or f"{change.type} hypothétique n° {number}"
    said = (f"Nouveau dispositif {name} ({change.type}, {spec.min_age}-{spec.max_age} ans, "
            f"{'en projet' if lifecycle else 'actif'}) sur {len(codes)} commune(s)")
    state.coverages.append(CoverageRow(
        instance=ident, coverage=f"{ident}/couverture", type=change.type, name=name,
        territory=state.draw(ident, codes), min_age=spec.min_age, max_age=spec.max_age,
        publics=frozenset(change.publics), start=change.start, end=change.end,
        sources=({"title": "Scénario (hypothèse)", "date": None, "excerpt": said, "file": None, "url": None},),
        lifecycle=lifecycle))
    state.touched |= codes
    state.instances.add(ident)
    state.new.append(ident)
    state.said.append(said + ".")


def _end(state: _Applied, change: EndInstance, where: str) -> None:
    ended = state.of(change.instance, where)
    for c in ended:
        state.touched |= state.communes_of(c.territory)
        state.ask(c.type, None)
    state.coverages = [c for c in state.coverages if c.instance != change.instance]
    state.instances.add(change.instance)
    state.said.append(f"Fin de {ended[0].name} ({change.instance}).")


def _reshape(session, state: _Applied, change: Perimeter, number: int, where: str) -> None:
    coverages = state.of(change.instance, where)
    added = _perimeter(session, state, change.add, where) if change.add else frozenset()
    removed = _perimeter(session, state, change.remove, where) if change.remove else frozenset()
    out = []
    for c in state.coverages:
        if c.instance == change.instance and removed & state.communes_of(c.territory):
            kept = state.communes_of(c.territory) - removed
            if kept:
                out.append(dataclasses.replace(c, territory=state.draw(f"{number}-{c.coverage}", kept)))
            continue
        out.append(c)
    twins = {(c.min_age, c.max_age, c.publics, c.start, c.end): c for c in coverages}
    for k, c in enumerate(twins.values()):
        if added:
            out.append(dataclasses.replace(c, coverage=f"{c.coverage}+{number}.{k}",
                                           territory=state.draw(f"{number}-{k}-{c.coverage}", added)))
    state.coverages = out
    state.touched |= added | removed
    state.instances.add(change.instance)
    for c in coverages:
        state.ask(c.type, None)
    parts = ([f"{len(added)} commune(s) ajoutée(s)"] if added else []) + (
        [f"{len(removed)} commune(s) retirée(s)"] if removed else [])
    state.said.append(f"Périmètre de {coverages[0].name} ({change.instance}) : {', '.join(parts)}.")


def apply(session, data: AnalysisData, scenario: Scenario) -> tuple[AnalysisData, _Applied]:
    """The scenario's tables (the build's, changed in a copy) and what changed."""
    state = _Applied(data)
    for number, change in enumerate(scenario.changes, 1):
        where = f"{scenario.origin}, changement {number}"
        if isinstance(change, NewInstance):
            _new(session, state, change, number, scenario.on, where)
        elif isinstance(change, EndInstance):
            _end(state, change, where)
        else:
            _reshape(session, state, change, number, where)
    changed = dataclasses.replace(data, coverages=state.coverages,
                                  territory_communes={**data.territory_communes, **state.territories})
    return changed, state


def _balances(before: AnalysisData, after: AnalysisData, state: _Applied, on: dt.date):
    departements = {before.communes[c].departement for c in state.touched if c in before.communes}
    scope = frozenset(c.code for c in before.communes.values() if c.departement in departements)
    specs = list(state.specs.values())
    balances, moves, communes = [], [], []
    for old, new in zip(_gaps.gaps(before, scope, specs, on), _gaps.gaps(after, scope, specs, on), strict=True):
        balances.append(Balance(old.departement, old.departement_name, old.type, old.ages, old.public,
                                old.population, new.population, {k: len(v) for k, v in old.communes.items()},
                                {k: len(v) for k, v in new.communes.items()}))
        was = {code: category for category, codes in old.communes.items() for code in codes}
        moved = [(code, was[code], category) for category, codes in new.communes.items() for code in codes
                 if was[code] != category]
        counted: Counter = Counter()
        people: Counter = Counter()
        for code, a, b in sorted(moved):
            commune = before.communes[code]
            counted[(a, b)] += 1
            people[(a, b)] += commune.population
            communes.append(MovedCommune(code, commune.name, old.departement, commune.population, old.type, old.ages,
                                         old.public, a, b))
        moves += [Move(old.departement, old.departement_name, old.type, old.ages, old.public, a, b, n, people[(a, b)])
                  for (a, b), n in sorted(counted.items())]
    return balances, moves, communes


def _involving(data: AnalysisData, state: _Applied, on: dt.date) -> tuple[AnalysisData, set[str]]:
    """The tables cut to the instances that may overlap a changed one (those with a coverage touching a
    changed commune, with all their coverages: an overlap's score reads the instances' whole
    perimeters), the planned ones made active from ``on``; and the planned instances."""
    touching = data.touching(frozenset(state.touched))
    near = {c.instance for c in data.coverages if c.territory in touching or c.territory in state.territories}
    planned = {c.instance for c in data.coverages
               if c.instance in near and c.in_force(on) and c.state_on(on) == rules.PROJECT}
    realised = [dataclasses.replace(c, lifecycle=(_REALISED(on),)) if c.instance in planned else c
                for c in data.coverages if c.instance in near]
    return dataclasses.replace(data, coverages=realised), planned


def _REALISED(on: dt.date) -> Status:
    return Status("active", "en projet, supposé réalisé", on, None, attested_from=on)


def _overlap_changes(before: AnalysisData, after: AnalysisData, state: _Applied, on: dt.date) -> list[OverlapChange]:
    planned: set[str] = set()

    def pairs(data: AnalysisData) -> dict[tuple[str, str], _overlaps.Overlap]:
        near, projects = _involving(data, state, on)
        planned.update(projects)
        found = _overlaps.overlaps(near, None, on)
        return {(o.a, o.b): o for o in found if o.a in state.instances or o.b in state.instances}

    old, new = pairs(before), pairs(after)
    out = []
    for key in sorted(old.keys() | new.keys()):
        x, y = old.get(key), new.get(key)
        if x is not None and y is not None and (x.score, x.communes) == (y.score, y.communes):
            continue
        o = y or x
        assert o is not None
        codes = set(x.communes if x else ()) | set(y.communes if y else ())
        out.append(OverlapChange(
            change=CREATED if x is None else REMOVED if y is None else CHANGED,
            a=o.a, a_name=o.a_name, a_type=o.a_type, b=o.b, b_name=o.b_name, b_type=o.b_type, reason=o.reason,
            score_before=x.score if x else None, score_after=y.score if y else None,
            population_before=x.population if x else None, population_after=y.population if y else None,
            communes_before=len(x.communes) if x else 0, communes_after=len(y.communes) if y else 0,
            departements=tuple(sorted({before.communes[c].departement for c in codes if c in before.communes})),
            inferred=bool((x and x.inferred) or (y and y.inferred)),
            planned=tuple(i for i in (o.a, o.b) if i in planned)))
    out.sort(key=lambda c: ({CREATED: 0, CHANGED: 1, REMOVED: 2}[c.change], -(c.score_after or c.score_before or 0), c.a, c.b))
    return out


#: the tables of an answer, by name (the API's ``table=``, the CLI's ``--csv``, the workbook's sheets in order)
TABLES = {"departements": ("balances", Balance), "mouvements": ("moves", Move), "communes": ("communes", MovedCommune),
          "chevauchements": ("overlaps", OverlapChange)}


def tables_of(answer: WhatIf) -> dict[str, Rows]:
    """The answer's tables by name: balance per département, moves, communes moved, overlaps changed
    (an empty one keeps its header: its record's fields)."""
    return {name: Rows(getattr(answer, attribute), [f.name for f in dataclasses.fields(record)])
            for name, (attribute, record) in TABLES.items()}


def what_if(session, scenario: Scenario) -> WhatIf:
    """What ``scenario`` would change on its day: the gaps' balance per département and the overlaps."""
    data = session.tables
    after, state = apply(session, data, scenario)
    balances, moves, communes = _balances(data, after, state, scenario.on)
    notes = ["Hypothèse calculée en mémoire sur la construction en service : rien n'est écrit dans le registre.",
             *state.notes]
    return WhatIf(on=scenario.on, title=scenario.title, changes=state.said, instances=state.new, balances=balances,
                  moves=moves, communes=communes, overlaps=_overlap_changes(data, after, state, scenario.on), notes=notes)
