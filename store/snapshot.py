"""Results of parameterless named questions, kept beside the build they were read from.

A published build never changes, so a question without parameters (the whole commune table, say) has
one answer per build. Through RocksDB read-only, the analysis tables take seconds to read (about 6 s
for the 35,000 communes, against 0.4 s in memory); the first one-shot command that asks writes the
answer to ``<build>/results/<key>.json`` (``store.caches``: ``results``, the key made of the question's
name and the package source, so that an edited question is asked again) and the next ones read it back
in milliseconds. Deleting the folder is always safe. The API, which holds the store in memory, does
not need it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from core import atomic
from core.dates import read_date

from .caches import in_build, key

__all__ = ["cached_rows", "answer_file"]

Row = dict[str, Any]


def _encode(value: Any) -> Any:
    return {"$date": value.isoformat()} if isinstance(value, dt.date) else value


def _decode(value: Any) -> Any:
    return read_date(value["$date"]) if isinstance(value, dict) else value


def answer_file(build: Path, name: str) -> Path:
    """Where a build keeps the answer of the parameterless question ``name``."""
    return in_build(build, "results", key("results", name))


def cached_rows(build: Path, name: str, compute: Callable[[], list[Row]]) -> list[Row]:
    path = answer_file(build, name)
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
        return [{k: _decode(v) for k, v in row.items()} for row in rows]
    except (OSError, ValueError):
        pass
    rows = compute()
    try:
        path.parent.mkdir(exist_ok=True)
        # readers see the whole answer or none
        atomic.write_text(path, json.dumps([{k: _encode(v) for k, v in row.items()} for row in rows], ensure_ascii=False))
    except OSError:
        pass  # a read-only build folder: answer without keeping
    return rows
