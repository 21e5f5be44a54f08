"""``api.quick.QuickRoute`` answers as FastAPI's own handler does, query by query: the same values read,
the same 422 naming the same parameters, the same 406 for a format not offered, on a route declared
with the coverage route's own parameters."""

from __future__ import annotations

import sys

import pytest
from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient

from api import coverage, limits, pages
from api.app import create_app
from api.quick import QuickRoute


def _app() -> FastAPI:
    app = FastAPI(dependencies=[Depends(pages.formats_offered)])

    @app.exception_handler(Exception)
    async def refused(request: Request, err: Exception):  # what the real app's handlers turn into French
        return JSONResponse({"error": type(err).__name__, "status": getattr(err, "status", None)}, status_code=599)

    from fastapi.exceptions import RequestValidationError

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, err: RequestValidationError):
        return JSONResponse({"invalid": sorted(str(e["loc"]) for e in err.errors())}, status_code=422)

    for prefix, route_class in (("/quick", QuickRoute), ("/fastapi", None)):
        router = APIRouter(prefix=prefix, **({"route_class": route_class} if route_class else {}))

        @router.get("/q")
        async def echo(request: Request, place: str | None = Query(None, max_length=limits.PLACE),
                       lat: float | None = coverage.LAT, lon: float | None = coverage.LON,
                       ages: str | None = coverage.AGES, public: list[str] | None = coverage.PUBLICS,
                       on: str | None = coverage.ON, type: list[str] | None = coverage.TYPES,
                       state: list[str] | None = coverage.STATES, need: int = Query(ge=1, le=3),
                       format: str | None = pages.FORMAT):
            via = sys._getframe(1).f_code.co_filename  # which handler called the endpoint
            return JSONResponse({"values": [place, lat, lon, ages, public, on, type, state, need, format],
                                 "quick": via.endswith("quick.py")})

        app.include_router(router)
    return app


QUERIES = [
    "need=1", "need=2&place=Muret&ages=0-12", "need=3&public=enfants&public=adolescents&type=CLS&type=CLSM",
    "need=1&lat=43.46&lon=1.33", "need=1&lat=91", "need=1&lat=abc&lon=1", "need=4", "need=x", "", "place=Muret",
    "need=1&place=" + "x" * (limits.PLACE + 1), "need=1&ages=" + "0" * 60, "need=1&type=" + "&type=".join("abc" * 30),
    "need=1&place=", "need=1&public=", "need=1&format=csv", "need=1&format=", "need=1&state=actif&state=en-projet",
    "need=1&place=Saint-Gaudens&place=Muret", "need=1&unknown=1", "need=1&lat=1e400",
]


@pytest.mark.parametrize("query", QUERIES)
def test_quick_and_fastapi_read_a_query_alike(query):
    with TestClient(_app()) as client:
        quick, slow = client.get(f"/quick/q?{query}"), client.get(f"/fastapi/q?{query}")
    assert quick.status_code == slow.status_code, query
    got, want = quick.json(), slow.json()
    if quick.status_code == 200:
        assert got["quick"] and not want["quick"]
        assert got["values"] == want["values"], query
    else:
        assert got == want, query


def test_the_coverage_route_is_quick_and_keeps_its_description():
    app = create_app()
    parameters = app.openapi()["paths"]["/v1/who-covers"]["get"]["parameters"]
    assert [p["name"] for p in parameters] == ["place", "lat", "lon", "ages", "public", "on", "type", "state", "format"]
    assert any(isinstance(r, QuickRoute) for r in coverage.router.routes)


def test_a_route_quick_cannot_read_keeps_fastapi_s_handler():
    router = APIRouter(route_class=QuickRoute)

    @router.get("/plain")
    def plain(n: int = 1):  # a plain def: run in the thread pool, by FastAPI
        return {"n": n}

    app = FastAPI()
    app.include_router(router)
    with TestClient(app) as client:
        assert client.get("/plain?n=2").json() == {"n": 2}
        assert client.get("/plain?n=x").status_code == 422
