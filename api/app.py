"""The HTTP service: thin routes that parse input and call the same functions as the CLI.

Routes live in one module per subject (``coverage``, ``places``, ``schemes``, ``admin``); this module
assembles them, answers Maillage's errors with the status each declares (``core/errors.py``) and a French
JSON body, and serves the map.
"""

from __future__ import annotations

import logging
import os
import threading
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from core import jsonable
from core.errors import AmbiguousPlace, BuildBusy, InvalidQuery, MaillageError, PlaceNotFound, QueueFull, RegistryInvalid, StoreMissing
from core.settings import VERSION, Settings
from store.builds import build_lock

from . import (admin, analysis, caching, carte, changes, coverage, cypher, docs, exports, fhir, health, knowledge, linked,
               pages, places, proposals, scenarios, schemes, seats, sparql)
from .gate import FullFirst
from .head import HeadAsGet
from .limits import RequestBounds, pause_refusal
from .public import without_paths
from .rate import trusted_networks
from .service import Service

__all__ = ["create_app"]

log = logging.getLogger("maillage.api")

HTTP_MESSAGES = {404: "Adresse inconnue de l'API : voir /docs.", 405: "Méthode non permise sur cette adresse."}
HTTP_ERRORS = {413: "PayloadTooLarge"}


def _body(err: Exception, status: int, settings: Settings | None = None) -> JSONResponse:
    body = {"error": type(err).__name__, "message": str(err)}
    if isinstance(err, PlaceNotFound):
        body["candidates"] = jsonable.plain(err.suggestions)
    elif isinstance(err, AmbiguousPlace):
        body["candidates"] = jsonable.plain(err.candidates)
    elif isinstance(err, RegistryInvalid):
        body["message"] = getattr(err, "verdict", None) or (
            f"Registre refusé : {len(err.problems)} problème(s), le graphe en service n'a pas changé.")
        body["problems"] = jsonable.plain(err.problems)
    if settings is not None:  # a message written for the CLI may name a folder of the machine
        body = jsonable.plain(_public(body, settings))
    headers = ({"WWW-Authenticate": "Bearer"} if status == 401
               else {"Retry-After": str(getattr(err, "retry_after", 10))} if status == 429
               else {"Retry-After": str(err.retry_after)} if status == 503 and hasattr(err, "retry_after") else None)
    return JSONResponse(body, status_code=status, headers=headers)


def _public(node, settings: Settings):
    if isinstance(node, str):
        return without_paths(node, settings)
    if isinstance(node, dict):
        return {key: _public(value, settings) for key, value in node.items()}
    if isinstance(node, list):
        return [_public(value, settings) for value in node]
    return node


def _field(error: dict) -> str:
    name = ".".join(str(part) for part in error.get("loc", ()) if part not in ("query", "path", "body"))
    if error.get("type") == "string_too_long":
        return f"{name} ({error['ctx']['max_length']} caractères au plus)"
    return name


class InternalErrors:
    """ASGI middleware: an unexpected exception becomes a French 500, and the connection stays usable.

    Starlette's own last-resort handler re-raises after answering, and uvicorn then closes the
    connection: the client's next request on it (keep-alive) would fail too. A planner never sees a
    traceback; the log keeps it for the operator.
    """

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watched(message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watched)
        except Exception as err:
            if started:
                raise  # half an answer is already out: only closing the connection tells the client
            log.exception("internal error on %s", scope.get("path"))
            detail = f" ({type(err).__name__}: {err})" if os.environ.get("MAILLAGE_DEBUG") else ""
            body = {"error": "InternalError", "message": f"Erreur interne du service.{detail}"}
            await JSONResponse(body, status_code=500)(scope, receive, send)


def _settle_accept(svc: Service) -> None:
    """At start, complete or roll back an accept a crash interrupted (``ingest/accepting.py``); if a build
    holds the lock meanwhile, that build does it."""
    try:
        with build_lock(svc.settings.data_dir):
            said = proposals.recover_accept(svc)
    except BuildBusy:
        return
    if said:
        log.warning("%s", said)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings.from_env()
    svc = Service(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        _settle_accept(svc)
        try:  # open (and copy into memory) and read the indexes at start: the first request is not the slow one
            svc.backend()
        except StoreMissing:
            pass  # answered as 503 until a build exists
        stop = threading.Event()
        threading.Thread(target=svc.watch, args=(stop,), daemon=True, name="maillage-watch").start()
        yield
        stop.set()
        svc.close()
        for opened in app.state.__dict__.get("change_sessions", {}).values():
            opened.close()

    app = FastAPI(
        title="Maillage",
        version=VERSION,
        description="Qui couvre quel territoire, pour qui, dans la coordination sanitaire et sociale. "
                    "Lecture seule ; les écritures (/v1/admin) demandent le jeton de l'opérateur. Carte : /carte/.",
        lifespan=lifespan,
        docs_url=None,  # served from local assets by api/docs.py
        redoc_url=None,
        dependencies=[Depends(pages.formats_offered)],  # a `format` a route does not offer: 406, never ignored
    )
    app.state.service = svc
    app.state.trusted_proxies = trusted_networks(settings.trusted_proxies)  # a wrong setting stops the start

    @app.exception_handler(MaillageError)
    async def maillage_error(request: Request, err: MaillageError):
        status = err.status  # each error class declares its own (core/errors.py)
        if status in (413, 429) or isinstance(err, QueueFull):  # an oversized proposal too (api/proposals.py)
            await pause_refusal()  # a client that retries at once sends a few a second, not hundreds
        return _body(err, status, svc.settings)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, err: RequestValidationError):
        fields = sorted({_field(e) for e in err.errors()})
        return _body(InvalidQuery(f"Paramètre manquant ou invalide : {', '.join(fields)}."), 422)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, err: HTTPException):
        code = err.status_code
        if code == 413:
            await pause_refusal()
        message = err.detail if code == 413 else HTTP_MESSAGES.get(code, f"Erreur HTTP {code}.")
        headers = dict(err.headers or {})
        if code == 405:
            # The router names the methods a route allows; the map's static files (the only other
            # source of 405) serve GET and HEAD. Wherever GET is, HEAD is too (api/head.py).
            headers.setdefault("Allow", "GET, HEAD")
            allowed = [m.strip() for m in headers["Allow"].split(",")]
            if "GET" in allowed and "HEAD" not in allowed:
                headers["Allow"] = ", ".join([*allowed, "HEAD"])
        return JSONResponse({"error": HTTP_ERRORS.get(code, "HTTPException"), "message": message}, status_code=code,
                            headers=headers)

    caching.install(app)  # inside the bounds: a refused request is never looked up
    app.add_middleware(HeadAsGet)  # outside the caching: a HEAD is looked up as its GET
    app.add_middleware(InternalErrors)
    # a full query endpoint refused before routing, once the request is within its bounds
    app.add_middleware(FullFirst, gates=svc.gates, paths={"/sparql": "sparql", "/cypher": "cypher",
                                                          "/v1/scenarios": "scenarios"})
    app.add_middleware(RequestBounds, limit=settings.max_body_kb * 1024)  # outermost: before any parsing

    # fhir before linked: /id/fhir/… is a FHIR definition, not a node of the graph
    for module in (health, coverage, knowledge, places, schemes, seats, fhir, linked, sparql, cypher, exports, analysis,
                   scenarios, changes, admin, proposals):
        app.include_router(module.router)

    carte.mount(app)
    docs.mount(app)
    return app
