"""Actors (organisations) and the roles they hold: the named questions ``actor_roles`` and
``instance_actors``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from core.errors import NotFound
from core.namespaces import ROLE, entry_iri, local
from core.text import matches_words
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


def _actors(rows: list[dict]) -> list[ActorInfo]:
    found: dict[str, ActorInfo] = {}
    for r in rows:
        ident = local(r["actor"])
        info = found.setdefault(ident, ActorInfo(ident, r["name"], r["kind"]))
        if r["instance"]:
            info.roles.append(ActorRole(local(r["instance"]), r["instanceName"], r["role"], r["from"], r["to"]))
    for info in found.values():
        info.roles = sorted(set(info.roles), key=lambda a: (a.instance_id, a.role, a.valid_from or dt.date.min))
    return sorted(found.values(), key=lambda a: (a.name, a.id))


def list_actors(session: Session, q: str | None = None) -> list[ActorInfo]:
    """Every actor and its roles; ``q`` keeps those whose name or identifier holds its words
    (:func:`core.text.matches_words`)."""
    found = _actors(session.run("actor_roles", actor=None))
    return [a for a in found if matches_words(q, a.name, a.id)] if q else found


def actor(session: Session, actor_id: str) -> ActorInfo:
    found = _actors(session.run("actor_roles", actor=entry_iri("actor", actor_id)))
    if not found:
        raise NotFound(f"Aucun acteur « {actor_id} ».")
    return found[0]


def instance_actors(session: Session, instance_id: str) -> list[Actor]:
    """The roles of one instance, with the actor or the function that holds each."""
    rows = session.run("instance_actors", instance=entry_iri("instance", instance_id))
    found = {
        Actor(r["role"], label_of(session, ROLE[r["role"]], r["role"]), local(r["actor"]) if r["actor"] else None,
              r["name"], r["kind"], r["function"], r["from"], r["to"])
        for r in rows
    }
    return sorted(found, key=lambda a: (a.role, a.name or a.function or "", a.valid_from or dt.date.min))
