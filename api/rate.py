"""A bound on how often one client may do something: at most ``limit`` times in a sliding window.

Clients are told apart by their address as the socket gives it (:func:`client_address`). An
``X-Forwarded-For`` header is read only from the reverse proxies the operator names
(``trusted_proxies``): then the client is the last address of the header that is not one of them.
Otherwise the header changes nothing, whoever sends it. ``maillage serve`` starts uvicorn with its
own proxy headers off (it trusts ``X-Forwarded-For`` from 127.0.0.1 by default); a uvicorn started
otherwise with that default replaces the socket's address by one of the header's, which cannot be
undone: such requests are counted together, as one client. The counts live in the process's memory
only, for the length of the window: no address is written anywhere. With several workers each keeps
its own counts, so a client may reach ``limit`` once per worker.
"""

from __future__ import annotations

import ipaddress
import math
import threading
import time
from collections import deque
from collections.abc import Iterable

from core.errors import RateLimited, SettingInvalid

__all__ = ["SlidingWindow", "client_address", "trusted_networks", "UNDECLARED_PROXY"]

#: clients remembered at most; past it, those idle for a whole window are forgotten first
CLIENTS = 10_000


class SlidingWindow:
    """``whose`` ends the French refusal: « depuis votre adresse », or « pour tout le service » for a
    window whose one client is everyone."""

    def __init__(self, limit: int, seconds: float = 3600.0, clock=time.monotonic, whose: str = "depuis votre adresse"):
        self.limit, self.seconds, self.clock, self.whose = limit, seconds, clock, whose
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
                raise RateLimited(f"Trop de {what} {self.whose} : {self.limit} par "
                                  f"{round(self.seconds / 60)} min au plus. Réessayez dans {_minutes(wait)}.", wait)
            hits.append(now)
            if len(self._hits) > CLIENTS:
                self._forget(now)

    def _forget(self, now: float) -> None:
        for client in [c for c, h in self._hits.items() if not h or h[-1] <= now - self.seconds]:
            del self._hits[client]


def _minutes(seconds: int) -> str:
    return f"{seconds} s" if seconds < 120 else f"{math.ceil(seconds / 60)} min"


#: the key of requests whose socket address the server replaced by one of ``X-Forwarded-For``'s
UNDECLARED_PROXY = "mandataire-non-declare"

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def trusted_networks(setting: str) -> tuple[Network, ...]:
    """The networks of ``trusted_proxies`` (addresses or CIDR networks, separated by commas or spaces);
    :class:`SettingInvalid` for one that is neither."""
    networks = []
    for item in setting.replace(",", " ").split():
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise SettingInvalid(f"Réglage MAILLAGE_TRUSTED_PROXIES : « {item} » n'est ni une adresse IP ni un réseau (10.0.0.0/8).") from None
    return tuple(networks)


def _host(value: str) -> str:
    """An ``X-Forwarded-For`` item without its port: ``[::1]:80`` → ``::1``, ``1.2.3.4:5`` → ``1.2.3.4``."""
    value = value.strip()
    if value.startswith("["):
        return value[1:value.find("]")] if "]" in value else value
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


def _trusted(host: str, networks: tuple[Network, ...]) -> bool:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return any(address in network for network in networks)


def client_address(peer: str | None, forwarded_for: Iterable[str], networks: tuple[Network, ...]) -> str:
    """The client's address: ``peer`` (the socket's), unless ``peer`` is a trusted proxy; then the last
    address of the ``X-Forwarded-For`` values ``forwarded_for`` that is not a trusted proxy."""
    forwarded = [_host(item) for value in forwarded_for for item in value.split(",") if item.strip()]
    peer = peer or "?"
    replaced = peer in forwarded  # by the server, from the header: the socket's address is lost
    if not networks:
        return UNDECLARED_PROXY if replaced else peer
    if not (replaced or _trusted(peer, networks)):
        return peer
    untrusted = [host for host in forwarded if not _trusted(host, networks)]
    return untrusted[-1] if untrusted else (forwarded[0] if forwarded else peer)
