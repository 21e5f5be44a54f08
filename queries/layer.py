"""A map layer: for every commune of a territory, whether schemes (of a type) cover it, and which.

A layer is a status per commune with a legend: any per-commune measure (coverage, gaps) is published in
this shape and drawn by the same map. The coverage layer reads the session's tables and decides with
the coverages ``AnalysisData.matching`` picks (``core.rules``), the very ones the gaps'
``AnalysisData.states`` reads: where their questions are the same, the two layers agree (couverte =
couvert, en projet, suspendue; inconnue = inconnu when only instances of unknown state reach it;
non-couverte = lacune or inconnu; hors registre).

Why it is fast: what the tables say of a commune depends only on the territories holding it
(``AnalysisData.holding``), and a région's thousands of communes are held by a few dozen distinct sets
of territories (Occitanie: 4,446 communes, 24 sets). The layer picks the coverages once, decides once
per set, and is left with one record per commune; a département's or a région's communes, with what
holds each, are kept (``AnalysisData.area_in``).

Sub-commune coverage (decision 0142): when a coverage the layer picks names an arrondissement municipal of
a commune of the layer, the layer is a :class:`SplitLayer` whose ``arrondissements`` give each
arrondissement of that commune (Paris, Lyon, Marseille) its own status, decided the same way from the
territories holding it (its own, and its commune's but for its siblings); the commune keeps its record,
reached (in part) by the coverages of its arrondissements. The map draws them over the commune.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from core import rules
from core.errors import NotFound
from core.namespaces import iri
from core.terms import AgeRange, parse_ages, parse_date
from store.session import Session
from store.tables import Area, CoverageRow

from . import palette
from .catalogue import territory_communes
from .concepts import public_iri, type_codes
from .knowledge import expected, rule_text

__all__ = ["CommuneStatus", "Layer", "SplitLayer", "coverage_layer", "merged", "layer_rules", "COVERAGE_LEGEND", "COVERAGE_COLOURS"]

#: a commune's status on the coverage layer: the first that holds
COVERAGE_LEGEND = {
    "couverte": "Couverte par au moins un dispositif en activité",
    "en-projet": "En projet : seuls des dispositifs en projet la couvriraient",
    "suspendue": "Suspendue : le dispositif qui la couvre est suspendu",
    "inconnue": "Inconnue : seuls des dispositifs dont l'état à cette date n'est pas connu l'atteignent",
    "non-couverte": "Recensée, aucun trouvé : aucun dispositif connu en activité (le registre a cherché ce type ici)",
    "type-non-recense": "Type non recensé ici : le registre a recensé ce territoire pour d'autres types seulement",
    "hors-registre": "Hors registre : le registre n'a pas recensé ce territoire",
}
#: one colour per status, the map's and the notebooks' (``queries.palette``: apart for colour-blind readers and in print)
COVERAGE_COLOURS = {"couverte": palette.COVERED, "en-projet": palette.PROJECT, "suspendue": palette.SUSPENDED,
                    "inconnue": palette.UNKNOWN, "non-couverte": palette.NOT_FOUND, "type-non-recense": palette.NOT_SURVEYED,
                    "hors-registre": palette.OUT}
_ARRONDISSEMENT = iri("arrondissement", "")
_BY_STATE = ((rules.ACTIVE, "couverte"), (rules.PROJECT, "en-projet"), (rules.SUSPENDED, "suspendue"),
             (rules.UNKNOWN, "inconnue"))


@dataclass(slots=True)
class CommuneStatus:
    """One commune of a layer. Not frozen, though nothing changes it once made: a layer makes one per
    commune (4,446 for Occitanie), and a frozen dataclass's ``__init__`` costs three times as much (it
    sets each field through ``object.__setattr__``): half of the layer's time once the rest was decided
    per set of territories."""

    code: str
    name: str
    status: str
    instances: list[str]
    #: the instances behind the status reach it through a deduced perimeter (the map hatches it)
    inferred: bool = False


@dataclass
class Layer:
    territory: str
    type: str | None
    ages: AgeRange
    public: str | None
    on: dt.date
    legend: dict[str, str]
    communes: list[CommuneStatus] = field(default_factory=list)
    #: each national rule (``ontology/expectations.ttl``) expecting a type of the layer over communes the
    #: layer finds uncovered, in French: « la règle nationale prévoit un DAC ; le registre ne l'a pas
    #: trouvé ici »
    rules: list[str] = field(default_factory=list)
    #: status → its colour on the map (and in the notebooks)
    colours: dict[str, str] = field(default_factory=dict)
    #: status → its number of communes, for every status of the legend (zeros included): the one count
    #: the map's status line, its legend and the view's CSV/XLSX all show
    counts: dict[str, int] = field(init=False)

    def __post_init__(self) -> None:
        self.counts = dict.fromkeys(self.legend, 0)
        for commune in self.communes:
            self.counts[commune.status] = self.counts.get(commune.status, 0) + 1


@dataclass
class SplitLayer(Layer):
    """A layer with sub-commune coverage: each arrondissement municipal of the communes split by it."""

    #: the arrondissements' statuses (``code`` an arrondissement's, ``name`` its name); not in ``counts``,
    #: which counts communes
    arrondissements: list[CommuneStatus] = field(default_factory=list)


def coverage_layer(
    session: Session,
    kind: str,
    code: str,
    type: str | Iterable[str] | None = None,
    ages: str | None = None,
    public: str | None = None,
    on: str | dt.date | None = None,
) -> Layer:
    """Each commune of the territory ``kind``/``code``: covered or not, and by which instances (of
    ``type``: one or several scheme types, or any)."""
    age_range, day = parse_ages(ages), parse_date(on)
    public_iri(session, public)  # an unknown public is an error, not an empty layer
    codes = type_codes(session, type)
    tables = session.tables
    area = _area(session, kind, code)
    wanted_types: list[str | None] = [*codes] or [None]  # None: any type
    found = [m for wanted in wanted_types for m in tables.matching(
        wanted, age_range.min, age_range.max, public.strip() if public else None, day, area.touching)]
    surveying = frozenset().union(*(tables.surveying(wanted) for wanted in wanted_types))
    looked = tables.surveying(None)
    decided = {held: _decided(held, found, surveying, looked, day) for held in set(area.held)}
    statuses = [CommuneStatus(c.code, c.name, status, list(instances), inferred)
                for c, (status, instances, inferred) in zip(area.communes, map(decided.__getitem__, area.held))]
    args = (f"{kind}:{code}", ",".join(codes) or None, age_range, public, day, dict(COVERAGE_LEGEND), statuses,
            layer_rules(session, codes, day, [c.code for c in statuses if c.status != "couverte"]), dict(COVERAGE_COLOURS))
    parts = _parts(tables, area, found, surveying, looked, day)
    return SplitLayer(*args, arrondissements=parts) if parts else Layer(*args)


def _parts(tables, area: Area, found: list[tuple[CoverageRow, str]], surveying: frozenset[str], looked: frozenset[str],
           day: dt.date) -> list[CommuneStatus]:
    """The arrondissements of the layer's communes that a coverage found names an arrondissement of."""
    split = {part.commune for c, _ in found if (part := tables.part_of(c.territory)) is not None}
    out = []
    for commune, held in zip(area.communes, area.held):
        if commune.code not in split:
            continue
        siblings = {t for t in held if tables.part_of(t) is not None}
        for part in map(tables.arrondissements.__getitem__, tables.arrondissements_of(commune.code)):
            own = frozenset(held - siblings | {f"{_ARRONDISSEMENT}{part.code}"})
            status, instances, inferred = _decided(own, found, surveying, looked, day)
            out.append(CommuneStatus(part.code, part.name, status, instances, inferred))
    return out


def layer_rules(session: Session, types: list[str], day: dt.date, uncovered: list[str]) -> list[str]:
    """The national rules expecting one of ``types`` on ``day`` over ``uncovered``, the communes of a layer
    no instance of them covers: what the map says under its legend."""
    if not uncovered:
        return []
    found = []
    for type in types:
        rule = expected(session, type, day, uncovered)
        if rule is not None:
            found.append(rule_text(rule))
    return found


def _decided(held: frozenset[str], found: list[tuple[CoverageRow, str]], surveying: frozenset[str],
             looked: frozenset[str], day: dt.date) -> tuple[str, list[str], bool]:
    """The status, instances and hatching of every commune the territories ``held`` hold, from the
    coverages ``found`` (with their state on ``day``), the territories surveyed for the layer's types and
    those surveyed for any type (``looked``)."""
    states: dict[str, set[str]] = {}
    deduced: set[str] = set()
    for coverage, state in found:
        if coverage.territory in held:
            states.setdefault(state, set()).add(coverage.instance)
            if coverage.inferred_on(day):
                deduced.add(state)
    for state, status in _BY_STATE:
        if states.get(state):
            return status, sorted(states[state]), state in deduced
    if not held.isdisjoint(surveying):
        return "non-couverte", [], False
    return ("type-non-recense" if not held.isdisjoint(looked) else "hors-registre"), [], False


def _area(session: Session, kind: str, code: str) -> Area:
    """The territory's communes, by code; a server reads those of a département or a région from its
    commune table (in memory, and kept: microseconds, where the named question took 150 ms for
    Occitanie)."""
    if session.long_lived and kind in ("departement", "region"):
        if (kind, code) not in session.territory_names:
            raise NotFound(f"Aucun territoire {kind} « {code} ».")
        return session.tables.area_in(kind, code)
    return session.tables.area(territory_communes(session, kind, code))


def merged(layers: list[Layer]) -> Layer:
    """Layers of the same question over several territories as one (each commune once, in order)."""
    first = layers[0]
    if len(layers) == 1:
        return first
    seen: dict[str, CommuneStatus] = {}
    for layer in layers:
        for commune in layer.communes:
            seen.setdefault(commune.code, commune)
    legend = {k: v for layer in layers for k, v in layer.legend.items()}
    args = (",".join(layer.territory for layer in layers), first.type, first.ages, first.public, first.on, legend,
            list(seen.values()), sorted({rule for layer in layers for rule in layer.rules}),
            {k: v for layer in layers for k, v in layer.colours.items()})
    parts = {p.code: p for layer in layers for p in getattr(layer, "arrondissements", ())}
    return SplitLayer(*args, arrondissements=list(parts.values())) if parts else Layer(*args)
