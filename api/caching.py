"""Conditional GETs, the answers kept, and read-only CORS: a client (the map, a spreadsheet's web
query, another site) caches answers and revalidates them cheaply, and a question asked again is
answered from the bytes sent the last time.

An answer depends on the build served, on the question (path, query, ``Accept``) and, for questions
whose date defaults to today, on the day: the ``ETag`` is a digest of these, known before the route
runs, so an ``If-None-Match`` that matches is answered ``304`` without computing anything, and the
last answers sent (200, in one piece, at most :data:`ANSWER_BYTES`) are kept by their ``ETag``, up to
:data:`CACHE_BYTES` in all, the least recently asked dropped first. A question asked again then costs
neither the route's parameters, nor the answer, nor its encoding (decision 0112: a coverage answer
grew to 60 kB and the route to a third of the trivial endpoint's rate). ``Last-Modified`` is the
build's creation time (``build.json``). The write endpoints (``/v1/admin``) are neither cached nor
open to other origins; nor are the proposals, which change without a build.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import functools
import hashlib
from collections import OrderedDict
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from starlette.datastructures import Headers
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from store.builds import build_info

__all__ = ["install", "etag_of", "Conditional", "ReadOnlyCors", "Answers", "CACHE_BYTES", "ANSWER_BYTES"]

ADMIN = "/v1/admin"
HEALTH = ("/v1/health", "/v1/ready")  # the service's own state: never cached
PROPOSALS = "/v1/proposals"  # they change between builds: never cached
#: the answers kept in all, and the largest one kept (a commune's coverage answer: up to 60 kB)
CACHE_BYTES = 64 * 1024 * 1024
ANSWER_BYTES = 1024 * 1024


def _build_stamp(request: Request) -> tuple[str, str | None]:
    session = request.app.state.service.opened
    build = getattr(session, "build", None) if session is not None else None
    if build is None:
        return "", None
    return build.name, _created(build)


@functools.lru_cache(maxsize=4)
def _created(build: Path) -> str | None:
    """A published build's creation time: its ``build.json`` is written before it is published and never
    after, so it is read once, not on every request (a file read was a tenth of a coverage answer)."""
    return build_info(build).get("created")


def etag_of(build: str, request: Request) -> str:
    key = "\n".join([build, dt.date.today().isoformat(), request.url.path, str(request.url.query),
                     request.headers.get("accept", "")])
    return 'W/"' + hashlib.sha256(key.encode()).hexdigest()[:20] + '"'


def _http_date(iso: str) -> str | None:
    try:
        return email.utils.format_datetime(dt.datetime.fromisoformat(iso).astimezone(dt.UTC), usegmt=True)
    except ValueError:
        return None


class Answers:
    """The last answers sent, by ``ETag``: (headers, body), the least recently asked dropped first.

    Used from the event loop only (the middleware's thread): no lock."""

    def __init__(self, budget: int = CACHE_BYTES, largest: int = ANSWER_BYTES):
        self.budget, self.largest, self.size = budget, largest, 0
        self.build = ""
        self._kept: OrderedDict[str, tuple[list, bytes]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._kept)

    def for_build(self, build: str) -> None:
        """Forget every answer when another build is served (theirs would never be asked again)."""
        if build != self.build:
            self._kept.clear()
            self.size, self.build = 0, build

    def get(self, tag: str) -> tuple[list, bytes] | None:
        hit = self._kept.get(tag)
        if hit is not None:
            self._kept.move_to_end(tag)
        return hit

    def put(self, tag: str, headers: list, body: bytes) -> None:
        if len(body) > self.largest or tag in self._kept:
            return
        self._kept[tag] = (headers, body)
        self.size += len(body)
        while self.size > self.budget:
            _, (_, dropped) = self._kept.popitem(last=False)
            self.size -= len(dropped)


class Conditional:
    """ASGI middleware (plain, so that requests it does not concern pass untouched, bodies included):
    the ``ETag`` and ``Last-Modified`` of a ``/v1`` GET, 304 when ``If-None-Match`` matches, and the
    answer kept the last time the same question was asked (:class:`Answers`)."""

    def __init__(self, app: ASGIApp):
        self.app = app
        self.answers = Answers()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if (scope.get("method") not in ("GET", "HEAD") or not path.startswith("/v1/") or path.startswith(ADMIN)
                or path in HEALTH or path.startswith(PROPOSALS)):
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
        if tag in (t.strip() for t in wanted.split(",")):
            await Response(status_code=304, headers=headers)(scope, receive, send)
            return
        if wanted.strip() == "*":
            await self._if_any(scope, receive, send, headers)
            return
        kept = scope["method"] == "GET"  # a HEAD's answer has no body to keep
        if kept:
            self.answers.for_build(build)
            hit = self.answers.get(tag)
            if hit is not None:
                # a copy: the middlewares outside (CORS) add their headers to the list they are sent
                await send({"type": "http.response.start", "status": 200, "headers": list(hit[0])})
                await send({"type": "http.response.body", "body": hit[1]})
                return
        started: list = []

        async def with_headers(message: Message) -> None:
            nonlocal kept
            if message["type"] == "http.response.start":
                if message["status"] == 200:
                    present = {k.lower() for k, _ in message.get("headers", [])}
                    message["headers"] = list(message.get("headers", [])) + [
                        (k.encode(), v.encode()) for k, v in headers.items() if k.encode() not in present]
                    started.append(list(message["headers"]))  # before the middlewares outside add theirs
                else:
                    kept = False
            elif message["type"] == "http.response.body" and kept and started:
                if message.get("more_body"):
                    kept = False  # streamed: not kept
                else:
                    self.answers.put(tag, started[0], bytes(message.get("body", b"")))
            await send(message)

        await self.app(scope, receive, with_headers)

    async def _if_any(self, scope: Scope, receive: Receive, send: Send, headers: dict[str, str]) -> None:
        """``If-None-Match: *`` matches any current representation (RFC 9110 §13.1.2): only the route knows
        whether there is one, so it runs; a 200 becomes a 304 without its body, a 404 stays a 404."""
        unchanged = False

        async def answer(message: Message) -> None:
            nonlocal unchanged
            if message["type"] == "http.response.start" and message["status"] == 200:
                unchanged = True
                await Response(status_code=304, headers=headers)(scope, receive, send)
            elif not unchanged:
                await send(message)

        await self.app(scope, receive, answer)


class ReadOnlyCors:
    """CORS for reading only: a GET or HEAD from any origin gets ``Access-Control-Allow-Origin: *``; any
    other request is answered without CORS headers (Starlette's middleware adds them to every answer,
    writes included), and a preflight asking for another method is refused (400): a page of another
    site cannot write through its visitors' browsers (a proposal must be JSON, which needs a preflight)."""

    def __init__(self, app: ASGIApp):
        self.app = app
        self.cors = CORSMiddleware(app, allow_origins=["*"], allow_methods=["GET", "HEAD"], allow_credentials=False,
                                   expose_headers=["ETag", "Last-Modified", "Content-Disposition"])

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        method = scope.get("method") if scope["type"] == "http" else None
        if method in ("GET", "HEAD"):
            await self.cors(scope, receive, send)
            return
        headers = Headers(scope=scope) if method == "OPTIONS" else {}
        if "origin" in headers and "access-control-request-method" in headers:
            if headers["access-control-request-method"].upper() in ("GET", "HEAD"):
                await self.cors(scope, receive, send)
                return
            refused = {"error": "CorsRefused", "message": "Écriture refusée aux pages d'autres sites : l'API ne s'ouvre "
                                                          "aux autres origines qu'en lecture (GET, HEAD)."}
            await JSONResponse(refused, status_code=400)(scope, receive, send)
            return
        await self.app(scope, receive, send)


def install(app: FastAPI) -> None:
    app.add_middleware(Conditional)
    app.add_middleware(ReadOnlyCors)  # any origin may read; no credentials, no method that writes
