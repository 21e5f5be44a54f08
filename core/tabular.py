"""Answers as tables for a planner's spreadsheet, the same from the CLI and the API: CSV (comma, or the
semicolon and byte-order mark French Excel expects) and XLSX.

One row per item; nested fields are flattened (``ages.min``); a list of plain values is one cell joined
with " | "; a list of records (roles, sources, a path) keeps a readable summary cell (by name, title,
label or code) *and* numbered columns holding every field of every record (``roles.1.actor``,
``sources.2.date``), so that nothing of the JSON answer is lost: :func:`unflat` reads a row back.

A text cell a spreadsheet would run as a formula (it starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return: the OWASP rule for CSV injection) gets a leading ``'``, which spreadsheets show as text.
Numbers are not text: an ``int`` or ``float`` of the answer (a population, an age, a score, ``-1``) is
written as is, so that it stays a number; a text that merely looks like a number ("-3") is escaped like
any other text. Registry text is typed by planners and by imports: it is where a payload would come from.
In XLSX, every text cell is stored as text (never a formula) and needs no escape, and a number of the
answer is a number cell (a population sums in the spreadsheet; a text that looks like a number stays text).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from typing import Any

from core import jsonable

__all__ = ["Rows", "to_csv", "flat", "cell", "uncell", "table", "unflat", "to_xlsx", "to_xlsx_book", "JOIN", "NOT_IN_XML"]

JOIN = " | "
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SUMMARY_KEYS = ("name", "title", "label", "code")
_NUMBERED = re.compile(r"^(.*?)\.([0-9]+)(?:\.(.*))?$")


def cell(value: Any) -> str:
    """One CSV cell: numbers as they are, text escaped so that no spreadsheet runs it."""
    if value is None:
        return ""
    if isinstance(value, (int, float)):  # bool included: True / False start with no formula character
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def uncell(text: str) -> str:
    """The text a :func:`cell` escaped."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_START) else text


def _summary(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    found = next((value[k] for k in _SUMMARY_KEYS if value.get(k)), None)
    return found if found is not None else next((v for v in value.values() if isinstance(v, str) and v), None)


def flat(value: Any, prefix: str = "", typed: bool = False) -> dict[str, Any]:
    """One table row from a nested answer: text cells (:func:`cell`), or with ``typed`` the numbers as
    numbers (an XLSX cell), the rest as text."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, inner in value.items():
            out.update(flat(inner, f"{prefix}{key}.", typed))
        return out
    key = prefix.rstrip(".")
    if isinstance(value, list):
        parts = [_summary(v) for v in value]
        out = {key: cell(parts[0] if len(parts) == 1 else JOIN.join("" if p is None else str(p) for p in parts))}
        for number, item in enumerate(value, 1):
            if isinstance(item, dict):
                out.update(flat(item, f"{prefix}{number}.", typed))
        return out
    if typed and isinstance(value, (int, float)) and not isinstance(value, bool):
        return {key: value}
    return {key: cell(value)}


class Rows(list):
    """A table's items that know their columns: an empty table keeps its header row."""

    def __init__(self, items, columns: Sequence[str]):
        super().__init__(items)
        self.columns = list(columns)


def table(items: Sequence[Any], typed: bool = False) -> tuple[list[str], list[dict[str, Any]]]:
    """The columns (in order of first appearance; an empty :class:`Rows`, its own) and rows of ``items``
    (dataclasses or dicts); with ``typed``, numbers stay numbers (:func:`flat`)."""
    rows = [flat(jsonable.plain(item), typed=typed) for item in items]
    if not rows:
        return list(getattr(items, "columns", [])), rows
    return list(dict.fromkeys(k for row in rows for k in row)), rows


def unflat(row: dict[str, str]) -> dict:
    """A row back into nested records: the numbered columns become lists of records (their summary
    cell is then dropped), ``a.b`` columns nested records; cells stay text, and an empty cell is a
    field the item does not have (None, an empty list: the CSV cannot tell them apart)."""
    out: dict = {}
    numbered: dict[str, dict[int, dict[str, str]]] = {}
    for key, text in row.items():
        if text in ("", None):
            continue
        text = uncell(text)
        match = _NUMBERED.match(key)
        if match and match.group(3):
            base, number, rest = match.groups()
            numbered.setdefault(base, {}).setdefault(int(number), {})[rest] = text
            continue
        node = out
        *parents, last = key.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node.setdefault(last, text)
    for base, records in numbered.items():
        node = out
        *parents, last = base.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = [unflat(records[n]) for n in sorted(records)]
    return out


def to_csv(items: Sequence[Any], delimiter: str = ",", bom: bool = False) -> str:
    """``items`` as CSV text with a header row; ``delimiter=";"`` and ``bom=True`` for French Excel."""
    columns, rows = table(items)
    out = io.StringIO()
    if bom:
        out.write("\ufeff")
    writer = csv.DictWriter(out, fieldnames=columns, delimiter=delimiter)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


#: what XML 1.0, so an XLSX cell, cannot hold (openpyxl refuses it): written as ``<U+0007>``
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xlsx_cell(value: Any) -> Any:
    if isinstance(value, str) and NOT_IN_XML.search(value):
        return NOT_IN_XML.sub(lambda m: f"<U+{ord(m.group()):04X}>", value)
    return value


def to_xlsx(items: Sequence[Any], title: str = "Maillage") -> bytes:
    """``items`` as an XLSX workbook of one sheet (header row frozen); every cell is text, never a
    formula, whatever it starts with; a character XML cannot hold (a control character from a
    national file) is written out as ``<U+0007>`` rather than failing the whole table."""
    return to_xlsx_book({title: items})


def to_xlsx_book(sheets: Mapping[str, Sequence[Any]]) -> bytes:
    """Tables as one XLSX workbook, a sheet each (named by the keys), cells as :func:`to_xlsx` writes them."""
    from openpyxl import Workbook  # only an XLSX export needs it

    book = Workbook(write_only=False)
    for number, (title, items) in enumerate(sheets.items()):
        columns, rows = table(items, typed=True)
        sheet = book.worksheets[0] if number == 0 else book.create_sheet()
        sheet.title = re.sub(r"[\[\]:*?/\\]", "-", title)[:31] or "Maillage"
        sheet.append(columns)
        for row in rows:
            sheet.append([_xlsx_cell(uncell(value) if isinstance(value := row.get(c, ""), str) else value)
                          for c in columns])
        for line in sheet.iter_rows(min_row=2):
            for value in line:
                if isinstance(value.value, str) and value.value.startswith("="):
                    value.data_type = "s"  # openpyxl would otherwise store it as a formula
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
