"""Scheme instances as a planner browses them: a filtered list, and one instance in full.

Both read the named question ``instance_coverages`` (the coverages with the card the build stored on
each), so an instance's type, name, history, roles and sources are the ones ``who_covers`` shows.
Filters by type, public and date are applied to those few hundred rows in Python with the rules of
``maillage.core.rules``; a territory filter intersects with ``instances_in_territory``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from maillage.core import rules
from maillage.core.errors import NotFound
from maillage.core.levels import LEVEL_LABELS
from maillage.core.namespaces import entry_iri
from maillage.core.terms import AgeRange, parse_date
from maillage.store.cards import Role, Source, Status, parse_card
from maillage.store.session import Session

from .actors import Actor, instance_actors
from .concepts import public_iri, type_code
from .coverage import coverage_from
from .territories import instances_in

__all__ = ["InstanceSummary", "CoverageArea", "InstanceDetail", "list_instances", "instance_detail"]


@dataclass(frozen=True)
class InstanceSummary:
    id: str
    type: str
    type_label: str
    name: str
    status: Status | None
    coverages: int


@dataclass(frozen=True)
class CoverageArea:
    coverage_id: str
    level: str
    level_label: str
    territory: str
    territory_name: str
    ages: AgeRange
    publics: list[str]
    valid_from: dt.date | None
    valid_to: dt.date | None


@dataclass(frozen=True)
class InstanceDetail:
    id: str
    type: str
    type_label: str
    name: str
    on: dt.date
    status: Status | None
    history: list[Status]
    coverages: list[CoverageArea]
    actors: list[Actor]
    roles: list[Role]
    sources: list[Source]


def _rows(session: Session, instance: str | None = None) -> list[dict]:
    return session.run("instance_coverages", instance=entry_iri("instance", instance) if instance else None)


def list_instances(
    session: Session,
    type: str | None = None,
    territory: str | None = None,
    public: str | None = None,
    on: str | dt.date | None = None,
) -> list[InstanceSummary]:
    """Instances with at least one coverage in force on ``on`` (default today) matching the filters.

    ``territory`` is a registry reference (``departement:31``) or a commune; ``public`` matches as in
    ``who_covers`` (that public, a broader one, or everyone).
    """
    day = parse_date(on)
    accepted = session.served_publics(public_iri(session, public))
    code = type_code(session, type)
    inside = {i.id for i in instances_in(session, territory, type=code, on=day)} if territory else None
    grouped: dict[str, list] = {}
    for row in _rows(session):
        card = parse_card(row["card"])
        if code and card.type != code:
            continue
        if inside is not None and card.instance_id not in inside:
            continue
        if rules.in_force(row["from"], row["to"], day) and rules.serves(card.publics, accepted):
            grouped.setdefault(card.instance_id, []).append(coverage_from(card, row, day))
    found = [
        InstanceSummary(ident, items[0].type, items[0].type_label, items[0].name, items[0].status, len(items))
        for ident, items in grouped.items()
    ]
    return sorted(found, key=lambda i: (i.type, i.name, i.id))


def instance_detail(session: Session, instance_id: str, on: str | dt.date | None = None) -> InstanceDetail:
    """One instance with every coverage (in force or not), its history, actors, roles and sources."""
    day = parse_date(on)
    rows = _rows(session, instance_id)
    if not rows:
        raise NotFound(f"Aucun dispositif « {instance_id} ».")
    items = sorted((coverage_from(parse_card(row["card"]), row, day) for row in rows), key=lambda c: c.coverage_id)
    first = items[0]
    areas = [
        CoverageArea(c.coverage_id, c.level, LEVEL_LABELS[c.level], c.territory, c.territory_name, c.ages,
                     c.publics, c.valid_from, c.valid_to)
        for c in items
    ]
    sources = sorted({s for c in items for s in c.sources}, key=lambda s: (s.date, s.title, s.excerpt))
    return InstanceDetail(
        id=instance_id, type=first.type, type_label=first.type_label, name=first.name, on=day,
        status=first.status, history=first.history, coverages=areas, actors=instance_actors(session, instance_id),
        roles=first.roles, sources=sources,
    )
