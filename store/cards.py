"""The card of a coverage: what a planner needs to trust an answer, stored by the build on each coverage.

The publish step (``ingest.publish``) writes each card as JSON on its coverage node
(``m:card``); readers parse it here, once per coverage and session. A card does not depend on the date
asked: the status in force, the state and the freshness are computed at answer time
(``core.rules``).

Three dates are never confused: a fact's ``valid_from``/``valid_to`` (when it held, possibly unknown);
the period its sources speak of (``attested_from`` .. ``observed``: a citation's own period or day, else
its source's period, else the source's date, else the day a page was read); and a source's
``retrieved`` date (when a page was read), which is never a start.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from core.dates import read_date

__all__ = ["Source", "Role", "Status", "Card", "parse_card", "weakest", "VERIFIED", "INFERRED"]

VERIFIED, INFERRED = "verified", "inferred"


def weakest(*marks: str | None) -> str:
    """How sure a fact is: as sure as the weakest of what supports it (its own mark and its citations'
    marks; None: not marked, so verified)."""
    return INFERRED if INFERRED in marks else VERIFIED


@dataclass(frozen=True)
class Source:
    title: str
    #: the document's date (publication, or the date it speaks of); None for an undated page
    date: dt.date | None
    #: the source's own words, or None when the citation only paraphrases it
    excerpt: str | None
    file: str | None = None
    url: str | None = None
    #: what the source says, in our words (never shown as a quotation)
    paraphrase: str | None = None
    #: the day the citation attests the fact when it names one (``observed:`` in the registry)
    observed: dt.date | None = None
    #: the day a web page was read: never a start date
    retrieved: dt.date | None = None
    confidence: str = VERIFIED
    #: the period this citation speaks of: its own, else its source's, else the source's date, else the
    #: day it was read (``core.rules``: a fact attested holds at least over it)
    period_from: dt.date | None = None
    period_to: dt.date | None = None


@dataclass(frozen=True)
class Role:
    role: str
    label: str
    actor_id: str | None
    actor: str | None
    function: str | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    confidence: str = VERIFIED
    note: str | None = None
    #: the first and last days the role's sources speak of
    attested_from: dt.date | None = None
    observed: dt.date | None = None


@dataclass(frozen=True)
class Status:
    value: str
    label: str
    #: None: the start is unknown; the status is then known from ``attested_from`` on
    valid_from: dt.date | None
    valid_to: dt.date | None
    #: the last day the status's sources speak of
    observed: dt.date | None = None
    confidence: str = VERIFIED
    note: str | None = None
    #: the first day the status's sources speak of
    attested_from: dt.date | None = None


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
    #: a count of places of a type (regional capacity), not one instance: never an overlap
    aggregate: bool = False
    confidence: str = VERIFIED
    note: str | None = None
    #: how surely the coverage's perimeter is known (its own mark, or its custom territory's), and why
    perimeter_confidence: str = VERIFIED
    perimeter_note: str | None = None
    #: the latest day any source of the card attests anything
    observed: dt.date | None = None


def _date(text: str | None) -> dt.date | None:
    return read_date(text) if text else None


def parse_card(text: str) -> Card:
    """A card as the build stored it; a card written before a field existed reads as its default
    (rebuild to get it)."""
    card = json.loads(text)
    return Card(
        instance_id=card["instance_id"], type=card["type"], type_label=card["type_label"], name=card["name"],
        level=card["level"], territory_name=card["territory_name"], publics=card["publics"],
        history=[Status(h["value"], h["label"], _date(h["valid_from"]), _date(h["valid_to"]), _date(h.get("observed")),
                        h.get("confidence", VERIFIED), h.get("note"), _date(h.get("attested_from")))
                 for h in card["history"]],
        roles=[Role(r["role"], r["label"], r["actor_id"], r["actor"], r["function"], _date(r["valid_from"]),
                    _date(r["valid_to"]), r.get("confidence", VERIFIED), r.get("note"), _date(r.get("attested_from")),
                    _date(r.get("observed"))) for r in card["roles"]],
        sources=[Source(s["title"], _date(s["date"]), s["excerpt"], s["file"], s["url"], s.get("paraphrase"),
                        _date(s.get("observed")), _date(s.get("retrieved")), s.get("confidence", VERIFIED),
                        _date(s.get("period_from")), _date(s.get("period_to")))
                 for s in card["sources"]],
        aggregate=card.get("aggregate", False), confidence=card.get("confidence", VERIFIED), note=card.get("note"),
        perimeter_confidence=card.get("perimeter_confidence", VERIFIED), perimeter_note=card.get("perimeter_note"),
        observed=_date(card.get("observed")),
    )
