"""The card of a coverage: what a planner needs to trust an answer, stored by the build on each coverage.

The publish step (``maillage.ingest.publish``) writes each card as JSON on its coverage node
(``m:card``); readers parse it here, once per coverage and session. A card does not depend on the date
asked: the status in force is computed from its history at answer time (``maillage.core.rules``).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

__all__ = ["Source", "Role", "Status", "Card", "parse_card"]


@dataclass(frozen=True)
class Source:
    title: str
    date: dt.date
    excerpt: str
    file: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Role:
    role: str
    label: str
    actor_id: str | None
    actor: str | None
    function: str | None
    valid_from: dt.date | None
    valid_to: dt.date | None


@dataclass(frozen=True)
class Status:
    value: str
    label: str
    valid_from: dt.date
    valid_to: dt.date | None


@dataclass(frozen=True)
class Card:
    """A coverage's stored card, parsed."""

    instance_id: str
    type: str
    type_label: str
    name: str
    level: str
    territory_name: str
    publics: list[str]
    history: list[Status]
    roles: list[Role]
    sources: list[Source]


def _date_or_none(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def parse_card(text: str) -> Card:
    card = json.loads(text)
    return Card(
        instance_id=card["instance_id"], type=card["type"], type_label=card["type_label"], name=card["name"],
        level=card["level"], territory_name=card["territory_name"], publics=card["publics"],
        history=[Status(h["value"], h["label"], dt.date.fromisoformat(h["valid_from"]), _date_or_none(h["valid_to"]))
                 for h in card["history"]],
        roles=[Role(r["role"], r["label"], r["actor_id"], r["actor"], r["function"],
                    _date_or_none(r["valid_from"]), _date_or_none(r["valid_to"])) for r in card["roles"]],
        sources=[Source(s["title"], dt.date.fromisoformat(s["date"]), s["excerpt"], s["file"], s["url"])
                 for s in card["sources"]],
    )
