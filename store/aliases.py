"""Reading the table of the other names of communes the build wrote (``<build>/place-aliases.json``).

Postcodes, arrondissements municipaux, communes déléguées and associées, former codes: each points at
the current commune a question is about. ``ingest.place_aliases`` writes the table from the
geography package; the session holds it as its ``aliases`` index. A build made before the table
existed reads as an empty table: names and INSEE codes still resolve.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from core.text import fold

__all__ = ["FILE", "KINDS", "Alias", "PlaceAliases", "read_aliases"]

FILE = "place-aliases.json"
#: the entries of the package that name a part, or a former commune, of a current commune
KINDS = ("arrondissement-municipal", "commune-deleguee", "commune-associee")


@dataclass(frozen=True)
class Alias:
    kind: str  # one of KINDS, or "ancien-code"
    code: str
    name: str | None
    commune: str  # INSEE code of the current commune


@dataclass(frozen=True)
class PlaceAliases:
    postcodes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    by_code: dict[str, list[Alias]] = field(default_factory=dict)
    by_key: dict[str, list[Alias]] = field(default_factory=dict)  # folded name → aliases


def read_aliases(build: Path | None) -> PlaceAliases:
    try:
        data = json.loads((build / FILE).read_text(encoding="utf-8")) if build else {}
    except FileNotFoundError:
        data = {}
    table = PlaceAliases({p: tuple(codes) for p, codes in data.get("postcodes", {}).items()})
    for entry in data.get("aliases", ()):
        alias = Alias(entry["kind"], entry["code"], entry["name"], entry["commune"])
        table.by_code.setdefault(alias.code, []).append(alias)
        if alias.name:
            table.by_key.setdefault(fold(alias.name), []).append(alias)
    return table
