"""Seats are read from the national open files of the shared documents (absent from a bare clone; CI
has them, see tests/conftest.py): a test that needs them says so with :data:`NEEDS_NATIONAL_FILES`,
and what does not need them is tested everywhere."""

from __future__ import annotations

import pytest

from core.settings import Settings

NEEDS_NATIONAL_FILES = pytest.mark.skipif(not (Settings.from_env().documents / "reference" / "national").is_dir(),
                                          reason="the shared documents hold the national files")
