"""Response models of the HTTP API that are not the library's own answers.

Answers are the typed dataclasses of ``queries`` (FastAPI publishes their schema); only the
error body and the answers of write endpoints are the API's own.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from core.errors import PlaceCandidate, Problem

__all__ = ["ErrorBody", "ERRORS", "WRITE_ERRORS", "Validation", "Rebuilt"]


class ErrorBody(BaseModel):
    error: str
    message: str = Field(description="Message en français")
    candidates: list[PlaceCandidate] = Field(default=[], description="Communes homonymes, ou noms les plus proches")


class Validation(BaseModel):
    valid: bool
    file: str
    message: str = Field(description="Verdict en français")
    problems: list[Problem] = Field(description="Chaque règle enfreinte : fichier, entrée, champ, règle, message")


class Rebuilt(BaseModel):
    build: str
    backend: str
    instances: int
    coverages: int
    triples: int
    seconds: float


ERRORS = {
    404: {"model": ErrorBody, "description": "Inconnu"},
    300: {"model": ErrorBody, "description": "Plusieurs communes portent ce nom"},
    422: {"model": ErrorBody, "description": "Paramètre invalide"},
    503: {"model": ErrorBody, "description": "Aucun graphe construit"},
}
WRITE_ERRORS = {
    401: {"model": ErrorBody, "description": "Jeton absent"},
    403: {"model": ErrorBody, "description": "Jeton refusé, ou écritures désactivées"},
    422: {"model": ErrorBody, "description": "Requête invalide"},
}
