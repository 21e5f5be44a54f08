"""The SPARQL worker process as the service starts it: below every ordinary process."""

from __future__ import annotations

import os

import pytest

from api import sparql_worker
from api.sparql import WorkerPool


@pytest.mark.skipif(not hasattr(os, "SCHED_IDLE"), reason="SCHED_IDLE is a Linux policy")
def test_a_worker_runs_under_sched_idle_and_nice():
    pool = WorkerPool(1)
    process, _conn = pool._spawn()
    try:
        # the worker's own main thread, whose policy the threads it starts (Oxigraph's) inherit
        assert os.sched_getscheduler(process.pid) == os.SCHED_IDLE
        assert os.getpriority(os.PRIO_PROCESS, process.pid) >= sparql_worker.NICE
    finally:
        pool.close()


@pytest.mark.skipif(not hasattr(os, "SCHED_IDLE"), reason="SCHED_IDLE is a Linux policy")
def test_lower_does_not_raise_a_process_already_lower():
    import subprocess
    import sys

    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"], preexec_fn=lambda: os.nice(15))
    try:
        sparql_worker.lower(child.pid)
        assert os.getpriority(os.PRIO_PROCESS, child.pid) == 15
        assert os.sched_getscheduler(child.pid) == os.SCHED_IDLE
    finally:
        child.kill()
        child.wait()
