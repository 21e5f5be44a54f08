"""Benchmark: what-if scenarios on a département and on a région, against the plain gaps question of the
same territory, in the same run.

Run: ``.venv/bin/python bench/bench_whatif.py [--data-dir var] [--rounds 7]``

* The live build of ``--data-dir`` (default: the real registry built now in a temporary folder), opened
  as the service opens it (a long-lived session, its tables read once).
* The département: a new CPTS on the CC du Gévaudan (``epci:244800470``, Lozère), against
  ``gaps_in(departement:48, CPTS)``. The région: a new DAC on all of Occitanie (``region:76``), against
  ``gaps_in(region:76, DAC)``. Each ``--rounds`` times, alternately; p50s printed.
* Printed: both p50s, their ratio, and the scenario's p50 against the goals (département ≤ 1 s, région
  ≤ 3 s). Nothing is asserted: a measurement.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _national import national_settings, parser_for  # noqa: E402

CASES = (("département", "departement:48", "CPTS", {"kind": "new", "type": "CPTS", "perimeter": ["epci:244800470"]}, 1.0),
         ("région", "region:76", "DAC", {"kind": "new", "type": "DAC", "perimeter": ["region:76"]}, 3.0))


def _timed(call) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def main() -> None:
    parser = parser_for(__doc__)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--on", default="2026-12-01")
    args = parser.parse_args()

    from analysis.ask import gaps_in
    from analysis.scenario import read_scenario
    from analysis.whatif import what_if
    from store.session import open_backend

    settings, tmp = national_settings(args.data_dir, "maillage-bench-whatif-", args.registry)
    try:
        session = open_backend(settings, long_lived=True).warm()
        session.tables  # read once, as the service does at its first analysis
        print(f"construction : {session.build.name} ; charge moyenne au début : {os.getloadavg()[0]:.2f}")
        for label, territory, type_, change, goal in CASES:
            scenario = read_scenario({"on": args.on, "changes": [change]})
            moved = what_if(session, scenario).moves
            scenario_s, gaps_s = [], []
            for _ in range(args.rounds):
                scenario_s.append(_timed(lambda: what_if(session, scenario)))
                gaps_s.append(_timed(lambda: gaps_in(session, territory, type_, None, None, args.on)))
            mine, base = statistics.median(scenario_s), statistics.median(gaps_s)
            print(f"{label} ({territory}, {type_} ; {sum(m.communes for m in moved)} commune(s) changent d'état)")
            print(f"  scénario               p50 {mine * 1000:8.1f} ms   (objectif ≤ {goal:.0f} s : "
                  f"{'atteint' if mine <= goal else 'non atteint'})")
            print(f"  question des lacunes   p50 {base * 1000:8.1f} ms")
            print(f"  rapport scénario / lacunes : {mine / base:.2f}")
        print(f"charge moyenne à la fin : {os.getloadavg()[0]:.2f}")
        session.close()
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
