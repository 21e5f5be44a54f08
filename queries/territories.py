"""Territories and the instances in them: the named questions ``territories_of_commune`` and
``instances_in_territory``, for the CLI, the API and the notebooks."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from core import rules
from core.errors import InvalidQuery, PlaceNotFound
from core.levels import LEVEL_ORDER, LEVELS, Territory
from core.namespaces import TYPE, iri, local
from core.terms import TERRITORY_HELP, match_territory, parse_date
from store.cards import parse_card
from store.session import Session

from .concepts import type_code
from .places import commune_iri, resolve_commune, resolve_place

__all__ = ["InstanceRef", "territories_of", "territory_iri", "communes_within", "instances_in"]

#: a bare number is a code without its kind ("31": the département? the région?)
BARE_CODE = re.compile(r"^(?:[0-9]{2,3}|2[AB]|[0-9]{9})$", re.IGNORECASE)


@dataclass(frozen=True)
class InstanceRef:
    id: str
    type: str
    name: str


def territories_of(session: Session, place: str) -> list[Territory]:
    """Every territory containing the commune ``place`` (or the arrondissement municipal: itself, then its
    commune's), from the smallest up to the région."""
    commune = resolve_place(session, place)
    rows = session.run("territories_of_commune", commune=commune_iri(commune))
    found = {Territory(LEVELS[r["level"]][0], local(r["territory"]), r["name"]) for r in rows if r["level"] in LEVELS}
    return sorted(found, key=lambda t: (LEVEL_ORDER.index(t.level), t.name))


def territory_iri(session: Session, text: str) -> str:
    """The IRI of the territory a question names: a reference (``departement:31``) or a commune's name or
    code. A bare code of another kind (``31``, ``76``, a SIREN) is refused with the reference to write."""
    parsed = match_territory(text)
    if parsed is not None:
        return iri(*parsed)
    if BARE_CODE.match(str(text).strip()):
        raise InvalidQuery(f"Territoire « {text} » ambigu : {TERRITORY_HELP}.")
    try:
        return commune_iri(resolve_commune(session, text))
    except PlaceNotFound as err:
        raise InvalidQuery(f"Territoire « {text} » inconnu : {TERRITORY_HELP}, ou un nom de commune.") from err


def communes_within(session: Session, uri: str) -> frozenset[str]:
    """The codes of the current communes inside the territory ``uri``: the session's tables when a
    coverage, survey or inventory names it, else the named question ``communes_in_territory``."""
    codes = session.tables.territory_communes.get(uri)
    if codes is None:
        codes = frozenset(r["code"] for r in session.run("communes_in_territory", territory=uri))
    return codes


def instances_in(session: Session, territory: str, type: str | None = None, on: str | dt.date | None = None) -> list[InstanceRef]:
    """Instances (of ``type``, or all) covering at least one commune of ``territory`` on ``on``.

    ``territory`` is a reference as in the registry (``departement:48``, ``epci:200068641``,
    ``territoire:toulouse-sud``) or a commune's name or code.
    """
    code = type_code(session, type)
    day = parse_date(on)
    rows = session.run("instances_in_territory", territory=territory_iri(session, territory), on=day,
                       type=TYPE[code] if code else None)
    found = {InstanceRef(local(r["instance"]), r["notation"], r["name"]) for r in rows
             if r["card"] is None or rules.coverage_in_force(r["from"], r["to"], parse_card(r["card"]).history, day)}
    return sorted(found, key=lambda i: (i.type, i.name, i.id))
