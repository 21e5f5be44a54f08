"""An uploaded registry file checked in a child process with limits: no file can take the service down.

A parser can be made to crash (50,000 nested brackets overflow libyaml's stack: a segfault), to swell
(a YAML alias bomb) or to spin. The check (``ingest.build.check``, the rules of ``maillage
build``) runs in a fresh interpreter that limits its own address space (``RLIMIT_AS``), CPU time
(``RLIMIT_CPU``) and core dumps, at a lower priority than the service, and is killed past a wall-clock
bound. Whatever stops it stops only it; the service answers 422 with why. At most :data:`VALIDATIONS` (the
machine's cores but one) run at once (each one reads the geography: about 4 s and 150 MB); beyond, 429.

The child is ``python -m api.sandbox``; it reads its settings from the environment (the
service's, with the temporary registry) and writes its problems as JSON on its standard output.
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
from core.settings import Settings

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
    limited child process in a temporary copy of the registry."""
    if not _slots.acquire(blocking=False):
        raise ValidationsBusy(f"Déjà {VALIDATIONS} validations en cours : réessayez dans quelques secondes.")
    try:
        # swept by the next build if this process is killed meanwhile (``ingest.build.leftovers``)
        with atomic.scratch_folder(Path(tempfile.gettempdir()), SCRATCH) as tmp:
            registry = tmp / "registry"
            shutil.copytree(settings.registry, registry)
            atomic.write_atomic(registry / filename, content)
            return _run(dataclasses.replace(settings, registry=registry, api_token=""), filename)
    finally:
        _slots.release()


def _environment(settings: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAILLAGE_") or k == "MAILLAGE_DEBUG"}
    env.update(settings.environment())
    return env


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
    if done.returncode == _OUT_OF_MEMORY:
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
