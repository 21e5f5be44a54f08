"""The communes an analysis is asked about: a territory reference, or all of France."""

from __future__ import annotations

from core.errors import InvalidQuery
from core.namespaces import iri
from core.terms import parse_territory
from queries.territories import communes_within
from store.tables import AnalysisData

__all__ = ["scope_communes", "scope_parts"]


def scope_communes(session, data: AnalysisData, territory: str | None) -> tuple[str, frozenset[str]]:
    """The label and communes of the territory an analysis is asked for (None: all of France).

    ``territory`` is a registry reference (``departement:31``, ``territoire:comminges``…).
    """
    if territory is None:
        return "France", frozenset(data.communes)
    codes = communes_within(session, iri(*parse_territory(territory)))
    if not codes:
        raise InvalidQuery(f"Territoire « {territory} » inconnu ou sans commune.")
    return territory, codes


def scope_parts(data: AnalysisData, territory: str | None) -> frozenset[str] | None:
    """The arrondissement municipal an analysis is asked about (``arrondissement:13201``), else None: the
    analysis is then of communes."""
    if territory is None:
        return None
    kind, code = parse_territory(territory)
    return frozenset((code,)) if kind == "arrondissement" and code in data.arrondissements else None
