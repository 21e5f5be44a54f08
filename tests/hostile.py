"""Hostile requests against a running service, and the health endpoint's latency while they run.

Used by the bounded load test (``tests/api/test_hostile_load.py``) and the bench
(``bench/bench_hostile.py``). Loopback only; every loop is bounded by a count or a deadline and stops
by itself. Each attacker keeps one connection open and opens a new one when the server closes it (a
413 closes the connection on purpose).
"""

from __future__ import annotations

import http.client
import statistics
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable

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


def _who_covers() -> tuple[str, str, bytes | None, dict]:
    return "GET", "/v1/who-covers?" + urllib.parse.urlencode({"place": LONG_NAME}), None, {}


def _places() -> tuple[str, str, bytes | None, dict]:
    return "GET", "/v1/places?" + urllib.parse.urlencode({"q": LONG_NAME}), None, {}


def _deep_upload(token: str) -> Callable[[], tuple[str, str, bytes | None, dict]]:
    body = deep_yaml()
    return lambda: ("POST", "/v1/admin/registry/validate?filename=31.yaml", body,
                    {"Authorization": f"Bearer {token}", "Content-Type": "application/octet-stream"})


def _huge_body(token: str) -> Callable[[], tuple[str, str, bytes | None, dict]]:
    # A declared 200 MB body, of which only the first megabyte is ever sent: the server must answer
    # 413 from the header alone.
    return lambda: ("POST", "/v1/admin/registry/validate?filename=31.yaml", b"\0" * (1 << 20),
                    {"Authorization": f"Bearer {token}", "Content-Length": str(200 << 20)})


def attacks(token: str) -> dict[str, Callable[[], tuple[str, str, bytes | None, dict]]]:
    """Each kind of hostile request, by name."""
    return {"nom de 60 ko (who-covers)": _who_covers, "nom de 60 ko (places)": _places,
            "envoi imbriqué (validate)": _deep_upload(token), "corps de 200 Mo annoncé": _huge_body(token)}


class Attack:
    """Threads sending hostile requests until :meth:`stop` or ``seconds`` have passed."""

    def __init__(self, url: str, kinds: dict[str, Callable], threads_per_kind: int = 1, seconds: float = 30.0):
        parsed = urllib.parse.urlsplit(url)
        self.host, self.port = parsed.hostname, parsed.port
        self.deadline = time.monotonic() + seconds
        self.statuses: Counter[tuple[str, int | str]] = Counter()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, args=(name, make), daemon=True)
                         for name, make in kinds.items() for _ in range(threads_per_kind)]

    def __enter__(self) -> "Attack":
        for t in self._threads:
            t.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        self._stop.set()
        for t in self._threads:
            t.join(timeout=90)

    def _count(self, name: str, status: int | str) -> None:
        with self._lock:
            self.statuses[(name, status)] += 1

    def _run(self, name: str, make: Callable) -> None:
        conn = _connection(self.host, self.port)
        while not self._stop.is_set() and time.monotonic() < self.deadline:
            method, path, body, headers = make()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                self._count(name, response.status)
                if response.getheader("connection", "").lower() == "close":
                    conn.close()
                    conn = _connection(self.host, self.port)
            except (OSError, http.client.HTTPException) as err:
                self._count(name, type(err).__name__)
                conn.close()
                conn = _connection(self.host, self.port)
                time.sleep(0.01)
        conn.close()


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
