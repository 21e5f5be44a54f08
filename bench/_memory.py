"""The peak memory of a process and the worker processes it starts, sampled.

``ru_maxrss`` is one process's peak: a build that hands work to worker processes would look smaller
than it is. :class:`TreePeak` adds up, every :data:`INTERVAL` seconds, the resident sets of this
process and of all its descendants (``/proc/<pid>/statm``; Linux), and keeps the largest sum. Pages
shared between processes (the modules a worker inherits from its server) are counted in each: the
figure is an upper bound of the memory the machine gives the work. A peak shorter than the interval
can be missed; the process's own ``ru_maxrss`` is a floor of the result.
"""

from __future__ import annotations

import os
import resource
import threading
from pathlib import Path

__all__ = ["TreePeak", "INTERVAL"]

INTERVAL = 0.05
_PAGE = os.sysconf("SC_PAGE_SIZE")


def _children() -> dict[int, list[int]]:
    """Parent pid → its children's pids, from /proc."""
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            # the command name (field 2) is in parentheses and may hold spaces: split after it
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        tree.setdefault(int(fields[1]), []).append(int(entry.name))
    return tree


def _resident(pid: int) -> int:
    try:
        return int((Path("/proc") / str(pid) / "statm").read_text().split()[1]) * _PAGE
    except (OSError, IndexError, ValueError):
        return 0


def tree_bytes(root: int) -> int:
    """The resident bytes of ``root`` and all its descendants, now."""
    tree, total, todo = _children(), 0, [root]
    while todo:
        pid = todo.pop()
        total += _resident(pid)
        todo.extend(tree.get(pid, ()))
    return total


class TreePeak:
    """``with TreePeak() as peak: …`` then ``peak.mib``: the largest sum seen of this process's and its
    descendants' resident sets, in MiB."""

    def __init__(self, interval: float = INTERVAL):
        self.interval, self.peak = interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        me = os.getpid()
        while not self._stop.wait(self.interval):
            self.peak = max(self.peak, tree_bytes(me))

    def __enter__(self) -> TreePeak:
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def mib(self) -> float:
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB
        return max(self.peak, own) / 2**20
