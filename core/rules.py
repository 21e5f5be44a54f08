"""The one definition of "in force", "serves this public" and "covers".

Every consumer (the coverage question and its index, the instance lists, the map layers, the gaps and
the overlaps) decides with these functions; the SPARQL and Cypher twins of a question keep their own
text, and ``tests/core/test_rules.py`` holds each consumer equal to this module.

- A period is **in force** on a day when it has begun by then and not yet ended; a missing start or end
  is open on that side.
- A coverage **serves** a public when it is for that public, for a broader one (SKOS ``broader``,
  transitively) or for everyone (``tout-public``).
- On a day, a coverage's **state** is its instance's status in force, in five words: ``actif`` (active
  or pilot), ``en-projet``, ``suspendu``, ``termine`` (ended or abandoned) or ``statut-inconnu`` (no
  status known on that day). A status whose start is unknown is known from the day a source attests it
  (its ``observed`` date): before that, the state is unknown, never invented.
- A coverage **covers** on a day when its own period is in force and its state is ``actif``. The coverage
  question lists every coverage in force with its state; gaps, map layers and overlaps count only
  ``actif`` as covered, and report ``en-projet`` and ``suspendu`` apart.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol, TypeVar

__all__ = ["EVERYONE", "TERMINAL", "ACTIVE", "PROJECT", "SUSPENDED", "ENDED", "UNKNOWN", "STATES", "STATE_LABELS",
           "in_force", "ages_overlap", "served_publics", "serves", "status_start", "status_on", "state_of", "state_on",
           "covering_period", "covers", "add_duration", "stale"]

#: the public of a coverage for everyone
EVERYONE = "tout-public"
#: statuses after which an instance covers nothing
TERMINAL = frozenset({"ended", "abandoned"})

#: the five states of a coverage on a day, and the statuses behind each
ACTIVE, PROJECT, SUSPENDED, ENDED, UNKNOWN = "actif", "en-projet", "suspendu", "termine", "statut-inconnu"
STATES = (ACTIVE, PROJECT, SUSPENDED, ENDED, UNKNOWN)
STATE_LABELS = {ACTIVE: "actif", PROJECT: "en projet", SUSPENDED: "suspendu", ENDED: "terminé",
                UNKNOWN: "statut inconnu"}
_STATE_OF_STATUS = {"active": ACTIVE, "pilot": ACTIVE, "project": PROJECT, "suspended": SUSPENDED,
                    "ended": ENDED, "abandoned": ENDED}


class Dated(Protocol):
    # read-only: the statuses are frozen records
    @property
    def value(self) -> str: ...
    @property
    def valid_from(self) -> dt.date | None: ...
    @property
    def valid_to(self) -> dt.date | None: ...
    @property
    def observed(self) -> dt.date | None: ...


#: a status of some kind (a card's, an analysis table's): what :func:`status_on` finds is of that kind
D = TypeVar("D", bound=Dated)


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


def status_start(status: Dated) -> dt.date | None:
    """The first day a status is known to hold: its start, else the day a source attests it."""
    return status.valid_from if status.valid_from is not None else status.observed


def status_on(history: Sequence[D], day: dt.date) -> D | None:
    """The status in force on ``day``: the latest one known to have begun by then and not yet ended
    (``history`` in order: by start, then as listed). A status with neither start nor attestation is
    never in force."""
    current = None
    for status in history:
        start = status_start(status)
        if start is not None and in_force(start, status.valid_to, day):
            current = status
    return current


def state_of(status: Dated | None) -> str:
    """The state a status means (:data:`STATES`); no status: ``statut-inconnu``."""
    return UNKNOWN if status is None else _STATE_OF_STATUS.get(status.value, UNKNOWN)


def state_on(history: Sequence[Dated], day: dt.date) -> str:
    return state_of(status_on(history, day))


def covering_period(start: dt.date | None, end: dt.date | None, history: Sequence[Dated]) -> tuple[dt.date | None, dt.date | None] | None:
    """The span a coverage covers: its own period cut to the span of its instance's active statuses
    (from the first active start to the end of the last active one); None when it never is active.
    A suspension between two active statuses stays inside the span: :func:`covers` decides each day."""
    spans = [(begun, s.valid_to) for s in history if state_of(s) == ACTIVE and (begun := status_start(s)) is not None]
    if not spans:
        return None
    first = min(a for a, _ in spans)
    ends = [b for _, b in spans if b is not None]
    last = max(ends) if len(ends) == len(spans) else None
    low = first if start is None or first > start else start
    high = last if end is None or (last is not None and last < end) else end
    if high is not None and low > high:
        return None
    return low, high


def covers(start: dt.date | None, end: dt.date | None, history: Sequence[Dated], day: dt.date) -> bool:
    """Whether a coverage with this period, of an instance with this history, covers on ``day``: in
    force and ``actif``."""
    return in_force(start, end, day) and state_on(history, day) == ACTIVE


_DURATION = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?$")


def add_duration(day: dt.date, duration: str) -> dt.date:
    """``day`` plus an ISO 8601 duration of years, months and days (``P2Y``, ``P18M``, ``P1Y6M``);
    the day of month is kept (or the month's last day)."""
    match = _DURATION.match(duration)
    if not match or not any(match.groups()):
        raise ValueError(f"durée ISO 8601 attendue (P2Y, P18M…) : {duration!r}")
    years, months, days = (int(g or 0) for g in match.groups())
    month = day.month - 1 + months
    year = day.year + years + month // 12
    month = month % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last)) + dt.timedelta(days=days)


def stale(observed: dt.date | None, window: str, day: dt.date) -> bool:
    """Whether a fact last attested on ``observed`` is to be confirmed on ``day``: attested longer ago
    than the freshness ``window`` (never attested: stale)."""
    return observed is None or add_duration(observed, window) < day
