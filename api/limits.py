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

Headers of more than :data:`HEADERS` bytes are refused (431): in the HTTP protocol as they arrive,
before they are parsed (``api/protocol.py``, which leaves :data:`LINE` bytes more for the request
line), and here for any other server. A JSON body
nested deeper than :data:`JSON_DEPTH` is refused (422) before it is parsed, naming the field where the
depth passes the bound: the parser's own recursion limit answered a 1,000-deep body without a field.

A refusal of what no planner sends (a 414, a 413, a 431, a 429 of the validations) is answered after
:data:`REFUSAL_PAUSE` seconds, a pause that costs the service no work (the event loop serves others
meanwhile): receiving and parsing a 60 kB request line costs the server about 1.2 ms whatever it
answers, so a client repeating one on a keep-alive connection as fast as it is answered would hold a
core by itself (about 400 a second); paused, it sends four a second. Many connections at once are
the reverse proxy's to bound.
"""

from __future__ import annotations

import asyncio
import re

from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.namespaces import ENTRY_ID_CHARS

__all__ = ["REFUSAL_PAUSE", "pause_refusal", "PLACE", "TERRITORY", "WORD", "IDENT", "CURSOR", "QUERY", "HEADERS",
           "LINE", "JSON_DEPTH", "RequestBounds", "too_large", "too_long_head", "too_long_address", "json_too_deep"]

PLACE = 200  #: a place name or code (``place``, ``q``)
TERRITORY = 100  #: a territory reference (``departement:31``, ``epci:200068641``, ``territoire:…``)
WORD = 50  #: a scheme type, a public, ages, a date
IDENT = ENTRY_ID_CHARS  #: an instance's or an actor's identifier, a territory's code in a path (the registry's bound)
CURSOR = 200  #: an opaque cursor (a few dozen characters when made by the API)
#: a whole query string, percent-encoded: every parameter of a route at its bound, accented, fits
QUERY = 4096
#: a request's headers, in bytes: a browser sends one or two kB
HEADERS = 32 * 1024
#: room for the request line besides :data:`HEADERS`, so that a long address gets its 414 (below)
LINE = 64 * 1024
#: how deep a JSON body may nest (a proposal's deepest field is 3 levels down)
JSON_DEPTH = 32
#: seconds before a refusal of what no planner sends is answered (see the module's docstring)
REFUSAL_PAUSE = 0.25


async def pause_refusal() -> None:
    await asyncio.sleep(REFUSAL_PAUSE)


def too_large(limit: int) -> str:
    return f"Corps de requête trop grand : {limit // 1024} ko au plus (MAILLAGE_MAX_BODY_KB)."


def too_long_head() -> str:
    return f"En-têtes de requête trop longs : {HEADERS // 1024} ko au plus."


def too_long_address() -> str:
    return f"Adresse trop longue : {QUERY} octets de paramètres au plus (voir /docs pour leurs limites)."


_JSON_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{},:]')


def json_too_deep(body: bytes) -> str | None:
    """Where ``body`` nests deeper than :data:`JSON_DEPTH`, as a field path (``changes.0.valeur``), or
    None. Strings are skipped whole; a body that is not JSON is left to the parser to refuse."""
    open_: list[list] = []  # per open container: [its kind, its current key or index]
    key = b'""'
    for token in _JSON_TOKENS.finditer(body):
        text = token.group()
        if text[:1] == b'"':
            key = text
        elif text in (b"[", b"{"):
            if len(open_) >= JSON_DEPTH:
                path = [str(place) for _, place in open_ if place is not None]
                head = ["corps"] if open_[0][0] == b"[" else []  # an array at the top is no field
                return ".".join(head + path[:3]) + ("…" if len(path) > 3 else "")
            open_.append([text, 0 if text == b"[" else None])
        elif text in (b"]", b"}"):
            if open_:
                open_.pop()
        elif open_ and text == b":" and open_[-1][0] == b"{":
            open_[-1][1] = key[1:-1].decode("utf-8", "replace")
        elif open_ and text == b"," and open_[-1][0] == b"[":
            open_[-1][1] += 1
    return None


def _json(scope: Scope) -> bool:
    kind = dict(scope["headers"]).get(b"content-type", b"").split(b";")[0].strip().lower()
    return scope.get("method") in ("POST", "PUT", "PATCH") and (kind == b"application/json" or kind.endswith(b"+json"))


def _headers_size(scope: Scope) -> int:
    return sum(len(name) + len(value) + 4 for name, value in scope["headers"])  # "name: value" and a line end


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
        if _headers_size(scope) > HEADERS:
            await pause_refusal()
            await _refuse(431, "RequestHeaderFieldsTooLarge", too_long_head(), close=True)(scope, receive, send)
            return
        if len(scope.get("query_string", b"")) > QUERY:
            await pause_refusal()
            await _refuse(414, "URITooLong", too_long_address())(scope, receive, send)
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

        if not _json(scope):
            await self.app(scope, bounded, send)
            return
        # A JSON body is read whole here (it is within the bound), its depth checked, then handed on.
        messages, more = [], True
        while more:
            message = await bounded()
            messages.append(message)
            more = message["type"] == "http.request" and message.get("more_body", False)
        field = json_too_deep(b"".join(m.get("body", b"") for m in messages))
        if field is not None:
            refusal = f"Paramètre manquant ou invalide : {field} ({JSON_DEPTH} niveaux d'imbrication au plus)."
            await _refuse(422, "InvalidQuery", refusal)(scope, receive, send)
            return

        async def replayed() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replayed, send)
