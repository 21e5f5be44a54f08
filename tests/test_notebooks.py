"""The notebooks (notebooks/*.py, jupytext percent format) run end to end on the national build and
write their figures; the executed .ipynb is kept beside the figures for inspection."""

from __future__ import annotations

from pathlib import Path

import jupytext
import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.py"))
FIGURES = {
    "haute_garonne_network": {"hg-reseau-acteurs.png", "hg-chevauchements.png", "hg-ilc-0-12.png"},
    "occitanie_gaps": {"occitanie-lacunes.png", "lozere-cpts.png"},
}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_and_writes_its_figures(path, national, tmp_path, monkeypatch):
    monkeypatch.setenv("MAILLAGE_DATA_DIR", str(national.data_dir))
    monkeypatch.setenv("MAILLAGE_FIGURES", str(tmp_path / "figures"))
    notebook = jupytext.read(path)
    NotebookClient(notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    nbformat.write(notebook, tmp_path / f"{path.stem}.ipynb")
    errors = [o for c in notebook.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    written = {p.name for p in (tmp_path / "figures").glob("*.png") if p.stat().st_size > 10_000}
    assert written >= FIGURES[path.stem]
