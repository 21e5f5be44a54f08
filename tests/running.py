"""The service in a child process on a free loopback port, for as long as a ``with`` block lasts.

Used by the browser test and the load bench: they talk to a real uvicorn over TCP, as a browser or a
client would, and stop it themselves.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator

from core.settings import Settings

__all__ = ["free_port", "running_service"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_service(settings: Settings, app: str = "api.app:create_app", workers: int = 1,
                    timeout: float = 120.0, app_dir: str | None = None, env: dict[str, str] | None = None) -> Iterator[str]:
    """Serve ``app`` (a factory, ``module:function``, importable from ``app_dir`` if given) with
    ``settings`` and the extra environment ``env`` (``MAILLAGE_API_TOKEN``…); yield its base URL."""
    port = free_port()
    env = {**os.environ, **settings.environment(), **(env or {})}
    command = [sys.executable, "-m", "uvicorn", "--factory", app, "--host", "127.0.0.1", "--port", str(port),
               "--workers", str(workers), "--log-level", "warning", "--no-access-log",
               "--http", "api.protocol:BoundedHttpTools"]  # as `maillage serve` runs it
    if app_dir:
        command += ["--app-dir", app_dir]
    child = subprocess.Popen(command, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if child.poll() is not None:
                raise RuntimeError(f"le service s'est arrêté au démarrage (code {child.returncode})")
            try:
                with urllib.request.urlopen(url + "/v1/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"le service ne répond pas sur {url} après {timeout} s") from None
                time.sleep(0.3)
        yield url
    finally:
        child.terminate()
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
