"""The one definition of "in force", "serves this public" and "covers".

Every consumer (the coverage question and its index, the instance lists, the map layers, the gaps and
the overlaps) decides with these functions; the SPARQL and Cypher twins of a question keep their own
text, and ``tests/core/test_rules.py`` holds each consumer equal to this module.

- A period is **in force** on a day when it has begun by then and not yet ended; a missing start or end
  is open on that side.
- A coverage **serves** a public when it is for that public, for a broader one (SKOS ``broader``,
  transitively) or for everyone (``tout-public``).
- A coverage **covers** on a day when its own period is in force and its instance's lifecycle has not
  ended before: an instance whose last status is ended or abandoned covers nothing after that status
  begins, whatever its coverage's own dates say.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

__all__ = ["EVERYONE", "TERMINAL", "in_force", "ages_overlap", "served_publics", "serves", "status_on",
           "lifecycle_end", "covering_period", "covers"]

#: the public of a coverage for everyone
EVERYONE = "tout-public"
#: statuses after which an instance covers nothing
TERMINAL = frozenset({"ended", "abandoned"})


class Dated(Protocol):
    value: str
    valid_from: dt.date
    valid_to: dt.date | None


def in_force(start: dt.date | None, end: dt.date | None, day: dt.date) -> bool:
    """Whether the period [start, end] (None: open on that side) contains ``day``."""
    return (start is None or start <= day) and (end is None or end >= day)


def ages_overlap(min_a: int, max_a: int, min_b: int, max_b: int) -> bool:
    """Ages overlap rather than contain: a scheme for 11-21 answers a question about 0-12."""
    return min_a <= max_b and min_b <= max_a


def served_publics(concepts: Mapping[str, Mapping], public_iri: str | None) -> frozenset[str] | None:
    """The notations of the publics whose coverages serve ``public_iri``: itself, every broader public
    and everyone; None when any public will do. ``concepts``: IRI → {notation, broader: IRIs}."""
    if public_iri is None:
        return None
    seen: set[str] = set()
    todo = [public_iri]
    while todo:
        current = todo.pop()
        if current not in seen:
            seen.add(current)
            todo += concepts.get(current, {}).get("broader", ())
    return frozenset({concepts[c]["notation"] for c in seen if c in concepts} | {EVERYONE})


def serves(publics: Iterable[str], accepted: frozenset[str] | None) -> bool:
    """Whether a coverage for ``publics`` serves the public whose :func:`served_publics` is ``accepted``."""
    return accepted is None or not accepted.isdisjoint(publics)


def status_on(history: Sequence[Dated], day: dt.date) -> Dated | None:
    """The status in force on ``day``: the latest one begun by then and not yet ended (``history`` in
    order: by start, then as listed)."""
    current = None
    for status in history:
        if in_force(status.valid_from, status.valid_to, day):
            current = status
    return current


def lifecycle_end(history: Sequence[Dated]) -> dt.date | None:
    """The start of a final ended or abandoned status: the instance covers nothing after it."""
    if history and history[-1].value in TERMINAL:
        return history[-1].valid_from
    return None


def covering_period(start: dt.date | None, end: dt.date | None, history: Sequence[Dated]) -> tuple[dt.date | None, dt.date | None]:
    """The period a coverage covers: its own, cut at its instance's :func:`lifecycle_end`."""
    closed = lifecycle_end(history)
    if closed is not None and (end is None or closed < end):
        end = closed
    return start, end


def covers(start: dt.date | None, end: dt.date | None, history: Sequence[Dated], day: dt.date) -> bool:
    """Whether a coverage with this period, of an instance with this history, covers on ``day``."""
    return in_force(*covering_period(start, end, history), day)
