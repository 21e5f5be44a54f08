"""The build's pipeline reads top to bottom: its function names its steps in order, and leaves every
cache key, pickle and collector call to the incremental layer (``ingest.incremental``)."""

import ast
import inspect
import textwrap

from ingest import build as pipeline
from ingest.registry import RegistryGraph


STEPS = ["read_geography", "read", "merge", "validate", "publish_folder", "switch", "draw_map", "load_neo4j"]
#: what belongs to the incremental layer or to the entry points, never to the pipeline's module
FORBIDDEN = {"key", "recall", "remember", "note", "record", "unpickle", "dumps", "loads",
             "pickle", "collect", "disable", "enable", "freeze", "unfreeze", "tuned_for_a_build"}


def _called(node: ast.AST) -> list[str]:
    """The names called in ``node``, in the order of the source."""
    calls = [n for n in ast.walk(node) if isinstance(n, ast.Call)]
    calls.sort(key=lambda n: (n.lineno, n.col_offset))
    return [n.func.id if isinstance(n.func, ast.Name) else n.func.attr if isinstance(n.func, ast.Attribute) else ""
            for n in calls]


def _function(name: str) -> ast.FunctionDef:
    tree = ast.parse(textwrap.dedent(inspect.getsource(getattr(pipeline, name))))
    found = tree.body[0]
    assert isinstance(found, ast.FunctionDef)
    return found


def test_the_build_names_its_steps_in_order():
    called = _called(_function("build"))
    steps = [name for name in called if name in STEPS]
    assert steps == STEPS, called


def test_check_runs_the_same_first_steps():
    called = _called(_function("check"))
    assert [name for name in called if name in STEPS] == STEPS[:4]


def test_no_cache_pickle_or_collector_call_in_the_pipeline_module():
    tree = ast.parse(inspect.getsource(pipeline))
    imported = {alias.name for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom)) for alias in n.names}
    modules = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert not imported & {"pickle", "gc", "Caches", "cache_folder", "tuned_for_a_build"}, imported
    assert not {m for m in modules if m.endswith(("caches", "collector", "reuse"))}, modules
    called = set(_called(tree))
    assert not called & FORBIDDEN, called & FORBIDDEN


def test_the_pipeline_check_fails_on_a_cache_call():
    """The check above can fail: a body that asks the cache directly is seen."""
    source = "def build(settings):\n    key = memo.caches.key('seats', 1)\n    read(settings)\n"
    assert set(_called(ast.parse(source))) & FORBIDDEN == {"key"}


def test_every_registry_field_declares_how_it_merges():
    """A field added to the registry without saying how parts join is an error, not a silent loss."""
    from dataclasses import fields

    rules = {f.name: f.metadata.get("merge") for f in fields(RegistryGraph)}
    assert all(rule in {"extend", "update", "union", "distinct", "own"} for rule in rules.values()), rules
