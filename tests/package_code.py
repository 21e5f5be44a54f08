"""The package's own modules read as syntax trees, for tests that hold a rule over the code without
running it (an error class declared outside core/errors.py, a list of the territory kinds)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ROOMS = ("core", "store", "ingest", "queries", "analysis", "api", "cli")


@cache
def _every_node() -> tuple[tuple[Path, str, ast.AST], ...]:
    """Every module of the rooms parsed and walked once per session: five tests read them all."""
    found = []
    for room in ROOMS:
        for path in sorted((ROOT / room).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                found.append((path, f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}", node))
    return tuple(found)


def nodes(skip: Path | None = None) -> Iterator[tuple[str, ast.AST]]:
    """Every syntax node of every module of the rooms but ``skip``, with ``room/module.py:line``."""
    skipped = skip.resolve() if skip is not None else None
    for path, where, node in _every_node():
        if path != skipped:
            yield where, node
