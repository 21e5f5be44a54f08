"""A bounded XLSX reader for the workbook import: limits checked before the parser reads anything.

An XLSX file is a zip of XML files. A 1.6 MB workbook can unpack to gigabytes (one 1.5 GB cell of a
repeated letter compresses a thousandfold), and openpyxl would read it whole; a file that is no zip, or
is cut short, makes openpyxl fail in many ways of its own. So before openpyxl opens it, the zip's
directory is read (what each member says it unpacks to: the reader stops there) and every member is
unpacked once as a stream, in which no run of text between two ``<``/``>`` may pass
:data:`Limits.run_bytes`; then openpyxl reads the sheets, each one whole whatever the ``<dimension>`` it
declares (openpyxl would stop at it, silently), keeping the formulas as formulas (``data_only`` would
put the value cached by the last spreadsheet in their place, or nothing: a field deleted without a
word) for the import to refuse.

Every refusal is a :class:`~core.errors.Problem` naming the workbook, or the sheet, the row and
the column, and a rule: ``classeur-illisible``, ``classeur-trop-grand``, ``cellule-trop-longue``.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from openpyxl import load_workbook

from core.errors import Problem

__all__ = ["Limits", "LIMITS", "Sheets", "read_sheets"]


@dataclass(frozen=True)
class Limits:
    #: unpacked bytes of the whole workbook: the synthetic national registry's (10,173 instances) is
    #: about 54 MB (one région's 1,300 instances: 6.9 MB)
    workbook_bytes: int = 256 * 1024 * 1024
    #: files inside the zip: a workbook of the registry has about fifteen
    members: int = 1_000
    #: bytes of one run of text in the XML (a cell's text, escaped): a registry value has at most
    #: 10,000 characters (``_safe_yaml.LIMITS.field_chars``), 40,000 bytes of UTF-8, more once escaped
    run_bytes: int = 64 * 1024


LIMITS = Limits()


@dataclass
class Sheets:
    #: sheet name → its rows, each a tuple of its cells' values (a formula's text where there is one)
    rows: dict[str, list[tuple]]
    #: (sheet, row, column) of each cell holding a formula, numbered from 1
    formulas: list[tuple[str, int, int]]


def _n(number: int) -> str:
    return f"{number:,}".replace(",", "\u202f")


def _problem(source: Path, rule: str, message: str) -> Problem:
    return Problem(source.name, "classeur", "", rule, message)


def _long_run(stream, limit: int) -> bool:
    """Whether the stream holds a run of more than ``limit`` bytes without ``<`` or ``>``."""
    long = re.compile(rb"[^<>]{%d}" % (limit + 1))
    run = 0  # the run still open at the end of the last chunk
    while chunk := stream.read(1 << 20):
        marks = [i for i in (chunk.find(b"<"), chunk.find(b">")) if i >= 0]
        if not marks:
            run += len(chunk)
        else:
            if run + min(marks) > limit or long.search(chunk):
                return True
            run = len(chunk) - 1 - max(chunk.rfind(b"<"), chunk.rfind(b">"))
        if run > limit:
            return True
    return False


def _bounds(source: Path, limits: Limits) -> list[Problem]:
    """The workbook's sizes, checked on the zip itself (openpyxl not involved yet)."""
    with zipfile.ZipFile(source) as archive:
        members = archive.infolist()
        unpacked = sum(m.file_size for m in members)
        if len(members) > limits.members or unpacked > limits.workbook_bytes:
            return [_problem(source, "classeur-trop-grand",
                             f"Classeur trop grand une fois décompressé : {_n(unpacked)} octets en {len(members)} fichiers "
                             f"(au plus {_n(limits.workbook_bytes)} octets et {limits.members} fichiers).")]
        for member in members:
            with archive.open(member) as stream:
                if _long_run(stream, limits.run_bytes):
                    return [_problem(source, "cellule-trop-longue",
                                     f"Une cellule (ou une valeur) de plus de {_n(limits.run_bytes)} octets dans "
                                     f"« {member.filename} » : une cellule du registre a au plus 10 000 caractères.")]
    return []


def read_sheets(source: Path, names: list[str], limits: Limits = LIMITS) -> tuple[Sheets, list[Problem]]:
    """The rows of the sheets ``names`` that the workbook has (every row) and where its formulas are,
    or the problems that keep it from being read."""
    sheets = Sheets({}, [])
    try:
        problems = _bounds(source, limits)
        if problems:
            return sheets, problems
        book = load_workbook(source, read_only=True, data_only=False)
        try:
            for name in names:
                if name in book.sheetnames:
                    sheet = book[name]
                    sheet.reset_dimensions()  # every row, whatever <dimension> says
                    rows = sheets.rows[name] = []
                    for number, row in enumerate(sheet.iter_rows(), start=1):
                        rows.append(tuple(c.value for c in row))
                        sheets.formulas += [(name, number, column) for column, c in enumerate(row, start=1)
                                            if c.data_type == "f"]
        finally:
            book.close()
    except Exception as err:  # noqa: BLE001 — a damaged file fails zipfile, zlib, the XML parser or openpyxl in
        # ways of their own (BadZipFile, EOFError, KeyError, ParseError…): each is this workbook's fault
        why = str(err) or type(err).__name__
        return Sheets({}, []), [_problem(source, "classeur-illisible",
                             f"Classeur illisible (pas un fichier XLSX, ou tronqué, ou abîmé) : {why}.")]
    return sheets, []
