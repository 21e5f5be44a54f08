"""The three analyses as questions about a territory: what the CLI, the API and the notebooks call.

``territory`` is a registry reference (``departement:31``, ``region:76``, ``territoire:comminges``…)
or None for all of France; dates and ages are parsed like the coverage question's.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core import rules
from core.errors import InvalidQuery
from core.terms import AgeRange, parse_ages, parse_date
from queries import palette
from queries.concepts import public_iri
from queries.layer import CommuneStatus, Layer, layer_rules

from . import gaps as _gaps
from . import network as _network
from . import overlaps as _overlaps
from .scope import scope_communes, scope_parts

__all__ = ["OverlapAnswer", "GapAnswer", "NetworkAnswer", "overlaps_in", "gaps_in", "network_of", "gap_rows",
           "gap_layer", "GAP_LEGEND", "GAP_COLOURS"]

GAP_LEGEND = {
    _gaps.COVERED: "Couverte par un dispositif du type en activité",
    _gaps.PROJECT: "En projet : seuls des dispositifs en projet la couvriraient",
    _gaps.SUSPENDED: "Suspendue : le dispositif qui la couvre est suspendu",
    _gaps.GAP: "Lacune : non couverte, là où le registre déclare connaître tous les dispositifs du type",
    _gaps.UNKNOWN: "Inconnue : non couverte sans recensement complet (ou trop ancien), ou atteinte seulement par un "
                   "dispositif dont l'état à cette date n'est pas connu",
    _gaps.NOT_SURVEYED: "Type non recensé : le registre a recensé ce territoire pour d'autres types seulement",
    _gaps.OUT: "Hors registre : le registre n'a pas recensé ce territoire",
}


#: one colour per category, the map's and the notebooks' (the coverage layer's for the same meaning, ``queries.palette``)
GAP_COLOURS = {_gaps.COVERED: palette.COVERED, _gaps.PROJECT: palette.PROJECT, _gaps.SUSPENDED: palette.SUSPENDED,
               _gaps.GAP: palette.NOT_FOUND, _gaps.UNKNOWN: palette.UNKNOWN, _gaps.NOT_SURVEYED: palette.NOT_SURVEYED,
               _gaps.OUT: palette.OUT}


@dataclass
class OverlapAnswer:
    territory: str
    on: dt.date | None
    overlaps: list[_overlaps.Overlap]


@dataclass
class GapAnswer:
    territory: str
    on: dt.date
    reports: list[_gaps.GapReport]


@dataclass
class NetworkAnswer:
    territory: str
    #: the instances are those covering on this day (None: at some time)
    on: dt.date | None
    actors: list[_network.ActorScore]
    redundancies: list[_network.Redundancy]


def overlaps_in(backend, territory: str | None = None, on: str | dt.date | None = None,
                type: str | None = None) -> OverlapAnswer:
    """Overlapping instances in ``territory``; at any time, or only those coexisting on ``on``; with
    ``type``, the pairs of which one instance at least is of that type."""
    data = backend.tables
    label, communes = scope_communes(backend, data, territory)
    day = parse_date(on) if on else None
    found = _overlaps.overlaps(data, communes, day)
    if type is not None:
        wanted = type.strip().upper()
        if wanted not in {c.type for c in data.coverages}:
            raise InvalidQuery(f"Type « {type} » : aucun dispositif de ce type dans le graphe.")
        found = [o for o in found if wanted in (o.a_type, o.b_type)]
    return OverlapAnswer(label, day, found)


def gaps_in(backend, territory: str | None = None, type: str | None = None, ages: str | None = None,
            public: str | None = None, on: str | dt.date | None = None) -> GapAnswer:
    """Gaps in ``territory`` for ``type`` (default: every expected type), by département; of an
    arrondissement municipal (``arrondissement:13201``), that arrondissement's alone."""
    data = backend.tables
    label, communes = scope_communes(backend, data, territory)
    day = parse_date(on)
    return GapAnswer(label, day, _gaps.gaps(data, communes, _specs(backend, data, type, ages, public), day,
                                           scope_parts(data, territory)))


def _specs(backend, data, type: str | None, ages: str | None, public: str | None) -> list[_gaps.Spec]:
    public_iri(backend, public)  # an unknown public is an error, not an empty answer
    known_types = {c.type for c in data.coverages} | {e.type for e in data.expectations}
    if type is not None and type.strip().upper() not in known_types:
        raise InvalidQuery(f"Type « {type} » : aucun dispositif de ce type dans le graphe. Types présents : "
                           f"{', '.join(sorted(known_types))}.")
    age_range = parse_ages(ages) if ages else None
    return _gaps.specs_for(data, type.strip().upper() if type else None,
                           (age_range.min, age_range.max) if age_range else None, public)


def gap_layer(backend, territory: str, type: str | None, ages: str | None = None, public: str | None = None,
              on: str | dt.date | None = None) -> Layer:
    """The gaps of one type as a map layer: each commune covered, gap or unknown, and by which instances."""
    if not type:
        raise InvalidQuery("Choisissez un type de dispositif pour la couche des lacunes (DAC, CPTS, ILC…).")
    data = backend.tables
    label, communes = scope_communes(backend, data, territory)
    [spec] = _specs(backend, data, type, ages, public)
    day = parse_date(on)
    communes = frozenset(communes)
    status = _gaps.commune_status(data, spec, communes, day)
    states, deduced = data.reach(spec.type, spec.min_age, spec.max_age, spec.public, day, communes)
    inferred = {code for code, state in deduced if state == _STATE.get(status.get(code, ""))}
    rows = [CommuneStatus(code, data.communes[code].name, status[code], _instances(states.get(code, {})), code in inferred)
            for code in sorted(communes, key=lambda c: data.communes[c].name)]
    return Layer(label, spec.type, AgeRange(spec.min_age, spec.max_age), spec.public, day, dict(GAP_LEGEND), rows,
                 layer_rules(backend, [spec.type], day, [r.code for r in rows if r.status != _gaps.COVERED]),
                 dict(GAP_COLOURS))


_STATE = {_gaps.COVERED: rules.ACTIVE, _gaps.PROJECT: rules.PROJECT, _gaps.SUSPENDED: rules.SUSPENDED,
          _gaps.UNKNOWN: rules.UNKNOWN}


def _instances(states: dict[str, set[str]]) -> list[str]:
    """The instances behind a commune's category: the active ones, else the planned, else the suspended,
    else those whose state on the day is unknown."""
    for state in (rules.ACTIVE, rules.PROJECT, rules.SUSPENDED, rules.UNKNOWN):
        if states.get(state):
            return sorted(states[state])
    return []


def network_of(backend, territory: str | None = None, threshold: int = 3, on: str | dt.date | None = None) -> NetworkAnswer:
    """The actors' network of the instances covering ``territory`` (on ``on``, or at some time when
    None): scores and redundancies."""
    data = backend.tables
    label, communes = scope_communes(backend, data, territory)
    day = parse_date(on) if on else None
    actors, redundancies = _network.measures(data, communes, threshold, day)
    return NetworkAnswer(label, day, actors, redundancies)


def gap_rows(backend, answer: GapAnswer) -> list[dict]:
    """One row per commune (or arrondissement municipal, asked of one) and spec, for CSV and maps: the
    place, its population and its status."""
    data = backend.tables
    place = {**data.communes, **data.arrondissements}
    return [
        {"departement": r.departement, "type": r.type, "ages": f"{r.ages[0]}-{r.ages[1]}", "public": r.public or "",
         "code": code, "commune": place[code].name, "population": place[code].population, "statut": status}
        for r in answer.reports for status, codes in r.communes.items() for code in codes
    ]
