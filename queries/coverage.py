"""The question planners ask first: which schemes, run by whom, cover this commune, for these ages and
this public, on this date — and how surely, since when, and whether the registry has looked there.

A one-shot command runs the named questions ``who_covers`` (and ``territories_of_commune`` for the
path, ``commune_surveys`` for where the registry has looked); a long-lived session answers from its
coverage index and tables, held equal to the named questions by a test. Each coverage carries the card
the build stored on it; what depends on the date asked is computed at answer time with
``core.rules``: the status in force, the state (actif, en projet, suspendu, terminé, statut
inconnu), and the freshness (the last day a source attests the status in force, and whether that is
older than the type's window: « à confirmer »).

The answer has one entry per instance, with the coverages through which it reaches the commune.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, fields

from core import rules
from core.levels import LEVEL_LABELS, LEVEL_ORDER, Territory
from core.namespaces import PUBLIC, local
from core.terms import AgeRange, parse_ages, parse_date
from core.text import french_date, french_duration, french_period, french_span
from store.cards import Card, Role, Source, Status, parse_card
from store.paths import commune_territories
from store.session import Session

from .concepts import accepted_publics, label_of, many, public_iri, state_codes, type_codes
from .knowledge import TypeAnswer, commune_answers
from .places import Place, commune_iri, resolve_place

__all__ = ["CoverageArea", "HeldRole", "Freshness", "Coverage", "PartialCoverage", "Knowledge", "CoverageAnswer", "who_covers",
           "freshness_of", "roles_on", "instance_coverage", "coverage_rows", "IN_REGISTRY", "OUT_OF_REGISTRY"]

IN_REGISTRY, OUT_OF_REGISTRY = "recense", "hors-registre"


@dataclass
class CoverageArea:
    """One coverage of an instance: the territory it names, for whom, when, how surely its perimeter is
    known; in a who-covers answer, also why it reaches the commune (``path``)."""

    coverage_id: str
    level: str
    level_label: str
    territory: str
    territory_name: str
    ages: AgeRange
    publics: list[str]
    valid_from: dt.date | None
    valid_to: dt.date | None
    #: how surely the perimeter is known (``inferred``: deduced, see the note)
    confidence: str = "verified"
    note: str | None = None
    #: the territories from the commune to the one covered (who-covers only)
    path: list[Territory] = field(default_factory=list)
    #: the publics in French, as the planner reads them (who-covers only)
    public_labels: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class HeldRole(Role):
    """A role of the card as it stands on the day asked (``core.rules.role_on``): ``held``
    en-cours, termine, a-venir or statut-inconnu, and ``when`` it held, in French (« jusqu'en 2018 »)."""

    held: str = rules.HELD
    when: str = ""


def roles_on(roles: list[Role], day: dt.date) -> list[HeldRole]:
    """The card's roles, each with whether it holds on ``day`` and when it held."""
    out = []
    for r in roles:
        when = french_period(r.valid_from, r.valid_to)
        if r.valid_from is None and r.valid_to is None and r.attested_from is not None and r.observed is not None:
            when = f"début inconnu, attesté {french_span(r.attested_from, r.observed)}"
        out.append(HeldRole(**{f.name: getattr(r, f.name) for f in fields(Role)},
                            held=rules.role_on(r.valid_from, r.valid_to, r.attested_from, day), when=when))
    return out


@dataclass(frozen=True)
class Freshness:
    """The last day a source attests the status in force (else anything of the instance), and whether
    that is longer ago than the type's window on the day asked."""

    observed: dt.date | None
    window: str
    stale: bool
    label: str


@dataclass
class Coverage:
    """One instance reaching the commune, in the state it is in on the day asked."""

    instance_id: str
    type: str
    type_label: str
    name: str
    aggregate: bool
    state: str
    state_label: str
    status: Status | None
    freshness: Freshness
    confidence: str
    note: str | None
    coverages: list[CoverageArea] = field(default_factory=list)
    history: list[Status] = field(default_factory=list)
    roles: list[HeldRole] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)


@dataclass
class PartialCoverage(Coverage):
    """An instance reaching a commune only through some of its arrondissements municipaux (decision 0142)."""

    #: the codes of the arrondissements it covers, and the sentence saying so
    arrondissements: list[str] = field(default_factory=list)
    partial: str = ""


@dataclass(frozen=True)
class Knowledge:
    """Whether the registry has looked at the commune, for which types, as of when."""

    registry: str
    message: str
    types: list[str]
    as_of: dt.date | None


@dataclass
class CoverageAnswer:
    commune: Place
    ages: AgeRange
    public: str | None
    on: dt.date
    knowledge: Knowledge
    instances: list[Coverage]
    #: the scheme types asked for (empty: every type)
    types: list[str] = field(default_factory=list)
    #: what the registry knows here for each type asked (``queries.knowledge``): dispositifs
    #: connus, recensé aucun trouvé, type non recensé ici or hors registre, and the national rule
    answers: list[TypeAnswer] = field(default_factory=list)


def freshness_of(card: Card, status: Status | None, window: str, on: dt.date) -> Freshness:
    observed = (rules.last_known(status) if status is not None else None) or card.observed
    stale = rules.stale(observed, window, on)
    if status is not None and status.attested_from is not None and status.observed is not None:
        label = f"attesté {french_span(status.attested_from, status.observed)}"
    else:
        label = f"constaté le {french_date(observed)}" if observed else "jamais constaté"
    if stale:
        label += f" — à confirmer (fenêtre de {french_duration(window)})"
    return Freshness(observed, window, stale, label)


def _reach(card: Card, row: dict, path: list[Territory]) -> CoverageArea:
    return CoverageArea(
        coverage_id=row["coverage"].split("/instance/", 1)[1], level=card.level, level_label=LEVEL_LABELS[card.level],
        territory=local(row["territory"]), territory_name=card.territory_name, ages=AgeRange(row["min"], row["max"]),
        publics=card.publics, valid_from=row["from"], valid_to=row["to"], path=path,
        confidence=card.perimeter_confidence, note=card.perimeter_note,
    )


def instance_coverage(card: Card, reaches: list[CoverageArea], on: dt.date, window: str) -> Coverage:
    """An instance's entry of the answer: its state and freshness on ``on``, and its coverages."""
    status = rules.status_on(card.history, on)
    state = rules.state_of(status)
    return Coverage(
        instance_id=card.instance_id, type=card.type, type_label=card.type_label, name=card.name,
        aggregate=card.aggregate, state=state, state_label=rules.STATE_LABELS[state], status=status,
        freshness=freshness_of(card, status, window, on), confidence=card.confidence, note=card.note,
        coverages=sorted(reaches, key=lambda r: (LEVEL_ORDER.index(r.level), r.coverage_id)),
        history=card.history, roles=roles_on(card.roles, on), sources=card.sources,
    )


def who_covers(
    session: Session,
    place: str | Place,
    ages: str | AgeRange | None = None,
    public: str | Iterable[str] | None = None,
    on: str | dt.date | None = None,
    type: str | Iterable[str] | None = None,
    state: str | Iterable[str] | None = None,
) -> CoverageAnswer:
    """Every scheme instance with a coverage in force reaching the commune ``place`` for ``ages`` and
    ``public`` on ``on`` (of ``type``, or any), in whatever state it is (actif, en projet…).

    Ages overlap rather than contain: a 11-21 scheme is listed for 0-12, with its ages shown.
    A coverage with no start or end date is taken as valid on that side. ``public`` and ``type`` may
    name several values (any of them will do), and ``state`` keeps the instances in one of the states named. ``place`` is what a planner types
    (:func:`~queries.places.resolve_place`: a commune, or an arrondissement municipal) or a place already
    resolved. A commune split into arrondissements is reached in part by an instance covering only some
    of them: its entry is a :class:`PartialCoverage` saying which (« couvre 3 des 16 arrondissements »).
    """
    age_range = parse_ages(ages)
    day = parse_date(on)
    publics = many(public)
    accepted = accepted_publics(session, publics)
    codes = type_codes(session, type)
    states = state_codes(state)
    commune = place if isinstance(place, Place) else resolve_place(session, place)
    if session.answers_from_memory:
        found = session.coverage_index.matching(commune.code, age_range, accepted, day)
        pairs = [(m.card, _reach(m.card, m.row, m.path)) for m in found]
    else:
        wanted = public_iri(session, publics[0]) if len(publics) == 1 else None
        pairs = _queried(session, commune, age_range, wanted, day)
        if len(publics) > 1:
            pairs = [(card, reach) for card, reach in pairs if rules.serves(card.publics, accepted)]
    grouped: dict[str, tuple[Card, list[CoverageArea]]] = {}
    # the card of an instance's first coverage speaks for it (its sources): first by id, on both ways
    pairs.sort(key=lambda pair: pair[1].coverage_id)
    for card, reach in pairs:
        reach.public_labels = [label_of(session, PUBLIC[p], p) for p in reach.publics]
        if not codes or card.type in codes:
            grouped.setdefault(card.instance_id, (card, []))[1].append(reach)
    windows = session.freshness
    items = [_partial(session, commune, instance_coverage(card, reaches, day, windows.get(card.type, windows[None])))
             for card, reaches in grouped.values()]
    if states:
        items = [c for c in items if c.state in states]
    items.sort(key=lambda c: (LEVEL_ORDER.index(c.coverages[0].level), c.type, c.name, c.instance_id))
    return CoverageAnswer(commune=commune, ages=age_range, public=", ".join(publics) or None, on=day,
                          knowledge=_knowledge(session, commune, bool(items)), instances=items, types=codes,
                          answers=commune_answers(session, session.commune_of(commune.code), commune.name, codes,
                                                  {c.type for c in items}, day))


def _queried(session: Session, commune: Place, age_range: AgeRange, wanted: str | None, day: dt.date) -> list[tuple[Card, CoverageArea]]:
    """The answer of the named question ``who_covers``, with the path from ``territories_of_commune``."""
    rows = session.run(
        "who_covers",
        commune=commune_iri(commune),
        minAge=age_range.min,
        maxAge=age_range.max,
        on=day,
        public=wanted,
    )
    territories = commune_territories(session, commune_iri(commune))
    out = []
    for row in rows:
        card = parse_card(row["card"])
        # the question holds the coverage's own period; its instance's creation bounds it here
        if rules.coverage_in_force(row["from"], row["to"], card.history, day):
            if row["territory"] in territories.steps:
                path = territories.path(row["territory"])
            else:  # an arrondissement of the commune asked: it reaches the commune in part
                path = [Territory(card.level, local(row["territory"]), card.territory_name)]
            out.append((card, _reach(card, row, path)))
    return out


def _partial(session: Session, place: Place, entry: Coverage) -> Coverage:
    """``entry`` as a :class:`PartialCoverage` when the instance reaches the commune asked only through
    some of its arrondissements municipaux; else as it is."""
    if getattr(place, "level", "commune") != "commune" or any(r.level != "arrondissement" for r in entry.coverages):
        return entry
    every = sorted(code for code, part in session.arrondissements.items() if part["commune"] == place.code)
    listed = sorted(r.territory for r in entry.coverages)
    return PartialCoverage(**{f.name: getattr(entry, f.name) for f in fields(Coverage)},
                           arrondissements=listed, partial=f"partiel : couvre {len(listed)} des {len(every)} "
                           f"arrondissements ({', '.join(listed)})")


def _knowledge(session: Session, commune: Place, found: bool) -> Knowledge:
    """Where the registry stands on this commune: which types it has looked at, or nothing."""
    surveys = session.surveys_of(commune.code)
    if not surveys:
        message = (f"Hors registre : le registre n'a recensé aucun dispositif pour {commune.name} ; "
                   "l'absence de réponse ne dit pas que la commune n'est pas couverte.")
        if found:
            message = (f"Hors registre pour {commune.name} : seuls des dispositifs d'un territoire plus large "
                       "sont connus ; le registre n'a pas recensé la commune elle-même.")
        return Knowledge(OUT_OF_REGISTRY, message, [], None)
    types = sorted({t for t, _ in surveys if t is not None})
    every = any(t is None for t, _ in surveys)
    as_of = max(d for _, d in surveys)
    what = "tous les types de dispositifs" if every else "les types " + ", ".join(types)
    return Knowledge(IN_REGISTRY, f"Le registre a recensé {commune.name} pour {what} (au {french_date(as_of)}).",
                     [] if every else types, as_of)


def coverage_rows(answer: CoverageAnswer) -> list[dict]:
    """One flat row per instance and coverage, for a spreadsheet: the instance's state, freshness and
    confidence beside each coverage's perimeter and its confidence."""
    from core import jsonable

    rows = []
    for item in answer.instances:
        head = jsonable.plain(item)
        reaches = head.pop("coverages")
        for reach in reaches:
            rows.append({"commune": answer.commune.code, **head, **{f"couverture.{k}": v for k, v in reach.items()}})
    return rows
