"""kill -9 at each step of an accept: a real service (``maillage serve``) accepts a proposal and is
killed with SIGKILL at a named step (``MAILLAGE_STOP_AT``, ``ingest/accepting.py``); then the next
start of the service, or the next ``maillage build``, settles it. At no moment is a change published
whose proposal is not accepted (or, between the publication and the record, whose acceptance is not
journaled); afterwards the proposal is accepted and its change live, or pending with the registry
file byte for byte as it was — and refusing it then keeps its text out of every later build."""

from __future__ import annotations

import dataclasses
import hashlib
import http.client
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from core.settings import SETTINGS
from ingest.accepting import STEPS, Journal
from ingest.proposal import apply_proposal
from store.builds import build_info, current_build
from running import free_port

TOKEN = "jeton-de-test-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
RENAME = {"kind": "correction", "instance": "ilc-toulouse-sud", "set": {"name": "ILC du Muretain"},
          "source": {"title": "RAP 31, page des ILC", "url": "https://rap31.fr/ilc", "date": "2025-03-01"},
          "excerpt": "l'ILC du Muretain réunit les partenaires"}
#: the steps after which the change is published: the accept is completed, not rolled back
COMPLETED = {"published", "decided"}
#: what settles each interrupted accept: the service's next start, or the next build from the CLI
SETTLED_BY = {"journaled": "service", "written": "build", "built": "service", "published": "build", "decided": "service"}


def _env(settings, **extra) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAILLAGE_")}
    env.update({f"MAILLAGE_{s.name.upper()}": str(getattr(settings, s.name)) for s in SETTINGS})
    env.update(MAILLAGE_API_TOKEN=TOKEN, **extra)
    return env


def _serve(settings, **extra) -> tuple[subprocess.Popen, str]:
    port = free_port()
    child = subprocess.Popen([sys.executable, "-m", "cli", "serve", "--port", str(port)], env=_env(settings, **extra),
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while True:
        assert child.poll() is None, f"the service stopped at start ({child.returncode})"
        try:
            with urllib.request.urlopen(url + "/v1/health", timeout=2):
                return child, url
        except OSError:
            assert time.monotonic() < deadline, "the service does not answer"
            time.sleep(0.3)


def _stop(child: subprocess.Popen) -> None:
    child.send_signal(signal.SIGTERM)
    child.wait(timeout=60)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _record(settings, ident: str) -> dict:
    for folder in ("pending", "decided"):
        path = settings.data_dir / "proposals" / folder / f"{ident}.json"
        if path.is_file():
            return json.loads(path.read_text())
    raise AssertionError(f"proposal {ident} lost")


def _live(settings) -> tuple[str, str]:
    live = current_build(settings.data_dir)
    return live.name, build_info(live)["registry_files"]["31.yaml"]


def _nothing_unaccepted_is_live(settings, ident: str, before: bytes) -> None:
    """The invariant, checked whenever the service is down: the live build holds the file as it was,
    or the proposal is accepted, or its acceptance is journaled (the publication and the record are
    two steps: the journal holds the decision between them)."""
    journal = Journal(settings.data_dir).read()
    assert (_live(settings)[1] == _digest(before) or _record(settings, ident)["state"] == "accepted"
            or (journal is not None and journal["id"] == ident))


@pytest.mark.slow  # a real service started, killed and started again at each step
@pytest.mark.parametrize("step", STEPS)
def test_an_accept_killed_at_each_step_never_publishes_an_unaccepted_change(small, step):
    path = small.registry / "31.yaml"
    before = path.read_bytes()
    with TestClient(create_app(small)) as c:
        ident = c.post("/v1/proposals", json=RENAME).json()["id"]
    after = apply_proposal(small.registry, _record(small, ident)["proposal"], ident).after.encode()
    first_build = _live(small)[0]

    child, url = _serve(small, MAILLAGE_STOP_AT=step)
    request = urllib.request.Request(f"{url}/v1/proposals/{ident}/accept", method="POST", headers=AUTH)
    with pytest.raises((OSError, http.client.HTTPException)):
        urllib.request.urlopen(request, timeout=600)
    assert child.wait(timeout=60) == -signal.SIGKILL
    _nothing_unaccepted_is_live(small, ident, before)

    if SETTLED_BY[step] == "build":
        subprocess.run([sys.executable, "-m", "cli", "build"], env=_env(small), check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    else:
        _stop(_serve(small)[0])
    _nothing_unaccepted_is_live(small, ident, before)
    assert Journal(small.data_dir).read() is None and not Journal(small.data_dir).original.exists()

    record, live_file = _record(small, ident), _live(small)[1]
    if step in COMPLETED:  # published by the accept's build (a build since publishes it again)
        accepted_in = build_info(small.data_dir / "builds" / record["build"])["registry_files"]["31.yaml"]
        assert record["state"] == "accepted" and record["build"] != first_build and accepted_in == _digest(after)
        assert path.read_bytes() == after and live_file == _digest(after)
        return
    assert record["state"] == "pending" and path.read_bytes() == before and live_file == _digest(before)
    # refused now, its text never reaches a build
    with TestClient(create_app(dataclasses.replace(small, api_token=TOKEN))) as c:
        assert c.post(f"/v1/proposals/{ident}/refuse", json={"reason": "Source insuffisante."}, headers=AUTH).status_code == 200
        assert c.post("/v1/admin/builds", headers=AUTH).status_code == 200
        names = {x["name"] for x in c.get("/v1/who-covers", params={"place": "Muret"}).json()["instances"]}
    assert "ILC du Muretain" not in names and path.read_bytes() == before and _live(small)[1] == _digest(before)
