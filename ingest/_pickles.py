"""Values a build remembers in its own data folder as pickles (readings, verdicts, tables), written
atomically and read back as None when absent or written by another version.

The cache holds pickles written by Maillage in its own data folder, as trusted as the store beside it
(decision 0070)."""

from __future__ import annotations

import pickle
from pathlib import Path

from core import atomic

__all__ = ["recall", "remember"]


def recall(path: Path) -> object | None:
    """What :func:`remember` put at ``path``; None when absent or unreadable (another version's)."""
    try:
        return pickle.loads(path.read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError, TypeError):
        return None


def remember(path: Path, value: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # atomic: a concurrent build reads the whole entry or none
    atomic.write_atomic(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), durable=False)
