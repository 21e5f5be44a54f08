"""The coverage question answered from memory, for a process that asks it many times (the API).

``who_covers.rq`` answers one commune with one query: the right way for a command that asks once. A
server asks thousands of times against a build that never changes. It reads, once, the three tables the
question looks at, through parameterless named questions (so from either backend):

* ``analysis_coverages``: every coverage, its territory, ages, period, publics and card;
* ``covered_communes``: the communes of every territory a coverage names, with the member (the
  commune or its EPCI) through which a commune belongs to a custom territory;
* ``commune_table``: each commune's name and département, for the steps of the path.

Then an answer is dictionary reads and the same filters in Python: tens of microseconds instead of about
a millisecond of query planning and term conversion. The real registry gives about 10,000
(territory, commune) pairs; the synthetic national one (31,000 coverages) a few hundred thousand.
``tests/queries/test_coverage_index.py`` holds both ways equal over communes of every level, ages,
publics and dates.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from maillage.namespaces import local

from .backend import Backend
from .coverage import AgeRange, Card, Coverage, coverage_from, parse_card, with_publics
from .paths import Step, chain

__all__ = ["CoverageIndex", "index_coverage", "answers_from_memory"]


@dataclass(frozen=True)
class _Entry:
    row: dict  # coverage, territory, min, max, from, to: the shape coverage_from reads
    publics: frozenset[str]
    card: Card
    target: Step


class CoverageIndex:
    """For each commune, the coverages of the territories containing it, and how it is inside each."""

    def __init__(self, backend: Backend):
        by_territory: dict[str, list[_Entry]] = defaultdict(list)
        for r, publics in with_publics(backend.run("analysis_coverages")).values():
            card = parse_card(r["card"])
            row = {k: r[k] for k in ("coverage", "territory", "min", "max", "from", "to")}
            target = Step(card.level, local(r["territory"]), card.territory_name)
            by_territory[r["territory"]].append(_Entry(row, publics, card, target))
        self._communes = {r["code"]: r for r in backend.run("commune_table")}
        # commune code -> (territory, EPCI it comes through or None); several members may hold a
        # commune (itself and its EPCI): the smallest IRI explains it, as paths.CommuneTerritories does.
        via: dict[tuple[str, str], tuple[str, str] | None] = {}
        for r in backend.run("covered_communes"):
            key = (r["code"], r["territory"])
            if r["via"] is not None and (via.get(key) is None or r["via"] < via[key][0]):
                via[key] = (r["via"], r["viaName"])
            else:
                via.setdefault(key, None)
        self._reach: dict[str, list[tuple[list[_Entry], Step | None]]] = defaultdict(list)
        for (code, territory), member in via.items():
            if territory not in by_territory:
                continue  # named by an inventory only
            through = Step("epci", local(member[0]), member[1]) if member and "/epci/" in member[0] else None
            self._reach[code].append((by_territory[territory], through))

    def coverages(self, code: str, ages: AgeRange, accepted: frozenset[str] | None, day: dt.date) -> list[Coverage]:
        """Twin of the named question ``who_covers`` (and of its path), in the order it is unsorted;
        ``accepted``: the publics a coverage must name one of (``coverage.served_publics``), or None."""
        commune = self._communes.get(code)
        found = []
        for entries, member in self._reach.get(code, ()):
            for e in entries:
                r = e.row
                if r["min"] > ages.max or r["max"] < ages.min:
                    continue
                if (r["from"] is not None and r["from"] > day) or (r["to"] is not None and r["to"] < day):
                    continue
                if accepted is not None and not (e.publics & accepted):
                    continue
                item = coverage_from(e.card, r, day)
                through = member
                if e.target.level == "region":
                    through = Step("departement", commune["departement"], commune["departementName"])
                item.path = chain(Step("commune", code, commune["name"]), e.target, through)
                found.append(item)
        return found


def index_coverage(backend: Backend) -> CoverageIndex:
    """Read the tables once and let :func:`~maillage.queries.coverage.who_covers` answer from them."""
    index = getattr(backend, "_coverage_index", None)
    if index is None:
        index = backend._coverage_index = CoverageIndex(backend)  # type: ignore[attr-defined]
    return index


def answers_from_memory(backend: Backend) -> bool:
    """Whether ``who_covers`` on ``backend`` reads the index (no I/O) rather than running the query."""
    return getattr(backend, "_coverage_index", None) is not None
