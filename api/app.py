"""The HTTP service: thin routes that parse input and call the same functions as the CLI.

Routes live in one module per subject (``coverage``, ``places``, ``schemes``, ``admin``); this module
assembles them, maps Maillage's errors to statuses with a French JSON body, and serves the map.
"""

from __future__ import annotations

import logging
import os
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from maillage import __version__
from maillage.core import jsonable
from maillage.core.errors import (AmbiguousPlace, BuildBusy, InvalidQuery, MaillageError, NotFound, OutlinesMissing,
                                  PlaceNotFound, RegistryInvalid, StoreMissing)
from maillage.core.settings import Settings

from . import admin, analysis, carte, changes, coverage, places, schemes
from .service import Service

__all__ = ["create_app"]

log = logging.getLogger("maillage.api")

#: error class → HTTP status; the first class an error is an instance of wins
STATUSES = [
    (PlaceNotFound, 404), (NotFound, 404), (AmbiguousPlace, 300), (RegistryInvalid, 422), (InvalidQuery, 422),
    (admin.Unauthorized, 401), (admin.Forbidden, 403), (BuildBusy, 409), (StoreMissing, 503), (OutlinesMissing, 503),
]
HTTP_MESSAGES = {404: "Adresse inconnue de l'API : voir /docs.", 405: "Méthode non permise sur cette adresse."}


def _body(err: Exception, status: int) -> JSONResponse:
    body = {"error": type(err).__name__, "message": str(err)}
    if isinstance(err, PlaceNotFound):
        body["candidates"] = jsonable.plain(err.suggestions)
    elif isinstance(err, AmbiguousPlace):
        body["candidates"] = jsonable.plain(err.candidates)
    elif isinstance(err, RegistryInvalid):
        body["message"] = f"Registre refusé : {len(err.problems)} problème(s), le graphe en service n'a pas changé."
        body["problems"] = jsonable.plain(err.problems)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, headers=headers)


def _field(error: dict) -> str:
    return ".".join(str(part) for part in error.get("loc", ()) if part not in ("query", "path", "body"))


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings.from_env()
    svc = Service(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        try:  # open (and copy into memory) and read the indexes at start: the first request is not the slow one
            svc.backend()
        except StoreMissing:
            pass  # answered as 503 until a build exists
        yield
        svc.close()
        for opened in app.state.__dict__.get("change_sessions", {}).values():
            opened.close()

    app = FastAPI(
        title="Maillage",
        version=__version__,
        description="Qui couvre quel territoire, pour qui, dans la coordination sanitaire et sociale. "
                    "Lecture seule ; les écritures (/v1/admin) demandent le jeton de l'opérateur. Carte : /carte/.",
        lifespan=lifespan,
    )
    app.state.service = svc

    @app.exception_handler(MaillageError)
    async def maillage_error(request: Request, err: MaillageError):
        status = next((code for cls, code in STATUSES if isinstance(err, cls)), 500)
        return _body(err, status)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, err: RequestValidationError):
        fields = sorted({_field(e) for e in err.errors()})
        return _body(InvalidQuery(f"Paramètre manquant ou invalide : {', '.join(fields)}."), 422)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, err: HTTPException):
        message = HTTP_MESSAGES.get(err.status_code, f"Erreur HTTP {err.status_code}.")
        return JSONResponse({"error": "HTTPException", "message": message}, status_code=err.status_code)

    @app.exception_handler(Exception)
    async def internal(request: Request, err: Exception):
        # A planner never sees a traceback; the log keeps it for the operator.
        log.exception("internal error on %s", request.url.path)
        detail = f" ({type(err).__name__}: {err})" if os.environ.get("MAILLAGE_DEBUG") else ""
        return JSONResponse({"error": "InternalError", "message": f"Erreur interne du service.{detail}"}, status_code=500)

    for module in (coverage, places, schemes, analysis, changes, admin):
        app.include_router(module.router)

    @app.get("/v1/health", summary="État du service et du graphe servi", tags=["service"])
    def health():
        b = svc.backend()
        return {"status": "ok", "backend": b.name, "build": getattr(b, "build", None) and b.build.name}

    carte.mount(app)
    return app
