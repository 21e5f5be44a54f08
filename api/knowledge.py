"""Route of what Maillage knows of France: per type and département, what the registry holds."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from queries.france import FranceKnowledge, knowledge_of_france
from store.session import Session

from .answer import Answer
from .coverage import ON, TYPE
from .models import ERRORS
from .service import backend

__all__ = ["router"]

router = APIRouter(prefix="/v1", tags=["couverture"])


@router.get("/knowledge", response_model=FranceKnowledge, responses=ERRORS,
            summary="Ce que Maillage sait de la France : par type et par département")
def get_knowledge(type: str | None = TYPE, on: str | None = ON, b: Session = Depends(backend)):
    """Pour chaque type de dispositif (le premier : tous les types ensemble) et chaque département où le registre
    sait quelque chose : les dispositifs connus, les communes et la population couvertes, s'il l'a recensé ou en
    tient l'inventaire (à quelle date, sur combien de communes), et le chiffre national qu'une source donne
    (`national`, avec sa source). `knowledge` dit, du plus sûr au moins sûr : inventaire, recense, connu,
    type-non-recense ; un département absent est hors registre."""
    return Answer(knowledge_of_france(b, type=type, on=on))
