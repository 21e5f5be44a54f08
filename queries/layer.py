"""A map layer: for every commune of a territory, whether schemes (of a type) cover it, and which.

A layer is a status per commune with a legend: any per-commune measure (coverage, gaps) is published in
this shape and drawn by the same map. The coverage layer reads the session's tables and decides with
``AnalysisData.states`` (``maillage.core.rules``), the very function the gaps read: where their
questions are the same, the two layers agree (couverte = couvert, en projet, suspendue; non-couverte =
lacune or inconnu; hors registre).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from maillage.core import rules
from maillage.core.terms import AgeRange, parse_ages, parse_date
from maillage.store.session import Session

from .catalogue import territory_communes
from .concepts import public_iri, type_code

__all__ = ["CommuneStatus", "Layer", "coverage_layer", "COVERAGE_LEGEND"]

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
    type: str | None = None,
    ages: str | None = None,
    public: str | None = None,
    on: str | dt.date | None = None,
) -> Layer:
    """Each commune of the territory ``kind``/``code``: covered or not, and by which instances."""
    age_range, day = parse_ages(ages), parse_date(on)
    public_iri(session, public)  # an unknown public is an error, not an empty layer
    wanted = type_code(session, type)
    communes = territory_communes(session, kind, code)
    tables = session.tables
    states = tables.states(wanted, age_range.min, age_range.max, public.strip() if public else None, day)
    surveyed = tables.surveyed(wanted)
    inferred = tables.inferred_reach(wanted, age_range.min, age_range.max, public.strip() if public else None, day)
    statuses = [_status(c, states.get(c.code, {}), c.code in surveyed, inferred) for c in communes]
    return Layer(f"{kind}:{code}", wanted, age_range, public, day, dict(COVERAGE_LEGEND), statuses)


def _status(commune, states: dict[str, set[str]], surveyed: bool, inferred: set[tuple[str, str]]) -> CommuneStatus:
    for state, status in _BY_STATE:
        if states.get(state):
            return CommuneStatus(commune.code, commune.name, status, sorted(states[state]), (commune.code, state) in inferred)
    return CommuneStatus(commune.code, commune.name, "non-couverte" if surveyed else "hors-registre", [])
