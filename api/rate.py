"""A bound on how often one client may do something: at most ``limit`` times in a sliding window.

Clients are told apart by their address as the service sees it (behind a reverse proxy, every client
has the proxy's: set the bound for all of them, or let the proxy limit). The counts live in the
process's memory only, for the length of the window: no address is written anywhere. With several
workers each keeps its own counts, so a client may reach ``limit`` once per worker.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque

from core.errors import RateLimited

__all__ = ["SlidingWindow"]

#: clients remembered at most; past it, those idle for a whole window are forgotten first
CLIENTS = 10_000


class SlidingWindow:
    def __init__(self, limit: int, seconds: float = 3600.0, clock=time.monotonic):
        self.limit, self.seconds, self.clock = limit, seconds, clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, client: str, what: str) -> None:
        """Count one request of ``client``; :class:`RateLimited` (French, naming ``what``) past the bound."""
        now = self.clock()
        with self._lock:
            hits = self._hits.setdefault(client, deque())
            while hits and hits[0] <= now - self.seconds:
                hits.popleft()
            if len(hits) >= self.limit:
                wait = max(1, math.ceil(hits[0] + self.seconds - now))
                raise RateLimited(f"Trop de {what} depuis votre adresse : {self.limit} par "
                                  f"{round(self.seconds / 60)} min au plus. Réessayez dans {_minutes(wait)}.", wait)
            hits.append(now)
            if len(self._hits) > CLIENTS:
                self._forget(now)

    def _forget(self, now: float) -> None:
        for client in [c for c, h in self._hits.items() if not h or h[-1] <= now - self.seconds]:
            del self._hits[client]


def _minutes(seconds: int) -> str:
    return f"{seconds} s" if seconds < 120 else f"{math.ceil(seconds / 60)} min"
