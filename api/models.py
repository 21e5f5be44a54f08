"""Response models of the HTTP API that are not the library's own answers.

Answers are the typed dataclasses of ``queries`` (FastAPI publishes their schema); only the
error body and the answers of write endpoints are the API's own.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from core.errors import PlaceCandidate, Problem

__all__ = ["ErrorBody", "Responses", "ERRORS", "WRITE_ERRORS", "Validation", "Rebuilt"]


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


#: the ``responses`` of a route, as FastAPI types them
Responses = dict[int | str, dict[str, Any]]

ERRORS: Responses = {
    404: {"model": ErrorBody, "description": "Inconnu"},
    300: {"model": ErrorBody, "description": "Plusieurs communes portent ce nom"},
    422: {"model": ErrorBody, "description": "Paramètre invalide"},
    503: {"model": ErrorBody, "description": "Aucun graphe construit"},
}
WRITE_ERRORS: Responses = {
    401: {"model": ErrorBody, "description": "Jeton absent"},
    403: {"model": ErrorBody, "description": "Jeton refusé, ou écritures désactivées"},
    422: {"model": ErrorBody, "description": "Requête invalide"},
}
