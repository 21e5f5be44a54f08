"""Territories and the instances in them: the named questions ``territories_of_commune``,
``instances_in_territory`` and ``instance_actors``, for the CLI, the API and the notebooks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from maillage.errors import InvalidQuery
from maillage.ingest.registry import parse_territory
from maillage.namespaces import TYPE, entry_iri, iri

from .backend import Backend
from .coverage import concepts, parse_date
from .paths import LEVEL_ORDER, LEVELS
from .places import commune_iri, resolve_commune

__all__ = ["Territory", "InstanceRef", "Actor", "territories_of", "instances_in", "actors_of"]


@dataclass(frozen=True)
class Territory:
    level: str
    id: str
    name: str


@dataclass(frozen=True)
class InstanceRef:
    id: str
    type: str
    name: str


@dataclass(frozen=True)
class Actor:
    role: str
    actor_id: str | None
    name: str | None
    kind: str | None
    function: str | None
    valid_from: dt.date | None
    valid_to: dt.date | None


def territories_of(backend: Backend, place: str) -> list[Territory]:
    """Every territory containing the commune ``place``, from the commune up to the région."""
    commune = resolve_commune(backend, place)
    rows = backend.run("territories_of_commune", commune=commune_iri(commune))
    found = {Territory(LEVELS[r["level"]][0], r["territory"].rsplit("/", 1)[1], r["name"]) for r in rows if r["level"] in LEVELS}
    return sorted(found, key=lambda t: (LEVEL_ORDER.index(t.level), t.name))


def _territory_iri(backend: Backend, text: str) -> str:
    parsed = parse_territory(text)
    if parsed is not None:
        return iri(*parsed)
    return commune_iri(resolve_commune(backend, text))


def instances_in(backend: Backend, territory: str, type: str | None = None, on: str | dt.date | None = None) -> list[InstanceRef]:
    """Instances (of ``type``, or all) covering at least one commune of ``territory`` on ``on``.

    ``territory`` is a reference as in the registry (``departement:48``, ``epci:200068641``,
    ``territoire:toulouse-sud``) or a commune's name or code.
    """
    type_iri = None
    if type:
        type_iri = str(TYPE[type.strip().upper()])
        if type_iri not in concepts(backend):
            raise InvalidQuery(f"Type de dispositif « {type} » inconnu.")
    rows = backend.run("instances_in_territory", territory=_territory_iri(backend, territory), on=parse_date(on), type=type_iri)
    found = {InstanceRef(r["instance"].rsplit("/", 1)[1], r["notation"], r["name"]) for r in rows}
    return sorted(found, key=lambda i: (i.type, i.name, i.id))


def actors_of(backend: Backend, instance_id: str) -> list[Actor]:
    rows = backend.run("instance_actors", instance=entry_iri("instance", instance_id))
    found = {
        Actor(r["role"], r["actor"].rsplit("/", 1)[1] if r["actor"] else None, r["name"], r["kind"], r["function"], r["from"], r["to"])
        for r in rows
    }
    return sorted(found, key=lambda a: (a.role, a.name or a.function or "", a.valid_from or dt.date.min))
