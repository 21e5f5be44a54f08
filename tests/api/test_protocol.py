"""The HTTP protocol the service runs with (``api/protocol.py``), over real TCP: a head past its bound
is refused as it arrives (431, or 414 for a request line alone), the rest never read, and the server
answers the next client as before."""

from __future__ import annotations

import json
import socket
import urllib.parse

import pytest

from api.limits import HEADERS, LINE
from running import running_service


@pytest.fixture(scope="module")
def service(national):
    with running_service(national) as url:
        yield urllib.parse.urlsplit(url)


def _exchange(service, head: bytes, flood: int = 0) -> tuple[int, dict, bool]:
    """Send ``head`` then up to ``flood`` more bytes of it; the status, the JSON body, and whether the
    server closed the connection before the flood was all sent."""
    with socket.create_connection((service.hostname, service.port), timeout=60) as sock:
        sock.sendall(head)
        cut = False
        try:
            for _ in range(flood // 65536):
                sock.sendall(b"x" * 65536)
        except (BrokenPipeError, ConnectionResetError):
            cut = True
        data = b""
        try:
            while chunk := sock.recv(65536):
                data += chunk
        except ConnectionResetError:
            pass
    status_line, _, rest = data.partition(b"\r\n")
    body = rest.partition(b"\r\n\r\n")[2]
    return int(status_line.split()[1]), json.loads(body) if body else {}, cut


def test_a_50_mb_header_is_refused_as_it_arrives_and_never_read_whole(service):
    status, body, cut = _exchange(service, b"GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Remplissage: ", flood=50 << 20)
    assert status == 431 and body["error"] == "RequestHeaderFieldsTooLarge" and "32 ko" in body["message"]
    assert cut  # the server closed the connection: the 50 MB were not read


def test_a_request_line_past_its_room_gets_414(service):
    status, body, _ = _exchange(service, b"GET /v1/places?q=" + b"x" * (HEADERS + LINE + 1000))
    assert status == 414 and body["error"] == "URITooLong"


def test_a_head_within_its_bound_with_a_large_body_passes(service):
    # a head that ends inside the first chunk, a body of 1.5 MB right after it: no 431
    text = b"ASK { ?s ?p ?o } #" + b"x" * (1536 * 1024)
    head = (b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\nConnection: close\r\n"
            b"Content-Length: " + str(len(text)).encode() + b"\r\n\r\n")
    status, body, _ = _exchange(service, head + text)
    assert status == 400 and body["error"] == "QueryRefused"  # the text's own bound (100,000 characters)
    status, body, _ = _exchange(service, b"GET /v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                                         b"X-Remplissage: " + b"x" * 8000 + b"\r\n\r\n")
    assert status == 200 and body["status"] == "ok"
