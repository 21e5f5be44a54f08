"""The one definition of "in force", "serves this public" and "covers".

Every consumer (the coverage question and its index, the instance lists, the map layers, the gaps and
the overlaps) decides with these functions; the SPARQL and Cypher twins of a question keep their own
text, and ``tests/core/test_rules.py`` holds each consumer equal to this module.

- A period is **in force** on a day when it has begun by then and not yet ended; a missing start or end
  is open on that side.
- A coverage **serves** a public when it is for that public, for a broader one (SKOS ``broader``,
  transitively) or for everyone (``tout-public``).
- A source speaks of a **period** (an activity report of 2019: the whole year; a news item: its day; an
  undated page: at least the day it was read). A fact a source attests holds at least over that period.
  A status whose start is unknown is known from the first day its sources speak of
  (:func:`status_start`): before that its state is unknown, never absent. After its last attestation
  it holds on, "à confirmer" once the type's freshness window has passed (:func:`stale`). A start or an
  end the text gives is used as such.
- An instance is **created** on the known start of its first status when that status is a beginning
  (project, pilot, active: :func:`created`); before it, nothing of the instance is in force
  (:func:`coverage_in_force`), whatever the coverage's own dates.
- On a day, a coverage's **state** is its instance's status in force, in five words: ``actif`` (active
  or pilot), ``en-projet``, ``suspendu``, ``termine`` (ended or abandoned) or ``statut-inconnu`` (no
  status known on that day).
- A coverage **covers** on a day when it is in force and its state is ``actif``. The coverage question
  lists every coverage in force with its state; gaps, map layers and overlaps count only ``actif`` as
  covered, report ``en-projet`` and ``suspendu`` apart, and a commune only ``statut-inconnu`` reaches is
  unknown there, never a gap.

The whole rule, row by row, with a test per row: ``docs/temporal-truth-table.md``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol, TypeVar

__all__ = ["EVERYONE", "TERMINAL", "BEGINNINGS", "ACTIVE", "PROJECT", "SUSPENDED", "ENDED", "UNKNOWN", "STATES",
           "STATE_LABELS", "in_force", "ages_overlap", "served_publics", "serves", "status_start", "created",
           "coverage_in_force", "status_on", "state_of", "state_on", "covering_period", "covers", "add_duration",
           "stale", "last_known", "role_on", "HELD", "PAST", "NOT_YET", "ROLE_STATES", "ROLE_LABELS"]

#: the public of a coverage for everyone
EVERYONE = "tout-public"
#: statuses after which an instance covers nothing
TERMINAL = frozenset({"ended", "abandoned"})
#: statuses that begin a lifecycle: a known start of the first of them is the instance's creation
BEGINNINGS = frozenset({"project", "pilot", "active"})

#: the five states of a coverage on a day, and the statuses behind each
ACTIVE, PROJECT, SUSPENDED, ENDED, UNKNOWN = "actif", "en-projet", "suspendu", "termine", "statut-inconnu"
STATES = (ACTIVE, PROJECT, SUSPENDED, ENDED, UNKNOWN)
STATE_LABELS = {ACTIVE: "actif", PROJECT: "en projet", SUSPENDED: "suspendu", ENDED: "terminé",
                UNKNOWN: "statut inconnu"}
_STATE_OF_STATUS = {"active": ACTIVE, "pilot": ACTIVE, "project": PROJECT, "suspended": SUSPENDED,
                    "ended": ENDED, "abandoned": ENDED}


class Dated(Protocol):
    """A status (``store.cards.Status``): its value, the period the text gives, and the first
    and last days its sources speak of (``attested_from``, ``observed``)."""

    # read-only: the statuses are frozen records
    @property
    def value(self) -> str: ...
    @property
    def valid_from(self) -> dt.date | None: ...
    @property
    def valid_to(self) -> dt.date | None: ...
    @property
    def observed(self) -> dt.date | None: ...
    @property
    def attested_from(self) -> dt.date | None: ...


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
    """The first day a status is known to hold: its start when the text gives it, else the first day of
    the period its sources speak of (``attested_from``; a status made without one, by hand, falls back
    on the last day attested)."""
    if status.valid_from is not None:
        return status.valid_from
    return status.attested_from or status.observed


def created(history: Sequence[Dated]) -> dt.date | None:
    """The day an instance began, when a source gives it: the known start of its first status if that
    status is a beginning (:data:`BEGINNINGS`). A history opening with an end (the PTA 31, known only
    by its merger) or with a start only attested says nothing of the instance's creation: None."""
    if history and history[0].value in BEGINNINGS:
        return history[0].valid_from
    return None


def coverage_in_force(start: dt.date | None, end: dt.date | None, history: Sequence[Dated], day: dt.date) -> bool:
    """Whether a coverage with this period, of an instance with this ``history``, is in force on ``day``:
    its own period holds it (open where a date is missing) and its instance exists by then (nothing is
    in force before the instance's :func:`created`)."""
    if not in_force(start, end, day):
        return False
    begun = created(history)
    return begun is None or begun <= day


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
    force (:func:`coverage_in_force`) and ``actif``."""
    return coverage_in_force(start, end, history, day) and state_on(history, day) == ACTIVE


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


def last_known(status: Dated) -> dt.date | None:
    """The last day a status is known to hold: the last day its sources speak of, or its end when the
    text gives one (a "CLS 2019-2021" read in 2026 holds, as the text says, until the end of 2021)."""
    ends = [d for d in (status.observed, status.valid_to) if d is not None]
    return max(ends) if ends else None


#: a role on a day (:func:`role_on`): held, ended (its end given has passed), not yet begun (its start
#: given is ahead), or unknown (its start unknown and no source speaks of it yet)
HELD, PAST, NOT_YET = "en-cours", "termine", "a-venir"
ROLE_STATES = (HELD, PAST, NOT_YET, UNKNOWN)
ROLE_LABELS = {HELD: "en cours", PAST: "terminé", NOT_YET: "à venir", UNKNOWN: "inconnu à cette date"}


def role_on(start: dt.date | None, end: dt.date | None, attested_from: dt.date | None, day: dt.date) -> str:
    """Whether a role holds on ``day``, by the rule of statuses (``docs/temporal-truth-table.md``): ended
    after the end the text gives (« coordinateur jusqu'en 2018 »), not yet before the start it gives,
    unknown before the first day its sources speak of when its start is unknown, else held."""
    if end is not None and day > end:
        return PAST
    if start is not None:
        return NOT_YET if day < start else HELD
    return UNKNOWN if attested_from is not None and day < attested_from else HELD
