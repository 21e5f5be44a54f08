"""Shared fixtures: one national build of the real registry, and builds of small registries for the
unit tests, on a small geography cut from the pinned package (``tests/geography_cut.py``).

Every build shares one geography cache folder, so each geography is validated once per session.

Every test is marked by what it needs (``[tool.pytest.ini_options]`` in pyproject.toml, hook below):
``integration`` when it uses the national build (fixtures ``national``, ``backend`` and those made
from them) or declares that it reads the real registry's files, the national geography or files; ``equivalence`` when its module
holds a fast path equal to its reference (declared by the module); ``unit`` otherwise. ``slow``,
``browser`` and ``neo4j`` are declared where they apply. The fast loop is the README's
(`pytest -m "unit and not slow and not browser and not neo4j"`, decision 0111).
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
import yaml

from geography_cut import cut, cut_outlines
from ingest import geography
from ingest.build import build
from store.session import open_backend
from core.settings import PROJECT_ROOT, Settings

# pytest keeps a test module's rewritten bytecode (and Python a module's) only where bytecode may be
# written: where the environment forbids it (PYTHONDONTWRITEBYTECODE), each run rewrote and compiled
# every module again, 3.6 s of CPU of each run's collection.
sys.dont_write_bytecode = False

RESOURCES = Path(__file__).parent / "resources"
#: the fixtures that hold the national build: a test using one (or one made from one) is integration
NATIONAL = frozenset(("national", "backend", "neo4j_loaded", "small_national"))


def pytest_collection_modifyitems(config, items):
    for item in items:
        if NATIONAL & set(item.fixturenames):
            item.add_marker(pytest.mark.integration)
        if item.get_closest_marker("integration") is None and item.get_closest_marker("equivalence") is None:
            item.add_marker(pytest.mark.unit)


@pytest.fixture(scope="session")
def geography_cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("geography-cache")


@pytest.fixture(scope="session")
def cut_package(tmp_path_factory) -> Path:
    """The small geography's package folder, cut from the installed one at the start of the session."""
    return cut(Settings.from_env().geography, tmp_path_factory.mktemp("geography-cut"))


@pytest.fixture(scope="session")
def cut_cache(tmp_path_factory, cut_package) -> Path:
    """The cache of the builds on the small geography, holding the map's outlines of its départements
    only (the national builds' cache, ``geography_cache``, makes the whole country's)."""
    cache = tmp_path_factory.mktemp("cut-cache")
    cut_outlines(cut_package, cache)
    return cache


@pytest.fixture(scope="session")
def cut_geography(cut_package) -> geography.Geography:
    """The small geography's tables (Haute-Garonne, Lozère, Corsica and the EPCIs reaching out of them)."""
    return geography.load(cut_package)


def _settings(data_dir: Path, registry: Path, cache: Path, documents: Path | None = None,
              package: Path | None = None) -> Settings:
    (data_dir / "cache").parent.mkdir(parents=True, exist_ok=True)
    link = data_dir / "cache"
    if not link.exists():
        link.symlink_to(cache, target_is_directory=True)
    return Settings.from_env(data_dir=data_dir, registry=registry, backend="embedded", documents=documents,
                             geography=package)


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
        # a listing's mapping has one source, its table's (whose rows are the excerpts)
        sources = {doc["source"]["key"]: doc["source"]} if "listing" in doc else doc.get("sources") or {}
        for key, source in sources.items():
            if not source.get("file"):
                continue
            target = folder / source["file"]
            target.parent.mkdir(parents=True, exist_ok=True)
            if (real / source["file"]).is_file():
                shutil.copyfile(real / source["file"], target)
            elif "listing" in doc:
                shutil.copyfile(path.parent / doc["listing"], target)
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
def registry_copy(geography_cache, cut_cache, cut_package):
    """``make(root, files, national=False)``: settings of a registry holding copies of ``files`` under
    ``root``, with its own data folder and documents folder, on the small geography (the national one
    with ``national``), for module-scoped fixtures (nothing is built)."""

    def make(root: Path, files: list[Path], national: bool = False) -> Settings:
        registry = root / "registry"
        registry.mkdir(parents=True)
        for path in files:
            shutil.copy(path, registry / path.name)
            if path.name.endswith(".listing.yaml"):  # a listing's mapping names its table, beside it
                table = yaml.safe_load(path.read_text(encoding="utf-8"))["listing"]
                shutil.copy(path.parent / table, registry / table)
        return _settings(root / "var", registry, geography_cache if national else cut_cache,
                         _shared_documents(registry, root / "shared"), None if national else cut_package)

    return make


def _small(folder: Path, geography_cache: Path, package: Path) -> Settings:
    registry = folder / "registry"
    shutil.copytree(RESOURCES / "registry-small", registry)
    settings = _settings(folder / "var", registry, geography_cache, _shared_documents(registry, folder / "shared"),
                         package)
    build(settings)
    return settings


@pytest.fixture(scope="session")
def small_built(tmp_path_factory, cut_cache, cut_package) -> Settings:
    """The small test registry built once on the small geography: each ``small`` is a copy of its
    folder, which no test changes."""
    return _small(tmp_path_factory.mktemp("small-built"), cut_cache, cut_package)


def _copy(built: Settings, folder: Path) -> Settings:
    """A copy of the folder of ``built`` (registry, documents, data folder) in ``folder``: the same
    files as a build of its own, the live build's link relative to its data folder, and the cache
    shared, a link (a fifth of a second of CPU each instead of a build, for 40 tests)."""
    root = built.registry.parent
    shutil.copytree(root, folder, symlinks=True, dirs_exist_ok=True)
    return _settings(folder / built.data_dir.relative_to(root), folder / built.registry.relative_to(root),
                     built.data_dir.joinpath("cache").resolve(), folder / built.documents.relative_to(root), built.geography)


@pytest.fixture
def small(tmp_path, small_built) -> Settings:
    """A built copy of the small test registry, on the small geography, in its own data folder, that a
    test may break."""
    return _copy(small_built, tmp_path)


@pytest.fixture
def small_national(tmp_path, geography_cache) -> Settings:
    """The small registry built on the national geography: for the tests that need a build to last
    (one on the small geography is over before a second process has started)."""
    return _small(tmp_path, geography_cache, None)


@pytest.fixture(scope="module")
def small_shared(tmp_path_factory, cut_cache, cut_package) -> Settings:
    """A built copy of the small test registry shared by a module's tests, which must leave it as it is."""
    return _small(tmp_path_factory.mktemp("small"), cut_cache, cut_package)


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
