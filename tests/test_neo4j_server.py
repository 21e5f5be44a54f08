"""Real end-to-end checks of scripts/neo4j.sh: JVM + Neo4j + Bolt + official Python driver."""

from __future__ import annotations

import os
import shutil

import pytest

from neo4j_server import free_port, is_running, running_neo4j, server_pid, start, stop

neo4j = pytest.importorskip("neo4j")

pytestmark = [
    pytest.mark.neo4j,
    pytest.mark.skipif(shutil.which("java") is None, reason="needs a Java 17+ runtime"),
]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        with open(f"/proc/{pid}/stat") as f:  # an unreaped zombie has exited all the same
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (ProcessLookupError, FileNotFoundError):
        return False


def test_start_query_stop(tmp_path):
    data = tmp_path / "neo4j"
    with running_neo4j(data, free_port()) as uri:
        assert uri.startswith("bolt://127.0.0.1:")
        pid = server_pid(data)
        assert pid and _alive(pid)
        with neo4j.GraphDatabase.driver(uri, auth=None) as driver:
            driver.execute_query("CREATE (:Probe {name: $name})", name="maillage")
            records, _, _ = driver.execute_query("MATCH (p:Probe) RETURN p.name AS name")
        assert [r["name"] for r in records] == ["maillage"]
    assert not _alive(pid), "JVM still alive after stop"
    assert not (data / "neo4j.pid").exists()
    assert not is_running(data)


def test_start_twice_is_harmless(tmp_path):
    data, port = tmp_path / "neo4j", free_port()
    uri = start(data, port)
    try:
        pid = server_pid(data)
        assert start(data, port) == uri  # second start: reports, does not spawn
        assert server_pid(data) == pid and _alive(pid)
        with neo4j.GraphDatabase.driver(uri, auth=None) as driver:
            driver.verify_connectivity()
    finally:
        stop(data)
    assert not _alive(pid)
    stop(data)  # stopping a stopped server is a no-op too
