"""Why a coverage reaches a commune: the chain of territories from the commune to the one covered.

A coverage names one territory; the commune is inside it through the materialised ``m:within`` links.
The path spells that out for a planner: ``Muret ∈ CA du Muretain Agglo ∈ Toulouse-Sud``. It is read
from the named question ``territories_of_commune``, whose ``via`` column says through which declared
member (the commune itself or its EPCI) a commune belongs to a custom territory.
"""

from __future__ import annotations

from dataclasses import dataclass

from maillage.namespaces import IGEO, M, local

from .backend import Backend

__all__ = ["LEVELS", "LEVEL_ORDER", "LEVEL_LABELS", "Step", "CommuneTerritories", "chain", "commune_territories"]

#: class IRI → (level key, French label), from the commune up to the région
LEVELS = {
    str(IGEO.Commune): ("commune", "commune"),
    str(IGEO.Intercommunalite): ("epci", "EPCI"),
    str(M.CustomTerritory): ("territoire", "territoire de projet"),
    str(IGEO.Departement): ("departement", "département"),
    str(IGEO.Region): ("region", "région"),
}
LEVEL_ORDER = [key for key, _ in LEVELS.values()]
LEVEL_LABELS = dict(LEVELS.values())


@dataclass(frozen=True)
class Step:
    """One territory on the path: its level (``commune``, ``epci``…), its local id and its name."""

    level: str
    id: str
    name: str


class CommuneTerritories:
    """Every territory containing one commune, keyed by IRI, able to explain each as a path."""

    def __init__(self, rows: list[dict]):
        self.steps: dict[str, Step] = {}
        self.via: dict[str, str] = {}
        self.commune: Step | None = None
        for r in rows:
            if r["level"] not in LEVELS:
                continue
            step = Step(LEVELS[r["level"]][0], local(r["territory"]), r["name"])
            self.steps[r["territory"]] = step
            if step.level == "commune":
                self.commune = step
            # Several declared members may hold the commune (itself and its EPCI): keep the smallest
            # IRI so that both backends explain the same way.
            if r.get("via") and (r["territory"] not in self.via or r["via"] < self.via[r["territory"]]):
                self.via[r["territory"]] = r["via"]

    def of_level(self, level: str) -> Step | None:
        return next((s for s in self.steps.values() if s.level == level), None)

    def path(self, territory: str) -> list[Step]:
        """The steps from the commune to ``territory`` (an IRI among the commune's territories)."""
        target = self.steps[territory]
        through = None
        if target.level == "territoire" and "/epci/" in self.via.get(territory, ""):
            through = self.of_level("epci")
        elif target.level == "region":
            through = self.of_level("departement")
        return chain(self.commune, target, through)


def chain(commune: Step | None, target: Step, through: Step | None = None) -> list[Step]:
    """``commune ∈ through ∈ target``: ``through`` is the EPCI by which the commune belongs to a custom
    territory, or the département between it and its région; a commune's own coverage is one step."""
    if target.level == "commune":
        return [target]
    return [s for s in (commune, through, target) if s is not None]


def commune_territories(backend: Backend, commune_iri: str) -> CommuneTerritories:
    return CommuneTerritories(backend.run("territories_of_commune", commune=commune_iri))
