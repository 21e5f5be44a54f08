"""Benchmark: reading the national files as seats, and the SPARQL endpoint against the same query
in-process.

Run: ``.venv/bin/python bench/bench_national.py [--data-dir DIR] [--rounds N]``

* **Loading** — ``france_services.read`` and ``finess.read`` on the real files of
  ``../shared/reference/national/`` (the description's SHA-256 checked first), then the N-Triples of
  their seats (``seats.seat_triples``): wall time and rows per second, best of 3.
* **SPARQL** — one SELECT (the scheme instances of Haute-Garonne's coverages, with names) asked
  ``--rounds`` times through the endpoint of a running service (HTTP, uvicorn, the worker pool), and the
  same text asked in-process with ``Store.query`` on the same build's store read-only; p50 of each and
  their ratio (the endpoint's cost: HTTP, the pipe to the worker, the results written row by row).
  Needs a build: ``--data-dir`` or a national build made in a temporary folder.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

QUERY = """PREFIX m: <https://w3id.org/maillage/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?instance ?name ?territory WHERE {
  ?instance m:hasCoverage ?c ; rdfs:label ?name .
  ?c m:territory ?territory .
  <https://w3id.org/maillage/commune/31395> m:within ?territory .
} ORDER BY ?instance"""


def _load(geo, documents: Path) -> None:
    from ingest import national_sources, seats

    for source in national_sources.sources()[0]:
        desc, reader = source.description, source.read
        times = []
        for _ in range(3):
            started = time.perf_counter()
            path, digest, problem = seats.file_of(desc, documents)
            assert problem is None and path is not None, problem
            read = reader(desc, path, digest, geo)
            text = seats.seat_triples(read)
            times.append(time.perf_counter() - started)
        best = min(times)
        print(f"{desc['source']}: {read.rows} lignes → {len(read.seats)} sièges, {text.count(chr(10))} triplets, "
              f"{best:.3f} s (meilleur de 3) = {read.rows / best:,.0f} lignes/s")


def _p50(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    from core.settings import Settings
    from ingest import geography
    from ingest.build import build
    from store.builds import current_build

    print(f"charge : {os.getloadavg()[0]:.2f}")
    tmp = None
    settings = Settings.from_env(data_dir=args.data_dir) if args.data_dir else None
    if settings is None:
        tmp = Path(tempfile.mkdtemp(prefix="bench-national-"))
        settings = Settings.from_env(data_dir=tmp, backend="embedded")
        build(settings)
    try:
        geo = geography.load(settings.geography)
        _load(geo, settings.documents)

        import pyoxigraph as ox
        from running import running_service

        store = ox.Store.read_only(str(current_build(settings.data_dir) / "oxigraph"))
        rows = len(list(store.query(QUERY)))
        inproc, endpoint = [], []
        with running_service(settings) as url:
            target = url + "/sparql?" + urllib.parse.urlencode({"query": QUERY})
            request = urllib.request.Request(target, headers={"Accept": "application/sparql-results+json"})
            for _ in range(5):  # warm-up: the worker processes start on first use
                urllib.request.urlopen(request).read()
                list(store.query(QUERY))
            # Interleaved, so that both ways see the same load of a shared machine.
            for _ in range(args.rounds):
                started = time.perf_counter()
                list(store.query(QUERY))
                inproc.append(time.perf_counter() - started)
                started = time.perf_counter()
                with urllib.request.urlopen(request) as response:
                    response.read()
                endpoint.append(time.perf_counter() - started)
        print(f"SPARQL ({rows} lignes, {args.rounds} fois) : point d'accès p50 {_p50(endpoint):.2f} ms, "
              f"en processus p50 {_p50(inproc):.3f} ms, rapport {_p50(endpoint) / _p50(inproc):.1f}×")
        print(f"charge : {os.getloadavg()[0]:.2f}")
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
