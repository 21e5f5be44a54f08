"""The registry as a workbook, both ways, on the real registry."""

from __future__ import annotations

import filecmp
import os
import re
import shutil
import subprocess
import sys

import pytest
from openpyxl import load_workbook

from core.errors import RegistryInvalid
from core.settings import PROJECT_ROOT
from ingest.workbook import export_workbook, import_workbook

pytestmark = pytest.mark.integration

REGISTRY = PROJECT_ROOT / "registry"


@pytest.fixture
def registry(tmp_path):
    copy = tmp_path / "registry"
    shutil.copytree(REGISTRY, copy)
    return copy


@pytest.fixture
def book(registry, tmp_path):
    path = tmp_path / "registre.xlsx"
    export_workbook(registry, path)
    return path


def _same_as_real(registry) -> list[str]:
    return [p.name for p in REGISTRY.iterdir() if p.is_file() and not filecmp.cmp(p, registry / p.name, shallow=False)]


def _row(ws, **wanted):
    headers = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        if all(row[headers.index(k)].value == v for k, v in wanted.items()):
            return {h: cell for h, cell in zip(headers, row)}
    raise AssertionError(wanted)


def _diff(registry) -> list[str]:
    done = subprocess.run(["diff", "-r", str(REGISTRY), str(registry)], capture_output=True, text=True)
    return [line for line in done.stdout.splitlines() if line.startswith(("<", ">"))]


def test_the_workbook_has_every_sheet_frozen_headers_and_drop_downs(book):
    wb = load_workbook(book)
    assert wb.sheetnames[:6] == ["dispositifs", "couvertures", "statuts", "rôles", "acteurs", "sources"]
    statuses = wb["statuts"]
    assert statuses["D1"].value == "statut" and statuses.freeze_panes == "D2"
    checks = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in statuses.data_validations.dataValidation}
    assert "D2" in checks
    lists = wb["valeurs"]
    column = [c.value for c in lists[checks["D2"].split("!")[1].split(":")[0].replace("$", "")[0]]]
    assert {"active", "ended", "project"} <= set(column)
    assert all(not str(c.value).startswith("=") for ws in wb for row in ws.iter_rows() for c in row if c.value)
    assert _row(wb["dispositifs"], clé="dac-31")["type"].value == "DAC"


def test_an_unchanged_workbook_changes_no_byte(book, registry):
    assert import_workbook(book, registry) == []
    assert _same_as_real(registry) == []


def test_one_edited_cell_is_one_line_of_yaml(book, registry):
    wb = load_workbook(book)
    _row(wb["couvertures"], dispositif="dac-31", **{"n°": "1"})["âges"].value = "18-120"
    wb.save(book)
    assert [p.name for p in import_workbook(book, registry)] == ["31.yaml"]
    assert _diff(registry) == ["<         ages: [0, 120]", ">         ages: [18, 120]"]


def test_an_edited_quoted_name_stays_quoted(book, registry):
    wb = load_workbook(book)
    _row(wb["dispositifs"], clé="siao-48")["nom"].value = "SIAO de la Lozère"
    wb.save(book)
    import_workbook(book, registry)
    assert _diff(registry) == ['<     name: "SIAO de la Lozère et 115"', '>     name: "SIAO de la Lozère"']


def test_a_bad_cell_is_named_by_sheet_row_and_column(book, registry):
    wb = load_workbook(book)
    row = _row(wb["statuts"], dispositif="dac-31")
    row["début"].value = "2022-13-01"
    number = row["début"].row
    _row(wb["statuts"], dispositif="pta-31")["statut"].value = "fermé"
    wb.save(book)
    with pytest.raises(RegistryInvalid) as err:
        import_workbook(book, registry)
    found = {(p.file, p.entry, p.field) for p in err.value.problems}
    assert ("feuille « statuts »", f"ligne {number}", "colonne « début »") in found
    assert any(p.field == "colonne « statut »" and "fermé" in p.message for p in err.value.problems)
    assert _same_as_real(registry) == []  # nothing written


@pytest.mark.slow  # the command in a child process: an interpreter's start and imports
def test_scope_and_cli(registry, tmp_path):
    env = dict(os.environ, MAILLAGE_REGISTRY=str(registry), MAILLAGE_DATA_DIR=str(tmp_path / "var"))
    path = tmp_path / "31.xlsx"

    def run(*args):
        return subprocess.run([sys.executable, "-m", "cli", *args], capture_output=True, text=True, env=env, timeout=120)

    done = run("export-registry", "--xlsx", str(path), "--scope", "departement:31")
    assert done.returncode == 0, done.stderr
    files = {c.value for c in load_workbook(path)["dispositifs"]["A"][1:]}
    assert files == {"31.yaml"}
    done = run("import-registry", str(path))
    assert done.returncode == 0 and "inchangé" in done.stdout
    assert _same_as_real(registry) == []


def test_import_on_a_full_disk_changes_no_file_and_says_why(book, registry, monkeypatch, capsys):
    from disk import fill, temporary_files
    from cli import main

    wb = load_workbook(book)
    _row(wb["couvertures"], dispositif="dac-31", **{"n°": "1"})["âges"].value = "18-120"
    _row(wb["dispositifs"], clé="siao-48")["nom"].value = "SIAO de la Lozère"
    wb.save(book)
    fill(monkeypatch)
    monkeypatch.setattr(sys, "argv", ["maillage", "--registry", str(registry), "import-registry", str(book)])
    with pytest.raises(SystemExit) as caught:
        main()
    err = capsys.readouterr().err
    assert caught.value.code == 2 and "Disque plein" in err and "Traceback" not in err, err
    assert "« 31.yaml »" in err  # the first of the two files, staged before either changes
    assert _same_as_real(registry) == [] and temporary_files(registry) == []
    monkeypatch.undo()
    assert [p.name for p in import_workbook(book, registry)] == ["31.yaml", "48.yaml"]


# --- values refused at the door (issue 29): each leaves every registry file as it was ------------------

def _refused(book, registry) -> list:
    with pytest.raises(RegistryInvalid) as err:
        import_workbook(book, registry)
    assert _same_as_real(registry) == []
    assert not [p for p in registry.iterdir() if p.name.startswith(".")]  # no temporary file either
    return err.value.problems


def _rewritten(book, member: str, change) -> None:
    """Rewrite one file inside the workbook's zip (what a spreadsheet other than openpyxl may write)."""
    import zipfile

    with zipfile.ZipFile(book) as old:
        parts = {info.filename: old.read(info) for info in old.infolist()}
    parts[member] = change(parts[member])
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as new:
        for name, data in parts.items():
            new.writestr(name, data)


def _sheet_file(book, name: str) -> str:
    """The zip member of sheet ``name`` (openpyxl numbers them in the workbook's order)."""
    return f"xl/worksheets/sheet{load_workbook(book).sheetnames.index(name) + 1}.xml"


def test_a_formula_cell_is_refused_by_sheet_row_and_column(book, registry):
    wb = load_workbook(book)
    row = _row(wb["dispositifs"], clé="dac-31")
    row["description"].value = '=CONCAT("DAC ", "31")'
    number = row["description"].row
    wb.save(book)
    (problem,) = _refused(book, registry)
    assert (problem.file, problem.entry, problem.field, problem.rule) == (
        "feuille « dispositifs »", f"ligne {number}", "colonne « description »", "formule")
    assert "CONCAT" in problem.message and "valeur" in problem.message


def test_rows_past_the_declared_dimension_are_read(book, registry):
    wb = load_workbook(book)
    ws = wb["couvertures"]
    last = ws.max_row
    for cell in ws[last]:
        if cell.column == 5:  # « âges »
            cell.value = "douze ans"
    wb.save(book)
    member = _sheet_file(book, "couvertures")
    # what a spreadsheet that counts badly declares: two rows, two columns
    _rewritten(book, member, lambda xml: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:B2"/>', xml, count=1))
    problems = _refused(book, registry)
    assert [(p.entry, p.field, p.rule) for p in problems] == [(f"ligne {last}", "colonne « âges »", "cellule-invalide")]


@pytest.mark.parametrize("damage", ["not a zip", "cut short", "empty"])
def test_a_file_that_is_no_workbook_is_unreadable_not_a_crash(book, registry, tmp_path, damage):
    raw = book.read_bytes()
    book.write_bytes({"not a zip": b"fichier,ligne\n31.yaml,1\n", "cut short": raw[:len(raw) // 2], "empty": b""}[damage])
    (problem,) = _refused(book, registry)
    assert (problem.file, problem.rule) == (book.name, "classeur-illisible")
    env = dict(os.environ, MAILLAGE_REGISTRY=str(registry), MAILLAGE_DATA_DIR=str(tmp_path / "var"))
    done = subprocess.run([sys.executable, "-m", "cli", "import-registry", str(book)], capture_output=True, text=True,
                          env=env, timeout=120)
    assert done.returncode == 1 and "classeur-illisible" in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert _same_as_real(registry) == []


def test_a_cell_too_long_unpacked_is_refused_before_it_is_read(book, registry):
    member = _sheet_file(book, "dispositifs")
    _rewritten(book, member, lambda xml: xml.replace(b"<t>ILC", b"<t>" + b"x" * 100_000 + b"ILC", 1))
    (problem,) = _refused(book, registry)
    assert problem.rule == "cellule-trop-longue" and member in problem.message


def test_a_workbook_too_large_unpacked_is_refused_before_it_is_read(book, registry):
    """300 MB of one letter in a cell: a few hundred kB of zip, refused from the zip's directory."""
    import zipfile

    with zipfile.ZipFile(book) as old:
        parts = {info.filename: old.read(info) for info in old.infolist()}
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as new:
        for name, data in parts.items():
            new.writestr(name, data)
        with new.open("xl/sharedStrings.xml", "w", force_zip64=True) as huge:
            for _ in range(300):
                huge.write(b"x" * (1 << 20))
    assert book.stat().st_size < 5 * 1024 * 1024
    (problem,) = _refused(book, registry)
    assert problem.rule == "classeur-trop-grand"


def test_control_characters_and_addresses_are_refused_by_cell(book, registry):
    wb = load_workbook(book)
    name = _row(wb["dispositifs"], clé="dac-31")["nom"]
    name.value = "DAC \u202e13"
    address = _row(wb["sources"], **{"fichier": "31.yaml"})["adresse"]
    address.value = "javascript:alert(1)"
    wb.save(book)
    found = {(p.entry, p.field, p.rule) for p in _refused(book, registry)}
    assert (f"ligne {name.row}", "colonne « nom »", "caractere-controle") in found
    assert (f"ligne {address.row}", "colonne « adresse »", "adresse-web") in found


def test_export_of_a_registry_with_a_control_character_is_refused_by_name(registry, tmp_path):
    """An unchecked registry whose name holds a BEL: no cell can hold it; the export says where."""
    path = registry / "31.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace('name: "DAC 31', 'name: "DAC \\a31', 1), encoding="utf-8")
    target = tmp_path / "registre.xlsx"
    with pytest.raises(RegistryInvalid) as err:
        export_workbook(registry, target)
    (problem,) = err.value.problems
    assert (problem.file, problem.entry, problem.field, problem.rule) == ("31.yaml", "dac-31", "name", "caractere-controle")
    assert "<U+0007>" in problem.message and not target.exists()
