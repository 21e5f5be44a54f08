"""The package's own modules read as syntax trees, for tests that hold a rule over the code without
running it (an error class declared outside core/errors.py, a list of the territory kinds)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ROOMS = ("core", "store", "ingest", "queries", "analysis", "api", "cli")


def nodes(skip: Path | None = None) -> Iterator[tuple[str, ast.AST]]:
    """Every syntax node of every module of the rooms but ``skip``, with ``room/module.py:line``."""
    for room in ROOMS:
        for path in sorted((ROOT / room).rglob("*.py")):
            if skip is not None and path == skip.resolve():
                continue
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                yield f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}", node
