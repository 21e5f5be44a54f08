"""The tables the analyses read, loaded once per backend from the named questions.

A national graph gives about 35,000 communes and a few thousand coverages: small enough to hold in
memory, where set operations answer the whole country in seconds. The tables are plain Python data, so
the analyses (and tests on hand-made graphs) never touch a store.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass, field

from maillage.errors import InvalidQuery
from maillage.ingest.registry import parse_territory
from maillage.namespaces import iri, local
from maillage.queries.coverage import with_publics

__all__ = ["Commune", "CoverageRow", "Expectation", "Inventory", "RoleRow", "AnalysisData", "load", "ages_overlap",
           "periods_overlap"]

#: A status after which an instance covers nothing, whatever its coverage's own dates say.
TERMINAL = {"ended", "abandoned"}


@dataclass(frozen=True)
class Commune:
    code: str
    name: str
    population: int
    departement: str
    departement_name: str
    region: str


@dataclass(frozen=True)
class CoverageRow:
    """One coverage, with the end its instance's lifecycle gives it (an ended instance covers nothing)."""

    instance: str
    coverage: str
    type: str
    name: str
    territory: str
    min_age: int
    max_age: int
    publics: frozenset[str]
    start: dt.date | None
    end: dt.date | None
    sources: tuple[dict, ...] = ()

    def valid_on(self, day: dt.date | None) -> bool:
        return day is None or ((self.start is None or self.start <= day) and (self.end is None or self.end >= day))


@dataclass(frozen=True)
class Expectation:
    id: str
    label: str
    type: str
    min_age: int
    max_age: int
    #: None: any coverage of the type counts, whatever its public
    public: str | None
    due: dt.date | None
    territory: str | None
    confidence: str
    source: dict


@dataclass(frozen=True)
class Inventory:
    id: str
    type: str
    territory: str
    as_of: dt.date
    confidence: str
    source: dict


@dataclass(frozen=True)
class RoleRow:
    instance: str
    role: str
    actor: str
    name: str
    kind: str
    sectors: frozenset[str]


@dataclass
class AnalysisData:
    """Everything the analyses compare, as plain data."""

    communes: dict[str, Commune]
    coverages: list[CoverageRow]
    #: territory IRI -> codes of its current communes
    territory_communes: dict[str, frozenset[str]]
    #: public -> the broader publics it falls under
    broader: dict[str, frozenset[str]] = field(default_factory=dict)
    expectations: list[Expectation] = field(default_factory=list)
    inventories: list[Inventory] = field(default_factory=list)
    roles: list[RoleRow] = field(default_factory=list)
    #: scheme type -> the types whose functions overlap with it (skos:related, both ways)
    related: dict[str, frozenset[str]] = field(default_factory=dict)

    def communes_of(self, territory: str) -> frozenset[str]:
        return self.territory_communes.get(territory, frozenset())

    def population(self, codes) -> int:
        return sum(self.communes[c].population for c in codes if c in self.communes)

    def publics_overlap(self, a: frozenset[str], b: frozenset[str]) -> bool:
        """Two sets of publics share someone: the same public, one under the other, or everyone."""
        if "tout-public" in a or "tout-public" in b:
            return True
        return any(p == q or q in self.broader.get(p, ()) or p in self.broader.get(q, ()) for p in a for q in b)

    def public_served(self, coverage_publics: frozenset[str], public: str) -> bool:
        """A coverage serves ``public`` if it is for it, for a broader public, or for everyone."""
        return bool(coverage_publics & ({public, "tout-public"} | self.broader.get(public, frozenset())))

    def functions_overlap(self, a: str, b: str) -> bool:
        return a == b or b in self.related.get(a, ())


def ages_overlap(a: tuple[int, int], b: tuple[int, int]) -> tuple[int, int] | None:
    low, high = max(a[0], b[0]), min(a[1], b[1])
    return (low, high) if low <= high else None


def periods_overlap(a: CoverageRow, b: CoverageRow) -> tuple[dt.date | None, dt.date | None] | None:
    """The shared period of two coverages (None ends are open), or None when they never coexist."""
    starts = [d for d in (a.start, b.start) if d is not None]
    ends = [d for d in (a.end, b.end) if d is not None]
    start, end = (max(starts) if starts else None), (min(ends) if ends else None)
    if start is not None and end is not None and start > end:
        return None
    return start, end


def _lifecycle_end(history: list[dict]) -> dt.date | None:
    """The start of a final ended/abandoned status: the instance covers nothing after it."""
    if history and history[-1]["value"] in TERMINAL:
        return dt.date.fromisoformat(history[-1]["valid_from"])
    return None


def _coverages(rows: list[dict]) -> list[CoverageRow]:
    out = []
    for uri, (r, publics) in sorted(with_publics(rows).items()):
        card = json.loads(r["card"])
        end = r["to"]
        closed = _lifecycle_end(card["history"])
        if closed is not None and (end is None or closed < end):
            end = closed
        out.append(CoverageRow(
            instance=card["instance_id"], coverage=uri.split("/instance/", 1)[1], type=r["type"],
            name=card["name"], territory=r["territory"], min_age=r["min"], max_age=r["max"],
            publics=publics, start=r["from"], end=end, sources=tuple(card["sources"]),
        ))
    return out


def _source(row: dict) -> dict:
    return {"title": row["title"], "excerpt": row["excerpt"]}


def load(backend) -> AnalysisData:
    """Read the analysis tables from ``backend`` (cached on it: a build never changes)."""
    cached = getattr(backend, "_analysis", None)
    if cached is not None:
        return cached
    communes = {
        r["code"]: Commune(r["code"], r["name"], r["population"] or 0, r["departement"], r["departementName"], r["region"])
        for r in backend.run("commune_table")
    }
    territory_communes: dict[str, set[str]] = defaultdict(set)
    for r in backend.run("covered_communes"):
        territory_communes[r["territory"]].add(r["code"])
    broader: dict[str, set[str]] = defaultdict(set)
    for r in backend.run("public_broader"):
        broader[r["public"]].add(r["broader"])
    sectors: dict[tuple, set[str]] = defaultdict(set)
    for r in backend.run("analysis_roles"):
        key = (local(r["instance"]), r["role"], local(r["actor"]), r["name"], r["kind"])
        sectors[key].update([r["sector"]] if r["sector"] else [])
    related: dict[str, set[str]] = defaultdict(set)
    for r in backend.run("related_types"):
        related[r["a"]].add(r["b"])
        related[r["b"]].add(r["a"])
    data = AnalysisData(
        communes=communes,
        coverages=_coverages(backend.run("analysis_coverages")),
        territory_communes={t: frozenset(c) for t, c in territory_communes.items()},
        broader={p: frozenset(b) for p, b in broader.items()},
        expectations=sorted(
            (Expectation(local(r["expectation"]), r["label"], r["type"], r["min"], r["max"], r["public"], r["from"],
                         r["territory"], r["confidence"] or "verified", _source(r))
             for r in backend.run("expectations")),
            key=lambda e: e.id,
        ),
        inventories=sorted(
            (Inventory(local(r["inventory"]), r["type"], r["territory"], r["asOf"], r["confidence"] or "verified", _source(r))
             for r in backend.run("inventories")),
            key=lambda i: i.id,
        ),
        roles=sorted((RoleRow(*key, frozenset(s)) for key, s in sectors.items()), key=lambda r: (r.instance, r.role, r.actor)),
        related={t: frozenset(r) for t, r in related.items()},
    )
    backend._analysis = data  # type: ignore[attr-defined]
    return data


def scope_communes(backend, data: AnalysisData, territory: str | None) -> tuple[str, frozenset[str]]:
    """The label and communes of the territory an analysis is asked for (None: all of France).

    ``territory`` is a registry reference (``departement:31``, ``territoire:comminges``…).
    """
    if territory is None:
        return "France", frozenset(data.communes)
    parsed = parse_territory(territory)
    if parsed is None:
        raise InvalidQuery(
            f"Territoire « {territory} » mal écrit : attendu departement:31, region:76, epci:200068641, "
            "commune:31395 ou territoire:<id>."
        )
    uri = iri(*parsed)
    codes = data.territory_communes.get(uri)
    if codes is None:
        codes = frozenset(r["code"] for r in backend.run("communes_in_territory", territory=uri))
    if not codes:
        raise InvalidQuery(f"Territoire « {territory} » inconnu ou sans commune.")
    return territory, codes
