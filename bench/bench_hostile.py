"""Benchmark: the health endpoint's p99 while hostile requests run, against its p99 at rest, as a ratio.

Run: ``.venv/bin/python bench/bench_hostile.py [--data-dir var] [--samples 600] [--attackers 2]``

* The service is the real app on the live build of ``--data-dir`` (``var/`` by default; made first if
  missing), served by uvicorn in its own process on loopback, with a write token set for the run.
* At rest: ``--samples`` requests of ``/v1/health``, one at a time on one keep-alive connection, 20 ms
  apart. Then the same while ``--attackers`` processes per kind send hostile requests without pause:
  60 kB place names to ``/v1/who-covers`` and ``/v1/places``, uploads of 50,000 nested brackets with the
  token (each one checked by a child process, whose reader refuses its depth) and declared 200 MB bodies
  (``tests/hostile.py``). Each attacker keeps its connection open, as a client would.
* Printed: p50, p99 and maximum at rest and under attack, their ratio (goal: p99 ≤ 3× at rest), and
  what the hostile requests got (statuses, counts). Nothing is asserted: a measurement. The machine's
  cores are shared by the server, its validation children, the attackers and this client: the load average is
  printed at the start and the end.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the service harness and the hostile requests the tests use

TOKEN = "jeton-du-banc-d-essai"


def _line(name: str, samples: list[float], p99) -> str:
    ms = [s * 1000 for s in samples]
    return (f"{name:<24} {len(ms):>7} {statistics.median(ms):>8.2f} {p99(samples) * 1000:>8.2f} {max(ms):>8.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=str(ROOT / "var"))
    parser.add_argument("--samples", type=int, default=600)
    parser.add_argument("--attackers", type=int, default=2, help="attaquants (processus) par genre de requête")
    args = parser.parse_args()

    from hostile import Attack, attacks, health_latencies, p99
    from running import running_service
    from core.settings import Settings
    from ingest.build import build
    from store.builds import current_build

    settings = Settings.from_env(data_dir=args.data_dir)
    if current_build(settings.data_dir) is None:
        print("Aucune construction : construction nationale…", file=sys.stderr)
        build(settings)
    print(f"charge moyenne au début : {os.getloadavg()}")
    with running_service(settings, env={"MAILLAGE_API_TOKEN": TOKEN}, timeout=300) as url:
        health_latencies(url, 50)  # warm-up
        rest = health_latencies(url, args.samples)
        started = time.monotonic()
        with Attack(url, attacks(TOKEN), per_kind=args.attackers, seconds=600) as attack:
            time.sleep(0.5)  # the attackers are connected and sending
            hot = health_latencies(url, args.samples, deadline=540)
        seconds = time.monotonic() - started
    print(f"charge moyenne à la fin : {os.getloadavg()}")
    print(f"\n/v1/health, une requête à la fois toutes les 20 ms ; {args.attackers} attaquant(s) par genre, "
          f"{seconds:.0f} s d'attaque, {os.cpu_count()} cœurs partagés\n")
    print(f"{'mesure':<24} {'requêtes':>7} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    print(_line("au repos", rest, p99))
    print(_line("sous attaque", hot, p99))
    print(f"\np99 sous attaque / p99 au repos : {p99(hot) / p99(rest):.2f}×   (objectif ≤ 3×)")
    print(f"p99 sous attaque : {p99(hot) * 1000:.1f} ms   (objectif du test : ≤ 50 ms)\n")
    print("requêtes hostiles reçues :")
    for (kind, status), count in sorted(attack.statuses.items(), key=lambda item: (item[0][0], str(item[0][1]))):
        print(f"  {kind:<28} {status!s:>16} × {count}")


if __name__ == "__main__":
    main()
