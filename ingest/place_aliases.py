"""The other ways planners name a commune, from the geography package, written beside each build.

``@etalab/decoupage-administratif`` lists, besides the current communes, their postcodes
(``codesPostaux``), the 45 arrondissements municipaux of Paris, Lyon and Marseille (``commune``: the
commune they belong to), the communes déléguées and associées that merged communes keep
(``chefLieu``: the current commune), and the former INSEE codes of merged communes (``anciensCodes``).
The package holds no other former names: a commune merged without keeping a commune déléguée is found
by its former code, not its former name.

The table is a function of the package alone; the build writes it as ``<build>/place-aliases.json``
(:data:`store.aliases.FILE`) and readers load it with :mod:`store.aliases`.
"""

from __future__ import annotations

import json
from pathlib import Path

from core import atomic

from store.aliases import FILE, KINDS

__all__ = ["alias_table", "write_aliases"]


def alias_table(package_dir: Path) -> dict:
    """Postcodes, alternative names and former codes of the current communes, as plain JSON."""
    communes = json.loads((package_dir / "data" / "communes.json").read_text(encoding="utf-8"))
    version = json.loads((package_dir / "package.json").read_text(encoding="utf-8"))["version"]
    current = {c["code"] for c in communes if c["type"] == "commune-actuelle"}
    postcodes: dict[str, list[str]] = {}
    aliases: list[dict] = []
    for c in communes:
        if c["type"] == "commune-actuelle":
            for postcode in c.get("codesPostaux") or ():
                postcodes.setdefault(postcode, []).append(c["code"])
            aliases += [{"kind": "ancien-code", "code": old, "name": None, "commune": c["code"]}
                        for old in c.get("anciensCodes") or () if old not in current]
        elif c["type"] in KINDS:
            parent = c.get("commune") or c.get("chefLieu")
            if parent in current:  # a sub-commune whose parent left the package names nothing current
                aliases.append({"kind": c["type"], "code": c["code"], "name": c["nom"], "commune": parent})
    return {"source": f"npm:@etalab/decoupage-administratif@{version}",
            "postcodes": {p: sorted(codes) for p, codes in sorted(postcodes.items())},
            "aliases": sorted(aliases, key=lambda a: (a["code"], a["kind"]))}


def write_aliases(folder: Path, package_dir: Path, previous: Path | None = None) -> None:
    """Write the table into the build folder ``folder`` (before it is published), copied from the
    build folder ``previous`` when given (a build of the same geography package)."""
    path = folder / FILE
    if previous is not None:
        try:
            atomic.copy_file(previous / FILE, path)
            return
        except OSError:
            pass  # not there: made again
    atomic.write_text(path, json.dumps(alias_table(package_dir), ensure_ascii=False))
