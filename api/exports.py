"""Routes of the published files: dumps of the build, its DCAT-AP catalogue, and the field's formats
(data·inclusion, FHIR R4), each validated by the field's own library before it is served."""

from __future__ import annotations

import datetime as dt
import threading

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import FileResponse, JSONResponse, Response

from core.dates import read_date
from core.errors import NotFound
from queries.dcat import dcat
from queries.dumps import DUMPS, all_dumps, dump
from queries.exports import data_inclusion, fhir_bundle
from store.builds import build_info
from store.session import Session

from . import limits
from .linked import _answer, rdf_store
from .models import ERRORS
from .service import Service, backend, service

__all__ = ["router", "validated_data_inclusion", "validated_fhir"]

router = APIRouter(tags=["publications"])
_making = threading.Lock()  # one dump written at a time: they are large, and two would race on one file


def _build(svc: Service):
    return svc.served_build()  # the build every other route answers from


def validated_data_inclusion(b: Session, updated: dt.date | None = None) -> dict:
    """The data·inclusion export, every record validated by ``data-inclusion-schema``."""
    from data_inclusion.schema.v1 import Service as DiService, Structure

    found = data_inclusion(b, updated=updated)
    for record in found["structures"]:
        Structure.model_validate(record)
    for record in found["services"]:
        DiService.model_validate(record)
    return found


def validated_fhir(b: Session) -> dict:
    """The FHIR Bundle, validated by ``fhir.resources`` (R4B models, FHIR 4.3: R4's resources unchanged)."""
    from fhir.resources.R4B.bundle import Bundle

    found = fhir_bundle(b)
    Bundle.model_validate(found)
    return found


@router.get("/v1/dumps/{name}", responses=ERRORS, response_class=FileResponse,
            summary="Un fichier de la construction en service (N-Triples gz, Turtle, JSON-LD, CSV, GeoJSON)")
def get_dump(name: str = Path(max_length=limits.IDENT, examples=list(DUMPS)), b: Session = Depends(backend), svc: Service = Depends(service)):
    """Fait à la première demande, puis gardé dans le dossier de la construction ; empreinte dans `X-Checksum-Sha256`."""
    if name not in DUMPS:
        raise NotFound(f"Aucun fichier « {name} » : {', '.join(DUMPS)}.")
    build = _build(svc)
    with _making:
        made = dump(b, rdf_store(svc), build, name)
    return FileResponse(made.path, media_type=made.media_type, filename=name,
                        headers={"X-Checksum-Sha256": made.sha256, "Cache-Control": "public, max-age=3600"})


@router.get("/v1/catalogue", responses=ERRORS, response_class=Response,
            summary="Description DCAT-AP du jeu de données (Turtle, JSON-LD, N-Triples ou HTML selon Accept)")
def get_catalogue(request: Request, format: str | None = Query(None, max_length=limits.WORD, description="ttl, jsonld, nt ou html"),
                  b: Session = Depends(backend), svc: Service = Depends(service)):
    build = _build(svc)
    with _making:
        dumps = all_dumps(b, rdf_store(svc), build)
    triples = dcat(b, build, dumps, str(request.base_url).rstrip("/"), svc.settings.data_dir)
    return _answer(request, "https://w3id.org/maillage/catalogue", triples, format)


@router.get("/v1/exports/data-inclusion", responses=ERRORS, response_class=JSONResponse,
            summary="Les dispositifs en services data·inclusion (et leurs porteurs en structures)")
def get_data_inclusion(b: Session = Depends(backend), svc: Service = Depends(service)):
    created = build_info(_build(svc)).get("created")
    updated = read_date(created[:10]) if created else None
    return JSONResponse(validated_data_inclusion(b, updated))


@router.get("/v1/exports/fhir", responses=ERRORS, response_class=JSONResponse,
            summary="Les dispositifs en FHIR R4 : Bundle d'Organization, HealthcareService et Location")
def get_fhir(b: Session = Depends(backend)):
    return JSONResponse(validated_fhir(b), media_type="application/fhir+json")
