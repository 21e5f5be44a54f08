"""HEAD wherever GET (RFC 9110 §9.3.2): the status and header fields the GET would have, no content.

An ASGI middleware rather than a HEAD operation on each route: every GET answers HEAD, the map's
files and the docs pages too, and the published OpenAPI stays one operation per route (HEAD is
implied by HTTP). The request goes through as a GET; whatever the response's body, only its start
(status, headers, ``Content-Length`` included: the length the GET's body has) and an empty end are
sent. A route without GET refuses HEAD as it refuses GET (405, ``Allow`` naming its methods).
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["HeadAsGet"]


class HeadAsGet:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return
        ended = False

        async def headers_only(message: Message) -> None:
            nonlocal ended
            if message["type"] == "http.response.body":
                if ended or message.get("more_body", False):
                    return  # the content, never sent
                ended, message = True, {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app(dict(scope, method="GET"), receive, headers_only)
