"""The tables the analyses and the map layers read, loaded once per session from the named questions.

A national graph gives about 35,000 communes and a few thousand coverages: small enough to hold in
memory, where set operations answer the whole country in seconds. The tables are plain Python data, so
the analyses (and tests on hand-made graphs) never touch a store.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from core import rules
from core.namespaces import iri, local

from .cards import INFERRED, Status, parse_card

__all__ = ["Area", "Arrondissement", "Commune", "CoverageRow", "Expectation", "Inventory", "Survey", "Freshness", "RoleRow",
           "AnalysisData", "load_tables", "expectations_of", "with_publics", "ages_overlap", "periods_overlap", "OUT_OF_REGISTRY",
           "NOT_COVERED", "GAP", "UNKNOWN_COVERAGE"]

#: what is known of a commune for a type when nothing covers it (see ``AnalysisData.knowledge``)
GAP, UNKNOWN_COVERAGE, OUT_OF_REGISTRY = "lacune", "inconnu", "hors-registre"
NOT_COVERED = (GAP, UNKNOWN_COVERAGE)


@dataclass(frozen=True)
class Commune:
    code: str
    name: str
    population: int
    departement: str
    departement_name: str
    region: str


@dataclass(frozen=True)
class Arrondissement:
    """An arrondissement municipal of Paris, Lyon or Marseille: a part of its commune (decision 0142)."""

    code: str
    name: str
    population: int
    commune: str


@dataclass(frozen=True)
class CoverageRow:
    """One coverage: its own period, and its instance's lifecycle (the statuses of its card). A row made
    without a lifecycle (hand-made tables in tests) is taken as active over its period."""

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
    lifecycle: tuple = ()
    #: a count of places (regional capacity), not one instance: covers, never overlaps
    aggregate: bool = False
    #: the perimeter (or the instance) is deduced, not read in a source
    inferred: bool = False

    def state_on(self, day: dt.date) -> str:
        return rules.state_on(self.lifecycle, day) if self.lifecycle else rules.ACTIVE

    def active_period(self) -> tuple[dt.date | None, dt.date | None] | None:
        """The span it covers (:func:`core.rules.covering_period`), None when never active."""
        return rules.covering_period(self.start, self.end, self.lifecycle) if self.lifecycle else (self.start, self.end)

    def in_force(self, day: dt.date) -> bool:
        """Its period holds ``day`` and its instance exists by then (:func:`core.rules.coverage_in_force`)."""
        return rules.coverage_in_force(self.start, self.end, self.lifecycle, day)

    def inferred_on(self, day: dt.date) -> bool:
        """Whether what makes it count on ``day`` is deduced: its perimeter, its instance, or its instance's
        status in force that day (the map hatches it, the tables mark it)."""
        if self.inferred:
            return True
        status = rules.status_on(self.lifecycle, day) if self.lifecycle else None
        return status is not None and getattr(status, "confidence", None) == INFERRED

    def valid_on(self, day: dt.date | None) -> bool:
        """Whether it covers on ``day`` (in force and active); None: at some time."""
        if day is None:
            return self.active_period() is not None
        return self.in_force(day) and self.state_on(day) == rules.ACTIVE


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
class Survey:
    """Where the registry has looked: a territory, a type (None: every type), as of a date."""

    id: str
    territory: str
    type: str | None
    as_of: dt.date


@dataclass(frozen=True)
class Freshness:
    """How long a status stays trustworthy after it is last attested (None type: the default)."""

    type: str | None
    window: str
    reason: str


@dataclass(frozen=True)
class RoleRow:
    instance: str
    role: str
    actor: str
    name: str
    kind: str
    sectors: frozenset[str]


#: the territories holding a commune no territory of the tables holds
_NOWHERE: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Area:
    """A layer's communes as the tables read them (``AnalysisData.area``)."""

    #: the communes, in the layer's order
    communes: tuple
    #: the territories holding each commune (``AnalysisData.holding``), in the same order
    held: tuple[frozenset[str], ...]
    #: the territories holding at least one of them
    touching: frozenset[str]


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
    surveys: list[Survey] = field(default_factory=list)
    freshness: list[Freshness] = field(default_factory=list)
    #: the arrondissements municipaux by code: a coverage of one reaches its commune in part
    arrondissements: dict[str, Arrondissement] = field(default_factory=dict)
    #: commune code → the territories holding it, territory → its coverages, and the areas of the map
    #: layers: made on first use, so that a map layer reads only what touches its communes (``within``),
    #: not the whole country
    _holding: dict[str, frozenset[str]] | None = field(default=None, init=False, repr=False, compare=False)
    _by_territory: dict[str, list[CoverageRow]] | None = field(default=None, init=False, repr=False, compare=False)
    _every_code: frozenset[str] | None = field(default=None, init=False, repr=False, compare=False)
    _areas: dict[tuple[str, str], Area] = field(default_factory=dict, init=False, repr=False, compare=False)
    _looked: dict[str, list[tuple[int, str | None, dt.date]]] | None = field(default=None, init=False, repr=False,
                                                                            compare=False)

    def holding(self) -> dict[str, frozenset[str]]:
        """Commune code → the territories (IRIs) holding it. Whatever the tables say of a commune
        (its states, its surveys) depends on these territories only, and communes held by the same
        ones share one frozenset: a layer decides once per distinct set (two dozen in Occitanie), not
        once per commune. A commune no territory holds is absent."""
        if self._holding is None:
            holding: dict[str, set[str]] = defaultdict(set)
            for territory, codes in self.territory_communes.items():
                for code in codes:
                    holding[code].add(territory)
            shared: dict[frozenset[str], frozenset[str]] = {}
            self._holding = {}
            for code, territories in holding.items():
                held = frozenset(territories)
                self._holding[code] = shared.setdefault(held, held)
        return self._holding

    def looked_at(self, code: str) -> list[tuple[str | None, dt.date]]:
        """(type or None for every type, as-of date) of each survey, then each inventory, whose territory
        holds the commune ``code``, in the tables' order. Asked by every who-covers answer: the
        territories holding the commune (:meth:`holding`) are looked up, not every survey scanned."""
        if self._looked is None:
            looked: dict[str, list[tuple[int, str | None, dt.date]]] = defaultdict(list)
            for rank, (territory, type, as_of) in enumerate([*((s.territory, s.type, s.as_of) for s in self.surveys),
                                                             *((i.territory, i.type, i.as_of) for i in self.inventories)]):
                looked[territory].append((rank, type, as_of))
            self._looked = dict(looked)
        found = [entry for territory in self.holding().get(code, ()) for entry in self._looked.get(territory, ())]
        return [(type, as_of) for _, type, as_of in sorted(found, key=lambda entry: entry[0])]

    def touching(self, within: frozenset[str]) -> set[str]:
        """The territories (IRIs) holding at least one commune of ``within``."""
        holding = self.holding()
        # the distinct sets first: a few dozen unions instead of one per commune
        return set().union(*{holding[code] for code in within if code in holding})

    def area(self, communes: Sequence) -> Area:
        """``communes`` (records with a ``code``, in the layer's order) with what holds each."""
        holding = self.holding()
        held = tuple(holding.get(c.code, _NOWHERE) for c in communes)
        return Area(tuple(communes), held, frozenset().union(*set(held)))

    def area_in(self, level: str, code: str) -> Area:
        """The communes of a département or a région (``level``: departement, region) by code, as an
        :class:`Area`: kept, since a map asks for the same few areas again and again (walking the
        country's communes each time was a fifth of Occitanie's layer)."""
        found = self._areas.get((level, code))
        if found is None:
            found = self._areas[(level, code)] = self.area(sorted(
                (c for c in self.communes.values() if (c.departement if level == "departement" else c.region) == code),
                key=lambda c: c.code))
        return found

    def _narrowed(self, within: frozenset[str] | None) -> frozenset[str] | None:
        """``within``, or None when it holds every commune any territory has (all of France): cutting
        each coverage's communes to it would then change nothing and cost an intersection each."""
        if within is None:
            return None
        if self._every_code is None:
            self._every_code = frozenset(self.communes).union(*self.territory_communes.values())
        return None if within >= self._every_code else within

    def _coverages_of(self, territories: Iterable[str] | None) -> list[CoverageRow]:
        """The coverages of ``territories`` (None: every coverage)."""
        if territories is None:
            return self.coverages
        if self._by_territory is None:
            by_territory: dict[str, list[CoverageRow]] = defaultdict(list)
            for c in self.coverages:
                by_territory[c.territory].append(c)
            self._by_territory = dict(by_territory)
        return [c for t in territories for c in self._by_territory.get(t, ())]

    def _communes_within(self, territory: str, within: frozenset[str] | None) -> frozenset[str]:
        codes = self.communes_of(territory)
        return codes if within is None else codes & within

    def window(self, type: str | None) -> Freshness:
        """The freshness window of a type: its own, else the default (two years if none is declared)."""
        found = {f.type: f for f in self.freshness}
        return found.get(type) or found.get(None) or Freshness(None, "P2Y", "fenêtre par défaut")

    def surveyed(self, type: str | None, within: frozenset[str] | None = None) -> frozenset[str]:
        """The communes the registry has looked at for ``type`` (None: for any type), inventories
        included; only those of ``within`` when given."""
        codes: set[str] = set()
        within = self._narrowed(within)
        touching = self.touching(within) if within is not None else None
        for territory in self.surveying(type):
            if touching is None or territory in touching:
                codes |= self._communes_within(territory, within)
        return frozenset(codes)

    def surveying(self, type: str | None) -> frozenset[str]:
        """The territories (IRIs) the registry has looked at for ``type`` (None: for any type): its
        surveys and its inventories."""
        return frozenset([s.territory for s in self.surveys if type is None or s.type in (None, type)]
                         + [inv.territory for inv in self.inventories if type is None or inv.type == type])

    def inventoried(self, type: str, day: dt.date, within: frozenset[str] | None = None) -> tuple[frozenset[str], list[Inventory]]:
        """The communes inside an inventory of ``type`` still fresh on ``day`` (only those of ``within``
        when given), and the stale inventories: past its freshness window an inventory no longer makes
        an uncovered commune a gap."""
        stale = self.stale_inventories(type, day)
        within = self._narrowed(within)
        codes: set[str] = set()
        for inv in self.inventories:
            if inv.type == type and inv not in stale:
                codes |= self._communes_within(inv.territory, within)
        return frozenset(codes), stale

    def stale_inventories(self, type: str, day: dt.date) -> list[Inventory]:
        """The inventories of ``type`` past their freshness window on ``day``."""
        window = self.window(type).window
        return [inv for inv in self.inventories if inv.type == type and rules.stale(inv.as_of, window, day)]

    def states(self, type: str | None, min_age: int, max_age: int, public: str | None,
               day: dt.date, within: frozenset[str] | None = None) -> dict[str, dict[str, set[str]]]:
        """Commune code → state (``core.rules.STATES``) → the instances whose coverages in force
        on ``day`` (of ``type``, ages overlapping, serving ``public``) reach it in that state; only the
        communes of ``within`` when given (a map layer: what touches them is read, not the country)."""
        return self.reach(type, min_age, max_age, public, day, within)[0]

    def inferred_reach(self, type: str | None, min_age: int, max_age: int, public: str | None,
                       day: dt.date, within: frozenset[str] | None = None) -> set[tuple[str, str]]:
        """(commune, state) pairs reached by a coverage whose perimeter or instance is deduced."""
        return self.reach(type, min_age, max_age, public, day, within)[1]

    def reach(self, type: str | None, min_age: int, max_age: int, public: str | None, day: dt.date,
              within: frozenset[str] | None = None) -> tuple[dict[str, dict[str, set[str]]], set[tuple[str, str]]]:
        """:meth:`states` and :meth:`inferred_reach` in one pass over the coverages (the gaps layer needs
        both: the pass is most of its time)."""
        found: dict[str, dict[str, set[str]]] = {}
        inferred: set[tuple[str, str]] = set()
        within = self._narrowed(within)
        for c, state in self.matching(type, min_age, max_age, public, day,
                                      None if within is None else self.touching(within)):
            instance = c.instance
            codes = self._communes_within(c.territory, within)
            for code in codes:
                by_state = found.get(code)
                if by_state is None:
                    by_state = found[code] = {}
                by_state.setdefault(state, set()).add(instance)
            if c.inferred_on(day):
                inferred.update((code, state) for code in codes)
        return found, inferred

    def matching(self, type: str | None, min_age: int, max_age: int, public: str | None, day: dt.date,
                 territories: Iterable[str] | None = None) -> list[tuple[CoverageRow, str]]:
        """The coverages in force on ``day`` of ``type`` (None: any), ages overlapping, serving
        ``public``, each with its state on ``day``; only those of ``territories`` when given (the
        territories touching a layer's communes)."""
        accepted = self.accepted(public)
        return [(c, c.state_on(day)) for c in self._coverages_of(territories)
                if (type is None or c.type == type) and c.in_force(day)
                and rules.ages_overlap(c.min_age, c.max_age, min_age, max_age) and rules.serves(c.publics, accepted)]

    def communes_of(self, territory: str) -> frozenset[str]:
        """The communes a territory holds; an arrondissement municipal's: its commune, held in part."""
        return self.territory_communes.get(territory, frozenset())

    def part_of(self, territory: str) -> Arrondissement | None:
        """The arrondissement municipal ``territory`` (an IRI) is, or None."""
        code = territory.rsplit("/", 1)[-1]
        part = self.arrondissements.get(code)
        return part if part is not None and territory.endswith(f"/arrondissement/{code}") else None

    def cells_of(self, territory: str) -> frozenset[str]:
        """The smallest places a territory holds: its communes, each split into its arrondissements
        municipaux (Paris, Lyon, Marseille); an arrondissement: itself. Two coverages meet where
        their cells do (two CPTS of different arrondissements of Marseille do not)."""
        part = self.part_of(territory)
        if part is not None:
            return frozenset((part.code,))
        codes = self.communes_of(territory)
        split = self._split
        if split.keys().isdisjoint(codes):
            return codes
        return frozenset(c for code in codes for c in (split[code] if code in split else (code,)))

    def arrondissements_of(self, commune: str) -> tuple[str, ...]:
        """The codes of a commune's arrondissements municipaux, in order (() for any other commune)."""
        return self._split.get(commune, ())

    @cached_property
    def _split(self) -> dict[str, tuple[str, ...]]:
        """Commune code → its arrondissements' codes, for the communes split into arrondissements."""
        found: dict[str, list[str]] = {}
        for a in self.arrondissements.values():
            found.setdefault(a.commune, []).append(a.code)
        return {c: tuple(sorted(codes)) for c, codes in found.items()}

    def commune_of(self, cell: str) -> str:
        """The commune of a cell (:meth:`cells_of`): an arrondissement's commune, else the code itself."""
        part = self.arrondissements.get(cell)
        return part.commune if part is not None else cell

    def population(self, codes) -> int:
        """The population of communes (or of arrondissements municipaux: cells)."""
        total = 0
        for c in codes:
            if c in self.communes:
                total += self.communes[c].population
            elif c in self.arrondissements:
                total += self.arrondissements[c].population
        return total

    def publics_overlap(self, a: frozenset[str], b: frozenset[str]) -> bool:
        """Two sets of publics share someone: the same public, one under the other, or everyone."""
        if "tout-public" in a or "tout-public" in b:
            return True
        return any(p == q or q in self.broader.get(p, ()) or p in self.broader.get(q, ()) for p in a for q in b)

    def public_served(self, coverage_publics: frozenset[str], public: str) -> bool:
        """A coverage serves ``public`` if it is for it, for a broader public, or for everyone."""
        return rules.serves(coverage_publics, frozenset({public, rules.EVERYONE} | self.broader.get(public, frozenset())))

    def accepted(self, public: str | None) -> frozenset[str] | None:
        """The publics whose coverages serve ``public`` (itself, broader ones, everyone); None: any."""
        if public is None:
            return None
        return frozenset({public, rules.EVERYONE} | self.broader.get(public, frozenset()))

    def covering(self, type: str | None, min_age: int, max_age: int, public: str | None,
                 day: dt.date) -> dict[str, set[str]]:
        """Commune code → the instances covering it on ``day`` (:func:`core.rules.covers`: in
        force and active): a coverage of ``type`` (None: any type) whose ages overlap and which serves
        ``public``."""
        return {code: states[rules.ACTIVE] for code, states in self.states(type, min_age, max_age, public, day).items()
                if states.get(rules.ACTIVE)}

    def functions_overlap(self, a: str, b: str) -> bool:
        return a == b or b in self.related.get(a, ())


def ages_overlap(a: tuple[int, int], b: tuple[int, int]) -> tuple[int, int] | None:
    """The shared ages of two ranges, or None (:func:`core.rules.ages_overlap`)."""
    low, high = max(a[0], b[0]), min(a[1], b[1])
    return (low, high) if low <= high else None


def periods_overlap(a: CoverageRow, b: CoverageRow) -> tuple[dt.date | None, dt.date | None] | None:
    """The shared active period of two coverages (None ends are open), or None when they never coexist."""
    pa, pb = a.active_period(), b.active_period()
    if pa is None or pb is None:
        return None
    starts = [d for d in (pa[0], pb[0]) if d is not None]
    ends = [d for d in (pa[1], pb[1]) if d is not None]
    start, end = (max(starts) if starts else None), (min(ends) if ends else None)
    if start is not None and end is not None and start > end:
        return None
    return start, end


def with_publics(rows: list[dict]) -> dict[str, tuple[dict, frozenset[str]]]:
    """Rows of ``analysis_coverages`` (one per coverage and public) → coverage IRI → a row and its publics."""
    publics: dict[str, set[str]] = {}
    first: dict[str, dict] = {}
    for r in rows:
        publics.setdefault(r["coverage"], set()).add(r["public"])
        first.setdefault(r["coverage"], r)
    return {uri: (row, frozenset(publics[uri])) for uri, row in first.items()}


def _coverages(rows: list[dict]) -> list[CoverageRow]:
    out = []
    for uri, (r, publics) in sorted(with_publics(rows).items()):
        card = parse_card(r["card"])
        out.append(CoverageRow(
            instance=card.instance_id, coverage=uri.split("/instance/", 1)[1], type=r["type"],
            name=card.name, territory=r["territory"], min_age=r["min"], max_age=r["max"],
            publics=publics, start=r["from"], end=r["to"], sources=tuple(_plain_source(s) for s in card.sources),
            lifecycle=tuple(card.history) or (_NO_STATUS,), aggregate=card.aggregate,
            inferred=INFERRED in (card.perimeter_confidence, card.confidence),
        ))
    return out


#: the lifecycle of an instance whose card names no status: its state is always unknown
_NO_STATUS = Status("inconnu", "statut inconnu", None, None)


def _plain_source(source) -> dict:
    return {"title": source.title, "date": source.date.isoformat() if source.date else None,
            "excerpt": source.excerpt or source.paraphrase, "file": source.file, "url": source.url}


def _source(row: dict) -> dict:
    return {"title": row["title"], "excerpt": row["excerpt"]}


def expectations_of(rows: list[dict]) -> list[Expectation]:
    """The rules of ``ontology/expectations.ttl`` from the rows of the named question ``expectations``."""
    return sorted((Expectation(local(r["expectation"]), r["label"], r["type"], r["min"], r["max"], r["public"], r["from"],
                               r["territory"], r["confidence"] or "verified", _source(r)) for r in rows),
                  key=lambda e: e.id)


def load_tables(backend) -> AnalysisData:
    """Read the tables from ``backend`` (a session keeps them: ``Session.tables``)."""
    communes = {
        r["code"]: Commune(r["code"], r["name"], r["population"] or 0, r["departement"], r["departementName"], r["region"])
        for r in backend.run("commune_table")
    }
    territory_communes: dict[str, set[str]] = defaultdict(set)
    for r in backend.run("covered_communes"):
        territory_communes[r["territory"]].add(r["code"])
    arrondissements = {r["code"]: Arrondissement(r["code"], r["name"], r["population"] or 0, r["commune"])
                       for r in backend.run("arrondissement_table")}
    for a in arrondissements.values():  # an arrondissement reaches its commune, in part
        territory_communes[iri("arrondissement", a.code)].add(a.commune)
    broader: dict[str, set[str]] = defaultdict(set)
    for r in backend.run("public_broader"):
        broader[r["public"]].add(r["broader"])
    sectors: dict[tuple[str, str, str, str, str], set[str]] = defaultdict(set)
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
        expectations=expectations_of(backend.run("expectations")),
        inventories=sorted(
            (Inventory(local(r["inventory"]), r["type"], r["territory"], r["asOf"], r["confidence"] or "verified", _source(r))
             for r in backend.run("inventories")),
            key=lambda i: i.id,
        ),
        roles=sorted((RoleRow(*key, frozenset(s)) for key, s in sectors.items()), key=lambda r: (r.instance, r.role, r.actor)),
        related={t: frozenset(r) for t, r in related.items()},
        surveys=sorted((Survey(local(r["survey"]), r["territory"], r["type"], r["asOf"]) for r in backend.run("surveys")),
                       key=lambda s: (s.id, s.type or "")),
        freshness=sorted((Freshness(r["type"], r["window"], r["reason"]) for r in backend.run("freshness")),
                         key=lambda f: f.type or ""),
        arrondissements=arrondissements,
    )
    return data
