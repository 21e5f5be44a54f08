"""Response models of the HTTP API that are not the library's own answers.

Answers are the typed dataclasses of ``maillage.queries`` (FastAPI publishes their schema); only the
error body is the API's own.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from maillage.errors import PlaceCandidate

__all__ = ["ErrorBody"]


class ErrorBody(BaseModel):
    error: str
    message: str = Field(description="Message en français")
    candidates: list[PlaceCandidate] = Field(default=[], description="Communes homonymes, ou noms les plus proches")
