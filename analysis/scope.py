"""The communes an analysis is asked about: a territory reference, or all of France."""

from __future__ import annotations

from core.errors import InvalidQuery
from core.namespaces import iri
from core.terms import parse_territory
from store.tables import AnalysisData

__all__ = ["scope_communes"]


def scope_communes(session, data: AnalysisData, territory: str | None) -> tuple[str, frozenset[str]]:
    """The label and communes of the territory an analysis is asked for (None: all of France).

    ``territory`` is a registry reference (``departement:31``, ``territoire:comminges``…).
    """
    if territory is None:
        return "France", frozenset(data.communes)
    uri = iri(*parse_territory(territory))
    codes = data.territory_communes.get(uri)
    if codes is None:
        codes = frozenset(r["code"] for r in session.run("communes_in_territory", territory=uri))
    if not codes:
        raise InvalidQuery(f"Territoire « {territory} » inconnu ou sans commune.")
    return territory, codes
