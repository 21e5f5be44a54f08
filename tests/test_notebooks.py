"""The notebooks (notebooks/*.py, jupytext percent format) run end to end on the national build, with
parameters other than their defaults injected after their ``parameters`` cell (as papermill does), and
write their figures; the executed .ipynb is kept beside the figures for inspection. Figures use the
non-interactive backend from the environment (``MPLBACKEND``), never from the notebook."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.gaps import CATEGORIES

pytestmark = pytest.mark.slow

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
#: runs of each notebook with parameters other than its defaults, and the figures each must then write:
#: any territory, type, ages and date (Haute-Garonne's ILC 0-12 on 2019-06-01, a région without data, the
#: defaults with a 2026 date), never a crash for a state a chart did not expect
GAPS_FIGURES = {"lacunes.png", "carte-communes.png"}
RUNS = [
    ("haute_garonne_network", {"TERRITORY": "departement:48", "ON": "2024-06-01", "TYPE": "CPTS", "AGES": "0-120",
                               "TYPE_ON": "2024-06-01"}, {"reseau-acteurs.png", "chevauchements.png", "type-ages.png"}),
    ("haute_garonne_network", {"TYPE_ON": "2019-06-01"}, {"type-ages.png"}),
    ("occitanie_gaps", {"TERRITORY": "departement:31", "DEPARTEMENT": "departement:31", "TYPE": "ILC", "AGES": "0-12",
                        "ON": "2019-06-01"}, GAPS_FIGURES),
    ("occitanie_gaps", {"TERRITORY": "region:94", "DEPARTEMENT": "departement:31", "TYPE": "DAC", "ON": "2023-06-01"},
     GAPS_FIGURES),
    ("occitanie_gaps", {"ON": "2026-12-01"}, GAPS_FIGURES),
]


def test_every_notebook_is_run_here():
    assert {p.stem for p in NOTEBOOKS.glob("*.py")} == {name for name, _, _ in RUNS}


def _with_parameters(notebook, values: dict) -> None:
    [index] = [i for i, c in enumerate(notebook.cells) if "parameters" in c.get("metadata", {}).get("tags", [])]
    defaults = notebook.cells[index].source
    for name, value in values.items():
        assert f"{name} = " in defaults and f"{name} = {value!r}" not in defaults, name  # really another value
    import nbformat

    injected = nbformat.v4.new_code_cell("\n".join(f"{k} = {v!r}" for k, v in values.items()))
    injected.metadata["tags"] = ["injected-parameters"]
    notebook.cells.insert(index + 1, injected)


@pytest.mark.parametrize("name, values, figures", RUNS, ids=[f"{n}-{i}" for i, (n, _, _) in enumerate(RUNS)])
def test_notebook_runs_with_other_parameters_and_writes_its_figures(name, values, figures, national, tmp_path, monkeypatch):
    monkeypatch.setenv("MAILLAGE_DATA_DIR", str(national.data_dir))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    source = (NOTEBOOKS / f"{name}.py").read_text(encoding="utf-8")
    assert "matplotlib.use(" not in source  # figures show inline in Jupyter
    # imported here: jsonschema's format checkers, which nbformat loads, take seconds to import, and
    # every session collects this module (the fast loop too, which deselects it)
    import jupytext
    import nbformat
    from nbclient import NotebookClient

    notebook = jupytext.reads(source, fmt="py:percent")
    _with_parameters(notebook, {**values, "FIGURES": str(tmp_path / "figures")})
    NotebookClient(notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    nbformat.write(notebook, tmp_path / f"{name}.ipynb")
    errors = [o for c in notebook.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    written = {p.name for p in (tmp_path / "figures").glob("*.png") if p.stat().st_size > 10_000}
    assert written >= figures
    tables = [o for c in notebook.cells for o in c.get("outputs", []) if "text/html" in o.get("data", {})]
    assert tables, "the notebook shows its DataFrames"
    if name == "occitanie_gaps":  # every state is named, in French, whatever the data
        printed = "".join(o.get("text", "") for c in notebook.cells for o in c.get("outputs", []))
        assert all(f"{category} : " in printed for category in CATEGORIES), printed
