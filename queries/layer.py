"""A map layer: for every commune of a territory, whether schemes (of a type) cover it, and which.

A layer is a status per commune with a legend: any per-commune measure (coverage, gaps) is published in
this shape and drawn by the same map. The coverage layer reads the session's tables and decides with
``AnalysisData.states`` (``maillage.core.rules``), the very function the gaps read: where their
questions are the same, the two layers agree (couverte = couvert, en projet, suspendue; non-couverte =
lacune or inconnu; hors registre).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from maillage.core import rules
from maillage.core.errors import NotFound
from maillage.core.terms import AgeRange, parse_ages, parse_date
from maillage.store.session import Session

from .catalogue import CommuneRef, territory_communes
from .concepts import public_iri, type_codes

__all__ = ["CommuneStatus", "Layer", "coverage_layer", "merged", "COVERAGE_LEGEND"]

#: a commune's status on the coverage layer: the first that holds
COVERAGE_LEGEND = {
    "couverte": "Couverte par au moins un dispositif en activité",
    "en-projet": "En projet : seuls des dispositifs en projet la couvriraient",
    "suspendue": "Suspendue : le dispositif qui la couvre est suspendu",
    "non-couverte": "Aucun dispositif connu en activité (le registre a recensé ce territoire)",
    "hors-registre": "Hors registre : le registre n'a pas recensé ce territoire",
}
_BY_STATE = ((rules.ACTIVE, "couverte"), (rules.PROJECT, "en-projet"), (rules.SUSPENDED, "suspendue"))


@dataclass(frozen=True)
class CommuneStatus:
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
    communes = _communes(session, kind, code)
    tables = session.tables
    states: dict[str, dict[str, set[str]]] = {}
    surveyed: set[str] = set()
    inferred: set[tuple[str, str]] = set()
    inside = frozenset(c.code for c in communes)
    for wanted in codes or [None]:
        reached, deduced = tables.reach(wanted, age_range.min, age_range.max, public.strip() if public else None, day,
                                        inside)
        if not states:
            states = reached  # one type (the usual layer): nothing to merge
        else:
            for commune, by_state in reached.items():
                for state, found in by_state.items():
                    states.setdefault(commune, {}).setdefault(state, set()).update(found)
        surveyed |= tables.surveyed(wanted, inside)
        inferred |= deduced
    wanted = ",".join(codes) or None
    statuses = [_status(c, states.get(c.code, {}), c.code in surveyed, inferred) for c in communes]
    return Layer(f"{kind}:{code}", wanted, age_range, public, day, dict(COVERAGE_LEGEND), statuses)


def _status(commune, states: dict[str, set[str]], surveyed: bool, inferred: set[tuple[str, str]]) -> CommuneStatus:
    for state, status in _BY_STATE:
        if states.get(state):
            return CommuneStatus(commune.code, commune.name, status, sorted(states[state]), (commune.code, state) in inferred)
    return CommuneStatus(commune.code, commune.name, "non-couverte" if surveyed else "hors-registre", [])


def _communes(session: Session, kind: str, code: str) -> list[CommuneRef]:
    """The territory's communes; a server reads those of a département or a région from its commune
    table (in memory: milliseconds, where the named question took 150 ms for Occitanie)."""
    if session.long_lived and kind in ("departement", "region"):
        if (kind, code) not in session.territory_names:
            raise NotFound(f"Aucun territoire {kind} « {code} ».")
        found = [CommuneRef(c.code, c.name) for c in session.tables.communes.values()
                 if (c.departement if kind == "departement" else c.region) == code]
        return sorted(found, key=lambda c: c.code)
    return territory_communes(session, kind, code)


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
    return Layer(",".join(layer.territory for layer in layers), first.type, first.ages, first.public, first.on, legend,
                 list(seen.values()))
