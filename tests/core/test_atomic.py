"""A file replaced by ``write_atomic`` is whole or as it was: a failed write leaves the target and no
temporary file behind."""

from __future__ import annotations

import os

import pytest

from core.atomic import write_atomic


def test_a_file_is_created_then_replaced_keeping_its_permissions(tmp_path):
    target = tmp_path / "31.yaml"
    write_atomic(target, b"un\n")
    assert target.read_bytes() == b"un\n" and target.stat().st_mode & 0o044  # readable by others, unlike mkstemp's 0600
    os.chmod(target, 0o640)
    write_atomic(target, b"deux\n")
    assert target.read_bytes() == b"deux\n" and target.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["31.yaml"]


def test_a_write_that_fails_leaves_the_target_and_no_temporary_file(tmp_path, monkeypatch):
    target = tmp_path / "31.yaml"
    target.write_bytes(b"avant\n")

    def full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OSError, match="No space left"):
        write_atomic(target, b"apres\n")
    assert target.read_bytes() == b"avant\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["31.yaml"]
