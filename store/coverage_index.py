"""The coverage question answered from memory, for a session that asks it many times (the API).

``who_covers.rq`` answers one commune with one query: the right way for a command that asks once. A
server asks thousands of times against a build that never changes. It reads, once, the three tables the
question looks at, through parameterless named questions (so from either backend):

* ``analysis_coverages``: every coverage, its territory, ages, period, publics and card;
* ``covered_communes``: the communes of every territory a coverage names, with the member (the
  commune or its EPCI) through which a commune belongs to a custom territory;
* ``commune_table``: each commune's name and département, for the steps of the path;
* ``arrondissement_table`` (the session's ``arrondissements``): the arrondissements municipaux, each
  reached by its own coverages and its commune's, and each reaching its commune in part (decision 0142).

Then an answer is dictionary reads and the rules of ``core.rules``: tens of microseconds
instead of about a millisecond of query planning and term conversion. The real registry gives about
10,000 (territory, commune) pairs; the synthetic national one (31,000 coverages) a few hundred thousand.
``tests/queries/test_coverage_index.py`` holds both ways equal over communes of every level, ages,
publics and dates.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from core import rules
from core.levels import Territory
from core.namespaces import local
from core.terms import AgeRange

from .cards import Card, parse_card
from .paths import chain
from .tables import with_publics

__all__ = ["CoverageIndex", "Match"]


@dataclass(frozen=True)
class _Entry:
    row: dict  # coverage, territory, min, max, from, to
    publics: frozenset[str]
    card: Card
    target: Territory


@dataclass(frozen=True)
class Match:
    """A coverage reaching a commune: its row, its card, and the path from the commune to its territory;
    ``partial`` when it names an arrondissement of the commune asked, so reaches only part of it."""

    row: dict
    card: Card
    path: list[Territory]
    partial: bool = False


class CoverageIndex:
    """For each commune, the coverages of the territories containing it, and how it is inside each."""

    def __init__(self, session):
        by_territory: dict[str, list[_Entry]] = defaultdict(list)
        for r, publics in with_publics(session.run("analysis_coverages")).values():
            card = parse_card(r["card"])
            row = {k: r[k] for k in ("coverage", "territory", "min", "max", "from", "to")}
            target = Territory(card.level, local(r["territory"]), card.territory_name)
            by_territory[r["territory"]].append(_Entry(row, publics, card, target))
        self._communes = {r["code"]: r for r in session.run("commune_table")}
        # commune code -> (territory, EPCI it comes through or None); several members may hold a
        # commune (itself and its EPCI): the smallest IRI explains it, as paths.CommuneTerritories does.
        via: dict[tuple[str, str], tuple[str, str] | None] = {}
        for r in session.run("covered_communes"):
            key = (r["code"], r["territory"])
            held = via.get(key)
            if r["via"] is not None and (held is None or r["via"] < held[0]):
                via[key] = (r["via"], r["viaName"])
            else:
                via.setdefault(key, None)
        self._reach: dict[str, list[tuple[list[_Entry], Territory | None]]] = defaultdict(list)
        for (code, territory), member in via.items():
            if territory not in by_territory:
                continue  # named by an inventory only
            through = Territory("epci", local(member[0]), member[1]) if member and "/epci/" in member[0] else None
            self._reach[code].append((by_territory[territory], through))
        # an arrondissement's own coverages, and those of its commune's arrondissements (partial)
        self._parts = session.arrondissements
        self._own: dict[str, list[_Entry]] = {}
        self._partial: dict[str, list[_Entry]] = defaultdict(list)
        for territory, entries in by_territory.items():
            if (code := local(territory)) in self._parts and territory.endswith(f"/arrondissement/{code}"):
                self._own[code] = entries
                self._partial[self._parts[code]["commune"]].extend(entries)

    def matching(self, code: str, ages: AgeRange, accepted: frozenset[str] | None, day: dt.date) -> list[Match]:
        """Twin of the named question ``who_covers`` (and of its path), unsorted; ``accepted``: the
        publics a coverage must name one of (``Session.served_publics``), or None. ``code`` may be an
        arrondissement municipal's."""
        part = self._parts.get(code)
        commune_code = part["commune"] if part is not None else code
        commune = self._communes.get(commune_code)
        if commune is None:
            return []
        place = (Territory("arrondissement", code, part["name"]) if part is not None
                 else Territory("commune", code, commune["name"]))
        reach = list(self._reach.get(commune_code, ()))
        partial = self._partial.get(code, []) if part is None else []
        if part is not None and code in self._own:
            reach.append((self._own[code], None))
        found = []

        def fits(e: _Entry) -> bool:
            r = e.row
            return (rules.ages_overlap(r["min"], r["max"], ages.min, ages.max)
                    and rules.coverage_in_force(r["from"], r["to"], e.card.history, day)
                    and rules.serves(e.publics, accepted))

        for entries, member in reach:
            for e in entries:
                if not fits(e):
                    continue
                through = member
                if e.target.level == "region":
                    through = Territory("departement", commune["departement"], commune["departementName"])
                found.append(Match(e.row, e.card, chain(place, e.target, through)))
        found += [Match(e.row, e.card, [e.target], partial=True) for e in partial if fits(e)]
        return found
