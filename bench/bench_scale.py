"""Benchmark: the synthetic national registry built cold, rebuilt after one edit, against the naive baseline.

Run: ``.venv/bin/python bench/bench_scale.py [--registry DIR] [--no-naive]``  (several minutes; GBs)

The registry is the synthetic national one (``maillage synthetic``: 10,173 instances), generated into a
temporary folder unless ``--registry`` names one. Each run is a fresh Python process, so its wall time
and peak memory (its own ``ru_maxrss`` and its worker processes', ``RUSAGE_CHILDREN``) are its own:

* **cold** — ``build(settings)`` into an empty data folder: geography validated and its store written,
  every registry file read and validated on its own in worker processes (``ingest/file_verdicts.py``),
  the store published;
* **edit** — one date changed in one file (the first coverage start of Occitanie's file, the largest),
  then ``build`` on the same data folder: only that file is read and validated again;
* **cold of the edited registry** — a cold build of the edited registry in another empty folder; the
  two published stores are compared triple by triple (``same graph``);
* **naive** — the whole registry and geography in one rdflib graph, pySHACL over all of it (as
  ``bench_build.py``'s baseline; ``--no-naive`` leaves it out: it takes minutes and about 3 GB).

Printed: each run's wall time and peak RSS, the ratios cold/naive (goal ≤ 0.1) and edit/cold
(goal ≤ 0.05), and whether the edited build's graph equals the cold build's.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
EDITED = "region-76.yaml"


def _peak_mib() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def _settings(registry: Path, data_dir: Path):
    from maillage.core.settings import Settings

    return Settings.from_env(data_dir=data_dir, registry=registry, backend="embedded")


def phase_build(registry: Path, data_dir: Path) -> dict:
    from maillage.ingest.build import build

    started = time.perf_counter()
    info = build(_settings(registry, data_dir), progress=lambda text: print(text, file=sys.stderr, flush=True))
    return {"seconds": time.perf_counter() - started, "triples": info.triples, "instances": info.instances,
            "coverages": info.coverages}


def phase_naive(registry: Path, _data_dir: Path) -> dict:
    import pyshacl
    from rdflib import Graph

    from _naive import naive_graph
    from maillage.ontology import SHAPES_FILE

    started = time.perf_counter()
    data = naive_graph(_settings(registry, _data_dir))
    conforms, _report, _text = pyshacl.validate(data, shacl_graph=Graph().parse(SHAPES_FILE), inference="none")
    return {"seconds": time.perf_counter() - started, "triples": len(data), "conforms": bool(conforms)}


def phase_compare(first: Path, second: Path) -> dict:
    """Whether two data folders' live stores hold the same triples."""
    import pyoxigraph as ox

    from maillage.store.builds import current_build

    def triples(data_dir: Path) -> set:
        store = ox.Store.read_only(str(current_build(data_dir) / "oxigraph"))
        return {str(q) for q in store.quads_for_pattern(None, None, None, None)}

    a, b = triples(first), triples(second)
    return {"same": a == b, "triples": len(a), "only_first": len(a - b), "only_second": len(b - a)}


PHASES = {"build": phase_build, "naive": phase_naive}


def _child(*args: str) -> dict:
    done = subprocess.run([sys.executable, __file__, *args], check=True, stdout=subprocess.PIPE, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _edit(registry: Path) -> None:
    """One date changed in one file: the first coverage's start in Occitanie's file."""
    path = registry / EDITED
    text = path.read_text(encoding="utf-8")
    old = "from: '2020-01-01'"
    assert old in text, f"{EDITED}: no « {old} » to edit"
    path.write_text(text.replace(old, "from: '2020-01-02'", 1), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phase", choices=[*PHASES, "compare"], help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--other", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--registry", type=Path, help="a synthetic registry folder (default: generate one)")
    parser.add_argument("--no-naive", action="store_true", help="leave the naive baseline out")
    args = parser.parse_args()
    if args.phase == "compare":
        print(json.dumps(phase_compare(args.data_dir, args.other)))
        return
    if args.phase:
        figures = PHASES[args.phase](args.registry, args.data_dir)
        figures["peak_mib"], figures["workers_peak_mib"] = _peak_mib()
        print(json.dumps(figures))
        return

    tmp = Path(tempfile.mkdtemp(prefix="maillage-bench-scale-"))
    try:
        registry = tmp / "registry"
        if args.registry:
            shutil.copytree(args.registry, registry)
        else:
            from maillage.core.settings import Settings
            from maillage.ingest.geography import load
            from maillage.ingest.synthetic import generate, write

            docs, truth = generate(load(Settings.from_env().geography))
            write(docs, truth, tmp)
        print(f"charge au départ : {os.getloadavg()[0]:.2f}", flush=True)
        print("Construction à froid (dossier de données vide)…", flush=True)
        cold = _child("--phase", "build", "--registry", str(registry), "--data-dir", str(tmp / "a"))
        _edit(registry)
        print(f"Une date changée dans {EDITED}, reconstruction…", flush=True)
        edit = _child("--phase", "build", "--registry", str(registry), "--data-dir", str(tmp / "a"))
        print("Construction à froid du registre modifié (pour comparer les graphes)…", flush=True)
        again = _child("--phase", "build", "--registry", str(registry), "--data-dir", str(tmp / "b"))
        same = _child("--phase", "compare", "--data-dir", str(tmp / "a"), "--other", str(tmp / "b"))
        naive = None
        if not args.no_naive:
            print("Référence naïve (un graphe rdflib, pySHACL sur tout)…", flush=True)
            naive = _child("--phase", "naive", "--registry", str(registry), "--data-dir", str(tmp / "a"))
        print(f"charge à la fin : {os.getloadavg()[0]:.2f}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    print()
    print(f"Registre : {cold['instances']} dispositifs, {cold['coverages']} couvertures ; "
          f"{cold['triples']:,} triplets publiés".replace(",", "\u202f"))
    print(f"{'run':<46}{'wall (s)':>10}{'peak RSS (MiB)':>16}{'workers (MiB)':>15}")
    rows = [("cold build (file by file, worker processes)", cold), ("rebuild after one date edited", edit),
            ("cold build of the edited registry", again)]
    if naive:
        rows.append(("naive: one rdflib Graph + pySHACL", naive))
    for label, figures in rows:
        print(f"{label:<46}{figures['seconds']:>10.2f}{figures['peak_mib']:>16.0f}{figures['workers_peak_mib']:>15.0f}")
    print()
    if naive:
        ratio = cold["seconds"] / naive["seconds"]
        print(f"cold / naive = {ratio:.3f}   (goal ≤ 0.1: {'met' if ratio <= 0.1 else 'NOT met'}; "
              f"≤ 40 s: {'met' if cold['seconds'] <= 40 else 'NOT met'})")
    ratio = edit["seconds"] / cold["seconds"]
    print(f"edit / cold  = {ratio:.3f}   (goal ≤ 0.05: {'met' if ratio <= 0.05 else 'NOT met'})")
    print(f"same graph as a cold build of the edited registry: {'yes' if same['same'] else 'NO'} "
          f"({same['triples']} triples; {same['only_first']} only in the rebuild, {same['only_second']} only in the cold build)")


if __name__ == "__main__":
    main()
