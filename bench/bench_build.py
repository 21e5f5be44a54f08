"""Benchmark: the national build with its SHACL validation, against validating everything in one graph.

Run: ``.venv/bin/python bench/bench_build.py``  (about a few minutes; the naive baseline dominates)

On the synthetic national registry (10,173 instances)::

    .venv/bin/maillage synthetic var/synthetic
    .venv/bin/python bench/bench_build.py --registry var/synthetic/registry --naive-limit 1800

Each run in a fresh Python process (its collector tuned as ``maillage build``'s: ``core.collector``),
so that each one pays its own reads and its peak memory is its
own: the largest sum of the resident sets of the process and its worker processes, sampled every 50 ms
(``bench/_memory.py``; pages the workers share are counted in each):

* **Maillage, cold** — ``build(settings)`` of the real registry (``registry/``) into an empty data
  folder: the national geography is read; its store (kept in ``<data_dir>/cache``) is written in a
  thread while the registry and the geography are validated with pySHACL; then the Oxigraph store is
  published.
* **Maillage, warm** — a second ``build(settings)`` on the same data folder: the geography's verdict
  and store come from the cache; this is what a planner waits for after editing the registry.
* **Maillage, after an edit** — a copy of the registry with one date changed in one file, built on
  the same data folder: what a planner waits for after fixing one date.
* **Naive baseline** — what one would write first: read the same sources (``geography.load``,
  ``read_registry``), put the whole graph in ONE rdflib ``Graph`` (the geography's N-Triples, the
  registry graph, the vocabulary files and the materialised commune → custom-territory triples) and
  run ``pyshacl.validate(data, shacl_graph=shapes, inference="none")`` over all of it. It validates
  but writes no store, so it is a lower bound of a naive build.

The ratios are computed against the naive time measured in the same run; nothing is hard-coded. With
``--naive-limit`` the baseline is stopped after that many seconds, and the ratios printed are upper
bounds (the naive time is at least the limit).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _memory import TreePeak

ROOT = Path(__file__).resolve().parent.parent
REGISTRY = ROOT / "registry"
GOAL = 0.1
#: the issue's other goals for the synthetic national registry: a cold build's wall time and peak
#: memory, and a rebuild after one edit against the cold build
COLD_SECONDS, COLD_MIB, EDIT_GOAL = 40, 1536, 0.05
#: the edit of the "after an edit" run: the first ``from:`` date of the first file that has one
DATE = re.compile(rb"(\n\s*from: '?)(\d{4})(-\d\d-\d\d)")


def phase_maillage(data_dir: Path, registry: Path) -> dict:
    from ingest.build import build
    from core.collector import tuned_for_a_build
    from core.settings import Settings

    from core.errors import RegistryInvalid

    settings = Settings.from_env(data_dir=data_dir, registry=registry, backend="embedded")
    started = time.perf_counter()
    try:
        with tuned_for_a_build():  # as `maillage build` runs it
            info = build(settings)
    except RegistryInvalid as refused:
        return {"seconds": time.perf_counter() - started, "triples": 0, "coverages": 0, "problems": len(refused.problems)}
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "triples": info.triples, "coverages": info.coverages, "problems": 0}


def phase_naive(_data_dir: Path, registry: Path) -> dict:
    import pyshacl
    from rdflib import Graph

    from _naive import naive_graph

    from ontology import SHAPES_FILE
    from core.settings import Settings

    settings = Settings.from_env(registry=registry)
    started = time.perf_counter()
    data = naive_graph(settings)
    loaded = time.perf_counter() - started
    conforms, _report, _text = pyshacl.validate(data, shacl_graph=Graph().parse(SHAPES_FILE), inference="none")
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "load": loaded, "triples": len(data), "conforms": bool(conforms)}


PHASES = {"cold": phase_maillage, "warm": phase_maillage, "edit": phase_maillage, "naive": phase_naive,
          "compare": None}


def run_child(phase: str, data_dir: Path, registry: Path, limit: float | None = None, other: Path | None = None) -> dict:
    """Run one phase in a fresh interpreter; it prints one JSON line with its figures. Stopped after
    ``limit`` seconds: ``{"stopped": limit}``."""
    extra = ["--other", str(other)] if other is not None else []
    try:
        done = subprocess.run(
            [sys.executable, __file__, "--phase", phase, "--data-dir", str(data_dir), "--registry", str(registry), *extra],
            check=True, capture_output=True, text=True, timeout=limit,
        )
    except subprocess.TimeoutExpired:
        return {"stopped": limit, "seconds": limit, "peak_mib": float("nan"), "load": float("nan"),
                "triples": 0, "conforms": None}
    return json.loads(done.stdout.strip().splitlines()[-1])


def phase_compare(first: Path, second: Path) -> dict:
    """Whether the live stores of two data folders hold the same triples."""
    import pyoxigraph as ox

    from store.builds import current_build

    def triples(data_dir: Path) -> set:
        store = ox.Store.read_only(str(current_build(data_dir) / "oxigraph"))
        return {str(q) for q in store.quads_for_pattern(None, None, None, None)}

    a, b = triples(first), triples(second)
    return {"same": a == b, "triples": len(a), "only_first": len(a - b), "only_second": len(b - a)}


def edited_copy(registry: Path, folder: Path, years: int = 1) -> str:
    """A copy of ``registry`` in ``folder`` with one date moved ``years`` earlier, in its largest file
    (the most a rebuild reads again); what was edited."""
    shutil.copytree(registry, folder)
    for path in sorted(folder.glob("*.yaml"), key=lambda p: (-p.stat().st_size, p.name)):
        raw = path.read_bytes()
        found = DATE.search(raw)
        if found:
            year = int(found.group(2)) - years
            path.write_bytes(raw[:found.start(2)] + str(year).encode() + raw[found.end(2):])
            return f"{path.name}: from {found.group(2).decode()}{found.group(3).decode()} → {year}{found.group(3).decode()}"
    raise SystemExit(f"{registry}: no `from:` date to edit")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phase", choices=PHASES, help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--other", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--registry", type=Path, default=REGISTRY, help="the registry folder (default: registry/)")
    parser.add_argument("--naive-limit", type=float, help="stop the naive baseline after this many seconds")
    args = parser.parse_args()
    registry = args.registry.resolve()
    if args.phase == "compare":
        print(json.dumps(phase_compare(args.data_dir, args.other)))
        return
    if args.phase:  # child process
        with TreePeak() as peak:
            figures = PHASES[args.phase](args.data_dir, registry)
        figures["peak_mib"] = peak.mib
        print(json.dumps(figures))
        return

    tmp = Path(tempfile.mkdtemp(prefix="maillage-bench-build-"))
    try:
        data_dir = tmp / "var"
        print(f"Registry: {registry}", flush=True)
        print("Maillage, cold build (empty data folder)…", flush=True)
        cold = run_child("cold", data_dir, registry)
        print("Maillage, warm build (same data folder, cache present)…", flush=True)
        warm = run_child("warm", data_dir, registry)
        edit = edited_copy(registry, tmp / "registry-edited")
        print(f"Maillage, after an edit ({edit})…", flush=True)
        edited = run_child("edit", data_dir, tmp / "registry-edited")
        print("Maillage, cold build of the edited registry (another empty data folder)…", flush=True)
        edited_cold = run_child("cold", tmp / "var-edited", tmp / "registry-edited")
        same = run_child("compare", data_dir, tmp / "registry-edited", other=tmp / "var-edited")
        print("Naive baseline (one rdflib Graph, pySHACL over everything)…", flush=True)
        naive = run_child("naive", data_dir, registry, args.naive_limit)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    print()
    stopped = "stopped" in naive
    print(f"National graph: {cold['triples']:,} triples in the store, {cold['coverages']} coverages; "
          + (f"naive stopped after {naive['stopped']:.0f} s" if stopped
             else f"naive graph {naive['triples']:,} triples, conforms={naive['conforms']}"))
    print()
    print(f"{'run':<44}{'wall (s)':>10}{'peak RSS (MiB)':>16}")
    rows = (
        ("Maillage, cold (validate geography + build)", cold),
        ("Maillage, warm (cache present)", warm),
        ("Maillage, after one date edited", edited),
        ("Naive: one rdflib Graph + pySHACL" + (" (stopped)" if stopped else ""), naive),
    )
    for label, figures in rows:
        print(f"{label:<44}{figures['seconds']:>10.2f}{figures['peak_mib']:>16.0f}")
    if not stopped:
        print(f"{'  of which naive read + parse':<44}{naive['load']:>10.2f}")
    print()
    bound = "<" if stopped else "="
    for label, figures in (("cold / naive", cold), ("warm / naive", warm)):
        ratio = figures["seconds"] / naive["seconds"]
        print(f"{label:<14} {bound} {ratio:.3f}   (goal ≤ {GOAL}: {_met(ratio <= GOAL)})")
    print(f"{'cold':<14} = {cold['seconds']:.1f} s, {cold['peak_mib']:.0f} MiB   (goal ≤ {COLD_SECONDS} s: "
          f"{_met(cold['seconds'] <= COLD_SECONDS)}; ≤ {COLD_MIB} MiB: {_met(cold['peak_mib'] <= COLD_MIB)})")
    ratio = edited["seconds"] / cold["seconds"]
    print(f"{'edit / cold':<14} = {ratio:.3f}   (goal ≤ {EDIT_GOAL}: {_met(ratio <= EDIT_GOAL)})")
    print(f"after the edit: {edited['problems']} problem(s) against {edited_cold['problems']} for a cold build of the "
          f"edited registry; same graph: {same['same']} ({same['triples']:,} triples, "
          f"{same['only_first']} only in the rebuild, {same['only_second']} only in the cold build)")


def _met(ok: bool) -> str:
    return "met" if ok else "NOT met"


if __name__ == "__main__":
    main()
