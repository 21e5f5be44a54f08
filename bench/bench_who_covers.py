"""Benchmark: the coverage question ("who covers this commune, for these ages, on this date?") in-process.

Run: ``.venv/bin/python bench/bench_who_covers.py [--data-dir DIR] [--naive N]``

* **Maillage** — a national build of the real registry (made in a temporary data folder, or the one
  given by ``--data-dir``), opened through ``open_backend`` (embedded Oxigraph store). Timed: the full
  question ``who_covers(backend, code, ages, on=date)`` (place resolution, the ``who_covers.rq`` query,
  the cards) and the raw query alone ``backend.run("who_covers", ...)``, over a deterministic workload
  of (commune, age band, date) drawn with ``random.Random(0)`` from Haute-Garonne (31), Lozère (48) and
  the rest of France, after a warm-up pass.
* **Naive baseline** — the same national graph in ONE rdflib ``Graph`` (geography, registry,
  vocabulary, custom-territory membership; only the build's ``m:card`` JSON is absent), queried with
  SPARQL that computes membership with property paths instead of the materialised ``m:within``:
  the commune itself or its EPCI, département or région (``m:inEpci``, ``m:inDepartement``,
  ``m:inDepartement/m:inRegion``), or a custom territory that has the commune or its EPCI as
  ``m:member``; same age-overlap and date filters; parameters bound with ``initBindings``. It is slow,
  so it runs on the first ``--naive`` cases of the workload; its coverage IRIs are compared with those
  of Maillage's ``who_covers`` query for the same cases.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AGES = ["0-12", "13-17", "18-59", "60-120", "0-120", "16-25"]
DATES = ["2019-06-01", "2022-01-01", "2024-06-01", "2026-11-23"]
CASES = 240
ROUNDS = 3  # timed passes over the workload for Maillage
NAIVE_QUERY = """
PREFIX m: <https://w3id.org/maillage/ontology#>
SELECT DISTINCT ?coverage WHERE {
  { ?commune (m:inEpci | m:inDepartement | m:inDepartement/m:inRegion)? ?territory }
  UNION
  { ?commune m:inEpci? ?member . ?territory m:member ?member }
  ?coverage m:territory ?territory ; m:minAge ?min ; m:maxAge ?max .
  FILTER(?min <= ?maxAge && ?max >= ?minAge)
  OPTIONAL { ?coverage m:validFrom ?from }
  OPTIONAL { ?coverage m:validTo ?to }
  FILTER(!BOUND(?from) || ?from <= ?on)
  FILTER(!BOUND(?to) || ?to >= ?on)
  ?instance m:hasCoverage ?coverage .
}
"""


#: Communes put first, so that the naive comparison meets every level: commune (Toulouse, Colomiers),
#: EPCI (Florac, CC Gorges Causses Cévennes), custom territory through an EPCI member (Muret, Langogne).
LANDMARKS = ["31555", "31149", "48061", "31395", "48080", "48095"]


def workload(geo, size: int = CASES) -> list[tuple[str, str, dt.date]]:
    """(commune code, age band, date): the landmarks, then ``size`` cases: 40 % in the 31, 30 % in the
    48, 30 % elsewhere."""
    rng = random.Random(0)
    head = [(c, rng.choice(AGES), dt.date.fromisoformat(rng.choice(DATES))) for c in LANDMARKS]
    codes = sorted(geo.communes)
    pools = [
        ([c for c in codes if geo.communes[c].departement == "31"], 0.4),
        ([c for c in codes if geo.communes[c].departement == "48"], 0.3),
        ([c for c in codes if geo.communes[c].departement not in ("31", "48")], 0.3),
    ]
    cases = []
    for pool, share in pools:
        for _ in range(round(size * share)):
            cases.append((rng.choice(pool), rng.choice(AGES), dt.date.fromisoformat(rng.choice(DATES))))
    rng.shuffle(cases)
    return head + cases


def ms(seconds: list[float], q: float) -> float:
    ordered = sorted(seconds)
    return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def timed(fns, cases, rounds: int = 1) -> list[list[float]]:
    """Seconds per call of each of ``fns`` over ``cases``; the functions alternate on each case, so a
    change of machine load during the run weighs on all of them alike."""
    out: list[list[float]] = [[] for _ in fns]
    for _ in range(rounds):
        for case in cases:
            for fn, times in zip(fns, out):
                started = time.perf_counter()
                fn(*case)
                times.append(time.perf_counter() - started)
    return out


def main() -> None:
    from _national import national_settings, parser_for

    parser = parser_for(__doc__)
    parser.add_argument("--naive", type=int, default=30, help="cases run on the naive baseline (default 30)")
    parser.add_argument("--cases", type=int, default=CASES, help=f"cases drawn after the landmarks (default {CASES})")
    args = parser.parse_args()

    from _naive import naive_graph
    from rdflib import Literal, URIRef
    from rdflib.plugins.sparql import prepareQuery

    from core.namespaces import iri
    from core.terms import parse_ages
    from ingest import geography
    from queries.coverage import who_covers
    from store.session import open_backend

    load = os.getloadavg()
    settings, tmp = national_settings(args.data_dir, "maillage-bench-who-", args.registry)
    try:
        backend = open_backend(settings)
        cases = workload(geography.load(settings.geography), args.cases)

        def full(code, ages, on):
            return who_covers(backend, code, ages, on=on)

        def raw(code, ages, on):
            band = parse_ages(ages)
            return backend.run("who_covers", commune=iri("commune", code), minAge=band.min,
                               maxAge=band.max, on=on, public=None)

        timed([full, raw], cases)  # warm-up
        full_s, raw_s = timed([full, raw], cases, ROUNDS)
        answers = sum(len(entry.coverages) for c in cases for entry in full(*c).instances)
        disk = backend
        # The HTTP service's way: the same store copied into memory at start (store_in_memory=auto),
        # and the coverage tables read once (queries/coverage_index.py), which who_covers() then uses.
        backend = open_backend(settings, long_lived=True)
        started = time.perf_counter()
        backend.warm()
        index_s = time.perf_counter() - started
        timed([full, raw], cases)  # warm-up
        mem_full_s, mem_raw_s = timed([full, raw], cases, ROUNDS)
        disk.close()

        print("Loading the naive rdflib Graph…", flush=True)
        started = time.perf_counter()
        graph = naive_graph(settings)
        load_s = time.perf_counter() - started
        query = prepareQuery(NAIVE_QUERY)

        def naive(code, ages, on):
            band = parse_ages(ages)
            bindings = {"commune": URIRef(iri("commune", code)), "minAge": Literal(band.min),
                        "maxAge": Literal(band.max), "on": Literal(on)}
            return {str(r.coverage) for r in graph.query(query, initBindings=bindings)}

        subset = cases[: args.naive]
        naive(*subset[0])  # warm-up
        (naive_s,) = timed([naive], subset)
        differing, nonempty = [], 0
        for case in subset:
            expected = {r["coverage"] for r in raw(*case)}
            indexed = {iri("instance", area.coverage_id) for entry in full(*case).instances for area in entry.coverages}
            nonempty += bool(expected)
            got = naive(*case)
            if got != expected or indexed != expected:
                differing.append((case, sorted(expected - got), sorted(got - expected)))
        backend.close()
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)

    print()
    print(f"Machine load average (1 min) at start / end: {load[0]:.2f} / {os.getloadavg()[0]:.2f}")
    print(f"Workload: {len(cases)} cases ({len(LANDMARKS)} landmark communes, then 31, 48, rest of France × "
          f"{len(AGES)} age bands × {len(DATES)} dates), "
          f"{answers} coverages answered in all; Maillage timed over {ROUNDS} passes.")
    print(f"The server's coverage index (read once at start): {index_s:.2f} s.")
    print(f"Naive baseline on the first {len(subset)} cases ({nonempty} with at least one coverage); "
          f"its graph: {len(graph):,} triples, read and parsed in {load_s:.1f} s.")
    print()
    print(f"{'':<46}{'p50 (ms)':>10}{'p99 (ms)':>10}")
    print(f"{'Maillage on disk, who_covers() (CLI)':<46}{ms(full_s, .5):>10.3f}{ms(full_s, .99):>10.3f}")
    print(f"{'Maillage on disk, backend.run(who_covers)':<46}{ms(raw_s, .5):>10.3f}{ms(raw_s, .99):>10.3f}")
    print(f"{'Maillage in memory + index, who_covers() (HTTP)':<46}{ms(mem_full_s, .5):>10.3f}{ms(mem_full_s, .99):>10.3f}")
    print(f"{'Maillage in memory, backend.run(who_covers)':<46}{ms(mem_raw_s, .5):>10.3f}{ms(mem_raw_s, .99):>10.3f}")
    print(f"{'Naive rdflib Graph + property paths':<46}{ms(naive_s, .5):>10.3f}{ms(naive_s, .99):>10.3f}")
    print()
    for mode, samples in (("on disk, named question (CLI)", full_s), ("in memory, index (HTTP)", mem_full_s)):
        p50 = ms(samples, .5)
        speedup = ms(naive_s, .5) / p50
        print(f"Maillage {mode}: p50 (full question) = {p50:.3f} ms (goal ≤ 1 ms: {'met' if p50 <= 1 else 'NOT met'}); "
              f"speed-up over naive = {speedup:.0f}× (goal ≥ 100×: {'met' if speedup >= 100 else 'NOT met'})")
    print(f"same answers: {'yes' if not differing else 'no'} ({len(subset)} cases compared, coverage IRIs of "
          "the naive query vs Maillage's who_covers query and its index)")
    for (code, ages, on), missing, extra in differing:
        print(f"  commune {code}, ages {ages}, on {on}: missing from naive {missing}, only in naive {extra}")


if __name__ == "__main__":
    main()
