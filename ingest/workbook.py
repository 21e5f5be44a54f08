"""The registry as a planner's workbook, both ways: export to XLSX, import back into the YAML files.

One sheet per kind (dispositifs, couvertures, statuts, rôles, acteurs, sources), French headers, frozen,
drop-downs of the allowed values (read from the ontology's SKOS notations), every cell text (no formula,
no date a spreadsheet would reformat). The first columns of a sheet locate its row in the registry (file,
entry, position): they are not to be edited, and a row a workbook adds or loses is reported, not guessed.

The import reads the workbook through bounds (``_safe_xlsx``: its unpacked size, every row whatever the
sheet's declared dimension, formulas kept as formulas), then each YAML file with a round-trip parser
(ruamel.yaml: comments, order, quotes and flow style kept) and changes only the values whose cell
differs, so an unchanged workbook rewrites no byte and an edited cell is that one change in the file. A
bad cell (a formula, a control character, a web address that is none, a malformed value) is a
:class:`RegistryInvalid` whose problems name the sheet, the row and the column, in French; nothing is
written then, and the files changed are replaced together (``atomic.staged``).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import ScalarString

from core import atomic
from core.dates import read_date
from core.errors import InvalidDate, Problem, RegistryFileRefused, RegistryInvalid
from core.registry_files import registry_path
from core.settings import PROJECT_ROOT
from core.tabular import NOT_IN_XML
from core.terms import parse_territory
from store.cards import INFERRED, VERIFIED

from ._safe_xlsx import read_sheets
from ._safe_yaml import LIMITS
from .schema import KINDS
from .values import shown, text_refusal, url_refusal

__all__ = ["SHEETS", "export_workbook", "import_workbook", "yaml_io"]

LISTS = "valeurs"
_LOCATOR_FILL = PatternFill("solid", fgColor="DDDDDD")
_NOTATION = re.compile(r'skos:notation "([^"]+)"')


@dataclass(frozen=True)
class Column:
    header: str
    #: keys from the row's record to the value (a str key or an int index)
    path: tuple
    #: text, date, ages, list, or the name of a list of allowed values
    kind: str = "text"


#: a code field whose workbook cell offers a drop-down of the ontology's notations
_LISTED = {("instance", "type"): "type", ("status", "value"): "statut", ("role", "role"): "rôle"}
_CELL = {"date": "date", "ages": "ages", "codes": "list", "confidence": "confiance"}


def _column(kind: str, name: str, prefix: tuple = (), header: str = "") -> Column:
    """The column of field ``kind.name`` as declared in ``ingest.schema``: its French header, its cell kind."""
    field = next(f for f in KINDS[kind] if f.name == name)
    return Column(header or field.column, (*prefix, name), _LISTED.get((kind, name)) or _CELL.get(field.kind, "text"))


def _source(prefix: str = "source") -> list[Column]:
    return [_column("citation", "ref", (prefix,)), _column("citation", "excerpt", (prefix,)),
            _column("citation", "paraphrase", (prefix,)), _column("citation", "observed", (prefix,)),
            _column("period", "from", (prefix, "period")), _column("period", "to", (prefix, "period")),
            _column("citation", "confidence", (prefix,), "confiance de la source")]


def _fields(kind: str, *names: str) -> list[Column]:
    """The columns of the fields ``names`` of ``kind``, then its note, confidence and source."""
    return [*(_column(kind, name) for name in names), _column(kind, "note"), _column(kind, "confidence"), *_source()]


@dataclass(frozen=True)
class Sheet:
    name: str
    #: where its records are: in each file's list (or map) ``key``, or in each instance's list ``key``
    key: str
    nested: bool
    columns: list[Column]


SHEETS = [
    Sheet("dispositifs", "instances", False, _fields("instance", "type", "name", "level", "description")),
    Sheet("couvertures", "coverage", True, _fields("coverage", "territory", "ages", "publics", "from", "to")),
    Sheet("statuts", "status", True, _fields("status", "value", "from", "to")),
    Sheet("rôles", "roles", True, _fields("role", "role", "actor", "function", "from", "to")),
    Sheet("acteurs", "actors", False, _fields("actor", "name", "kind", "sector", "based_in")),
    Sheet("sources", "sources", False, [
        *(_column("source", name) for name in ("title", "file", "url", "date", "retrieved")),
        _column("period", "from", ("period",)), _column("period", "to", ("period",)),
        _column("source", "confidence")]),
]


def yaml_io() -> YAML:
    """The round-trip parser, set to write the registry's own layout back byte for byte."""
    y = YAML()
    y.preserve_quotes = True
    y.width = 100_000
    y.indent(mapping=2, sequence=4, offset=2)
    y.representer.add_representer(type(None), lambda r, _: r.represent_scalar("tag:yaml.org,2002:null", "null"))
    return y


def _allowed() -> dict[str, list[str]]:
    ontology = PROJECT_ROOT / "ontology"

    def notations(name: str) -> list[str]:
        return sorted(set(_NOTATION.findall((ontology / name).read_text(encoding="utf-8"))))

    return {"type": notations("scheme-types.ttl"), "statut": notations("statuses.ttl"),
            "rôle": notations("roles.ttl"), "confiance": [VERIFIED, INFERRED]}


# --- records of a file ---------------------------------------------------------------------------------

def _records(doc, sheet: Sheet):
    """(locator, record) of each row of ``sheet`` in one parsed file; a locator is (entry, position)."""
    if not sheet.nested:
        found = doc.get(sheet.key) or {}
        if isinstance(found, dict):
            return [((str(key), ""), value) for key, value in found.items()]
        return [((str(item.get("id")), ""), item) for item in found]
    rows = []
    for inst in doc.get("instances") or []:
        for i, item in enumerate(inst.get(sheet.key) or [], start=1):
            rows.append(((str(inst.get("id")), str(i)), item))
    return rows


def _get(record, path: tuple):
    for step in path:
        if isinstance(step, int):
            record = record[step] if isinstance(record, list) and len(record) > step else None
        else:
            record = record.get(step) if isinstance(record, dict) else None
        if record is None:
            return None
    return record


def _text(value, kind: str) -> str | None:
    if value is None:
        return None
    if kind == "ages":
        return f"{value[0]}-{value[1]}"
    if kind == "list":
        return ", ".join(str(v) for v in value) if isinstance(value, list) else str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def _scoped(files: list[Path], scope: str | None, y: YAML) -> list[tuple[Path, object]]:
    level_code = parse_territory(scope) if scope else None
    found: list[tuple[Path, object]] = []
    problems: list[Problem] = []
    for path in files:
        try:
            doc = y.load(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, YAMLError) as err:  # not UTF-8, not YAML: `maillage check` says where
            problems.append(Problem(path.name, "(fichier)", "", "fichier-illisible",
                                    f"fichier illisible ({type(err).__name__}) : `maillage check` dit où ; rien n'est exporté"))
            continue
        if not isinstance(doc, dict):
            problems.append(Problem(path.name, "(fichier)", "", "structure", "le fichier n'est pas un dictionnaire YAML ; "
                                                                            "rien n'est exporté"))
            continue
        declared = {(str(k), str(v)) for k, v in (doc.get("scope") or {}).items()}
        if level_code is None or level_code in declared:
            found.append((path, doc))
    if problems:
        raise RegistryInvalid(problems)
    return found


# --- export --------------------------------------------------------------------------------------------

def export_workbook(registry: Path, target: Path, scope: str | None = None) -> int:
    """Write the registry files of ``scope`` (``departement:31``; None: all) as a workbook; the rows written."""
    y = yaml_io()
    docs = _scoped(sorted(registry.glob("*.yaml")), scope, y)
    allowed = _allowed()
    book = Workbook()
    book.remove(book.worksheets[0])
    lists = book.create_sheet(LISTS)
    for col, (name, values) in enumerate(allowed.items(), start=1):
        lists.cell(1, col, name)
        for row, value in enumerate(values, start=2):
            lists.cell(row, col, value)
    lists.sheet_state = "hidden"
    written = 0
    unwritable: list[Problem] = []
    for sheet in SHEETS:
        ws = book.create_sheet(sheet.name, len(book.sheetnames) - 1)
        locators = ["fichier", "dispositif", "n°"] if sheet.nested else ["fichier", "clé"]
        headers = locators + [c.header for c in sheet.columns]
        ws.append(headers)
        for path, doc in docs:
            for (entry, position), record in _records(doc, sheet):
                texts = [_text(_get(record, c.path), c.kind) for c in sheet.columns]
                named = [("id", entry), *((".".join(map(str, c.path)), v) for c, v in zip(sheet.columns, texts))]
                bad = [Problem(path.name, shown(entry), f"{sheet.key}[{int(position) - 1}].{field}" if position else field,
                               "caractere-controle", f"« {shown(value[:60])} » : un caractère de contrôle qu'aucun classeur ne "
                               "peut contenir ; corrigez le registre (`maillage check` dit lesquels) avant l'export")
                       for field, value in named if value and NOT_IN_XML.search(value)]
                if bad:
                    unwritable += bad
                    continue
                ws.append([path.name, entry, *([position] if sheet.nested else []), *texts])
                written += 1
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in ws.iter_rows(min_row=1, max_col=len(locators)):
            for cell in row:
                cell.fill = _LOCATOR_FILL
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                cell.number_format = "@"
        ws.freeze_panes = ws.cell(2, len(locators) + 1)
        for offset, column in enumerate(sheet.columns, start=len(locators) + 1):
            if column.kind in allowed:
                index = list(allowed).index(column.kind) + 1
                letter = lists.cell(1, index).column_letter
                check = DataValidation(type="list", allow_blank=True, showErrorMessage=True,
                                       formula1=f"{LISTS}!${letter}$2:${letter}${len(allowed[column.kind]) + 1}",
                                       errorTitle="Valeur non permise", error=f"Choisissez une valeur de la liste ({column.header}).")
                ws.add_data_validation(check)
                letter = ws.cell(1, offset).column_letter
                check.add(f"{letter}2:{letter}{max(ws.max_row, 2) + 500}")
    if unwritable:
        raise RegistryInvalid(unwritable)
    target.parent.mkdir(parents=True, exist_ok=True)
    # made in memory, then written at once: openpyxl's zip writer, stopped by a full disk, would
    # try again (and print its error) whenever it is collected
    out = io.BytesIO()
    book.save(out)
    atomic.write_atomic(target, out.getvalue())
    return written


# --- import --------------------------------------------------------------------------------------------

def _cell(raw) -> str | None:
    if raw is None:
        return None
    if isinstance(raw, dt.datetime):
        raw = raw.date()
    if isinstance(raw, dt.date):
        return raw.isoformat()
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = str(raw).strip()
    return text or None


def _parse(text: str | None, column: Column, current, allowed: dict[str, list[str]]):
    """The YAML value a cell means, of the current value's kind; ValueError in French when malformed."""
    if text is None:
        return None
    if column.kind == "date":
        try:
            return read_date(text)
        except InvalidDate as err:
            raise ValueError(str(err)) from None
    if column.kind == "ages":
        match = re.fullmatch(r"(\d{1,3})\s*-\s*(\d{1,3})", text)
        if not match or int(match.group(1)) > int(match.group(2)):
            raise ValueError(f"âges « min-max » attendus (par exemple 12-18), lu « {text} »")
        return [int(match.group(1)), int(match.group(2))]
    if column.kind == "list":
        items = [part.strip() for part in text.split(",") if part.strip()]
        return items[0] if isinstance(current, str) and len(items) == 1 else items
    if column.kind in allowed and text not in allowed[column.kind]:
        raise ValueError(f"« {text} » n'est pas une valeur permise ({', '.join(allowed[column.kind])})")
    return text


class _Refused(ValueError):
    """A cell refused by one of the registry's named rules (``values``)."""

    def __init__(self, rule: str, message: str):
        super().__init__(message)
        self.rule = rule


def _check(text: str | None, column: Column) -> None:
    """What a cell may hold whatever its column (``values``): :class:`_Refused` otherwise."""
    if text is None:
        return
    if len(text) > LIMITS.field_chars:
        raise _Refused("champ-trop-long", f"cellule de {len(text)} caractères (au plus {LIMITS.field_chars})")
    refused = text_refusal(text, column.path[-1]) or (column.path[-1] == "url" and url_refusal(text))
    if refused:
        raise _Refused(*refused)


def _same(a, b) -> bool:
    return (list(a) if isinstance(a, list) else a) == (list(b) if isinstance(b, list) else b)


def _set(record, path: tuple, value, current) -> None:
    *parents, last = path
    for step in parents:
        if record.get(step) is None:
            record[step] = CommentedMap()
        record = record[step]
    if value is None:
        del record[last]
    elif isinstance(current, CommentedSeq) and isinstance(value, list):
        current[:] = value  # the list keeps its own style ([a, b] stays on its line)
    elif isinstance(current, ScalarString) and isinstance(value, str):
        record[last] = type(current)(value)  # a quoted value stays quoted
    else:
        record[last] = value


def _formula(rows: list[tuple], sheet: str, row: int, column: int) -> Problem:
    """A formula refused where it is: its value would be whatever the last spreadsheet cached, or nothing."""
    header = rows[0][column - 1] if rows and len(rows[0]) >= column else None
    formula = str(rows[row - 1][column - 1])
    return Problem(f"feuille « {sheet} »", f"ligne {row}", f"colonne « {header or get_column_letter(column)} »", "formule",
                   f"formule « {formula[:60]} » refusée : le registre garde des valeurs, pas des calculs (sans "
                   "tableur, la formule n'a pas de valeur) ; écrivez la valeur elle-même.")


def import_workbook(source: Path, registry: Path) -> list[Path]:
    """Write the workbook's values back into the registry's files; the files changed. Nothing is written
    when a cell is bad (:class:`RegistryInvalid` names each sheet, row and column)."""
    y = yaml_io()
    book, problems = read_sheets(source, [sheet.name for sheet in SHEETS])
    if problems:
        raise RegistryInvalid(problems)
    problems = [_formula(book.rows[name], name, row, column) for name, row, column in book.formulas]
    allowed = _allowed()
    docs: dict[str, object] = {}
    changed: set[str] = set()
    seen: dict[str, set] = {}
    for sheet in SHEETS:
        if sheet.name not in book.rows:
            problems.append(Problem(f"feuille « {sheet.name} »", "", "", "feuille-manquante",
                                    f"La feuille « {sheet.name} » manque au classeur."))
            continue
        rows = iter(book.rows[sheet.name])
        headers = [_cell(h) for h in next(rows, ())]
        width = 3 if sheet.nested else 2
        expected = (["fichier", "dispositif", "n°"] if sheet.nested else ["fichier", "clé"]) + [c.header for c in sheet.columns]
        if headers[:len(expected)] != expected:
            problems.append(Problem(f"feuille « {sheet.name} »", "ligne 1", "", "en-tetes",
                                    f"En-têtes attendus : {', '.join(expected)}."))
            continue
        for number, values in enumerate(rows, start=2):
            cells = [_cell(v) for v in values] + [None] * len(expected)
            if not any(cells):
                continue
            where = (f"feuille « {sheet.name} »", f"ligne {number}")
            name = cells[0] or ""
            try:
                path = registry_path(registry, name, kinds=("yaml",))
            except RegistryFileRefused as err:
                problems.append(Problem(*where, "colonne « fichier »", "fichier-inconnu", str(err)))
                continue
            if name not in docs:
                docs[name] = y.load(path.read_text(encoding="utf-8"))
                seen[name] = set()
            locator = (cells[1] or "", (cells[2] or "") if sheet.nested else "")
            records = dict(_records(docs[name], sheet))
            if locator not in records:
                problems.append(Problem(*where, f"colonne « {'dispositif' if sheet.nested else 'clé'} »", "ligne-inconnue",
                                        f"Aucune entrée « {' n° '.join(p for p in locator if p)} » dans {name} : les "
                                        "colonnes grisées ne se modifient pas, et une ligne ne s'ajoute pas ici."))
                continue
            seen[name].add((sheet.name, locator))
            record = records[locator]
            for column, text in zip(sheet.columns, cells[width:]):
                current = _get(record, column.path)
                try:
                    _check(text, column)
                    value = _parse(text, column, current, allowed)
                except ValueError as err:
                    problems.append(Problem(*where, f"colonne « {column.header} »", getattr(err, "rule", "cellule-invalide"),
                                            f"{err}."))
                    continue
                if not _same(_text(current, column.kind) and _parse(_text(current, column.kind), column, current, {}), value):
                    _set(record, column.path, value, current)
                    changed.add(name)
    for name, doc in docs.items():
        for sheet in SHEETS:
            for locator, _ in _records(doc, sheet):
                if (sheet.name, locator) not in seen[name]:
                    problems.append(Problem(f"feuille « {sheet.name} »", name, " n° ".join(p for p in locator if p),
                                            "ligne-manquante", "Ligne absente du classeur : une entrée ne se supprime pas ici."))
    if problems:
        raise RegistryInvalid(problems)
    written = []
    with atomic.staged() as files:  # every file changed, or none (a full disk half-way changes none)
        for name in sorted(changed):
            out = io.StringIO()
            y.dump(docs[name], out)
            path = registry / name
            if out.getvalue() != path.read_text(encoding="utf-8"):
                files.write_text(path, out.getvalue())
                written.append(path)
    return written
