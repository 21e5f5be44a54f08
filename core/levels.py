"""The six levels of territory, from the arrondissement municipal up to the région, and the record that
names one.

A coverage names a territory of one level; a commune is inside territories of every level above it, and
Paris, Lyon and Marseille are each split into arrondissements municipaux (decision 0142). The same
words are the kinds of a territory reference (``departement:31``) and of the API's catalogue. The
levels are declared once, by :class:`core.namespaces.Level`; the tables here are read from it (plain
strings, as the stored answers hold them).
"""

from __future__ import annotations

from dataclasses import dataclass

from .namespaces import Level

__all__ = ["Level", "LEVELS", "LEVEL_ORDER", "LEVEL_LABELS", "Territory"]

#: class IRI → (level key, French label), from the arrondissement up to the région
LEVELS = {level.rdf_class: (level.value, level.label) for level in Level}
LEVEL_ORDER = [key for key, _ in LEVELS.values()]
LEVEL_LABELS = dict(LEVELS.values())


@dataclass(frozen=True)
class Territory:
    """One territory: its level (``commune``, ``epci``…), its local id and its name. A step of a path
    (``Muret ∈ CA Le Muretain Agglo ∈ Toulouse-Sud``) and an item of ``territories_of`` alike."""

    level: str
    id: str
    name: str
