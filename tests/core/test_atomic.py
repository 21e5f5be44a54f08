"""The one writer: a file is replaced whole or not at all, a full disk is said in French and leaves no
temporary file, and what a killed process left is swept."""

from __future__ import annotations

import gzip
import os
import pickle
import subprocess
import sys

import pytest

from disk import fill, temporary_files
from core import atomic
from core.errors import DiskFull


def test_a_file_is_created_then_replaced_whole_keeping_its_permissions(tmp_path):
    path = tmp_path / "31.yaml"
    atomic.write_atomic(path, b"ancien\n")
    assert path.read_bytes() == b"ancien\n" and path.stat().st_mode & 0o044  # readable by others, as umask allows
    path.chmod(0o640)
    atomic.write_text(path, "nouveau\n")
    assert path.read_text() == "nouveau\n"
    assert path.stat().st_mode & 0o777 == 0o640
    assert temporary_files(tmp_path) == []


def test_a_full_disk_keeps_the_old_file_and_leaves_no_temporary_file(tmp_path, monkeypatch):
    path = tmp_path / "31.yaml"
    path.write_text("ancien\n")
    fill(monkeypatch)
    with pytest.raises(DiskFull) as caught:
        atomic.write_text(path, "nouveau\n")
    assert "Disque plein" in str(caught.value) and "« 31.yaml »" in str(caught.value)
    assert str(tmp_path) not in str(caught.value)  # no folder named: the API shows this message
    assert isinstance(caught.value, OSError)
    assert path.read_text() == "ancien\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["31.yaml"]


def test_a_library_writing_the_temporary_path_is_replaced_whole_or_not_at_all(tmp_path, monkeypatch):
    path = tmp_path / "dump.nt.gz"
    with atomic.replacing(path) as tmp:
        with gzip.open(tmp, "wb") as out:
            out.write(b"<a> <b> <c> .\n")
    assert gzip.decompress(path.read_bytes()) == b"<a> <b> <c> .\n"
    with pytest.raises(RuntimeError), atomic.replacing(path) as tmp:
        tmp.write_bytes(b"moiti")
        raise RuntimeError("stopped half-way")
    assert gzip.decompress(path.read_bytes()) == b"<a> <b> <c> .\n"
    fill(monkeypatch)
    with pytest.raises(DiskFull), atomic.replacing(path) as tmp:
        tmp.write_bytes(b"nouveau")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dump.nt.gz"]


def test_staged_files_change_together_or_none_of_them(tmp_path, monkeypatch):
    a, b = tmp_path / "31.yaml", tmp_path / "48.yaml"
    a.write_text("a\n")
    b.write_text("b\n")
    with atomic.staged() as files:
        files.write_text(a, "a2\n")
        assert a.read_text() == "a\n"  # nothing replaced before every file is written
        files.write_text(b, "b2\n")
    assert (a.read_text(), b.read_text()) == ("a2\n", "b2\n")
    with pytest.raises(RuntimeError), atomic.staged() as files:
        files.write_text(a, "a3\n")
        raise RuntimeError("the second file could not be made")
    calls = []
    real = os.fsync

    def full_on_the_second(fd):
        calls.append(fd)
        if len(calls) == 2:
            fill(monkeypatch)
            os.fsync(fd)
        return real(fd)

    monkeypatch.setattr(os, "fsync", full_on_the_second)
    with pytest.raises(DiskFull) as caught, atomic.staged() as files:
        files.write_text(a, "a4\n")
        files.write_text(b, "b4\n")
    assert "« 48.yaml »" in str(caught.value)
    assert (a.read_text(), b.read_text()) == ("a2\n", "b2\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["31.yaml", "48.yaml"]


def test_disk_full_travels_between_processes_whole():
    again = pickle.loads(pickle.dumps(DiskFull("31.yaml")))
    assert isinstance(again, DiskFull) and again.name == "31.yaml" and str(again) == str(DiskFull("31.yaml"))


def _dead_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(done.stdout)


def test_the_sweep_removes_what_dead_processes_left_and_only_that(tmp_path):
    dead = _dead_pid()
    left = tmp_path / f".31.yaml.{dead}-0123abcd.tmp"
    left.write_text("moit")
    journal = tmp_path / "cache" / f".places.sqlite.{dead}-0123abcd.tmp-journal"
    journal.parent.mkdir()
    journal.write_text("")
    folder = tmp_path / "cache" / f".geography-x.store.{dead}-89abcdef.tmp"
    (folder / "inner").mkdir(parents=True)
    running = tmp_path / f".48.yaml.{os.getpid()}-0123abcd.tmp"
    running.write_text("en cours")
    theirs = tmp_path / ".31.yaml.swp"  # an editor's, not ours
    theirs.write_text("")
    assert atomic.sweep(tmp_path) == [left]
    assert sorted(atomic.sweep(tmp_path, recursive=True)) == sorted([journal, folder])
    assert running.exists() and theirs.exists() and not folder.exists()


def test_the_sweep_of_a_shared_folder_keeps_to_its_prefix(tmp_path):
    dead = _dead_pid()
    ours = tmp_path / f".maillage-validate.{dead}-0123abcd.tmp"
    other = tmp_path / f".autre-outil.{dead}-0123abcd.tmp"
    ours.mkdir()
    other.mkdir()
    assert atomic.sweep(tmp_path, prefix="maillage") == [ours]
    assert other.exists()


def test_a_scratch_folder_is_removed_after_use_and_swept_if_its_process_dies(tmp_path):
    with atomic.scratch_folder(tmp_path, "maillage-validate") as folder:
        (folder / "registry").mkdir()
        assert atomic.is_temporary(folder)
    assert list(tmp_path.iterdir()) == []
    code = ("import os, sys; from pathlib import Path; from core import atomic\n"
            "with atomic.scratch_folder(Path(sys.argv[1]), 'maillage-validate') as f:\n"
            "    (f / 'registry').mkdir(); os._exit(9)")
    subprocess.run([sys.executable, "-c", code, str(tmp_path)], check=False)
    (left,) = tmp_path.iterdir()
    assert atomic.sweep(tmp_path, prefix="maillage") == [left] and not left.exists()


def test_a_link_is_pointed_at_once(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    link = tmp_path / "current"
    atomic.point_link(link, tmp_path / "a")
    atomic.point_link(link, tmp_path / "b")
    assert link.resolve() == tmp_path / "b"
    assert temporary_files(tmp_path) == []
