"""The France services sites (ANCT list): every row a seat of type FS, described in
``ingest/sources/france-services.yaml``."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from .geography import Geography
from .seats import Seat, SeatFile, coordinate

__all__ = ["read"]


def read(desc: dict, path: Path, sha256: str, geo: Geography) -> SeatFile:
    """Every site of the file. A municipal arrondissement (75112) or a delegated commune is seated in
    its current commune; a site whose code names no current commune is left out, counted."""
    fields = desc["fields"]
    out = SeatFile(desc, path, sha256)
    text = path.read_bytes().decode("utf-8-sig")
    for row, record in enumerate(csv.DictReader(io.StringIO(text, newline="")), start=1):
        out.rows += 1
        commune = geo.current_commune((record.get(fields["commune"]) or "").strip())
        if commune is None:
            out.skip(f"commune inconnue du COG {geo.vintage}")
            continue
        key = out.key("fs", record.get(fields["id"]), row)
        if key is None:
            continue
        kind = " · ".join(record[c].strip() for c in fields["kind"] if record.get(c, "").strip())
        name = record[fields["name"]].strip()
        out.seats.append(Seat(
            key=key,
            type=desc["type"],
            name=name,
            commune=commune,
            row=row,
            excerpt="; ".join(f"{column}={record.get(column, '')}" for column in
                              (fields["id"], fields["name"], fields["commune"], fields["latitude"], fields["longitude"],
                               *fields["kind"], fields["labelled"])),
            latitude=coordinate(record.get(fields["latitude"]), -90, 90),
            longitude=coordinate(record.get(fields["longitude"]), -180, 180),
            kind=kind or None,
        ))
    return out
