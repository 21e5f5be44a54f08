"""Benchmark: the coverage layer of a région and of a département from the session's tables, against the
coverage question asked commune by commune, in the same run.

Run: ``.venv/bin/python bench/bench_layers.py [--data-dir var] [--rounds 15]``

* The live build of ``--data-dir`` (any build: the real registry's, or the synthetic national one made
  with ``maillage synthetic`` then ``maillage build`` on its folder), opened as the service opens it
  (a long-lived session, indexes warmed).
* For Occitanie (``region:76``) and Haute-Garonne (``departement:31``): ``coverage_layer`` (what
  ``/v1/layers/coverage`` answers, without HTTP) ``--rounds`` times, and the baseline once per round
  (``who_covers`` for every commune of the layer: the named question per commune a map would otherwise
  send). Types, ages and date cycle through four sets of filters so no answer is the previous one.
* Printed: both p50s, their ratio, and the layer's p50 against the goals (Occitanie ≤ 50 ms,
  Haute-Garonne ≤ 15 ms). Nothing is asserted: a measurement.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

FILTERS = ((None, None, "2024-06-01"), ("DAC", "0-120", None), ("CPTS", None, "2026-11-23"), ("CLS", "0-12", "2019-06-01"))
TERRITORIES = (("region", "76", "Occitanie", 50.0), ("departement", "31", "Haute-Garonne", 15.0))


def _timed(call) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=str(ROOT / "var"))
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()

    from core.settings import Settings
    from queries.coverage import who_covers
    from queries.layer import coverage_layer
    from store.session import open_backend

    session = open_backend(Settings.from_env(data_dir=args.data_dir), long_lived=True).warm()
    print(f"construction : {session.build.name} ; charge moyenne au début : {os.getloadavg()[0]:.2f}")
    for kind, code, name, goal in TERRITORIES:
        communes = [c.code for c in coverage_layer(session, kind, code).communes]
        layer_ms, question_ms = [], []
        for round_ in range(args.rounds):
            type_, ages, on = FILTERS[round_ % len(FILTERS)]
            layer_ms.append(_timed(lambda: coverage_layer(session, kind, code, type=type_, ages=ages, on=on)))
            if round_ < 4:  # the baseline is thousands of questions: four rounds, one per set of filters
                question_ms.append(_timed(lambda: [who_covers(session, c, ages=ages, on=on) for c in communes]))
        layer, question = statistics.median(layer_ms), statistics.median(question_ms)
        print(f"{name} ({kind}:{code}, {len(communes)} communes)")
        print(f"  couche depuis les tables   p50 {layer:9.1f} ms   (objectif ≤ {goal:.0f} ms : "
              f"{'atteint' if layer <= goal else 'non atteint'})")
        print(f"  question par commune       p50 {question:9.1f} ms")
        print(f"  rapport couche / questions : {layer / question:.4f}")
    print(f"charge moyenne à la fin : {os.getloadavg()[0]:.2f}")
    session.close()


if __name__ == "__main__":
    sys.exit(main())
