"""A full disk, simulated: every file the writer (``core.atomic``) syncs fails as the kernel
fails it on a full disk (``ENOSPC``).

The writer syncs every file it writes before renaming it, whoever wrote the bytes (itself, gzip,
Oxigraph, openpyxl, SQLite), so failing the sync fails each path of the package where a real full disk
would be noticed at the latest (measured on a 64 kB tmpfs: each of those writers fails there with
``ENOSPC`` too, and the writer says :class:`~core.errors.DiskFull` the same way).
"""

from __future__ import annotations

import errno
import os

__all__ = ["fill", "temporary_files"]


def _full(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def fill(monkeypatch) -> None:
    """From now until the test ends (or ``monkeypatch.undo()``), the disk is full for the writer."""
    monkeypatch.setattr(os, "fsync", _full)


def temporary_files(*folders) -> list:
    """The writer's temporary files and folders under ``folders`` (none should be left)."""
    from core.atomic import is_temporary

    return [p for folder in folders for p in folder.rglob("*") if is_temporary(p)]
