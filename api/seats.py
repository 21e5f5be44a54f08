"""Routes of the seats of national files: nearest to a commune, and a map layer of points."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse

from core.terms import parse_territory
from queries.seats import NearbyAnswer, nearby, seats_layer
from store.session import Session

from . import limits
from .answer import Answer
from .models import ERRORS
from .places import GEOJSON
from .service import Service, backend, service

__all__ = ["router"]

router = APIRouter(prefix="/v1", tags=["sièges"])

TYPE = Query(None, max_length=limits.WORD, description="Type de dispositif, par exemple FS (France services), LHSS", examples=["FS"])


@router.get("/nearby", response_model=NearbyAnswer, responses=ERRORS,
            summary="Sièges les plus proches d'une commune, par type (à proximité, pas couverture)")
def get_nearby(place: str = Query(max_length=limits.PLACE, description="Nom de commune ou code INSEE", examples=["Mende"]),
               type: str | None = TYPE, count: int = Query(3, ge=1, le=50, description="Sièges par type"),
               b: Session = Depends(backend), svc: Service = Depends(service)):
    """La section « à proximité » de who-covers : distance (km) depuis le centre de la commune. Au-delà du
    réglage `nearby_km` (100 km par défaut), un siège n'est plus dit à proximité : le type nomme le plus
    proche à part (`farther`) ; un groupe tiré d'un échantillon le dit (`extent`, `note`)."""
    return Answer(nearby(b, place, type=type, count=count, max_km=svc.settings.nearby_km))


@router.get("/layers/seats", responses={**ERRORS, **GEOJSON}, response_class=JSONResponse,
            summary="Sièges d'un territoire (couche de points GeoJSON)")
def get_seats_layer(territory: str = Query(max_length=limits.TERRITORY, description="Territoire : departement:31, epci:…", examples=["departement:48"]),
                    type: str | None = TYPE, b: Session = Depends(backend)):
    kind, code = parse_territory(territory)
    return JSONResponse(seats_layer(b, kind, code, type=type), media_type="application/geo+json")
