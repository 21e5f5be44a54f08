"""The FINESS flux read as a stream (``finess.establishments``): the very seats the whole-file reader
gives on the sample, the same values on hand-made records, and establishments handed out before the
file's end is read."""

from __future__ import annotations

import gzip
import json

import pytest

from core.errors import SourceUnreadable
from core.settings import Settings
from ingest import finess, geography, national_sources, seats
from oracles import whole_establishments

pytestmark = pytest.mark.equivalence

SHARED = Settings.from_env().documents
NATIONAL = SHARED / "reference" / "national"


def _ege(number: str, x: object, y: object) -> dict:
    return {"categorieentiteGeographiqueExercice": "180", "etatObjet": "A",
            "informationsGeneralesEGE": {"numFinessEge": number, "nomEgeLong": f"LHSS {number} — « é »",
                                         "dateOuverture": "2001-02-03 00:00:00", "dateFermeture": None},
            "adresse": [{"cogCommune": "31395", "coordonneesGeographique": {"coordonneeX": x, "coordonneeY": y}}]}


def _flux(records: list[dict], before: dict | None = None) -> dict:
    """A flux whose establishments are ``records``, spread over two legal entities, after other keys."""
    return {**(before or {}), "gco": [{"ege": [_ege("999999999", 1, 2)]}],  # not under pmej: not an establishment
            "pmej": [{"ege": records[:1], "adresse": []}, {"informationsGeneralesPMEJ": {}, "ege": records[1:]}]}


@pytest.mark.integration
@pytest.mark.skipif(not NATIONAL.is_dir(), reason="the shared documents hold the national files")
def test_the_stream_gives_the_whole_readers_seats_on_the_sample():
    geo = geography.load(Settings.from_env().geography)
    desc = national_sources.source("finess").description
    path, digest, problem = seats.file_of(desc, SHARED)
    assert problem is None and path is not None and digest is not None
    streamed = finess.read(desc, path, digest, geo)
    whole = finess.read(desc, path, digest, geo, whole_establishments(path))
    assert streamed.rows == whole.rows == 1753
    assert streamed.seats == whole.seats and len(streamed.seats) > 20
    assert streamed.skipped == whole.skipped and streamed.refused_rows == whole.refused_rows
    assert seats.seat_triples(streamed) == seats.seat_triples(whole)


def test_the_stream_reads_what_json_reads(tmp_path):
    records = [_ege("310000011", 1.4437, 43.6045), _ege("310000012", "1,5", "43.5"), _ege("310000013", 2, None),
               _ege("310000014", 1e-7, -0.0)]
    for name, opener in (("flux.json.gz", gzip.open), ("flux.json", open)):
        path = tmp_path / name
        with opener(path, "wt", encoding="utf-8") as handle:
            json.dump(_flux(records, {"schemaVersion": "v1.0.0", "gcc": [{"a": [1, {"b": None}]}]}), handle)
        streamed = list(finess.establishments(path))
        assert streamed == whole_establishments(path) == records
        assert [type(r["adresse"][0]["coordonneesGeographique"]["coordonneeX"]) for r in streamed] == [float, str, int, float]


def test_establishments_come_before_the_file_is_read_to_its_end(tmp_path):
    """Cut a flux in its middle: the stream has handed out the establishments before the cut, then fails;
    the whole reader has none to give."""
    records = [_ege(f"3100{i:05d}", 1.0, 43.0) for i in range(2000)]
    text = json.dumps(_flux(records)).encode()
    path = tmp_path / "coupé.json.gz"
    path.write_bytes(gzip.compress(text[: len(text) // 2]))
    handed = []
    with pytest.raises(SourceUnreadable, match="Fichier national coupé.json.gz illisible : JSON invalide"):
        for record in finess.establishments(path):
            handed.append(record["informationsGeneralesEGE"]["numFinessEge"])
    assert 900 < len(handed) < 1000 and handed == [r["informationsGeneralesEGE"]["numFinessEge"] for r in records[:len(handed)]]
    with pytest.raises(json.JSONDecodeError):
        whole_establishments(path)


@pytest.mark.parametrize("content", [b"pas du gzip", gzip.compress(b'{"pmej": [{"ege": [{"a": 1}, }]}')[:-6],
                                     gzip.compress(b'{"pmej": [{"ege": [{"a": 1} {"b": 2}]}]}')])
def test_an_unreadable_flux_is_refused_in_french_naming_its_file(tmp_path, content):
    path = tmp_path / "finess.json.gz"
    path.write_bytes(content)
    with pytest.raises(SourceUnreadable) as err:
        list(finess.establishments(path))
    assert "finess.json.gz illisible" in str(err.value) and err.value.exit_code == 2
