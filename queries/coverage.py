"""The question planners ask first: which schemes, run by whom, cover this commune, for these ages and
this public, on this date?

A one-shot command runs the named question ``who_covers`` (and ``territories_of_commune`` for the
path); a long-lived session answers from its coverage index (``maillage.store.coverage_index``), held
equal to the named question by a test. Each coverage carries the card the build stored on it (history,
roles, sources); the status in force on the asked date is computed from the history at answer time
(``maillage.core.rules``). The CLI and the HTTP route both call :func:`who_covers`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from maillage.core import rules
from maillage.core.levels import LEVEL_LABELS, LEVEL_ORDER, Territory
from maillage.core.namespaces import local
from maillage.core.terms import AgeRange, parse_ages, parse_date
from maillage.store.cards import Card, Role, Source, Status, parse_card
from maillage.store.session import Session

from .concepts import public_iri
from maillage.store.paths import commune_territories
from .places import Place, commune_iri, resolve_commune

__all__ = ["Coverage", "CoverageAnswer", "who_covers", "coverage_from"]


@dataclass
class Coverage:
    instance_id: str
    coverage_id: str
    type: str
    type_label: str
    name: str
    level: str
    level_label: str
    territory: str
    territory_name: str
    ages: AgeRange
    publics: list[str]
    valid_from: dt.date | None
    valid_to: dt.date | None
    status: Status | None
    history: list[Status] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    #: why it covers the commune: the territories from the commune to the one covered
    path: list[Territory] = field(default_factory=list)


@dataclass
class CoverageAnswer:
    commune: Place
    ages: AgeRange
    public: str | None
    on: dt.date
    coverages: list[Coverage]


def coverage_from(card: Card, row: dict, on: dt.date, path: list[Territory] | None = None) -> Coverage:
    """One answer: the card, the coverage's own facts in ``row``, and the status in force on ``on``."""
    return Coverage(
        instance_id=card.instance_id,
        coverage_id=row["coverage"].split("/instance/", 1)[1],
        type=card.type,
        type_label=card.type_label,
        name=card.name,
        level=card.level,
        level_label=LEVEL_LABELS[card.level],
        territory=local(row["territory"]),
        territory_name=card.territory_name,
        ages=AgeRange(row["min"], row["max"]),
        publics=card.publics,
        valid_from=row["from"],
        valid_to=row["to"],
        status=rules.status_on(card.history, on),  # type: ignore[arg-type]
        history=card.history,
        roles=card.roles,
        sources=card.sources,
        path=path or [],
    )


def who_covers(
    session: Session,
    place: str,
    ages: str | AgeRange | None = None,
    public: str | None = None,
    on: str | dt.date | None = None,
) -> CoverageAnswer:
    """Every scheme instance covering the commune ``place`` for ``ages`` and ``public`` on ``on``.

    Ages overlap rather than contain: a 11-21 scheme is listed for 0-12, with its ages shown.
    A coverage with no start or end date is taken as valid on that side.
    """
    age_range = parse_ages(ages)
    day = parse_date(on)
    wanted = public_iri(session, public)
    commune = resolve_commune(session, place)
    if session.answers_from_memory:
        found = session.coverage_index.matching(commune.code, age_range, session.served_publics(wanted), day)
        items = [coverage_from(m.card, m.row, day, m.path) for m in found]
    else:
        items = _queried(session, commune, age_range, wanted, day)
    items.sort(key=lambda c: (LEVEL_ORDER.index(c.level), c.type, c.name, c.coverage_id))
    return CoverageAnswer(commune=commune, ages=age_range, public=public, on=day, coverages=items)


def _queried(session: Session, commune: Place, age_range: AgeRange, wanted: str | None, day: dt.date) -> list[Coverage]:
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
    return [coverage_from(parse_card(row["card"]), row, day, territories.path(row["territory"])) for row in rows]
