"""Hostile requests against a running service, and what a well-behaved client gets while they run.

Used by the bounded load test (``tests/api/test_hostile_load.py``) and the bench
(``bench/bench_hostile.py``). Loopback only; every loop is bounded by a count or a deadline and stops
by itself. Each kind of attack runs in processes of its own (``per_kind`` of them), each with
``clients`` connections (threads) sending the same request again and again on a keep-alive connection,
and opening a new one when the server closes it (a 413 or a 431 closes it on purpose).
"""

from __future__ import annotations

import http.client
import multiprocessing
import os
import queue
import socket
import statistics
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass

__all__ = ["deep_yaml", "alias_bomb", "Attack", "Kind", "attacks", "samples", "latencies", "p99", "SPARQL_CROSS"]

LONG_NAME = "Saint-" + "x" * 60_000  # a 60 kB place name
#: a SPARQL query that runs until its time limit (two patterns with no shared variable: CPU, flat memory)
SPARQL_CROSS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }"
#: the size of the header a flooding client sends
FLOOD = 50 << 20


def deep_yaml(depth: int = 50_000) -> bytes:
    """``[[[…]]]``: libyaml's recursion overflows its stack at this depth (a segfault) unless the
    reader refuses it first."""
    return b"[" * depth + b"]" * depth


def alias_bomb(levels: int = 9) -> bytes:
    """A registry file whose instance name is a YAML alias bomb: 9^levels strings once expanded."""
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, levels + 1)]
    lines += ["instances:", "  - id: bombe", "    type: CPTS", f"    name: *a{levels}"]
    return ("\n".join(lines) + "\n").encode()


def _connection(host: str, port: int) -> http.client.HTTPConnection:
    return http.client.HTTPConnection(host, port, timeout=60)


Request = tuple[str, str, bytes | None, dict]


@dataclass(frozen=True)
class Kind:
    """One kind of hostile request, and how many clients of one attacker process send it at once.
    ``flood``: the request is a head that never ends, sent up to that many bytes (a header flood)."""

    request: Request
    clients: int = 1
    flood: int = 0


def _who_covers() -> Request:
    return "GET", "/v1/who-covers?" + urllib.parse.urlencode({"place": LONG_NAME}), None, {}


def _places() -> Request:
    return "GET", "/v1/places?" + urllib.parse.urlencode({"q": LONG_NAME}), None, {}


def _deep_upload(token: str) -> Request:
    return ("POST", "/v1/admin/registry/validate?filename=31.yaml", deep_yaml(),
            {"Authorization": f"Bearer {token}", "Content-Type": "application/octet-stream"})


def _huge_body(token: str) -> Request:
    # A declared 200 MB body, of which only the first megabyte is ever sent: the server must answer
    # 413 from the header alone.
    return ("POST", "/v1/admin/registry/validate?filename=31.yaml", b"\0" * (1 << 20),
            {"Authorization": f"Bearer {token}", "Content-Length": str(200 << 20)})


def _sparql() -> Request:
    return "GET", "/sparql?" + urllib.parse.urlencode({"query": SPARQL_CROSS}), None, {}


def _header_flood() -> Request:
    return "GET", "/v1/health", None, {}


def attacks(token: str, sparql_clients: int = 60, floods: int = 4) -> dict[str, Kind]:
    """Each kind of hostile request, by name: those of the first red team (60 kB names, nested uploads,
    declared 200 MB bodies), ``floods`` clients sending 50 MB headers and ``sparql_clients`` SPARQL
    clients asking a query that runs until its time limit."""
    kinds = {"nom de 60 ko (who-covers)": Kind(_who_covers()), "nom de 60 ko (places)": Kind(_places()),
             "envoi imbriqué (validate)": Kind(_deep_upload(token)), "corps de 200 Mo annoncé": Kind(_huge_body(token))}
    if floods:
        kinds["en-têtes de 50 Mo"] = Kind(_header_flood(), clients=floods, flood=FLOOD)
    if sparql_clients:
        kinds[f"SPARQL ({sparql_clients} clients)"] = Kind(_sparql(), clients=sparql_clients)
    return kinds


def _flood_once(host: str, port: int, path: str, size: int) -> int | str:
    """A request whose one header never ends (``size`` bytes of it): the status the server answered, or
    the error that ended the exchange."""
    try:
        with socket.create_connection((host, port), timeout=60) as sock:
            sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nX-Remplissage: ".encode())
            chunk = b"x" * 65536
            try:
                for _ in range(size // len(chunk)):
                    sock.sendall(chunk)
            except OSError:
                pass  # the server stopped reading and closed: its answer may be waiting
            answer = sock.recv(64)
            return int(answer.split()[1]) if answer.startswith(b"HTTP/1.1 ") else "aucune réponse"
    except OSError as err:
        return type(err).__name__


def _client(host: str, port: int, kind: Kind, deadline: float, stop, statuses: Counter) -> None:
    method, path, body, headers = kind.request
    if kind.flood:
        while not stop.is_set() and time.monotonic() < deadline:
            statuses[_flood_once(host, port, path, kind.flood)] += 1
        return
    conn = _connection(host, port)
    while not stop.is_set() and time.monotonic() < deadline:
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            statuses[response.status] += 1
            if response.getheader("connection", "").lower() == "close":
                conn.close()
                conn = _connection(host, port)
        except (OSError, http.client.HTTPException) as err:
            statuses[type(err).__name__] += 1
            conn.close()
            conn = _connection(host, port)
            time.sleep(0.01)
    conn.close()


def _attacker(host: str, port: int, name: str, kind: Kind, seconds: float, stop, results, nice: int) -> None:
    """One attacker process: ``kind.clients`` clients (threads) until ``stop`` is set or ``seconds``
    have passed; their statuses counted into ``results``. ``nice``: its priority is lowered so much."""
    os.nice(nice)
    deadline = time.monotonic() + seconds
    counters = [Counter() for _ in range(kind.clients)]
    threads = [threading.Thread(target=_client, args=(host, port, kind, deadline, stop, c), daemon=True) for c in counters]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 90)
    results.put((name, dict(sum(counters, Counter()))))


class Attack:
    """Attackers sending hostile requests until :meth:`stop` or ``seconds`` have passed.

    Each attacker is its own process, as a hostile client is: in threads of the measuring process,
    the attackers' share of its interpreter lock (building and sending 60 kB requests) would be timed
    as the server's latency. ``nice`` lowers the attackers' priority: on loopback they share the
    server's cores, which clients on other machines do not.
    """

    def __init__(self, url: str, kinds: dict[str, Kind], per_kind: int = 1, seconds: float = 30.0, nice: int = 0):
        parsed = urllib.parse.urlsplit(url)
        context = multiprocessing.get_context("spawn")
        self.statuses: Counter[tuple[str, int | str]] = Counter()
        self._stop = context.Event()
        self._results = context.Queue()
        self._processes = [
            context.Process(target=_attacker, daemon=True,
                            args=(parsed.hostname, parsed.port, name, kind, seconds, self._stop, self._results, nice))
            for name, kind in kinds.items() for _ in range(per_kind)]

    def __enter__(self) -> "Attack":
        for p in self._processes:
            p.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        self._stop.set()
        for _ in self._processes:
            try:
                name, statuses = self._results.get(timeout=150)
            except queue.Empty:
                break
            for status, count in statuses.items():
                self.statuses[(name, status)] += count
        for p in self._processes:
            p.join(timeout=10)
            if p.is_alive():
                p.kill()

    def by_kind(self) -> dict[str, set]:
        """The statuses (or errors) each kind of request got."""
        found: dict[str, set] = {}
        for (kind, status), _count in self.statuses.items():
            found.setdefault(kind, set()).add(status)
        return found


def samples(url: str, paths: list[str], rounds: int, pause: float = 0.02,
            deadline: float = 120.0) -> dict[str, list[tuple[float, int | str]]]:
    """``rounds`` rounds of one request of each of ``paths`` in turn, on one keep-alive connection, one at
    a time: for each path, the (seconds, status or error) of each request. A request that fails stops
    nothing: its error is its status."""
    parsed = urllib.parse.urlsplit(url)
    conn = _connection(parsed.hostname, parsed.port)
    out: dict[str, list[tuple[float, int | str]]] = {path: [] for path in paths}
    end = time.monotonic() + deadline
    for _ in range(rounds):
        if time.monotonic() > end:
            break
        for path in paths:
            started = time.perf_counter()
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                status: int | str = response.status
            except (OSError, http.client.HTTPException) as err:
                status = type(err).__name__
                conn.close()
                conn = _connection(parsed.hostname, parsed.port)
            out[path].append((time.perf_counter() - started, status))
            time.sleep(pause)
    conn.close()
    return out


def latencies(found: list[tuple[float, int | str]]) -> list[float]:
    """The seconds of each request of :func:`samples`; a failed one counts as 60 s (the worst)."""
    return [seconds if status == 200 else max(seconds, 60.0) for seconds, status in found]


def p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[98] if len(values) > 1 else values[0]
