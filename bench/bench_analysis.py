"""Benchmark: overlaps + gaps + network measures on the synthetic national registry, against a naive
pairwise comparison of all instances.

Run: ``.venv/bin/python bench/bench_analysis.py [--folder var/synthetic]``

The synthetic registry (``maillage synthetic``, seed 2026: about 10,000 instances over every
département) is generated and built into ``<folder>/data`` unless a build of exactly these files is
already there (the build records the SHA-256 of each registry file); with ``--fresh`` it is built
in the same run whatever is there, and the build's wall time is printed (about 2.5 min on 2 cores).

Two runs, each in a fresh Python process (so each peak RSS, ``ru_maxrss``, is its own), both on the
same analysis tables read from the same build (the read is timed apart):

* **Maillage** — ``overlaps(data)`` (coverages grouped by territory, territories by shared communes), ``gaps`` for every
  expectation over all of France, and ``network.measures`` over all of France;
* **Naive** — every pair of instances compared: for each pair whose types overlap, each pair of their
  coverages is tested (commune sets intersected, then ages, publics, period); the gaps and network
  measures are the same functions as Maillage's, so the ratio compares the overlap search alone plus
  the shared work.

Both runs' overlaps and gaps are checked against the generator's ground truth (``truth.json``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import resource
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_SECONDS, GOAL_RATIO = 5.0, 0.1
ON = dt.date(2025, 6, 1)


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def ensure_build(folder: Path, fresh: bool = False) -> float | None:
    """Generate and build the registry in ``folder`` if needed (always with ``fresh``); the build's
    wall time, or None when a build of exactly these files was there."""
    from store.builds import current_build
    from ingest.geography import load
    from ingest.synthetic import generate, write
    from core.settings import Settings

    settings = Settings.from_env(registry=folder / "registry", data_dir=folder / "data", backend="embedded")
    if not (folder / "truth.json").exists():
        print("Generating the synthetic national registry…", flush=True)
        write(*generate(load(settings.geography)), folder)
    if fresh:
        shutil.rmtree(settings.data_dir, ignore_errors=True)
    current = current_build(settings.data_dir)
    if current is not None:
        recorded = json.loads((current / "build.json").read_text())["registry_files"]
        actual = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in settings.registry.glob("*.yaml")}
        if recorded == actual:
            return None
    print("Building it…", flush=True)
    started = time.perf_counter()
    # In a process of its own: a child keeps its parent's peak RSS across exec on Linux, and the
    # runs measured below would report the build's.
    subprocess.run([sys.executable, "-m", "cli", "--registry", str(settings.registry), "--data-dir",
                    str(settings.data_dir), "--backend", "embedded", "build"], check=True)
    return time.perf_counter() - started


def naive_overlaps(data) -> set[tuple[str, str]]:
    """Every pair of instances, every pair of their coverages: the first thing one would write."""
    from analysis.overlaps import _pair_ok

    by_instance = defaultdict(list)
    for c in data.coverages:
        by_instance[c.instance].append(c)
    instances = sorted(by_instance)
    found = set()
    for i, a in enumerate(instances):
        for b in instances[i + 1:]:
            x0, y0 = by_instance[a][0], by_instance[b][0]
            if not data.functions_overlap(x0.type, y0.type):
                continue
            for x in by_instance[a]:
                for y in by_instance[b]:
                    if data.communes_of(x.territory) & data.communes_of(y.territory) and _pair_ok(data, x, y, None):
                        found.add((a, b))
    return found


def phase(name: str, folder: Path) -> dict:
    from analysis import gaps, network, overlaps
    from analysis import load
    from store.session import open_backend
    from core.settings import Settings

    settings = Settings.from_env(data_dir=folder / "data", backend="embedded", store_in_memory="yes")
    started = time.perf_counter()
    data = load(open_backend(settings, long_lived=True))
    read = time.perf_counter() - started
    started = time.perf_counter()
    if name == "maillage":
        pairs = {(o.a, o.b) for o in overlaps.overlaps(data)}
    else:
        pairs = naive_overlaps(data)
    overlap_seconds = time.perf_counter() - started
    specs = gaps.specs_for(data)
    reports = gaps.gaps(data, frozenset(data.communes), specs, ON)
    scores, redundancies = network.measures(data)
    seconds = time.perf_counter() - started
    found_gaps = {f"{r.departement}|{r.type}": r.communes for r in reports}
    return {
        "seconds": seconds, "overlap_seconds": overlap_seconds, "read": read,
        "instances": len({c.instance for c in data.coverages}), "coverages": len(data.coverages),
        "actors": len(scores), "redundancies": len(redundancies),
        "overlaps": sorted(pairs), "gaps": {k: v[gaps.GAP] for k, v in found_gaps.items() if v[gaps.GAP]},
        "unknown": {k: v[gaps.UNKNOWN] for k, v in found_gaps.items() if v[gaps.UNKNOWN]},
    }


def run_child(name: str, folder: Path) -> dict:
    done = subprocess.run([sys.executable, __file__, "--phase", name, "--folder", str(folder)],
                          check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def check(figures: dict, truth: dict) -> str:
    planted = {tuple(p) for p in truth["overlaps"]}
    found = {tuple(p) for p in figures["overlaps"]}
    ok = (found == planted and figures["gaps"] == truth["gaps"] and figures["unknown"] == truth["unknown"])
    return (f"overlaps {len(found & planted)}/{len(planted)} planted found, {len(found - planted)} not planted; "
            f"gaps {'=' if figures['gaps'] == truth['gaps'] else '≠'} truth; unknown "
            f"{'=' if figures['unknown'] == truth['unknown'] else '≠'} truth → {'OK' if ok else 'MISMATCH'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phase", choices=("maillage", "naive"), help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, default=ROOT / "var" / "synthetic")
    parser.add_argument("--fresh", action="store_true", help="build the registry in this run, even if a build is there")
    args = parser.parse_args()
    if args.phase:
        figures = phase(args.phase, args.folder)
        figures["peak_mib"] = _peak_mib()
        print(json.dumps(figures))
        return
    built = ensure_build(args.folder, args.fresh)
    truth = json.loads((args.folder / "truth.json").read_text())
    print("Maillage…", flush=True)
    ours = run_child("maillage", args.folder)
    print("Naive pairwise baseline…", flush=True)
    naive = run_child("naive", args.folder)
    print()
    print(f"Synthetic national registry: {ours['instances']:,} instances, {ours['coverages']:,} coverages, "
          f"{ours['actors']} actors (seed {truth['seed']})")
    if built is not None:
        print(f"Built from the registry in this run: {built:.1f} s")
    print(f"Tables read from the store (in memory), not counted below: {ours['read']:.2f} s")
    print()
    print(f"{'run':<38}{'overlaps (s)':>13}{'total (s)':>11}{'peak RSS (MiB)':>16}")
    for label, f in (("Maillage (touching territories)", ours), ("Naive (every pair of instances)", naive)):
        print(f"{label:<38}{f['overlap_seconds']:>13.2f}{f['seconds']:>11.2f}{f['peak_mib']:>16.0f}")
    print()
    print("Maillage: " + check(ours, truth))
    print("Naive:    " + check(naive, truth))
    ratio = ours["seconds"] / naive["seconds"]
    print()
    print(f"total = {ours['seconds']:.2f} s   (goal ≤ {GOAL_SECONDS} s: {'met' if ours['seconds'] <= GOAL_SECONDS else 'NOT met'})")
    print(f"Maillage / naive = {ratio:.3f}   (goal ≤ {GOAL_RATIO}: {'met' if ratio <= GOAL_RATIO else 'NOT met'})")


if __name__ == "__main__":
    main()
