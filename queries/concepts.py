"""The SKOS concepts a question names (a public, a scheme type), checked against the build's schemes."""

from __future__ import annotations

from maillage.core.errors import InvalidQuery
from maillage.core.namespaces import M, PUBLIC, TYPE
from maillage.store.session import Session

__all__ = ["public_iri", "type_code", "label_of"]


def public_iri(session: Session, public: str | None) -> str | None:
    """The IRI of the public ``public`` names (``enfants``); None for any public."""
    if not public:
        return None
    candidate = PUBLIC[public.strip()]
    if session.concepts.get(candidate, {}).get("scheme") != M.Publics:
        known = sorted(c["notation"] for c in session.concepts.values() if c["scheme"] == M.Publics)
        raise InvalidQuery(f"Public « {public} » inconnu. Publics connus : {', '.join(known)}.")
    return candidate


def type_code(session: Session, type: str | None) -> str | None:
    """The notation of the scheme type ``type`` names (``cpts`` → ``CPTS``); None for any type."""
    if not type:
        return None
    code = type.strip().upper()
    if TYPE[code] not in session.concepts:
        raise InvalidQuery(f"Type de dispositif « {type} » inconnu.")
    return code


def label_of(session: Session, concept: str, default: str) -> str:
    """The French label of a concept IRI, or ``default``."""
    return session.concepts.get(concept, {}).get("label", default)
