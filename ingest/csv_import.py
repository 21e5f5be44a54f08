"""The spreadsheet a planner already keeps, as CSV: one coverage line per row (see registry/FORMAT.md).

Rows become the same documents as a YAML registry file, so the same rules and the same report apply.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

__all__ = ["COLUMNS", "read_csv", "read_folder"]

COLUMNS = (
    "id", "type", "name", "territory", "age_min", "age_max", "publics", "from", "to", "status",
    "carrier", "source_title", "source_url", "source_date", "excerpt",
)
_SCOPE = re.compile(r"^(region-)?([0-9]{2,3}|2A|2B)\b")


def _blank(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def read_csv(path: Path) -> dict:
    """One CSV file → one registry document (``scope``, ``sources``, ``instances``)."""
    match = _SCOPE.match(path.stem)
    scope = {("region" if match.group(1) else "departement"): match.group(2)} if match else None
    document: dict = {"scope": scope, "sources": {}, "instances": []}
    instances: dict[str, dict] = {}
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            # Reported through the same path as YAML problems: an unknown top-level field.
            document["colonnes manquantes: " + ", ".join(missing)] = True
            return document
        for line, row in enumerate(reader, start=2):
            ident = _blank(row["id"]) or f"ligne-{line}"
            source_key = f"{path.stem}-l{line}".lower()
            document["sources"][source_key] = {
                "title": _blank(row["source_title"]),
                "url": _blank(row["source_url"]),
                "date": _blank(row["source_date"]),
            }
            citation = {"ref": source_key, "excerpt": _blank(row["excerpt"])}
            instance = instances.get(ident)
            if instance is None:
                instance = instances[ident] = {
                    "id": ident, "type": _blank(row["type"]), "name": _blank(row["name"]),
                    "source": citation, "status": [], "roles": [], "coverage": [],
                }
                if _blank(row["status"]):
                    instance["status"].append({"value": row["status"].strip(), "from": _blank(row["from"]), "source": citation})
                if _blank(row["carrier"]):
                    instance["roles"].append({"role": "carrier", "actor": row["carrier"].strip(), "source": citation})
                document["instances"].append(instance)
            low, high = _blank(row["age_min"]), _blank(row["age_max"])
            instance["coverage"].append({
                "territory": _blank(row["territory"]),
                "ages": [int(low) if low and low.lstrip("-").isdigit() else low or 0,
                         int(high) if high and high.lstrip("-").isdigit() else high or 120],
                "publics": [p.strip() for p in (row["publics"] or "").split(";") if p.strip()] or None,
                "from": _blank(row["from"]),
                "to": _blank(row["to"]),
                "source": citation,
            })
    return document


def read_folder(folder: Path) -> list[tuple[str, dict]]:
    return [(path.name, read_csv(path)) for path in sorted(folder.glob("*.csv"))]
