"""Conditional GETs and read-only CORS: a client (the map, a spreadsheet's web query, another site)
caches answers and revalidates them cheaply.

An answer depends on the build served, on the question (path, query, ``Accept``) and, for questions
whose date defaults to today, on the day: the ``ETag`` is a digest of these, known before the route
runs, so an ``If-None-Match`` that matches is answered ``304`` without computing anything.
``Last-Modified`` is the build's creation time (``build.json``). The write endpoints (``/v1/admin``)
are neither cached nor open to other origins.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from starlette.responses import Response

from maillage.store.builds import build_info

__all__ = ["install", "etag_of"]

ADMIN = "/v1/admin"


def _build_stamp(request: Request) -> tuple[str, str | None]:
    session = request.app.state.service.opened
    build = getattr(session, "build", None) if session is not None else None
    if build is None:
        return "", None
    created = build_info(build).get("created")
    return build.name, created


def etag_of(build: str, request: Request) -> str:
    key = "\n".join([build, dt.date.today().isoformat(), request.url.path, str(request.url.query),
                     request.headers.get("accept", "")])
    return 'W/"' + hashlib.sha256(key.encode()).hexdigest()[:20] + '"'


def _http_date(iso: str) -> str | None:
    try:
        return email.utils.format_datetime(dt.datetime.fromisoformat(iso).astimezone(dt.timezone.utc), usegmt=True)
    except ValueError:
        return None


def install(app: FastAPI) -> None:
    @app.middleware("http")
    async def conditional(request: Request, call_next):
        if request.method not in ("GET", "HEAD") or not request.url.path.startswith("/v1/") \
                or request.url.path.startswith(ADMIN):
            return await call_next(request)
        build, created = _build_stamp(request)
        if not build:
            return await call_next(request)
        tag = etag_of(build, request)
        headers = {"ETag": tag, "Cache-Control": "no-cache"}
        if created and (modified := _http_date(created)):
            headers["Last-Modified"] = modified
        wanted = request.headers.get("if-none-match", "")
        if tag in (t.strip() for t in wanted.split(",")) or wanted.strip() == "*":
            return Response(status_code=304, headers=headers)
        response = await call_next(request)
        if response.status_code == 200:
            for name, value in headers.items():
                response.headers.setdefault(name, value)
        return response

    # Read-only: any origin may read; no credentials, no method that writes.
    app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "HEAD"], allow_credentials=False,
                       expose_headers=["ETag", "Last-Modified", "Content-Disposition"])
