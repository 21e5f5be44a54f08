"""The FHIR conformance resources of the export, each under its canonical URL's path
(``https://w3id.org/maillage/fhir/StructureDefinition/coverage-period`` → ``/id/fhir/StructureDefinition/coverage-period``
on a deployment, as the w3id redirect maps every path): ``queries.fhir_definitions``."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Path
from fastapi.responses import JSONResponse

from core.errors import NotFound
from queries.fhir_definitions import definition
from store.session import Session

from . import limits
from .models import ERRORS
from .service import backend

__all__ = ["router"]

router = APIRouter(tags=["publications"])
TYPES = ("StructureDefinition", "CodeSystem", "ValueSet")


@router.get("/id/fhir/{resource_type}/{ident}", responses=ERRORS, response_class=JSONResponse,
            summary="Une définition FHIR de l'export (extension, système de codes, jeu de valeurs), sous son URL canonique")
def get_definition(resource_type: str = Path(max_length=limits.WORD, examples=list(TYPES)),
                   ident: str = Path(max_length=limits.IDENT, examples=["coverage-period"]),
                   b: Session = Depends(backend)):
    found = definition(b, resource_type, ident) if resource_type in TYPES else None
    if found is None:
        raise NotFound(f"Aucune définition FHIR « {resource_type}/{ident} » : "
                       "StructureDefinition/coverage-period, StructureDefinition/coverage-confidence, "
                       "CodeSystem/coverage-confidence, CodeSystem/scheme-types, ValueSet/coverage-confidence.")
    return JSONResponse(found, media_type="application/fhir+json")
