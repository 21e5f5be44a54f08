"""Coverage gaps: which communes an expected scheme type does not cover, weighed by population.

Each commune is in one of seven categories, for a type on a date:

- **couvert**: a coverage of the type in force is *active* (``core.rules``);
- **en projet**, **suspendu**: only planned or suspended instances reach it (never counted covered);
- **lacune**: not covered, inside an *inventory* (``inventories:`` in a registry file, with its source)
  that lists every instance of the type and is still fresh on the date (past the type's freshness
  window, an inventory's gaps are no longer certain: the commune is unknown, and the report says why);
- **inconnu**: not covered, where the registry has looked (``surveyed:``) without a complete list; or
  reached only by instances whose state on the date is unknown (``statut-inconnu``: attested later, say),
  even inside an inventory: an unknown state is never a gap;
- **type non recensé**: the registry has looked there, for other types only;
- **hors registre**: the registry has not looked there at all.

A commune is never counted covered, nor silently a gap, for want of data.

Paris, Lyon and Marseille are split into arrondissements municipaux (decision 0142). A commune reached by
a coverage of some of its arrondissements counts *couvert* (never a lacune); the report's notes then say
it is covered in part and name each arrondissement left, with its category and population
(« Marseille (13055) couverte en partie : 15 des 16 arrondissements ; reste : Marseille 1er
Arrondissement (13201) lacune, 37 599 hab. »). Asked of an arrondissement (``arrondissement:13201``), the
report is of that arrondissement alone: its category and its own population.

What is expected comes from ``ontology/expectations.ttl`` (every commune by a DAC, a SIAO, a PTSM, a
CPTS by 2026); any other type can be asked for explicitly (the ILC for 0-12, say).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from core import rules
from core.text import french_date, french_duration
from store.tables import AnalysisData, Expectation

__all__ = ["COVERED", "PROJECT", "SUSPENDED", "GAP", "UNKNOWN", "NOT_SURVEYED", "OUT", "CATEGORIES", "Spec", "GapReport",
           "gaps",
           "commune_status", "part_status", "covering", "specs_for"]

COVERED, PROJECT, SUSPENDED, GAP, UNKNOWN, OUT = "couvert", "en projet", "suspendu", "lacune", "inconnu", "hors registre"
NOT_SURVEYED = "type non recensé"
CATEGORIES = (COVERED, PROJECT, SUSPENDED, GAP, UNKNOWN, NOT_SURVEYED, OUT)


@dataclass(frozen=True)
class Spec:
    """What should cover: a scheme type, for ages and a public, and the rule that expects it if any."""

    type: str
    min_age: int = 0
    max_age: int = 120
    #: None: any public (a question about a type, not about a public)
    public: str | None = None
    expectation: Expectation | None = None


@dataclass
class GapReport:
    """One département × one spec: populations and communes by status."""

    departement: str
    departement_name: str
    type: str
    ages: tuple[int, int]
    public: str | None
    on: dt.date
    expected: bool
    due: dt.date | None
    rule: str | None
    population: dict[str, int]
    communes: dict[str, list[str]]
    inventories: list[dict] = field(default_factory=list)
    sources: list[dict] = field(default_factory=list)
    #: what makes the report's gaps less than certain, in French (a stale or inferred inventory)
    notes: list[str] = field(default_factory=list)

    @property
    def covered_share(self) -> float:
        total = sum(self.population.values())
        return round(self.population[COVERED] / total, 4) if total else 0.0


def specs_for(data: AnalysisData, type: str | None = None, ages: tuple[int, int] | None = None,
              public: str | None = None) -> list[Spec]:
    """The specs to report: the one asked for, else every expectation of the ontology."""
    if type is None:
        return [Spec(e.type, e.min_age, e.max_age, e.public, e) for e in data.expectations]
    rule = next((e for e in data.expectations if e.type == type), None)
    low, high = ages or ((rule.min_age, rule.max_age) if rule else (0, 120))
    return [Spec(type, low, high, public or (rule.public if rule else None), rule)]


def covering(data: AnalysisData, spec: Spec, on: dt.date) -> dict[str, set[str]]:
    """Commune → the instances covering it for ``spec`` on ``on`` (:meth:`AnalysisData.covering`)."""
    return data.covering(spec.type, spec.min_age, spec.max_age, spec.public, on)


def commune_status(data: AnalysisData, spec: Spec, communes: frozenset[str], on: dt.date) -> dict[str, str]:
    """Each commune of ``communes`` → its category (:data:`CATEGORIES`) for ``spec`` on ``on``."""
    communes = frozenset(communes)
    states = data.states(spec.type, spec.min_age, spec.max_age, spec.public, on, communes)
    category = _categories(data, spec, communes, on)
    return {code: category(code, states.get(code, {})) for code in communes}


def part_status(data: AnalysisData, spec: Spec, parts: frozenset[str], on: dt.date) -> dict[str, str]:
    """Each arrondissement municipal of ``parts`` → its category for ``spec`` on ``on``: reached by the
    coverages whose cells hold it (its own, its commune's, larger ones); looked at as its commune is."""
    reached: dict[str, dict[str, set[str]]] = {code: {} for code in parts}
    for c, state in data.matching(spec.type, spec.min_age, spec.max_age, spec.public, on):
        for code in data.cells_of(c.territory) & parts:
            reached[code].setdefault(state, set()).add(c.instance)
    communes = frozenset(data.commune_of(code) for code in parts)
    category = _categories(data, spec, communes, on)
    return {code: category(data.commune_of(code), reached[code]) for code in parts}


def _categories(data: AnalysisData, spec: Spec, communes: frozenset[str], on: dt.date):
    """``category(commune, reached)``: a place's category from the states of the instances reaching it
    (state → instances) and what the registry knows of its commune (among ``communes``)."""
    inventoried, _ = data.inventoried(spec.type, on, communes)
    surveyed = data.surveyed(spec.type, communes)
    looked = data.surveyed(None, communes)

    def category(code: str, reached: dict[str, set[str]]) -> str:
        for state, category in ((rules.ACTIVE, COVERED), (rules.PROJECT, PROJECT), (rules.SUSPENDED, SUSPENDED),
                                (rules.UNKNOWN, UNKNOWN)):
            if reached.get(state):
                return category
        if code in inventoried:
            return GAP
        return UNKNOWN if code in surveyed else NOT_SURVEYED if code in looked else OUT

    return category


def _partly(data: AnalysisData, spec: Spec, covered: list[str], on: dt.date) -> list[str]:
    """A note for each commune of ``covered`` reached only through some of its arrondissements municipaux."""
    notes = []
    for code in covered:
        parts = frozenset(data.arrondissements_of(code))
        if not parts:
            continue
        status = part_status(data, spec, parts, on)
        left = sorted(p for p, category in status.items() if category != COVERED)
        if not left:
            continue
        said = ", ".join(f"{data.arrondissements[p].name} ({p}) {status[p]}, "
                         + f"{data.arrondissements[p].population:,}".replace(",", " ") + " hab." for p in left)
        notes.append(f"{data.communes[code].name} ({code}) couverte en partie : {len(parts) - len(left)} des "
                     f"{len(parts)} arrondissements ; reste : {said}")
    return notes


def _notes(data: AnalysisData, spec: Spec, on: dt.date, gaps: set[str], unknown: set[str],
           everything: set[str]) -> list[str]:
    """Why gaps are less than certain: an inferred inventory, one past its freshness window, or deduced
    perimeters of the type there (where a perimeter is approximated, so is the gap beside it)."""
    window = data.window(spec.type)
    stale = data.stale_inventories(spec.type, on)
    notes = []
    for inv in data.inventories:
        if inv.type != spec.type:
            continue
        inside = data.communes_of(inv.territory)
        if inv in stale and inside & unknown:
            notes.append(f"Recensement « {inv.id} » du {french_date(inv.as_of)} : au-delà de la fenêtre de fraîcheur "
                         f"du type ({french_duration(window.window)}), ses lacunes ne sont plus certaines et sont "
                         "comptées inconnues.")
        elif inv.confidence == "inferred" and inside & gaps:
            notes.append(f"Recensement « {inv.id} » déduit (non explicite dans la source) : les lacunes qu'il "
                         "fait apparaître sont déduites.")
    if gaps:
        deduced = sorted({c.instance for c, _ in data.matching(spec.type, spec.min_age, spec.max_age, spec.public, on)
                          if c.inferred_on(on) and data.communes_of(c.territory) & everything})
        if deduced:
            notes.append(f"Périmètres déduits ({', '.join(deduced)}) : les lacunes qui les bordent sont déduites "
                         "elles aussi.")
    return notes


def gaps(data: AnalysisData, communes: frozenset[str], specs: list[Spec], on: dt.date,
         parts: frozenset[str] | None = None) -> list[GapReport]:
    """For each département touched by ``communes`` and each spec: covered, gap and unknown population
    and communes, the inventories that make a gap a gap, and the rule's source. With ``parts``
    (arrondissements municipaux), the report is of those arrondissements instead of communes."""
    out = []
    for spec in specs:
        status = part_status(data, spec, parts, on) if parts else commune_status(data, spec, communes, on)
        by_dep: dict[str, dict[str, list[str]]] = defaultdict(lambda: {c: [] for c in CATEGORIES})
        for code in sorted(status):
            by_dep[data.communes[data.commune_of(code)].departement][status[code]].append(code)
        inventories = [
            {"id": i.id, "territory": i.territory, "as_of": i.as_of, "confidence": i.confidence, **i.source}
            for i in data.inventories if i.type == spec.type
        ]
        for dep, lists in sorted(by_dep.items()):
            first = data.communes[data.commune_of(next(c for group in lists.values() for c in group))]
            rule = spec.expectation
            held = {data.commune_of(c) for c in lists[GAP] + lists[UNKNOWN]}
            out.append(GapReport(
                departement=dep, departement_name=first.departement_name, type=spec.type,
                ages=(spec.min_age, spec.max_age), public=spec.public, on=on, expected=rule is not None,
                due=rule.due if rule else None, rule=rule.label if rule else None,
                population={k: data.population(v) for k, v in lists.items()}, communes=lists,
                inventories=[i for i in inventories if held & data.communes_of(i["territory"])],
                sources=[rule.source] if rule else [],
                notes=_notes(data, spec, on, {data.commune_of(c) for c in lists[GAP]},
                             {data.commune_of(c) for c in lists[UNKNOWN]},
                             {data.commune_of(c) for group in lists.values() for c in group})
                + ([] if parts else _partly(data, spec, lists[COVERED], on)),
            ))
    return out
