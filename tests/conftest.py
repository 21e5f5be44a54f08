"""Shared fixtures: one national build of the real registry, and one of a small registry for fault tests.

Both builds share a geography cache folder so the national geography is validated once per session.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import yaml

from maillage.ingest.build import build
from maillage.store.session import open_backend
from maillage.core.settings import PROJECT_ROOT, Settings

RESOURCES = Path(__file__).parent / "resources"


@pytest.fixture(scope="session")
def geography_cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("geography-cache")


def _settings(data_dir: Path, registry: Path, cache: Path, shared: Path | None = None) -> Settings:
    (data_dir / "cache").parent.mkdir(parents=True, exist_ok=True)
    link = data_dir / "cache"
    if not link.exists():
        link.symlink_to(cache, target_is_directory=True)
    return Settings.from_env(data_dir=data_dir, registry=registry, backend="embedded", shared=shared)


def _shared_documents(registry: Path, folder: Path) -> Path:
    """A documents folder holding every file the registry's sources name (empty files).

    The rule that a source's file exists is checked only where the documents are (``../shared`` may
    be absent from a clone): the small registry gets a folder of its own, so the rule is always on.
    """
    for path in registry.glob("*.yaml"):
        for source in (yaml.safe_load(path.read_text(encoding="utf-8")).get("sources") or {}).values():
            if source.get("file"):
                (folder / source["file"]).parent.mkdir(parents=True, exist_ok=True)
                (folder / source["file"]).touch()
    return folder


@pytest.fixture(scope="session")
def national(tmp_path_factory, geography_cache) -> Settings:
    """Settings of a national build of the real registry (registry/)."""
    settings = _settings(tmp_path_factory.mktemp("national"), PROJECT_ROOT / "registry", geography_cache)
    build(settings)
    return settings


@pytest.fixture(scope="session")
def backend(national):
    b = open_backend(national)
    yield b
    b.close()


@pytest.fixture
def small(tmp_path, geography_cache) -> Settings:
    """A built copy of the small test registry, in its own data folder, that a test may break."""
    registry = tmp_path / "registry"
    shutil.copytree(RESOURCES / "registry-small", registry)
    settings = _settings(tmp_path / "var", registry, geography_cache, _shared_documents(registry, tmp_path / "shared"))
    build(settings)
    return settings


# --- Neo4j: one real server for the session, started by the tests themselves -----------------------

@pytest.fixture(scope="session")
def neo4j_uri(tmp_path_factory):
    from neo4j_server import free_port, running_neo4j

    with running_neo4j(tmp_path_factory.mktemp("neo4j"), free_port()) as uri:
        yield uri


@pytest.fixture(scope="session")
def neo4j_loaded(national, neo4j_uri):
    """Settings whose Neo4j holds the national build, loaded once."""
    import dataclasses

    from maillage.store.neo4j import driver_for
    from maillage.store.neo4j_load import load

    settings = dataclasses.replace(national, backend="neo4j", neo4j_uri=neo4j_uri)
    with driver_for(settings) as driver:
        load(settings, driver)
    return settings


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session, exitstatus):
    """In CI the Neo4j tests must run: a skipped one fails the session."""
    if os.environ.get("CI"):
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        skipped = [r for r in (reporter.stats.get("skipped", []) if reporter else []) if "neo4j" in getattr(r, "keywords", {})]
        if skipped:
            print(f"\nÉCHEC : {len(skipped)} test(s) Neo4j sautés alors que CI est défini.")
            session.exitstatus = 1
