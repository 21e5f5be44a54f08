"""Hostile requests against a running service, and the health endpoint's latency while they run.

Used by the bounded load test (``tests/api/test_hostile_load.py``) and the bench
(``bench/bench_hostile.py``). Loopback only; every loop is bounded by a count or a deadline and stops
by itself. Each attacker is a process of its own and keeps one connection open and opens a new one when the server closes it (a
413 closes the connection on purpose).
"""

from __future__ import annotations

import http.client
import multiprocessing
import queue
import statistics
import time
import urllib.parse
from collections import Counter

__all__ = ["deep_yaml", "alias_bomb", "Attack", "health_latencies", "p99", "attacks"]

LONG_NAME = "Saint-" + "x" * 60_000  # a 60 kB place name


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


def attacks(token: str) -> dict[str, Request]:
    """Each kind of hostile request, by name (made once: an attacker spends its time sending them)."""
    return {"nom de 60 ko (who-covers)": _who_covers(), "nom de 60 ko (places)": _places(),
            "envoi imbriqué (validate)": _deep_upload(token), "corps de 200 Mo annoncé": _huge_body(token)}


def _send(host: str, port: int, name: str, request: Request, seconds: float, stop, results) -> None:
    """One attacker: the same request again and again on one connection (a new one when the server
    closes it) until ``stop`` is set or ``seconds`` have passed; its statuses counted into ``results``."""
    method, path, body, headers = request
    statuses: Counter[int | str] = Counter()
    deadline = time.monotonic() + seconds
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
    results.put((name, dict(statuses)))


class Attack:
    """Attackers sending hostile requests until :meth:`stop` or ``seconds`` have passed.

    Each attacker is its own process, as a hostile client is: in threads of the measuring process,
    the attackers' share of its interpreter lock (building and sending 60 kB requests) would be timed
    as the server's latency.
    """

    def __init__(self, url: str, kinds: dict[str, Request], per_kind: int = 1, seconds: float = 30.0):
        parsed = urllib.parse.urlsplit(url)
        context = multiprocessing.get_context("spawn")
        self.statuses: Counter[tuple[str, int | str]] = Counter()
        self._stop = context.Event()
        self._results = context.Queue()
        self._processes = [
            context.Process(target=_send, daemon=True,
                            args=(parsed.hostname, parsed.port, name, request, seconds, self._stop, self._results))
            for name, request in kinds.items() for _ in range(per_kind)]

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
                name, statuses = self._results.get(timeout=90)
            except queue.Empty:
                break
            for status, count in statuses.items():
                self.statuses[(name, status)] += count
        for p in self._processes:
            p.join(timeout=10)
            if p.is_alive():
                p.kill()


def health_latencies(url: str, count: int, pause: float = 0.02, deadline: float = 120.0) -> list[float]:
    """``count`` timed requests of ``/v1/health`` on one keep-alive connection (seconds each); a
    request that fails counts as the time it took to fail, and stops nothing."""
    parsed = urllib.parse.urlsplit(url)
    conn = _connection(parsed.hostname, parsed.port)
    out: list[float] = []
    end = time.monotonic() + deadline
    while len(out) < count and time.monotonic() < end:
        started = time.perf_counter()
        try:
            conn.request("GET", "/v1/health")
            response = conn.getresponse()
            response.read()
            ok = response.status == 200
        except (OSError, http.client.HTTPException):
            ok = False
        elapsed = time.perf_counter() - started
        out.append(elapsed if ok else max(elapsed, 60.0))  # a failure is the worst latency
        if not ok:
            conn.close()
            conn = _connection(parsed.hostname, parsed.port)
        time.sleep(pause)
    conn.close()
    return out


def p99(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[98] if len(samples) > 1 else samples[0]
