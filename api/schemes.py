"""Routes of scheme types, instances and actors."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse

from queries.actors import Actor, ActorInfo, actor, instance_actors, list_actors
from queries.areas import instance_areas
from queries.identifiers import with_identifier
from store.session import Session
from queries.catalogue import SchemeType, publics, scheme_types
from queries.instances import InstanceDetail, InstanceSummary, instance_detail, instances_answers, list_instances

from .answer import Answer
from . import limits
from .coverage import ON, PUBLICS, STATES, TYPES
from .models import ERRORS
from .pages import CSV_CONTENT, CURSOR, FORMAT, LIMIT, Page, csv_response, paginate, record_response, wants_csv
from .places import GEOJSON
from .service import Service, backend, service

__all__ = ["router"]

router = APIRouter(prefix="/v1", tags=["dispositifs"])

IDENTIFIER = Query(None, max_length=limits.WORD, description="SIREN, SIRET, FINESS ou RNA (un SIREN trouve aussi les SIRET de l'entité)",
                   examples=["775672272"])
Q = Query(None, max_length=limits.PLACE, examples=["ARS"],
          description="Mots du nom ou de l'identifiant (mots entiers, accents et casse indifférents)")
INSTANCE = Path(max_length=limits.IDENT, description="Identifiant du dispositif", examples=["ilc-toulouse-sud"])


def _list(request: Request, items, name: str, cursor: str | None, limit: int, format: str | None, answers=None):
    if wants_csv(request, format):
        return csv_response(items, name, request, format)
    return paginate(request, items, cursor, limit, answers)


@router.get("/scheme-types", response_model=Page[SchemeType], responses={**ERRORS, **CSV_CONTENT},
            summary="Types de dispositifs (schéma SKOS)")
def get_scheme_types(request: Request, cursor: str | None = CURSOR, limit: int = LIMIT, format: str | None = FORMAT,
                     b: Session = Depends(backend)):
    return _list(request, scheme_types(b), "types-de-dispositifs", cursor, limit, format)


@router.get("/publics", response_model=Page[SchemeType], responses={**ERRORS, **CSV_CONTENT},
            summary="Publics (schéma SKOS, avec les publics plus larges)")
def get_publics(request: Request, cursor: str | None = CURSOR, limit: int = LIMIT, format: str | None = FORMAT,
                b: Session = Depends(backend)):
    return _list(request, publics(b), "publics", cursor, limit, format)


@router.get("/instances", response_model=Page[InstanceSummary], responses={**ERRORS, **CSV_CONTENT},
            summary="Dispositifs, filtrés par type, territoire, public et date")
def get_instances(
    request: Request,
    type: list[str] | None = TYPES,
    territory: str | None = Query(None, max_length=limits.TERRITORY, description="Territoire (departement:31, epci:…, territoire:…) ou commune",
                                  examples=["departement:31"]),
    public: list[str] | None = PUBLICS,
    on: str | None = ON,
    observed_since: str | None = Query(None, max_length=limits.WORD, description="Seulement ceux dont le statut en vigueur est constaté depuis "
                                                          "cette date (AAAA-MM-JJ)", examples=["2024-01-01"]),
    identifier: str | None = IDENTIFIER,
    q: str | None = Q,
    state: list[str] | None = STATES,
    cursor: str | None = CURSOR,
    limit: int = LIMIT,
    format: str | None = FORMAT,
    b: Session = Depends(backend),
):
    """Les dispositifs dont au moins une couverture est en vigueur à la date et répond aux filtres, avec leur
    état (actif, en projet, suspendu, terminé, statut inconnu), leur dernier constat et leur fiabilité ; avec
    un territoire ou un type, `answers` dit ce que le registre sait là pour chaque type (dispositifs connus,
    recensé aucun trouvé, type non recensé ici, hors registre) et la règle nationale non trouvée."""
    found = list_instances(b, type=type, territory=territory, public=public, on=on, observed_since=observed_since,
                           q=q, state=state)
    if identifier:
        carrying = with_identifier(b, identifier, "instance")
        found = [i for i in found if i.id in carrying]
    answers = instances_answers(b, territory, type, found, on) if territory or type else None
    return _list(request, found, "dispositifs", cursor, limit, format, answers)


@router.get("/instances/{instance_id}", response_model=InstanceDetail, responses={**ERRORS, **CSV_CONTENT},
            summary="Un dispositif : couvertures, historique, acteurs, sources")
def get_instance(request: Request, instance_id: str = INSTANCE, on: str | None = ON, format: str | None = FORMAT,
                 b: Session = Depends(backend)):
    found = instance_detail(b, instance_id, on=on)
    return record_response(request, found, f"dispositif-{instance_id}", format, Answer)


@router.get("/instances/{instance_id}/actors", response_model=Page[Actor], responses={**ERRORS, **CSV_CONTENT},
            summary="Les acteurs d'un dispositif et leurs rôles")
def get_instance_actors(request: Request, instance_id: str = INSTANCE, cursor: str | None = CURSOR,
                        limit: int = LIMIT, format: str | None = FORMAT, b: Session = Depends(backend)):
    instance_detail(b, instance_id)  # 404 for an unknown instance rather than an empty list
    return _list(request, instance_actors(b, instance_id), f"acteurs-{instance_id}", cursor, limit, format)


@router.get("/instances/{instance_id}/area", responses={**ERRORS, **GEOJSON}, response_class=JSONResponse,
            summary="Aires couvertes par un dispositif (GeoJSON, contours des communes)")
def get_instance_area(instance_id: str = INSTANCE, b: Session = Depends(backend), svc: Service = Depends(service)):
    """Une entité par couverture : le MultiPolygone des contours de ses communes, avec âges, publics et période."""
    return JSONResponse(instance_areas(b, svc.settings.data_dir, instance_id), media_type="application/geo+json")


@router.get("/actors", response_model=Page[ActorInfo], responses={**ERRORS, **CSV_CONTENT},
            summary="Acteurs (organisations) et leurs rôles")
def get_actors(request: Request, q: str | None = Q, identifier: str | None = IDENTIFIER, cursor: str | None = CURSOR,
               limit: int = LIMIT, format: str | None = FORMAT, b: Session = Depends(backend)):
    found = list_actors(b, q=q)
    if identifier:
        carrying = with_identifier(b, identifier, "actor")
        found = [a for a in found if a.id in carrying]
    return _list(request, found, "acteurs", cursor, limit, format)


@router.get("/actors/{actor_id}", response_model=ActorInfo, responses={**ERRORS, **CSV_CONTENT},
            summary="Un acteur et ses rôles")
def get_actor(request: Request, actor_id: str = Path(max_length=limits.IDENT, examples=["rap31"]),
              format: str | None = FORMAT, b: Session = Depends(backend)):
    return record_response(request, actor(b, actor_id), f"acteur-{actor_id}", format)
