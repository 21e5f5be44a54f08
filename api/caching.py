"""Conditional GETs and read-only CORS: a client (the map, a spreadsheet's web query, another site)
caches answers and revalidates them cheaply.

An answer depends on the build served, on the question (path, query, ``Accept``) and, for questions
whose date defaults to today, on the day: the ``ETag`` is a digest of these, known before the route
runs, so an ``If-None-Match`` that matches is answered ``304`` without computing anything.
``Last-Modified`` is the build's creation time (``build.json``). The write endpoints (``/v1/admin``)
are neither cached nor open to other origins; nor are the proposals, which change without a build.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from store.builds import build_info

__all__ = ["install", "etag_of", "Conditional"]

ADMIN = "/v1/admin"
HEALTH = "/v1/health"  # the service's own state: never cached
PROPOSALS = "/v1/proposals"  # they change between builds: never cached


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
        return email.utils.format_datetime(dt.datetime.fromisoformat(iso).astimezone(dt.UTC), usegmt=True)
    except ValueError:
        return None


class Conditional:
    """ASGI middleware (plain, so that requests it does not concern pass untouched, bodies included):
    the ``ETag`` and ``Last-Modified`` of a ``/v1`` GET, and 304 when ``If-None-Match`` matches."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if (scope.get("method") not in ("GET", "HEAD") or not path.startswith("/v1/") or path.startswith(ADMIN)
                or path == HEALTH or path.startswith(PROPOSALS)):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        build, created = _build_stamp(request)
        if not build:
            await self.app(scope, receive, send)
            return
        tag = etag_of(build, request)
        headers = {"etag": tag, "cache-control": "no-cache"}
        if created and (modified := _http_date(created)):
            headers["last-modified"] = modified
        wanted = request.headers.get("if-none-match", "")
        if tag in (t.strip() for t in wanted.split(",")) or wanted.strip() == "*":
            await Response(status_code=304, headers=headers)(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 200:
                present = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    (k.encode(), v.encode()) for k, v in headers.items() if k.encode() not in present]
            await send(message)

        await self.app(scope, receive, with_headers)


def install(app: FastAPI) -> None:
    app.add_middleware(Conditional)
    # Read-only: any origin may read; no credentials, no method that writes.
    app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "HEAD"], allow_credentials=False,
                       expose_headers=["ETag", "Last-Modified", "Content-Disposition"])
