"""Whole-process time of a one-shot question: ``maillage who-covers Muret --age 0-12``.

Run: ``.venv/bin/python bench/bench_cli.py [--runs 15] [--data-dir var]`` (builds the national graph in
a temporary folder when no build exists). Prints the median, min and max wall time of the command over
``--runs`` runs, and of a bare ``python -c pass`` for scale. Goal: median ≤ 0.25 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL = 0.25


def wall(command: list[str], env: dict, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--data-dir", type=Path, default=ROOT / "var")
    args = parser.parse_args()

    from core.settings import Settings
    from ingest.build import build
    from store.builds import current_build

    settings = Settings.from_env(data_dir=args.data_dir, registry=ROOT / "registry", backend="embedded")
    if current_build(settings.data_dir) is None:
        print("Building the national graph…", flush=True)
        build(settings)
    env = dict(os.environ, MAILLAGE_DATA_DIR=str(settings.data_dir), MAILLAGE_BACKEND="embedded")
    maillage = str(Path(sys.executable).with_name("maillage"))
    question = [maillage, "who-covers", "Muret", "--age", "0-12"]
    wall(question, env, 2)  # warm the page cache
    bare = wall([sys.executable, "-c", "pass"], env, args.runs)
    asked = wall(question, env, args.runs)
    print(f"load average: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; {args.runs} runs each")
    for label, times in (("python -c pass", bare), ("maillage who-covers Muret --age 0-12", asked)):
        print(f"{label:<40} median {statistics.median(times):.3f} s  (min {min(times):.3f}, max {max(times):.3f})")
    median = statistics.median(asked)
    print(f"goal: median ≤ {GOAL} s — {'met' if median <= GOAL else 'NOT met'} ({median:.3f} s)")


if __name__ == "__main__":
    main()
