"""Why a coverage reaches a commune: the chain of territories from the commune to the one covered.

A coverage names one territory; the commune is inside it through the materialised ``m:within`` links.
The path spells that out for a planner: ``Muret ∈ CA du Muretain Agglo ∈ Toulouse-Sud``. It is read
from the named question ``territories_of_commune``, whose ``via`` column says through which declared
member (the commune itself or its EPCI) a commune belongs to a custom territory.
"""

from __future__ import annotations


from core.levels import LEVELS, Territory
from core.namespaces import local

__all__ = ["CommuneTerritories", "chain", "commune_territories"]


class CommuneTerritories:
    """Every territory containing one commune, keyed by IRI, able to explain each as a path."""

    def __init__(self, rows: list[dict]):
        self.steps: dict[str, Territory] = {}
        self.via: dict[str, str] = {}
        self.commune: Territory | None = None
        for r in rows:
            if r["level"] not in LEVELS:
                continue
            step = Territory(LEVELS[r["level"]][0], local(r["territory"]), r["name"])
            self.steps[r["territory"]] = step
            # the place asked: the commune, or the arrondissement municipal inside it
            if step.level == "arrondissement" or (step.level == "commune" and self.commune is None):
                self.commune = step
            # Several declared members may hold the commune (itself and its EPCI): keep the smallest
            # IRI so that both backends explain the same way.
            if r.get("via") and (r["territory"] not in self.via or r["via"] < self.via[r["territory"]]):
                self.via[r["territory"]] = r["via"]

    def of_level(self, level: str) -> Territory | None:
        return next((s for s in self.steps.values() if s.level == level), None)

    def path(self, territory: str) -> list[Territory]:
        """The steps from the commune to ``territory`` (an IRI among the commune's territories)."""
        target = self.steps[territory]
        through = None
        if target.level == "territoire" and "/epci/" in self.via.get(territory, ""):
            through = self.of_level("epci")
        elif target.level == "region":
            through = self.of_level("departement")
        return chain(self.commune, target, through)


def chain(commune: Territory | None, target: Territory, through: Territory | None = None) -> list[Territory]:
    """``commune ∈ through ∈ target``: ``through`` is the EPCI by which the commune belongs to a custom
    territory, or the département between it and its région; a commune's own coverage is one step (an
    arrondissement's: one step; its commune's: ``13214 ∈ Marseille``)."""
    if commune is None or target == commune or (target.level == "commune" and commune.level == "commune"):
        return [target]
    return [s for s in (commune, through, target) if s is not None]


def commune_territories(session, commune_iri: str) -> CommuneTerritories:
    return CommuneTerritories(session.run("territories_of_commune", commune=commune_iri))
