"""Drive scripts/neo4j.sh from Python (used by the test suite's session fixture).

The server is a loopback-only, auth-less Neo4j Community dev instance; see scripts/neo4j.sh.

    from neo4j_server import running_neo4j, free_port
    with running_neo4j(tmp_dir, free_port()) as uri:
        neo4j.GraphDatabase.driver(uri, auth=None)
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "neo4j.sh"


def free_port() -> int:
    """A currently unused loopback port (tiny race window, fine for tests)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    # Capture stderr so a failed start surfaces the log tail the script prints, not just an exit code.
    proc = subprocess.run(["bash", str(SCRIPT), *args], capture_output=True, text=True)
    if check and proc.returncode != 0:
        raise RuntimeError(
            f"{SCRIPT.name} {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr}{proc.stdout}"
        )
    return proc


def start(data_dir: os.PathLike[str] | str, port: int) -> str:
    """Start (or reuse) the server on data_dir; returns the bolt URI."""
    out = _run("start", "--data", str(data_dir), "--port", str(port)).stdout
    return out.strip().splitlines()[-1]


def stop(data_dir: os.PathLike[str] | str) -> None:
    _run("stop", "--data", str(data_dir))


def is_running(data_dir: os.PathLike[str] | str) -> bool:
    return _run("status", "--data", str(data_dir), check=False).returncode == 0


def server_pid(data_dir: os.PathLike[str] | str) -> int | None:
    pid_file = Path(data_dir) / "neo4j.pid"
    return int(pid_file.read_text()) if pid_file.exists() else None


@contextlib.contextmanager
def running_neo4j(data_dir: os.PathLike[str] | str, port: int = 7687) -> Iterator[str]:
    """Yield the bolt URI of a server on data_dir; stop it afterwards only if we started it
    (so a developer's long-running server is left alone)."""
    was_running = is_running(data_dir)
    uri = start(data_dir, port)
    try:
        yield uri
    finally:
        if not was_running:
            stop(data_dir)
