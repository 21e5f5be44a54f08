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
def _every_node() -> tuple[tuple[Path, tuple[tuple[str, ast.AST], ...]], ...]:
    """Every module of the rooms parsed and walked once per session, with each node's
    ``room/module.py:line``: five tests read them all."""
    found = []
    for room in ROOMS:
        for path in sorted((ROOT / room).rglob("*.py")):
            module = str(path.relative_to(ROOT))
            found.append((path, tuple((f"{module}:{getattr(node, 'lineno', 0)}", node)
                                      for node in ast.walk(ast.parse(path.read_text(), str(path))))))
    return tuple(found)


def nodes(skip: Path | None = None) -> Iterator[tuple[str, ast.AST]]:
    """Every syntax node of every module of the rooms but ``skip``, with ``room/module.py:line``."""
    skipped = skip.resolve() if skip is not None else None
    for path, module in _every_node():
        if path != skipped:
            yield from module
