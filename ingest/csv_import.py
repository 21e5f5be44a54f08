"""The spreadsheet a planner already keeps, as CSV: one coverage line per row (see registry/FORMAT.md).

Rows become the same documents as a YAML registry file, so the same rules and the same report apply.
Nothing is dropped on the way: a missing or unknown column, a row with more or fewer cells than the
header (an unquoted comma), an over-long cell, two rows of one id that disagree, a file that is not
UTF-8: each is a problem naming the file, the line and the rule.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

from core.errors import Problem

from . import listings
from ._safe_yaml import LIMITS, Limits, at_line, decode
from .schema import CSV_COLUMNS

__all__ = ["COLUMNS", "read_csv", "read_folder"]

#: the columns declared in ingest/schema.py, in their order
COLUMNS = tuple(column.name for column in CSV_COLUMNS)
#: what every row of one instance must repeat identically (the other columns are per coverage)
INSTANCE_COLUMNS = ("type", "name", "status", "carrier")
_SCOPE = re.compile(r"^(region-)?([0-9]{2,3}|2A|2B)\b")


def _blank(value: str | None) -> str | None:
    """A cell's value, the spaces around it removed; a line break or a tab stays, for the reader to
    refuse where it does not belong (an id), or keep (an excerpt)."""
    value = (value or "").strip(" ")
    return value or None


def _header_problems(name: str, header: list[str]) -> list[Problem]:
    problems = []
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        problems.append(Problem(name, "ligne 1", "colonnes manquantes : " + ", ".join(missing), "colonnes-csv",
                                f"colonne(s) CSV manquante(s) : {', '.join(missing)} (colonnes attendues : {', '.join(COLUMNS)})"))
    unknown = [c for c in header if c not in COLUMNS]
    if unknown:
        problems.append(Problem(name, "ligne 1", "colonnes inconnues : " + ", ".join(unknown), "colonnes-csv",
                                f"colonne(s) CSV inconnue(s) : {', '.join(unknown)} : elles seraient perdues"))
    doubled = sorted({c for c in header if header.count(c) > 1})
    if doubled:
        problems.append(Problem(name, "ligne 1", "colonnes en double : " + ", ".join(doubled), "colonnes-csv",
                                f"colonne(s) CSV en double : {', '.join(doubled)}"))
    return problems


def _rows(name: str, text: str, limits: Limits) -> tuple[list[str], list[tuple[int, dict]], list[Problem]]:
    """The header and the rows (line, cells by column), or the problems that keep the file from being read."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    problems: list[Problem] = []
    rows: list[tuple[int, dict]] = []
    header: list[str] = []
    try:
        for cells in reader:
            line = reader.line_num
            if not header:
                header = [c.strip() for c in cells]
                problems += _header_problems(name, header)
                if problems:
                    return header, [], problems
                continue
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                more = len(cells) > len(header)
                problems.append(at_line(name, line, None, "ligne-csv",
                                        f"ligne {line} : {len(cells)} cellules pour {len(header)} colonnes"
                                        + (" (une virgule non protégée par des guillemets ?)" if more else "")))
                continue
            long = [h for h, c in zip(header, cells) if len(c) > limits.field_chars]
            if long:
                problems.append(at_line(name, line, None, "champ-trop-long",
                                        f"ligne {line} : cellule « {long[0]} » de plus de {limits.field_chars} caractères"))
                continue
            rows.append((line, dict(zip(header, cells))))
    except csv.Error as err:
        line = reader.line_num
        rule = "champ-trop-long" if "field larger than field limit" in str(err) else "syntaxe-csv"
        problems.append(at_line(name, line, None, rule, f"CSV illisible ligne {line} : {_french(err)}"))
    if not header:
        problems.append(Problem(name, "(fichier)", "", "colonnes-csv", "fichier CSV vide : la ligne d'en-tête manque"))
    return header, rows, problems


def _french(err: csv.Error) -> str:
    text = str(err)
    if "field larger than field limit" in text:
        return "une cellule est trop longue (plus de 131 072 caractères)"
    if "new-line character seen in unquoted field" in text or "unexpected end of data" in text:
        return "guillemets non refermés ou retour à la ligne dans une cellule"
    if "',' expected after '\"'" in text:
        return "« , » attendue après des guillemets fermants"
    return f"« {text} »"


def read_csv(path: Path, limits: Limits = LIMITS) -> tuple[dict | None, list[Problem]]:
    """One CSV file → one registry document (``scope``, ``sources``, ``instances``), and its problems."""
    try:
        raw = path.read_bytes()
    except OSError as err:
        return None, [Problem(path.name, "(fichier)", "", "fichier-illisible", f"fichier illisible : {err.strerror}")]
    text, problems = decode(raw, path.name, limits)
    if text is None:
        return None, problems
    header, rows, problems = _rows(path.name, text, limits)
    if problems:
        return None, problems
    match = _SCOPE.match(path.stem)
    scope = {("region" if match.group(1) else "departement"): match.group(2)} if match else None
    document: dict = {"scope": scope, "sources": {}, "instances": []}
    instances: dict[str, tuple[int, dict, dict]] = {}
    for line, row in rows:
        ident = _blank(row["id"]) or f"ligne-{line}"
        source_key = f"{path.stem}-l{line}".lower()
        document["sources"][source_key] = {
            "title": _blank(row["source_title"]),
            "url": _blank(row["source_url"]),
            "date": _blank(row["source_date"]),
        }
        citation = {"ref": source_key, "excerpt": _blank(row["excerpt"])}
        known = instances.get(ident)
        if known is None:
            instance: dict[str, Any] = {
                "id": ident, "type": _blank(row["type"]), "name": _blank(row["name"]),
                "source": citation, "status": [], "roles": [], "coverage": [],
            }
            instances[ident] = (line, row, instance)
            if _blank(row["status"]):
                instance["status"].append({"value": _blank(row["status"]), "from": _blank(row["from"]), "source": citation})
            if _blank(row["carrier"]):
                instance["roles"].append({"role": "carrier", "actor": _blank(row["carrier"]), "source": citation})
            document["instances"].append(instance)
        else:
            first, first_row, instance = known
            for column in INSTANCE_COLUMNS:
                if _blank(row[column]) != _blank(first_row[column]):
                    problems.append(Problem(path.name, ident, f"{column} (ligne {line})", "lignes-contradictoires",
                                            f"ligne {line} : « {column} » vaut « {_blank(row[column]) or ''} », ligne {first} "
                                            f"« {_blank(first_row[column]) or ''} » pour le même dispositif « {ident} »"))
        instance["coverage"].append({
            "territory": _blank(row["territory"]),
            # kept as written: the registry's ages rule reads digits and reports anything else
            "ages": [_blank(row["age_min"]) or 0, _blank(row["age_max"]) or 120],
            "publics": [p.strip(" ") for p in (row["publics"] or "").split(";") if p.strip(" ")] or None,
            "from": _blank(row["from"]),
            "to": _blank(row["to"]),
            "source": citation,
        })
    return document, problems


def read_folder(folder: Path) -> list[tuple[str, dict | None, list[Problem]]]:
    """Every ``*.csv`` of ``folder``: (file name, document or None when unreadable, problems)."""
    if not folder.is_dir():
        return []
    listed = listings.claimed(folder)  # a listing's CSV is read through its mapping
    return [(path.name, *read_csv(path)) for path in sorted(folder.glob("*.csv")) if path.is_file() and path.name not in listed]
