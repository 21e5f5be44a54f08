"""Every file Maillage writes is written whole or not at all, by this one writer.

A file is written to a temporary file of its own folder (``.<name>.<pid>-<random>.tmp``), synced to
disk, then renamed over its target (``os.replace``: atomic on POSIX), and the folder is synced so the
new name survives a power cut. A reader, a crash or a full disk sees the old file or the new one,
never half of one. Registry files, proposals, dumps, cache entries, build records: every path goes
through :func:`write_atomic`, :func:`write_text`, :func:`replacing` (a library writes the temporary
path itself: a workbook, a gzip stream, an SQLite table) or :func:`staged` (several files that change
together: all of them or none). A test (``tests/core/test_atomic.py``) fails on a plain write
anywhere else in the package.

A write that fails removes its temporary file; one killed mid-way (``kill -9``) cannot, and leaves it
with its process id in its name: :func:`sweep` removes those whose process is gone, and every build
sweeps the data folder, the registry and the scratch folders (:func:`scratch_folder`) of the
temporary folder. A full disk raises :class:`core.errors.DiskFull`, in French, naming the file but no folder
(the API answers 507; the CLI prints it).
"""

from __future__ import annotations

import errno
import os
import re
import secrets
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import DiskFull

__all__ = ["write_atomic", "write_text", "copy_file", "replacing", "staged", "Staged", "new_folder",
           "publish_folder", "point_link", "scratch_folder", "sweep", "process_alive", "temporary_for", "is_temporary"]

#: a temporary name this module made: what it stands for, the process that writes it, a random part
#: (and what SQLite adds beside a table it writes there)
_TEMPORARY = re.compile(r"\.(?P<name>.+)\.(?P<pid>[0-9]+)-[0-9a-f]{8}\.tmp(?:-journal|-wal|-shm)?")
#: errors that mean the disk (or the user's quota) is full
_FULL = (errno.ENOSPC, errno.EDQUOT)


def temporary_for(path: Path) -> Path:
    """A fresh temporary name beside ``path`` that :func:`sweep` recognises."""
    return path.parent / f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp"


def is_temporary(path: Path) -> bool:
    return _TEMPORARY.fullmatch(path.name) is not None


def _full(err: BaseException) -> bool:
    if isinstance(err, OSError) and err.errno in _FULL:
        return True
    # SQLite says so in words (SQLITE_FULL), pyoxigraph's errors may carry the system's text only
    text = str(err)
    return (isinstance(err, sqlite3.OperationalError) and "disk is full" in text) or "No space left on device" in text


@contextmanager
def _said(path: Path) -> Iterator[None]:
    """A full disk raised as :class:`DiskFull` naming ``path``'s file."""
    try:
        yield
    except DiskFull:
        raise
    except Exception as err:
        if _full(err):
            raise DiskFull(path.name) from err
        raise


def _remove(path: Path) -> None:
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    except OSError:
        pass  # already gone, or unremovable: sweep tries again


def _sync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (a folder is synced through a descriptor of its own)."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:
        return  # a folder that cannot be opened (some platforms): the rename is done, only its durability is not
    try:
        os.fsync(fd)
    except OSError:
        pass  # likewise: the file is replaced whole already
    finally:
        os.close(fd)


def _keep_mode(tmp: Path, path: Path) -> None:
    """The new file keeps the old one's permissions (a registry file shared by a group stays so)."""
    try:
        os.chmod(tmp, path.stat().st_mode & 0o7777)
    except FileNotFoundError:
        pass


def _write(tmp: Path, data: bytes) -> None:
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)


def _commit(tmp: Path, path: Path, durable: bool = True) -> None:
    _keep_mode(tmp, path)
    os.replace(tmp, path)
    if durable:
        _sync_folder(path.parent)


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path`` for a library to write; on a clean exit it is synced and
    renamed over ``path``, on any error removed (and a full disk raised as :class:`DiskFull`)."""
    tmp = temporary_for(path)
    try:
        with _said(path):
            yield tmp
            _sync_file(tmp)
            _commit(tmp, path)
    except BaseException:
        _remove(tmp)
        raise


def write_atomic(path: Path, data: bytes, durable: bool = True) -> None:
    """Replace (or create) ``path`` with ``data`` at once.

    Not ``durable``: the folder is not synced after the rename, so a power cut may bring the old file
    (or none) back, never a half-written one: for a cache entry, made again when missing (a folder's
    sync costs as much as the file's: about 6 ms each here, hundreds of entries in a cold build)."""
    path = Path(path)
    tmp = temporary_for(path)
    try:
        with _said(path):
            _write(tmp, data)
            _commit(tmp, path, durable)
    except BaseException:
        _remove(tmp)
        raise


def write_text(path: Path, text: str, encoding: str = "utf-8", durable: bool = True) -> None:
    """Replace ``path`` by ``text`` at once (see :func:`write_atomic`)."""
    write_atomic(path, text.encode(encoding), durable)


def copy_file(source: Path, path: Path) -> None:
    """Replace ``path`` by a copy of ``source`` at once."""
    with replacing(path) as tmp:
        shutil.copyfile(source, tmp)


class Staged:
    """Files that change together (the registry files an imported workbook edits): each is written
    and synced beside its target first; only when every one is written are they renamed, so a full
    disk half-way changes none of them."""

    def __init__(self) -> None:
        self._waiting: list[tuple[Path, Path]] = []

    def write_atomic(self, path: Path, data: bytes) -> None:
        tmp = temporary_for(path)
        self._waiting.append((tmp, path))
        with _said(path):
            _write(tmp, data)

    def write_text(self, path: Path, text: str, encoding: str = "utf-8") -> None:
        self.write_atomic(path, text.encode(encoding))

    def _commit(self) -> None:
        for tmp, path in self._waiting:
            _keep_mode(tmp, path)
            os.replace(tmp, path)
        for folder in {path.parent for _, path in self._waiting}:
            _sync_folder(folder)

    def _abandon(self) -> None:
        for tmp, _ in self._waiting:
            _remove(tmp)


@contextmanager
def staged() -> Iterator[Staged]:
    """``with staged() as files: files.write_text(a, …); files.write_text(b, …)``: every file replaced
    at the end of the block, or none when anything failed in it."""
    files = Staged()
    try:
        yield files
        files._commit()
    except BaseException:
        files._abandon()
        raise


def new_folder(path: Path) -> Path:
    """A fresh temporary folder beside ``path`` to fill, then :func:`publish_folder` it as ``path``
    (a store, a table of outlines): :func:`sweep` removes it if its process dies first."""
    tmp = temporary_for(path)
    tmp.mkdir(parents=True)
    return tmp


def publish_folder(tmp: Path, path: Path) -> None:
    """Rename a folder written whole (its files synced by whoever wrote them) as ``path``, durably."""
    os.rename(tmp, path)
    _sync_folder(path.parent)


def point_link(link: Path, target: Path) -> None:
    """Make the symbolic link ``link`` point to ``target`` at once (a new link renamed over it)."""
    tmp = temporary_for(link)
    try:
        tmp.symlink_to(target)
        os.replace(tmp, link)
        _sync_folder(link.parent)
    except BaseException:
        _remove(tmp)
        raise


@contextmanager
def scratch_folder(parent: Path, label: str) -> Iterator[Path]:
    """A temporary folder of ``parent`` for work that is thrown away (a copy of the registry to
    check), removed at the end; one left by a killed process is swept by the next build."""
    folder = new_folder(parent / label)
    try:
        yield folder
    finally:
        _remove(folder)


def process_alive(pid: int) -> bool:
    """Whether process ``pid`` runs (this one included)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)  # no signal sent: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def sweep(folder: Path, recursive: bool = False, prefix: str = "") -> list[Path]:
    """Remove the temporary files and folders this module made in ``folder`` (and below, if
    ``recursive``; only those for a name starting with ``prefix``) whose process is gone; the paths
    removed. A process id reused since is taken as alive: its file waits for a later sweep."""
    removed: list[Path] = []
    if not folder.is_dir():
        return removed
    for root, dirs, files in os.walk(folder) if recursive else [(str(folder), *_entries(folder))]:
        for name in [*dirs, *files]:
            match = _TEMPORARY.fullmatch(name)
            if match and match["name"].startswith(prefix) and not process_alive(int(match["pid"])):
                path = Path(root) / name
                _remove(path)
                removed.append(path)
        dirs[:] = [d for d in dirs if not _TEMPORARY.fullmatch(d)]  # a temporary folder is removed whole
    return removed


def _entries(folder: Path) -> tuple[list[str], list[str]]:
    dirs: list[str] = []
    files: list[str] = []
    for entry in os.scandir(folder):
        (dirs if entry.is_dir(follow_symlinks=False) else files).append(entry.name)
    return dirs, files
