"""The official identifiers (SIREN, SIRET, FINESS, RNA) of actors and instances: by node, and search.

A value searched matches a node's number exactly, or its SIREN as the first 9 digits of a SIRET (a
SIRET names one establishment of the SIREN's legal entity).
"""

from __future__ import annotations

from core.namespaces import local
from store.session import Session

__all__ = ["identifiers_of", "with_identifier"]


def identifiers_of(session: Session) -> dict[str, dict[str, str]]:
    """Node IRI → scheme (siren, siret, finess, rna) → value."""
    found: dict[str, dict[str, str]] = {}
    for row in session.run("identifiers"):
        found.setdefault(row["node"], {})[row["scheme"]] = row["value"]
    return found


def with_identifier(session: Session, value: str, kind: str) -> set[str]:
    """The ids of the nodes of ``kind`` ("actor" or "instance") carrying ``value``."""
    wanted = "".join(value.split()).upper()
    return {local(node) for node, ids in identifiers_of(session).items() if f"/{kind}/" in node and any(
        v.upper() == wanted or (scheme == "siret" and len(wanted) == 9 and v.startswith(wanted))
        for scheme, v in ids.items())}
