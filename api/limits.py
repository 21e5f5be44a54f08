"""Bounds on what a request may send: the length of each parameter, and the size of its body.

A parameter beyond its bound is refused (422) before any work: nothing a client types reaches the fuzzy
matching of names, a parser or a query with more than a few hundred characters. The longest French
commune name has 45 characters, the longest identifier of the registry about 40: the bounds leave room
and stop only what no planner types.

A query string longer than :data:`QUERY` bytes is refused (414) before routing: no route's
parameters add up to that much, and parsing and validating a 60 kB query string costs the event loop
several times what answering ``/v1/health`` does. A body is refused (413) before it is read whole: at
once when its ``Content-Length`` says it is too large, and as soon as the bytes received pass the bound
when it is sent in chunks without one.

A refusal of what no planner sends (a 414, a 413, a 429 of the validations) is answered after
:data:`REFUSAL_PAUSE` seconds, a pause that costs the service no work (the event loop serves others
meanwhile): receiving and parsing a 60 kB request line costs the server about 1.2 ms whatever it
answers, so a client repeating one on a keep-alive connection as fast as it is answered would hold a
core by itself (about 400 a second); paused, it sends four a second. Many connections at once are
the reverse proxy's to bound.
"""

from __future__ import annotations

import asyncio

from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.namespaces import ENTRY_ID_CHARS

__all__ = ["REFUSAL_PAUSE", "pause_refusal", "PLACE", "TERRITORY", "WORD", "IDENT", "CURSOR", "QUERY", "RequestBounds", "too_large"]

PLACE = 200  #: a place name or code (``place``, ``q``)
TERRITORY = 100  #: a territory reference (``departement:31``, ``epci:200068641``, ``territoire:…``)
WORD = 50  #: a scheme type, a public, ages, a date
IDENT = ENTRY_ID_CHARS  #: an instance's or an actor's identifier, a territory's code in a path (the registry's bound)
CURSOR = 200  #: an opaque cursor (a few dozen characters when made by the API)
#: a whole query string, percent-encoded: every parameter of a route at its bound, accented, fits
QUERY = 4096
#: seconds before a refusal of what no planner sends is answered (see the module's docstring)
REFUSAL_PAUSE = 0.25


async def pause_refusal() -> None:
    await asyncio.sleep(REFUSAL_PAUSE)


def too_large(limit: int) -> str:
    return f"Corps de requête trop grand : {limit // 1024} ko au plus (MAILLAGE_MAX_BODY_KB)."


def _refuse(status: int, error: str, message: str, close: bool = False) -> JSONResponse:
    # Connection: close: what the client still sends of its body is never read.
    headers = {"Connection": "close"} if close else None
    return JSONResponse({"error": error, "message": message}, status_code=status, headers=headers)


class RequestBounds:
    """ASGI middleware: a query string of at most :data:`QUERY` bytes (414 beyond) and at most ``limit``
    bytes of request body (413 beyond), with a French JSON message."""

    def __init__(self, app: ASGIApp, limit: int):
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if len(scope.get("query_string", b"")) > QUERY:
            message = f"Adresse trop longue : {QUERY} octets de paramètres au plus (voir /docs pour leurs limites)."
            await pause_refusal()
            await _refuse(414, "URITooLong", message)(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        try:
            size = int(declared) if declared is not None else 0
        except ValueError:
            size = self.limit + 1  # the HTTP parser refuses these first; refuse here too rather than guess
        if size > self.limit:
            await pause_refusal()
            await _refuse(413, "PayloadTooLarge", too_large(self.limit), close=True)(scope, receive, send)
            return
        received = 0

        async def bounded() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.limit:
                # Raised inside the route's body reading: FastAPI passes HTTPException on, and the
                # app's handler answers it (413, the same French message).
                raise HTTPException(413, too_large(self.limit))
            return message

        await self.app(scope, bounded, send)
