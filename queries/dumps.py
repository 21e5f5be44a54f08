"""Downloadable dumps of a build, made on first request and kept in the build's folder with their
SHA-256, and the DCAT-AP description of the dataset that names each with its checksum.

A build never changes, so each dump is written once (``<build>/dumps/<name>`` and ``<name>.sha256``,
by the one writer, ``core.atomic``: a reader sees a whole file or none, a full disk leaves no
temporary file and answers 507, one left by a killed server is swept by the next build); deleting the
folder is always safe. The RDF dumps are
the whole graph of the embedded store (Neo4j is loaded from it): N-Triples (gzip), Turtle and JSON-LD
by Oxigraph's writers; the CSV has one row per coverage (with the instance's identifiers, its state on
the day the dump is made and how surely it is known, and the coverage's sources), the GeoJSON one point
per seat.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO, cast

import pyoxigraph as ox

from core import atomic
from core.namespaces import BASE
from core.rules import STATE_LABELS
from core.tabular import JOIN, to_csv
from store.rdf import PREFIXES
from store.cards import parse_card
from store.session import Session

from .identifiers import identifiers_of
from .instances import instance_detail
from .seats import seats_layer

__all__ = ["DUMPS", "Dump", "dump", "all_dumps"]


@dataclass(frozen=True)
class Dump:
    name: str
    media_type: str
    title: str
    path: Path
    sha256: str
    bytes: int


#: file name → (media type, French title)
DUMPS = {
    "maillage.nt.gz": ("application/n-triples", "Graphe complet, N-Triples compressé (gzip)"),
    "maillage.ttl": ("text/turtle", "Graphe complet, Turtle"),
    "maillage.jsonld": ("application/ld+json", "Graphe complet, JSON-LD"),
    "couvertures.csv": ("text/csv", "Couvertures des dispositifs (une ligne par couverture), CSV"),
    "sieges.geojson": ("application/geo+json", "Sièges des fichiers nationaux (points), GeoJSON"),
}


def _triples(store: ox.Store):
    for quad in store.quads_for_pattern(None, None, None, ox.DefaultGraph()):
        yield ox.Triple(quad.subject, quad.predicate, quad.object)


def _coverages_csv(session: Session, on: dt.date) -> bytes:
    """One row per coverage: the instance's state on ``on`` (the day the dump is made) and how surely it
    is known, the perimeter's confidence, and the sources of the coverage's card (titles, addresses)."""
    ids = identifiers_of(session)
    listed = session.run("instance_coverages", instance=None)
    cited = {r["coverage"].removeprefix(f"{BASE}instance/"): parse_card(r["card"]).sources for r in listed}
    rows = []
    for ident in sorted({r["instance"].rsplit("/", 1)[-1] for r in listed}):
        d = instance_detail(session, ident, on=on)
        mine = ids.get(f"{BASE}instance/{ident}", {})
        for a in d.coverages:
            sources = cited.get(a.coverage_id, [])
            rows.append({"instance_id": d.id, "type": d.type, "name": d.name, "coverage_id": a.coverage_id,
                         "level": a.level, "territory": a.territory, "territory_name": a.territory_name,
                         "ages": {"min": a.ages.min, "max": a.ages.max}, "publics": a.publics,
                         "valid_from": a.valid_from, "valid_to": a.valid_to,
                         "state": d.state, "state_label": STATE_LABELS.get(d.state, d.state), "state_on": on,
                         "confidence": d.confidence, "perimeter_confidence": a.confidence,
                         "perimeter_note": a.note,
                         "sources": JOIN.join(dict.fromkeys(s.title for s in sources)),
                         "source_urls": JOIN.join(dict.fromkeys(s.url for s in sources if s.url)),
                         **{scheme: mine.get(scheme) for scheme in ("siren", "siret", "finess", "rna")},
                         "iri": f"{BASE}instance/{d.id}"})
    return to_csv(rows).encode("utf-8")


def _write(session: Session, store: ox.Store, name: str, out: BinaryIO) -> None:
    if name == "maillage.nt.gz":
        # no file name nor time in the header: the same build gives the same bytes
        with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=6, mtime=0) as packed:
            ox.serialize(_triples(store), cast(IO[bytes], packed), format=ox.RdfFormat.N_TRIPLES)  # a binary file
    elif name == "maillage.ttl":
        ox.serialize(_triples(store), out, format=ox.RdfFormat.TURTLE,
                     prefixes={k: v for k, v in PREFIXES.items() if k != "maillage"})
    elif name == "maillage.jsonld":
        ox.serialize(_triples(store), out, format=ox.RdfFormat.JSON_LD)
    elif name == "couvertures.csv":
        out.write(_coverages_csv(session, dt.date.today()))
    elif name == "sieges.geojson":
        features = [f for dep in sorted({s.commune[:3] if s.commune.startswith("97") else s.commune[:2]
                                         for s in session.seats.seats})
                    for f in seats_layer(session, "departement", dep)["features"]]
        out.write(json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False).encode())


def dump(session: Session, store: ox.Store, build: Path, name: str) -> Dump:
    """The dump ``name`` of ``build``, made now if it is not there yet."""
    media_type, title = DUMPS[name]
    folder = build / "dumps"
    path, digest_path = folder / name, folder / f"{name}.sha256"
    if not (path.is_file() and digest_path.is_file()):
        folder.mkdir(exist_ok=True)
        with atomic.replacing(path) as tmp:
            with open(tmp, "wb") as out:
                _write(session, store, name, out)
            with open(tmp, "rb") as written:
                digest = hashlib.file_digest(written, "sha256").hexdigest()
        atomic.write_text(digest_path, f"{digest}  {name}\n")
    digest = digest_path.read_text(encoding="utf-8").split()[0]
    return Dump(name, media_type, title, path, digest, path.stat().st_size)


def all_dumps(session: Session, store: ox.Store, build: Path) -> list[Dump]:
    return [dump(session, store, build, name) for name in DUMPS]
