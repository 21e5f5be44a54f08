"""Typed response models of the HTTP API (they make the OpenAPI schema)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

__all__ = ["Place", "AgeRange", "Source", "Role", "Status", "Coverage", "CoverageAnswer", "ErrorBody"]


class Place(BaseModel):
    code: str = Field(description="Code INSEE")
    name: str
    departement: str
    population: int | None = None


class AgeRange(BaseModel):
    min: int
    max: int


class Source(BaseModel):
    title: str
    date: dt.date
    excerpt: str
    file: str | None = None
    url: str | None = None


class Role(BaseModel):
    role: str
    label: str
    actor_id: str | None
    actor: str | None
    function: str | None = Field(description="Fonction tenue par une personne (jamais un nom)")
    valid_from: dt.date | None
    valid_to: dt.date | None


class Status(BaseModel):
    value: str
    label: str
    valid_from: dt.date
    valid_to: dt.date | None


class Coverage(BaseModel):
    instance_id: str
    coverage_id: str = Field(description="Identifiant de la couverture : <dispositif>/coverage/<n>")
    type: str
    type_label: str
    name: str
    level: str = Field(description="commune, epci, territoire, departement ou region")
    level_label: str
    territory: str
    territory_name: str
    ages: AgeRange
    publics: list[str]
    valid_from: dt.date | None
    valid_to: dt.date | None
    status: Status | None = Field(description="Statut en vigueur à la date demandée")
    history: list[Status]
    roles: list[Role]
    sources: list[Source]


class CoverageAnswer(BaseModel):
    commune: Place
    ages: AgeRange
    public: str | None
    on: dt.date
    coverages: list[Coverage]


class ErrorBody(BaseModel):
    error: str
    message: str = Field(description="Message en français")
    candidates: list[Place] = []
