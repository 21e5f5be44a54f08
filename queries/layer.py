"""A map layer: for every commune of a territory, whether schemes (of a type) cover it, and which.

This is the coverage question asked for all the communes of a territory at once (``who_covers`` with
one binding row per commune, one evaluation on the embedded store), so the map colours a commune
exactly as the answer for that commune reads. A layer is a status per commune with a legend: any other
per-commune measure (gaps, overlaps) can be published in the same shape and drawn by the same map.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from maillage.errors import InvalidQuery
from maillage.namespaces import TYPE, iri

from .backend import Backend
from .catalogue import territory_communes
from .coverage import AgeRange, concepts, parse_ages, parse_date, public_iri

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


def _type_of(backend: Backend, row: dict) -> str:
    """The scheme type in a coverage's card, remembered per backend: cards do not change within a build."""
    types = backend.__dict__.setdefault("_coverage_types", {})
    if row["coverage"] not in types:
        types[row["coverage"]] = json.loads(row["card"])["type"]
    return types[row["coverage"]]


def coverage_layer(
    backend: Backend,
    kind: str,
    code: str,
    type: str | None = None,
    ages: str | None = None,
    public: str | None = None,
    on: str | dt.date | None = None,
) -> Layer:
    """Each commune of the territory ``kind``/``code``: covered or not, and by which instances."""
    age_range, day, wanted = parse_ages(ages), parse_date(on), public_iri(backend, public)
    type_code = type.strip().upper() if type else None
    if type_code and str(TYPE[type_code]) not in concepts(backend):
        raise InvalidQuery(f"Type de dispositif « {type} » inconnu.")
    communes = territory_communes(backend, kind, code)
    params = [
        {"commune": iri("commune", c.code), "minAge": age_range.min, "maxAge": age_range.max, "on": day, "public": wanted}
        for c in communes
    ]
    covering: dict[str, set[str]] = {}
    for row in backend.run_rows("who_covers", params) if params else []:
        if type_code is None or _type_of(backend, row) == type_code:
            covering.setdefault(row["commune"].rsplit("/", 1)[1], set()).add(row["instance"].rsplit("/", 1)[1])
    statuses = [
        CommuneStatus(c.code, c.name, "couverte" if covering.get(c.code) else "non-couverte", sorted(covering.get(c.code, ())))
        for c in communes
    ]
    return Layer(f"{kind}:{code}", type_code, age_range, public, day, dict(COVERAGE_LEGEND), statuses)
