"""Seats from national files: where a structure of a scheme type is (a commune and a point).

Each national source is a short declarative description in ``ingest/sources/<name>.yaml`` (licence,
producer, file and its SHA-256, filters, the fields read and how they map, and the reader that turns the
file's records into :class:`Seat` records: ``ingest.finess:read``), read by ``national_sources``. This
module holds what the readers share: checking the file's bytes against the description, and writing the
seats as N-Triples, each with its provenance (the file, its SHA-256, the row number and the
row's values as excerpt), validated by the same shapes as the registry (``validate.validate_seats``,
whose verdict is remembered per file content: the same bytes through the same rules).

A seat is never a coverage: FINESS and the France services list say where a structure is, not the
territory it serves. A seat that matches a registry instance (the same FINESS number, or the same type
and a commune the instance is tied to: a commune it covers by name, or where one of its actors is
based) is linked to it (``m:seatOf``) rather than standing for a second instance.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF, RDFS

from core.errors import Problem

from ._ntriples import lit, ref, triple, typed
from .registry import RegistryGraph
from .vocabulary import DCTERMS, GEO, M, PROV, TYPE, iri

__all__ = ["Seat", "SeatFile", "file_of", "mismatch", "sha256_of", "seat_triples", "seat_links", "coordinate"]

#: what a national file's id may be to become the last segment of a seat's IRI
SEAT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


@dataclass(frozen=True)
class Seat:
    """One structure's seat, as a national file gives it."""

    key: str  # unique across sources: "fs-1", "finess-690021878"
    type: str  # a notation of ontology/scheme-types.ttl
    name: str
    commune: str  # INSEE code
    row: int  # 1 = the file's first record
    excerpt: str  # the row's values that were read
    latitude: str | None = None
    longitude: str | None = None
    opened: dt.date | None = None
    closed: dt.date | None = None
    kind: str | None = None
    finess: str | None = None
    siret: str | None = None


@dataclass
class SeatFile:
    """What a reader made of one file: its seats, and how many rows it left out and why."""

    description: dict
    path: Path
    sha256: str
    rows: int = 0
    seats: list[Seat] = field(default_factory=list)
    #: reason (French) → number of rows left out for it
    skipped: dict[str, int] = field(default_factory=dict)
    #: reason → the rows refused for it, when the row itself must be named (an id that cannot be an IRI)
    refused_rows: dict[str, list[int]] = field(default_factory=dict)

    def skip(self, reason: str, row: int | None = None) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1
        if row is not None:
            self.refused_rows.setdefault(reason, []).append(row)

    def key(self, prefix: str, value: object, row: int) -> str | None:
        """The seat's key ``prefix-value`` (the last segment of its IRI), or None when the file's id
        holds anything but letters, digits, ``.``, ``_`` and ``-``: the row is refused, with its number."""
        text = str(value if value is not None else "").strip()
        if not SEAT_ID.fullmatch(text):
            self.skip("identifiant refusé (autre chose que lettres, chiffres, « . », « _ », « - »)", row)
            return None
        return f"{prefix}-{text}"

    def left_out(self) -> str:
        """The rows left out, by reason, as the build says them (« 2 identifiant refusé … : lignes 4, 9 »)."""
        said = []
        for why, n in sorted(self.skipped.items()):
            rows = self.refused_rows.get(why)
            shown = ", ".join(map(str, rows[:10])) + (" …" if len(rows or ()) > 10 else "") if rows else ""
            said.append(f"{n} {why}" + (f" : ligne(s) {shown}" if shown else ""))
        return ", ".join(said) or "aucune"


def file_of(desc: dict, documents: Path) -> tuple[Path | None, str | None, Problem | None]:
    """The described file under ``documents`` (the setting), its SHA-256, and a problem if its bytes are
    not the ones described (None, None, None when the documents folder does not hold it)."""
    path = documents / desc["file"]
    if not path.is_file():
        return None, None, None
    digest = sha256_of(path)
    return path, digest, None if digest == desc["sha256"] else mismatch(desc, digest)


def sha256_of(path: Path) -> str:
    """A file's SHA-256, read by chunks (the national FINESS flux is 50 MB)."""
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            sha.update(chunk)
    return sha.hexdigest()


def mismatch(desc: dict, digest: str) -> Problem:
    """The problem of a national file whose bytes are not the described ones."""
    return Problem(desc["file"], "(fichier)", "sha256", "empreinte-source",
                   f"le fichier n'est pas celui que décrit ingest/sources ({desc['source']}) : "
                   f"SHA-256 {digest} au lieu de {desc['sha256']} ; mettez la description à jour "
                   "ou « maillage sources fetch »")


def coordinate(text: object, low: float, high: float) -> str | None:
    """A WGS84 degree as an ``xsd:decimal`` lexical form, or None when absent or out of range."""
    try:
        value = float(str(text).replace(",", "."))
    except (TypeError, ValueError):
        return None
    if not low <= value <= high or value != value:
        return None
    return f"{value:.7f}".rstrip("0").rstrip(".")


def _source_lines(desc: dict, digest: str) -> list[str]:
    s = ref(iri("source", desc["source"]))
    return [
        triple(s, _TYPE, ref(str(M.SourceDocument))),
        triple(s, ref(str(DCTERMS.title)), lit(desc["title"], "fr")),
        triple(s, ref(str(DCTERMS.date)), typed(desc["date"], "date")),
        triple(s, ref(str(DCTERMS.publisher)), lit(desc["producer"], "fr")),
        triple(s, ref(str(DCTERMS.license)), ref(desc["licence"])),
        triple(s, ref(str(M.file)), lit(desc["file"])),
        triple(s, ref(str(M.url)), lit(desc["url"])),
        triple(s, ref(str(M.sha256)), lit(digest)),
    ] + ([triple(s, ref(str(M.extent)), lit(desc["extent"], "fr"))] if desc.get("extent") else [])


_TYPE = ref(str(RDF.type))
_P = {name: ref(str(term)) for name, term in (
    ("label", RDFS.label), ("entry", M.entryId), ("schemeType", M.schemeType), ("commune", M.commune),
    ("lat", GEO.lat), ("long", GEO.long), ("from", M.validFrom), ("to", M.validTo), ("kind", M.seatKind),
    ("finess", M.finess), ("siret", M.siret), ("derivation", PROV.qualifiedDerivation),
    ("derived", PROV.wasDerivedFrom), ("entity", PROV.entity), ("excerpt", M.excerpt), ("row", M.row))}
_SEAT, _DERIVATION, _SEAT_OF = ref(str(M.Seat)), ref(str(PROV.Derivation)), ref(str(M.seatOf))


def seat_triples(read: SeatFile) -> str:
    """The N-Triples of a file's seats and of the file as a source (SHA-256, licence, producer).

    Written as text, not rdflib objects: the France services list alone is 50,000 triples, and this
    text is both what is validated (its verdict remembered by its SHA-256) and what the store loads.
    """
    desc = read.description
    source = ref(iri("source", desc["source"]))
    lines = _source_lines(desc, read.sha256)
    p = _P
    for seat in read.seats:
        s = ref(iri("seat", seat.key))
        d = ref(f"{iri('seat', seat.key)}/source")
        lines += [triple(s, _TYPE, _SEAT), triple(s, p["entry"], lit(seat.key)), triple(s, p["label"], lit(seat.name, "fr")),
                  triple(s, p["schemeType"], ref(TYPE[seat.type])), triple(s, p["commune"], ref(iri("commune", seat.commune))),
                  triple(s, p["derivation"], d), triple(s, p["derived"], source), triple(d, _TYPE, _DERIVATION),
                  triple(d, p["entity"], source), triple(d, p["excerpt"], lit(seat.excerpt)),
                  triple(d, p["row"], typed(seat.row, "integer"))]
        if seat.latitude is not None and seat.longitude is not None:
            lines += [triple(s, p["lat"], typed(seat.latitude, "decimal")), triple(s, p["long"], typed(seat.longitude, "decimal"))]
        for name, value in (("from", seat.opened), ("to", seat.closed)):
            if value is not None:
                lines.append(triple(s, p[name], typed(value.isoformat(), "date")))
        for name, text in (("kind", seat.kind), ("finess", seat.finess), ("siret", seat.siret)):
            if text:
                lines.append(triple(s, p[name], lit(text)))
    return "".join(lines)


def _instance_ties(reg: RegistryGraph, kinds: set[str]) -> dict[tuple[str, str], set[str]]:
    """(type, commune code) → instances of one of ``kinds`` tied to that commune: a seat is only
    ever matched with an instance of its own type, so the others' places are not indexed."""
    ties: dict[tuple[str, str], set[str]] = {}
    for instance, (kind, territories, actors) in reg.ties.items():
        if kind not in kinds:
            continue
        places = territories | {reg.based[a] for a in actors if a in reg.based}
        for place in places:
            if "/commune/" in place:
                ties.setdefault((kind, place.rsplit("/", 1)[-1]), set()).add(instance)
    return ties


def seat_links(reg: RegistryGraph, found: list[Seat]) -> list[str]:
    """The links (``m:seatOf``, as N-Triples lines) of each seat that matches one registry instance:
    by its FINESS number, else as the one instance of its type tied to its commune. The registry is
    only read: the links are loaded with the seats (``ingest.build``)."""
    ties = _instance_ties(reg, {seat.type for seat in found})
    links = []
    for seat in found:
        instance = reg.finess.get(seat.finess or "")
        if instance is None:
            candidates = ties.get((seat.type, seat.commune), set())
            instance = next(iter(candidates)) if len(candidates) == 1 else None
        if instance is not None:
            links.append(triple(ref(iri("seat", seat.key)), _SEAT_OF, ref(instance)))
    return links
