"""One way to replace a file: whole or not at all, even on a crash or a full disk.

The bytes go to a temporary file of the target's own folder (a rename is atomic only within one
file system), which is flushed to the disk, then renamed over the target, and the folder itself is
flushed so that the rename survives a power cut. A reader sees the old file or the new one, never
half of one; a write that fails (a full disk, an interruption) removes its temporary file and leaves
the target as it was. A replaced file keeps its permissions.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["write_atomic"]


def _read_umask() -> int:
    mask = os.umask(0o022)  # the only way to read it is to set it: done once, at import
    os.umask(mask)
    return mask


_UMASK = _read_umask()


def write_atomic(path: Path, data: bytes) -> None:
    """Replace (or create) ``path`` with ``data`` at once."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        try:
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        except FileNotFoundError:
            os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp's 0600 would hide a new file from other readers
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    try:
        handle = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return  # a folder that cannot be opened (some platforms): the rename is done, only its durability is not
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)
