"""Actors (organisations) and the roles they hold: the named questions ``actor_roles`` and
``instance_actors``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from core import rules
from core.errors import NotFound
from core.namespaces import ROLE, entry_iri, local
from core.terms import parse_date
from core.text import french_period, matches_words
from store.session import Session

from .concepts import label_of

__all__ = ["ActorRole", "ActorInfo", "Actor", "list_actors", "actor", "instance_actors"]


@dataclass(frozen=True)
class ActorRole:
    instance_id: str
    instance_name: str
    role: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    #: on the day asked: en-cours, termine, a-venir (``core.rules.role_on``), and when, in French
    held: str = rules.HELD
    when: str = ""


@dataclass
class ActorInfo:
    id: str
    name: str
    kind: str | None
    roles: list[ActorRole] = field(default_factory=list)


@dataclass(frozen=True)
class Actor:
    """A role of an instance and who holds it: an actor, or a function held by a person."""

    role: str
    role_label: str
    actor_id: str | None
    name: str | None
    kind: str | None
    function: str | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    #: on the day asked: en-cours, termine, a-venir (``core.rules.role_on``), and when, in French
    held: str = rules.HELD
    when: str = ""


def _actors(rows: list[dict], day: dt.date) -> list[ActorInfo]:
    found: dict[str, ActorInfo] = {}
    for r in rows:
        ident = local(r["actor"])
        info = found.setdefault(ident, ActorInfo(ident, r["name"], r["kind"]))
        if r["instance"]:
            info.roles.append(ActorRole(local(r["instance"]), r["instanceName"], r["role"], r["from"], r["to"],
                                        rules.role_on(r["from"], r["to"], None, day), french_period(r["from"], r["to"])))
    for info in found.values():
        info.roles = sorted(set(info.roles), key=lambda a: (a.instance_id, a.role, a.valid_from or dt.date.min))
    return sorted(found.values(), key=lambda a: (a.name, a.id))


def list_actors(session: Session, q: str | None = None, on: str | dt.date | None = None) -> list[ActorInfo]:
    """Every actor and its roles (each held or not on ``on``, default today); ``q`` keeps those whose
    name or identifier holds its words (:func:`core.text.matches_words`)."""
    found = _actors(session.run("actor_roles", actor=None), parse_date(on))
    return [a for a in found if matches_words(q, a.name, a.id)] if q else found


def actor(session: Session, actor_id: str, on: str | dt.date | None = None) -> ActorInfo:
    found = _actors(session.run("actor_roles", actor=entry_iri("actor", actor_id)), parse_date(on))
    if not found:
        raise NotFound(f"Aucun acteur « {actor_id} ».")
    return found[0]


def instance_actors(session: Session, instance_id: str, on: str | dt.date | None = None) -> list[Actor]:
    """The roles of one instance, with the actor or the function that holds each, and whether each is
    held on ``on`` (default today): an ended role is shown ended (« coordinateur jusqu'en 2018 »)."""
    rows = session.run("instance_actors", instance=entry_iri("instance", instance_id))
    day = parse_date(on)
    found = {
        Actor(r["role"], label_of(session, ROLE[r["role"]], r["role"]), local(r["actor"]) if r["actor"] else None,
              r["name"], r["kind"], r["function"], r["from"], r["to"], rules.role_on(r["from"], r["to"], None, day),
              french_period(r["from"], r["to"]))
        for r in rows
    }
    return sorted(found, key=lambda a: (a.role, a.name or a.function or "", a.valid_from or dt.date.min))
