"""Benchmark: what a planner's client gets while hostile requests run, against the same at rest, as ratios.

Run: ``.venv/bin/python bench/bench_hostile.py [--data-dir var] [--rounds 400] [--sparql 60] [--floods 4]
[--first-attacks]``

* The service is the real app on the live build of ``--data-dir`` (``var/`` by default; made first if
  missing), served by uvicorn as ``maillage serve`` runs it (its bounded HTTP protocol), in its own
  process on loopback, with a write token set for the run and the default settings (``query_timeout``
  10 s, 2 SPARQL workers, 4 places in their queue).
* At rest: ``--rounds`` rounds of one request each of ``/v1/health``, ``/v1/who-covers`` (a commune the
  index holds), ``/v1/instances`` and ``/v1/places`` (both in the thread pool), one at a time on one
  keep-alive connection, 20 ms apart. Then the same while attackers run, each kind in a process of its
  own (``tests/hostile.py``): the scenario of the second red team, ``--floods`` clients sending 50 MB
  headers and ``--sparql`` SPARQL clients asking a query that runs until its time limit; with
  ``--first-attacks`` also the first red team's (60 kB place names, uploads nested 50,000 deep with the
  token, declared 200 MB bodies).
* Printed: p50, p99 and maximum of each path at rest and under attack, the ratios of the p99s (goals:
  health ≤ 3×, who-covers ≤ 10×), and what the hostile requests got (statuses, counts). Nothing is
  asserted: a measurement. The machine's cores are shared by the server, its SPARQL workers, the
  attackers and this client: the load average is printed at the start, between the phases and at the end.
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
PATHS = {"/v1/health": "health", "/v1/who-covers?place=Muret&ages=0-12&on=2024-06-01": "who-covers",
         "/v1/instances?limit=20": "instances", "/v1/places?q=Toulouse": "places"}
GOALS = {"health": 3.0, "who-covers": 10.0}


def _line(name: str, values: list[float], p99) -> str:
    ms = [v * 1000 for v in values]
    return f"{name:<24} {len(ms):>7} {statistics.median(ms):>8.2f} {p99(values) * 1000:>8.2f} {max(ms):>8.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=str(ROOT / "var"))
    parser.add_argument("--rounds", type=int, default=400)
    parser.add_argument("--sparql", type=int, default=60, help="clients SPARQL simultanés")
    parser.add_argument("--floods", type=int, default=4, help="clients envoyant des en-têtes de 50 Mo")
    parser.add_argument("--first-attacks", action="store_true", help="ajouter les attaques du premier essai")
    parser.add_argument("--nice", type=int, default=10,
                        help="priorité abaissée des attaquants : sur la boucle locale ils partagent les cœurs du service")
    args = parser.parse_args()

    from hostile import Attack, attacks, latencies, p99, samples
    from running import running_service
    from core.settings import Settings
    from ingest.build import build
    from store.builds import current_build

    settings = Settings.from_env(data_dir=args.data_dir)
    if current_build(settings.data_dir) is None:
        print("Aucune construction : construction nationale…", file=sys.stderr)
        build(settings)
    kinds = attacks(TOKEN, sparql_clients=args.sparql, floods=args.floods)
    if not args.first_attacks:
        kinds = {name: kind for name, kind in kinds.items() if name.startswith(("SPARQL", "en-têtes"))}
    print(f"charge moyenne au début : {os.getloadavg()}")
    with running_service(settings, env={"MAILLAGE_API_TOKEN": TOKEN}, timeout=300) as url:
        samples(url, list(PATHS), 20)  # warm-up
        rest = samples(url, list(PATHS), args.rounds)
        print(f"charge moyenne après la mesure au repos : {os.getloadavg()}")
        started = time.monotonic()
        with Attack(url, kinds, seconds=900, nice=args.nice) as attack:
            time.sleep(2)  # the attackers are connected and sending; the SPARQL workers are busy
            hot = samples(url, list(PATHS), args.rounds, deadline=800)
            during = os.getloadavg()
        seconds = time.monotonic() - started
    print(f"charge moyenne pendant l'attaque (à sa fin) : {during} ; à la fin : {os.getloadavg()}")
    print(f"\n{len(PATHS)} adresses tour à tour, une requête à la fois toutes les 20 ms ; attaques : "
          f"{', '.join(kinds)} ; {seconds:.0f} s d'attaque, {os.cpu_count()} cœurs partagés\n")
    print(f"{'mesure':<24} {'requêtes':>7} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for path, name in PATHS.items():
        print(_line(f"{name} au repos", latencies(rest[path]), p99))
        print(_line(f"{name} sous attaque", latencies(hot[path]), p99))
    print()
    for path, name in PATHS.items():
        ratio = p99(latencies(hot[path])) / p99(latencies(rest[path]))
        goal = f"   (objectif ≤ {GOALS[name]:g}×)" if name in GOALS else ""
        failed = sum(1 for _, status in hot[path] if status != 200)
        print(f"{name:<12} p99 sous attaque / p99 au repos : {ratio:6.2f}×{goal}   réponses non 200 : {failed}")
    print("\nrequêtes hostiles reçues :")
    for (kind, status), count in sorted(attack.statuses.items(), key=lambda item: (item[0][0], str(item[0][1]))):
        print(f"  {kind:<28} {status!s:>22} × {count}")


if __name__ == "__main__":
    main()
