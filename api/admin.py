"""Write endpoints: publish a new build, and validate a registry file without touching live data.

Every one needs the bearer token the operator configured (``MAILLAGE_API_TOKEN``). With no token
configured, writes are off: the public service changes nothing.

What the ``Authorization`` header may hold, exactly: the scheme ``Bearer`` in any case (RFC 7235: a
scheme is case-insensitive), one or more spaces (RFC 7235's ``1*SP``), then the token byte for byte.
A token with spaces or tabs around or inside it, a comma-separated second credential, or any other
character is refused (403), so a token that works is the token configured. The HTTP layer removes the
header's own leading and trailing spaces and tabs before Maillage reads it (RFC 9110's optional
whitespace): that padding cannot be told apart and is accepted.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import APIRouter, Body, Depends, Query, Request
from core.errors import BuildBusy, Forbidden, InvalidQuery, Unauthorized
from core.registry_files import NAME_LENGTH, registry_name
from ingest.build import build

from .models import WRITE_ERRORS, Rebuilt, Validation
from .sandbox import check_upload
from .service import Service, service

__all__ = ["router", "require_token", "writing", "rebuild"]


def require_token(request: Request, svc: Service = Depends(service)) -> None:
    expected = svc.settings.api_token
    if not expected:
        raise Forbidden("Écritures désactivées : aucun jeton n'est configuré sur ce service (MAILLAGE_API_TOKEN).")
    credentials = CREDENTIALS.fullmatch(request.headers.get("authorization", ""))
    if credentials is None:
        raise Unauthorized("Jeton manquant : ajoutez l'en-tête « Authorization: Bearer <jeton> ».")
    if not hmac.compare_digest(credentials["token"].encode(), expected.encode()):
        raise Forbidden("Jeton refusé.")


#: ``Bearer`` in any case, spaces, the rest as the token (compared whole, so padding inside it fails)
CREDENTIALS = re.compile(r"(?i:bearer) +(?P<token>.+)", re.DOTALL)

router = APIRouter(prefix="/v1/admin", tags=["écritures (jeton requis)"], dependencies=[Depends(require_token)])

@contextmanager
def writing(svc: Service) -> Iterator[None]:
    """One write of the service at a time (a build, an accepted proposal); 409 when one runs already."""
    if not svc.writing.acquire(blocking=False):
        raise BuildBusy("Une construction est déjà en cours : réessayez quand elle sera finie.")
    try:
        yield
    finally:
        svc.writing.release()


def rebuild(svc: Service, lock_held: bool = False) -> Rebuilt:
    """Build and publish from the registry, then serve the new build; the caller holds :func:`writing`
    (and the build lock, if ``lock_held``: an accept)."""
    info = build(svc.settings, lock_held=lock_held)  # the same composition as `maillage build`
    svc.reopen()
    return Rebuilt(build=info.path, backend=svc.settings.backend, instances=info.instances,
                   coverages=info.coverages, triples=info.triples, seconds=info.seconds)


@router.post("/builds", response_model=Rebuilt, responses=WRITE_ERRORS, summary="Reconstruire et publier le graphe")
def post_build(svc: Service = Depends(service)):
    """Lit le registre, valide (SHACL) et publie un nouveau graphe d'un coup ; en cas d'échec, rien ne change
    et la réponse 422 donne le rapport. Avec le magasin Neo4j, le graphe publié y est chargé aussi.
    Une construction à la fois, depuis l'API comme depuis la ligne de commande (409 sinon)."""
    with writing(svc):
        return rebuild(svc)


@router.post("/registry/validate", response_model=Validation, responses=WRITE_ERRORS,
             summary="Valider un fichier du registre (YAML ou CSV) sans rien publier")
def post_validate(
    filename: str = Query(max_length=NAME_LENGTH, examples=["31.yaml"],
                          description="Nom du fichier : il remplace celui du même nom dans le registre"),
    content: bytes = Body(media_type="application/octet-stream", description="Le fichier, tel quel"),
    svc: Service = Depends(service),
):
    """Le registre en service, avec ce fichier ajouté ou remplacé, passe les mêmes règles que `maillage build`
    dans un dossier temporaire, par un processus à part aux ressources bornées (mémoire, temps) : un fichier
    qui le fait échouer est refusé (422) sans toucher au service ; autant de validations à la fois que de cœurs moins un (429
    au-delà). Le graphe publié n'est jamais touché."""
    registry_name(filename)
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidQuery(f"Le fichier « {filename} » n'est pas du texte UTF-8.") from None
    problems = check_upload(svc.settings, filename, content)
    if problems:
        return Validation(valid=False, file=filename, problems=problems,
                          message=f"Registre refusé : {len(problems)} problème(s).")
    return Validation(valid=True, file=filename, problems=[], message="Registre valide.")
