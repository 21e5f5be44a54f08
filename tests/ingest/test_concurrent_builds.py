"""One build at a time per data folder, from the CLI or the API; what killed builds left is removed by
the next one; a ``current`` that is not a link is said in French. Builds run as a planner runs them: the
``maillage`` command in its own process, and the real service over HTTP."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import pytest

from ingest.build import build
from ingest.reuse import MANIFEST
from store.builds import current_build

from running import running_service

TOKEN = "jeton-de-test-0123456789"
BUSY = "déjà en cours"



@pytest.fixture
def small(small_national):
    """Builds here race each other: on the national geography, a build lasts long enough for a second
    process to start while it runs."""
    return small_national


def _env(settings) -> dict[str, str]:
    return {**os.environ, **settings.environment()}


def _start(settings, *args) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "cli", *args], env=_env(settings), text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _finish(child: subprocess.Popen) -> tuple[int, str]:
    _, err = child.communicate(timeout=300)
    return child.returncode, err


def _live(settings) -> str:
    """The live build's name, after checking it is whole (its build.json is there)."""
    live = current_build(settings.data_dir)
    assert live is not None and json.loads((live / "build.json").read_text())["instances"] >= 1
    return live.name


@pytest.mark.slow
def test_sixteen_pairs_of_simultaneous_cli_builds(small):
    names = {_live(small)}
    for pair in range(16):
        first, second = _start(small, "build"), _start(small, "build")
        results = [_finish(first), _finish(second)]
        codes = sorted(code for code, _ in results)
        assert codes == [0, 2], (pair, results)
        refused = next(err for code, err in results if code == 2)
        assert BUSY in refused and "Erreur :" in refused
        for _, err in results:
            assert "Traceback" not in err and "Erreur interne" not in err, err
        names.add(_live(small))
    assert len(names) == 17  # each pair published exactly one new build
    assert not list((small.data_dir / "builds").glob("*.tmp"))


def _post_build(url: str, out: list) -> None:
    request = urllib.request.Request(url + "/v1/admin/builds", method="POST",
                                     headers={"Authorization": f"Bearer {TOKEN}"})
    try:
        with urllib.request.urlopen(request, timeout=300) as response:
            out.append((response.status, json.loads(response.read())))
    except urllib.error.HTTPError as err:
        out.append((err.code, json.loads(err.read())))


def _holds_lock(settings) -> bool:
    """Whether a build holds the data folder's lock (it makes its folder under builds/ or reads its
    sources first: wait until the lock file is held by looking at the kernel's table of locks)."""
    lock = settings.data_dir / ".build.lock"
    if not lock.exists():
        return False
    inode = os.stat(lock).st_ino
    with open("/proc/locks") as locks:
        return any(line.split()[5].endswith(f":{inode}") for line in locks if len(line.split()) > 5)


def _wait_for_lock(settings, deadline: float = 60.0) -> None:
    end = time.monotonic() + deadline
    while not _holds_lock(settings):
        assert time.monotonic() < end, "aucune construction n'a pris le verrou"
        time.sleep(0.02)


def _no_reuse(settings) -> None:
    """The live build's manifest removed: the next build cannot start from its store (``ingest.reuse``)."""
    (current_build(settings.data_dir) / MANIFEST).unlink()


def test_cli_and_api_builds_refuse_each_other(small):
    settings = dataclasses.replace(small, api_token=TOKEN)
    with running_service(settings) as url:
        before = _live(small)
        # The API builds; the CLI started meanwhile is refused. Each build writes its store whole
        # (the live one's manifest gone): one that reuses it is over in a second, before the other
        # process has even started.
        _no_reuse(small)
        answers: list = []
        posting = threading.Thread(target=_post_build, args=(url, answers))
        posting.start()
        _wait_for_lock(small)
        code, err = _finish(_start(small, "build"))
        posting.join(timeout=300)
        assert code == 2 and BUSY in err and "Traceback" not in err, err
        assert answers[0][0] == 200, answers
        after_api = _live(small)
        assert after_api == answers[0][1]["build"] != before
        # The CLI builds; the API asked meanwhile answers 409 in French.
        _no_reuse(small)
        cli = _start(small, "build")
        _wait_for_lock(small)
        answers.clear()
        _post_build(url, answers)
        code, err = _finish(cli)
        assert code == 0, err
        assert answers[0][0] == 409 and BUSY in answers[0][1]["message"], answers
        assert _live(small) not in (before, after_api)
        with urllib.request.urlopen(url + "/v1/health", timeout=10) as response:
            assert response.status == 200


def test_a_cold_build_killed_mid_way_leaves_nothing_after_the_next_one(small, tmp_path):
    # Its own cache with the geography's verdict but not its store: a build writes the store first.
    cache = tmp_path / "cold" / "cache"
    cache.mkdir(parents=True)
    shutil.copytree(small.data_dir / "cache" / "geography-verdicts", cache / "geography-verdicts")
    (cache / "outlines").mkdir()
    for outlines in (small.data_dir / "cache" / "outlines").iterdir():
        (cache / "outlines" / outlines.name).symlink_to(outlines.resolve(), target_is_directory=True)  # made once, shared
    settings = dataclasses.replace(small, data_dir=tmp_path / "cold" / "var")
    settings.data_dir.mkdir()
    (settings.data_dir / "cache").symlink_to(cache, target_is_directory=True)
    child = _start(settings, "build")
    end = time.monotonic() + 120
    while not list(cache.glob("geography-store/.*.store.*.tmp")):
        assert child.poll() is None and time.monotonic() < end, "la construction n'a pas écrit son magasin"
        time.sleep(0.02)
    child.send_signal(signal.SIGKILL)
    child.wait()
    left = list(cache.glob("geography-store/.*.tmp"))
    assert left and all(f".store.{child.pid}-" in p.name for p in left), left
    # A folder of a process that still runs (another build, another data folder) is not touched.
    alive = cache / "outlines" / f".0.{os.getpid()}-0123abcd.tmp"
    alive.mkdir()
    code, err = _finish(_start(settings, "build"))
    assert code == 0, err
    assert not any(p.exists() for p in left) and "laissé par un processus interrompu, supprimé" in err
    assert alive.exists() and _live(settings)


def test_current_as_a_real_folder_is_said_in_french(small):
    live = os.readlink(small.data_dir / "current")
    (small.data_dir / "current").unlink()
    (small.data_dir / "current").mkdir()
    started = time.monotonic()
    for args in (("build",), ("who-covers", "Muret")):
        code, err = _finish(_start(small, *args))
        assert code == 2 and "devrait être un lien" in err and "Traceback" not in err, err
    assert time.monotonic() - started < 60  # refused at once, not after a whole build
    (small.data_dir / "current").rmdir()
    (small.data_dir / "current").symlink_to(live)
    build(small)
    assert _live(small)
