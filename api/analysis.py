"""Routes of the network analysis: overlaps, gaps (with their map layer) and the actors' network.

Each route calls the function the CLI calls (``analysis.ask``) and returns its answer.
"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, Query, Request

from analysis.ask import NetworkAnswer, gap_layer, gap_rows, gaps_in, network_of, overlaps_in
from analysis.gaps import GapReport
from analysis.overlaps import Overlap
from store.session import Session
from queries.layer import Layer, merged

from . import limits
from .coverage import AGES, MAX_TERRITORIES, ON, PUBLIC
from .answer import Answer
from .models import ERRORS
from .pages import CSV_CONTENT, CURSOR, FORMAT, LIMIT, Page, csv_response, paginate, wants_csv
from .service import backend

__all__ = ["router"]

router = APIRouter(prefix="/v1", tags=["analyse"])

TERRITORY = Query(None, max_length=limits.TERRITORY, description="Territoire : departement:31, region:76, territoire:comminges, commune:31483… "
                                    "(défaut : toute la France)", examples=["departement:31"])
TYPE = Query(None, max_length=limits.WORD, description="Type de dispositif (défaut : les types attendus par l'ontologie)", examples=["CPTS"])


@router.get("/overlaps", response_model=Page[Overlap], responses={**ERRORS, **CSV_CONTENT},
            summary="Dispositifs qui se chevauchent, avec score et explication")
def get_overlaps(request: Request, territory: str | None = TERRITORY,
                 on: str | None = Query(None, max_length=limits.WORD, description="Seulement ceux qui coexistent à cette date (défaut : toutes périodes)"),
                 type: str | None = Query(None, max_length=limits.WORD, examples=["CPTS"],
                                          description="Seulement les paires dont un dispositif est de ce type"),
                 cursor: str | None = CURSOR, limit: int = LIMIT, format: str | None = FORMAT,
                 b: Session = Depends(backend)):
    """Paires de dispositifs aux fonctions proches (même type, ou types apparentés) dont les couvertures
    partagent communes, âges, public et période ; le score est la part de la population du plus petit
    couverte aussi par l'autre, pondérée par la part d'âges communs."""
    found = overlaps_in(b, territory, on, type).overlaps
    return csv_response(found, "chevauchements", request, format) if wants_csv(request, format) else paginate(request, found, cursor, limit)


class GapPage(Page[GapReport]):
    """A page of the gap reports (one per département and type), with the question they answer."""

    territory: str
    on: dt.date


@router.get("/gaps", response_model=GapPage, responses={**ERRORS, **CSV_CONTENT},
            summary="Lacunes de couverture par département et type (CSV : une ligne par commune)")
def get_gaps(request: Request, territory: str | None = TERRITORY, type: str | None = TYPE, ages: str | None = AGES,
             public: str | None = PUBLIC, on: str | None = ON, cursor: str | None = CURSOR, limit: int = LIMIT,
             format: str | None = FORMAT, b: Session = Depends(backend)):
    """Population et communes couvertes, en lacune (non couvertes là où un recensement complet est
    déclaré) et inconnues (non couvertes, sans recensement), par pages de rapports (un par département
    et type)."""
    answer = gaps_in(b, territory, type, ages, public, on)
    if wants_csv(request, format):
        return csv_response(gap_rows(b, answer), "lacunes", request, format)
    return Answer({"territory": answer.territory, "on": answer.on} | paginate(request, answer.reports, cursor, limit))


@router.get("/layers/gaps", response_model=Layer, responses={**ERRORS, **CSV_CONTENT},
            summary="Lacunes d'un type pour chaque commune d'un territoire (couche de carte)")
def get_gap_layer(request: Request,
                  territory: list[str] = Query(max_length=MAX_TERRITORIES, examples=[["departement:48"]],
                                               description="Territoire(s), par exemple departement:48 ; répétable"),
                  type: str | None = Query(None, max_length=limits.WORD, examples=["CPTS"],
                                           description="Type de dispositif (obligatoire)"),
                  ages: str | None = AGES, public: str | None = PUBLIC, on: str | None = ON,
                  format: str | None = FORMAT, b: Session = Depends(backend)):
    layer = merged([gap_layer(b, t, type, ages, public, on) for t in territory[:MAX_TERRITORIES]])
    if wants_csv(request, format):
        return csv_response(layer.communes, f"lacunes-{layer.type}", request, format)
    return Answer(layer)


@router.get("/network", response_model=NetworkAnswer, responses={**ERRORS, **CSV_CONTENT},
            summary="Réseau des acteurs d'un territoire (CSV : un acteur par ligne)")
def get_network(request: Request, territory: str | None = TERRITORY,
                threshold: int = Query(3, ge=1, le=1000, description="Dispositifs d'un même département à partir "
                                                                       "desquels un acteur est signalé"),
                on: str | None = Query(None, max_length=limits.WORD, description="Seulement les dispositifs qui couvrent à cette date "
                                                         "(défaut : toutes périodes)", examples=["2024-06-01"]),
                format: str | None = FORMAT, b: Session = Depends(backend)):
    """Intermédiarité, courtage entre secteurs sanitaire, social et médico-social, communautés, et
    acteurs présents dans de nombreux dispositifs d'un même département."""
    answer = network_of(b, territory, threshold, on)
    if wants_csv(request, format):
        return csv_response(answer.actors, "reseau-acteurs", request, format)
    return Answer(answer)
