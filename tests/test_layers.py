"""The house's contract, checked by a real tool: each room imports only the rooms below it
(``[tool.importlinter]`` in pyproject.toml), and the read path never imports the validator.

Every room is a top-level folder and the package of the same name (decision 0110), so ``lint-imports``
reads the project as it is installed: no copy, no link, no import hook.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from core.settings import PROJECT_ROOT

PYPROJECT = PROJECT_ROOT / "pyproject.toml"
LINT = Path(sys.executable).with_name("lint-imports")


def _lint(root: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(root))
    return subprocess.run([str(LINT), "--no-logo", "--no-cache", "--config", str(PYPROJECT)], cwd=root, env=env,
                          capture_output=True, text=True, timeout=300)


def test_every_room_imports_only_the_rooms_below_it():
    result = _lint(PROJECT_ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken." in result.stdout


ROOMS = ("core", "store", "ingest", "queries", "analysis", "api", "cli", "ontology")


def test_every_room_is_a_top_level_package_of_its_own_name():
    """The dotted name is the path from the root (decision 0110): each declared package is a folder of
    the same name at the top holding ``__init__.py``, and each is a room of the layer contract."""
    config = tomllib.loads(PYPROJECT.read_text())["tool"]
    assert tuple(config["setuptools"]["packages"]) == ROOMS
    assert config["setuptools"]["package-dir"] == {"": "."}  # no mapping: folder = package
    assert tuple(config["importlinter"]["root_packages"]) == ROOMS
    assert all((PROJECT_ROOT / room / "__init__.py").is_file() for room in ROOMS)
    # pytest puts tests/ on sys.path: a test folder that is a regular package would shadow the room
    assert not any((PROJECT_ROOT / "tests" / room / "__init__.py").exists() for room in ROOMS)


def test_an_upward_import_breaks_the_contract(tmp_path):
    """The same rooms copied with one upward import added: the contract must catch it."""
    for room in ROOMS:
        shutil.copytree(PROJECT_ROOT / room, tmp_path / room, ignore=shutil.ignore_patterns("__pycache__", "static"))
    text = tmp_path / "core" / "text.py"
    text.write_text(text.read_text() + "\nfrom queries import coverage  # upward, on purpose\n")
    result = _lint(tmp_path)
    assert result.returncode != 0
    assert "core.text -> queries.coverage" in result.stdout


READ_PATH = """
import sys
from core.settings import Settings
from store.session import open_backend
from queries.coverage import who_covers
from queries.instances import list_instances
from analysis.ask import gaps_in
session = open_backend(Settings.from_env())
who_covers(session, "Muret", ages="0-12")
list_instances(session, type="CPTS")
gaps_in(session, "departement:48", type="CPTS")
print(" ".join(sorted(m for m in sys.modules if m.split(".")[0] in ("pyshacl", "rdflib") or m.startswith("ingest"))))
"""


def test_the_read_path_imports_neither_the_validator_nor_the_registry_reader(national):
    env = dict(os.environ, MAILLAGE_DATA_DIR=str(national.data_dir))
    result = subprocess.run([sys.executable, "-c", READ_PATH], env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == []
