"""The rows of a listing as its producer wrote it: CSV (``,``, ``;`` or tab; UTF-8 with or without BOM,
or Windows-1252 as French Excel saves it) or one XLSX sheet, whose header may sit below a title.

The header is the first row holding every column the mapping names (a workbook often has a title row,
or two, above it); the delimiter is the one with which the header holds them. Cells are text, the
spaces around them removed. Every refusal names the file, the row and the column (its letter too).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import Problem

from ._safe_xlsx import read_sheets
from ._safe_yaml import LIMITS

__all__ = ["Table", "read_table"]

SUFFIXES = (".csv", ".tsv", ".xlsx")
DELIMITERS = ("\t", ";", ",")
ENCODINGS = {"utf-8": "utf-8-sig", "windows-1252": "cp1252"}
#: rows looked at for the header (title rows above it)
HEADER_ROWS = 10


def _letter(index: int) -> str:
    """0 → A, 26 → AA: the column as a spreadsheet shows it."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass
class Table:
    file: str
    header: list[str]
    #: (row number as the file shows it, cells by column name)
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    #: row number → its cells as written, for the citation
    lines: dict[int, str] = field(default_factory=dict)

    def problem(self, number: int, column: str, rule: str, message: str) -> Problem:
        where = f"colonne « {column} »"
        if column in self.header:
            where += f" ({_letter(self.header.index(column))})"
        return Problem(self.file, f"ligne {number}", where, rule, message)

    def excerpt(self, number: int) -> str:
        return self.lines[number]


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _header_at(rows: list[tuple[int, list[str]]], wanted: set[str]) -> int | None:
    for i, (_, cells) in enumerate(rows[:HEADER_ROWS]):
        if wanted <= {c.strip() for c in cells}:
            return i
    return None


def _missing(file: str, wanted: set[str], rows: list[tuple[int, list[str]]]) -> Problem:
    first = rows[0][1] if rows else []
    return Problem(file, "ligne 1", "en-tête", "colonnes-liste",
                   f"colonne(s) introuvable(s) dans les {HEADER_ROWS} premières lignes : "
                   f"{', '.join(sorted(wanted - {c.strip() for c in first}))} (en-tête lu : {', '.join(c for c in first if c) or 'rien'})")


def _decode(path: Path, raw: bytes, encoding: str | None) -> tuple[str | None, list[Problem]]:
    if len(raw) > LIMITS.file_bytes:
        return None, [Problem(path.name, "(fichier)", "", "taille-fichier", f"fichier trop volumineux : {len(raw)} octets")]
    if encoding is not None and encoding not in ENCODINGS:
        return None, [Problem(path.name, "(fichier)", "encoding", "encodage", f"encodage « {encoding} » inconnu (utf-8 ou windows-1252)")]
    tried = [ENCODINGS[encoding]] if encoding else ["utf-8-sig", "cp1252"]
    for codec in tried:
        try:
            return raw.decode(codec), []
        except UnicodeDecodeError as err:
            error = err
    line = raw[: error.start].count(b"\n") + 1
    return None, [Problem(path.name, f"ligne {line}", "", "encodage",
                          f"ligne {line} : octet 0x{raw[error.start]:02x} illisible en {' ou '.join(encoding or e for e in tried)}")]


def _csv_rows(path: Path, text: str, delimiter: str) -> tuple[list[tuple[int, list[str]]], Problem | None]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows = []
    try:
        for cells in reader:
            rows.append((reader.line_num, cells))
    except csv.Error as err:
        return rows, Problem(path.name, f"ligne {reader.line_num}", "", "syntaxe-csv",
                             f"CSV illisible ligne {reader.line_num} : guillemets non refermés ou retour à la ligne dans une cellule ({err})")
    return rows, None


def _delimited(path: Path, wanted: set[str], mapping: dict) -> tuple[list[tuple[int, list[str]]], str, list[Problem]]:
    try:
        raw = path.read_bytes()
    except OSError as err:
        return [], "", [Problem(path.name, "(fichier)", "", "fichier-illisible", f"fichier illisible : {err.strerror}")]
    text, problems = _decode(path, raw, mapping.get("encoding"))
    if text is None:
        return [], "", problems
    given = mapping.get("delimiter")
    for delimiter in [given] if given else DELIMITERS:
        first = text.splitlines()[:HEADER_ROWS]
        if any(wanted <= {c.strip() for c in line.split(delimiter)} for line in first):
            rows, problem = _csv_rows(path, text, delimiter)
            return rows, delimiter, [problem] if problem else []
    rows, _ = _csv_rows(path, text, given or ",")
    return [], "", [_missing(path.name, wanted, rows)]


def read_table(path: Path, columns: dict[str, str], mapping: dict) -> tuple[Table | None, list[Problem]]:
    """The listing's header and rows (blank rows left out: they say nothing), or the problems that
    keep it from being read."""
    if path.suffix not in SUFFIXES:
        return None, [Problem(path.name, "(fichier)", "", "fichier-inconnu",
                              f"« {path.name} » : une liste est un fichier {', '.join(SUFFIXES)}")]
    if not path.is_file():
        return None, [Problem(path.name, "(fichier)", "", "liste-absente", f"la liste « {path.name} » est introuvable à côté de sa description")]
    wanted = set(columns.values())
    if path.suffix == ".xlsx":
        sheet = str(mapping.get("sheet") or "")
        if not sheet:
            return None, [Problem(path.name, "(classeur)", "sheet", "feuille-absente",
                                  "la description d'un classeur nomme la feuille à lire (sheet: <nom exact>)")]
        sheets, problems = read_sheets(path, [sheet])
        if problems:
            return None, problems
        if sheet not in sheets.rows:
            return None, [Problem(path.name, "(classeur)", "sheet", "feuille-absente",
                                  f"feuille « {sheet} » introuvable dans le classeur (donnez son nom exact : sheet)")]
        if sheets.formulas:
            _, row, column = sheets.formulas[0]
            return None, [Problem(path.name, f"ligne {row}", f"colonne {_letter(column - 1)}", "formule",
                                  f"ligne {row} : une formule à la place d'une valeur : collez les valeurs")]
        rows = [(n, [_text(c) for c in cells]) for n, cells in enumerate(sheets.rows[sheet], start=1)]
        delimiter = "\t"
    else:
        rows, delimiter, problems = _delimited(path, wanted, mapping)
        if problems:
            return None, problems
    at = _header_at(rows, wanted)
    if at is None:
        return None, [_missing(path.name, wanted, rows)]
    header = [c.strip() for c in rows[at][1]]
    table = Table(path.name, header)
    doubled = sorted(c for c in wanted if header.count(c) > 1)
    if doubled:
        return None, [Problem(path.name, f"ligne {rows[at][0]}", "en-tête", "colonnes-liste",
                              f"colonne(s) en double : {', '.join(doubled)} : laquelle lire ?")]
    problems = []
    for number, cells in rows[at + 1:]:
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header):]):
            problems.append(Problem(path.name, f"ligne {number}", "", "ligne-liste",
                                    f"ligne {number} : {len(cells)} cellules pour {len(header)} colonnes "
                                    "(un séparateur non protégé par des guillemets ?)"))
            continue
        table.rows.append((number, {h: c.strip() for h, c in zip(header, cells)}))
        table.lines[number] = delimiter.join(cells).strip()
    return table, problems
