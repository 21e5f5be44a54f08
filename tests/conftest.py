"""Shared fixtures: one national build of the real registry, and one of a small registry for fault tests.

Both builds share a geography cache folder so the national geography is validated once per session.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import yaml

from ingest.build import build
from store.session import open_backend
from core.settings import PROJECT_ROOT, Settings

RESOURCES = Path(__file__).parent / "resources"


@pytest.fixture(scope="session")
def geography_cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("geography-cache")


def _settings(data_dir: Path, registry: Path, cache: Path, documents: Path | None = None) -> Settings:
    (data_dir / "cache").parent.mkdir(parents=True, exist_ok=True)
    link = data_dir / "cache"
    if not link.exists():
        link.symlink_to(cache, target_is_directory=True)
    return Settings.from_env(data_dir=data_dir, registry=registry, backend="embedded", documents=documents)


def _shared_documents(registry: Path, folder: Path) -> Path:
    """A documents folder holding every file the registry's sources name.

    The rules on a source's file (it exists, each excerpt is in it) are checked only where the documents
    are (``../shared`` may be absent from a clone): the small registry gets a folder of its own, so the
    rules are always on. Each file is the real document when the project's documents are here; else a
    stand-in holding the excerpts the small registry cites from it (the real ones, quoted verbatim).
    """
    real = Settings.from_env().documents
    stand_ins: dict[Path, list[str]] = {}  # one file may be cited under several keys, by several files
    for path in sorted(registry.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for key, source in (doc.get("sources") or {}).items():
            if not source.get("file"):
                continue
            target = folder / source["file"]
            target.parent.mkdir(parents=True, exist_ok=True)
            if (real / source["file"]).is_file():
                shutil.copyfile(real / source["file"], target)
            else:
                stand_ins.setdefault(target, []).extend(_excerpts(doc, key))
    for target, excerpts in stand_ins.items():
        target.write_text("\n".join(excerpts), encoding="utf-8")
    return folder


def _excerpts(node, key: str) -> list[str]:
    """Every excerpt citing source ``key`` in a parsed registry document."""
    if isinstance(node, dict):
        found = [str(node["excerpt"])] if node.get("ref") == key and node.get("excerpt") else []
        return found + [e for value in node.values() for e in _excerpts(value, key)]
    if isinstance(node, list):
        return [e for value in node for e in _excerpts(value, key)]
    return []


def pytest_sessionstart(session):
    """In CI the documents the registry cites must be here: without them the provenance rules
    (files exist, excerpts are verbatim) would not run on the real registry."""
    documents = Settings.from_env().documents
    if os.environ.get("CI", "").lower() == "true" and not documents.is_dir():
        raise pytest.UsageError(f"CI=true mais le dossier des documents {documents} est absent : "
                                "les règles de provenance ne seraient pas vérifiées sur le registre réel.")


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


@pytest.fixture(scope="session")
def registry_copy(geography_cache):
    """``make(root, files)``: settings of a registry holding copies of ``files`` under ``root``, with its
    own data folder and documents folder, for module-scoped fixtures (nothing is built)."""

    def make(root: Path, files: list[Path]) -> Settings:
        registry = root / "registry"
        registry.mkdir(parents=True)
        for path in files:
            shutil.copy(path, registry / path.name)
        return _settings(root / "var", registry, geography_cache, _shared_documents(registry, root / "shared"))

    return make


def _small(folder: Path, geography_cache: Path) -> Settings:
    registry = folder / "registry"
    shutil.copytree(RESOURCES / "registry-small", registry)
    settings = _settings(folder / "var", registry, geography_cache, _shared_documents(registry, folder / "shared"))
    build(settings)
    return settings


@pytest.fixture
def small(tmp_path, geography_cache) -> Settings:
    """A built copy of the small test registry, in its own data folder, that a test may break."""
    return _small(tmp_path, geography_cache)


@pytest.fixture(scope="module")
def small_shared(tmp_path_factory, geography_cache) -> Settings:
    """A built copy of the small test registry shared by a module's tests, which must leave it as it is."""
    return _small(tmp_path_factory.mktemp("small"), geography_cache)


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

    from store.neo4j import driver_for
    from store.neo4j_load import load

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
