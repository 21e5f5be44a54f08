"""Scheme instances as a planner browses them: a filtered list, and one instance in full.

Both read the named question ``instance_coverages`` (the coverages with the card the build stored on
each), so an instance's type, name, history, roles and sources are the ones ``who_covers`` shows.
Filters by type, public and date are applied to those few hundred rows in Python with the rules of
``core.rules``; a territory filter intersects with ``instances_in_territory``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from core import jsonable, rules
from core.errors import NotFound
from core.levels import LEVEL_LABELS
from core.namespaces import entry_iri, local
from core.terms import AgeRange, parse_date
from core.text import matches_words
from store.cards import INFERRED, Card, Source, Status, parse_card, weakest
from store.session import Session

from .actors import Actor, instance_actors
from .concepts import accepted_publics, state_codes, type_codes
from .coverage import CoverageArea, Freshness, HeldRole, freshness_of, roles_on
from .knowledge import TypeAnswer, territory_answers
from .territories import communes_within, instances_in, territory_iri

__all__ = ["InstanceSummary", "CoverageArea", "InstanceDetail", "InstanceList", "list_instances", "instances_answers",
           "instance_detail"]


@dataclass(frozen=True)
class InstanceSummary:
    id: str
    type: str
    type_label: str
    name: str
    state: str
    status: Status | None
    freshness: Freshness
    #: the weakest of the instance's own and its coverages' in force (``weakest``), and why
    confidence: str
    aggregate: bool
    coverages: int
    note: str | None = None


@dataclass(frozen=True)
class InstanceDetail:
    id: str
    type: str
    type_label: str
    name: str
    on: dt.date
    state: str
    status: Status | None
    freshness: Freshness
    #: how sure the answer is as a whole: the weakest of the instance's own and its coverages' (each
    #: coverage keeps its own), and the note that says why
    confidence: str
    note: str | None
    aggregate: bool
    history: list[Status]
    coverages: list[CoverageArea]
    actors: list[Actor]
    roles: list[HeldRole]
    sources: list[Source]


@dataclass(frozen=True)
class InstanceList:
    """A list of instances and what the registry knows where it is empty (``queries.knowledge``)."""

    items: list
    answers: list[TypeAnswer]


def instances_answers(session: Session, territory: str | None, type: str | Iterable[str] | None, found: Iterable,
                      on: str | dt.date | None = None) -> list[TypeAnswer]:
    """What the registry knows of ``territory`` (None: all of France) for each type asked, given the
    instances ``found`` there (anything with a ``type``): dispositifs connus, recensé aucun trouvé, type
    non recensé ici or hors registre, and the national rule expecting a type it did not find."""
    day = parse_date(on)
    codes = type_codes(session, type)
    if territory is None:
        label, communes = "la France entière", frozenset(session.tables.communes)
    else:
        uri = territory_iri(session, territory)
        label, communes = _territory_label(session, uri, territory), communes_within(session, uri)
    return territory_answers(session, label, communes, codes, {i.type for i in found}, day)


def _territory_label(session: Session, uri: str, asked: str) -> str:
    """A territory's name as a planner reads it (« Gironde (departement:33) »), else what was asked."""
    kind, code = uri.rsplit("/", 2)[-2:]
    row = session.places.get(code) if kind == "commune" else None
    name = row["name"] if row else session.territory_names.get((kind, code))
    return f"{name} ({asked})" if name and name != asked else asked


def _rows(session: Session, instance: str | None = None) -> list[dict]:
    return session.run("instance_coverages", instance=entry_iri("instance", instance) if instance else None)


def list_instances(
    session: Session,
    type: str | Iterable[str] | None = None,
    territory: str | None = None,
    public: str | Iterable[str] | None = None,
    on: str | dt.date | None = None,
    observed_since: str | dt.date | None = None,
    q: str | None = None,
    state: str | Iterable[str] | None = None,
) -> list[InstanceSummary]:
    """Instances with at least one coverage in force on ``on`` (default today) matching the filters.

    ``territory`` is a registry reference (``departement:31``) or a commune; ``public`` matches as in
    ``who_covers`` (that public, a broader one, or everyone); ``observed_since`` keeps the instances
    whose status in force (else anything) a source attests on that day or later. ``type``, ``public``
    and ``state`` (actif, en-projet…: :func:`~queries.concepts.state_codes`) may name several
    values; ``q`` keeps the instances whose name or identifier holds its words (:func:`matches_words`).
    """
    day = parse_date(on)
    since = parse_date(observed_since) if observed_since else None
    accepted = accepted_publics(session, public)
    codes = set(type_codes(session, type))
    states = set(state_codes(state))
    inside = {i.id for i in instances_in(session, territory, on=day)} if territory else None
    grouped: dict[str, list[Card]] = {}
    for row in _rows(session):
        card = parse_card(row["card"])
        if codes and card.type not in codes:
            continue
        if q and not matches_words(q, card.name, card.instance_id, card.type):
            continue
        if inside is not None and card.instance_id not in inside:
            continue
        if rules.coverage_in_force(row["from"], row["to"], card.history, day) and rules.serves(card.publics, accepted):
            grouped.setdefault(card.instance_id, []).append(card)
    found = []
    for ident, cards in grouped.items():
        card, status = cards[0], rules.status_on(cards[0].history, day)
        fresh = freshness_of(card, status, session.freshness.get(card.type, session.freshness[None]), day)
        if states and rules.state_of(status) not in states:
            continue
        if since is None or (fresh.observed is not None and fresh.observed >= since):
            confidence, note = _overall(card, [(c.perimeter_confidence, c.perimeter_note) for c in cards])
            found.append(InstanceSummary(ident, card.type, card.type_label, card.name, rules.state_of(status), status,
                                         fresh, confidence, card.aggregate, len(cards), note))
    return sorted(found, key=lambda i: (i.type, i.name, i.id))


def _overall(card: Card, perimeters: list[tuple[str, str | None]]) -> tuple[str, str | None]:
    """An instance's confidence as a whole: the weakest of its own and its perimeters'; its note, else the
    first deduced perimeter's when only a perimeter is deduced."""
    confidence = weakest(card.confidence, *(c for c, _ in perimeters))
    if card.confidence == INFERRED or confidence != INFERRED:
        return confidence, card.note
    return confidence, next((n for c, n in perimeters if c == INFERRED and n), card.note)


def instance_detail(session: Session, instance_id: str, on: str | dt.date | None = None) -> InstanceDetail:
    """One instance with every coverage (in force or not), its history, actors, roles and sources."""
    day = parse_date(on)
    rows = _rows(session, instance_id)
    if not rows:
        raise NotFound(f"Aucun dispositif « {instance_id} ».")
    pairs = sorted(((parse_card(row["card"]), row) for row in rows), key=lambda p: p[1]["coverage"])
    first = pairs[0][0]
    areas = [
        CoverageArea(row["coverage"].split("/instance/", 1)[1], card.level, LEVEL_LABELS[card.level], local(row["territory"]),
                     card.territory_name, AgeRange(row["min"], row["max"]), card.publics, row["from"], row["to"],
                     card.perimeter_confidence, card.perimeter_note)
        for card, row in pairs
    ]
    sources = sorted({s for card, _ in pairs for s in card.sources},
                     key=lambda s: (s.date or s.retrieved or dt.date.min, s.title, s.excerpt or s.paraphrase or "",
                                    tuple("" if v is None else str(v) for v in jsonable.plain(s).values())))
    status = rules.status_on(first.history, day)
    confidence, note = _overall(first, [(a.confidence, a.note) for a in areas])
    return InstanceDetail(
        id=instance_id, type=first.type, type_label=first.type_label, name=first.name, on=day,
        state=rules.state_of(status), status=status,
        freshness=freshness_of(first, status, session.freshness.get(first.type, session.freshness[None]), day),
        confidence=confidence, note=note, aggregate=first.aggregate,
        history=first.history, coverages=areas, actors=instance_actors(session, instance_id, on=day),
        roles=roles_on(first.roles, day), sources=sources,
    )
