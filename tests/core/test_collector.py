"""The cycle collector is tuned at a build's entry points only (``core.collector``, decision 0116): a
build run by the server in one of its threads leaves the collector as the server has it."""

from __future__ import annotations

import ast
import gc
from functools import cache

from core.collector import YOUNG, tuned_for_a_build
from core.settings import PROJECT_ROOT
from ingest.build import build
from store.caches import ROOMS

#: where a process that builds starts: the CLI's commands, the upload check's child, a worker's start
ENTRY_POINTS = {("cli/__init__.py", "build"), ("cli/__init__.py", "check"), ("cli/__init__.py", "load_neo4j"),
                ("api/sandbox.py", "main"), ("ingest/file_verdicts.py", "_worker_start")}


@cache
def _names() -> tuple[tuple[str, str, str], ...]:
    """(module, function, name) of every name used in a function of the package's code, outside
    ``core.collector``: the modules parsed once for both questions."""
    found = []
    for room in ROOMS:
        for path in sorted((PROJECT_ROOT / room).rglob("*.py")):
            module = path.relative_to(PROJECT_ROOT).as_posix()
            if module == "core/collector.py":
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for function in ast.walk(tree):
                if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    found += [(module, function.name, node.id) for node in ast.walk(function) if isinstance(node, ast.Name)]
    return tuple(found)


def _uses(name: str) -> set[tuple[str, str]]:
    """(module, function) of every use of ``name`` in the package's code, outside ``core.collector``."""
    return {(module, function) for module, function, used in _names() if used == name}


def test_the_tuning_is_entered_only_where_a_building_process_starts():
    assert _uses("tuned_for_a_build") == ENTRY_POINTS
    # the server freezes its own warmed indexes at start; nothing else touches the collector
    assert _uses("gc") == {("store/session.py", "warm")}


def test_tuned_then_as_it_was():
    before, frozen = gc.get_threshold(), gc.get_freeze_count()
    with tuned_for_a_build():
        assert gc.isenabled() and gc.get_threshold()[0] == YOUNG
    assert gc.get_threshold() == before and gc.get_freeze_count() == frozen and gc.isenabled()


def test_a_build_in_a_server_thread_leaves_the_collector_alone(small_shared):
    """As ``POST /v1/admin/builds`` runs it: at every step, collection as the server has it."""
    before, frozen = gc.get_threshold(), gc.get_freeze_count()
    seen = []
    build(small_shared, progress=lambda _text: seen.append((gc.isenabled(), gc.get_threshold(), gc.get_freeze_count())))
    assert len(seen) > 5 and set(seen) == {(True, before, frozen)}
