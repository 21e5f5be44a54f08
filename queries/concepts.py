"""The SKOS concepts a question names (a public, a scheme type), checked against the build's schemes."""

from __future__ import annotations

from collections.abc import Iterable

from core import rules
from core.errors import InvalidQuery
from core.text import fold
from core.namespaces import M, PUBLIC, TYPE
from store.session import Session

__all__ = ["public_iri", "type_code", "label_of", "many", "type_codes", "accepted_publics", "state_codes"]


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


def many(values: str | Iterable[str] | None) -> list[str]:
    """The values of a filter given once, several times (``type=CLS&type=CLSM``) or comma-separated."""
    if values is None:
        return []
    if isinstance(values, str):
        values = [values]
    return [part.strip() for value in values for part in str(value).split(",") if part.strip()]


def type_codes(session: Session, types: str | Iterable[str] | None) -> list[str]:
    """The notations of the scheme types named (each checked); empty for any type."""
    return sorted({type_code(session, t) for t in many(types)})  # type: ignore[misc]


def accepted_publics(session: Session, publics: str | Iterable[str] | None) -> frozenset[str] | None:
    """The publics whose coverages serve any of the publics named (each checked); None for any public."""
    found: set[str] = set()
    for public in many(publics):
        found |= session.served_publics(public_iri(session, public)) or set()
    return frozenset(found) if found else None


#: each state by its folded name (made once: folding them for every question was a tenth of an answer)
_STATE_NAMES = {fold(s).replace(" ", "-"): s for s in rules.STATES}


def state_codes(states: str | Iterable[str] | None) -> list[str]:
    """The states named (``actif``, ``en-projet`` or « en projet », ``suspendu``, ``termine`` or
    « terminé », ``statut-inconnu``: :data:`core.rules.STATES`); empty for any state."""
    found = []
    for state in many(states):
        code = _STATE_NAMES.get(fold(state).replace(" ", "-"))
        if code is None:
            raise InvalidQuery(f"État « {state} » inconnu : {', '.join(rules.STATES)}.")
        found.append(code)
    return sorted(set(found))
