"""Actors (organisations) and the roles they hold, from the named question ``actor_roles``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from maillage.errors import NotFound
from maillage.namespaces import entry_iri

from .backend import Backend

__all__ = ["ActorRole", "ActorInfo", "list_actors", "actor"]


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


def _actors(rows: list[dict]) -> list[ActorInfo]:
    found: dict[str, ActorInfo] = {}
    for r in rows:
        ident = r["actor"].rsplit("/", 1)[1]
        info = found.setdefault(ident, ActorInfo(ident, r["name"], r["kind"]))
        if r["instance"]:
            info.roles.append(ActorRole(r["instance"].rsplit("/", 1)[1], r["instanceName"], r["role"], r["from"], r["to"]))
    for info in found.values():
        info.roles = sorted(set(info.roles), key=lambda a: (a.instance_id, a.role, a.valid_from or dt.date.min))
    return sorted(found.values(), key=lambda a: (a.name, a.id))


def list_actors(backend: Backend) -> list[ActorInfo]:
    return _actors(backend.run("actor_roles", actor=None))


def actor(backend: Backend, actor_id: str) -> ActorInfo:
    found = _actors(backend.run("actor_roles", actor=entry_iri("actor", actor_id)))
    if not found:
        raise NotFound(f"Aucun acteur « {actor_id} ».")
    return found[0]
