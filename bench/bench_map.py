"""Benchmark: the map's data for a whole région in one request, against one request per département.

Run: ``.venv/bin/python bench/bench_map.py [--data-dir var] [--rounds 15]`` (without ``--data-dir``, a
national build is made first in a temporary folder).

The map of Occitanie needs the state of each of its communes: one request to
``/v1/layers/coverage?territory=region:76`` (what the map sends for a région view), or one per
département (``territory=departement:09``, ``…:11``… the 13 of them, what a map limited to one
département would have needed). Both are timed over HTTP against the real service (uvicorn on
loopback, started here on the national build), alternately, ``--rounds`` times, with a
few filters (type, ages, date) so that no answer is the same twice in a row. Printed: the p50 of each
and their ratio ``région / (13 départements)`` — goal ≤ 0.5 — and the région's absolute p50 — goal
≤ 150 ms. Nothing is asserted: a measurement on a shared machine (the load average is printed).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the service harness the tests use
sys.path.insert(0, str(ROOT / "bench"))
FILTERS = [{"type": "DAC", "on": "2024-06-01"}, {"type": "ILC", "ages": "0-12", "on": "2020-06-01"},
           {"on": "2024-06-01"}, {"type": "CPTS", "on": "2023-01-01"}]


def _get(url: str, territory: str, filters: dict) -> int:
    query = urllib.parse.urlencode({"territory": territory, **filters})
    with urllib.request.urlopen(f"{url}/v1/layers/coverage?{query}", timeout=60) as response:
        return len(json.loads(response.read())["communes"])


def main() -> None:
    from _national import national_settings, parser_for
    from running import running_service

    parser = parser_for(__doc__)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    settings, tmp = national_settings(args.data_dir, "maillage-bench-map-", args.registry)
    try:
        _measure(settings, args.rounds, running_service)
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


def _measure(settings, rounds: int, running_service) -> None:
    print(f"charge moyenne au début : {os.getloadavg()[0]:.2f}")
    with running_service(settings) as url:
        departements = sorted({c["code"][:2] for c in json.loads(urllib.request.urlopen(
            f"{url}/v1/layers/coverage?territory=region:76").read())["communes"]})
        region_times, split_times = [], []
        for filters in FILTERS:  # warm-up: every path taken once
            _get(url, "region:76", filters)
        for n in range(rounds):
            filters = FILTERS[n % len(FILTERS)]
            started = time.perf_counter()
            whole = _get(url, "region:76", filters)
            region_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            parts = sum(_get(url, f"departement:{d}", filters) for d in departements)
            split_times.append(time.perf_counter() - started)
            assert whole == parts, (whole, parts)
    region, split = statistics.median(region_times), statistics.median(split_times)
    print(f"Occitanie : {whole} communes, {len(departements)} départements, {rounds} tours")
    print(f"  une requête région:76       p50 {region * 1000:8.1f} ms   (objectif ≤ 150 ms)")
    print(f"  {len(departements)} requêtes département    p50 {split * 1000:8.1f} ms")
    print(f"  rapport région / départements : {region / split:.2f}   (objectif ≤ 0,5)")
    print(f"charge moyenne à la fin : {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
