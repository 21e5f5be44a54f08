"""uvicorn's HTTP protocol (httptools) with the request head bounded: 431 past :data:`~.limits.HEADERS`
bytes of headers (and :data:`~.limits.LINE` for the request line; 414 when the line alone is past it).

httptools sets no bound on a request's headers: four clients sending 50 MB headers each were read
whole, parsed on the event loop (``/v1/health`` then took up to 3 s) and answered 200. The head is
counted here as it arrives, before the parser sees it; a head still incomplete past the bound is
refused: reading stops, and after :data:`~.limits.REFUSAL_PAUSE` (the pause of every refusal of what no
planner sends) a French 431 is written and the connection closed, so the rest is never read.
``RequestBounds`` (``api/limits.py``) refuses the same past the bound in any other server.

Served by ``maillage serve`` (``uvicorn.run(…, http=BoundedHttpTools)``) and, from uvicorn's command
line, ``--http api.protocol:BoundedHttpTools``.
"""

from __future__ import annotations

import json

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from .limits import HEADERS, LINE, REFUSAL_PAUSE, too_long_address, too_long_head

__all__ = ["BoundedHttpTools"]


def _refusal(status: bytes, error: str, message: str) -> bytes:
    body = json.dumps({"error": error, "message": message}, ensure_ascii=False).encode()
    return (b"HTTP/1.1 " + status + b"\r\ncontent-type: application/json\r\ncontent-length: " + str(len(body)).encode()
            + b"\r\nconnection: close\r\n\r\n" + body)


class BoundedHttpTools(HttpToolsProtocol):
    """A request whose head passes :data:`HEADERS` + :data:`LINE` bytes before it ends gets 431 (414 if no
    header was read yet: the request line is the long part)."""

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        self._head = 0  # bytes received since the current request began, while its head is incomplete
        self._in_head = True
        self._refused = False

    def on_headers_complete(self) -> None:
        self._in_head = False
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._in_head, self._head = True, 0  # the next request on the connection

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return
        if self._in_head:
            self._head += len(data)
        super().data_received(data)
        # Checked after the parser: a chunk in which the head ends (the body after it) is no refusal.
        if self._in_head and self._head > HEADERS + LINE and not self.transport.is_closing():
            self._refused = True
            self.transport.pause_reading()
            if getattr(self, "headers", None):
                answer = _refusal(b"431 Request Header Fields Too Large", "RequestHeaderFieldsTooLarge", too_long_head())
            else:
                answer = _refusal(b"414 URI Too Long", "URITooLong", too_long_address())
            self.loop.call_later(REFUSAL_PAUSE, self._answer, answer)

    def _answer(self, answer: bytes) -> None:
        if not self.transport.is_closing():
            self.transport.write(answer)
            self.transport.close()
