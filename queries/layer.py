"""A map layer: for every commune of a territory, whether schemes (of a type) cover it, and which.

A layer is a status per commune with a legend: any per-commune measure (coverage, gaps) is published in
this shape and drawn by the same map. The coverage layer reads the session's tables and decides with
``AnalysisData.covering`` (``maillage.core.rules.covers``), the very function the gaps read: where
their questions are the same, the two layers agree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from maillage.core.terms import AgeRange, parse_ages, parse_date
from maillage.store.session import Session

from .catalogue import territory_communes
from .concepts import public_iri, type_code

__all__ = ["CommuneStatus", "Layer", "coverage_layer", "COVERAGE_LEGEND"]

COVERAGE_LEGEND = {"couverte": "Couverte par au moins un dispositif", "non-couverte": "Aucun dispositif connu"}


@dataclass(frozen=True)
class CommuneStatus:
    code: str
    name: str
    status: str
    instances: list[str]


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
    covering = session.tables.covering(wanted, age_range.min, age_range.max, public.strip() if public else None, day)
    statuses = [
        CommuneStatus(c.code, c.name, "couverte" if covering.get(c.code) else "non-couverte", sorted(covering.get(c.code, ())))
        for c in communes
    ]
    return Layer(f"{kind}:{code}", wanted, age_range, public, day, dict(COVERAGE_LEGEND), statuses)
