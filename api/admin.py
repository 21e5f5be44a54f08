"""Write endpoints: publish a new build, and validate a registry file without touching live data.

Every one needs the bearer token the operator configured (``MAILLAGE_API_TOKEN``). With no token
configured, writes are off: the public service changes nothing.
"""

from __future__ import annotations

import dataclasses
import hmac
import re
import shutil
import tempfile
from pathlib import Path

from fastapi import APIRouter, Body, Depends, Query, Request
from maillage.core.errors import BuildBusy, InvalidQuery, MaillageError, RegistryInvalid
from maillage.ingest.build import build, check

from .models import WRITE_ERRORS, Rebuilt, Validation
from .service import Service, service

__all__ = ["router", "Forbidden", "Unauthorized"]


class Unauthorized(MaillageError, PermissionError):
    """No bearer token in the request."""


class Forbidden(MaillageError, PermissionError):
    """A wrong token, or writes are off."""


def require_token(request: Request, svc: Service = Depends(service)) -> None:
    expected = svc.settings.api_token
    if not expected:
        raise Forbidden("Écritures désactivées : aucun jeton n'est configuré sur ce service (MAILLAGE_API_TOKEN).")
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        raise Unauthorized("Jeton manquant : ajoutez l'en-tête « Authorization: Bearer <jeton> ».")
    if not hmac.compare_digest(given.strip().encode(), expected.encode()):
        raise Forbidden("Jeton refusé.")


router = APIRouter(prefix="/v1/admin", tags=["écritures (jeton requis)"], dependencies=[Depends(require_token)])

REGISTRY_FILE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*\.(yaml|csv)$")


@router.post("/builds", response_model=Rebuilt, responses=WRITE_ERRORS, summary="Reconstruire et publier le graphe")
def post_build(svc: Service = Depends(service)):
    """Lit le registre, valide (SHACL) et publie un nouveau graphe d'un coup ; en cas d'échec, rien ne change
    et la réponse 422 donne le rapport. Avec le magasin Neo4j, le graphe publié y est chargé aussi.
    Une construction à la fois, depuis l'API comme depuis la ligne de commande (409 sinon)."""
    if not svc.writing.acquire(blocking=False):
        raise BuildBusy("Une construction est déjà en cours : réessayez quand elle sera finie.")
    try:
        info = build(svc.settings)  # the same composition as `maillage build`
        svc.reopen()
    finally:
        svc.writing.release()
    return Rebuilt(build=info.path, backend=svc.settings.backend, instances=info.instances,
                   coverages=info.coverages, triples=info.triples, seconds=info.seconds)


@router.post("/registry/validate", response_model=Validation, responses=WRITE_ERRORS,
             summary="Valider un fichier du registre (YAML ou CSV) sans rien publier")
def post_validate(
    filename: str = Query(description="Nom du fichier : il remplace celui du même nom dans le registre", examples=["31.yaml"]),
    content: bytes = Body(media_type="application/octet-stream", description="Le fichier, tel quel"),
    svc: Service = Depends(service),
):
    """Le registre en service, avec ce fichier ajouté ou remplacé, passe les mêmes règles que `maillage build`
    dans un dossier temporaire ; le graphe publié n'est jamais touché."""
    if not REGISTRY_FILE.match(filename):
        raise InvalidQuery(f"Nom de fichier « {filename} » refusé : un nom simple finissant par .yaml ou .csv.")
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidQuery(f"Le fichier « {filename} » n'est pas du texte UTF-8.") from None
    with tempfile.TemporaryDirectory(prefix="maillage-validate-") as tmp:
        registry = Path(tmp) / "registry"
        shutil.copytree(svc.settings.registry, registry)
        (registry / filename).write_bytes(content)
        try:
            check(dataclasses.replace(svc.settings, registry=registry))
        except RegistryInvalid as err:
            return Validation(valid=False, file=filename, problems=err.problems,
                              message=f"Registre refusé : {len(err.problems)} problème(s).")
    return Validation(valid=True, file=filename, problems=[], message="Registre valide.")
