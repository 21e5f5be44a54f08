"""FINESS establishments (the "structures" flux, JSON) of the categories that are Maillage scheme types,
active only, described in ``ingest/sources/finess.yaml``.

The flux nests établissements (``ege``) under legal entities (``pmej``). An establishment is active when
FINESS says so (``etatObjet`` A) and no closing date on or before the file's date is recorded
(:func:`active`); the others are left out, counted. Its commune is that of its address
(``cogCommune``), its point the address's coordinates when FINESS has them.

The national flux is about 50 MB compressed and ten times that as JSON: it is parsed as it is read
(:func:`establishments`, ijson's C parser over the gzip stream), one establishment at a time, so
memory holds one establishment and the seats kept, never the file (``bench/bench_finess.py``).
The reader as it was, the whole file loaded at once, is an oracle in the tests (``tests/oracles.py``):
the stream is held equal to it (``tests/national/test_finess_stream.py``), and it is the bench's baseline.
"""

from __future__ import annotations

import datetime as dt
import gzip
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

import ijson

from core.dates import read_date
from core.errors import InvalidDate, SourceUnreadable

from .geography import Geography
from .seats import Seat, SeatFile, coordinate

__all__ = ["read", "active", "establishments", "open_flux"]

#: where the establishments are in the flux: each item of each legal entity's ``ege``
_ESTABLISHMENTS = "pmej.item.ege.item"


def _date(text: object) -> dt.date | None:
    try:
        return read_date(str(text)[:10]) if text else None  # the file writes a time after some dates
    except InvalidDate:
        return None


def active(record: dict, on: dt.date, state: str = "A") -> bool:
    """Whether an establishment is open on ``on``: in FINESS's active state, opened by then, not closed."""
    general = record.get("informationsGeneralesEGE") or {}
    opened, closed = _date(general.get("dateOuverture")), _date(general.get("dateFermeture"))
    return (record.get("etatObjet") == state and (opened is None or opened <= on)
            and (closed is None or closed > on))


def open_flux(path: Path):
    """The flux's bytes, gzip-compressed (``.gz``) or not."""
    return gzip.open(path, "rb") if path.suffix == ".gz" else open(path, "rb")


def establishments(path: Path) -> Iterator[dict]:
    """Every establishment of the flux, in file order (legal entity by legal entity), one at a time as
    the file is read. Numbers come as ``json`` gives them (``int`` or ``float``, not ``Decimal``)."""
    try:
        with open_flux(path) as handle:
            yield from ijson.items(handle, _ESTABLISHMENTS, use_float=True)
    except ijson.JSONError as err:  # IncompleteJSONError too: a flux cut short
        raise SourceUnreadable(path.name, f"JSON invalide ({err})") from err
    except (gzip.BadGzipFile, EOFError, zlib.error) as err:
        raise SourceUnreadable(path.name, f"compression gzip invalide ou coupée ({err})") from err


def read(desc: dict, path: Path, sha256: str, geo: Geography, records: Iterable[dict] | None = None) -> SeatFile:
    """The seats of the flux at ``path`` (its ``records``, when given, instead of the streamed file)."""
    out = SeatFile(desc, path, sha256)
    categories: dict[str, str] = {str(k): v for k, v in desc["categories"].items()}
    on = read_date(desc["date"])
    for row, record in enumerate(establishments(path) if records is None else records, start=1):
        out.rows += 1
        category = str(record.get("categorieentiteGeographiqueExercice") or "")
        if category not in categories:
            out.skip("catégorie hors des types de dispositifs")
            continue
        if not active(record, on, desc["filters"]["etatObjet"]):
            out.skip("établissement fermé ou inactif")
            continue
        general = record.get("informationsGeneralesEGE") or {}
        address = (record.get("adresse") or [{}])[0]
        code = str(address.get("cogCommune") or "")
        commune = geo.current_commune(code)
        if commune is None:
            out.skip(f"commune inconnue du COG {geo.vintage}")
            continue
        point = address.get("coordonneesGeographique") or {}
        key = out.key("finess", general.get("numFinessEge"), row)
        if key is None:
            continue
        number = key.removeprefix("finess-")
        name = (general.get("nomEgeLong") or general.get("nomEgeCourt") or "").strip() or f"FINESS {number}"
        out.seats.append(Seat(
            key=key,
            type=categories[category],
            name=name,
            commune=commune,
            row=row,
            excerpt=(f"numFinessEge={number}; categorie={category}; etatObjet={record.get('etatObjet')}; "
                     f"dateOuverture={general.get('dateOuverture')}; dateFermeture={general.get('dateFermeture')}; "
                     f"cogCommune={code}; nom={name}"),
            latitude=coordinate(point.get("coordonneeY"), -90, 90),
            longitude=coordinate(point.get("coordonneeX"), -180, 180),
            opened=_date(general.get("dateOuverture")),
            closed=_date(general.get("dateFermeture")),
            finess=number,
            siret=general.get("siret") or None,
        ))
    return out
