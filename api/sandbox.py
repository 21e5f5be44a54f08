"""An uploaded registry file checked in a child process with limits: no file can take the service down.

A parser can be made to crash (50,000 nested brackets overflow libyaml's stack: a segfault), to swell
(a YAML alias bomb) or to spin. The check (``ingest.build.check``, the rules of ``maillage
build``) runs in a fresh interpreter that limits its own address space (``RLIMIT_AS``), CPU time
(``RLIMIT_CPU``) and core dumps, at a lower priority than the service, and is killed past a wall-clock
bound. Whatever stops it stops only it; the service answers 422 with why. At most :data:`VALIDATIONS` (the
machine's cores but one) run at once (each one reads the geography: about 4 s and 150 MB); beyond, 429.

The child is ``python -m api.sandbox``; it reads its settings from the environment (the
service's, with the temporary registry and data folder) and writes its problems as JSON on its
standard output.

Whatever is sent is written only into a scratch folder of the system's temporary folder
(``atomic.scratch_folder``): a copy of the registry, where the file's name (a plain name, checked by
``core.registry_files``) is written, and a data folder of the check's own, whose cache sees the live
cache's entries through links (:func:`_view_of_cache`) so that the check reuses the geography's
tables and the registry's verdicts without writing into the live cache. The folder is removed when
the check ends; one a killed service left is swept by the next build.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from core import atomic, jsonable
from core.errors import Problem, RegistryInvalid, UploadRefused, ValidationsBusy
from core.registry_files import registry_path
from core.settings import Settings
from store.caches import REGISTERED

__all__ = ["VALIDATIONS", "check_upload"]

log = logging.getLogger("maillage.api")

#: Validations running at once: each one is CPU-bound for seconds, so one core is always left to the
#: service's own requests (measured in ``bench/bench_hostile.py``: two at once on two cores tripled
#: ``/v1/health``'s p99 more often than one).
VALIDATIONS = max(1, (os.cpu_count() or 2) - 1)
_slots = threading.BoundedSemaphore(VALIDATIONS)

#: the name of the temporary copies of the registry, in the system's temporary folder
SCRATCH = "maillage-validate"

#: The child's exit status when it ran out of its address space in Python (C code aborts instead).
_OUT_OF_MEMORY = 3


def check_upload(settings: Settings, filename: str, content: bytes) -> list[Problem]:
    """The problems of the live registry with ``content`` as ``filename`` (none: valid), found by a
    limited child process in a temporary copy of the registry, with a data folder of its own."""
    registry_path(settings.registry, filename, must_exist=False)  # a plain name, and no link in the live registry
    if not _slots.acquire(blocking=False):
        raise ValidationsBusy(f"Déjà {VALIDATIONS} validations en cours : réessayez dans quelques secondes.")
    try:
        # swept by the next build if this process is killed meanwhile (``ingest.build.leftovers``)
        with atomic.scratch_folder(Path(tempfile.gettempdir()), SCRATCH) as tmp:
            registry = tmp / "registry"
            # Links followed: the copy holds plain files only, and nothing written to it goes elsewhere.
            shutil.copytree(settings.registry, registry, ignore_dangling_symlinks=True)
            atomic.write_atomic(registry_path(registry, filename, must_exist=False), content)
            view = tmp / "var" / "cache"
            _view_of_cache(settings.data_dir / "cache", view)
            problems = _run(dataclasses.replace(settings, registry=registry, data_dir=tmp / "var", api_token=""), filename)
            return [_without_path(p, str(tmp)) for p in problems]
    finally:
        _slots.release()


def _view_of_cache(live: Path, view: Path) -> None:
    """The live cache's entries, seen from the check's own cache folder ``view``: each file hard-linked
    (or a symbolic link to it on another file system), each folder the check's own; not its lock nor
    its register of data folders (``store.caches``). What the check remembers goes into its folders,
    as new files or renamed over a link (``core.atomic``), never written through a link: the live
    cache is read, never written."""
    view.mkdir(parents=True)
    if not live.is_dir():
        return
    root = live.resolve()
    for folder, folders, files in os.walk(root):
        here = view / Path(folder).relative_to(root)
        here.mkdir(exist_ok=True)
        if here == view:
            folders[:] = [f for f in folders if f != REGISTERED]  # the data folders using the live cache
        for name in files:
            if name.startswith("."):
                continue  # the live cache's lock (held through a link, it would be the live one), a write in progress
            try:
                (here / name).hardlink_to(Path(folder) / name)
            except OSError:
                (here / name).symlink_to(Path(folder) / name)


def _without_path(problem: Problem, tmp: str) -> Problem:
    """A problem whose message names the temporary copy (a reader's error) names the file alone."""
    return dataclasses.replace(problem, message=problem.message.replace(f"{tmp}/registry/", "").replace(tmp, "…"))


def _environment(settings: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAILLAGE_") or k == "MAILLAGE_DEBUG"}
    env.update(settings.environment())
    # one BLAS thread: each one's buffers count against the child's address space, for nothing here
    env["OPENBLAS_NUM_THREADS"] = env["OMP_NUM_THREADS"] = "1"
    return env


def _out_of_memory(done: subprocess.CompletedProcess) -> bool:
    """Whether the child stopped for want of memory: in Python (its own exit status), or in C code that
    says so and exits (OpenBLAS's « Memory allocation still failed », Rust's « memory allocation of »)."""
    said = done.stderr[-2000:].decode(errors="replace").lower()
    return done.returncode == _OUT_OF_MEMORY or (done.returncode > 0 and "memory allocation" in said)


def _run(settings: Settings, filename: str) -> list[Problem]:
    wall = 2 * settings.validate_seconds + 10  # CPU seconds, plus the start and any waiting on the disk
    refused = f"Fichier « {filename} » refusé : "
    try:
        done = subprocess.run([sys.executable, "-m", "api.sandbox"], check=False, env=_environment(settings),
                              stdin=subprocess.DEVNULL, capture_output=True, timeout=wall)
    except subprocess.TimeoutExpired:
        raise UploadRefused(refused + f"sa validation dépassait {wall} s ; le service n'est pas touché.") from None
    if done.returncode == 0:
        return [Problem(**p) for p in json.loads(done.stdout)["problems"]]
    log.warning("validation of an upload stopped (status %s): %s", done.returncode, done.stderr[-2000:].decode(errors="replace"))
    if _out_of_memory(done):
        why = f"sa validation demandait plus de {settings.validate_memory_mb} Mo de mémoire"
    elif done.returncode == -signal.SIGXCPU:
        why = f"sa validation dépassait {settings.validate_seconds} s de calcul"
    elif done.returncode < 0:
        why = f"il a fait s'arrêter le lecteur (signal {signal.Signals(-done.returncode).name}, par exemple une imbrication trop profonde)"
    else:
        why = f"sa validation a échoué (erreur interne du lecteur, code {done.returncode})"
    raise UploadRefused(refused + why + " ; le service n'est pas touché.")


def _limit_self(settings: Settings) -> None:
    memory = settings.validate_memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a crash leaves no core file of the registry
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    # SIGXCPU at the soft limit; the kernel's SIGKILL at the hard one if SIGXCPU were ignored.
    resource.setrlimit(resource.RLIMIT_CPU, (settings.validate_seconds, settings.validate_seconds + 5))
    os.nice(10)  # the service's own requests come first


def main() -> None:
    settings = Settings.from_env()
    _limit_self(settings)
    try:
        from core.collector import tuned_for_a_build
        from ingest.build import check  # after the limits: the reader and its parsers load under them

        # In this process only: worker processes would each have their own limits, and take the
        # core left to the service. A process of its own: tuned for the check (core.collector).
        with tuned_for_a_build():
            check(settings, parallel=False)
        problems: list[Problem] = []
    except RegistryInvalid as err:
        problems = err.problems
    except MemoryError:
        sys.exit(_OUT_OF_MEMORY)
    sys.stdout.write(json.dumps({"problems": jsonable.plain(problems)}))


if __name__ == "__main__":
    main()
