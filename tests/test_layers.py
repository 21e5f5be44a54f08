"""The house's contract, checked by a real tool: each room imports only the rooms below it
(``[tool.importlinter]`` in pyproject.toml), and the read path never imports the validator.

The rooms keep the design card's folders at the top (``ingest/``, ``queries/``…) and import as
``maillage.<room>`` through setuptools' ``package-dir``; import-linter reads a package from one folder,
so the test lays the package out as Python sees it (symbolic links) and runs ``lint-imports`` on it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

from maillage.core.settings import PROJECT_ROOT

PYPROJECT = PROJECT_ROOT / "pyproject.toml"
LINT = Path(sys.executable).with_name("lint-imports")


def _package_as_imported(folder: Path) -> Path:
    """``folder/maillage``: the package with every mapped room linked in at its import path."""
    mapping = tomllib.loads(PYPROJECT.read_text())["tool"]["setuptools"]["package-dir"]
    package = folder / "maillage"
    package.mkdir()
    for entry in (PROJECT_ROOT / mapping["maillage"]).iterdir():
        if entry.name != "__pycache__":
            (package / entry.name).symlink_to(entry)
    for name, path in mapping.items():
        if name != "maillage":
            (package / name.split(".", 1)[1]).symlink_to(PROJECT_ROOT / path)
    return folder


def _lint(folder: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(folder))
    return subprocess.run([str(LINT), "--no-logo", "--no-cache", "--config", str(PYPROJECT)], cwd=folder, env=env,
                          capture_output=True, text=True, timeout=300)


def test_every_room_imports_only_the_rooms_below_it(tmp_path):
    result = _lint(_package_as_imported(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken." in result.stdout


def test_an_upward_import_breaks_the_contract(tmp_path):
    folder = _package_as_imported(tmp_path)
    text = folder / "maillage" / "core" / "text.py"
    core = folder / "maillage" / "core"
    core.unlink()
    core.mkdir()
    for entry in (PROJECT_ROOT / "maillage" / "core").glob("*.py"):
        (core / entry.name).write_text(entry.read_text())
    text.write_text(text.read_text() + "\nfrom maillage.queries import coverage  # upward, on purpose\n")
    result = _lint(folder)
    assert result.returncode != 0
    assert "maillage.core.text -> maillage.queries.coverage" in result.stdout


READ_PATH = """
import sys
from maillage.core.settings import Settings
from maillage.store.session import open_backend
from maillage.queries.coverage import who_covers
from maillage.queries.instances import list_instances
from maillage.analysis.ask import gaps_in
session = open_backend(Settings.from_env())
who_covers(session, "Muret", ages="0-12")
list_instances(session, type="CPTS")
gaps_in(session, "departement:48", type="CPTS")
print(" ".join(sorted(m for m in sys.modules if m.split(".")[0] in ("pyshacl", "rdflib") or m.startswith("maillage.ingest"))))
"""


def test_the_read_path_imports_neither_the_validator_nor_the_registry_reader(national):
    env = dict(os.environ, MAILLAGE_DATA_DIR=str(national.data_dir))
    result = subprocess.run([sys.executable, "-c", READ_PATH], env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == []
