"""The HTTP service: thin routes that parse input and call the same functions as the CLI."""

from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import FastAPI, Query, Request
from fastapi.responses import JSONResponse

from maillage import __version__, jsonable
from maillage.errors import AmbiguousPlace, InvalidQuery, MaillageError, PlaceNotFound, StoreMissing
from maillage.queries.backend import open_backend
from maillage.queries.coverage import who_covers
from maillage.settings import Settings

from maillage.queries.coverage import CoverageAnswer

from .models import ErrorBody

__all__ = ["create_app"]

ERRORS = {404: {"model": ErrorBody}, 300: {"model": ErrorBody}, 422: {"model": ErrorBody}, 503: {"model": ErrorBody}}


def _error(status: int, err: MaillageError, candidates=()) -> JSONResponse:
    body = {"error": type(err).__name__, "message": str(err), "candidates": jsonable.plain(list(candidates))}
    return JSONResponse(body, status_code=status)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        try:  # open (and copy into memory) at start, so the first request is not the slow one
            backend()
        except StoreMissing:
            pass  # answered as 503 until a build exists
        yield
        opened = getattr(app.state, "backend", None)
        if opened is not None:
            opened.close()

    app = FastAPI(
        title="Maillage",
        version=__version__,
        description="Qui couvre quel territoire, pour qui, dans la coordination sanitaire et sociale.",
        lifespan=lifespan,
    )

    def backend():
        # Opened on first use, so that the service starts (and says why) even before a build exists.
        if getattr(app.state, "backend", None) is None:
            app.state.backend = open_backend(settings, long_lived=True)
        return app.state.backend

    @app.exception_handler(PlaceNotFound)
    async def not_found(request: Request, err: PlaceNotFound):
        return _error(404, err, err.suggestions)

    @app.exception_handler(AmbiguousPlace)
    async def ambiguous(request: Request, err: AmbiguousPlace):
        return _error(300, err, err.candidates)

    @app.exception_handler(InvalidQuery)
    async def invalid(request: Request, err: InvalidQuery):
        return _error(422, err)

    @app.exception_handler(StoreMissing)
    async def missing(request: Request, err: StoreMissing):
        return _error(503, err)

    @app.get("/v1/who-covers", response_model=CoverageAnswer, responses=ERRORS, summary="Qui couvre cette commune ?")
    def get_who_covers(
        place: str = Query(description="Nom de commune ou code INSEE", examples=["Muret", "31395"]),
        ages: str | None = Query(None, description="Tranche d'âges, par exemple 0-12"),
        public: str | None = Query(None, description="Public, par exemple enfants"),
        on: str | None = Query(None, description="Date AAAA-MM-JJ (défaut : aujourd'hui)"),
    ):
        return jsonable.plain(who_covers(backend(), place, ages=ages, public=public, on=on))

    @app.get("/v1/health", summary="État du service et du graphe servi")
    def health():
        b = backend()
        return {"status": "ok", "backend": b.name, "build": getattr(b, "build", None) and b.build.name}

    return app
