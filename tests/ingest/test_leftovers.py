"""What a process killed mid-write leaves (kill -9: no cleanup runs) is removed by the next build: a
half-written dump, registry file or cache entry, a copy of the registry being checked; what a running
process is writing stays."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from core.atomic import is_temporary
from ingest.build import build
from store.builds import current_build

KILLED_MID_WRITE = """
import os, shutil, signal, sys
from pathlib import Path
from core import atomic

dumps, registry, cache, scratch = map(Path, sys.argv[1:])
dumps.mkdir(exist_ok=True)
with atomic.replacing(dumps / "maillage.ttl") as dump, atomic.replacing(registry / "31.yaml") as edited, \\
        atomic.replacing(cache / "entree.pickle") as entry, atomic.scratch_folder(scratch, "maillage-validate") as copy:
    dump.write_bytes(b"@prefix m: <https://w3id.org/maillage/ontology#> .\\n" * 1000)
    edited.write_text("scope: {departement: ")
    entry.write_bytes(b"\\x80\\x05")
    shutil.copytree(registry, copy / "registry")
    print("\\n".join(str(p) for p in (dump, edited, entry, copy)), flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
"""


def test_the_next_build_removes_what_a_killed_process_left(small):
    live = current_build(small.data_dir)
    registry_before = {p.name: p.read_bytes() for p in small.registry.iterdir()}
    cache = small.data_dir / "cache" / "readings"
    done = subprocess.run([sys.executable, "-c", KILLED_MID_WRITE, str(live / "dumps"), str(small.registry), str(cache),
                           tempfile.gettempdir()], capture_output=True, text=True, timeout=120)
    assert done.returncode == -9, done.stderr
    left = [Path(line) for line in done.stdout.splitlines()]
    assert len(left) == 4 and all(p.exists() and is_temporary(p) for p in left), left
    # Killed before any rename: the registry and the live build are as they were.
    assert {p.name: p.read_bytes() for p in small.registry.iterdir() if not is_temporary(p)} == registry_before
    assert not (live / "dumps" / "maillage.ttl").exists()
    # A file a running process is writing (this one's) is not touched.
    running = small.registry / f".48.yaml.{os.getpid()}-0123abcd.tmp"
    running.write_text("en cours")

    said: list[str] = []
    build(small, progress=said.append)
    assert not any(p.exists() for p in left)
    assert all(any(p.name in line and "processus interrompu" in line for line in said) for p in left), said
    assert running.exists()
    assert current_build(small.data_dir) != live
