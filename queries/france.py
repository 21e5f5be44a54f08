"""What Maillage knows of France: per scheme type and département, what the registry holds.

For each type (or one) and each département the registry has anything on, on a day: the instances of
the type reaching it (in whatever state), the communes and population an active one covers, whether the
registry surveyed it for the type and whether it holds an inventory (its complete list) there, as of
when and over how many of its communes; and per type the national figure a source gives
(``queries.national_figures``). Everything is computed from the session's tables (the same on both
backends), never from a list of départements: a registry file added for a new région shows up here
at its next build.

A département's knowledge of a type is the strongest of (decision 0150):

- ``inventaire``: an inventory of the type holds some of its communes: there, an uncovered commune is
  a gap, and the answers can be trusted;
- ``recense``: a survey names the type (or every type) there, without declaring the list complete;
- ``connu``: instances of the type are known there, but the registry never surveyed it for the type;
- ``type-non-recense``: the registry looked there for other types only;
- ``hors-registre``: nothing (the départements not listed).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from core import rules
from core.terms import parse_date
from store.session import Session

from . import palette
from .concepts import type_code
from .national_figures import NationalFigure, figures_of

__all__ = ["KNOWLEDGE", "KNOWLEDGE_COLOURS", "DepartementKnowledge", "TypeKnowledge", "FranceKnowledge", "knowledge_of_france",
           "summary_line"]

#: each département's knowledge of a type, strongest first, and how a planner reads it
KNOWLEDGE = {
    "inventaire": "Inventaire : le registre tient la liste complète du type",
    "recense": "Recensé : le registre a cherché ce type ici",
    "connu": "Dispositifs connus, sans recensement du type",
    "type-non-recense": "Type non recensé : le registre a regardé ici pour d'autres types seulement",
    "hors-registre": "Hors registre : le registre n'a rien ici",
}
#: one colour per knowledge, the map's (``queries.palette``)
KNOWLEDGE_COLOURS = {"inventaire": palette.COVERED, "recense": palette.SURVEYED, "connu": palette.PROJECT,
                     "type-non-recense": palette.NOT_SURVEYED, "hors-registre": palette.OUT}


@dataclass(frozen=True)
class DepartementKnowledge:
    """What the registry holds of one type (None: every type) in one département."""

    code: str
    name: str
    region: str
    region_name: str
    knowledge: str
    label: str
    communes: int
    population: int
    #: the names of the instances of the type reaching the département on the day, in any state
    instances: list[str]
    communes_covered: int
    population_covered: int
    surveyed: bool
    surveyed_as_of: dt.date | None
    #: how many of its communes a survey of the type (or of every type) holds
    surveyed_communes: int
    inventory: bool
    inventory_as_of: dt.date | None
    inventory_communes: int


@dataclass(frozen=True)
class TypeKnowledge:
    """One type across France: the départements the registry knows, the instances, the national figure."""

    type: str | None
    label: str
    #: « CPTS : 12 connues en Occitanie ; environ 800 en France (FINESS, juillet 2026) »
    summary: str
    instances: int
    communes_covered: int
    population_covered: int
    national: list[NationalFigure]
    departements: list[DepartementKnowledge] = field(default_factory=list)


@dataclass(frozen=True)
class FranceKnowledge:
    on: dt.date
    #: départements in the geography, whether the registry knows them or not
    departements_total: int
    legend: dict[str, str]
    colours: dict[str, str]
    types: list[TypeKnowledge]


@dataclass
class _Looked:
    communes: set[str] = field(default_factory=set)
    as_of: dt.date | None = None

    def add(self, codes, as_of: dt.date) -> None:
        self.communes |= codes
        self.as_of = max(self.as_of or as_of, as_of)


def knowledge_of_france(session: Session, type: str | None = None, on: str | dt.date | None = None,
                        every_type: bool = True) -> FranceKnowledge:
    """What the registry knows, per type (``type`` alone when given; with ``every_type``, a first entry
    for all types together) and per département, on ``on`` (default: today)."""
    day = parse_date(on)
    tables = session.tables
    code = type_code(session, type)
    if code:
        types: list[str | None] = [code]
    else:
        named = {c.type for c in tables.coverages} | {s.type for s in tables.surveys if s.type}
        named |= {i.type for i in tables.inventories} | {e.type for e in tables.expectations}
        types = ([None] if every_type else []) + sorted(named)
    by_departement: dict[str, list] = defaultdict(list)
    for commune in tables.communes.values():
        by_departement[commune.departement].append(commune)
    surveys, inventories = _looked(session)
    regions = {k: v for (level, k), v in session.territory_names.items() if level == "region"}
    found = [_type_knowledge(session, t, day, by_departement, surveys, inventories, regions) for t in types]
    return FranceKnowledge(day, len(by_departement), KNOWLEDGE, KNOWLEDGE_COLOURS, found)


def _looked(session: Session) -> tuple[dict, dict]:
    """(type or None, département) → the communes a survey (an inventory) of the type holds there, and
    as of when; a survey of every type is filed under None."""
    tables = session.tables
    communes = tables.communes
    surveys: dict[tuple[str | None, str], _Looked] = defaultdict(_Looked)
    inventories: dict[tuple[str | None, str], _Looked] = defaultdict(_Looked)
    for records, into in ((tables.surveys, surveys), (tables.inventories, inventories)):
        for r in records:
            per: dict[str, set[str]] = defaultdict(set)
            for c in tables.communes_of(r.territory):
                if c in communes:
                    per[communes[c].departement].add(c)
            for departement, codes in per.items():
                into[(r.type, departement)].add(codes, r.as_of)
    return surveys, inventories


def _merged(found: dict, type: str | None, departement: str) -> _Looked:
    """What looked at ``departement`` for ``type``: its own and every type's (None: any type at all)."""
    merged = _Looked()
    for (t, d), looked in found.items():
        if d == departement and (type is None or t in (None, type)):
            merged.add(looked.communes, looked.as_of)
    return merged


def _type_knowledge(session: Session, type: str | None, day: dt.date, by_departement: dict, surveys: dict,
                    inventories: dict, regions: dict[str, str]) -> TypeKnowledge:
    tables = session.tables
    communes = tables.communes
    reached: dict[str, set[str]] = defaultdict(set)     # département → instance names
    covered: set[str] = set()
    cells: set[str] = set()  # communes and arrondissements municipaux an active instance covers
    names: set[str] = set()
    for c, state in tables.matching(type, 0, 120, None, day):
        names.add(c.instance)
        for code in tables.communes_of(c.territory):
            if code in communes:
                reached[communes[code].departement].add(c.name)
                if state == rules.ACTIVE:
                    covered.add(code)
        if state == rules.ACTIVE:
            cells |= tables.cells_of(c.territory)

    # A commune covered in part (some of its arrondissements municipaux) counts among the communes
    # covered, as the gaps count it, with the population of the arrondissements covered only.
    people: dict[str, int] = defaultdict(int)
    for cell in cells:
        people[tables.commune_of(cell)] += tables.population((cell,))

    def covered_population(here: set[str]) -> int:
        return sum(people.get(code, 0) for code in here)

    looked_any = {d for (_, d) in surveys} | {d for (_, d) in inventories}
    rows = []
    for departement in sorted(set(reached) | looked_any):
        members = by_departement.get(departement, [])
        if not members:
            continue
        rows.append(_departement(departement, members, type, reached, covered, surveys, inventories, regions,
                                 tables.population, covered_population))
    label = "tous les types" if type is None else session.concepts.get(
        f"https://w3id.org/maillage/type/{type}", {}).get("label", type)
    national = figures_of(type) if type else []
    total_covered = sum(r.communes_covered for r in rows)
    population = sum(r.population_covered for r in rows)
    return TypeKnowledge(type, label, summary_line(type, rows, len(names), national), len(names), total_covered,
                         population, national, rows)


def _departement(departement: str, members: list, type: str | None, reached: dict, covered: set, surveys: dict,
                 inventories: dict, regions: dict[str, str], population, covered_population) -> DepartementKnowledge:
    codes = {c.code for c in members}
    surveyed = _merged(surveys, type, departement)
    inventory = _merged(inventories, type, departement) if type else _merged(inventories, None, departement)
    here = covered & codes
    other = _merged(surveys, None, departement).communes or _merged(inventories, None, departement).communes
    if inventory.communes:
        knowledge = "inventaire"
    elif surveyed.communes:
        knowledge = "recense"
    elif reached.get(departement):
        knowledge = "connu"
    elif other:
        knowledge = "type-non-recense"
    else:
        knowledge = "hors-registre"
    first = members[0]
    return DepartementKnowledge(
        departement, first.departement_name, first.region, regions.get(first.region, first.region), knowledge,
        KNOWLEDGE[knowledge], len(codes), population(codes), sorted(reached.get(departement, ())), len(here),
        covered_population(here), bool(surveyed.communes), surveyed.as_of, len(surveyed.communes & codes),
        bool(inventory.communes), inventory.as_of, len(inventory.communes & codes))


def summary_line(type: str | None, rows: list[DepartementKnowledge], instances: int,
                 national: list[NationalFigure]) -> str:
    """« CPTS : 12 connue(s) en Occitanie, 70 en Provence-Alpes-Côte d'Azur ; environ 800 en France
    (FINESS, juillet 2026) »: the instances known per région (an instance reaching two régions is
    counted in each), then the first national figure."""
    per_region: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        per_region[r.region_name].update(r.instances)
    known = [f"{len(n)} en {region}" for region, n in sorted(per_region.items(), key=lambda kv: (-len(kv[1]), kv[0])) if n]
    what = type or "Tous types"
    line = f"{what} : {instances} dispositif(s) connu(s)" + (f" ({', '.join(known)})" if known else "")
    if national:
        f = national[0]
        line += f" ; {f.text} en France ({f.cited})"
    return line
