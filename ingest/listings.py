"""Listings as a registry source: the table a planner's ARS keeps, one row per commune, read through a
small mapping file beside it (see registry/FORMAT.md, "Listings").

``<name>.listing.yaml`` names its listing (``listing: <name>.csv``, ``.tsv`` or ``.xlsx``, beside it) and
says which columns hold what, and what is true of the whole listing (scheme type, source, confidence,
whether it is an inventory). Each row becomes a coverage citing its row; rows of one name make one
instance. The result is a registry document like a YAML file's, named after the listing file, so the
same rules, the same build and the same report apply to it.

Reading the table (:mod:`ingest.listing_table`) and resolving communes (:mod:`ingest.listing_places`)
are apart; this module joins them. Nothing is dropped: a blank cell, a row written twice, an unknown
code, an ambiguous name is a problem naming the file, the row, the column and the rule.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from core.errors import Problem
from core.text import fold

from ._safe_yaml import load_yaml
from .geography import Geography
from .listing_places import Resolver
from .listing_table import SUFFIXES, Table, read_table

__all__ = ["MAPPING_SUFFIX", "claimed", "read_folder", "read_listing"]

MAPPING_SUFFIX = ".listing.yaml"
#: what a mapping may say, and whether it must
MAPPING_KEYS = {"listing": True, "sheet": False, "encoding": False, "delimiter": False, "scope": True, "type": True,
                "columns": True, "levels": False, "departement": False, "id_prefix": False, "source": True,
                "confidence": False, "note": False, "inventory": False, "territory": False, "as_of": True,
                "commune_porteuse": False, "status": False}
COLUMN_KEYS = ("name", "id", "code", "commune", "departement", "level")
SOURCE_KEYS = ("key", "title", "producer", "url", "file", "date", "retrieved", "period", "licence")
LEVELS = ("commune", "arrondissement")
_SLUG = re.compile(r"[^a-z0-9]+")


def _mappings(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*" + MAPPING_SUFFIX) if p.is_file()) if folder.is_dir() else []


def _listing_name(mapping: Path) -> str | None:
    """The listing file a mapping names, read without judging the rest of it (None if it names none)."""
    try:
        data, problems = load_yaml(mapping.read_bytes(), mapping.name)
    except OSError:
        return None
    name = data.get("listing") if isinstance(data, dict) and not problems else None
    # only a table is claimed: a mapping naming 31.yaml must not hide it from the registry's reader
    return name if isinstance(name, str) and name == Path(name).name and Path(name).suffix in SUFFIXES else None


def claimed(folder: Path) -> set[str]:
    """The files of a registry folder that belong to listings (the mappings and the listings they
    name): the folder's other readers leave them to this module."""
    names = set()
    for mapping in _mappings(folder):
        names.add(mapping.name)
        listing = _listing_name(mapping)
        if listing:
            names.add(listing)
    return names


def read_folder(folder: Path, geo: Geography, package: Path | None = None) -> list[tuple[str, dict | None, list[Problem]]]:
    """Every listing of ``folder``: (listing file name, document or None, problems), as
    :func:`ingest.registry.read_registry` takes its extra documents. ``package`` is the geography
    package's folder, where former codes are looked up (only when a code is not current)."""
    resolver = Resolver(geo, package)
    return [read_listing(mapping, resolver) for mapping in _mappings(folder)]


def _problem(file: str, entry: str, field: str, rule: str, message: str) -> Problem:
    return Problem(file, entry, field, rule, message)


def _read_mapping(path: Path) -> tuple[dict | None, list[Problem]]:
    name = path.name
    try:
        data, problems = load_yaml(path.read_bytes(), name)
    except OSError as err:
        return None, [_problem(name, "(fichier)", "", "fichier-illisible", f"fichier illisible : {err.strerror}")]
    if problems:
        return None, problems
    if not isinstance(data, dict):
        return None, [_problem(name, "(fichier)", "", "structure", "une description de liste est un dictionnaire (clé: valeur)")]
    problems = [_problem(name, "(description)", key, "champ-inconnu", f"clé « {key} » inconnue (clés : {', '.join(MAPPING_KEYS)})")
                for key in data if key not in MAPPING_KEYS]
    problems += [_problem(name, "(description)", key, "champ-manquant", f"clé « {key} » obligatoire")
                 for key, needed in MAPPING_KEYS.items() if needed and data.get(key) in (None, "")]
    columns = data.get("columns")
    if isinstance(columns, dict):
        problems += [_problem(name, "columns", key, "champ-inconnu", f"colonne « {key} » inconnue (clés : {', '.join(COLUMN_KEYS)})")
                     for key in columns if key not in COLUMN_KEYS]
        if not (columns.get("name") or columns.get("id")):
            problems.append(_problem(name, "columns", "name", "champ-manquant", "la colonne du nom (ou de l'identifiant) du dispositif est obligatoire"))
        if not (columns.get("code") or columns.get("commune")):
            problems.append(_problem(name, "columns", "code", "champ-manquant",
                                     "la colonne du code INSEE (code) ou du nom de la commune (commune) est obligatoire"))
        if columns.get("commune") and not columns.get("code") and not (columns.get("departement") or data.get("departement")):
            problems.append(_problem(name, "columns", "departement", "champ-manquant",
                                     "une commune donnée par son nom demande son département (colonne departement, "
                                     "ou departement pour toute la liste)"))
    elif columns is not None:
        problems.append(_problem(name, "(description)", "columns", "structure", "columns : un dictionnaire (name, code…)"))
    source = data.get("source")
    if isinstance(source, dict):
        problems += [_problem(name, "source", key, "champ-inconnu", f"clé « {key} » inconnue (clés : {', '.join(SOURCE_KEYS)})")
                     for key in source if key not in SOURCE_KEYS]
        problems += [_problem(name, "source", key, "champ-manquant", f"clé « {key} » obligatoire")
                     for key in ("title", "producer", "licence") if not source.get(key)]
    elif source is not None:
        problems.append(_problem(name, "(description)", "source", "structure", "source : un dictionnaire (title, producer…)"))
    levels = data.get("levels") or {}
    if not isinstance(levels, dict) or any(v not in LEVELS for v in levels.values()):
        problems.append(_problem(name, "(description)", "levels", "valeur-invalide",
                                 f"levels : valeur de la liste → {' ou '.join(LEVELS)}"))
    status = data.get("status")
    if status is not None and not (isinstance(status, dict) and status.get("value") and set(status) <= {"value", "confidence", "note"}):
        problems.append(_problem(name, "(description)", "status", "valeur-invalide",
                                 "status : {value: active, confidence: inferred, note: « pourquoi »}"))
    if data.get("inventory") not in (None, True, False):
        problems.append(_problem(name, "(description)", "inventory", "valeur-invalide", "inventory : true ou false"))
    listing = data.get("listing")
    if isinstance(listing, str) and (listing != Path(listing).name or not listing.startswith(path.name[: -len(MAPPING_SUFFIX)])):
        problems.append(_problem(name, "(description)", "listing", "nom-liste",
                                 f"« {listing} » : la liste est un fichier du même dossier, du même nom que sa description "
                                 f"({path.name[: -len(MAPPING_SUFFIX)]}.csv, .tsv ou .xlsx)"))
    return (None if problems else data), problems


def _slug(text: str) -> str:
    return _SLUG.sub("-", fold(text)).strip("-")


def _source(data: dict, key: str) -> dict:
    """The registry source of the whole listing. Its producer and its licence are said in its title:
    the registry's sources have no field of their own for them (decision 0140)."""
    given = data["source"]
    title = f"{given['title']} — producteur : {given['producer']} ; licence : {given['licence']}"
    entry: dict[str, Any] = {"title": title}
    for name in ("url", "file", "date", "retrieved", "period"):
        if given.get(name) is not None:
            entry[name] = given[name]
    if data.get("confidence"):
        entry["confidence"] = data["confidence"]
    return entry


def read_listing(mapping: Path, resolver: Resolver) -> tuple[str, dict | None, list[Problem]]:
    """One listing and its mapping → (the listing's file name, its registry document, problems)."""
    data, problems = _read_mapping(mapping)
    if data is None:
        return mapping.name, None, problems
    name = data["listing"]
    columns: dict[str, str] = {k: str(v) for k, v in data["columns"].items() if v}
    table, problems = read_table(mapping.parent / name, columns, data)
    if table is None:
        return name, None, problems
    key = str(data["source"].get("key") or Path(name).stem).lower()
    document: dict[str, Any] = {"scope": data["scope"], "sources": {key: _source(data, key)}, "instances": []}
    instances: dict[str, dict] = {}
    slugs: dict[str, str] = {}
    seen_rows: dict[tuple, int] = {}
    parts_of: dict[tuple[str, str], list[int]] = {}  # (instance, commune) → rows of its arrondissements
    rows = []
    for number, cells in table.rows:
        row = _row(table, number, cells, columns, data, resolver, problems)
        if row is None:
            continue
        written = (row["name"], row["written"], row["level"])
        if written in seen_rows:
            problems.append(table.problem(number, columns.get("code") or columns["commune"], "ligne-en-double",
                                          f"ligne {number} : « {row['name']} » et « {row['written']} » figurent déjà "
                                          f"ligne {seen_rows[written]} (ligne en double)"))
            continue
        seen_rows[written] = number
        if row["level"] == "arrondissement":
            parts_of.setdefault((row["name"], row["commune"]), []).append(number)
        rows.append(row)
    porteuse = bool(data.get("commune_porteuse"))
    for row in rows:
        name_text = row["name"]
        ident = row["id"] or (str(data.get("id_prefix") or "") + _slug(name_text))
        if slugs.setdefault(ident, name_text) != name_text:
            problems.append(table.problem(row["number"], columns.get("name") or columns["id"], "noms-proches",
                                          f"ligne {row['number']} : « {name_text} » et « {slugs[ident]} » donnent le même "
                                          f"identifiant « {ident} » : écrivez le nom de la même façon, ou donnez une colonne id"))
            continue
        citation = {"ref": key, "excerpt": row["excerpt"]}
        instance = instances.get(ident)
        if instance is None:
            instance = instances[ident] = {"id": ident, "type": data["type"], "name": name_text, "source": citation,
                                           "coverage": []}
            if isinstance(data.get("status"), dict):  # the listing's word on every instance, its start unknown
                instance["status"] = [{"from": None, **data["status"], "source": citation}]
            document["instances"].append(instance)
        arrondissements = parts_of.get((name_text, row["commune"]))
        if porteuse and row["level"] == "commune" and arrondissements:
            # the commune's own row stands for the arrondissements listed under it (commune porteuse):
            # said on those coverages, never read as the whole commune
            continue
        territory = row["territory"]
        known = next((c for c in instance["coverage"] if c["territory"] == territory), None)
        if known is not None:
            # two rows naming one territory (an old code and its commune nouvelle): one coverage, both said
            known["note"].append(f"aussi ligne {row['number']}" + (f" ({row['note']})" if row["note"] else ""))
            continue
        coverage = {"territory": territory, "source": citation, "note": [row["note"]] if row["note"] else []}
        if porteuse and row["level"] == "arrondissement":
            porteur = [r["number"] for r in rows if r["name"] == name_text and r["commune"] == row["commune"]
                       and r["level"] == "commune"]
            if porteur:
                coverage["note"].append(f"ligne {porteur[0]} : la commune porteuse, lue comme les arrondissements "
                                        "listés, pas toute la commune")
        instance["coverage"].append(coverage)
    for instance in document["instances"]:
        for coverage in instance["coverage"]:
            notes = coverage.pop("note")
            if notes:
                coverage["note"] = " ; ".join(notes)
    _statements(document, data, key, Path(name).stem)
    return name, document, problems


def _statements(document: dict, data: dict, key: str, stem: str) -> None:
    """The survey the listing is (and the inventory, when the listing is the complete list)."""
    scope = data["scope"]
    territory = data.get("territory") or (f"region:{scope['region']}" if isinstance(scope, dict) and "region" in scope
                                          else f"departement:{(scope or {}).get('departement')}")
    title = data["source"]["title"]
    as_of = data["as_of"]
    shown = as_of.isoformat() if isinstance(as_of, dt.date) else str(as_of)
    paraphrase = f"{title} : les {data['type']} du territoire et les communes que chacun couvre, au {shown}"
    document["surveyed"] = [{
        "id": f"{stem}-enquete".lower(), "territory": territory, "types": [data["type"]], "as_of": as_of,
        "note": f"Liste « {title} » lue en entier ; le registre ne sait du type {data['type']} que ce qu'elle dit.",
        "source": {"ref": key, "paraphrase": paraphrase},
    }]
    if data.get("inventory"):
        inventory: dict[str, Any] = {
            "id": f"{stem}-inventaire".lower(), "type": data["type"], "territory": territory, "as_of": as_of,
            "source": {"ref": key, "paraphrase": paraphrase},
        }
        if data.get("confidence") == "inferred":
            inventory["confidence"] = "inferred"
            inventory["note"] = str(data.get("note") or "")
        document["inventories"] = [inventory]


def _row(table: Table, number: int, cells: dict, columns: dict, data: dict, resolver: Resolver,
         problems: list[Problem]) -> dict | None:
    """One row read: its instance's name (or id), the territory it covers and how it was read; None
    (with its problems) when a cell is blank or names no commune."""
    blank = [column for column in columns.values() if not cells.get(column)]
    if blank:
        for column in blank:
            problems.append(table.problem(number, column, "cellule-vide", f"ligne {number} : la cellule « {column} » est vide"))
        return None
    level = "commune"
    if columns.get("level"):
        written_level = cells[columns["level"]]
        level = (data.get("levels") or {}).get(written_level, written_level)
        if level not in LEVELS:
            problems.append(table.problem(number, columns["level"], "niveau-inconnu",
                                          f"ligne {number} : niveau « {written_level} » inconnu (attendu : "
                                          f"{', '.join(LEVELS)}, ou une valeur déclarée dans levels)"))
            return None
    departement = cells.get(columns.get("departement", ""), "") or str(data.get("departement") or "")
    if columns.get("code"):
        written = cells[columns["code"]]
        found = resolver.by_code(written, level, departement if columns.get("departement") else None)
        column = columns["code"]
    else:
        written = cells[columns["commune"]]
        found = resolver.by_name(written, departement)
        column = columns["commune"]
    if isinstance(found, str):
        problems.append(table.problem(number, column, found.split(":", 1)[0], f"ligne {number} : {found.split(':', 1)[1].strip()}"))
        return None
    territory, commune, note = found
    name = cells.get(columns.get("name", ""), "") or cells[columns["id"]]
    return {"number": number, "name": name, "id": cells.get(columns.get("id", "")) or None, "written": written,
            "level": level, "territory": territory, "commune": commune, "note": note, "excerpt": table.excerpt(number)}
