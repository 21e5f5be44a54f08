"""Benchmark: the national build with its SHACL validation, against validating everything in one graph.

Run: ``.venv/bin/python bench/bench_build.py``  (about a few minutes; the naive baseline dominates)

Three runs, each in a fresh Python process, so that each one pays its own reads and its peak memory
(``ru_maxrss``) is its own:

* **Maillage, cold** — ``build(settings)`` of the real registry (``registry/``) into an empty data
  folder: the national geography is read; its store (kept in ``<data_dir>/cache``) is written in a
  thread while the registry and the geography are validated with pySHACL; then the Oxigraph store is
  published.
* **Maillage, warm** — a second ``build(settings)`` on the same data folder: the geography's verdict
  and store come from the cache; this is what a planner waits for after editing the registry.
* **Naive baseline** — what one would write first: read the same sources (``geography.load``,
  ``read_registry``), put the whole graph in ONE rdflib ``Graph`` (the geography's N-Triples, the
  registry graph, the vocabulary files and the materialised commune → custom-territory triples) and
  run ``pyshacl.validate(data, shacl_graph=shapes, inference="none")`` over all of it. It validates
  but writes no store, so it is a lower bound of a naive build.

The ratios are computed against the naive time measured in the same run; nothing is hard-coded.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REGISTRY = ROOT / "registry"
GOAL = 0.2


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def phase_maillage(data_dir: Path) -> dict:
    from maillage.ingest.build import build
    from maillage.core.settings import Settings

    settings = Settings.from_env(data_dir=data_dir, registry=REGISTRY, backend="embedded")
    started = time.perf_counter()
    info = build(settings)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "triples": info.triples, "coverages": info.coverages}


def phase_naive(_data_dir: Path) -> dict:
    import pyshacl
    from rdflib import Graph

    from _naive import naive_graph

    from maillage.ontology import SHAPES_FILE
    from maillage.core.settings import Settings

    settings = Settings.from_env(registry=REGISTRY)
    started = time.perf_counter()
    data = naive_graph(settings)
    loaded = time.perf_counter() - started
    conforms, _report, _text = pyshacl.validate(data, shacl_graph=Graph().parse(SHAPES_FILE), inference="none")
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "load": loaded, "triples": len(data), "conforms": bool(conforms)}


PHASES = {"cold": phase_maillage, "warm": phase_maillage, "naive": phase_naive}


def run_child(phase: str, data_dir: Path) -> dict:
    """Run one phase in a fresh interpreter; it prints one JSON line with its figures."""
    done = subprocess.run(
        [sys.executable, __file__, "--phase", phase, "--data-dir", str(data_dir)],
        check=True, capture_output=True, text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phase", choices=PHASES, help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:  # child process
        figures = PHASES[args.phase](args.data_dir)
        figures["peak_mib"] = _peak_mib()
        print(json.dumps(figures))
        return

    tmp = Path(tempfile.mkdtemp(prefix="maillage-bench-build-"))
    try:
        data_dir = tmp / "var"
        print("Maillage, cold build (empty data folder)…", flush=True)
        cold = run_child("cold", data_dir)
        print("Maillage, warm build (same data folder, cache present)…", flush=True)
        warm = run_child("warm", data_dir)
        print("Naive baseline (one rdflib Graph, pySHACL over everything)…", flush=True)
        naive = run_child("naive", data_dir)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    print()
    print(f"National graph: {cold['triples']:,} triples in the store, {cold['coverages']} coverages; "
          f"naive graph {naive['triples']:,} triples, conforms={naive['conforms']}")
    print()
    print(f"{'run':<44}{'wall (s)':>10}{'peak RSS (MiB)':>16}")
    rows = (
        ("Maillage, cold (validate geography + build)", cold),
        ("Maillage, warm (cache present)", warm),
        ("Naive: one rdflib Graph + pySHACL", naive),
    )
    for label, figures in rows:
        print(f"{label:<44}{figures['seconds']:>10.2f}{figures['peak_mib']:>16.0f}")
    print(f"{'  of which naive read + parse':<44}{naive['load']:>10.2f}")
    print()
    for label, figures in (("cold / naive", cold), ("warm / naive", warm)):
        ratio = figures["seconds"] / naive["seconds"]
        verdict = "met" if ratio <= GOAL else "NOT met"
        print(f"{label:<14} = {ratio:.3f}   (goal ≤ {GOAL}: {verdict})")


if __name__ == "__main__":
    main()
