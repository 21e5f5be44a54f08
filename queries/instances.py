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
from store.cards import Card, Role, Source, Status, parse_card
from store.session import Session

from .actors import Actor, instance_actors
from .concepts import accepted_publics, state_codes, type_codes
from .coverage import CoverageArea, Freshness, freshness_of
from .territories import instances_in

__all__ = ["InstanceSummary", "CoverageArea", "InstanceDetail", "list_instances", "instance_detail"]


@dataclass(frozen=True)
class InstanceSummary:
    id: str
    type: str
    type_label: str
    name: str
    state: str
    status: Status | None
    freshness: Freshness
    confidence: str
    aggregate: bool
    coverages: int


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
    confidence: str
    note: str | None
    aggregate: bool
    history: list[Status]
    coverages: list[CoverageArea]
    actors: list[Actor]
    roles: list[Role]
    sources: list[Source]


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
        if rules.in_force(row["from"], row["to"], day) and rules.serves(card.publics, accepted):
            grouped.setdefault(card.instance_id, []).append(card)
    found = []
    for ident, cards in grouped.items():
        card, status = cards[0], rules.status_on(cards[0].history, day)
        fresh = freshness_of(card, status, session.freshness.get(card.type, session.freshness[None]), day)
        if states and rules.state_of(status) not in states:
            continue
        if since is None or (fresh.observed is not None and fresh.observed >= since):
            found.append(InstanceSummary(ident, card.type, card.type_label, card.name, rules.state_of(status), status,
                                         fresh, card.confidence, card.aggregate, len(cards)))
    return sorted(found, key=lambda i: (i.type, i.name, i.id))


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
    return InstanceDetail(
        id=instance_id, type=first.type, type_label=first.type_label, name=first.name, on=day,
        state=rules.state_of(status), status=status,
        freshness=freshness_of(first, status, session.freshness.get(first.type, session.freshness[None]), day),
        confidence=first.confidence, note=first.note, aggregate=first.aggregate,
        history=first.history, coverages=areas, actors=instance_actors(session, instance_id),
        roles=first.roles, sources=sources,
    )
